"""Processes for the end-to-end tests and the demo, all on loopback.

* `KubeDouble` runs `target/debug/kube-test-double` (the Kubernetes API test double) with the real
  CRDs of one target and that target's simulated controller, and talks to its Kubernetes REST API
  and its `/test-double/` control endpoints.
* `Backend` runs the real backend binary `target/debug/sagemaker-plugin --config FILE` against the
  double or a real API server (through a kubeconfig, as in a cluster) and hands out flyteidl's own
  gRPC stubs.
* `create_request` builds the `CreateTaskRequest` propeller would send for a flytekit task.

Both binaries come from `cargo build --workspace --bins` (scripts/test.sh runs it first); a missing
one is reported with that command rather than skipped.
"""

import json
import os
import select
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from functools import cache
from pathlib import Path

import grpc
from flyteidl.admin import agent_pb2
from flyteidl.core import identifier_pb2
from flyteidl.core.execution_pb2 import TaskExecution
from flyteidl.service import agent_pb2_grpc

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN_DIR = REPO_ROOT / "target" / "debug"

NAMESPACE = "flytesnacks-development"
PROJECT, DOMAIN = "flytesnacks", "development"
REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/flyte-sagemaker-e2e"
# The us-east-1 XGBoost images of SageMaker's own table (account 683313688378).
XGBOOST_IMAGES = {
    "1.5-1": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.5-1",
    "1.7-1": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
}


@cache
def sagemaker_model() -> dict:
    """The lowered SageMaker plugin model (`cargo run -p generator -- --dump-model`): the tests
    enumerate targets and task types from it, never from a hand-written list."""
    out = subprocess.run(["cargo", "run", "-q", "-p", "generator", "--", "--dump-model"], cwd=REPO_ROOT,
                         check=True, capture_output=True, text=True).stdout
    return next(p for p in json.loads(out)["plugins"] if p["name"] == "sagemaker")


# Per target: the API group and version; per task type: the plural of its resource (the same in
# every target).
TARGETS = [t["id"] for t in sagemaker_model()["targets"]]
TARGET_API = {t["id"]: dict(zip(("group", "version"), t["api_version"].rsplit("/", 1))) for t in sagemaker_model()["targets"]}
TASK_TYPES = [t["name"] for t in sagemaker_model()["task_types"]]
PLURALS = {t["name"]: t["resources"][0]["plural"] for t in sagemaker_model()["task_types"]}


def binary(name: str) -> Path:
    path = BIN_DIR / name
    if not path.is_file():
        raise RuntimeError(f"{path} is missing: build it first with `cargo build --workspace --bins`")
    return path


