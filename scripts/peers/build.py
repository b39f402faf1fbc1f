#!/usr/bin/env python3
"""Builds the Go-built peers of the end-to-end tests from their published Go modules.

    scripts/peers/build.py [NAME ...]      # default: every peer; prints each binary's path

The peers: kube-apiserver and etcd (the control plane), flytepropeller and kubectl-flyte, and
sagemaker-operator (the Amazon SageMaker Operator for Kubernetes, the `operator` target's real
controller).

Each peer is the ordinary `go build` of a package of a published module, at the version pinned in
scripts/peers/versions.env. Modules that are built inside a monorepo (k8s.io/kubernetes, etcd,
flyte) carry `replace` directives pointing at relative folders, which `go build` of the published
module cannot follow; for those a small wrapper module is written under .peers/src/ that requires
the module and points each relative replace at the published sibling module of the same release.
Other replace directives are copied as they are. Nothing of the peers' code is committed.

flytepropeller is built without its Spark plugin: that plugin's dependency
github.com/kubeflow/spark-operator is not served by the module proxy. Its wrapper module has its
own main.go, written at build time from the upstream main (see `main_without`).

Binaries land in .peers/<name>-<version>/<name>, written through a temporary file and a rename, so
an interrupted build never leaves a binary that looks finished; a lock serializes concurrent runs.
"""

import fcntl
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".peers"


def pinned_versions() -> dict[str, str]:
    versions = {}
    for line in (ROOT / "scripts" / "peers" / "versions.env").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            versions[key.strip()] = value.strip()
    return versions


def kubernetes_staging_version(version: str) -> str:
    """k8s.io/kubernetes v1.X.Y publishes its staging modules (k8s.io/api, ...) as v0.X.Y."""
    return re.sub(r"^v1\.", "v0.", version)


def peers() -> dict[str, dict]:
    v = pinned_versions()
    k8s, etcd, flyte = v["KUBERNETES_VERSION"], v["ETCD_VERSION"], v["FLYTE_VERSION"]
    operator = "github.com/aws/amazon-sagemaker-operator-for-k8s"
    propeller = "github.com/flyteorg/flyte/flytepropeller"
    flyteplugins = "github.com/flyteorg/flyte/flyteplugins"
    return {
        "kube-apiserver": {"module": "k8s.io/kubernetes", "version": k8s,
                           "package": "k8s.io/kubernetes/cmd/kube-apiserver",
                           "siblings": kubernetes_staging_version(k8s)},
        "etcd": {"module": "go.etcd.io/etcd/server/v3", "version": etcd,
                 "package": "go.etcd.io/etcd/server/v3", "siblings": etcd},
        "flytepropeller": {"module": propeller, "version": flyte,
                           "package": f"{propeller}/cmd/controller", "siblings": flyte,
                           # The Spark plugin's dependency github.com/kubeflow/spark-operator is not
                           # served by the module proxy (403 "not available", every version), so
                           # the binary loads every plugin of propeller's loader package but that one.
                           "drop_imports": (f"{propeller}/plugins", [f"{flyteplugins}/go/tasks/plugins/k8s/spark"])},
        "kubectl-flyte": {"module": propeller, "version": flyte,
                          "package": f"{propeller}/cmd/kubectl-flyte", "siblings": flyte},
        # The SageMaker operator's manager (its main package is the module root).
        "sagemaker-operator": {"module": operator, "version": v["SAGEMAKER_OPERATOR_VERSION"],
                               "package": operator, "siblings": v["SAGEMAKER_OPERATOR_VERSION"]},
    }


def binary_path(name: str) -> Path:
    spec = peers()[name]
    return CACHE / f"{name}-{spec['version']}" / name


def go(*args: str, cwd: Path) -> str:
    env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=mod")
    done = subprocess.run(["go", *args], cwd=cwd, env=env, text=True, capture_output=True)
    if done.returncode != 0:
        sys.exit(f"error: `go {' '.join(args)}` in {cwd} failed:\n{done.stderr}")
    return done.stdout


def module_download(module: str, version: str, cwd: Path) -> dict:
    """`go mod download -json`: the module's go.mod (`GoMod`) and source folder (`Dir`)."""
    return json.loads(go("mod", "download", "-json", f"{module}@{version}", cwd=cwd))


BLANK_IMPORT = re.compile(r'^\s*_\s+"([^"]+)"\s*$', re.M)


