"""End to end, with real peers on every side of the backend: flytekit builds the task templates and
inputs, flyteidl's own gRPC client calls the real backend binary the way propeller does, and the
backend drives a real kube-apiserver (scripts/peers/controlplane.py) under the RBAC of the
generated deploy bundle, with only its ServiceAccount's token (tests/python/real_cluster.py). The
API server validates every custom resource against the target's real CRD schema; the target's
simulated controller (ACK or the SageMaker operator, a kube-rs controller against the same API
server) moves each job's status through the status subresource like the real controller.

Each target gets its bundle, controller and backend for the whole module (a module-scoped,
parametrized fixture; the control plane is shared by the session); every test uses its own
execution names, so tests do not see each other's jobs. A job's scenario is its `simulate` tag
(`tags={"simulate": "fail"}` on the task config). Targets and task types come from the lowered
model.

Two tests need what a real API server cannot give and run against the Kubernetes API **test
double** instead (`double_env`): its request counters (polls are answered from the watch cache
with zero API requests) and its precise outage switch (every request answers 503 at once, and a
backend can start during the outage). What the backend guarantees during an API outage, as
asserted in `test_api_outage_test_double`: CreateTask and DeleteTask answer UNAVAILABLE (propeller
retries a failed abort; a failed create costs the task a retry); GetTask of a job whose object is
already in the backend's watch cache keeps answering from that cache with the last known state, so
propeller's polls do not fail; a backend that starts during the outage has nothing cached and
answers GetTask with UNAVAILABLE. Once the API is back, CreateTask succeeds and the cache catches
up with what changed meanwhile. The real outage (kube-apiserver killed and restarted) is in
test_real_faults.py.
"""

import itertools
import json
from contextlib import contextmanager
import time
import uuid

import grpc
import pytest
from flyteidl.admin import agent_pb2
from flyteidl.core.execution_pb2 import TaskExecution
from flytekit import task
from flytekit.types.directory import FlyteDirectory

import flytekitplugins_sagemaker_k8s as sm
from e2e_harness import PLURALS, REGION, TARGETS, TASK_TYPES, Backend, KubeDouble, create_request, delete_request, get_request
from real_cluster import RealCluster

# A status step of the simulated controller, and the poll interval (propeller polls every 30 s;
# the test polls fast so that it sees every phase).
STEP_MS = 60
POLL_S = 0.01
TIMEOUT_S = 30
BEST_OBJECTIVE_VALUE = 0.0421

Phase = TaskExecution.Phase
TERMINAL = {Phase.SUCCEEDED, Phase.FAILED, Phase.ABORTED, Phase.RETRYABLE_FAILED}
# The order phases may appear in; a job never goes back.
ORDER = {Phase.QUEUED: 0, Phase.WAITING_FOR_RESOURCES: 1, Phase.INITIALIZING: 2, Phase.RUNNING: 3,
         Phase.SUCCEEDED: 4, Phase.FAILED: 4, Phase.ABORTED: 4}

TRAIN_URI = "s3://data-bucket/diabetes/train/"
VALIDATION_URI = "s3://data-bucket/diabetes/validation/"
RESOURCES = sm.ResourceConfig(instance_type="ml.m5.xlarge", instance_count=1, volume_size_gb=25)
CHANNELS = [sm.Channel(name="train", content_type="text/csv"), sm.Channel(name="validation", content_type="text/csv")]


def builtin_task(scenario: str):
    return sm.SageMakerBuiltinTrainingTask(
        name=f"e2e_builtin_{scenario.replace('-', '_')}",
        config=sm.BuiltinAlgorithmTrainingJob(
            algorithm_name="xgboost",
            algorithm_version="1.7-1",
            channels=CHANNELS,
            hyperparameters={"num_round": "10", "objective": "binary:logistic"},
            resources=RESOURCES,
            stopping_condition=sm.StoppingCondition(max_runtime_seconds=3600),
            tags={"team": "ml", "simulate": scenario},
        ),
    )


