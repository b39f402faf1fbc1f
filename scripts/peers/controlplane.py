#!/usr/bin/env python3
"""A real Kubernetes control plane for tests: etcd and kube-apiserver on loopback, started the way
controller-runtime's envtest starts them.

    scripts/peers/controlplane.py run [--dir DIR]   # start, print the admin kubeconfig, stop on Ctrl-C/SIGTERM

The binaries are the ones scripts/peers/build.py builds from their Go modules (pinned in
scripts/peers/versions.env, cached in .peers/); a missing one is built first. What is generated
per start, under DIR (a fresh temporary folder by default):

- a CA, the API server's serving certificate (SAN 127.0.0.1 and localhost) and an admin client
  certificate (group `system:masters`), all with `openssl`;
- the service-account signing key pair, so that ServiceAccount tokens (TokenRequest) work;
- `admin.kubeconfig`, the admin client certificate's kubeconfig.

The API server runs with `--authorization-mode=RBAC`: every client but the admin gets only what
RBAC grants it. etcd runs on loopback without TLS and without fsync (a throwaway store).

From Python (pytest fixtures, other scripts), the same as a module:

    from controlplane import ControlPlane
    with ControlPlane(workdir) as cp:       # started and /readyz answered
        cp.kubeconfig                       # admin kubeconfig path
        cp.kill_apiserver(); cp.start_apiserver()   # a real outage of the API server
        cp.compact_etcd()                   # watches from older resourceVersions get 410 Gone

Start-up is bounded (`ControlPlane.READY_TIMEOUT_S`); a failure raises `ControlPlaneError` with the
tail of the failing program's log.
"""

import argparse
import base64
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build  # noqa: E402  (scripts/peers/build.py: the pinned binaries)

# The service-account issuer and audience a cluster's API server would use; the tokens carry them.
SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local"


class ControlPlaneError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _loopback_env() -> dict:
    # Loopback only: no proxy may sit between the programs started here and their clients.
    return {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}


def _openssl(*args: str, cwd: Path) -> None:
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise ControlPlaneError(f"`openssl {' '.join(args)}` failed:\n{done.stderr}")


def generate_pki(pki: Path) -> None:
    """CA, serving certificate, admin client certificate and service-account keys, in `pki`."""
    if shutil.which("openssl") is None:
        raise ControlPlaneError("openssl is needed to generate the control plane's certificates")
    pki.mkdir(parents=True, exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
             "-subj", "/CN=controlplane-test-ca", cwd=pki)
    for name, subject, extensions in [
        ("apiserver", "/CN=kube-apiserver",
         "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"),
        # Group system:masters: the admin is allowed everything, whatever RBAC says.
        ("admin", "/O=system:masters/CN=controlplane-admin", "extendedKeyUsage=clientAuth\n"),
    ]:
        (pki / f"{name}.ext").write_text(extensions)
        _openssl("req", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", subject, cwd=pki)
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                 "-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext", "-out", f"{name}.crt", cwd=pki)
    # ES256 (kube-apiserver signs with RSA or ECDSA keys alike): generated in milliseconds, where
    # an RSA key costs about a second.
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", "sa.key", cwd=pki)
    _openssl("pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub", cwd=pki)


def kubeconfig_text(server: str, ca: Path, user: dict) -> str:
    """A kubeconfig for `server` trusting `ca`, with `user` (client-certificate paths or a token)."""
    config = {
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": "controlplane", "cluster": {"server": server, "certificate-authority": str(ca)}}],
        "users": [{"name": "user", "user": user}],
        "contexts": [{"name": "controlplane", "context": {"cluster": "controlplane", "user": "user"}}],
        "current-context": "controlplane",
    }
    # JSON is YAML: every kubeconfig reader accepts it.
    return json.dumps(config, indent=2) + "\n"


