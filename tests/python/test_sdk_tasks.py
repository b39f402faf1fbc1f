"""The generated SageMaker SDK, used as a user would and serialized by flytekit's own serializer.

Each task type is defined from its config, turned into a TaskTemplate with
`flytekit.tools.translator.get_serializable` (what `pyflyte package` and `pyflyte register` use),
and the template is checked where the backend reads it: type and version (propeller routes on
both), the interface, `custom` and the container.
"""

from collections import OrderedDict

import pytest
from flyteidl.core import types_pb2
from flytekit import task, workflow
from flytekit.configuration import ImageConfig, SerializationSettings
from flytekit.tools.translator import get_serializable
from flytekit.types.directory import FlyteDirectory
from google.protobuf.json_format import MessageToDict

import flytekitplugins_sagemaker_k8s as sm

SETTINGS = SerializationSettings(
    image_config=ImageConfig.auto_default_image(), project="flytesnacks", domain="development", version="v1"
)
MULTIPART = types_pb2.BlobType.BlobDimensionality.MULTIPART
SINGLE = types_pb2.BlobType.BlobDimensionality.SINGLE

RESOURCES = sm.ResourceConfig(instance_type="ml.m5.xlarge")


def template(entity):
    return get_serializable(OrderedDict(), SETTINGS, entity).template.to_flyte_idl()


def variables(tmpl, direction):
    return dict(getattr(tmpl.interface, direction).variables)


def assert_directory(literal_type, fmt=""):
    assert literal_type.WhichOneof("type") == "blob"
    assert literal_type.blob.dimensionality == MULTIPART
    assert literal_type.blob.format == fmt


def assert_optional_struct(literal_type):
    """An input that need not be bound: Optional[dict], a union of STRUCT and NONE."""
    variants = [v.simple for v in literal_type.union_type.variants]
    assert variants == [types_pb2.SimpleType.STRUCT, types_pb2.SimpleType.NONE]


def custom(tmpl):
    return MessageToDict(tmpl.custom)


def builtin_config(**overrides):
    fields = dict(
        algorithm_name="xgboost",
        algorithm_version="1.7-1",
        channels=[sm.Channel(name="train", content_type="text/csv"), sm.Channel(name="validation", content_type="text/csv")],
        hyperparameters={"num_round": "100", "objective": "binary:logistic"},
        resources=sm.ResourceConfig(instance_type="ml.m5.xlarge", instance_count=2, volume_size_gb=25),
        stopping_condition=sm.StoppingCondition(max_runtime_seconds=3600),
        tags={"team": "ml"},
    )
    fields.update(overrides)
    return sm.BuiltinAlgorithmTrainingJob(**fields)


def tuning_config(**overrides):
    fields = dict(
        algorithm_name="xgboost",
        algorithm_version="1.7-1",
        objective=sm.TuningObjective(objective_type=sm.ObjectiveType.MINIMIZE, metric_name="validation:error"),
        integer_ranges=[sm.IntegerParameterRange(name="max_depth", min_value=3, max_value=10)],
        continuous_ranges=[
            sm.ContinuousParameterRange(name="gamma", min_value=0.0, max_value=0.3, scaling_type=sm.ScalingType.LINEAR)
        ],
        max_number_of_training_jobs=10,
        max_parallel_training_jobs=5,
        early_stopping=sm.EarlyStoppingType.AUTO,
        channels=[sm.Channel(name="train"), sm.Channel(name="validation")],
        hyperparameters={"objective": "binary:logistic"},
        resources=RESOURCES,
    )
    fields.update(overrides)
    return sm.HyperparameterTuningJob(**fields)


# Module level, as flytekit's default task resolver requires of a task function.
@task(
    task_config=sm.CustomTrainingJob(
        resources=sm.ResourceConfig(instance_type="ml.g5.2xlarge", instance_count=2),
        channels=[sm.Channel(name="train"), sm.Channel(name="extra")],
        environment={"LOG_LEVEL": "debug"},
    )
)
def train_model(train: FlyteDirectory, epochs: int = 3) -> float:
    return float(epochs)


@task(task_config=sm.CustomTrainingJob(resources=RESOURCES, channels=[sm.Channel(name="train")]))
def tunable_model(train: FlyteDirectory, gamma: float, max_depth: int, epochs: int = 3) -> float:
    return gamma * max_depth * epochs


