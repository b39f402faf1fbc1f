"""The KubeRay example plugin (examples/ray), proven the way a user would meet it.

A flytekit workflow uses the generated SDK with `requests=`/`limits=`, an environment and an image;
flytekit serializes its task; the real backend binary (`kuberay-plugin`, built from the golden
tree) creates the RayJob in a real kube-apiserver that validates it against KubeRay v1.4.0's own
CRD (examples/ray/crds) under the generated bundle's RBAC; the test reads the object back and
checks every place the task's container went.

The KubeRay operator is **simulated by the test itself**: there is no kubelet and no Ray here, so
the test writes each status through the status subresource exactly as KubeRay v1.4.0's RayJob
controller writes it (controllers/ray/rayjob_controller.go: `jobDeploymentStatus` "" ->
Initializing -> Running -> Complete | Failed, with Retrying, Waiting, Suspending and Suspended
between; `jobStatus` PENDING/RUNNING/SUCCEEDED/FAILED/STOPPED from the Ray dashboard; `reason`
SubmissionFailed, AppFailed, DeadlineExceeded; `failed`, `dashboardURL`, `rayClusterStatus`), and
polls GetTask like propeller after each step. The API server rejects or prunes a status that does
not fit the CRD, which the test checks, so the statuses are ones the real CRD accepts.
"""

import datetime
import json
import shlex

import grpc
import pytest
import yaml
from flyteidl.core.execution_pb2 import TaskExecution
from flytekit import Resources, task, workflow

import flytekitplugins_kuberay as ray
from e2e_harness import REPO_ROOT, Backend, binary, create_request, delete_request, poll_phase
from real_cluster import render_overlay

EXAMPLE = REPO_ROOT / "examples" / "ray"
GOLDEN = REPO_ROOT / "generator" / "tests" / "golden" / "ray" / "expected"
PLURAL = "rayjobs"
IMAGE = "ghcr.io/example/ray-task:1.0"
Phase = TaskExecution.Phase


@task(
    task_config=ray.RayJob(
        head=ray.HeadGroup(ray_start_params={"num-cpus": "0"}, node_selector={"pool": "ray-head"}),
        workers=ray.WorkerGroup(replicas=2, max_replicas=4),
        ttl_after_finished=datetime.timedelta(minutes=10),
    ),
    requests=Resources(cpu="2", mem="4Gi"),
    limits=Resources(cpu="4", mem="8Gi", gpu="1"),
    environment={"RAY_MODE": "e2e", "QUOTED": "a b"},
    container_image=IMAGE,
)
def train(epochs: int) -> float:
    return float(epochs)


@workflow
def pipeline(epochs: int = 3) -> float:
    return train(epochs=epochs)


def model() -> dict:
    """The lowered Ray plugin (the task types and target the tests enumerate)."""
    import subprocess

    out = subprocess.run(["cargo", "run", "-q", "-p", "generator", "--", "--proto", str(EXAMPLE / "proto"), "--dump-model"],
                         cwd=REPO_ROOT, check=True, capture_output=True, text=True).stdout
    [plugin] = json.loads(out)["plugins"]
    return plugin


# --- the SDK, without a cluster ---


def test_the_workflow_compiles_and_its_task_carries_the_container():
    from collections import OrderedDict

    from flytekit.configuration import ImageConfig, SerializationSettings
    from flytekit.tools.translator import get_serializable

    assert pipeline(epochs=2) == 2.0, "the workflow runs locally like any flytekit workflow"
    settings = SerializationSettings(image_config=ImageConfig.auto_default_image(), project="p", domain="d", version="v")
    template = get_serializable(OrderedDict(), settings, train).template
    [task_type] = model()["task_types"]
    assert template.type == task_type["name"]
    assert template.container.image == IMAGE
    resources = {(r.name, r.value) for r in template.container.resources.requests}
    assert len(resources) == 2, resources
    assert template.custom["workers"] == {"replicas": 2, "minReplicas": 0, "maxReplicas": 4}


@pytest.mark.parametrize("side", ["requests", "limits"])
def test_the_sdk_rejects_a_resource_that_is_not_a_kubernetes_quantity(side):
    with pytest.raises(ValueError, match=rf"{side}\.cpu: 'two' is not a Kubernetes quantity"):
        task(task_config=ray.RayJob(), **{side: Resources(cpu="two")})(lambda: None)


def test_the_sdk_rejects_a_node_selector_that_is_not_a_label_value():
    with pytest.raises(ValueError, match=r"head\.node_selector\['pool'\]: '-gpu' is not a label value"):
        ray.RayJob(head=ray.HeadGroup(node_selector={"pool": "-gpu"})).validate()


# --- end to end, real kube-apiserver ---


