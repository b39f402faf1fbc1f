"""A test-only variant of the repository's protos, generated and built as the real plugin is:

    variant = ProtoVariant(workdir)          # a copy of proto/ under target/proto-variant/
    variant.replace("sagemaker/sagemaker.proto", old, new)   # exactly one occurrence
    variant.generate()                       # `cargo run -p generator -- --proto ... --out ...`
    variant.crd_schema_check(crd_dirs)       # the same check scripts/test.sh runs, on the variant
    program = variant.build_backend()        # its sagemaker-plugin binary

The generated crate is built in a scratch cargo workspace that shares the project's dependency
versions (Cargo.lock), workspace dependencies and target folder, so only the plugin crate itself
compiles. Its package and binary are renamed (`sagemaker-plugin-variant`) so that they never
overwrite the workspace's own `target/debug/sagemaker-plugin`; the library keeps its name, which
the generated main refers to.
"""

import os
import shutil
import subprocess
from pathlib import Path

from e2e_harness import REPO_ROOT

PACKAGE = "sagemaker-plugin"
VARIANT = "sagemaker-plugin-variant"


def _cargo(*args: str, cwd: Path = REPO_ROOT, **env) -> subprocess.CompletedProcess:
    return subprocess.run(["cargo", *args], cwd=cwd, capture_output=True, text=True, timeout=900,
                          env=dict(os.environ, **env))


class ProtoVariant:
    def __init__(self, name: str):
        self.root = REPO_ROOT / "target" / "proto-variant" / name
        shutil.rmtree(self.root, ignore_errors=True)
        self.proto = self.root / "proto"
        self.out = self.root / "generated"
        shutil.copytree(REPO_ROOT / "proto", self.proto)

    def replace(self, file: str, old: str, new: str) -> None:
        path = self.proto / file
        text = path.read_text()
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file}, not once"
        path.write_text(text.replace(old, new))

    def generate(self) -> None:
        done = _cargo("run", "-q", "-p", "generator", "--", "--proto", str(self.proto), "--out", str(self.out))
        assert done.returncode == 0, done.stderr

    def crd_schema_check(self, crd_dirs: list[Path]) -> subprocess.CompletedProcess:
        """scripts/test.sh's CRD schema check, on the variant."""
        schemas = [arg for d in crd_dirs for arg in ("--crd-schema", str(d))]
        return _cargo("run", "-q", "-p", "generator", "--", "--proto", str(self.proto), "--out", str(self.out),
                      "--check", "--crd-strict", *schemas)

    def build_backend(self) -> Path:
        crate = self.out / "rust" / "sagemaker"
        manifest = crate / "Cargo.toml"
        text = manifest.read_text()
        assert text.count(f'name = "{PACKAGE}"') == 2, text  # the package and its binary
        manifest.write_text(text.replace(f'name = "{PACKAGE}"', f'name = "{VARIANT}"')
                            + f'\n[lib]\nname = "{PACKAGE.replace("-", "_")}"\n')
        # The scratch workspace's root holds the crate (cargo wants members below their root).
        workspace = self.root
        lines = []
        for line in (REPO_ROOT / "Cargo.toml").read_text().splitlines():
            if line.startswith("members = "):
                lines.append(f'members = ["{crate.relative_to(workspace)}"]')
            else:
                # Workspace dependencies on the project's own crates, by absolute path.
                lines.append(line.replace('path = "', f'path = "{REPO_ROOT}/'))
        (workspace / "Cargo.toml").write_text("\n".join(lines) + "\n")
        shutil.copy(REPO_ROOT / "Cargo.lock", workspace / "Cargo.lock")
        target = Path(os.environ.get("CARGO_TARGET_DIR", REPO_ROOT / "target"))
        # Not --locked: the scratch workspace's members differ, so cargo rewrites its copy of the
        # lock (offline: every version comes from the project's lock, nothing is fetched).
        done = _cargo("build", "--offline", "--bin", VARIANT, cwd=workspace, CARGO_TARGET_DIR=str(target))
        assert done.returncode == 0, done.stderr[-4000:]
        return target / "debug" / VARIANT
