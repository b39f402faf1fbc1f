"""The container entrypoint of the generated SDK (`sagemaker-entrypoint`), run as its console script.

Inside a job the backend started from the task's own image, the entrypoint must rebuild the Flyte
command from what the backend handed over (per the model's CONTAINER_COMMAND context values: an
environment variable, or chunked entries of the JSON file SageMaker writes hyperparameters to)
and replace itself with it, passing output and exit status through.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flytekitplugins_sagemaker_k8s import entrypoint

SCRIPT = Path(sys.prefix) / "bin" / "sagemaker-entrypoint"


def _source(from_file: bool):
    for prefix, chunk_size, container_file in entrypoint.SOURCES:
        if bool(container_file) == from_file:
            return prefix, chunk_size
    pytest.fail(f"the model declares no CONTAINER_COMMAND context value {'with' if from_file else 'without'} a file")


def entries(prefix: str, chunk_size: int, command: list[str]) -> dict[str, str]:
    """The command split into entries as the backend writes them."""
    text = json.dumps(command)
    if chunk_size == 0:
        return {prefix: text}
    return {f"{prefix}{i}": text[start:start + chunk_size] for i, start in enumerate(range(0, len(text), chunk_size))}


def clean_env() -> dict[str, str]:
    """This environment without any variable the entrypoint might take a command from."""
    prefixes = tuple(prefix for prefix, _, _ in entrypoint.SOURCES)
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def run(args, env):
    return subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60)


# Long enough to need several chunks whatever the model's chunk size, and its own output shows it
# received every argument intact.
PADDING = ["x" * 90] * 12
COMMAND = [sys.executable, "-c", "import sys; print('ran', len(sys.argv), sys.argv[-1][:3])", *PADDING]


def test_console_script_is_installed():
    assert SCRIPT.is_file(), "pyproject.toml declares the console script"


def test_command_from_the_environment():
    prefix, chunk_size = _source(from_file=False)
    env = clean_env() | entries(prefix, chunk_size, COMMAND)
    done = run(["train"], env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"ran {len(PADDING) + 1} xxx"


def test_command_from_a_hyperparameters_file(tmp_path):
    prefix, chunk_size = _source(from_file=True)
    assert chunk_size > 0
    # Laid out as SageMaker writes /opt/ml/input/config/hyperparameters.json: every value a string,
    # the command's chunks among the user's own hyperparameters.
    parameters = {"epochs": "10", "sagemaker_mpi_enabled": "true", **entries(prefix, chunk_size, COMMAND), "lr": "0.1"}
    assert len([k for k in parameters if k.startswith(prefix)]) > 2
    path = tmp_path / "hyperparameters.json"
    path.write_text(json.dumps(parameters))
    done = run(["--hyperparameters-file", str(path), "train"], clean_env())
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"ran {len(PADDING) + 1} xxx"


def test_exit_status_passes_through():
    prefix, chunk_size = _source(from_file=False)
    env = clean_env() | entries(prefix, chunk_size, [sys.executable, "-c", "import sys; print('out'); sys.exit(7)"])
    done = run(["train"], env)
    assert done.returncode == 7
    assert done.stdout.strip() == "out"


def test_no_command_is_exit_2(tmp_path):
    path = tmp_path / "hyperparameters.json"
    path.write_text(json.dumps({"epochs": "10"}))
    done = run(["--hyperparameters-file", str(path), "train"], clean_env())
    assert done.returncode == 2
    assert "no task command found" in done.stderr


def test_a_missing_chunk_is_exit_2(tmp_path):
    prefix, chunk_size = _source(from_file=True)
    parameters = entries(prefix, chunk_size, COMMAND)
    del parameters[f"{prefix}1"]
    path = tmp_path / "hyperparameters.json"
    path.write_text(json.dumps(parameters))
    done = run(["--hyperparameters-file", str(path)], clean_env())
    assert done.returncode == 2
    assert f"{prefix}1 is missing" in done.stderr


def test_a_command_that_is_not_a_list_of_strings_is_exit_2():
    prefix, chunk_size = _source(from_file=False)
    done = run([], clean_env() | entries(prefix, chunk_size, ["ok", 3]))  # type: ignore[list-item]
    assert done.returncode == 2
    assert "not a non-empty JSON list of strings" in done.stderr
