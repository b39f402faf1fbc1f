"""Real faults on the real control plane, for every target and task type of the model:

- kube-apiserver killed (SIGKILL) and restarted mid-run: the backend keeps answering from its
  watch cache, CreateTask answers UNAVAILABLE meanwhile, and afterwards the watches of the backend
  and of the simulated controller reconnect and every job ends SUCCEEDED with its outputs;
- etcd compacted while the backend is cut off from the API server (its connections closed, the
  jobs finishing meanwhile): a watch from the resourceVersion it last saw is answered 410 Gone, the
  backend re-lists and nothing is lost. This runs on a control plane of its own whose API server
  has the watch cache off, so that watches are served by etcd itself (with the watch cache, a
  resumed watch inside the cache's window would not reach etcd's compaction at all);
- the backend's token revoked: CreateTask fails with a clear error naming the refusal, the backend
  does not panic and keeps serving, and with a new token it picks the job up again.
"""

import json
import time

import grpc
import pytest
from flyteidl.core.execution_pb2 import TaskExecution

from controlplane import ControlPlane
from e2e_harness import TARGETS, TASK_TYPES, create_request, sagemaker_model
from real_cluster import ConnectionCutter, RealCluster
from test_e2e import TERMINAL, Env, literal_value, make_task, new_execution, serving

Phase = TaskExecution.Phase
# Slower steps than test_e2e.py: the jobs must still be running when the fault strikes.
STEP_MS = 300
TIMEOUT_S = 60


def assert_sound(env: Env) -> None:
    """No panic in the backend's log, no problem in the simulated controller's."""
    assert "panicked" not in env.backend.log.read_text(errors="replace"), env.backend.log_tail()
    assert env.cluster.simulation()["errors"] == []


@pytest.fixture(scope="module", params=TARGETS)
def env(request, control_plane, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"faults-{request.param}")
    with serving(request.param, RealCluster(control_plane, request.param, workdir, step_ms=STEP_MS), workdir) as e:
        yield e
        assert_sound(e)


@pytest.fixture(scope="module")
def uncached_control_plane(tmp_path_factory):
    with ControlPlane(tmp_path_factory.mktemp("controlplane-uncached"), apiserver_args=["--watch-cache=false"]) as cp:
        yield cp


@pytest.fixture(scope="module", params=TARGETS)
def cut_off_env(request, uncached_control_plane, tmp_path_factory):
    """The backend reaches the (watch-cache-less) API server through a `ConnectionCutter`."""
    workdir = tmp_path_factory.mktemp(f"compaction-{request.param}")
    cluster = RealCluster(uncached_control_plane, request.param, workdir, step_ms=STEP_MS)
    cluster.cutter = ConnectionCutter(uncached_control_plane.port)
    try:
        with serving(request.param, cluster, workdir) as e:
            yield e
            assert_sound(e)
    finally:
        cluster.cutter.close()


def one_job_per_task_type(env: Env, label: str) -> list:
    jobs = [env.create(task_type, label=label) for task_type in TASK_TYPES]
    for job in jobs:
        running = job.poll_until(lambda r: r.phase == Phase.RUNNING or r.phase in TERMINAL, TIMEOUT_S)
        assert running.phase == Phase.RUNNING, job.phases()
    return jobs


def assert_succeeded_with_outputs(job) -> None:
    done = job.run_to_end(TIMEOUT_S)
    assert done.phase == Phase.SUCCEEDED, f"{job.phases()}: {done.message}"
    task_type = next(t for t in sagemaker_model()["task_types"] if t["name"] == job.template.type)
    declared = {o["name"] for o in task_type["outputs"]}
    if job.template.type != "sagemaker-k8s-custom-training":
        # (custom training's container writes its own outputs; the backend returns none)
        assert set(done.outputs.literals) == declared, done.outputs
        assert all(literal_value(v) not in ("", None) for v in done.outputs.literals.values())
    assert len(job.objects_of_execution()) == 1


def unavailable_create(env: Env) -> grpc.RpcError:
    entity, values = make_task(TASK_TYPES[0])
    with pytest.raises(grpc.RpcError) as error:
        env.backend.agent.CreateTask(create_request(entity, values, new_execution("down")), timeout=15)
    return error.value


