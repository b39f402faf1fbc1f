"""Real flytepropeller drives the backend end to end, for every target of the model.

The stack, all on loopback: the session's real etcd and kube-apiserver (scripts/peers/
controlplane.py); per target, its real CRDs, the generated bundle server-side applied, the
backend with only its ServiceAccount token, and the simulated controller writing status through
the status subresource (tests/python/real_cluster.py); and flytepropeller, built from its Go
module and running standalone (no flyteadmin), configured from the generated `propeller/` files
with only the connector's endpoint pointed at the backend (tests/python/propeller_harness.py).

A workflow is serialized by flytekit, compiled and created as a FlyteWorkflow by `kubectl-flyte
create` (propeller's own compiler), and executed by propeller, which calls the backend over gRPC
exactly as in a cluster: ListAgents, CreateTask, GetTask every 5 s, DeleteTask on abort. The
outputs are read back from propeller's blob store and compared with what the model's output rules
give for the custom resources the simulated controller finished.

There is no kubelet, so the workflows hold only the plugin's task types (every node is a SageMaker
job; no Flyte task pod runs): the example is `xgboost_on_s3` of
examples/workflows/sagemaker_demo/s3_data.py. The demo `xgboost_tuning_demo` also has two Python
tasks, which would need a pod.
"""

import dataclasses
import json
import re
import sys
import time
import urllib.request
import uuid

import pytest
from flyteidl.core import literals_pb2
from flytekit import workflow
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile

import flytekitplugins_sagemaker_k8s as sm
from e2e_harness import REPO_ROOT, TARGETS, Backend, sagemaker_model
from propeller_harness import TERMINAL_PHASES, WORKFLOW_PHASES, Propeller, literal_map, workflow_closure
from real_cluster import ConnectionCutter, RealCluster

sys.path.insert(0, str(REPO_ROOT / "examples" / "workflows"))
from sagemaker_demo import s3_data  # noqa: E402

# A status step of the simulated controller: slow enough that a test sees a training job in
# progress and holds it there (pausing the controller) before it ends.
STEP_MS = 400
TRAIN_URI = "s3://data-bucket/diabetes/train/"
VALIDATION_URI = "s3://data-bucket/diabetes/validation/"
WORKFLOW_TIMEOUT_S = 60
# The generated task type of each SDK task class, and its resources per target, from the model.
TASK_TYPES = {t["python_class"]: t for t in sagemaker_model()["task_types"]}


def phase_of(wf: dict) -> str:
    return WORKFLOW_PHASES[wf.get("status", {}).get("phase", 0)]


def lookup(obj: dict, path: str):
    for key in path.split("."):
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def render(template: str, obj: dict) -> str:
    """A model template (`{status.x}/{spec.y}`) filled from the object, one slash between parts."""
    text = re.sub(r"\{([^{}]+)\}", lambda m: str(lookup(obj, m.group(1))), template)
    return re.sub(r"(?<!:)/{2,}", "/", text)