def shared_dir() -> Path:
    return Path(os.environ.get("SHARED_DIR", REPO_ROOT.parent / "shared"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _child_env(**extra) -> dict:
    # Loopback only: no proxy may sit between the test and the processes it started.
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(extra)
    return env


# urllib would honour proxy variables; the double is on loopback.
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def terminate(process: subprocess.Popen, timeout: float = 15) -> int:
    """SIGTERM, then SIGKILL if the process has not exited within `timeout`; its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


class ObjectReader:
    """Reading a target's custom resources over the Kubernetes REST API; the class provides
    `group`, `version` and `_request(method, path) -> (code, body)`."""

    def collection(self, plural: str, namespace: str = NAMESPACE) -> str:
        return f"/apis/{self.group}/{self.version}/namespaces/{namespace}/{plural}"

    def get(self, plural: str, name: str, namespace: str = NAMESPACE) -> dict | None:
        code, body = self._request("GET", f"{self.collection(plural, namespace)}/{name}")
        if code == 404:
            return None
        assert code == 200, f"GET {plural}/{name}: {code} {body}"
        return body

    def list(self, plural: str, label_selector: str = "", namespace: str = NAMESPACE) -> list[dict]:
        query = "?labelSelector=" + urllib.request.quote(label_selector) if label_selector else ""
        code, body = self._request("GET", self.collection(plural, namespace) + query)
        assert code == 200, f"list {plural}: {code} {body}"
        return body["items"]


class KubeDouble(ObjectReader):
    """The Kubernetes API test double with the simulated controller of `target`."""

    def __init__(self, target: str, workdir: Path, step_ms: int = 50):
        self.target = target
        self.step_ms = step_ms
        self.group = TARGET_API[target]["group"]
        self.version = TARGET_API[target]["version"]
        crds = shared_dir() / "crds" / target
        if not crds.is_dir():
            raise RuntimeError(f"{crds} not found (set SHARED_DIR to the folder holding crds/)")
        self.log = workdir / f"kube-test-double-{target}.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [str(binary("kube-test-double")), "--crds", str(crds), "--listen", "127.0.0.1:0",
                 "--simulate", target, "--step-ms", str(step_ms)],
                stdout=subprocess.PIPE, stderr=log, env=_child_env(),
            )
        # The double prints its bound address as its first line.
        ready, _, _ = select.select([self.process.stdout], [], [], 20)
        line = self.process.stdout.readline().decode().strip() if ready else ""
        if not line:
            self.stop()
            raise RuntimeError(f"the test double printed no address within 20 s:\n{_log_tail(self.log)}")
        self.url = f"http://{line}"

    def client_kubeconfig(self, path: Path) -> Path:
        """A kubeconfig for the double (plain HTTP, no credentials: it has no authentication)."""
        path.write_text(
            "apiVersion: v1\nkind: Config\n"
            f"clusters:\n- name: double\n  cluster: {{server: \"{self.url}\"}}\n"
            "contexts:\n- name: double\n  context: {cluster: double, user: nobody}\n"
            "current-context: double\nusers:\n- name: nobody\n  user: {}\n"
        )
        return path

    # --- the Kubernetes REST API ---

    def _request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(self.url + path, data=body, method=method)
        try:
            with _HTTP.open(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    # --- the control endpoints ---

    def _control(self, method: str, path: str, body: str | None = None) -> dict:
        code, answer = self._request(method, "/test-double/" + path, body.encode() if body is not None else None)
        assert code == 200, f"{method} /test-double/{path}: {code} {answer}"
        return answer

    def set_unavailable(self, down: bool) -> None:
        self._control("POST", "unavailable", "true" if down else "false")

    def pause_simulation(self, paused: bool) -> None:
        self._control("POST", "simulation/paused", "true" if paused else "false")

    def simulation(self) -> dict:
        """`{"paused": bool, "errors": [...]}` of the simulated controller."""
        return self._control("GET", "simulation")

    def request_count(self, verb: str, path: str) -> int:
        """API requests the double received, e.g. `request_count("get", "object")`."""
        counts = self._control("GET", "requests")["requests"]
        return sum(c["count"] for c in counts if c["verb"] == verb and c["path"] == path)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


class Backend:
    """The backend binary, configured for `target`. Its Kubernetes API is `api`: the test double, or
    a real API server (tests/python/real_cluster.py); either writes the kubeconfig the backend
    gets (`api.client_kubeconfig(path)`)."""

    def __init__(self, target: str, api, workdir: Path, program: Path | None = None, plugin_settings: str | None = None):
        """`program` and `plugin_settings` (the plugin's own config keys, as YAML) default to the
        SageMaker plugin's."""
        self.target = target
        # Another build of the backend (a test-only proto variant's, another plugin's), else the workspace's.
        self.program = program or binary("sagemaker-plugin")
        self.workdir = workdir
        self.kubeconfig = api.client_kubeconfig(workdir / "kubeconfig")
        self.port, self.metrics_port = free_port(), free_port()
        images = "".join(f'      "{version}": "{image}"\n' for version, image in XGBOOST_IMAGES.items())
        if plugin_settings is None:
            plugin_settings = (
                f"region: {REGION}\n"
                f"defaultRoleArn: {ROLE}\n"
                # Versions are quoted: a bare 1.0 would be a YAML number.
                f"images:\n  xgboost:\n    {REGION}:\n{images}"
            )
        # The key that signs resource_meta, as the bundle's mounted Secret would hold it.
        self.key_file = workdir / "resource-meta-key"
        self.key_file.write_text(os.urandom(32).hex())
        self.config = workdir / "config.yaml"
        self.config.write_text(
            f"resourceMetaKeyFile: {self.key_file}\n"
            f"target: {target}\n"
            + plugin_settings
            # Finished objects stay for the whole run; the tests look at them.
            + "gcTtlSeconds: 86400\n"
            f"server:\n  listen: 127.0.0.1:{self.port}\n"
            f"metricsListen: 127.0.0.1:{self.metrics_port}\n"
            "logFormat: json\n"
        )
        self.log = workdir / f"{self.program.name}-{target}.log"
        self.process = None
        self.channel = None
        self.starts = 0

    def start(self, timeout: float = 30) -> None:
        self.starts += 1
        # Its JSON log goes to a file: an unread pipe would fill and block the backend.
        with open(self.log, "ab") as log:
            log.write(f"--- start {self.starts}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [str(self.program), "--config", str(self.config)],
                stdout=log, stderr=subprocess.STDOUT, env=_child_env(KUBECONFIG=str(self.kubeconfig)),
            )
        # A fresh channel per process: the old one would wait out gRPC's reconnect backoff.
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}", options=[("grpc.enable_http_proxy", 0)])
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the backend exited with {self.process.returncode}:\n{_log_tail(self.log)}")
            try:
                grpc.channel_ready_future(self.channel).result(timeout=0.2)
                break
            except grpc.FutureTimeoutError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the backend did not listen within {timeout} s:\n{_log_tail(self.log)}")
        self.agent = agent_pb2_grpc.AsyncAgentServiceStub(self.channel)
        self.metadata = agent_pb2_grpc.AgentMetadataServiceStub(self.channel)

    def stop(self) -> int:
        """Stops the backend the way Kubernetes does (SIGTERM); returns its exit code."""
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        code = self.process.returncode
        self.process = None
        return code

    def log_tail(self) -> str:
        return _log_tail(self.log)


def create_request(entity, values: dict, execution: str, retry_attempt: int = 0, node_id: str = "n0") -> agent_pb2.CreateTaskRequest:
    """The `CreateTaskRequest` propeller sends for `entity` with these input values: the template
    flytekit serializes, the inputs as a LiteralMap, an output prefix and the execution metadata."""
    from flytekit.configuration import ImageConfig, SerializationSettings
    from flytekit.core.context_manager import FlyteContextManager
    from flytekit.core.type_engine import TypeEngine
    from flytekit.tools.translator import get_serializable

    settings = SerializationSettings(image_config=ImageConfig.auto_default_image(), project=PROJECT, domain=DOMAIN, version="v1")
    template = get_serializable(OrderedDict(), settings, entity).template.to_flyte_idl()
    ctx = FlyteContextManager.current_context()
    types = {name: entity.python_interface.inputs[name] for name in values}
    inputs = TypeEngine.dict_to_literal_map(ctx, values, types).to_flyte_idl()
    task_id = identifier_pb2.Identifier(
        resource_type=identifier_pb2.TASK, project=PROJECT, domain=DOMAIN, name=template.id.name, version="v1"
    )
    workflow_execution = identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=DOMAIN, name=execution)
    return agent_pb2.CreateTaskRequest(
        inputs=inputs,
        template=template,
        output_prefix=f"s3://flyte-bucket/metadata/propeller/{PROJECT}-{DOMAIN}-{execution}/{node_id}/data/{retry_attempt}",
        task_execution_metadata=agent_pb2.TaskExecutionMetadata(
            task_execution_id=identifier_pb2.TaskExecutionIdentifier(
                task_id=task_id,
                node_execution_id=identifier_pb2.NodeExecutionIdentifier(node_id=node_id, execution_id=workflow_execution),
                retry_attempt=retry_attempt,
            ),
            namespace=NAMESPACE,
            k8s_service_account="default",
        ),
    )


def get_request(template, resource_meta: bytes) -> agent_pb2.GetTaskRequest:
    """A `GetTaskRequest` as propeller fills it (deprecated `task_type` included)."""
    return agent_pb2.GetTaskRequest(
        task_type=template.type,
        resource_meta=resource_meta,
        task_category=agent_pb2.TaskCategory(name=template.type, version=template.task_type_version),
    )


def delete_request(template, resource_meta: bytes) -> agent_pb2.DeleteTaskRequest:
    return agent_pb2.DeleteTaskRequest(
        task_type=template.type,
        resource_meta=resource_meta,
        task_category=agent_pb2.TaskCategory(name=template.type, version=template.task_type_version),
    )


def poll_phase(backend: "Backend", template, resource_meta: bytes, phase: int, after=None, timeout: float = 20.0):
    """Polls GetTask as propeller does until the phase is `phase` and, when `after` (the previous
    answer) had that phase too, the message has moved on, so the watch cache has seen the status the
    test just wrote rather than the one before it. Returns the resource."""
    deadline = time.monotonic() + timeout
    while True:
        resource = backend.agent.GetTask(get_request(template, resource_meta)).resource
        moved = after is None or after.phase != phase or after.message != resource.message
        if resource.phase == phase and moved:
            return resource
        name = TaskExecution.Phase.Name
        assert time.monotonic() < deadline, f"phase {name(resource.phase)} ({resource.message}), expected {name(phase)}"
        time.sleep(0.02)
