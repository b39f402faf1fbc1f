"""End to end on the `operator` target with the real controller: the backend binary creates the
custom resource on the real kube-apiserver, the real Amazon SageMaker Operator for Kubernetes
(built from its Go module, running with only its own published RBAC) calls moto's SageMaker API on
loopback, moto's answers come back as the operator's status, and GetTask reads them. DeleteTask
goes through the operator's finalizer.

What SageMaker received is checked field by field against what the task declared. The expected
request is the same task's ACK custom resource, built by the same backend for the `ack` target
(stored by the Kubernetes API test double, which validates it against the real ACK CRD; no ACK
controller runs). The two targets are mapped independently in the proto, and both controllers name
their fields after the SageMaker API's members, so both resources renamed to the API's members
(tests/python/sagemaker_api.py, botocore's model of the pinned boto3) must give what moto saw.
Fields one target cannot carry (the model marks them unsupported there) and the task command,
which the two targets carry differently (the model's CONTAINER_COMMAND context), are compared as
the model says; nothing is listed by hand but what moto itself rewrites (`MOTO_REWRITES`).

What moto does not model, and where those behaviours are tested instead (the simulated operator
in test_e2e.py): every training and tuning job is `Completed` the moment it is created (no
`InProgress`, no secondary-status progression, no failure, no `Stopping`/`Stopped`, so no
StopTrainingJob or StopHyperParameterTuningJob call is ever made; moto does not implement either);
a tuning job runs no training jobs and reports a fixed best training job (`FakeTrainingJobName`,
objective value 1); `AlgorithmSpecification.MetricDefinitions` is replaced by moto's own.
"""

import json
import time

import pytest
from flyteidl.core.execution_pb2 import TaskExecution

from e2e_harness import PLURALS, TASK_TYPES, Backend, KubeDouble, create_request, delete_request, get_request, sagemaker_model, shared_dir
from proto_variant import ProtoVariant
from real_cluster import RealCluster
from sagemaker_api import differences, get_path, member_path, pop_path, received, to_api
from sagemaker_operator import SageMakerOperator
from test_e2e import literal_value, make_task, model_uri, new_execution

Phase = TaskExecution.Phase
TARGET = "operator"
# The target whose resources name the SageMaker request the task declares (see the docstring).
REFERENCE = "ack"
# A namespace of this module's own: the operator watches only it, so it never acts on the jobs
# the simulated controllers of other modules own.
NAMESPACE = "sagemaker-operator-moto"
TIMEOUT_S = 60
# API paths whose value moto replaces with its own in every answer.
MOTO_REWRITES = {"CreateTrainingJob": [["AlgorithmSpecification", "MetricDefinitions"]]}


def resource(task_type: str, target: str) -> dict:
    [found] = [r for t in sagemaker_model()["task_types"] if t["name"] == task_type for r in t["resources"] if r["target"] == target]
    return found


def task_message(task_type: str) -> dict:
    [task] = [t for t in sagemaker_model()["task_types"] if t["name"] == task_type]
    [message] = [m for m in sagemaker_model()["messages"] if m["full_name"] == task["message"]]
    return message


def api_operation(task_type: str) -> str:
    """The SageMaker create call of the task's resource: ACK names its kinds after the API's."""
    return "Create" + resource(task_type, REFERENCE)["kind"]


def spec_path(path: str) -> list[str]:
    parts = path.split(".")
    assert parts[0] == "spec", path
    return parts[1:]


class Stack:
    """The operator target on the real API server with the real operator and moto; the reference
    target's backend on the test double."""

    def __init__(self, control_plane, moto, workdir):
        self.moto = moto
        self.cluster = RealCluster(control_plane, TARGET, workdir, controller=False)
        self.cluster.ensure_namespace(NAMESPACE)
        self.operator = SageMakerOperator(self.cluster, moto, workdir, namespace=NAMESPACE)
        self.backend = Backend(TARGET, self.cluster, workdir)
        self.backend.start()
        reference_dir = workdir / REFERENCE
        reference_dir.mkdir()
        self.reference_double = KubeDouble(REFERENCE, reference_dir)
        self.reference = Backend(REFERENCE, self.reference_double, reference_dir)
        self.reference.start()

    def stop(self):
        for stop in (self.backend.stop, self.reference.stop, self.reference_double.stop, self.operator.stop, self.cluster.stop):
            stop()


