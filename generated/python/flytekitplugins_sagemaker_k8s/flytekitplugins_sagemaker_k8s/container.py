# @generated from sagemaker/sagemaker.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Helpers for a task function running inside a job container of the `sagemaker` plugin.

The controller and the container share files under `/opt/ml` (or under `$FLYTE_SAGEMAKER_ROOT`
when it is set): the job's parameters in `/opt/ml/input/config/hyperparameters.json`, its hosts
in `/opt/ml/input/config/resourceconfig.json`, the failure reason in `/opt/ml/output/failure`.
The task class reads them itself (a parameter named like an input sets it; only the first host
writes outputs); these helpers give the function what it may want besides: its host, the model
and channel directories, and metric reporting.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import _job
# Re-exported (`as`), so type checkers let the package's `__init__` import it from here.
from ._job import HostContext as HostContext

CONTRACT = _job.Contract(
    root="/opt/ml",
    root_env="FLYTE_SAGEMAKER_ROOT",
    parameters_file="input/config/hyperparameters.json",
    hosts_file="input/config/resourceconfig.json",
    current_host_key="current_host",
    hosts_key="hosts",
    failure_file="output/failure",
    failure_max_bytes=1024,
    model_dir="model",
    channel_dir="input/data/{name}",
    metric_prefix="flyte-metric ",
    metric_between="=",
    metric_suffix="",
)


def host_context() -> HostContext:
    """This container's host and every host of the job.

    Read from `/opt/ml/input/config/resourceconfig.json`. Outside a job (a local run) it is a single host named `localhost`. Raises `_job.JobError` when
    the file is there but unusable.
    """
    return _job.hosts(CONTRACT) or _job.LOCAL_HOST


def model_dir() -> Path:
    """The directory whose contents the controller uploads as the job's model: `/opt/ml/model`.

    Write the model there; return `FlyteDirectory(str(model_dir()))` to also make it a Flyte output.
    """
    return CONTRACT.path(CONTRACT.model_dir)


def channel_dir(name: str) -> Path:
    """The directory in which the controller puts the data of channel `name`: `/opt/ml/input/data/{name}`."""
    return CONTRACT.path(CONTRACT.channel_dir.replace("{name}", name))


def metric_regex(name: str) -> str:
    """The regular expression that reads metric `name` from the lines `report_metric` prints; use it
    as the `regex` of the metric's definition."""
    return _job.metric_regex(CONTRACT, name)


def report_metric(name: str, value: float) -> None:
    """Prints metric `name` with `value` as one line on standard output, where the controller's log
    parser finds it with `metric_regex(name)`. Raises ValueError for a non-finite value."""
    print(_job.metric_line(CONTRACT, name, value), file=sys.stdout, flush=True)