def tuning_task(scenario: str):
    return sm.SageMakerHyperparameterTuningTask(
        name=f"e2e_tuning_{scenario.replace('-', '_')}",
        config=sm.HyperparameterTuningJob(
            algorithm_name="xgboost",
            algorithm_version="1.7-1",
            objective=sm.TuningObjective(objective_type=sm.ObjectiveType.MINIMIZE, metric_name="validation:error"),
            integer_ranges=[sm.IntegerParameterRange(name="max_depth", min_value=3, max_value=10)],
            continuous_ranges=[sm.ContinuousParameterRange(name="eta", min_value=0.1, max_value=0.5)],
            max_number_of_training_jobs=6,
            max_parallel_training_jobs=2,
            channels=CHANNELS,
            hyperparameters={"objective": "binary:logistic", "eval_metric": "error"},
            resources=RESOURCES,
            tags={"simulate": scenario},
        ),
    )


def _custom_config(scenario: str) -> sm.CustomTrainingJob:
    return sm.CustomTrainingJob(channels=[sm.Channel(name="train")], resources=RESOURCES, tags={"simulate": scenario})


# flytekit wants decorated tasks at module level, so one function per scenario used.
@task(task_config=_custom_config("succeed"))
def custom_train_succeed(train: FlyteDirectory, epochs: int = 3) -> float:
    return float(epochs)


@task(task_config=_custom_config("fail"))
def custom_train_fail(train: FlyteDirectory, epochs: int = 3) -> float:
    return float(epochs)


CUSTOM = {"succeed": custom_train_succeed, "fail": custom_train_fail}


def make_task(task_type: str, scenario: str = "succeed"):
    """The flytekit task of `task_type` tagged with `scenario`, and input values for it."""
    directories = {"train": FlyteDirectory(TRAIN_URI), "validation": FlyteDirectory(VALIDATION_URI)}
    static = {"static_hyperparameters": {"subsample": "0.8", "min_child_weight": 2}}
    if task_type == "sagemaker-k8s-builtin-training":
        return builtin_task(scenario), {**directories, **static}
    if task_type == "sagemaker-k8s-custom-training":
        return CUSTOM[scenario], {"train": FlyteDirectory(TRAIN_URI), "epochs": 3}
    return tuning_task(scenario), {**directories, **static}


_executions = itertools.count()


def new_execution(label: str) -> str:
    """A unique execution name per job, so tests never share objects."""
    return f"e2e{next(_executions)}-{label}-{uuid.uuid4().hex[:6]}"[:40].rstrip("-")


class Env:
    """One target's Kubernetes API (`cluster`: a `RealCluster` or the `KubeDouble`) and backend."""

    def __init__(self, target: str, cluster, backend: Backend):
        self.target, self.cluster, self.backend = target, cluster, backend

    def create(self, task_type: str, scenario: str = "succeed", label: str = "", retry_attempt: int = 0):
        entity, values = make_task(task_type, scenario)
        request = create_request(entity, values, new_execution(label or scenario), retry_attempt)
        return Job(self, request, self.backend.agent.CreateTask(request, timeout=10).resource_meta)


class Job:
    """A created task: its request, resource_meta and what GetTask answered so far."""

    def __init__(self, env: Env, request, resource_meta: bytes):
        self.env, self.request, self.resource_meta = env, request, resource_meta
        self.template = request.template
        self.plural = PLURALS[self.template.type]
        self.execution = request.task_execution_metadata.task_execution_id.node_execution_id.execution_id.name
        self.answers = []

    @property
    def name(self) -> str:
        return json.loads(self.resource_meta)["name"]

    def get(self):
        resource = self.env.backend.agent.GetTask(get_request(self.template, self.resource_meta), timeout=10).resource
        if not self.answers or (self.answers[-1].phase, self.answers[-1].message) != (resource.phase, resource.message):
            self.answers.append(resource)
        return resource

    def phases(self) -> list[str]:
        return [Phase.Name(r.phase) for r in self.answers]

    def poll_until(self, done, timeout: float = TIMEOUT_S):
        deadline = time.monotonic() + timeout
        while True:
            resource = self.get()
            if done(resource):
                return resource
            assert time.monotonic() < deadline, (
                f"{self.name}: no match within {timeout} s; phases {self.phases()}, last message {resource.message!r}; "
                f"object status {self.object().get('status') if self.object() else None}"
            )
            time.sleep(POLL_S)

    def run_to_end(self, timeout: float = TIMEOUT_S):
        return self.poll_until(lambda r: r.phase in TERMINAL, timeout)

    def object(self) -> dict | None:
        return self.env.cluster.get(self.plural, self.name)

    def objects_of_execution(self) -> list[dict]:
        return self.env.cluster.list(self.plural, f"flyte.org/execution={self.execution}")


