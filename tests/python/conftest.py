"""Session setup shared by the SDK tests.

Each generated Python package under generated/python is installed into this venv (not put on
sys.path), because the tests need what only an installation gives: the `flytekit.plugins` entry
point that flytekit loads on import, and the console script of the container entrypoint. An
install is skipped while a stamp in the venv still matches the package's files, so a session
pays for pip only after the generator changed something.

The install runs in `pytest_configure`, before collection, so test modules can import the
packages at the top and flytekit sees the entry points on its first import.
"""

import fcntl
import hashlib
import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
GENERATED_PYTHON = REPO_ROOT / "generated" / "python"

# What tools leave in a source tree; never part of the package's identity.
_LITTER = {"__pycache__", ".ruff_cache", ".pytest_cache", "build", "dist"}


# The example plugins under examples/ whose SDK the tests use: their generated tree is their golden.
EXAMPLE_PYTHON = [REPO_ROOT / "generator" / "tests" / "golden" / example / "expected" / "python" for example in ("ray", "spark")]


def generated_packages() -> list[Path]:
    """Folders of the generated packages (each holds a pyproject.toml): the plugins of proto/ and
    the example plugins the tests run."""
    return sorted(p.parent for root in [GENERATED_PYTHON, *EXAMPLE_PYTHON] for p in root.glob("*/pyproject.toml"))


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_dir() or any(part in _LITTER or part.endswith(".egg-info") for part in rel.parts):
            continue
        h.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _ensure_installed(folder: Path) -> None:
    stamp = Path(sys.prefix) / f".generated-{folder.name}.sha256"
    digest = _digest(folder)
    if importlib.util.find_spec(folder.name) is not None and stamp.is_file() and stamp.read_text() == digest:
        return
    # hatchling is pinned in scripts/requirements.txt, so the build needs no network.
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--force-reinstall", str(folder)],
        check=True,
    )
    stamp.write_text(digest)


def pytest_configure(config):
    packages = generated_packages()
    if not packages:
        return
    # Two sessions on one venv must not run pip over each other.
    with open(Path(sys.prefix) / ".generated-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for folder in packages:
            _ensure_installed(folder)
    importlib.invalidate_caches()


# --- the real control plane (scripts/peers/controlplane.py) ---

sys.path.insert(0, str(REPO_ROOT / "scripts" / "peers"))

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def control_plane(tmp_path_factory):
    """A real etcd and kube-apiserver (RBAC, service-account tokens) for the whole session, started
    on first use; `.kubeconfig` is the admin kubeconfig. The binaries are built from their Go
    modules on the first run on a machine (scripts/peers/build.py) and cached in .peers/."""
    from controlplane import ControlPlane

    with ControlPlane(tmp_path_factory.mktemp("controlplane")) as cp:
        yield cp


@pytest.fixture(scope="session")
def moto_sagemaker(tmp_path_factory):
    """moto's SageMaker API in server mode on loopback (scripts/peers/moto_sagemaker.py), with a
    boto3 client (`.client`) to read what it received."""
    from sagemaker_operator import MotoSageMaker

    moto = MotoSageMaker(tmp_path_factory.mktemp("moto"))
    try:
        yield moto
    finally:
        moto.stop()
