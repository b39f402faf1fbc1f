"""The XGBoost demo on data that is already in S3: a workflow made of SageMaker tasks only.

Every node runs as a SageMaker job through the backend, so no Flyte task pod is needed: the demo's
hyperparameter search and a baseline training with fixed hyperparameters run side by side on the
same channels, and the workflow returns both models. The end-to-end tests run this workflow
through real flytepropeller (tests/python/test_propeller.py).

    pyflyte --pkgs sagemaker_demo package --image <image> -f -o flyte-package.tgz
"""

import dataclasses
import typing

from flytekit import workflow
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile

from flytekitplugins_sagemaker_k8s import (
    BuiltinAlgorithmTrainingJob,
    SageMakerBuiltinTrainingTask,
    SageMakerHyperparameterTuningTask,
)

from .xgboost_tuning import xgboost_tuning

# SageMaker writes models to S3 only. Without `output_path` a job writes under the task's Flyte
# output prefix, which is in S3 only when Flyte's blob store is.
MODEL_OUTPUT_PATH = "s3://flyte-sagemaker-demo/models/"

SEARCH = xgboost_tuning.task_config

xgboost_search = SageMakerHyperparameterTuningTask(
    name="xgboost_search", config=dataclasses.replace(SEARCH, output_path=MODEL_OUTPUT_PATH)
)

xgboost_baseline = SageMakerBuiltinTrainingTask(
    name="xgboost_baseline",
    config=BuiltinAlgorithmTrainingJob(
        algorithm_name=SEARCH.algorithm_name,
        algorithm_version=SEARCH.algorithm_version,
        channels=SEARCH.channels,
        # The search's fixed hyperparameters, and a middle value of each range it searches.
        hyperparameters={**SEARCH.hyperparameters, "num_round": "6", "max_depth": "6", "gamma": "0.15"},
        resources=SEARCH.resources,
        stopping_condition=SEARCH.stopping_condition,
        output_path=MODEL_OUTPUT_PATH,
    ),
)

Models = typing.NamedTuple(
    "Models", [("baseline", FlyteFile), ("best", FlyteFile), ("best_training_job", str), ("best_objective_value", float)]
)


@workflow
def xgboost_on_s3(train: FlyteDirectory, validation: FlyteDirectory) -> Models:
    baseline = xgboost_baseline(train=train, validation=validation)
    best, best_job, best_value = xgboost_search(train=train, validation=validation)
    return Models(baseline=baseline, best=best, best_training_job=best_job, best_objective_value=best_value)