@contextmanager
def serving(target: str, cluster, workdir):
    """An `Env` of the target's backend on `cluster`; stops both afterwards (the backend must exit
    0 on SIGTERM)."""
    try:
        backend = Backend(target, cluster, workdir)
        backend.start()
        env = Env(target, cluster, backend)
        yield env
        code = backend.stop()
        assert code == 0, f"the backend exited with {code} on SIGTERM:\n{backend.log_tail()}"
    finally:
        cluster.stop()


@pytest.fixture(scope="module", params=TARGETS)
def env(request, control_plane, tmp_path_factory):
    """The target's bundle, simulated controller and backend on the real API server."""
    workdir = tmp_path_factory.mktemp(f"e2e-{request.param}")
    with serving(request.param, RealCluster(control_plane, request.param, workdir, step_ms=STEP_MS), workdir) as e:
        yield e


@pytest.fixture(scope="module", params=TARGETS)
def double_env(request, tmp_path_factory):
    """The target on the Kubernetes API test double, for what a real API server cannot give."""
    workdir = tmp_path_factory.mktemp(f"e2e-double-{request.param}")
    with serving(request.param, KubeDouble(request.param, workdir, step_ms=STEP_MS), workdir) as e:
        yield e


@pytest.fixture
def resumed(env):
    """Leaves the simulation running whatever the test did."""
    yield env
    env.cluster.pause_simulation(False)


@pytest.fixture
def resumed_double(double_env):
    """Leaves the double's simulation running and its API available whatever the test did."""
    yield double_env
    double_env.cluster.pause_simulation(False)
    double_env.cluster.set_unavailable(False)


def literal_value(literal):
    scalar = literal.scalar
    if scalar.HasField("blob"):
        return scalar.blob.uri
    primitive = scalar.primitive
    return getattr(primitive, primitive.WhichOneof("value"))


def job_name_of(obj: dict) -> str:
    spec = obj["spec"]
    return spec.get("trainingJobName") or spec["hyperParameterTuningJobName"]


def model_uri(output_path: str, job: str) -> str:
    return f"{output_path.rstrip('/')}/{job}/output/model.tar.gz"


def assert_in_order(job: Job):
    ranks = [ORDER[r.phase] for r in job.answers]
    assert ranks == sorted(ranks), f"phases went back: {job.phases()}"


def assert_log_links(job: Job, resource):
    names = [link.name for link in resource.log_links]
    kind = "Hyperparameter Tuning Job" if job.plural == "hyperparametertuningjobs" else "Training Job"
    assert names == ["CloudWatch Logs", f"SageMaker {kind}"], names
    job_name = job_name_of(job.object())
    for link in resource.log_links:
        assert f"https://{REGION}.console.aws.amazon.com/" in link.uri and job_name in link.uri, link.uri


def test_list_agents_advertises_every_task_type(env):
    agents = env.backend.metadata.ListAgents(agent_pb2.ListAgentsRequest(), timeout=5).agents
    categories = sorted((c.name, c.version) for a in agents for c in a.supported_task_categories)
    assert categories == [(t, 0) for t in sorted(TASK_TYPES)]


def test_calls_answer_without_a_nagle_delay(env):
    """Each call answers in well under a millisecond or two on loopback. A server socket without
    TCP_NODELAY made every call wait ~40 ms for the client's delayed ACK."""
    request = agent_pb2.ListAgentsRequest()
    durations = []
    for _ in range(21):
        start = time.perf_counter()
        env.backend.metadata.ListAgents(request, timeout=5)
        durations.append(time.perf_counter() - start)
    assert sorted(durations)[10] < 0.02, f"median {sorted(durations)[10] * 1000:.1f} ms"