def main_without(spec: dict, module_dir: Path) -> str:
    """The source of the peer's main package with its blank import of a loader package (whose only
    job is to blank-import plugins) replaced by that package's own blank imports, minus the
    dropped ones. The result is the upstream main with fewer plugins compiled in."""
    loader, dropped = spec["drop_imports"]

    def folder(package: str) -> Path:
        return module_dir / package.removeprefix(spec["module"] + "/")

    main_go = (folder(spec["package"]) / "main.go").read_text()
    plugins = [p for f in sorted(folder(loader).glob("*.go")) if not f.name.endswith("_test.go")
               for p in BLANK_IMPORT.findall(f.read_text())]
    stale = [p for p in dropped if p not in plugins]
    line = f'\t_ "{loader}"'
    if stale or line not in main_go:
        sys.exit(f"error: {spec['package']} at {spec['version']} no longer imports {stale or loader}; "
                 "update drop_imports in scripts/peers/build.py")
    kept = "\n".join(f'\t_ "{p}"' for p in plugins if p not in dropped)
    return (f"// Written by scripts/peers/build.py: the main of {spec['package']} {spec['version']}, with the\n"
            f"// plugins of {loader} except {', '.join(dropped)}.\n" + main_go.replace(line, kept))


def replace_directives(go_mod: str) -> list[tuple[str, str]]:
    """The (left, right) sides of every replace directive, single-line or in a block."""
    pairs, in_block = [], False
    for raw in go_mod.splitlines():
        line = raw.split("//")[0].strip()
        if line.startswith("replace ("):
            in_block = True
            continue
        if in_block and line == ")":
            in_block = False
            continue
        if line.startswith("replace "):
            line = line[len("replace "):]
        elif not in_block:
            continue
        if "=>" in line:
            left, right = (side.strip() for side in line.split("=>", 1))
            pairs.append((left, right))
    return pairs


def published(module: str, version: str, cwd: Path) -> bool:
    env = dict(os.environ, GOFLAGS="-mod=mod")
    return subprocess.run(["go", "list", "-m", f"{module}@{version}"], cwd=cwd, env=env,
                          capture_output=True).returncode == 0


def wrapper_go_mod(name: str, spec: dict[str, str], upstream: str, cwd: Path) -> str:
    go_line = next((line for line in upstream.splitlines() if line.startswith("go ")), "go 1.26")
    lines = [f"// Wrapper module for building {name}; written by scripts/peers/build.py.",
             f"module flyteplugin.test/peers/{name}", "", go_line, "",
             f"require {spec['module']} {spec['version']}", ""]
    for left, right in replace_directives(upstream):
        module = left.split()[0]
        if right.startswith("."):
            # A relative replace names a sibling folder of the monorepo; its published module of
            # the same release stands in. One with no published module is a guard against an
            # import (etcd's `./FORBIDDEN_DEPENDENCY`), which the build must not need either.
            if published(module, spec["siblings"], cwd):
                lines.append(f"replace {module} => {module} {spec['siblings']}")
        else:
            lines.append(f"replace {left} => {right}")
    return "\n".join(lines) + "\n"


def build(name: str) -> Path:
    spec = peers()[name]
    out = binary_path(name)
    if out.is_file():
        return out
    src = CACHE / "src" / f"{name}-{spec['version']}"
    src.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    print(f"building {name} {spec['version']} from {spec['module']} (first run only) ...", file=sys.stderr)
    (src / "go.mod").write_text(f"module flyteplugin.test/peers/{name}\n\ngo 1.26\n")
    download = module_download(spec["module"], spec["version"], src)
    (src / "go.mod").write_text(wrapper_go_mod(name, spec, Path(download["GoMod"]).read_text(), src))
    if "drop_imports" in spec:
        # The wrapper module's own main package; `go build` resolves its imports from the graph.
        (src / "main.go").write_text(main_without(spec, Path(download["Dir"])))
        go("get", f"{spec['module']}@{spec['version']}", cwd=src)
        package = "."
    else:
        go("get", f"{spec['package']}@{spec['version']}", cwd=src)
        package = spec["package"]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{name}.tmp-{os.getpid()}")
    go("build", "-trimpath", "-ldflags=-s -w", "-o", str(tmp), package, cwd=src)
    tmp.rename(out)
    print(f"built {out} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return out


def module_source(name: str) -> Path:
    """The folder of the peer's module source in the Go module cache (read-only), built first if
    missing: tests read the peer's own files from it (the SageMaker operator's ClusterRole)."""
    ensure(name)
    spec = peers()[name]
    return Path(module_download(spec["module"], spec["version"], CACHE / "src" / f"{name}-{spec['version']}")["Dir"])


def ensure(*names: str) -> list[Path]:
    """The binaries of `names`, built first where missing (one build at a time per machine)."""
    unknown = [n for n in names if n not in peers()]
    if unknown:
        sys.exit(f"error: unknown peer(s) {', '.join(unknown)}; known: {', '.join(peers())}")
    if all(binary_path(n).is_file() for n in names):
        return [binary_path(n) for n in names]
    CACHE.mkdir(exist_ok=True)
    with open(CACHE / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return [build(name) for name in names]


def main(argv: list[str]) -> None:
    for path in ensure(*(argv or list(peers()))):
        print(path)


if __name__ == "__main__":
    main(sys.argv[1:])
