"""The backend under the generated RBAC, on a real kube-apiserver: every verb of the generated
ClusterRole is needed, and a ClusterRole missing one verb fails the call that uses it.

The end-to-end tests (test_e2e.py) already run the backend with nothing but a token of the
bundle's ServiceAccount, so everything they exercise is granted by the generated ClusterRole. Here,
for each target and each verb of the rendered ClusterRole (read from the bundle, not listed by
hand), the role is server-side applied without that verb, a fresh backend starts with the token,
and the call that needs the verb must fail with the API server's own `forbidden` answer for every
task type of the model. A verb the backend does not use would have no probe here and fails the
test (the ClusterRole must grant nothing else); a verb the role lacks is caught by test_e2e.py.
"""

import copy
import json
import time

import grpc
import pytest

from e2e_harness import NAMESPACE, PLURALS, TARGETS, TASK_TYPES, Backend, create_request, delete_request, get_request
from real_cluster import RealCluster
from test_e2e import STEP_MS, TERMINAL, make_task, new_execution

MANAGED_BY = "app.kubernetes.io/managed-by"
# machinery's RESULT_REPORTED_ANNOTATION (machinery/src/agent.rs).
RESULT_REPORTED = "flyte.org/result-reported-at"


@pytest.fixture(scope="module", params=TARGETS)
def cluster(request, control_plane, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"rbac-{request.param}")
    c = RealCluster(control_plane, request.param, workdir, step_ms=STEP_MS)
    try:
        yield c
    finally:
        # The next user of the control plane gets the role as generated.
        c.apply([c.cluster_role()])
        c.stop()


def role_without(role: dict, verb: str) -> dict:
    reduced = copy.deepcopy(role)
    for rule in reduced["rules"]:
        rule["verbs"] = [v for v in rule["verbs"] if v != verb]
    return reduced


def granted(cluster: RealCluster, verb: str, plural: str) -> bool:
    """Whether RBAC currently lets the ServiceAccount `verb` the plural (a SubjectAccessReview,
    answered by the same authorizer the backend's requests go through)."""
    review = {
        "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
        "spec": {"user": f"system:serviceaccount:{cluster.account_namespace}:{cluster.account}",
                 "groups": ["system:serviceaccounts", f"system:serviceaccounts:{cluster.account_namespace}", "system:authenticated"],
                 "resourceAttributes": {"group": cluster.group, "resource": plural, "verb": verb, "namespace": NAMESPACE}},
    }
    code, answer = cluster.cp.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", review)
    assert code == 201, answer
    return answer["status"]["allowed"]


def forbidden(verb: str, plural: str) -> str:
    """The API server's own text when RBAC denies `verb` (its Status message)."""
    return f'cannot {verb} resource "{plural}"'


def rpc_error(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as error:
        call()
    return error.value


def create(backend: Backend, task_type: str):
    entity, values = make_task(task_type)
    request = create_request(entity, values, new_execution("rbac"))
    return request, backend.agent.CreateTask(request, timeout=10).resource_meta


def denied(error: grpc.RpcError) -> str:
    """The details of a refusal, which must be PERMISSION_DENIED (not a fault of the task)."""
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED, (error.code(), error.details())
    return error.details()


def probe_create(cluster, backend, task_type, plural):
    entity, values = make_task(task_type)
    return denied(rpc_error(lambda: backend.agent.CreateTask(create_request(entity, values, new_execution("rbac")), timeout=10)))


def probe_get(cluster, backend, task_type, plural):
    request, meta = create(backend, task_type)
    name = json.loads(meta)["name"]
    # Without the backend's label the object leaves its watch cache, so GetTask must ask the API.
    path = f"{cluster.collection(plural)}/{name}"
    code, body = cluster.cp.request("PATCH", path, {"metadata": {"labels": {MANAGED_BY: None}}},
                                    content_type="application/merge-patch+json")
    assert code == 200, body
    deadline = time.monotonic() + 10
    while True:
        try:
            backend.agent.GetTask(get_request(request.template, meta), timeout=10)
        except grpc.RpcError as e:
            return denied(e)
        # Still cached: the watch has not delivered the relabelling yet.
        assert time.monotonic() < deadline, "GetTask kept answering from the cache"
        time.sleep(0.05)


def probe_delete(cluster, backend, task_type, plural):
    request, meta = create(backend, task_type)
    return denied(rpc_error(lambda: backend.agent.DeleteTask(delete_request(request.template, meta), timeout=10)))


def probe_patch(cluster, backend, task_type, plural):
    # GetTask records on the object that it reported the terminal phase (the garbage collector
    # waits for that); without the verb the record fails, and the backend says so.
    request, meta = create(backend, task_type)
    deadline = time.monotonic() + 30
    while backend.agent.GetTask(get_request(request.template, meta), timeout=10).resource.phase not in TERMINAL:
        assert time.monotonic() < deadline, "the job never ended"
        time.sleep(0.05)
    log = wait_for_log(backend, forbidden("patch", plural))
    obj = cluster.get(plural, json.loads(meta)["name"])
    assert RESULT_REPORTED not in obj["metadata"].get("annotations", {}), obj["metadata"]
    return log


def wait_for_log(backend: Backend, text: str) -> str:
    deadline = time.monotonic() + 20
    # The log is JSON lines: the API server's message sits in a string with escaped quotes.
    while text not in (log := backend.log.read_text(errors="replace").replace('\\"', '"')):
        assert time.monotonic() < deadline, f"the backend never logged {text!r}:\n{log[-3000:]}"
        time.sleep(0.1)
    return log


def probe_watch_cache(verb):
    def probe(cluster, backend, task_type, plural):
        # The watch-backed cache lists, then watches; without the verb it keeps failing, and says so.
        return wait_for_log(backend, forbidden(verb, plural))
    return probe


PROBES = {
    "create": probe_create,
    "get": probe_get,
    "delete": probe_delete,
    "patch": probe_patch,
    "list": probe_watch_cache("list"),
    "watch": probe_watch_cache("watch"),
}


def test_every_granted_verb_has_a_probe(cluster):
    verbs = {v for rule in cluster.cluster_role()["rules"] for v in rule["verbs"]}
    assert verbs == set(PROBES), "the generated ClusterRole grants verbs this test cannot show the backend needs"


@pytest.mark.parametrize("verb", sorted(PROBES))
def test_a_cluster_role_missing_a_verb_fails_the_call_that_needs_it(cluster, verb, tmp_path):
    role = cluster.cluster_role()
    plurals = {PLURALS[t] for t in TASK_TYPES}
    cluster.apply([role_without(role, verb)])
    deadline = time.monotonic() + 10
    while any(granted(cluster, verb, p) for p in plurals):
        assert time.monotonic() < deadline, "RBAC never dropped the verb"
        time.sleep(0.05)
    backend = Backend(cluster.target, cluster, tmp_path)
    backend.start()
    try:
        for task_type in TASK_TYPES:
            plural = PLURALS[task_type]
            evidence = PROBES[verb](cluster, backend, task_type, plural)
            assert forbidden(verb, plural) in evidence, f"{task_type}: {evidence[-2000:]}"
        assert backend.process.poll() is None, backend.log_tail()
    finally:
        assert backend.stop() == 0, backend.log_tail()
        cluster.apply([role])
    # The role is back as generated for the next verb.
    deadline = time.monotonic() + 10
    while not all(granted(cluster, verb, p) for p in plurals):
        assert time.monotonic() < deadline, "RBAC never restored the verb"
        time.sleep(0.05)