@pytest.mark.parametrize("task_type", TASK_TYPES)
def test_runs_to_success_with_outputs(env, task_type):
    job = env.create(task_type, label="ok")

    # The CR the API server accepted (so it validated against the target's CRD schema).
    [obj] = job.objects_of_execution()
    assert obj["metadata"]["name"] == job.name
    assert obj["apiVersion"] == f"{env.cluster.group}/{env.cluster.version}"

    first = job.get()
    assert first.phase in (Phase.QUEUED, Phase.WAITING_FOR_RESOURCES, Phase.INITIALIZING, Phase.RUNNING), job.phases()
    # Flyte shows log links only from the first phase event: both must be there at once.
    assert_log_links(job, first)

    running = job.poll_until(lambda r: r.phase == Phase.RUNNING or r.phase in TERMINAL)
    assert running.phase == Phase.RUNNING, job.phases()

    done = job.run_to_end()
    assert done.phase == Phase.SUCCEEDED, f"{job.phases()}: {done.message}"
    assert_in_order(job)
    # The phases the status rules give for the controller's steps (QUEUED until its first status,
    # which a fast controller may beat; training shows SageMaker's Starting and Downloading as
    # INITIALIZING, a tuning job has no such secondary status).
    phases = [p for p, _ in itertools.groupby(job.phases()) if p != "QUEUED"]
    tuning = task_type == "sagemaker-k8s-hyperparameter-tuning"
    assert phases == (["RUNNING", "SUCCEEDED"] if tuning else ["INITIALIZING", "RUNNING", "SUCCEEDED"]), job.phases()
    if env.target == "operator":
        # SynchronizingK8sJobWithSageMaker is the operator's first status: QUEUED, with its text.
        assert any(r.phase == Phase.QUEUED and "operator is creating" in r.message for r in job.answers), job.phases()

    obj = job.object()
    spec = obj["spec"]
    outputs = {name: literal_value(lit) for name, lit in done.outputs.literals.items()}
    if task_type == "sagemaker-k8s-custom-training":
        # The container writes its own outputs (outputs.pb); the backend returns none.
        assert not done.HasField("outputs"), done.outputs
    elif task_type == "sagemaker-k8s-builtin-training":
        assert outputs == {"model": model_uri(spec["outputDataConfig"]["s3OutputPath"], job_name_of(obj))}
        if env.target == "ack":
            assert outputs["model"] == obj["status"]["modelArtifacts"]["s3ModelArtifacts"]
    else:
        best = obj["status"]["bestTrainingJob"]["trainingJobName"]
        assert best.startswith(f"{job_name_of(obj)}-002-"), best
        assert outputs == {
            "model": model_uri(spec["trainingJobDefinition"]["outputDataConfig"]["s3OutputPath"], best),
            "best_training_job": best,
            "best_objective_value": pytest.approx(BEST_OBJECTIVE_VALUE),
        }
        if env.target == "operator":
            # The operator's trial TrainingJobs, one of them the best.
            trials = [o["metadata"]["name"] for o in env.cluster.list("trainingjobs") if o["metadata"]["name"].startswith(job_name_of(obj))]
            assert len(trials) == 3 and best in trials, trials


# Per scenario: the final phase and what its message must contain, per task kind.
SCENARIOS = {
    "fail": (Phase.FAILED, {"training": "Training job failed: AlgorithmError: simulated training failure",
                            "tuning": "Tuning job failed: No training job succeeded"}),
    "stop": (Phase.ABORTED, {"training": "Training job was stopped", "tuning": "Tuning job was stopped"}),
    "timeout": (Phase.FAILED, {"training": "Training job timed out (MaxRuntimeExceeded)"}),
    "terminal": (Phase.FAILED, {"ack": "cannot create or sync the {kind} job: ValidationException",
                                "operator": "job failed: Unable to initialize operator"}),
    "reconcile-then-succeed": (Phase.SUCCEEDED, {}),
}


