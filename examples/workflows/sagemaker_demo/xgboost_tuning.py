"""Hyperparameter tuning of SageMaker's built-in XGBoost, in the spirit of Flyte's original
SageMaker demo: prepare CSV data, search over three hyperparameters, fetch the best model and
predict with it.

    pyflyte --pkgs sagemaker_demo package --image <image> -f -o flyte-package.tgz
"""

import tarfile

from flytekit import task, workflow
from flytekit.types.file import FlyteFile

from flytekitplugins_sagemaker_k8s import (
    Channel,
    ContinuousParameterRange,
    EarlyStoppingType,
    HyperparameterTuningJob,
    IntegerParameterRange,
    ObjectiveType,
    ResourceConfig,
    SageMakerHyperparameterTuningTask,
    ScalingType,
    StoppingCondition,
    TuningObjective,
    TuningStrategy,
)

from .data import prepare_data

xgboost_tuning = SageMakerHyperparameterTuningTask(
    name="xgboost_tuning",
    config=HyperparameterTuningJob(
        # The platform's image table turns these (and the job's region) into the XGBoost image.
        algorithm_name="xgboost",
        algorithm_version="1.7-1",
        objective=TuningObjective(objective_type=ObjectiveType.MINIMIZE, metric_name="validation:error"),
        integer_ranges=[
            IntegerParameterRange(name="num_round", min_value=3, max_value=10, scaling_type=ScalingType.LINEAR),
            IntegerParameterRange(name="max_depth", min_value=5, max_value=7, scaling_type=ScalingType.LINEAR),
        ],
        continuous_ranges=[
            ContinuousParameterRange(name="gamma", min_value=0.0, max_value=0.3, scaling_type=ScalingType.LINEAR),
        ],
        strategy=TuningStrategy.BAYESIAN,
        early_stopping=EarlyStoppingType.AUTO,
        max_number_of_training_jobs=10,
        max_parallel_training_jobs=5,
        # One task input per channel, named after it.
        channels=[Channel(name="train", content_type="text/csv"), Channel(name="validation", content_type="text/csv")],
        hyperparameters={"objective": "binary:logistic", "eval_metric": "error"},
        resources=ResourceConfig(instance_type="ml.m5.xlarge", instance_count=1, volume_size_gb=25),
        stopping_condition=StoppingCondition(max_runtime_seconds=3600),
    ),
)


@task
def predict(model: FlyteFile) -> str:
    """Fetches the best model and "predicts": a stand-in that shows the archive arrived. A real
    version would load the booster from it with xgboost and score new rows."""
    with tarfile.open(model.download()) as archive:
        members = archive.getnames()
    return f"best model holds {members}; prediction: 0.5"


@workflow
def xgboost_tuning_demo(rows: int = 1000) -> str:
    train, validation = prepare_data(rows=rows)
    # The three outputs: the best model, its training job's name and its objective value.
    model, _best_job, _best_value = xgboost_tuning(
        train=train, validation=validation, static_hyperparameters={"subsample": "0.8"}
    )
    return predict(model=model)
