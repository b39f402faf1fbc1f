# @generated from ray/ray_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Ray jobs on KubeRay: the flytekit SDK of the `kuberay` Flyte backend plugin.

`models` holds one dataclass per message and one enum per enum of `ray/ray_job.proto`; `tasks`
holds one task class per task type. Every config is validated when its task is defined, and its
`to_dict()` is the task template's `custom` payload.

Task types:

* `kuberay-ray-job` (version 0): `@task(task_config=RayJob(...))` on a function
"""

from .models import (
    HeadGroup,
    RayJob,
    WorkerGroup,
)
from .tasks import (
    RayJobTask,
)

__all__ = [
    "HeadGroup",
    "RayJob",
    "WorkerGroup",
    "RayJobTask",
]
