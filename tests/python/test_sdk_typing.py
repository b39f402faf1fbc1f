"""The generated SDK under a type checker, as a user's CI would run it: `mypy --strict` (pinned in
scripts/requirements.txt) on a small workflow that uses the installed package.

The package ships `py.typed`, so mypy reads its annotations instead of treating it as untyped;
its dataclasses are keyword-only and a required field has no default, so a wrong type, a missing
required field and a positional argument are each an error before anything runs.
"""

import subprocess
import sys
from pathlib import Path

import pytest

import flytekitplugins_sagemaker_k8s as sm

PACKAGE = Path(sm.__file__).parent
REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_SOURCE = REPO_ROOT / "generated" / "python" / "flytekitplugins_sagemaker_k8s" / "flytekitplugins_sagemaker_k8s"

# flytekit itself ships no `py.typed`; its annotations are still read (instead of making every
# flytekit name `Any`, which --strict refuses in a decorator).
MYPY_CONFIG = """\
[mypy]
strict = True
follow_untyped_imports = True

[mypy-flytekit.*]
# flytekit re-exports its API from its package (`from flytekit import task`) without `__all__`.
implicit_reexport = True
"""

WORKFLOW = '''\
import flytekitplugins_sagemaker_k8s as sm
from flytekit import task, workflow

resources = sm.ResourceConfig(instance_type="ml.m5.xlarge", instance_count=1)


@task(task_config=sm.CustomTrainingJob(resources=resources, environment={"LOG_LEVEL": "info"}))
def train(epochs: int, learning_rate: float = 0.1) -> float:
    sm.report_metric("loss", learning_rate / epochs)
    return learning_rate


tune = sm.SageMakerHyperparameterTuningTask(
    name="tune",
    config=sm.HyperparameterTuningJob(
        objective=sm.TuningObjective(objective_type=sm.ObjectiveType.MINIMIZE, metric_name="loss"),
        continuous_ranges=[sm.ContinuousParameterRange(name="learning_rate", min_value=0.001, max_value=0.1)],
        metric_definitions=[sm.MetricDefinition(name="loss", regex=sm.metric_regex("loss"))],
        max_parallel_training_jobs=2,
        resources=resources,
    ),
    container_task=train,
)


@workflow
def pipeline(epochs: int = 3) -> None:
    train(epochs=epochs)
    tune(epochs=epochs)
'''


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One cache for the module's runs: flytekit is analysed once, not once per case.
    return tmp_path_factory.mktemp("mypy-cache")


def run_mypy(cwd: Path, cache: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    config = cache / "mypy.ini"
    config.write_text(MYPY_CONFIG)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir", str(cache / "cache"), *targets],
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def mypy(tmp_path: Path, cache: Path, source: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "workflow.py").write_text(source)
    return run_mypy(tmp_path, cache, "workflow.py")


def test_the_package_is_marked_typed():
    assert (PACKAGE / "py.typed").is_file()


def test_a_correct_workflow_passes_mypy_strict(tmp_path, mypy_cache):
    result = mypy(tmp_path, mypy_cache, WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_generated_package_itself_passes_mypy_strict(mypy_cache):
    # Run from the package's source folder, so mypy checks (and reports) the package's own code,
    # which it does not for an installed package.
    result = run_mypy(PACKAGE_SOURCE.parent, mypy_cache, "-p", PACKAGE_SOURCE.name)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "old, new, expected",
    [
        # A string where the model declares an int.
        ("instance_count=1", 'instance_count="1"', 'Argument "instance_count" to "ResourceConfig" has incompatible type "str"'),
        # A required field left out: no "" default hides it.
        ('instance_type="ml.m5.xlarge", ', "", 'Missing named argument "instance_type" for "ResourceConfig"'),
        # Positional construction, which would silently fill fields in declaration order.
        ("sm.MetricDefinition(name=\"loss\", ", "sm.MetricDefinition(\"loss\", ", 'Too many positional arguments for "MetricDefinition"'),
        # An enum member of the wrong enum.
        ("sm.ObjectiveType.MINIMIZE", "sm.ScalingType.LINEAR", 'has incompatible type "ScalingType"; expected "ObjectiveType"'),
    ],
    ids=["wrong-type", "missing-required", "positional", "wrong-enum"],
)
def test_mypy_strict_catches_a_wrong_use(tmp_path, mypy_cache, old, new, expected):
    assert old in WORKFLOW
    result = mypy(tmp_path, mypy_cache, WORKFLOW.replace(old, new, 1))
    assert result.returncode == 1, result.stdout + result.stderr
    assert expected in result.stdout, result.stdout


def test_the_same_mistakes_fail_at_run_time_too():
    with pytest.raises(TypeError, match="instance_type"):
        sm.ResourceConfig()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="positional"):
        sm.MetricDefinition("loss", regex="loss=(.*)")  # type: ignore[misc]
