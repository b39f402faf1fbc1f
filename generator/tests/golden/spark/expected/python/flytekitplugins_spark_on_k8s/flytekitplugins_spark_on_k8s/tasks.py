# @generated from spark/spark_application.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Flyte task classes of the `spark-on-k8s` plugin: one per task type of
`spark/spark_application.proto`.

Each class declares its interface (`INPUTS`, `OUTPUTS`) as the model does; the generic behaviour
lives in `_base`.
"""

from __future__ import annotations

import typing

from flytekit.core.task import TaskPlugins

from ._base import ContainerPayloadTask
from .models import Spark


class SparkTask(ContainerPayloadTask):
    """Runs the task function as a PySpark application: the Spark operator submits it with
    spark-submit in cluster mode, the driver runs the function, and the executors run the Spark
    work it hands out.

    Declare it on a function with `@task(task_config=Spark(...))`. The function runs in the
    task's own container inside the job; its inputs and outputs are the function's, plus any
    inputs listed below that it does not take itself (those only feed the job's configuration).
    The task template carries task type `spark-on-k8s-application` (version 0), the config's
    `to_dict()` as `custom` and the usual container.
    """

    TASK_TYPE = "spark-on-k8s-application"
    TASK_TYPE_VERSION = 0
    CONFIG = Spark

    def __init__(
        self, task_config: Spark, task_function: typing.Callable[..., typing.Any], **kwargs: typing.Any
    ) -> None:
        super().__init__(task_config, task_function, **kwargs)


TaskPlugins.register_pythontask_plugin(Spark, SparkTask)
