"""The example workflows serialize offline with `pyflyte package`, as a user would register them."""

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from flyteidl.admin import task_pb2
from google.protobuf.json_format import MessageToDict

from conftest import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples" / "workflows"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/flyte-sagemaker-demo:v1"


@pytest.fixture(scope="module")
def task_specs(tmp_path_factory):
    """Every TaskSpec in the package `pyflyte package` writes, by task name."""
    out = tmp_path_factory.mktemp("package") / "flyte-package.tgz"
    done = subprocess.run(
        [str(Path(sys.prefix) / "bin" / "pyflyte"), "--pkgs", "sagemaker_demo", "package",
         "--image", IMAGE, "-f", "-o", str(out)],
        cwd=EXAMPLES, capture_output=True, text=True, timeout=300,
        # No bytecode caches left in the examples folder.
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    specs = {}
    with tarfile.open(out) as archive:
        for member in archive.getmembers():
            # Tasks are the `_1.pb` entries (workflows `_2`, launch plans `_3`).
            if member.name.endswith("_1.pb"):
                spec = task_pb2.TaskSpec()
                spec.ParseFromString(archive.extractfile(member).read())
                specs[spec.template.id.name] = spec
    return specs


def test_xgboost_tuning_task_spec(task_specs):
    template = task_specs["xgboost_tuning"].template
    assert template.type == "sagemaker-k8s-hyperparameter-tuning"
    assert template.task_type_version == 0
    assert not template.HasField("container"), "built-in XGBoost needs no Flyte container"
    custom = MessageToDict(template.custom)
    assert custom["algorithmName"] == "xgboost"
    assert custom["objective"] == {"objectiveType": "OBJECTIVE_TYPE_MINIMIZE", "metricName": "validation:error"}
    assert [r["name"] for r in custom["integerRanges"]] == ["num_round", "max_depth"]
    assert [c["name"] for c in custom["channels"]] == ["train", "validation"]
    assert set(template.interface.inputs.variables) == {"train", "validation", "static_hyperparameters"}


def test_custom_training_and_its_tuning_carry_the_image(task_specs):
    train = task_specs["sagemaker_demo.custom_training.train_model"].template
    assert train.type == "sagemaker-k8s-custom-training"
    assert train.container.image == IMAGE
    tune = task_specs["tune_train_model"].template
    assert tune.type == "sagemaker-k8s-hyperparameter-tuning"
    assert tune.container.image == IMAGE
    assert list(tune.container.args) == list(train.container.args)


def test_plain_tasks_are_ordinary_python_tasks(task_specs):
    assert task_specs["sagemaker_demo.data.prepare_data"].template.type == "python-task"
    assert task_specs["sagemaker_demo.xgboost_tuning.predict"].template.type == "python-task"