def expected(target: str, scenario: str, kind: str):
    phase, messages = SCENARIOS[scenario]
    if scenario == "timeout" and kind == "tuning":
        # A tuning job stopped at its runtime limit has no secondary status to tell it apart.
        return Phase.ABORTED, "Tuning job was stopped"
    message = messages.get(kind) or messages.get(target, "")
    return phase, message.format(kind=kind)


def test_scenarios_end_in_the_controllers_phase_and_message(env, resumed):
    """Every scenario of the simulated controller, for training and tuning, all jobs at once."""
    # Held while the jobs are created, so that all start together and every phase gets polled.
    env.cluster.pause_simulation(True)
    jobs = []
    for scenario in SCENARIOS:
        for task_type, kind in [("sagemaker-k8s-builtin-training", "training"), ("sagemaker-k8s-hyperparameter-tuning", "tuning")]:
            jobs.append((scenario, kind, env.create(task_type, scenario)))
    jobs.append(("fail", "training", env.create("sagemaker-k8s-custom-training", "fail")))
    env.cluster.pause_simulation(False)
    deadline = time.monotonic() + TIMEOUT_S
    pending = list(jobs)
    while pending:
        pending = [j for j in pending if j[2].get().phase not in TERMINAL]
        assert time.monotonic() < deadline, [(s, k, j.phases()) for s, k, j in pending]
        time.sleep(POLL_S)
    for scenario, kind, job in jobs:
        phase, message = expected(env.target, scenario, kind)
        last = job.answers[-1]
        assert (Phase.Name(last.phase), message in last.message) == (Phase.Name(phase), True), (
            f"{scenario}/{kind}: {job.phases()} {last.message!r}, wanted {Phase.Name(phase)} with {message!r}"
        )
        assert_in_order(job)
        if scenario == "reconcile-then-succeed":
            waiting = [r.message for r in job.answers if r.phase == Phase.WAITING_FOR_RESOURCES]
            assert waiting and "ThrottlingException: Rate exceeded" in waiting[0], job.phases()


@pytest.mark.parametrize("task_type", TASK_TYPES)
def test_abort_deletes_the_object_after_the_controller_stops_the_job(env, task_type):
    job = env.create(task_type, label="abort")
    job.poll_until(lambda r: r.phase == Phase.RUNNING)
    env.backend.agent.DeleteTask(delete_request(job.template, job.resource_meta), timeout=10)

    # The controller's finalizer holds the object while it stops the job, then lets it go.
    seen = []
    deadline = time.monotonic() + TIMEOUT_S
    while (obj := job.object()) is not None:
        assert obj["metadata"].get("deletionTimestamp"), "DeleteTask deleted the object"
        status = obj.get("status", {})
        primary = status.get("trainingJobStatus") or status.get("hyperParameterTuningJobStatus")
        if not seen or seen[-1] != primary:
            seen.append(primary)
        assert time.monotonic() < deadline, f"still there: {seen}"
        time.sleep(POLL_S)
    assert seen[-1] in ("Stopping", "Stopped"), seen
    assert job.objects_of_execution() == []
    if env.target == "operator" and job.plural == "hyperparametertuningjobs":
        assert not [o for o in env.cluster.list("trainingjobs") if o["metadata"]["name"].startswith(job.name[:32])], "trials deleted too"
    # Propeller retries an abort until it succeeds, so a repeat must succeed too.
    env.backend.agent.DeleteTask(delete_request(job.template, job.resource_meta), timeout=10)


def settle():
    """Lets a status write already in flight reach the backend's watch cache (after a pause)."""
    time.sleep(0.3)


def test_backend_restart_mid_run_keeps_the_job(env, resumed):
    job = env.create("sagemaker-k8s-builtin-training", label="restart")
    job.poll_until(lambda r: r.phase == Phase.RUNNING)
    # Held still, so that "continues" means the same answer, not a later one.
    env.cluster.pause_simulation(True)
    settle()
    before = job.get()

    assert env.backend.stop() == 0, env.backend.log_tail()
    env.backend.start()
    after = job.get()
    assert (after.phase, after.message, list(after.log_links)) == (before.phase, before.message, list(before.log_links))

    env.cluster.pause_simulation(False)
    done = job.run_to_end()
    assert done.phase == Phase.SUCCEEDED, job.phases()
    assert len(job.objects_of_execution()) == 1


