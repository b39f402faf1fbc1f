# @generated from demo/job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Flyte plugin demo: the flytekit SDK of the `demo` Flyte backend plugin.

`models` holds one dataclass per message and one enum per enum of `demo/job.proto`; `tasks` holds
one task class per task type. Every config is validated when its task is defined, and its
`to_dict()` is the task template's `custom` payload.

Task types:

* `demo-job` (version 0): `DemoTask(name=..., config=Job(...))`
"""

from .models import (
    Job,
)
from .tasks import (
    DemoTask,
)

__all__ = [
    "Job",
    "DemoTask",
]
