# @generated from batchjob/batch_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Flyte task classes of the `batch-job` plugin: one per task type of `batchjob/batch_job.proto`.

Each class declares its interface (`INPUTS`, `OUTPUTS`) as the model does; the generic behaviour
lives in `_base`.
"""

from __future__ import annotations

import typing

from ._base import Input, PayloadTask
from .models import BatchJob


class BatchJobTask(PayloadTask):
    """Runs one or more containers to completion as a Kubernetes Job.

    The backend runs it from its config alone: the task template carries task type
    `example-batch-job` (version 0) and the config's `to_dict()` as `custom`. It cannot run
    locally; mock it in local tests (`flytekit.testing.task_mock`).

    Inputs:
        parallel_pods (int, optional): How many pods run at once.
    """

    TASK_TYPE = "example-batch-job"
    TASK_TYPE_VERSION = 0
    CONFIG = BatchJob
    INPUTS = (
        Input("parallel_pods", int, required=False),
    )

    def __init__(self, name: str, config: BatchJob, **kwargs: typing.Any) -> None:
        super().__init__(name, config, **kwargs)