@pytest.fixture(scope="module")
def stack(control_plane, moto_sagemaker, tmp_path_factory):
    s = Stack(control_plane, moto_sagemaker, tmp_path_factory.mktemp("operator-moto"))
    try:
        yield s
    finally:
        s.stop()


def request_for(task_type: str, label: str):
    entity, values = make_task(task_type)
    request = create_request(entity, values, new_execution(label))
    request.task_execution_metadata.namespace = NAMESPACE
    return request


TERMINAL = (Phase.SUCCEEDED, Phase.FAILED, Phase.ABORTED, Phase.RETRYABLE_FAILED)


def waiting_for_outputs(answer) -> bool:
    """What the backend answers while a succeeded job's outputs cannot be read (until its
    outputs grace, 10 minutes by default, runs out and the task fails)."""
    return answer.phase == Phase.RUNNING and answer.message.startswith("waiting for outputs:")


def run(stack, request, done=lambda answer: answer.phase in TERMINAL) -> tuple[bytes, list]:
    """CreateTask, then GetTask until `done`; the resource_meta and every distinct answer."""
    meta = stack.backend.agent.CreateTask(request, timeout=10).resource_meta
    answers = []
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        answer = stack.backend.agent.GetTask(get_request(request.template, meta), timeout=10).resource
        if not answers or (answers[-1].phase, answers[-1].message) != (answer.phase, answer.message):
            answers.append(answer)
        if done(answer):
            return meta, answers
        assert time.monotonic() < deadline, [(Phase.Name(a.phase), a.message) for a in answers]
        time.sleep(0.1)


def reference_spec(stack, request) -> dict:
    """The spec of the reference target's resource for the same request."""
    meta = json.loads(stack.reference.agent.CreateTask(request, timeout=10).resource_meta)
    plural = PLURALS[request.template.type]
    return stack.reference_double.get(plural, meta["name"], namespace=NAMESPACE)["spec"]


def command(request_map: dict | None, prefix: str) -> tuple[str, dict]:
    """The task command carried in `prefix`-numbered entries of a map, joined in order, and the
    map without them."""
    request_map = dict(request_map or {})
    keys = sorted((k for k in request_map if k.startswith(prefix)), key=lambda k: int(k[len(prefix):]))
    return "".join(request_map.pop(k) for k in keys), request_map


def expected_and_received(stack, request, name: str) -> tuple[dict, dict]:
    """The request the task declares and the one moto received, both in API member names, with
    what the two targets carry differently taken out and compared on its own."""
    task_type = request.template.type
    operation = api_operation(task_type)
    service = stack.moto.client.meta.service_model
    shape = service.operation_model(operation).input_shape
    expected = to_api(reference_spec(stack, request), shape)

    description = describe(stack, task_type, name)
    got = received(description, shape)
    if "Tags" in shape.members:
        # Tags are not part of a Describe answer; ListTags gives them.
        arn = description[f"{resource(task_type, REFERENCE)['kind']}Arn"]
        got["Tags"] = stack.moto.client.list_tags(ResourceArn=arn)["Tags"]
    for path in MOTO_REWRITES.get(operation, []):
        pop_path(expected, path)
        pop_path(got, path)

    # The task command: one context source, a different place and chunking per target; what
    # SageMaker gets must join to the same command.
    contexts = {t: [c for c in resource(task_type, t)["context"] if c["source"] == "CONTAINER_COMMAND"] for t in (REFERENCE, TARGET)}
    for reference_context, target_context in zip(contexts[REFERENCE], contexts[TARGET]):
        want_path = member_path(spec_path(reference_context["path"]), shape)
        have_path = member_path(spec_path(target_context["path"]), shape)
        want, want_rest = command(get_path(expected, want_path), reference_context["key_prefix"])
        have, have_rest = command(get_path(got, have_path), target_context["key_prefix"])
        assert have == want, f"the task command SageMaker received at {have_path}: {have!r}, declared {want!r}"
        for value, path, rest in ((expected, want_path, want_rest), (got, have_path, have_rest)):
            pop_path(value, path)
            if rest:
                get_path(value, path[:-1])[path[-1]] = rest
    # Fields the operator cannot carry, as the model marks them: not part of what SageMaker gets.
    for field in task_message(task_type)["fields"]:
        placements = field["placements"]
        if placements.get(REFERENCE, {}).get("path") and not placements.get(TARGET, {}).get("path"):
            pop_path(expected, member_path(spec_path(placements[REFERENCE]["path"]), shape))
    return expected, got