def test_builtin_training_template():
    config = builtin_config()
    t = sm.SageMakerBuiltinTrainingTask(name="xgboost_train", config=config)
    tmpl = template(t)

    assert tmpl.type == "sagemaker-k8s-builtin-training"
    assert tmpl.task_type_version == 0
    assert not tmpl.HasField("container"), "the backend runs built-in training from the config alone"

    inputs = variables(tmpl, "inputs")
    assert set(inputs) == {"train", "validation", "static_hyperparameters"}
    assert_directory(inputs["train"].type)
    assert_directory(inputs["validation"].type)
    assert_optional_struct(inputs["static_hyperparameters"].type)
    outputs = variables(tmpl, "outputs")
    assert set(outputs) == {"model"}
    assert outputs["model"].type.blob.dimensionality == SINGLE
    assert outputs["model"].type.blob.format == "tar.gz"

    got = custom(tmpl)
    assert got == config.to_dict()
    assert got["algorithmName"] == "xgboost"
    assert got["inputMode"] == "INPUT_MODE_FILE", "declared default, sent as the proto value name"
    assert got["resources"] == {"instanceType": "ml.m5.xlarge", "instanceCount": 2, "volumeSizeGb": 25}
    assert got["stoppingCondition"] == {"maxRuntimeSeconds": 3600}
    assert [c["name"] for c in got["channels"]] == ["train", "validation"]
    assert got["channels"][0]["s3DataType"] == "S3_DATA_TYPE_S3_PREFIX"
    assert got["tags"] == {"team": "ml"}
    # Unset fields are left out, so the backend applies its own defaults and context values.
    assert "outputPath" not in got and "roleArn" not in got and "enableNetworkIsolation" not in got


def test_custom_training_is_a_task_plugin():
    assert isinstance(train_model, sm.SageMakerCustomTrainingTask)
    tmpl = template(train_model)

    assert tmpl.type == "sagemaker-k8s-custom-training"
    assert tmpl.task_type_version == 0
    inputs = variables(tmpl, "inputs")
    # The function's own inputs, plus the channel it does not take itself.
    assert set(inputs) == {"train", "epochs", "extra"}
    assert inputs["epochs"].type.simple == types_pb2.SimpleType.INTEGER
    assert_directory(inputs["extra"].type)
    assert set(variables(tmpl, "outputs")) == {"o0"}

    got = custom(tmpl)
    assert got == train_model.task_config.to_dict()
    assert got["resources"]["instanceCount"] == 2
    assert got["environment"] == {"LOG_LEVEL": "debug"}

    # The usual container: the backend runs this command in the job through the entrypoint.
    args = list(tmpl.container.args)
    assert tmpl.container.image == "cr.flyte.org/flyteorg/flytekit:py3.11-1.16.31"
    assert args[0] == "pyflyte-execute"
    assert args[args.index("task-name") + 1] == "train_model"
    assert "{{.input}}" in args and "{{.outputPrefix}}" in args


def test_custom_training_runs_locally_with_only_its_own_inputs(tmp_path):
    # The extra channel input is part of the interface but is never passed to the function.
    assert train_model(train=FlyteDirectory(str(tmp_path)), extra=FlyteDirectory(str(tmp_path)), epochs=5) == 5.0


def test_tuning_template_without_a_container():
    config = tuning_config()
    t = sm.SageMakerHyperparameterTuningTask(name="xgboost_tuning", config=config)
    tmpl = template(t)

    assert tmpl.type == "sagemaker-k8s-hyperparameter-tuning"
    assert tmpl.task_type_version == 0
    assert not tmpl.HasField("container")
    inputs = variables(tmpl, "inputs")
    assert set(inputs) == {"train", "validation", "static_hyperparameters"}
    assert_directory(inputs["train"].type)
    assert_optional_struct(inputs["static_hyperparameters"].type)
    outputs = variables(tmpl, "outputs")
    assert set(outputs) == {"model", "best_training_job", "best_objective_value"}
    assert outputs["model"].type.blob.format == "tar.gz"
    assert outputs["best_training_job"].type.simple == types_pb2.SimpleType.STRING
    assert outputs["best_objective_value"].type.simple == types_pb2.SimpleType.FLOAT

    got = custom(tmpl)
    assert got == config.to_dict()
    assert got["objective"] == {"objectiveType": "OBJECTIVE_TYPE_MINIMIZE", "metricName": "validation:error"}
    assert got["integerRanges"] == [
        {"name": "max_depth", "minValue": 3, "maxValue": 10, "scalingType": "SCALING_TYPE_AUTO"}
    ]
    # An optional bound of zero is set, so it is sent.
    assert got["continuousRanges"][0]["minValue"] == 0
    assert got["strategy"] == "TUNING_STRATEGY_BAYESIAN"
    assert got["earlyStopping"] == "EARLY_STOPPING_TYPE_AUTO"
    assert got["maxParallelTrainingJobs"] == 5


def test_tuning_runs_a_custom_training_container():
    config = tuning_config(
        algorithm_name="",
        algorithm_version="",
        channels=[sm.Channel(name="train")],
        # A custom container publishes only the metrics defined here; the objective must be one.
        metric_definitions=[sm.MetricDefinition(name="validation:error", regex=sm.metric_regex("validation:error"))],
    )
    t = sm.SageMakerHyperparameterTuningTask(name="tune_custom", config=config, container_task=tunable_model)
    tmpl = template(t)

    assert tmpl.type == "sagemaker-k8s-hyperparameter-tuning"
    # The training task's container: the backend takes image and command from here.
    assert tmpl.container.image == template(tunable_model).container.image
    args = list(tmpl.container.args)
    assert args[args.index("task-name") + 1] == "tunable_model"
    # This task's inputs, plus those of the training task, whose command reads this task's inputs,
    # minus the tuned ones (`gamma`, `max_depth`), which each trial's hyperparameters set.
    assert set(variables(tmpl, "inputs")) == {"train", "static_hyperparameters", "epochs"}
    assert custom(tmpl) == config.to_dict()


