"""A target whose CRDs are not installed, on the real control plane (scripts/peers/controlplane.py):
the backend starts anyway and neither crashes nor spins. Its watches back off (kube-runtime's
backoff: several failures, each retry later than the one before), the agent service's gRPC
health is NOT_SERVING (what the bundle's readiness probe asks for) while the server's overall
health stays SERVING (what liveness asks for: a restart would not install a CRD),
`flyte_agent_resource_served` is 0 and `/readyz` is 503, and CreateTask answers UNAVAILABLE
naming the group/version/kind and the CRD to install. Each resource's trouble is logged once,
not once per retry. Once the CRDs are installed, health is SERVING, the metric 1, and CreateTask
works; a CRD deleted under a running job makes GetTask UNAVAILABLE naming it, not a job "deleted
outside Flyte".

The control plane is this module's own: the session's has the CRDs installed by other tests.
"""

import json
import re
import time
import urllib.error
import urllib.request

import grpc
import pytest

from controlplane import ControlPlane
from e2e_harness import PLURALS, TASK_TYPES, Backend, create_request, get_request, delete_request
from real_cluster import RealCluster, crd_documents, kubectl
from test_e2e import TERMINAL, make_task, new_execution

TARGET = "ack"
AGENT_SERVICE = "flyteidl.service.AsyncAgentService"
SERVING, NOT_SERVING = 1, 2
TIMEOUT_S = 90
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def health(backend: Backend, service: str) -> int:
    """grpc.health.v1.Health/Check, encoded by hand (one string field; the answer one enum)."""
    check = backend.channel.unary_unary("/grpc.health.v1.Health/Check", request_serializer=lambda b: b, response_deserializer=lambda b: b)
    name = service.encode()
    answer = check(b"\x0a" + bytes([len(name)]) + name if name else b"", timeout=10)
    assert answer[:1] == b"\x08", answer
    return answer[1]


def metric(backend: Backend, name: str, kind: str) -> float:
    text = _HTTP.open(f"http://127.0.0.1:{backend.metrics_port}/metrics", timeout=10).read().decode()
    found = re.search(rf'^flyte_agent_{name}\{{kind="{kind}"\}} (\S+)$', text, re.M)
    return float(found.group(1)) if found else float("nan")


