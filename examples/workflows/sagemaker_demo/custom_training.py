"""A Python function trained on SageMaker instances in the task's own image, then tuned.

The image must be in ECR and run `sagemaker-entrypoint` as SageMaker's `train` program (see the
Dockerfile next to this package): the backend hands the Flyte command to the container and the
entrypoint runs it, so flytekit reads the inputs and writes the outputs as in any Flyte task.
Tuning calls the same function in every trial with the values SageMaker chose for it.
"""

import os
from pathlib import Path

from flytekit import task, workflow
from flytekit.types.directory import FlyteDirectory

from flytekitplugins_sagemaker_k8s import (
    Channel,
    ContinuousParameterRange,
    CustomTrainingJob,
    HyperparameterTuningJob,
    MetricDefinition,
    ObjectiveType,
    ResourceConfig,
    SageMakerHyperparameterTuningTask,
    StoppingCondition,
    TuningObjective,
    channel_dir,
    metric_regex,
    report_metric,
)

from .data import prepare_data

# The metric the function reports and the tuning job minimises; `metric_regex` makes the definition
# that reads what `report_metric` prints.
LOSS = MetricDefinition(name="train:loss", regex=metric_regex("train:loss"))


@task(
    task_config=CustomTrainingJob(
        resources=ResourceConfig(instance_type="ml.m5.xlarge", instance_count=1),
        # SageMaker copies the channel's data into the container; the function also gets it as a
        # FlyteDirectory input of the same name.
        channels=[Channel(name="train", content_type="text/csv")],
        metric_definitions=[LOSS],
        stopping_condition=StoppingCondition(max_runtime_seconds=1800),
    )
)
def train_model(train: FlyteDirectory, epochs: int = 5, learning_rate: float = 0.1) -> float:
    local = channel_dir("train")
    data = local if local.is_dir() else Path(train.download())
    rows = sum(1 for f in data.iterdir() for _ in open(f))
    loss = 1.0
    for _ in range(epochs):
        loss *= 1 - learning_rate
        report_metric("train:loss", loss)
    print(f"trained on {rows} rows in {os.getcwd()}")
    return loss


# The same function, run by every training job of a tuning job with the learning rate it tries.
tune_train_model = SageMakerHyperparameterTuningTask(
    name="tune_train_model",
    config=HyperparameterTuningJob(
        objective=TuningObjective(objective_type=ObjectiveType.MINIMIZE, metric_name="train:loss"),
        continuous_ranges=[ContinuousParameterRange(name="learning_rate", min_value=0.01, max_value=0.5)],
        metric_definitions=[LOSS],
        max_number_of_training_jobs=6,
        max_parallel_training_jobs=3,
        channels=[Channel(name="train", content_type="text/csv")],
        resources=ResourceConfig(instance_type="ml.m5.xlarge"),
    ),
    container_task=train_model,
)


@workflow
def custom_training_demo(rows: int = 500, epochs: int = 5) -> float:
    train, _validation = prepare_data(rows=rows)
    return train_model(train=train, epochs=epochs)


@workflow
def custom_tuning_demo(rows: int = 500, epochs: int = 5) -> str:
    train, _validation = prepare_data(rows=rows)
    _model, best_job, _best_loss = tune_train_model(train=train, epochs=epochs)
    return best_job