class ControlPlane:
    """etcd and kube-apiserver on loopback, with RBAC and service-account tokens."""

    READY_TIMEOUT_S = 60

    def __init__(self, workdir: Path | str | None = None, apiserver_args: list[str] | None = None):
        self._own_dir = workdir is None
        self.dir = Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="controlplane-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.pki = self.dir / "pki"
        self.extra_apiserver_args = list(apiserver_args or [])
        self.etcd_port, self.etcd_peer_port, self.port = free_port(), free_port(), free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.etcd_url = f"http://127.0.0.1:{self.etcd_port}"
        self.kubeconfig = self.dir / "admin.kubeconfig"
        self.etcd_log = self.dir / "etcd.log"
        self.apiserver_log = self.dir / "kube-apiserver.log"
        self.etcd = None
        self.apiserver = None
        self._admin_ssl = None

    # --- lifecycle ---

    def __enter__(self) -> "ControlPlane":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        try:
            etcd_bin, apiserver_bin = build.ensure("etcd", "kube-apiserver")
            self._binaries = {"etcd": etcd_bin, "kube-apiserver": apiserver_bin}
            generate_pki(self.pki)
            self.kubeconfig.write_text(kubeconfig_text(
                self.url, self.pki / "ca.crt",
                {"client-certificate": str(self.pki / "admin.crt"), "client-key": str(self.pki / "admin.key")}))
            self._start_etcd()
            self.start_apiserver()
        except BaseException:
            self.stop()
            raise

    def _start_etcd(self) -> None:
        data = self.dir / "etcd-data"
        with open(self.etcd_log, "ab") as log:
            self.etcd = subprocess.Popen(
                [str(self._binaries["etcd"]), "--name", "controlplane", "--data-dir", str(data),
                 "--listen-client-urls", self.etcd_url, "--advertise-client-urls", self.etcd_url,
                 "--listen-peer-urls", f"http://127.0.0.1:{self.etcd_peer_port}",
                 "--initial-advertise-peer-urls", f"http://127.0.0.1:{self.etcd_peer_port}",
                 "--initial-cluster", f"controlplane=http://127.0.0.1:{self.etcd_peer_port}",
                 "--unsafe-no-fsync", "--log-level", "warn"],
                stdout=log, stderr=subprocess.STDOUT, env=_loopback_env(), start_new_session=True)
        self._wait("etcd", self.etcd, self.etcd_log, self._etcd_healthy)

    def start_apiserver(self) -> None:
        """Starts kube-apiserver (again, after `kill_apiserver`: same port, same etcd, same keys)."""
        if self.apiserver is not None and self.apiserver.poll() is None:
            raise ControlPlaneError("kube-apiserver is already running")
        pki = self.pki
        args = [
            str(self._binaries["kube-apiserver"]),
            "--etcd-servers", self.etcd_url,
            "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
            "--secure-port", str(self.port),
            "--cert-dir", str(self.dir / "apiserver-certs"),
            "--tls-cert-file", str(pki / "apiserver.crt"), "--tls-private-key-file", str(pki / "apiserver.key"),
            "--client-ca-file", str(pki / "ca.crt"),
            "--authorization-mode", "RBAC",
            "--service-account-issuer", SERVICE_ACCOUNT_ISSUER,
            "--service-account-key-file", str(pki / "sa.pub"),
            "--service-account-signing-key-file", str(pki / "sa.key"),
            "--service-cluster-ip-range", "10.0.0.0/24",
            "--allow-privileged=true",
            # The "kubernetes" Service endpoints cannot point at loopback; nothing here needs them.
            "--endpoint-reconciler-type", "none",
            # No kubelet and no controller-manager here: nothing serves logs or signs CSRs.
            "--disable-admission-plugins", "ServiceAccount",
            *self.extra_apiserver_args,
        ]
        with open(self.apiserver_log, "ab") as log:
            log.write(f"--- start at {time.strftime('%H:%M:%S')}\n".encode())
            log.flush()
            self.apiserver = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                              env=_loopback_env(), start_new_session=True)
        self._wait("kube-apiserver", self.apiserver, self.apiserver_log, self._apiserver_ready)

    def kill_apiserver(self) -> None:
        """SIGKILL: the API server goes away mid-request, as in a crash."""
        self._terminate(self.apiserver, signal.SIGKILL)
        self.apiserver = None

    def stop(self) -> None:
        self._terminate(self.apiserver, signal.SIGTERM)
        self._terminate(self.etcd, signal.SIGTERM)
        self.apiserver = self.etcd = None
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    @staticmethod
    def _terminate(process, sig) -> None:
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _wait(self, name: str, process, log: Path, ready) -> None:
        deadline = time.monotonic() + self.READY_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise ControlPlaneError(f"{name} exited with {process.returncode}; its log ({log}) ends:\n{_log_tail(log)}")
            if ready():
                return
            if time.monotonic() > deadline:
                raise ControlPlaneError(f"{name} was not ready within {self.READY_TIMEOUT_S} s; its log ({log}) ends:\n{_log_tail(log)}")
            time.sleep(0.05)

    # --- probes and requests ---

    def _etcd_healthy(self) -> bool:
        try:
            return json.loads(self._etcd_post("/health", None)).get("health") == "true"
        except (OSError, ValueError):
            return False

    def _apiserver_ready(self) -> bool:
        try:
            return self.request("GET", "/readyz")[0] == 200
        except OSError:
            return False

    def _etcd_post(self, path: str, body: dict | None) -> bytes:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        data = json.dumps(body).encode() if body is not None else None
        with opener.open(urllib.request.Request(self.etcd_url + path, data=data), timeout=5) as response:
            return response.read()

    def admin_ssl_context(self) -> ssl.SSLContext:
        if self._admin_ssl is None:
            context = ssl.create_default_context(cafile=str(self.pki / "ca.crt"))
            context.load_cert_chain(str(self.pki / "admin.crt"), str(self.pki / "admin.key"))
            self._admin_ssl = context
        return self._admin_ssl

    def request(self, method: str, path: str, body: dict | None = None, token: str | None = None,
                content_type: str = "application/json", timeout: float = 10) -> tuple[int, dict]:
        """One API request as the admin (client certificate), or with `token` as a bearer token and
        no client certificate. Returns the status code and the decoded body."""
        if token is None:
            context = self.admin_ssl_context()
        else:
            context = ssl.create_default_context(cafile=str(self.pki / "ca.crt"))
        handlers = [urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)]
        request = urllib.request.Request(self.url + path, method=method,
                                         data=json.dumps(body).encode() if body is not None else None)
        if body is not None:
            request.add_header("Content-Type", content_type)
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.build_opener(*handlers).open(request, timeout=timeout) as response:
                raw = response.read()
                code = response.status
        except urllib.error.HTTPError as e:
            raw, code = e.read(), e.code
        try:
            return code, json.loads(raw or b"null")
        except ValueError:
            return code, {"text": raw.decode(errors="replace")}

    # --- service-account tokens ---

    def create_token(self, namespace: str, service_account: str, seconds: int = 3600,
                     bound_secret: str | None = None) -> str:
        """A TokenRequest for the ServiceAccount. With `bound_secret` (a Secret in the same
        namespace), the token is bound to it: deleting the Secret revokes the token."""
        spec = {"audiences": [SERVICE_ACCOUNT_ISSUER], "expirationSeconds": seconds}
        if bound_secret is not None:
            code, secret = self.request("GET", f"/api/v1/namespaces/{namespace}/secrets/{bound_secret}")
            if code != 200:
                raise ControlPlaneError(f"cannot read Secret {namespace}/{bound_secret}: {code} {secret}")
            spec["boundObjectRef"] = {"kind": "Secret", "apiVersion": "v1", "name": bound_secret,
                                      "uid": secret["metadata"]["uid"]}
        code, answer = self.request(
            "POST", f"/api/v1/namespaces/{namespace}/serviceaccounts/{service_account}/token",
            {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": spec})
        if code != 201:
            raise ControlPlaneError(f"TokenRequest for {namespace}/{service_account}: {code} {answer}")
        return answer["status"]["token"]

    def token_kubeconfig(self, path: Path, token: str) -> Path:
        """A kubeconfig holding only `token` (no client certificate)."""
        path.write_text(kubeconfig_text(self.url, self.pki / "ca.crt", {"token": token}))
        return path

    # --- etcd ---

    def etcd_revision(self) -> int:
        key = base64.b64encode(b"/registry").decode()
        return int(json.loads(self._etcd_post("/v3/kv/range", {"key": key, "limit": 1}))["header"]["revision"])

    def compact_etcd(self) -> int:
        """Compacts etcd up to its current revision (as the API server's own compactor does every
        5 minutes); returns that revision. Watches from an older resourceVersion then get 410."""
        revision = self.etcd_revision()
        self._etcd_post("/v3/kv/compaction", {"revision": revision, "physical": True})
        return revision


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start, print the admin kubeconfig's path, stop on SIGINT/SIGTERM")
    run.add_argument("--dir", type=Path, help="working folder (default: a temporary one, removed at the end)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    with ControlPlane(args.dir) as cp:
        print(f"kube-apiserver {cp.url} ready in {time.monotonic() - started:.1f} s", file=sys.stderr)
        print(f"KUBECONFIG={cp.kubeconfig}", flush=True)
        try:
            while not stop:
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main(sys.argv[1:])