@pytest.fixture(scope="module")
def ray_env(control_plane, tmp_path_factory):
    from real_cluster import RealCluster

    workdir = tmp_path_factory.mktemp("ray")
    [target] = model()["targets"]
    group, version = target["api_version"].split("/")
    crds = [d for d in yaml.safe_load_all((EXAMPLE / "crds" / "ray.io_rayjobs.yaml").read_text()) if d]
    bundle = render_overlay(target["id"], plugin="kuberay", root=GOLDEN)
    cluster = RealCluster(control_plane, target["id"], workdir, controller=False, api=(group, version), crds=crds, bundle=bundle)
    backend = Backend(target["id"], cluster, workdir, program=binary("kuberay-plugin"), plugin_settings="")
    backend.start()
    try:
        yield cluster, backend
    finally:
        backend.stop()
        cluster.stop()


_counter = iter(range(10_000))


def create(env, label: str, entity=train):
    cluster, backend = env
    request = create_request(entity, {"epochs": 3}, execution=f"ray{next(_counter)}-{label}"[:30])
    meta = backend.agent.CreateTask(request).resource_meta
    name = json.loads(meta)["name"]
    return request.template, meta, name


def test_the_task_container_lands_in_the_rayjob(ray_env):
    cluster, backend = ray_env
    template, meta, name = create(ray_env, "lands")
    job = cluster.get(PLURAL, name)
    spec = job["spec"]
    args = list(template.container.args)
    assert spec["entrypoint"] == shlex.join(args) and shlex.split(spec["entrypoint"]) == args
    assert spec["entrypoint"].startswith("pyflyte-execute ")
    assert spec["submissionMode"] == "K8sJobMode"
    assert spec["shutdownAfterJobFinishes"] is True
    assert spec["ttlSecondsAfterFinished"] == 600
    head = spec["rayClusterSpec"]["headGroupSpec"]
    [worker_group] = spec["rayClusterSpec"]["workerGroupSpecs"]
    assert head["rayStartParams"] == {"num-cpus": "0"}
    assert (worker_group["groupName"], worker_group["replicas"], worker_group["minReplicas"], worker_group["maxReplicas"]) == ("workers", 2, 0, 4)
    resources = {"requests": {"cpu": "2", "memory": "4Gi"}, "limits": {"cpu": "4", "memory": "8Gi", "nvidia.com/gpu": "1"}}
    for pod, container_name in [(head["template"], "ray-head"), (worker_group["template"], "ray-worker")]:
        [container] = pod["spec"]["containers"]
        assert container["name"] == container_name
        assert container["image"] == IMAGE
        assert container["resources"] == resources
        env = {e["name"]: e["value"] for e in container["env"]}
        assert env["RAY_MODE"] == "e2e" and env["QUOTED"] == "a b"
        assert pod["spec"]["serviceAccountName"] == "default"
    assert head["template"]["spec"]["nodeSelector"] == {"pool": "ray-head"}
    backend.agent.DeleteTask(delete_request(template, meta))


def test_a_resource_that_is_not_a_quantity_is_rejected_before_anything_is_created(ray_env):
    cluster, backend = ray_env
    request = create_request(train, {"epochs": 1}, execution="ray-badquantity")
    [entry] = [r for r in request.template.container.resources.requests if r.value == "2"]
    entry.value = "two"
    with pytest.raises(grpc.RpcError) as raised:
        backend.agent.CreateTask(request)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "template.container.resources.requests.cpu" in raised.value.details()
    assert "`two` is not a Kubernetes quantity" in raised.value.details()
    assert not [o for o in cluster.list(PLURAL, label_selector="flyte.org/execution=ray-badquantity")]


RUNNING = {"jobDeploymentStatus": "Running", "jobStatus": "RUNNING", "jobId": "job-1",
           "dashboardURL": "ray-head-svc.flytesnacks-development.svc.cluster.local:8265",
           "rayClusterName": "c-1", "rayClusterStatus": {"readyWorkerReplicas": 2, "desiredWorkerReplicas": 2}}

