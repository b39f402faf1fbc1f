"""Tasks that the container-contract suite (test_sdk_container_contract.py) runs inside a simulated
SageMaker container. They live in their own module because the job's command imports them by
module name (`task-module contract_tasks`), exactly as flytekit's default resolver does in an image.

Each function reports what it received as its output, so the suite asserts from the outputs that
flytekit wrote, not from anything the function prints.
"""

import json
import sys

from flytekit import task
from flytekit.types.directory import FlyteDirectory

import flytekitplugins_sagemaker_k8s as sm

METRIC = "validation:rmse"
RESOURCES = sm.ResourceConfig(instance_type="ml.m5.xlarge", instance_count=2)
CHANNELS = [sm.Channel(name="train", content_type="text/csv")]


def _config(**more) -> sm.CustomTrainingJob:
    return sm.CustomTrainingJob(
        resources=RESOURCES,
        channels=CHANNELS,
        metric_definitions=[sm.MetricDefinition(name=METRIC, regex=sm.metric_regex(METRIC))],
        **more,
    )


@task(task_config=_config(hyperparameters={"note": "fixed"}))
def trial(
    learning_rate: float = 0.1, epochs: int = 20, optimizer: str = "sgd", shuffle: bool = False
) -> str:
    """Reports the values it was called with, their types, its host and the channel's data."""
    host = sm.host_context()
    sm.report_metric(METRIC, learning_rate * epochs)
    data = sm.channel_dir("train")
    rows = sorted(p.read_text() for p in data.iterdir()) if data.is_dir() else []
    return json.dumps(
        {
            "values": {"learning_rate": learning_rate, "epochs": epochs, "optimizer": optimizer, "shuffle": shuffle},
            "types": [type(v).__name__ for v in (learning_rate, epochs, optimizer, shuffle)],
            "host": host.current_host,
            "hosts": list(host.hosts),
            "rows": rows,
        }
    )


@task(task_config=_config())
def raising(message: str = "the loss diverged at epoch 3") -> int:
    if message:
        raise ValueError(message)
    return 0


@task(task_config=_config())
def quits(epochs: int = 1) -> int:
    """Ends the process with status 0 before flytekit can write any output."""
    if epochs:
        sys.exit(0)
    return epochs


@task(task_config=_config())
def saves_model(epochs: int = 2) -> FlyteDirectory:
    model = sm.model_dir()
    model.mkdir(parents=True, exist_ok=True)
    (model / "weights.txt").write_text(f"trained for {epochs} epochs")
    return FlyteDirectory(str(model))


tuning = sm.SageMakerHyperparameterTuningTask(
    name="contract_tuning",
    config=sm.HyperparameterTuningJob(
        objective=sm.TuningObjective(objective_type=sm.ObjectiveType.MINIMIZE, metric_name=METRIC),
        continuous_ranges=[sm.ContinuousParameterRange(name="learning_rate", min_value=0.001, max_value=0.5)],
        integer_ranges=[sm.IntegerParameterRange(name="epochs", min_value=5, max_value=50)],
        categorical_ranges=[
            sm.CategoricalParameterRange(name="optimizer", values=["sgd", "momentum", "adam"]),
            sm.CategoricalParameterRange(name="shuffle", values=["true", "false"]),
        ],
        metric_definitions=[sm.MetricDefinition(name=METRIC, regex=sm.metric_regex(METRIC))],
        max_number_of_training_jobs=4,
        max_parallel_training_jobs=2,
        channels=CHANNELS,
        resources=RESOURCES,
    ),
    container_task=trial,
)
