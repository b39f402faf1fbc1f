"""Validation in the generated SDK mirrors the proto's `validate` annotations.

A bad config fails when the task is defined, with a ValueError whose message starts with the
dotted path of the offending field, long before anything reaches the backend.
"""

import pytest

import flytekitplugins_sagemaker_k8s as sm
from flytekitplugins_sagemaker_k8s import _support

RESOURCES = sm.ResourceConfig(instance_type="ml.m5.xlarge")


def builtin(**overrides):
    fields = dict(algorithm_name="xgboost", algorithm_version="1.7-1", channels=[sm.Channel(name="train")], resources=RESOURCES)
    fields.update(overrides)
    return sm.BuiltinAlgorithmTrainingJob(**fields)


def tuning(**overrides):
    fields = dict(
        algorithm_name="xgboost",
        objective=sm.TuningObjective(objective_type=sm.ObjectiveType.MAXIMIZE, metric_name="validation:auc"),
        max_parallel_training_jobs=2,
        resources=RESOURCES,
    )
    fields.update(overrides)
    return sm.HyperparameterTuningJob(**fields)


CASES = {
    "a field no target takes (MPI), refused without a target": (
        lambda: sm.CustomTrainingJob(resources=RESOURCES, distributed_protocol=sm.DistributedProtocol.MPI),
        "distributed_protocol: is not supported by any target and must not be set: SageMaker starts no MPI",
    ),
    "required message": (
        lambda: builtin(resources=None),
        "resources: is required",
    ),
    "required list": (
        lambda: builtin(channels=[]),
        "channels: is required",
    ),
    # Leaving a required field out is a TypeError (it has no default); an empty value given
    # explicitly is still caught at its field.
    "required string in a nested message": (
        lambda: builtin(resources=sm.ResourceConfig(instance_type="")),
        "resources.instance_type: is required",
    ),
    "required enum": (
        lambda: tuning(objective=sm.TuningObjective(objective_type=sm.ObjectiveType.UNSPECIFIED, metric_name="validation:auc")),
        "objective.objective_type: is required",
    ),
    "min of a number with a declared default": (
        lambda: builtin(resources=sm.ResourceConfig(instance_type="ml.m5.xlarge", instance_count=0)),
        "resources.instance_count: must be >= 1, got 0",
    ),
    "max of a number": (
        lambda: builtin(max_retry_attempts=31),
        "max_retry_attempts: must be <= 30, got 31",
    ),
    "pattern": (
        lambda: builtin(resources=sm.ResourceConfig(instance_type="m5.xlarge")),
        "resources.instance_type: 'm5.xlarge' does not match '^ml[.][a-z0-9-]+[.][a-z0-9]+$'",
    ),
    "pattern inside a list element": (
        lambda: builtin(channels=[sm.Channel(name="train"), sm.Channel(name="bad name")]),
        "channels[1].name: 'bad name' does not match",
    ),
    "pattern of a map key": (
        lambda: builtin(environment={"1BAD": "x"}),
        "environment['1BAD']: '1BAD' does not match",
    ),
    "max_len": (
        lambda: builtin(hyperparameters={"eta": "x" * 257}),
        "hyperparameters['eta']: must be at most 256 characters long, got 257",
    ),
    "count of a list": (
        lambda: builtin(channels=[sm.Channel(name=f"c{i}") for i in range(21)]),
        "channels: must have at most 20 entries, got 21",
    ),
    "count of a repeated string": (
        lambda: builtin(vpc=sm.VpcConfig(security_group_ids=["sg-1"] * 6, subnets=["subnet-1"])),
        "vpc.security_group_ids: must have at most 5 entries, got 6",
    ),
    "at_least_field": (
        lambda: builtin(stopping_condition=sm.StoppingCondition(max_runtime_seconds=3600, max_wait_seconds=60)),
        "stopping_condition.max_wait_seconds: must be >= max_runtime_seconds (3600), got 60",
    ),
    "at_least_field between optional bounds": (
        lambda: tuning(continuous_ranges=[sm.ContinuousParameterRange(name="eta", min_value=0.5, max_value=0.1)]),
        "continuous_ranges[0].max_value: must be >= min_value (0.5), got 0.1",
    ),
    "keys_not_in": (
        lambda: tuning(
            integer_ranges=[sm.IntegerParameterRange(name="max_depth", min_value=1, max_value=5)],
            hyperparameters={"max_depth": "3", "eta": "0.1"},
        ),
        "hyperparameters: 'max_depth' also named in integer_ranges",
    ),
    "wrong scalar type": (
        lambda: builtin(resources=sm.ResourceConfig(instance_type="ml.m5.xlarge", instance_count="2")),
        "resources.instance_count: expected int, got str '2'",
    ),
    "bool is not an int": (
        lambda: tuning(max_parallel_training_jobs=True),
        "max_parallel_training_jobs: expected int, got bool True",
    ),
    "integer out of its proto type": (
        lambda: builtin(max_retry_attempts=2**63),
        "max_retry_attempts: must fit in int64",
    ),
    "enum given as a string": (
        lambda: builtin(input_mode="File"),
        "input_mode: expected InputMode, got str 'File'",
    ),
    "wrong message type": (
        lambda: builtin(channels=[sm.MetricDefinition(name="x", regex="y")]),
        "channels[0]: expected Channel, got MetricDefinition",
    ),
}