class Stack:
    """One target: its cluster side, the backend (reaching the API through `cluster.cutter`) and
    propeller."""

    def __init__(self, target: str, cluster: RealCluster, backend: Backend, propeller: Propeller):
        self.target, self.cluster, self.backend, self.propeller = target, cluster, backend, propeller
        self.namespace = propeller.namespace

    def resource(self, task_type: dict) -> dict:
        [found] = [r for r in task_type["resources"] if r["target"] == self.target]
        return found

    # --- the SageMaker custom resources the backend created ---

    def jobs(self, execution: str, plural: str) -> list[dict]:
        return self.cluster.list(plural, f"flyte.org/execution={execution}", namespace=self.namespace)

    def wait_for_job(self, execution: str, task_type: dict, done=lambda job: True, what: str = "created",
                     timeout: float = 30) -> dict:
        """The one job of `task_type` the backend created for `execution`, once `done(job)`;
        fails at once with the workflow's error if the workflow ends first."""
        plural = self.resource(task_type)["plural"]
        deadline = time.monotonic() + timeout
        next_workflow_check = time.monotonic() + 1
        while True:
            # One API request per round (no subprocess): a job's state may last only a few steps.
            items = self.jobs(execution, plural)
            if items and done(items[0]):
                [item] = items
                return item
            if time.monotonic() > next_workflow_check:
                wf = self.propeller.workflow(execution)
                assert wf is None or phase_of(wf) not in TERMINAL_PHASES, (
                    f"{execution} ended {phase_of(wf)} before its {plural} was {what}: {wf['status'].get('error')}")
                next_workflow_check = time.monotonic() + 1
            assert time.monotonic() < deadline, (
                f"{plural} of {execution} not {what} within {timeout} s: {items}\n"
                f"backend log:\n{self.backend.log_tail()}\npropeller log:\n{self.propeller.log_tail()}")
            time.sleep(0.02)

    def job_phase(self, job: dict) -> str:
        """The Flyte phase the model's status rules give for the job's status (status-value rules;
        a condition rule never matches here, so a job in an ACK error condition reads as UNKNOWN)."""
        task_type = TASK_TYPES_BY_NAME[job["metadata"]["labels"]["flyte.org/task-type"]]
        status = self.resource(task_type)["status"]
        value = lookup(job, status["phase_path"]) or ""
        for rule in status["rules"]:
            matcher = rule["matcher"]
            if matcher["kind"] != "status" or value not in matcher["values"]:
                continue
            if matcher["secondary"] is None or lookup(job, matcher["secondary"][0]) in matcher["secondary"][1]:
                return rule["phase"]
        return "UNKNOWN"

    # --- what the backend and propeller report ---

    def agent_requests(self, rpc: str, failed: bool = False) -> int:
        """Calls of `rpc` the backend answered (only those answered with an error if `failed`),
        from its Prometheus metrics."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"http://127.0.0.1:{self.backend.metrics_port}/metrics", timeout=5) as response:
            text = response.read().decode()
        total = 0
        for line in text.splitlines():
            if line.startswith("flyte_agent_requests_total{") and f'rpc="{rpc}"' in line:
                if not failed or 'code="Ok"' not in line:
                    total += int(float(line.rsplit(" ", 1)[1]))
        return total

    def events(self, execution: str, kind: str) -> list[str]:
        """Phases of propeller's `kind` events (WF, NODE, TASK) for `execution`, in order."""
        return [line.rsplit("Phase: ", 1)[1].split(",", 1)[0] for line in self.propeller.events_of(execution)
                if line.startswith(f"[--{kind} EVENT--]")]


TASK_TYPES_BY_NAME = {t["name"]: t for t in TASK_TYPES.values()}


@pytest.fixture(scope="module", params=TARGETS)
def stack(request, control_plane, tmp_path_factory):
    target = request.param
    workdir = tmp_path_factory.mktemp(f"propeller-{target}")
    cluster = RealCluster(control_plane, target, workdir, step_ms=STEP_MS)
    # Each target's executions live apart, so that no propeller ever sees the other's.
    namespace = f"flytesnacks-propeller-{target}"
    cluster.ensure_namespace(namespace)
    # The backend alone reaches the API through the cutter: the outage test cuts it off while
    # propeller, kubectl and the simulated controller keep the real API server.
    cluster.cutter = ConnectionCutter(control_plane.port)
    backend = Backend(target, cluster, workdir)
    propeller = Propeller(workdir, control_plane.kubeconfig, backend.port, namespace)
    try:
        backend.start()
        propeller.start()
        yield Stack(target, cluster, backend, propeller)
        assert cluster.simulation()["errors"] == [], "the simulated controller reported problems"
    finally:
        propeller_ran = propeller.stop()
        backend_code = backend.stop()
        cluster.cutter.close()
        cluster.stop()
    assert backend_code == 0, f"the backend exited with {backend_code}:\n{backend.log_tail()}"
    assert propeller_ran, f"flytepropeller stopped before the end:\n{propeller.log_tail()}"


@pytest.fixture
def resumed(stack):
    """Leaves the simulated controller running whatever the test did."""
    yield stack
    stack.cluster.pause_simulation(False)


def launch(stack: Stack, wf, label: str) -> str:
    """Creates an execution of `wf` on the test's S3 channels; returns its name."""
    execution = f"p{uuid.uuid4().hex[:6]}-{label}"
    inputs = literal_map(wf, {"train": FlyteDirectory(TRAIN_URI), "validation": FlyteDirectory(VALIDATION_URI)})
    stack.propeller.create_workflow(workflow_closure(wf), inputs, execution)
    return execution


def literal_value(literal: literals_pb2.Literal):
    scalar = literal.scalar
    if scalar.HasField("blob"):
        return scalar.blob.uri
    primitive = scalar.primitive
    return getattr(primitive, primitive.WhichOneof("value"))


