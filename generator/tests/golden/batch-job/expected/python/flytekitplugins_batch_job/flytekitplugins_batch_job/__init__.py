# @generated from batchjob/batch_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Kubernetes batch Jobs: the flytekit SDK of the `batch-job` Flyte backend plugin.

`models` holds one dataclass per message and one enum per enum of `batchjob/batch_job.proto`;
`tasks` holds one task class per task type. Every config is validated when its task is defined,
and its `to_dict()` is the task template's `custom` payload.

Task types:

* `example-batch-job` (version 0): `BatchJobTask(name=..., config=BatchJob(...))`
"""

from .models import (
    BatchJob,
    Container,
    PullPolicy,
)
from .tasks import (
    BatchJobTask,
)

__all__ = [
    "BatchJob",
    "Container",
    "PullPolicy",
    "BatchJobTask",
]
