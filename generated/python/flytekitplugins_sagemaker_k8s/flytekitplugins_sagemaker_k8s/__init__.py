# @generated from sagemaker/sagemaker.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""AWS SageMaker training and hyperparameter tuning on Kubernetes: the flytekit SDK of the
`sagemaker` Flyte backend plugin.

`models` holds one dataclass per message and one enum per enum of `sagemaker/sagemaker.proto`;
`tasks` holds one task class per task type. Every config is validated when its task is defined,
and its `to_dict()` is the task template's `custom` payload.

Task types:

* `sagemaker-k8s-builtin-training` (version 0): `SageMakerBuiltinTrainingTask(name=...,
  config=BuiltinAlgorithmTrainingJob(...))`
* `sagemaker-k8s-custom-training` (version 0): `@task(task_config=CustomTrainingJob(...))` on a
  function
* `sagemaker-k8s-hyperparameter-tuning` (version 0): `SageMakerHyperparameterTuningTask(name=...,
  config=HyperparameterTuningJob(...))`
"""

from .models import (
    BuiltinAlgorithmTrainingJob,
    CategoricalParameterRange,
    Channel,
    CheckpointConfig,
    CompressionType,
    ContinuousParameterRange,
    CustomTrainingJob,
    DistributedProtocol,
    EarlyStoppingType,
    HyperparameterTuningJob,
    InputMode,
    IntegerParameterRange,
    MetricDefinition,
    ObjectiveType,
    ResourceConfig,
    S3DataDistribution,
    S3DataType,
    ScalingType,
    StoppingCondition,
    TuningObjective,
    TuningStrategy,
    VpcConfig,
    WarmStartConfig,
    WarmStartParent,
    WarmStartType,
)
from .container import (
    HostContext,
    channel_dir,
    host_context,
    metric_regex,
    model_dir,
    report_metric,
)
from .tasks import (
    SageMakerBuiltinTrainingTask,
    SageMakerCustomTrainingTask,
    SageMakerHyperparameterTuningTask,
)

__all__ = [
    "BuiltinAlgorithmTrainingJob",
    "CategoricalParameterRange",
    "Channel",
    "CheckpointConfig",
    "CompressionType",
    "ContinuousParameterRange",
    "CustomTrainingJob",
    "DistributedProtocol",
    "EarlyStoppingType",
    "HyperparameterTuningJob",
    "InputMode",
    "IntegerParameterRange",
    "MetricDefinition",
    "ObjectiveType",
    "ResourceConfig",
    "S3DataDistribution",
    "S3DataType",
    "ScalingType",
    "StoppingCondition",
    "TuningObjective",
    "TuningStrategy",
    "VpcConfig",
    "WarmStartConfig",
    "WarmStartParent",
    "WarmStartType",
    "HostContext",
    "channel_dir",
    "host_context",
    "metric_regex",
    "model_dir",
    "report_metric",
    "SageMakerBuiltinTrainingTask",
    "SageMakerCustomTrainingTask",
    "SageMakerHyperparameterTuningTask",
]