def test_container_task_is_checked():
    with pytest.raises(TypeError, match="cannot run another task's container"):
        sm.SageMakerBuiltinTrainingTask(name="b", config=builtin_config(), container_task=train_model)

    @task
    def plain() -> int:
        return 1

    with pytest.raises(TypeError, match="container_task must be"):
        sm.SageMakerHyperparameterTuningTask(name="t", config=tuning_config(), container_task=plain)


def test_backend_only_tasks_refuse_to_run_locally(tmp_path):
    t = sm.SageMakerBuiltinTrainingTask(name="local_try", config=builtin_config())
    with pytest.raises(RuntimeError, match="cannot run locally"):
        t(train=FlyteDirectory(str(tmp_path)), validation=FlyteDirectory(str(tmp_path)))


def test_tasks_compose_into_a_workflow_leaving_optional_inputs_unbound():
    tune = sm.SageMakerHyperparameterTuningTask(name="wf_tuning", config=tuning_config())

    @workflow
    def wf(train: FlyteDirectory, validation: FlyteDirectory) -> float:
        return tune(train=train, validation=validation).best_objective_value

    spec = get_serializable(OrderedDict(), SETTINGS, wf)
    assert len(spec.template.nodes) == 1


def test_enum_members_and_api_strings():
    assert sm.InputMode.FILE.value == "INPUT_MODE_FILE"
    assert sm.InputMode.FILE.api == "File"
    assert sm.InputMode.UNSPECIFIED.api is None
    assert sm.InputMode.FAST_FILE.unsupported_in == ("operator",)
    # The member value is what proto3 JSON carries, so a member round-trips from it.
    assert sm.ScalingType("SCALING_TYPE_REVERSE_LOGARITHMIC") is sm.ScalingType.REVERSE_LOGARITHMIC


def test_to_dict_is_proto3_json():
    config = tuning_config(
        stopping_condition=sm.StoppingCondition(max_runtime_seconds=600, max_wait_seconds=1200),
        enable_managed_spot_training=True,
        checkpoint=sm.CheckpointConfig(s3_uri="s3://bucket/ckpt/"),
        categorical_ranges=[sm.CategoricalParameterRange(name="booster", values=["gbtree", "dart"])],
        warm_start=sm.WarmStartConfig(
            parents=[sm.WarmStartParent(tuning_job_name="earlier-run")],
            warm_start_type=sm.WarmStartType.TRANSFER_LEARNING,
        ),
    )
    d = config.to_dict()
    assert d["stoppingCondition"] == {"maxRuntimeSeconds": 600, "maxWaitSeconds": 1200}
    assert isinstance(d["stoppingCondition"]["maxRuntimeSeconds"], int), "int64 as a JSON number"
    assert d["enableManagedSpotTraining"] is True
    assert d["checkpoint"] == {"s3Uri": "s3://bucket/ckpt/"}
    assert d["categoricalRanges"] == [{"name": "booster", "values": ["gbtree", "dart"]}]
    assert d["warmStart"] == {
        "parents": [{"tuningJobName": "earlier-run"}],
        "warmStartType": "WARM_START_TYPE_TRANSFER_LEARNING",
    }
    assert "earlyStopping" in d and "strategy" in d, "declared defaults are sent"
    assert list(d)[:3] == ["algorithmName", "algorithmVersion", "objective"], "declaration order"


@pytest.mark.parametrize(
    "ranges, message",
    [
        ({"continuous_ranges": [sm.ContinuousParameterRange(name="eta", min_value=0.1, max_value=0.5)]},
         r"continuous_ranges\[0\]\.name: 'eta' is set per job at run time, so it must be an input of .*tunable_model"),
        ({"continuous_ranges": [sm.ContinuousParameterRange(name="max_depth", min_value=0.1, max_value=0.5)]},
         r"continuous_ranges\[0\]\.name: the input 'max_depth' of .*tunable_model is int, which cannot take float values"),
        ({"categorical_ranges": [sm.CategoricalParameterRange(name="epochs", values=["3", "many"])]},
         r"categorical_ranges\[0\]\.name: the input 'epochs' of .*tunable_model is int, which cannot take the values"),
    ],
    ids=["not an input", "float range on an int input", "categorical value that does not convert"],
)
def test_tuned_names_must_be_inputs_that_take_the_range(ranges, message):
    fields = {"continuous_ranges": [], "integer_ranges": [], **ranges}
    metrics = [sm.MetricDefinition(name="validation:error", regex=sm.metric_regex("validation:error"))]
    config = tuning_config(
        algorithm_name="", algorithm_version="", channels=[sm.Channel(name="train")], metric_definitions=metrics, **fields
    )
    with pytest.raises(ValueError, match=message):
        sm.SageMakerHyperparameterTuningTask(name="bad_tuning", config=config, container_task=tunable_model)