def readyz(backend: Backend) -> tuple[int, str]:
    try:
        with _HTTP.open(f"http://127.0.0.1:{backend.metrics_port}/readyz", timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_for(what: str, done, timeout: float = TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while not (value := done()):
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.05)
    return value


def log_records(backend: Backend) -> list[dict]:
    records = []
    for line in backend.log.read_text(errors="replace").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            pass
    return records


def lines(backend: Backend, level: str, text: str, target: str = "machinery::availability") -> list[str]:
    """The log lines of `level` from `target` whose message holds `text`."""
    return [json.dumps(r) for r in log_records(backend) if r.get("level") == level and r.get("target") == target and text in r.get("message", "")]


# The kinds of the target's resources, from the CRDs the target needs.
CRDS = crd_documents(TARGET)
KINDS = {d["spec"]["names"]["plural"]: d["spec"]["names"]["kind"] for d in CRDS}
GROUP = CRDS[0]["spec"]["group"]
WATCHED = sorted({PLURALS[t] for t in TASK_TYPES})


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("missing-crd")
    with ControlPlane(workdir / "controlplane") as cp:
        cluster = RealCluster(cp, TARGET, workdir, controller=False, crds=[])
        backend = Backend(TARGET, cluster, workdir)
        backend.start()
        try:
            yield cluster, backend
        finally:
            code = backend.stop()
            assert code == 0, f"the backend exited with {code} on SIGTERM:\n{backend.log_tail()}"


def test_without_then_with_the_crds(env):
    cluster, backend = env
    version = CRDS[0]["spec"]["versions"][0]["name"]
    described = {plural: f"{GROUP}/{version} {KINDS[plural]} ({plural})" for plural in WATCHED}

    # --- no CRDs: not ready, not dead, and clear about why ---
    wait_for("the agent service NOT_SERVING", lambda: health(backend, AGENT_SERVICE) == NOT_SERVING)
    assert health(backend, "") == SERVING, "liveness must not restart a pod that waits for its CRD"
    assert health(backend, "flyteidl.service.AgentMetadataService") == SERVING
    # The watches keep retrying, with backoff: several failures, not a spin.
    for plural in WATCHED:
        wait_for(f"{plural}: three watch failures", lambda: metric(backend, "watch_failures", KINDS[plural]) >= 3)
        assert metric(backend, "resource_served", KINDS[plural]) == 0
    started = time.monotonic()
    failures = {p: metric(backend, "watch_failures", KINDS[p]) for p in WATCHED}
    time.sleep(2)
    # kube-runtime's backoff starts at 800 ms and doubles: three failures are 2.4 s in, and in the
    # next two seconds at most one more (a spin, as in the issue, is one every 200 ms or less).
    for plural in WATCHED:
        assert metric(backend, "watch_failures", KINDS[plural]) - failures[plural] <= 2, f"{plural} is not backing off ({time.monotonic() - started:.1f} s)"
    code, why = readyz(backend)
    assert code == 503 and all(d in why for d in described.values()), (code, why)

    for task_type in TASK_TYPES:
        entity, values = make_task(task_type)
        with pytest.raises(grpc.RpcError) as refused:
            backend.agent.CreateTask(create_request(entity, values, new_execution("nocrd")), timeout=10)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE, refused.value.details()
        message = refused.value.details()
        assert described[PLURALS[task_type]] in message and f"{PLURALS[task_type]}.{GROUP}" in message, message

    # Each resource's trouble is one WARN line, however many retries (and no other watch WARNs).
    for plural in WATCHED:
        assert len(lines(backend, "WARN", f"does not serve {described[plural]}")) == 1, backend.log_tail()
    assert lines(backend, "WARN", "watch of") == [], "a missing CRD is not reported as a generic watch failure"
    assert lines(backend, "INFO", "serves") == [], "nothing was served yet"

    # --- the CRDs installed: SERVING, and CreateTask works ---
    cluster.install_crds(CRDS)
    wait_for("the agent service SERVING", lambda: health(backend, AGENT_SERVICE) == SERVING)
    for plural in WATCHED:
        wait_for(f"{plural} served", lambda: metric(backend, "resource_served", KINDS[plural]) == 1)
        # At most once: a CRD just installed may first answer 429 while its storage initializes
        # (a watch failure, logged as such), and the recovery from that is logged instead.
        assert len(lines(backend, "INFO", f"serves {described[plural]} now")) <= 1, backend.log_tail()
        assert len(lines(backend, "WARN", f"does not serve {described[plural]}")) == 1, backend.log_tail()
    assert readyz(backend)[0] == 200
    jobs = {}
    for task_type in TASK_TYPES:
        entity, values = make_task(task_type)
        request = create_request(entity, values, new_execution("crd"))
        meta = backend.agent.CreateTask(request, timeout=10).resource_meta
        resource = backend.agent.GetTask(get_request(request.template, meta), timeout=10).resource
        assert resource.phase not in TERMINAL, resource
        assert cluster.get(PLURALS[task_type], json.loads(meta)["name"]) is not None
        jobs[task_type] = (request.template, meta)

    # --- a CRD deleted under running jobs: UNAVAILABLE naming it, not "deleted outside Flyte" ---
    plural = PLURALS[TASK_TYPES[0]]
    kubectl(cluster.cp.kubeconfig, "delete", "crd", f"{plural}.{GROUP}", "--wait=true")
    wait_for("the agent service NOT_SERVING again", lambda: health(backend, AGENT_SERVICE) == NOT_SERVING)
    for task_type, (template, meta) in jobs.items():
        if PLURALS[task_type] != plural:
            continue
        with pytest.raises(grpc.RpcError) as refused:
            backend.agent.GetTask(get_request(template, meta), timeout=10)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE, refused.value.details()
        assert described[plural] in refused.value.details(), refused.value.details()
        # Not a success: a CRD that no longer serves this version may still hold the job in
        # another, and an abort reported done would leave it running unseen.
        with pytest.raises(grpc.RpcError) as refused:
            backend.agent.DeleteTask(delete_request(template, meta), timeout=10)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE and described[plural] in refused.value.details()
    assert len(lines(backend, "WARN", f"does not serve {described[plural]}")) == 2, "once per change: missing, installed, missing"
    assert "panicked" not in backend.log.read_text(errors="replace")
    assert backend.process.poll() is None, "alive throughout"
