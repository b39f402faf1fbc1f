"""The real SageMaker side of the `operator` target, on loopback:

* `MotoSageMaker`: moto's SageMaker API in server mode (scripts/peers/moto_sagemaker.py, moto pinned
  in scripts/requirements.txt), with a boto3 client to read what it received;
* `SageMakerOperator`: the Amazon SageMaker Operator for Kubernetes, built from its Go module
  (scripts/peers/build.py `sagemaker-operator`), running its manager against the real API server
  with only its own RBAC: the ClusterRole the operator publishes (`config/rbac/role.yaml` of its
  module, read from the Go module cache) bound to a ServiceAccount whose token is all it gets. Fake
  AWS credentials, no instance metadata, and `AWS_DEFAULT_SAGEMAKER_ENDPOINT` pointing at moto.
"""

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

from e2e_harness import REGION, REPO_ROOT, _child_env, _log_tail, free_port

sys.path.insert(0, str(REPO_ROOT / "scripts" / "peers"))
import build  # noqa: E402  (scripts/peers/build.py: the pinned binaries)

# Credentials moto accepts and no AWS endpoint would: nothing here can reach AWS.
FAKE_AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
            "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION, "AWS_EC2_METADATA_DISABLED": "true"}
# Where the operator's own install puts it (its kustomize `namespace` and `namePrefix`).
OPERATOR_NAMESPACE = "sagemaker-k8s-operator-system"
OPERATOR_ACCOUNT = "sagemaker-k8s-operator-default"
OPERATOR_ROLE = "sagemaker-k8s-operator-manager-role"
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _wait(what: str, process, log: Path, ready, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{_log_tail(log)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} was not ready within {timeout} s:\n{_log_tail(log)}")
        time.sleep(0.1)


def _answers(url: str) -> bool:
    """`url` answers 200 (on loopback, never through a proxy)."""
    try:
        with _HTTP.open(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _stop(process) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class MotoSageMaker:
    """moto's SageMaker on 127.0.0.1, one process for the session."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "moto-sagemaker.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(REPO_ROOT / "scripts" / "peers" / "moto_sagemaker.py"), "--port", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, env=_child_env(**FAKE_AWS))
        _wait("moto", self.process, self.log, self._ready)
        import boto3

        self.client = boto3.session.Session(
            aws_access_key_id=FAKE_AWS["AWS_ACCESS_KEY_ID"], aws_secret_access_key=FAKE_AWS["AWS_SECRET_ACCESS_KEY"],
            region_name=REGION).client("sagemaker", endpoint_url=self.url)

    def _ready(self) -> bool:
        # moto's own dashboard API answers once the server listens.
        return _answers(f"{self.url}/moto-api/data.json")

    def stop(self) -> None:
        _stop(self.process)


class SageMakerOperator:
    """The operator's manager against the API server of `cluster` (a `RealCluster` of the
    operator target, without its simulation), calling `moto`."""

    def __init__(self, cluster, moto: MotoSageMaker, workdir: Path, namespace: str = ""):
        self.cluster, self.moto = cluster, moto
        self.log = workdir / "sagemaker-operator.log"
        self.binary = build.ensure("sagemaker-operator")[0]
        self.kubeconfig = self._own_rbac(workdir)
        self.metrics_port = free_port()
        # HOME is an empty folder: no AWS config or credentials file of the machine is read.
        home = workdir / "operator-home"
        home.mkdir(exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(self.binary), "--metrics-addr", f"127.0.0.1:{self.metrics_port}", "--enable-leader-election=false",
                 # Only this namespace (empty: all), as the operator's namespaced install does.
                 "--namespace", namespace],
                stdout=log, stderr=subprocess.STDOUT,
                env=_child_env(**FAKE_AWS, HOME=str(home), KUBECONFIG=str(self.kubeconfig),
                               AWS_DEFAULT_SAGEMAKER_ENDPOINT=moto.url))
        _wait("the SageMaker operator", self.process, self.log, self._ready)

    def _own_rbac(self, workdir: Path) -> Path:
        """The operator's published ClusterRole, bound to its ServiceAccount; a kubeconfig with
        only that account's token."""
        role_file = build.module_source("sagemaker-operator") / "config" / "rbac" / "role.yaml"
        [role] = [d for d in yaml.safe_load_all(role_file.read_text()) if d and d.get("kind") == "ClusterRole"]
        role["metadata"] = {"name": OPERATOR_ROLE}
        binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                   "metadata": {"name": OPERATOR_ROLE},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": OPERATOR_ROLE},
                   "subjects": [{"kind": "ServiceAccount", "name": OPERATOR_ACCOUNT, "namespace": OPERATOR_NAMESPACE}]}
        account = {"apiVersion": "v1", "kind": "ServiceAccount",
                   "metadata": {"name": OPERATOR_ACCOUNT, "namespace": OPERATOR_NAMESPACE}}
        self.cluster.ensure_namespace(OPERATOR_NAMESPACE)
        self.cluster.apply([account, role, binding])
        token = self.cluster.cp.create_token(OPERATOR_NAMESPACE, OPERATOR_ACCOUNT)
        return self.cluster.cp.token_kubeconfig(workdir / "sagemaker-operator.kubeconfig", token)

    def _ready(self) -> bool:
        # The manager serves metrics once it started; its controllers start their watches with it.
        return _answers(f"http://127.0.0.1:{self.metrics_port}/metrics")

    def problems(self) -> list[str]:
        """Log lines of errors the manager reported about RBAC or its watches."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines() if "forbidden" in line.lower() or "failed to list" in line.lower()]

    def stop(self) -> None:
        _stop(self.process)
