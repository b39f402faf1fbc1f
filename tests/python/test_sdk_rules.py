"""The rules between fields that sagemaker.proto declares (`flyteplugin.rules`), enforced by the
SDK when a task is declared: a ValueError whose message starts with the offending field's path
and names the rule. The backend twin is tests/conformance/tests/rules.rs.

The rules are enumerated from the generated models (each class's `RULES`), so a rule added to the
proto without a case here fails `test_every_rule_of_the_model_has_a_case`.
"""

import dataclasses
import inspect

import pytest
from flytekit import task

import flytekitplugins_sagemaker_k8s as sm
from flytekitplugins_sagemaker_k8s import models

RESOURCES = sm.ResourceConfig(instance_type="ml.m5.xlarge")
LONG_WAIT = sm.StoppingCondition(max_runtime_seconds=3600, max_wait_seconds=7200)


@task(task_config=sm.CustomTrainingJob(resources=RESOURCES))
def train(learning_rate: float, depth: int, booster: str = "gbtree") -> float:
    return learning_rate * depth


def builtin(**overrides):
    fields = dict(algorithm_name="xgboost", algorithm_version="1.7-1", channels=[sm.Channel(name="train")], resources=RESOURCES)
    fields.update(overrides)
    return sm.SageMakerBuiltinTrainingTask(name="builtin", config=sm.BuiltinAlgorithmTrainingJob(**fields))


def custom(**overrides):
    fields = dict(resources=RESOURCES)
    fields.update(overrides)

    def fit() -> None:
        pass

    return task(task_config=sm.CustomTrainingJob(**fields))(fit)


def tuning_config(**overrides):
    fields = dict(
        algorithm_name="xgboost",
        objective=sm.TuningObjective(objective_type=sm.ObjectiveType.MINIMIZE, metric_name="loss"),
        continuous_ranges=[sm.ContinuousParameterRange(name="learning_rate", min_value=0.001, max_value=0.1)],
        integer_ranges=[sm.IntegerParameterRange(name="depth", min_value=1, max_value=8)],
        max_parallel_training_jobs=2,
        resources=RESOURCES,
    )
    fields.update(overrides)
    return sm.HyperparameterTuningJob(**fields)


def tuning(**overrides):
    return sm.SageMakerHyperparameterTuningTask(name="tune", config=tuning_config(**overrides))


def tuning_container(**overrides):
    """Tuning over the custom task `train`: the task template then carries a container."""
    fields = dict(algorithm_name="", metric_definitions=[sm.MetricDefinition(name="loss", regex=sm.metric_regex("loss"))])
    fields.update(overrides)
    return sm.SageMakerHyperparameterTuningTask(name="tune", config=tuning_config(**fields), container_task=train)


def continuous(**fields):
    return tuning(continuous_ranges=[sm.ContinuousParameterRange(name="learning_rate", **fields)])


def integer(**fields):
    return tuning(integer_ranges=[sm.IntegerParameterRange(name="depth", **fields)])


