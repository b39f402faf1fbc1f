{{ header }}
{{ docstring }}

from __future__ import annotations

import sys
from pathlib import Path

from . import _job
# Re-exported (`as`), so type checkers let the package's `__init__` import it from here.
from ._job import HostContext as HostContext

CONTRACT = _job.Contract(
{%- for (name, value) in fields %}
    {{ name }}={{ value }},
{%- endfor %}
)


def host_context() -> HostContext:
    """This container's host and every host of the job.

    Read from {{ hosts_file }}. Outside a job (a local run) it is a single host named `localhost`. Raises `_job.JobError` when
    the file is there but unusable.
    """
    return _job.hosts(CONTRACT) or _job.LOCAL_HOST


def model_dir() -> Path:
    """The directory whose contents the controller uploads as the job's model: {{ model_dir }}.

    Write the model there; return `FlyteDirectory(str(model_dir()))` to also make it a Flyte output.
    """
    return CONTRACT.path(CONTRACT.model_dir)


def channel_dir(name: str) -> Path:
    """The directory in which the controller puts the data of channel `name`: {{ channel_dir }}."""
    return CONTRACT.path(CONTRACT.channel_dir.replace("{name}", name))


def metric_regex(name: str) -> str:
    """The regular expression that reads metric `name` from the lines `report_metric` prints; use it
    as the `regex` of the metric's definition."""
    return _job.metric_regex(CONTRACT, name)


def report_metric(name: str, value: float) -> None:
    """Prints metric `name` with `value` as one line on standard output, where the controller's log
    parser finds it with `metric_regex(name)`. Raises ValueError for a non-finite value."""
    print(_job.metric_line(CONTRACT, name, value), file=sys.stdout, flush=True)
