# @generated from demo/job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Flyte task classes of the `demo` plugin: one per task type of `demo/job.proto`.

Each class declares its interface (`INPUTS`, `OUTPUTS`) as the model does; the generic behaviour
lives in `_base`.
"""

from __future__ import annotations

import typing

from ._base import PayloadTask
from .models import Job


class DemoTask(PayloadTask):
    """A widget job: the smallest complete plugin.

    The backend runs it from its config alone: the task template carries task type `demo-job`
    (version 0) and the config's `to_dict()` as `custom`. It cannot run locally; mock it in local
    tests (`flytekit.testing.task_mock`).
    """

    TASK_TYPE = "demo-job"
    TASK_TYPE_VERSION = 0
    CONFIG = Job

    def __init__(self, name: str, config: Job, **kwargs: typing.Any) -> None:
        super().__init__(name, config, **kwargs)
