"""From the SDK to the custom resource: flytekit builds the request, the generated backend decodes
and builds.

Each task type is serialized with flytekit and its inputs are bound (channel directories as S3
URIs, a static hyperparameters dict), forming the complete `CreateTaskRequest` propeller would
send. `plugin-probe build` runs the backend's decode and build on that request without a
cluster and prints `{"payload": <decoded payload as proto3 JSON>, "object": <the CR>}`. The
payload must hold everything the SDK sent, unchanged, and the CR must hold the values where the
model maps them, for each target.
"""

import json
import subprocess
import typing
from collections import OrderedDict

import pytest
from flyteidl.admin import agent_pb2
from flyteidl.core import identifier_pb2
from flytekit import task
from flytekit.configuration import ImageConfig, SerializationSettings
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.tools.translator import get_serializable
from flytekit.types.directory import FlyteDirectory

import flytekitplugins_sagemaker_k8s as sm
from conftest import REPO_ROOT
from flytekitplugins_sagemaker_k8s import entrypoint

SETTINGS = SerializationSettings(
    image_config=ImageConfig.auto_default_image(), project="flytesnacks", domain="development", version="v1"
)
OUTPUT_PREFIX = "s3://flyte-bucket/metadata/propeller/flytesnacks-development-abc123/n0/data/0"
ROLE = "arn:aws:iam::123456789012:role/sagemaker-execution"
REGION = "us-west-2"
TRAIN_URI = "s3://data-bucket/diabetes/train/"
VALIDATION_URI = "s3://data-bucket/diabetes/validation/"
STATIC = {"subsample": "0.8", "min_child_weight": 2}
TARGETS = ["ack", "operator"]


RESOURCES = sm.ResourceConfig(instance_type="ml.m5.xlarge", instance_count=2, volume_size_gb=25)
CHANNELS = [sm.Channel(name="train", content_type="text/csv"), sm.Channel(name="validation", content_type="text/csv")]

BUILTIN = sm.BuiltinAlgorithmTrainingJob(
    algorithm_name="xgboost",
    algorithm_version="1.7-1",
    channels=CHANNELS,
    hyperparameters={"num_round": "100", "objective": "binary:logistic"},
    resources=RESOURCES,
    stopping_condition=sm.StoppingCondition(max_runtime_seconds=3600),
    tags={"team": "ml"},
    role_arn=ROLE,
    region=REGION,
)

TUNING = sm.HyperparameterTuningJob(
    algorithm_name="xgboost",
    algorithm_version="1.7-1",
    objective=sm.TuningObjective(objective_type=sm.ObjectiveType.MINIMIZE, metric_name="validation:error"),
    integer_ranges=[sm.IntegerParameterRange(name="max_depth", min_value=3, max_value=10)],
    continuous_ranges=[
        sm.ContinuousParameterRange(name="eta", min_value=1e-07, max_value=0.5, scaling_type=sm.ScalingType.LOGARITHMIC)
    ],
    max_number_of_training_jobs=10,
    max_parallel_training_jobs=5,
    channels=CHANNELS,
    hyperparameters={"objective": "binary:logistic"},
    resources=RESOURCES,
    role_arn=ROLE,
    region=REGION,
)


@task(
    task_config=sm.CustomTrainingJob(
        channels=[sm.Channel(name="train")],
        resources=RESOURCES,
        hyperparameters={"epochs_hint": "3"},
        role_arn=ROLE,
        region=REGION,
    )
)
def custom_train(train: FlyteDirectory, epochs: int = 3, learning_rate: float = 0.1) -> float:
    return epochs * learning_rate


TUNING_CUSTOM = sm.HyperparameterTuningJob(
    objective=sm.TuningObjective(objective_type=sm.ObjectiveType.MINIMIZE, metric_name="train:loss"),
    metric_definitions=[sm.MetricDefinition(name="train:loss", regex=sm.metric_regex("train:loss"))],
    continuous_ranges=[sm.ContinuousParameterRange(name="learning_rate", min_value=0.01, max_value=0.5)],
    max_parallel_training_jobs=2,
    channels=[sm.Channel(name="train")],
    resources=RESOURCES,
    role_arn=ROLE,
    region=REGION,
)


def cases():
    return {
        "builtin": (
            sm.SageMakerBuiltinTrainingTask(name="rt_builtin", config=BUILTIN),
            {"train": FlyteDirectory(TRAIN_URI), "validation": FlyteDirectory(VALIDATION_URI), "static_hyperparameters": STATIC},
        ),
        "custom": (custom_train, {"train": FlyteDirectory(TRAIN_URI), "epochs": 3}),
        "tuning": (
            sm.SageMakerHyperparameterTuningTask(name="rt_tuning", config=TUNING),
            {"train": FlyteDirectory(TRAIN_URI), "validation": FlyteDirectory(VALIDATION_URI), "static_hyperparameters": STATIC},
        ),
        "tuning-custom": (
            sm.SageMakerHyperparameterTuningTask(name="rt_tuning_custom", config=TUNING_CUSTOM, container_task=custom_train),
            {"train": FlyteDirectory(TRAIN_URI), "epochs": 3},
        ),
    }


