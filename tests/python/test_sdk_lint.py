"""The generated Python passes ruff and imports without a single warning."""

import subprocess
import sys

import pytest

from conftest import EXAMPLE_PYTHON, REPO_ROOT, generated_packages


def test_ruff_passes():
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "generated/python", *map(str, EXAMPLE_PYTHON)],
        cwd=REPO_ROOT, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("folder", generated_packages(), ids=lambda p: p.name)
def test_imports_without_warnings(folder):
    package = folder.name
    modules = sorted(p.stem for p in (folder / package).glob("*.py") if p.stem != "__init__")
    code = f"import {package}\n" + "".join(f"import {package}.{m}\n" for m in modules)
    # -W error turns any warning (deprecations in flytekit's API, invalid escapes in docstrings)
    # into a failure. Run outside the repository so the installed package is what is imported.
    done = subprocess.run([sys.executable, "-W", "error", "-c", code], cwd="/", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