def test_polls_are_answered_from_the_watch_cache_test_double(double_env):
    """Test double: its request counters show that polls cost no API request once cached."""
    env = double_env
    job = env.create("sagemaker-k8s-builtin-training", label="cached")
    job.poll_until(lambda r: r.phase == Phase.RUNNING)
    gets_before = env.cluster.request_count("get", "object")
    for _ in range(5):
        job.get()
    assert env.cluster.request_count("get", "object") == gets_before
    assert job.run_to_end().phase == Phase.SUCCEEDED, job.phases()


def test_api_outage_test_double(double_env, resumed_double):
    """Test double: its outage switch fails every request at once and keeps failing while a
    backend starts (a real API server killed mid-run is in test_real_faults.py)."""
    env = double_env
    watched = env.create("sagemaker-k8s-builtin-training", label="watched")
    watched.poll_until(lambda r: r.phase == Phase.RUNNING)
    # Held, so the job is still running when the outage starts.
    env.cluster.pause_simulation(True)
    settle()
    entity, values = make_task("sagemaker-k8s-builtin-training")
    request = create_request(entity, values, new_execution("outage"))

    env.cluster.set_unavailable(True)
    with pytest.raises(grpc.RpcError) as error:
        env.backend.agent.CreateTask(request, timeout=10)
    assert error.value.code() == grpc.StatusCode.UNAVAILABLE, error.value
    # A job already in the watch cache is still answered, with its last known state.
    during = watched.get()
    assert during.phase == Phase.RUNNING and len(during.log_links) == 2, watched.phases()
    with pytest.raises(grpc.RpcError) as error:
        env.backend.agent.DeleteTask(delete_request(watched.template, watched.resource_meta), timeout=10)
    assert error.value.code() == grpc.StatusCode.UNAVAILABLE, error.value
    # A backend started during the outage has nothing cached, so its GetTask is UNAVAILABLE too
    # (propeller counts that as a failed poll and tolerates five).
    assert env.backend.stop() == 0, env.backend.log_tail()
    env.backend.start()
    with pytest.raises(grpc.RpcError) as error:
        watched.get()
    assert error.value.code() == grpc.StatusCode.UNAVAILABLE, error.value

    env.cluster.set_unavailable(False)
    env.cluster.pause_simulation(False)
    recovered = Job(env, request, env.backend.agent.CreateTask(request, timeout=10).resource_meta)
    assert recovered.run_to_end().phase == Phase.SUCCEEDED, recovered.phases()
    # The watch came back and the cache caught up with the job that ran on meanwhile.
    assert watched.run_to_end().phase == Phase.SUCCEEDED, watched.phases()
    assert len(recovered.objects_of_execution()) == 1


def test_create_task_twice_makes_one_object(env):
    entity, values = make_task("sagemaker-k8s-hyperparameter-tuning")
    request = create_request(entity, values, new_execution("twice"))
    first = env.backend.agent.CreateTask(request, timeout=10).resource_meta
    second = env.backend.agent.CreateTask(request, timeout=10).resource_meta
    assert first == second
    job = Job(env, request, first)
    assert [o["metadata"]["name"] for o in job.objects_of_execution()] == [job.name]
    # A retry is a new attempt: a new object beside the first.
    retry = create_request(entity, values, job.execution, retry_attempt=1)
    third = env.backend.agent.CreateTask(retry, timeout=10).resource_meta
    assert third != first
    assert len(job.objects_of_execution()) == 2


def test_the_simulated_controller_saw_no_problems(env):
    """Every status it wrote was accepted and kept whole by the API server (nothing pruned) and
    every scenario tag was known (runs last per target)."""
    assert env.cluster.simulation()["errors"] == []


def test_the_test_doubles_simulated_controller_saw_no_problems(double_env):
    assert double_env.cluster.simulation()["errors"] == []
