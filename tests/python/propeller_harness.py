"""Real flytepropeller for the end-to-end tests, running standalone: no flyteadmin, no datacatalog,
no kubelet, everything on loopback.

* `write_config` assembles propeller's configuration folder the way a cluster mounts it: the
  generated kustomize component `generated/kustomize/<plugin>/propeller/` is applied with
  `kubectl kustomize` to a stand-in of propeller's ConfigMap that holds `standalone_settings`, and
  every key of the rendered ConfigMap becomes a file, as the kubelet mounts it. Only one more file
  is added: it points the generated connector's endpoint at the backend on loopback. Propeller
  merges the files in name order, so the generated routing is read, not retyped.
* `Propeller` runs `flytepropeller --config 'DIR/*.yaml'` (built from its Go module by
  scripts/peers/build.py) against the real API server; propeller creates its FlyteWorkflow CRD.
* `workflow_closure` compiles a flytekit workflow into the `core.WorkflowClosure` that
  `kubectl-flyte create` turns into a FlyteWorkflow object (the compiled workflow flyteadmin
  would otherwise write).

Without flyteadmin, propeller writes its events to a file (`event.type: file`), keeps inputs and
outputs in flytestdlib's stow store on a local folder shared with the test, and never uses its
admin client: that connection is lazy and only launch plans, gate nodes and recovery call it.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections import OrderedDict
from pathlib import Path

import yaml
from flyteidl.core import literals_pb2, workflow_closure_pb2

from e2e_harness import DOMAIN, PROJECT, REPO_ROOT, _child_env, _log_tail, free_port, terminate
from real_cluster import kubectl_binary

sys.path.insert(0, str(REPO_ROOT / "scripts" / "peers"))
import build  # noqa: E402  (scripts/peers/build.py: the pinned Go-built peers)

PLUGIN = "sagemaker"
GENERATED_PROPELLER = REPO_ROOT / "generated" / "kustomize" / PLUGIN / "propeller"
# The bucket (a folder of the local store) that holds propeller's metadata: inputs and outputs.
BUCKET = "flyte-bucket"
# The stand-in ConfigMap's own file; the generated component adds its file beside it.
STANDALONE_FILE = "00-standalone.yaml"
# Sorts after every file of the rendered ConfigMap (checked), so its one setting wins.
ENDPOINT_FILE = "zzzz-test-loopback-endpoint.yaml"

# `v1alpha1.WorkflowPhase` of flytepropeller, the integer in a FlyteWorkflow's `status.phase`.
WORKFLOW_PHASES = ["Ready", "Running", "Succeeding", "Success", "Failing", "Failed", "Aborted", "HandlingFailureNode"]
TERMINAL_PHASES = {"Success", "Failed", "Aborted"}


def run(args: list, timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, env=_child_env())
    if check and done.returncode != 0:
        raise RuntimeError(f"`{' '.join(map(str, args))}` exited with {done.returncode}:\n{done.stdout}{done.stderr}")
    return done


def standalone_settings(kubeconfig: Path, blobs: Path, events: Path, profiler_port: int) -> dict:
    """Propeller's settings for running without flyteadmin against one API server; the connector's
    routing comes from the generated files, not from here."""
    return {
        "propeller": {
            "kube-config": str(kubeconfig),
            "create-flyteworkflow-crd": True,
            "enable-admin-launcher": False,
            "limit-namespace": "all",
            "metadata-prefix": "metadata/propeller",
            "rawoutput-prefix": f"file://{BUCKET}/raw",
            "workers": 4,
            # Re-evaluate often: the tests wait for phases, and there is one propeller per test module.
            "workflow-reeval-duration": "1s",
            "downstream-eval-duration": "1s",
            "prof-port": profiler_port,
            "publish-k8s-events": False,
            "leader-election": {"enabled": False},
        },
        "storage": {
            "type": "stow",
            "container": BUCKET,
            "stow": {"kind": "local", "config": {"path": str(blobs)}},
        },
        "event": {"type": "file", "file-path": str(events)},
        # Nothing in these workflows calls flyteadmin; the client only needs an address to dial
        # lazily. Port 1 on loopback refuses any connection at once.
        "admin": {"endpoint": "dns:///127.0.0.1:1", "insecure": True},
        "catalog-cache": {"type": "noop"},
        # Propeller polls GetTask every 30 s by default; 5 s is the least its validation accepts.
        "plugins": {"connector-service": {"webApi": {"caching": {"resyncInterval": "5s"}}}},
        "logger": {"level": 4, "formatter": {"type": "json"}},
    }


def render_config_map(standalone: dict, workdir: Path) -> dict[str, str]:
    """The data of propeller's ConfigMap after the generated component patched a stand-in of it."""
    folder = workdir / "propeller-kustomization"
    folder.mkdir(parents=True, exist_ok=True)
    config_map = {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "flyte-propeller-config", "namespace": "flyte"},
        "data": {STANDALONE_FILE: yaml.safe_dump(standalone)},
    }
    (folder / "propeller-config-map.yaml").write_text(yaml.safe_dump(config_map))
    kustomization = {"resources": ["propeller-config-map.yaml"],
                     "components": [os.path.relpath(GENERATED_PROPELLER, folder)]}
    (folder / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
    [rendered] = list(yaml.safe_load_all(run([kubectl_binary(), "kustomize", folder]).stdout))
    return rendered["data"]


def loopback_endpoint_override(files: dict[str, str], backend_port: int) -> str:
    """Settings that point every connector the generated files declare at the backend on loopback,
    keeping the scheme of the generated endpoint."""
    merged_connectors = {}
    for name in sorted(files):
        connectors = (yaml.safe_load(files[name]) or {}).get("plugins", {}).get("connector-service", {}).get("connectors", {})
        merged_connectors.update(connectors)
    if not merged_connectors:
        raise RuntimeError(f"the generated propeller files in {GENERATED_PROPELLER} declare no connector")
    override = {}
    for name, deployment in merged_connectors.items():
        scheme = deployment["endpoint"].split("///", 1)[0] + "///" if "///" in deployment["endpoint"] else ""
        override[name] = {"endpoint": f"{scheme}127.0.0.1:{backend_port}"}
    return yaml.safe_dump({"plugins": {"connector-service": {"connectors": override}}})


def write_config(folder: Path, standalone: dict, backend_port: int) -> list[Path]:
    """Propeller's configuration folder; returns its files in the order propeller merges them."""
    files = render_config_map(standalone, folder.parent)
    assert all(name < ENDPOINT_FILE for name in files), f"{ENDPOINT_FILE} must sort last: {sorted(files)}"
    files[ENDPOINT_FILE] = loopback_endpoint_override(files, backend_port)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return sorted(folder / name for name in files)


class Propeller:
    """flytepropeller standalone against the API server of `kubeconfig`, routing the plugin's task
    types to the backend listening on `backend_port`; workflows are created in `namespace`."""

    def __init__(self, workdir: Path, kubeconfig: Path, backend_port: int, namespace: str):
        self.workdir = workdir
        self.kubeconfig = kubeconfig
        self.namespace = namespace
        self.blobs = workdir / "blobs"
        self.blobs.mkdir(parents=True, exist_ok=True)
        self.events = workdir / "propeller-events.log"
        self.log = workdir / "flytepropeller.log"
        self.profiler_port = free_port()
        self.config_dir = workdir / "propeller-config"
        settings = standalone_settings(kubeconfig, self.blobs, self.events, self.profiler_port)
        self.config_files = write_config(self.config_dir, settings, backend_port)
        self.binary, self.kubectl_flyte = build.ensure("flytepropeller", "kubectl-flyte")
        self.process = None

    def start(self, timeout: float = 60) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(self.binary), "--config", str(self.config_dir / "*.yaml")],
                stdout=log, stderr=subprocess.STDOUT, env=_child_env(), start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not (self._healthy() and self._crd_established()):
            if self.process.poll() is not None:
                raise RuntimeError(f"flytepropeller exited with {self.process.returncode}:\n{_log_tail(self.log)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"flytepropeller was not ready within {timeout} s:\n{_log_tail(self.log)}")
            time.sleep(0.1)

    def _healthy(self) -> bool:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(f"http://127.0.0.1:{self.profiler_port}/healthcheck", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def _crd_established(self) -> bool:
        done = run([kubectl_binary(), "--kubeconfig", self.kubeconfig, "get", "crd", "flyteworkflows.flyte.lyft.com",
                    "-o", "jsonpath={.status.conditions[?(@.type=='Established')].status}"], check=False)
        return done.returncode == 0 and done.stdout.strip() == "True"

    def stop(self) -> bool:
        """Stops propeller with SIGTERM; returns whether it was still running. (Its exit code says
        nothing: propeller 1.16.8 logs its profiling server's `http.ErrServerClosed` on shutdown
        as fatal and exits 1.)"""
        if self.process is None:
            return True
        running = self.process.poll() is None
        terminate(self.process)
        self.process = None
        return running

    def log_tail(self, lines: int = 40) -> str:
        return _log_tail(self.log, lines)

    # --- workflows ---

    def create_workflow(self, closure: workflow_closure_pb2.WorkflowClosure, inputs: literals_pb2.LiteralMap,
                        execution: str) -> None:
        """`kubectl-flyte create`: compiles the closure with propeller's own compiler and creates
        the FlyteWorkflow object named `execution`, with the inputs inline."""
        folder = self.workdir / "closures"
        folder.mkdir(exist_ok=True)
        closure_file, inputs_file = folder / f"{execution}.pb", folder / f"{execution}-inputs.pb"
        closure_file.write_bytes(closure.SerializeToString())
        inputs_file.write_bytes(inputs.SerializeToString())
        run([self.kubectl_flyte, "--kubeconfig", self.kubeconfig, "--namespace", self.namespace, "create",
             "--proto-path", closure_file, "--format", "proto", "--input-path", inputs_file,
             "--execution-id", execution])

    def workflow(self, execution: str) -> dict | None:
        done = run([kubectl_binary(), "--kubeconfig", self.kubeconfig, "--namespace", self.namespace, "get",
                    "flyteworkflows.flyte.lyft.com", execution, "-o", "json", "--ignore-not-found"])
        return json.loads(done.stdout) if done.stdout.strip() else None

    def phase(self, execution: str) -> str | None:
        wf = self.workflow(execution)
        return None if wf is None else WORKFLOW_PHASES[wf.get("status", {}).get("phase", 0)]

    def delete_workflow(self, execution: str) -> None:
        """What flyteadmin does to abort an execution: delete its FlyteWorkflow, whose finalizer
        keeps it until propeller has aborted every running node."""
        run([kubectl_binary(), "--kubeconfig", self.kubeconfig, "--namespace", self.namespace, "delete",
             "flyteworkflows.flyte.lyft.com", execution, "--wait=false"])

    def wait_for(self, execution: str, done, what: str, timeout: float = 60) -> dict | None:
        """Polls the FlyteWorkflow until `done(workflow or None)`; returns it."""
        deadline = time.monotonic() + timeout
        while True:
            wf = self.workflow(execution)
            if done(wf):
                return wf
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"flytepropeller exited with {self.process.returncode}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                status = (wf or {}).get("status")
                raise AssertionError(f"{execution}: not {what} within {timeout} s; status {json.dumps(status)[:3000]}\n"
                                     f"propeller log:\n{self.log_tail()}")
            time.sleep(0.2)

    def wait_terminal(self, execution: str, timeout: float = 60) -> dict:
        return self.wait_for(
            execution, lambda wf: wf is not None and WORKFLOW_PHASES[wf.get("status", {}).get("phase", 0)] in TERMINAL_PHASES,
            "finished", timeout)

    def read_literal_map(self, reference: str) -> literals_pb2.LiteralMap:
        """A LiteralMap propeller wrote to the local store, e.g. a workflow's `status.outputRef`."""
        prefix = "file://"
        assert reference.startswith(prefix), reference
        literal_map = literals_pb2.LiteralMap()
        literal_map.ParseFromString((self.blobs / reference[len(prefix):]).read_bytes())
        return literal_map

    def events_of(self, execution: str) -> list[str]:
        """Lines of the event file that name the execution."""
        if not self.events.is_file():
            return []
        return [line for line in self.events.read_text(errors="replace").splitlines() if f"name:\"{execution}\"" in line]


def workflow_closure(workflow) -> workflow_closure_pb2.WorkflowClosure:
    """flytekit's serialization of `workflow` and of every task it calls, as one WorkflowClosure."""
    from flytekit.configuration import ImageConfig, SerializationSettings
    from flytekit.models.admin.workflow import WorkflowSpec
    from flytekit.models.task import TaskSpec
    from flytekit.tools.translator import get_serializable

    settings = SerializationSettings(image_config=ImageConfig.auto_default_image(), project=PROJECT, domain=DOMAIN,
                                     version="v1")
    entities = OrderedDict()
    spec = get_serializable(entities, settings, workflow)
    assert isinstance(spec, WorkflowSpec)
    if spec.sub_workflows:
        raise ValueError("kubectl-flyte compiles no sub-workflows")
    tasks = [s.template.to_flyte_idl() for s in entities.values() if isinstance(s, TaskSpec)]
    return workflow_closure_pb2.WorkflowClosure(workflow=spec.template.to_flyte_idl(), tasks=tasks)


def literal_map(workflow, values: dict) -> literals_pb2.LiteralMap:
    """The workflow's inputs as the LiteralMap flyteadmin would hand propeller."""
    from flytekit.core.context_manager import FlyteContextManager
    from flytekit.core.type_engine import TypeEngine

    types = {name: workflow.python_interface.inputs[name] for name in values}
    return TypeEngine.dict_to_literal_map(FlyteContextManager.current_context(), values, types).to_flyte_idl()