def describe(stack, task_type: str, name: str) -> dict:
    """Describe<Kind> of the job `name`, through boto3 against moto."""
    kind = resource(task_type, REFERENCE)["kind"]
    method = "describe" + "".join(f"_{c.lower()}" if c.isupper() else c for c in kind)
    return getattr(stack.moto.client, method)(**{f"{kind}Name": name})


@pytest.mark.parametrize("task_type", TASK_TYPES)
def test_sagemaker_receives_what_the_task_declared_and_the_job_succeeds(stack, task_type):
    request = request_for(task_type, "moto")
    tuning = task_type == "sagemaker-k8s-hyperparameter-tuning"
    meta, answers = run(stack, request, lambda a: a.phase in TERMINAL or (tuning and waiting_for_outputs(a)))
    name = json.loads(meta)["name"]
    obj = stack.cluster.get(PLURALS[task_type], name, namespace=NAMESPACE)
    status = obj["status"]
    sagemaker_name = status.get("sageMakerTrainingJobName") or status.get("sageMakerHyperParameterTuningJobName")
    assert sagemaker_name == (obj["spec"].get("trainingJobName") or obj["spec"].get("hyperParameterTuningJobName"))

    expected, got = expected_and_received(stack, request, sagemaker_name)
    problems = differences(expected, got)
    assert problems == [], "\n".join(problems)

    # The operator's status is moto's answer; the backend's outputs come from it.
    description = describe(stack, task_type, sagemaker_name)
    last = answers[-1]
    outputs = {n: literal_value(lit) for n, lit in last.outputs.literals.items()}
    if tuning:
        best = description["BestTrainingJob"]
        assert status["hyperParameterTuningJobStatus"] == description["HyperParameterTuningJobStatus"] == "Completed"
        assert status["bestTrainingJob"]["trainingJobName"] == best["TrainingJobName"]
        # The operator at this version writes the best objective value as "": it converts
        # SageMaker's number into its string field through encoding/json and drops the error
        # (controllers/sdkutil/spec_sdk_converters.go). The backend then fails the job with an
        # error naming the output (after its outputs grace), rather than inventing a value.
        assert best["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] == 1
        assert status["bestTrainingJob"]["finalHyperParameterTuningJobObjectiveMetric"]["value"] == ""
        assert waiting_for_outputs(last) and "`best_objective_value`" in last.message, (Phase.Name(last.phase), last.message)
        return
    assert last.phase == Phase.SUCCEEDED, (Phase.Name(last.phase), last.message)
    assert status["trainingJobStatus"] == description["TrainingJobStatus"] == "Completed"
    assert status["secondaryStatus"] == description["SecondaryStatus"]
    if task_type == "sagemaker-k8s-custom-training":
        # The container writes its own outputs; the backend returns none.
        assert not last.HasField("outputs")
    else:
        assert outputs == {"model": description["ModelArtifacts"]["S3ModelArtifacts"]}
        assert outputs["model"] == model_uri(description["OutputDataConfig"]["S3OutputPath"], sagemaker_name)


@pytest.mark.parametrize("task_type", TASK_TYPES)
def test_delete_task_goes_through_the_operators_finalizer(stack, task_type):
    request = request_for(task_type, "delete")
    # Until SageMaker's job is over (for a tuning job the backend then waits for its outputs).
    meta, _ = run(stack, request, lambda a: a.phase in TERMINAL or waiting_for_outputs(a))
    name = json.loads(meta)["name"]
    plural = PLURALS[task_type]
    obj = stack.cluster.get(plural, name, namespace=NAMESPACE)
    assert "sagemaker-operator-finalizer" in obj["metadata"]["finalizers"], obj["metadata"]
    status = obj["status"]
    sagemaker_name = status.get("sageMakerTrainingJobName") or status.get("sageMakerHyperParameterTuningJobName")
    stack.backend.agent.DeleteTask(delete_request(request.template, meta), timeout=10)
    deadline = time.monotonic() + TIMEOUT_S
    while (obj := stack.cluster.get(plural, name, namespace=NAMESPACE)) is not None:
        # Held by the finalizer until the operator has looked at the job in SageMaker again.
        assert obj["metadata"].get("deletionTimestamp"), "DeleteTask did not delete the object"
        assert time.monotonic() < deadline, f"the operator kept its finalizer: {obj['metadata']}"
        time.sleep(0.1)
    # The job stays in SageMaker (a finished job is never deleted there).
    assert describe(stack, task_type, sagemaker_name)
    # Propeller retries an abort until it succeeds, so a repeat must succeed too.
    stack.backend.agent.DeleteTask(delete_request(request.template, meta), timeout=10)


# The test-only variant: one path of the operator target changed to another field of the same
# type that the operator's CRD has and the operator passes on to SageMaker (so the CRD schema
# check cannot object), but that means something else to SageMaker: a channel's content type
# (`text/csv`) lands in its record wrapper type.
WRONG_MAPPING = ("sagemaker/sagemaker.proto",
                 '    cr { target: "ack" path: "contentType" }\n    cr { target: "operator" path: "contentType" }',
                 '    cr { target: "ack" path: "contentType" }\n    cr { target: "operator" path: "recordWrapperType" }')


def test_a_wrong_mapping_is_caught_here_and_not_by_the_crd_schema_check(stack, tmp_path):
    variant = ProtoVariant("wrong-content-type")
    variant.replace(*WRONG_MAPPING)
    variant.generate()
    check = variant.crd_schema_check([shared_dir() / "crds" / target for target in (REFERENCE, TARGET)])
    assert check.returncode == 0, f"the CRD schema check caught the variant itself:\n{check.stdout}{check.stderr}"

    wrong = Backend(TARGET, stack.cluster, tmp_path, program=variant.build_backend())
    wrong.start()
    try:
        request = request_for("sagemaker-k8s-builtin-training", "wrong")
        meta = wrong.agent.CreateTask(request, timeout=10).resource_meta
        name = json.loads(meta)["name"]
        deadline = time.monotonic() + TIMEOUT_S
        while (wrong.agent.GetTask(get_request(request.template, meta), timeout=10).resource.phase) != Phase.SUCCEEDED:
            assert time.monotonic() < deadline, "the variant's job did not succeed"
            time.sleep(0.1)
    finally:
        wrong.stop()
    status = stack.cluster.get(PLURALS[request.template.type], name, namespace=NAMESPACE)["status"]
    expected, got = expected_and_received(stack, request, status["sageMakerTrainingJobName"])
    problems = differences(expected, got)
    channels = len(expected["InputDataConfig"])
    assert sorted(problems) == sorted(
        [f"InputDataConfig[{i}].ContentType: SageMaker did not receive 'text/csv'" for i in range(channels)]
        + [f"InputDataConfig[{i}].RecordWrapperType: SageMaker received 'text/csv', which the task did not declare" for i in range(channels)]
    ), problems


def test_the_operator_ran_with_its_own_rbac_and_saw_no_errors(stack):
    """Runs last: the operator's log holds no RBAC refusal and no failed list or watch."""
    assert stack.operator.problems() == []