# (model class, rule) -> (a declaration breaking exactly that rule, the start of the error)
CASES = {
    ("BuiltinAlgorithmTrainingJob", "image-source"): (lambda: builtin(algorithm_name="", algorithm_version=""), "algorithm_name: one of"),
    ("BuiltinAlgorithmTrainingJob", "spot-needs-max-wait"): (
        lambda: builtin(enable_managed_spot_training=True),
        "stopping_condition.max_wait_seconds: ",
    ),
    ("BuiltinAlgorithmTrainingJob", "max-wait-needs-spot"): (
        lambda: builtin(stopping_condition=LONG_WAIT),
        "enable_managed_spot_training: ",
    ),
    ("CustomTrainingJob", "no-network-isolation"): (
        lambda: custom(enable_network_isolation=True),
        "enable_network_isolation: not allowed",
    ),
    ("CustomTrainingJob", "spot-needs-max-wait"): (
        lambda: custom(enable_managed_spot_training=True),
        "stopping_condition.max_wait_seconds: ",
    ),
    ("CustomTrainingJob", "max-wait-needs-spot"): (
        lambda: custom(stopping_condition=LONG_WAIT),
        "enable_managed_spot_training: ",
    ),
    ("HyperparameterTuningJob", "image-source"): (lambda: tuning(algorithm_name=""), "algorithm_name: one of"),
    ("HyperparameterTuningJob", "no-algorithm-with-container"): (
        lambda: tuning_container(algorithm_name="xgboost"),
        "algorithm_name: not allowed",
    ),
    ("HyperparameterTuningJob", "no-network-isolation-with-container"): (
        lambda: tuning_container(enable_network_isolation=True),
        "enable_network_isolation: not allowed",
    ),
    ("HyperparameterTuningJob", "objective-metric-defined"): (
        lambda: tuning_container(metric_definitions=[sm.MetricDefinition(name="accuracy", regex="acc=(.*)")]),
        "objective.metric_name: 'loss' is not one of 'accuracy'",
    ),
    ("HyperparameterTuningJob", "tuned-once"): (
        lambda: tuning(categorical_ranges=[sm.CategoricalParameterRange(name="depth", values=["1", "2"])]),
        "categorical_ranges.name: 'depth' is also in integer_ranges.name",
    ),
    ("HyperparameterTuningJob", "grid-only-categorical"): (
        lambda: tuning(strategy=sm.TuningStrategy.GRID),
        "continuous_ranges: ",
    ),
    ("HyperparameterTuningJob", "spot-needs-max-wait"): (
        lambda: tuning(enable_managed_spot_training=True),
        "stopping_condition.max_wait_seconds: ",
    ),
    ("HyperparameterTuningJob", "max-wait-needs-spot"): (
        lambda: tuning(stopping_condition=LONG_WAIT),
        "enable_managed_spot_training: ",
    ),
    ("ContinuousParameterRange", "bounds-set"): (lambda: continuous(max_value=0.1), "continuous_ranges[0].min_value: "),
    ("ContinuousParameterRange", "log-needs-positive-min"): (
        lambda: continuous(min_value=0.0, max_value=0.1, scaling_type=sm.ScalingType.LOGARITHMIC),
        "continuous_ranges[0].min_value: `min_value` must be > 0",
    ),
    ("IntegerParameterRange", "bounds-set"): (lambda: integer(min_value=1), "integer_ranges[0].max_value: "),
    ("IntegerParameterRange", "log-needs-positive-min"): (
        lambda: integer(min_value=0, max_value=8, scaling_type=sm.ScalingType.LOGARITHMIC),
        "integer_ranges[0].min_value: `min_value` must be > 0",
    ),
    ("IntegerParameterRange", "no-reverse-logarithmic"): (
        lambda: integer(min_value=1, max_value=8, scaling_type=sm.ScalingType.REVERSE_LOGARITHMIC),
        "integer_ranges[0].scaling_type: not allowed",
    ),
}


def model_rules():
    return {
        (name, rule)
        for name, cls in inspect.getmembers(models, inspect.isclass)
        if dataclasses.is_dataclass(cls)
        for rule in cls.RULES
    }


def test_every_rule_of_the_model_has_a_case():
    assert model_rules() == set(CASES)


@pytest.mark.parametrize("key", sorted(CASES), ids=lambda k: f"{k[0]}:{k[1]}")
def test_a_declaration_breaking_the_rule_fails_naming_its_fields(key):
    declare, start = CASES[key]
    with pytest.raises(ValueError) as error:
        declare()
    message = str(error.value)
    assert message.startswith(start), message
    assert f"(rule `{key[1]}`)" in message, message


@pytest.mark.parametrize("declare", [builtin, custom, tuning, tuning_container], ids=lambda f: f.__name__)
def test_the_baselines_break_no_rule(declare):
    declare()


def test_rules_that_depend_on_the_container_do_not_fire_without_one():
    # The same settings that break a container rule are fine for a built-in algorithm.
    tuning(algorithm_name="xgboost", enable_network_isolation=True, metric_definitions=[])
    # And a container lifts the need for an algorithm or image.
    tuning_container(training_image="")


def test_rules_are_listed_in_the_docstring():
    assert "spot-needs-max-wait" in sm.CustomTrainingJob.__doc__
    assert "Rules between fields" in sm.HyperparameterTuningJob.__doc__


def test_the_tuned_name_that_is_also_static_is_refused():
    # A tuned hyperparameter may not also be a static one (keys_not_in on `hyperparameters`).
    with pytest.raises(ValueError, match="^hyperparameters: 'depth' also named in integer_ranges"):
        tuning(hyperparameters={"depth": "3"})
