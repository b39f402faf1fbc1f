# @generated from spark/spark_application.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Spark applications on the Kubeflow Spark operator: the flytekit SDK of the `spark-on-k8s` Flyte
backend plugin.

`models` holds one dataclass per message and one enum per enum of
`spark/spark_application.proto`; `tasks` holds one task class per task type. Every config is
validated when its task is defined, and its `to_dict()` is the task template's `custom` payload.

Task types:

* `spark-on-k8s-application` (version 0): `@task(task_config=Spark(...))` on a function
"""

from .models import (
    Driver,
    Executors,
    Spark,
)
from .tasks import (
    SparkTask,
)

__all__ = [
    "Driver",
    "Executors",
    "Spark",
    "SparkTask",
]