# Each scenario: the statuses KubeRay writes, in order, and the phase propeller must then see.
SCENARIOS = {
    "succeed": [
        ({}, Phase.QUEUED),
        ({"jobDeploymentStatus": "Initializing"}, Phase.INITIALIZING),
        ({"jobDeploymentStatus": "Running", "jobStatus": "PENDING"}, Phase.RUNNING),
        (RUNNING, Phase.RUNNING),
        ({"jobDeploymentStatus": "Complete", "jobStatus": "SUCCEEDED"}, Phase.SUCCEEDED),
    ],
    "application-fails": [
        ({"jobDeploymentStatus": "Initializing"}, Phase.INITIALIZING),
        (RUNNING, Phase.RUNNING),
        ({"jobDeploymentStatus": "Failed", "jobStatus": "FAILED", "reason": "AppFailed", "message": "Traceback: ZeroDivisionError"}, Phase.FAILED),
    ],
    "submission-fails": [
        ({"jobDeploymentStatus": "Initializing"}, Phase.INITIALIZING),
        ({"jobDeploymentStatus": "Failed", "reason": "SubmissionFailed",
          "message": "Job submission has failed. Reason: BackoffLimitExceeded. Message: Job has reached the specified backoff limit"},
         Phase.RETRYABLE_FAILED),
    ],
    "deadline-exceeded": [
        (RUNNING, Phase.RUNNING),
        ({"jobDeploymentStatus": "Failed", "reason": "DeadlineExceeded", "message": "The RayJob has passed the activeDeadlineSeconds."}, Phase.FAILED),
    ],
    "stopped": [
        (RUNNING, Phase.RUNNING),
        ({"jobDeploymentStatus": "Complete", "jobStatus": "STOPPED"}, Phase.FAILED),
    ],
    "retried-then-succeeds": [
        (RUNNING, Phase.RUNNING),
        ({"jobDeploymentStatus": "Retrying", "jobStatus": "FAILED", "failed": 1}, Phase.RUNNING),
        ({"jobDeploymentStatus": "", "jobStatus": "", "reason": ""}, Phase.QUEUED),
        ({"jobDeploymentStatus": "Initializing"}, Phase.INITIALIZING),
        ({"jobDeploymentStatus": "Complete", "jobStatus": "SUCCEEDED", "succeeded": 1}, Phase.SUCCEEDED),
    ],
    "suspended": [
        ({"jobDeploymentStatus": "Suspending"}, Phase.QUEUED),
        ({"jobDeploymentStatus": "Suspended"}, Phase.QUEUED),
        ({"jobDeploymentStatus": "Initializing"}, Phase.INITIALIZING),
    ],
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_status_as_kuberay_writes_it(ray_env, scenario):
    cluster, backend = ray_env
    template, meta, name = create(ray_env, scenario)
    resource = None
    for status, phase in SCENARIOS[scenario]:
        if status:
            written = cluster.patch_status(PLURAL, name, status)["status"]
            # The CRD keeps what KubeRay writes: nothing was pruned.
            assert {k: v for k, v in written.items() if k in status} == status, written
        resource = poll_phase(backend, template, meta, phase, after=resource)
        assert resource.message, f"{scenario}: {Phase.Name(phase)} without a message"
        assert "()" not in resource.message and " )" not in resource.message, resource.message
        if status.get("dashboardURL"):
            # The "Ray job" link needs the deployment's dashboardBaseUrl setting, unset here.
            assert [(link.name, link.uri) for link in resource.log_links] == [("Ray dashboard", f"http://{status['dashboardURL']}")]
    final = SCENARIOS[scenario][-1][0]
    if final.get("message"):
        assert final["message"] in resource.message
    if final.get("reason"):
        assert final["reason"] in resource.message
    backend.agent.DeleteTask(delete_request(template, meta))
    assert cluster.get(PLURAL, name) is None


def test_a_running_job_reports_its_workers_even_before_the_cluster_status(ray_env):
    cluster, backend = ray_env
    template, meta, name = create(ray_env, "fallback")
    cluster.patch_status(PLURAL, name, {"jobDeploymentStatus": "Running"})
    resource = poll_phase(backend, template, meta, Phase.RUNNING)
    # Flyte drops RUNNING messages from events, but the backend's own message must still read well.
    assert resource.message == "Ray job PENDING (0 of 0 workers ready)"
    backend.agent.DeleteTask(delete_request(template, meta))


def test_the_bundle_grants_only_rayjobs(ray_env):
    cluster, _ = ray_env
    rules = cluster.cluster_role()["rules"]
    assert [(r["apiGroups"], r["resources"]) for r in rules] == [(["ray.io"], ["rayjobs"])]


def test_execution_labels_reach_the_pods(ray_env):
    cluster, backend = ray_env
    request = create_request(train, {"epochs": 3}, execution="ray-labels")
    request.task_execution_metadata.labels["team"] = "ml-platform"
    meta = backend.agent.CreateTask(request).resource_meta
    job = cluster.get(PLURAL, json.loads(meta)["name"])
    assert job["metadata"]["labels"]["flyte.org/task-type"] == request.template.type
    head = job["spec"]["rayClusterSpec"]["headGroupSpec"]["template"]
    [workers] = job["spec"]["rayClusterSpec"]["workerGroupSpecs"]
    assert head["metadata"]["labels"] == {"team": "ml-platform"}
    assert workers["template"]["metadata"]["labels"] == {"team": "ml-platform"}
    backend.agent.DeleteTask(delete_request(request.template, meta))