@pytest.mark.parametrize("build, message", CASES.values(), ids=CASES.keys())
def test_bad_values_name_their_field(build, message):
    config = build()
    with pytest.raises(ValueError) as raised:
        config.validate()
    assert str(raised.value).startswith(message), str(raised.value)


def test_min_len_counts_characters():
    with pytest.raises(ValueError, match=r"^role_arn: must be at least 20 characters long, got 19$"):
        builtin(role_arn="arn:aws:iam::1:role").validate()


def test_unset_values_skip_their_rules():
    # Zero means unset for a number without a default: the backend fills it, so no range applies.
    builtin(max_retry_attempts=0, region="", role_arn="").validate()
    tuning(max_number_of_training_jobs=0).validate()


def test_enum_value_unsupported_in_a_target():
    config = builtin(input_mode=sm.InputMode.FAST_FILE)
    config.validate()
    config.validate(target="ack")
    with pytest.raises(ValueError, match=r"^input_mode: 'FastFile' is not supported by target 'operator'$"):
        config.validate(target="operator")


def test_enum_value_unsupported_in_a_target_inside_a_list():
    config = builtin(channels=[sm.Channel(name="train", input_mode=sm.InputMode.FAST_FILE)])
    with pytest.raises(ValueError, match=r"^channels\[0\]\.input_mode: 'FastFile' is not supported by target 'operator'"):
        config.validate(target="operator")


def test_field_unsupported_in_a_target():
    config = builtin(environment={"LOG_LEVEL": "debug"})
    config.validate(target="ack")
    with pytest.raises(ValueError, match=r"^environment: is not supported by target 'operator' and must not be set"):
        config.validate(target="operator")
    # Unset, the field is fine everywhere.
    builtin().validate(target="operator")


def test_tasks_validate_when_defined():
    with pytest.raises(ValueError, match=r"^resources\.instance_count: must be >= 1, got 0$"):
        sm.SageMakerBuiltinTrainingTask(
            name="bad", config=builtin(resources=sm.ResourceConfig(instance_type="ml.m5.xlarge", instance_count=0))
        )
    with pytest.raises(TypeError, match="takes a BuiltinAlgorithmTrainingJob config, got HyperparameterTuningJob"):
        sm.SageMakerBuiltinTrainingTask(name="bad", config=tuning())


def test_input_names_come_from_elements_and_must_be_usable():
    with pytest.raises(ValueError, match=r"^channels\[1\]\.name: the task input 'train' is already declared by channels\[0\]\.name$"):
        sm.SageMakerBuiltinTrainingTask(name="dup", config=builtin(channels=[sm.Channel(name="train")] * 2))
    with pytest.raises(ValueError, match=r"^channels\[0\]\.name: 'train-data' names a task input"):
        sm.SageMakerBuiltinTrainingTask(name="dash", config=builtin(channels=[sm.Channel(name="train-data")]))
    with pytest.raises(ValueError, match=r"^the input 'static_hyperparameters': .* already declared by channels\[1\]\.name$"):
        sm.SageMakerBuiltinTrainingTask(
            name="clash", config=builtin(channels=[sm.Channel(name="train"), sm.Channel(name="static_hyperparameters")])
        )


def test_pattern_is_a_search_like_the_backend():
    # Rust's Regex::is_match finds a match anywhere; so does the SDK (re.search, not fullmatch).
    _support.pattern("f", "abc-123", "[0-9]+")
    with pytest.raises(ValueError):
        _support.pattern("f", "abc", "[0-9]+")