def expected_outputs(stack: Stack, task_type: dict, job: dict) -> dict:
    """What the model's output rules give for the finished job, typed as the task declares."""
    parse = {"INTEGER": int, "FLOAT": float}
    declared = {o["name"]: parse.get(o["ty"].get("simple"), str) for o in task_type["outputs"]}
    return {rule["output"]: declared[rule["output"]](render(rule["value"], job)) for rule in stack.resource(task_type)["outputs"]}


def test_example_workflow_succeeds_with_its_declared_outputs(stack):
    wf = s3_data.xgboost_on_s3
    execution = launch(stack, wf, "example")
    final = stack.propeller.wait_terminal(execution, WORKFLOW_TIMEOUT_S)
    assert phase_of(final) == "Success", json.dumps(final["status"])[:3000]

    outputs = stack.propeller.read_literal_map(final["status"]["outputRef"])
    assert set(outputs.literals) == set(wf.python_interface.outputs), "every declared output, and only those"
    # Each workflow output is bound to an output of one node; that node's job says its value.
    template = workflow_closure(wf).workflow
    node_tasks = {n.id: n.task_node.reference_id.name for n in template.nodes}
    tasks = {t.name: t for t in (s3_data.xgboost_baseline, s3_data.xgboost_search)}
    for binding in template.outputs:
        promise = binding.binding.promise
        task_type = TASK_TYPES[type(tasks[node_tasks[promise.node_id]]).__name__]
        [job] = stack.cluster.list(stack.resource(task_type)["plural"], f"flyte.org/execution={execution},flyte.org/node={promise.node_id}",
                                   namespace=stack.namespace)
        # The workflow's inputs reached the job.
        assert TRAIN_URI in json.dumps(job["spec"]) and VALIDATION_URI in json.dumps(job["spec"])
        expected = expected_outputs(stack, task_type, job)[promise.var]
        assert literal_value(outputs.literals[binding.var]) == expected, binding.var
    assert stack.events(execution, "WF")[-1] == "SUCCEEDED"


def training_job(scenario: str) -> sm.BuiltinAlgorithmTrainingJob:
    """The example's baseline training, tagged with the simulated controller's scenario."""
    return dataclasses.replace(s3_data.xgboost_baseline.task_config, tags={"simulate": scenario})


# One node each; flytekit wants tasks and workflows at module level.
train_xgboost = sm.SageMakerBuiltinTrainingTask(name="propeller_train_xgboost", config=training_job("succeed"))
train_xgboost_fails = sm.SageMakerBuiltinTrainingTask(name="propeller_train_xgboost_fails", config=training_job("fail"))
TRAINING = TASK_TYPES[type(train_xgboost).__name__]


@workflow
def one_training(train: FlyteDirectory, validation: FlyteDirectory) -> FlyteFile:
    return train_xgboost(train=train, validation=validation)


@workflow
def one_failing_training(train: FlyteDirectory, validation: FlyteDirectory) -> FlyteFile:
    return train_xgboost_fails(train=train, validation=validation)


IN_FLIGHT = {"INITIALIZING", "RUNNING"}


def hold_in_flight(stack: Stack, execution: str) -> dict:
    """The training job of `execution` held in progress (the controller paused at its first
    InProgress step, which leaves five more before any end), once propeller has seen it in
    progress through GetTask."""
    job = stack.wait_for_job(execution, TRAINING, lambda j: stack.job_phase(j) in IN_FLIGHT, "in progress")
    stack.cluster.pause_simulation(True)
    stack.propeller.wait_for(execution, lambda wf: IN_FLIGHT & set(stack.events(execution, "TASK")), "seen in progress")
    return job


def single_output(stack: Stack, wf: dict):
    [(_, literal)] = stack.propeller.read_literal_map(wf["status"]["outputRef"]).literals.items()
    return literal_value(literal)


def failure_message(stack: Stack, task_type: dict, job: dict) -> str:
    """The message the model's status rules give for the job's final status."""
    status = stack.resource(task_type)["status"]
    value = lookup(job, status["phase_path"])
    [rule, *_] = [r for r in status["rules"] if r["matcher"]["kind"] == "status" and value in r["matcher"]["values"]
                  and r["matcher"]["secondary"] is None]
    assert rule["phase"] == "PERMANENT_FAILURE", rule
    return render(rule["message"], job)


