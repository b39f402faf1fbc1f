# @generated from ray/ray_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Flyte task classes of the `kuberay` plugin: one per task type of `ray/ray_job.proto`.

Each class declares its interface (`INPUTS`, `OUTPUTS`) as the model does; the generic behaviour
lives in `_base`.
"""

from __future__ import annotations

import typing

from flytekit.core.task import TaskPlugins

from ._base import ContainerPayloadTask
from .models import RayJob


class RayJobTask(ContainerPayloadTask):
    """Runs the task function as a Ray job: KubeRay starts a Ray cluster from the task's image,
    submits the task's command to it, and shuts the cluster down when the job ends.

    Declare it on a function with `@task(task_config=RayJob(...))`. The function runs in the
    task's own container inside the job; its inputs and outputs are the function's, plus any
    inputs listed below that it does not take itself (those only feed the job's configuration).
    The task template carries task type `kuberay-ray-job` (version 0), the config's `to_dict()`
    as `custom` and the usual container.
    """

    TASK_TYPE = "kuberay-ray-job"
    TASK_TYPE_VERSION = 0
    CONFIG = RayJob

    def __init__(
        self, task_config: RayJob, task_function: typing.Callable[..., typing.Any], **kwargs: typing.Any
    ) -> None:
        super().__init__(task_config, task_function, **kwargs)


TaskPlugins.register_pythontask_plugin(RayJob, RayJobTask)
