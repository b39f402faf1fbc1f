# @generated from sagemaker/sagemaker.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Flyte task classes of the `sagemaker` plugin: one per task type of `sagemaker/sagemaker.proto`.

Each class declares its interface (`INPUTS`, `OUTPUTS`) as the model does; the generic behaviour
lives in `_base`.
"""

from __future__ import annotations

import typing

from flytekit.core.python_function_task import PythonFunctionTask
from flytekit.core.task import TaskPlugins
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile

from ._base import ContainerParameters, ContainerPayloadTask, ElementInputs, Input, PayloadTask, with_format
from . import container
from .models import BuiltinAlgorithmTrainingJob, CustomTrainingJob, HyperparameterTuningJob


class SageMakerBuiltinTrainingTask(PayloadTask):
    """Trains a model with one of SageMaker's built-in algorithms (XGBoost, Linear Learner, BlazingText
    and so on) or with any ready-made training image, without running your own Python code.

    Name the algorithm and its version and the platform picks the matching image for the job's
    region from its configured image table, or give `training_image` directly. Each entry of
    `channels` becomes a task input of the same name that takes an S3 directory; the dictionary
    input `static_hyperparameters` is merged into `hyperparameters`. The task returns the trained
    model archive as the output `model`.

    The backend runs it from its config alone: the task template carries task type
    `sagemaker-k8s-builtin-training` (version 0) and the config's `to_dict()` as `custom`. It
    cannot run locally; mock it in local tests (`flytekit.testing.task_mock`).

    Inputs:
        <one per element of `config.channels`, named by its `name`> (FlyteDirectory): S3
            directory (prefix) whose objects SageMaker feeds to the algorithm through the channel
            of this name.
        static_hyperparameters (dict, optional): Hyperparameters decided at run time, merged into
            the task's fixed hyperparameters. Values must be strings, numbers or booleans; a key
            that is already fixed on the task is an error.

    Outputs:
        model (FlyteFile, format `tar.gz`): The trained model: the `model.tar.gz` archive
            SageMaker uploads when the job completes.
    """

    TASK_TYPE = "sagemaker-k8s-builtin-training"
    TASK_TYPE_VERSION = 0
    CONFIG = BuiltinAlgorithmTrainingJob
    INPUTS = (
        ElementInputs("channels", "name", FlyteDirectory, required=True),
        Input("static_hyperparameters", dict, required=False),
    )
    OUTPUTS = {
        "model": with_format(FlyteFile, "tar.gz"),
    }

    def __init__(self, name: str, config: BuiltinAlgorithmTrainingJob, **kwargs: typing.Any) -> None:
        super().__init__(name, config, **kwargs)


class SageMakerCustomTrainingTask(ContainerPayloadTask):
    """Runs the Flyte task's own container image as a SageMaker training job, so that a Python
    function decorated as a task trains on SageMaker instances (including multi-instance
    distributed training) while keeping its normal Flyte inputs and outputs.

    The image must be in ECR and run this plugin's `sagemaker-entrypoint` as SageMaker's `train`
    program. The backend hands it the Flyte command as JSON text cut into numbered pieces: with ACK
    in the environment variables `FLYTE_SAGEMAKER_COMMAND_0`, `FLYTE_SAGEMAKER_COMMAND_1`, ...; with
    the operator, which has no environment field, in hyperparameters named `_flyte_cmd_0`,
    `_flyte_cmd_1`, ...; the pieces joined in index order form the JSON text. flytekit inside the
    container reads the task inputs and writes the task outputs itself, so the job needs network
    access to S3 (do not combine with network isolation).

    Inside the job a hyperparameter named like an input of the function sets that input (converted
    to its type), the function can ask which host it runs on (`host_context()`), only the first host
    writes the Flyte outputs, a function that raises fails the job with its error as SageMaker's
    failure reason, and `report_metric(name, value)` prints the line that a metric definition made
    with `metric_regex(name)` reads.

    Declare it on a function with `@task(task_config=CustomTrainingJob(...))`. The function runs
    in the task's own container inside the job; its inputs and outputs are the function's, plus
    any inputs listed below that it does not take itself (those only feed the job's
    configuration). The task template carries task type `sagemaker-k8s-custom-training` (version
    0), the config's `to_dict()` as `custom` and the usual container.

    Inputs:
        <one per element of `config.channels`, named by its `name`> (FlyteDirectory): S3
            directory (prefix) that SageMaker makes available to the container under
            `/opt/ml/input/data/<channel name>`.
    """

    TASK_TYPE = "sagemaker-k8s-custom-training"
    TASK_TYPE_VERSION = 0
    CONFIG = CustomTrainingJob
    INPUTS = (
        ElementInputs("channels", "name", FlyteDirectory, required=True),
    )
    CONTRACT = container.CONTRACT

    def __init__(
        self, task_config: CustomTrainingJob, task_function: typing.Callable[..., typing.Any], **kwargs: typing.Any
    ) -> None:
        super().__init__(task_config, task_function, **kwargs)


TaskPlugins.register_pythontask_plugin(CustomTrainingJob, SageMakerCustomTrainingTask)


class SageMakerHyperparameterTuningTask(PayloadTask):
    """Searches for the best hyperparameters by running many training jobs and keeping the one with
    the best value of an objective metric.

    The training jobs run either a built-in algorithm (name it, or give `training_image`) or the
    image of a custom training task (`container_task` in the SDK), which then receives the Flyte
    command through hyperparameters `_flyte_cmd_0`, `_flyte_cmd_1`, ... as in custom training. Each
    hyperparameter you tune is declared in exactly one of the three range lists; everything else
    goes in `hyperparameters`, which must not repeat a tuned name. When tuning a custom training
    task, every tuned name must be an input of its function: each trial calls the function with the
    values SageMaker chose for it, and the tuning task itself does not take those inputs. The task
    returns the best job's model, its name and its objective value.

    The backend runs it from its config alone: the task template carries task type
    `sagemaker-k8s-hyperparameter-tuning` (version 0) and the config's `to_dict()` as `custom`.
    It cannot run locally; mock it in local tests (`flytekit.testing.task_mock`).

    Pass `container_task=` a task declared with the config of a task type that runs its own
    container to have the job run that task's image and command: the template then carries that
    task's container, and this task also takes that task's inputs.

    Inputs:
        <one per element of `config.channels`, named by its `name`> (FlyteDirectory): S3
            directory (prefix) whose objects every training job of the search reads through the
            channel of this name.
        static_hyperparameters (dict, optional): Fixed (not tuned) hyperparameters decided at run
            time, merged into the task's own. Values must be strings, numbers or booleans; a key
            already fixed on the task, or tuned by a range, is an error.

    Outputs:
        model (FlyteFile, format `tar.gz`): Model archive (`model.tar.gz`) of the best training
            job.
        best_training_job (str): Name of the training job with the best objective value.
        best_objective_value (float): Final value of the objective metric reached by the best
            training job.
    """

    TASK_TYPE = "sagemaker-k8s-hyperparameter-tuning"
    TASK_TYPE_VERSION = 0
    CONFIG = HyperparameterTuningJob
    INPUTS = (
        ElementInputs("channels", "name", FlyteDirectory, required=True),
        Input("static_hyperparameters", dict, required=False),
    )
    OUTPUTS = {
        "model": with_format(FlyteFile, "tar.gz"),
        "best_training_job": str,
        "best_objective_value": float,
    }
    ACCEPTS_CONTAINER_TASK = True
    CONTAINER_PARAMETERS = (
        ContainerParameters("continuous_ranges", "name", float),
        ContainerParameters("integer_ranges", "name", int),
        ContainerParameters("categorical_ranges", "name", str, "values"),
    )

    def __init__(
        self,
        name: str,
        config: HyperparameterTuningJob,
        container_task: PythonFunctionTask[typing.Any] | None = None,
        **kwargs: typing.Any,
    ) -> None:
        super().__init__(name, config, container_task=container_task, **kwargs)