def test_failed_job_fails_the_workflow_with_the_controllers_message(stack):
    execution = launch(stack, one_failing_training, "fail")
    final = stack.propeller.wait_terminal(execution, WORKFLOW_TIMEOUT_S)
    assert phase_of(final) == "Failed", json.dumps(final["status"])[:3000]
    [job] = stack.jobs(execution, stack.resource(TRAINING)["plural"])
    message = failure_message(stack, TRAINING, job)
    assert "simulated training failure" in message, message
    assert message in final["status"]["error"]["message"], json.dumps(final["status"])[:3000]
    assert stack.events(execution, "WF")[-1] == "FAILED"


def test_abort_deletes_the_job_through_delete_task(resumed):
    stack = resumed
    execution = launch(stack, one_training, "abort")
    job = hold_in_flight(stack, execution)
    deletes = stack.agent_requests("DeleteTask")
    # flyteadmin aborts an execution by deleting its FlyteWorkflow; propeller's finalizer keeps
    # the object until every running node is aborted.
    stack.propeller.delete_workflow(execution)
    stack.propeller.wait_for(execution, lambda wf: wf is None, "gone (aborted, finalizer dropped)")
    assert stack.agent_requests("DeleteTask") == deletes + 1, "propeller aborted the task through DeleteTask"
    assert stack.events(execution, "TASK")[-1] == "ABORTED"
    assert stack.events(execution, "WF")[-1] == "ABORTED"
    # The controller's finalizer stops the job before the object goes.
    deleting = stack.cluster.get(stack.resource(TRAINING)["plural"], job["metadata"]["name"], namespace=stack.namespace)
    assert deleting is not None and "deletionTimestamp" in deleting["metadata"], deleting
    stack.cluster.pause_simulation(False)
    deadline = time.monotonic() + 30
    while stack.jobs(execution, stack.resource(TRAINING)["plural"]):
        assert time.monotonic() < deadline, "the controller did not release the deleted job"
        time.sleep(0.1)


def test_backend_restart_mid_run_still_succeeds(resumed):
    stack = resumed
    execution = launch(stack, one_training, "restart")
    hold_in_flight(stack, execution)
    assert stack.backend.stop() == 0, stack.backend.log_tail()
    # The job finishes while the backend is away; the new process learns it from the API.
    stack.cluster.pause_simulation(False)
    job = stack.wait_for_job(execution, TRAINING, lambda j: stack.job_phase(j) == "SUCCEEDED", "SUCCEEDED")
    stack.backend.start()
    final = stack.propeller.wait_terminal(execution, WORKFLOW_TIMEOUT_S)
    assert phase_of(final) == "Success", json.dumps(final["status"])[:3000]
    assert single_output(stack, final) == expected_outputs(stack, TRAINING, job)["model"]


def test_api_outage_during_create_task_does_not_fail_the_task(stack):
    """The backend loses the API server while propeller's CreateTask is in flight and gets it back
    well within propeller's deadline (10 s, the generated `defaultTimeout`): the backend's retries
    carry the call over, as they must, since propeller spends a task retry (flytekit's default:
    none) on any CreateTask error."""
    failed_creates = stack.agent_requests("CreateTask", failed=True)
    stack.cluster.cutter.cut()
    try:
        execution = launch(stack, one_training, "outage")
        # Propeller records Running, then calls CreateTask in its very next round.
        stack.propeller.wait_for(execution, lambda wf: wf is not None and phase_of(wf) != "Ready", "picked up")
        refused = stack.cluster.cutter.refused_connections()
        stack.propeller.wait_for(execution, lambda wf: stack.cluster.cutter.refused_connections() >= refused + 2,
                                 "refused by the cut link twice while CreateTask runs")
    finally:
        stack.cluster.cutter.restore()
    final = stack.propeller.wait_terminal(execution, WORKFLOW_TIMEOUT_S)
    assert phase_of(final) == "Success", json.dumps(final["status"])[:3000]
    [job] = stack.jobs(execution, stack.resource(TRAINING)["plural"])
    assert job["metadata"]["labels"]["flyte.org/attempt"] == "0", "created by the task's first and only attempt"
    assert single_output(stack, final) == expected_outputs(stack, TRAINING, job)["model"]
    assert stack.agent_requests("CreateTask", failed=True) == failed_creates, "no CreateTask answered an error"