def test_api_server_killed_and_restarted_mid_run(env, control_plane):
    jobs = one_job_per_task_type(env, "apikill")
    control_plane.kill_apiserver()
    try:
        # The watch cache still answers every poll, with the last state it saw.
        for job in jobs:
            answer = job.get()
            assert answer.phase not in TERMINAL and len(answer.log_links) == 2, job.phases()
        error = unavailable_create(env)
        assert error.code() == grpc.StatusCode.UNAVAILABLE, error
    finally:
        control_plane.start_apiserver()
    for job in jobs:
        assert_succeeded_with_outputs(job)
    assert env.backend.process.poll() is None, env.backend.log_tail()


def watch_from(cp: ControlPlane, cluster: RealCluster, plural: str, resource_version: str) -> tuple[int, str]:
    path = (f"/apis/{cluster.group}/{cluster.version}/{plural}"
            f"?watch=true&resourceVersion={resource_version}&timeoutSeconds=1")
    code, body = cp.request("GET", path)
    return code, json.dumps(body)


def test_etcd_compaction_while_cut_off_makes_the_backend_relist(cut_off_env, uncached_control_plane):
    env, cp = cut_off_env, uncached_control_plane
    jobs = one_job_per_task_type(env, "compact")
    seen = {job.name: job.object()["metadata"]["resourceVersion"] for job in jobs}
    env.cluster.cutter.cut()
    try:
        # The controller (not cut off) finishes every job while the backend cannot see it.
        deadline = time.monotonic() + TIMEOUT_S
        while not all(_finished(job.object()) for job in jobs):
            assert time.monotonic() < deadline, [job.object().get("status") for job in jobs]
            time.sleep(0.1)
        for job in jobs:
            assert job.get().phase not in TERMINAL, "the backend saw the end through a cut connection"
        cp.compact_etcd()
        # What the backend will resume from is gone: the API server answers 410.
        for job in jobs:
            code, body = watch_from(cp, env.cluster, job.plural, seen[job.name])
            assert code == 410 or '"code": 410' in body, (code, body[:500])
    finally:
        env.cluster.cutter.restore()
    for job in jobs:
        assert_succeeded_with_outputs(job)
    # The backend's watch met it (410's reason is Expired) and re-listed: the jobs above ended.
    log = env.backend.log.read_text(errors="replace")
    assert "The resourceVersion for the provided watch is too old" in log and "Expired" in log, log[-3000:]


def _finished(obj: dict) -> bool:
    status = obj.get("status", {})
    return (status.get("trainingJobStatus") or status.get("hyperParameterTuningJobStatus")) == "Completed"


def test_revoked_token_is_a_clear_error_and_no_panic(env, control_plane):
    [job] = [env.create(TASK_TYPES[0], label="revoke")]
    job.poll_until(lambda r: r.phase == Phase.RUNNING, TIMEOUT_S)
    env.cluster.revoke_token()
    # The API server caches a token's authentication for 10 s.
    deadline = time.monotonic() + 30
    while control_plane.request("GET", "/api", token=env.cluster.token)[0] != 401:
        assert time.monotonic() < deadline, "the revoked token still authenticates"
        time.sleep(0.25)
    entity, values = make_task(TASK_TYPES[0])
    with pytest.raises(grpc.RpcError) as error:
        env.backend.agent.CreateTask(create_request(entity, values, new_execution("revoked")), timeout=15)
    # Not INVALID_ARGUMENT (nothing is wrong with the task) and not UNKNOWN (no crash): the
    # backend itself was refused, and the message says what to look at.
    assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED, error.value
    assert "401 Unauthorized" in error.value.details() and "ServiceAccount token" in error.value.details(), error.value.details()
    assert env.backend.process.poll() is None, env.backend.log_tail()
    # A new token, as a rotated ServiceAccount token would be: the backend picks the job up again.
    env.cluster.token_kubeconfig = env.cluster.new_token()
    env.cluster.client_kubeconfig(env.backend.kubeconfig)
    assert env.backend.stop() == 0, env.backend.log_tail()
    env.backend.start()
    assert_succeeded_with_outputs(job)