def create_request(entity, values: dict) -> agent_pb2.CreateTaskRequest:
    template = get_serializable(OrderedDict(), SETTINGS, entity).template.to_flyte_idl()
    ctx = FlyteContextManager.current_context()
    types = {name: entity.python_interface.inputs[name] for name in values}
    inputs = TypeEngine.dict_to_literal_map(ctx, values, types).to_flyte_idl()
    task_id = identifier_pb2.Identifier(
        resource_type=identifier_pb2.TASK, project="flytesnacks", domain="development", name=template.id.name, version="v1"
    )
    execution = identifier_pb2.WorkflowExecutionIdentifier(project="flytesnacks", domain="development", name="abc123")
    return agent_pb2.CreateTaskRequest(
        inputs=inputs,
        template=template,
        output_prefix=OUTPUT_PREFIX,
        task_execution_metadata=agent_pb2.TaskExecutionMetadata(
            task_execution_id=identifier_pb2.TaskExecutionIdentifier(
                task_id=task_id,
                node_execution_id=identifier_pb2.NodeExecutionIdentifier(node_id="n0", execution_id=execution),
                retry_attempt=0,
            ),
            namespace="flytesnacks-development",
            k8s_service_account="default",
        ),
    )


def probe(request: agent_pb2.CreateTaskRequest, target: str, tmp_path) -> dict:
    path = tmp_path / f"request-{target}.pb"
    path.write_bytes(request.SerializeToString())
    done = subprocess.run(
        ["cargo", "run", "-q", "-p", "plugin-probe", "--", "build", "--target", target, "--request", str(path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def same_scalar(sent, got) -> bool:
    # proto3 JSON writes 64-bit integers as strings, and a Struct carries every number as a double.
    if sent == got:
        return True
    try:
        return not isinstance(sent, (bool, str)) and float(sent) == float(got)
    except (TypeError, ValueError):
        return False


def assert_holds(sent, got, path="payload"):
    """`got` holds everything in `sent`; the backend may have added keys (defaults, inputs)."""
    if isinstance(sent, dict):
        assert isinstance(got, dict), f"{path}: expected an object, got {got!r}"
        for key, value in sent.items():
            assert key in got, f"{path}.{key}: sent by the SDK, missing after decoding"
            assert_holds(value, got[key], f"{path}.{key}")
    elif isinstance(sent, list):
        assert isinstance(got, list) and len(got) == len(sent), f"{path}: expected {sent!r}, got {got!r}"
        for i, (a, b) in enumerate(zip(sent, got)):
            assert_holds(a, b, f"{path}[{i}]")
    else:
        assert same_scalar(sent, got), f"{path}: sent {sent!r}, got {got!r}"


def at(obj, path: str):
    """The value at a dotted CR path; a segment of digits indexes a list."""
    for part in path.split("."):
        obj = obj[int(part)] if isinstance(obj, list) else obj[part]
    return obj


def as_map(value) -> dict:
    """A map, or a list of {name, value} / {key, value} entries (the shapes the targets use)."""
    if isinstance(value, dict):
        return value
    return {e.get("name", e.get("key")): e["value"] for e in value}


def command_from(entries: dict) -> typing.Optional[list]:
    """The task command as the container entrypoint would rebuild it from these entries."""
    for prefix, chunk_size, _ in entrypoint.SOURCES:
        text = entrypoint.joined_entries(entries, prefix, chunk_size)
        if text is not None:
            return entrypoint.decode(text, "the custom resource")
    return None


def assert_command(command, template):
    assert command is not None, "the CR carries no task command"
    sent = [*template.container.command, *template.container.args]
    # Placeholders such as {{.input}} may have been rendered on the way; everything else is verbatim.
    assert [a for a in command if "{{" not in a and "s3://" not in a] == [a for a in sent if "{{" not in a]


SPEC = {
    # (target, case) -> where the model puts a few values in that target's CR.
    "ack": {
        "training": {
            "instance_type": "spec.resourceConfig.instanceType",
            "instance_count": "spec.resourceConfig.instanceCount",
            "channel_name": "spec.inputDataConfig.0.channelName",
            "channel_uri": "spec.inputDataConfig.0.dataSource.s3DataSource.s3URI",
            "hyperparameters": "spec.hyperParameters",
            "image": "spec.algorithmSpecification.trainingImage",
            "input_mode": "spec.algorithmSpecification.trainingInputMode",
            "output_path": "spec.outputDataConfig.s3OutputPath",
            "role": "spec.roleARN",
            "command_entries": "spec.environment",
        },
        "tuning": {
            "instance_type": "spec.trainingJobDefinition.resourceConfig.instanceType",
            "instance_count": "spec.trainingJobDefinition.resourceConfig.instanceCount",
            "channel_name": "spec.trainingJobDefinition.inputDataConfig.0.channelName",
            "channel_uri": "spec.trainingJobDefinition.inputDataConfig.0.dataSource.s3DataSource.s3URI",
            "hyperparameters": "spec.trainingJobDefinition.staticHyperParameters",
            "image": "spec.trainingJobDefinition.algorithmSpecification.trainingImage",
            "output_path": "spec.trainingJobDefinition.outputDataConfig.s3OutputPath",
            "role": "spec.trainingJobDefinition.roleARN",
            "parallel": "spec.hyperParameterTuningJobConfig.resourceLimits.maxParallelTrainingJobs",
            "objective": "spec.hyperParameterTuningJobConfig.hyperParameterTuningJobObjective",
            "continuous": "spec.hyperParameterTuningJobConfig.parameterRanges.continuousParameterRanges.0",
            "command_entries": "spec.trainingJobDefinition.staticHyperParameters",
        },
    },
    "operator": {
        "training": {
            "instance_type": "spec.resourceConfig.instanceType",
            "instance_count": "spec.resourceConfig.instanceCount",
            "channel_name": "spec.inputDataConfig.0.channelName",
            "channel_uri": "spec.inputDataConfig.0.dataSource.s3DataSource.s3Uri",
            "hyperparameters": "spec.hyperParameters",
            "image": "spec.algorithmSpecification.trainingImage",
            "input_mode": "spec.algorithmSpecification.trainingInputMode",
            "output_path": "spec.outputDataConfig.s3OutputPath",
            "role": "spec.roleArn",
            "command_entries": "spec.hyperParameters",
        },
        "tuning": {
            "instance_type": "spec.trainingJobDefinition.resourceConfig.instanceType",
            "instance_count": "spec.trainingJobDefinition.resourceConfig.instanceCount",
            "channel_name": "spec.trainingJobDefinition.inputDataConfig.0.channelName",
            "channel_uri": "spec.trainingJobDefinition.inputDataConfig.0.dataSource.s3DataSource.s3Uri",
            "hyperparameters": "spec.trainingJobDefinition.staticHyperParameters",
            "image": "spec.trainingJobDefinition.algorithmSpecification.trainingImage",
            "output_path": "spec.trainingJobDefinition.outputDataConfig.s3OutputPath",
            "role": "spec.trainingJobDefinition.roleArn",
            "parallel": "spec.hyperParameterTuningJobConfig.resourceLimits.maxParallelTrainingJobs",
            "objective": "spec.hyperParameterTuningJobConfig.hyperParameterTuningJobObjective",
            "continuous": "spec.hyperParameterTuningJobConfig.parameterRanges.continuousParameterRanges.0",
            "command_entries": "spec.trainingJobDefinition.staticHyperParameters",
        },
    },
}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("case", ["builtin", "custom", "tuning", "tuning-custom"])
def test_roundtrip(case, target, tmp_path):
    entity, values = cases()[case]
    request = create_request(entity, values)
    result = probe(request, target, tmp_path)
    config = entity.task_config

    assert_holds(config.to_dict(), result["payload"])

    cr = result["object"]
    paths = SPEC[target]["tuning" if case.startswith("tuning") else "training"]
    assert cr["metadata"]["name"], "a deterministic name from the task execution id"
    assert at(cr, paths["instance_type"]) == "ml.m5.xlarge"
    assert same_scalar(2, at(cr, paths["instance_count"]))
    assert at(cr, paths["channel_name"]) == "train"
    assert at(cr, paths["channel_uri"]) == TRAIN_URI, "the channel's S3 URI comes from the input named after it"
    assert at(cr, paths["role"]) == ROLE
    assert at(cr, paths["output_path"]).rstrip("/") == OUTPUT_PREFIX, "output_path defaults to the output prefix"
    if target == "ack":
        assert cr["metadata"]["annotations"]["services.k8s.aws/region"] == REGION
    else:
        assert cr["spec"]["region"] == REGION

    hyperparameters = as_map(at(cr, paths["hyperparameters"]))
    for key, value in config.hyperparameters.items():
        assert hyperparameters[key] == value
    if "static_hyperparameters" in values:
        # The dict input is merged into the hyperparameters, every value as a string.
        for key, value in STATIC.items():
            assert hyperparameters[key] == str(value)

    template = request.template
    if template.HasField("container"):
        assert at(cr, paths["image"]) == template.container.image
        assert_command(command_from(as_map(at(cr, paths["command_entries"]))), template)
    else:
        assert "{{" not in json.dumps(cr)

    if case == "builtin":
        assert at(cr, paths["input_mode"]) == "File", "enums reach the CR as their API string"
    if case == "tuning":
        assert same_scalar(5, at(cr, paths["parallel"]))
        # ACK spells the objective's `type` field `type_` (a Go keyword clash in its code generator).
        type_key = "type_" if target == "ack" else "type"
        assert at(cr, paths["objective"]) == {type_key: "Minimize", "metricName": "validation:error"}
        continuous = at(cr, paths["continuous"])
        assert continuous["name"] == "eta"
        assert float(continuous["minValue"]) == 1e-07, "TO_STRING keeps a float's precision"
        assert continuous["scalingType"] == "Logarithmic"
