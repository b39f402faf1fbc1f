"""The Spark example plugin (examples/spark), proven the way a user would meet it.

A flytekit workflow uses the generated SDK with `requests=`/`limits=`, an environment and an image;
flytekit serializes its task; the real backend binary (`spark-on-k8s-plugin`, built from the
golden tree) creates the SparkApplication in a real kube-apiserver that validates it against
spark-operator v2.4.0's own CRD (examples/spark/crds) under the generated bundle's RBAC; the test
reads the object back and checks every place the task's container went.

The Spark operator is **simulated by the test itself**: there is no kubelet and no Spark here, so
the test writes each status through the status subresource exactly as spark-operator v2.4.0's
SparkApplication controller writes it (internal/controller/sparkapplication/controller.go:
`applicationState.state` "" -> SUBMITTED -> RUNNING -> SUCCEEDING -> COMPLETED, or FAILING ->
FAILED, SUBMISSION_FAILED -> FAILED under restart policy Never with the submission's
`errorMessage` kept, UNKNOWN for a driver pod in an unknown phase, INVALIDATING -> PENDING_RERUN
after a spec change, SUSPENDING/SUSPENDED/RESUMING for spec.suspend; `errorMessage` texts as the
controller formats them; `driverInfo`, `sparkApplicationId`, the attempt counters), and polls
GetTask like propeller after each step. The API server rejects or prunes a status that does not
fit the CRD, which the test checks, so the statuses are ones the real CRD accepts.
"""

import json

import grpc
import pytest
import yaml
from flyteidl.core.execution_pb2 import TaskExecution
from flytekit import Resources, task, workflow

import flytekitplugins_spark_on_k8s as spark
from e2e_harness import REPO_ROOT, Backend, binary, create_request, delete_request, poll_phase
from real_cluster import render_overlay

EXAMPLE = REPO_ROOT / "examples" / "spark"
GOLDEN = REPO_ROOT / "generator" / "tests" / "golden" / "spark" / "expected"
PLURAL = "sparkapplications"
IMAGE = "ghcr.io/example/spark-task:1.0"
# The deployment's history server, a setting the plugin declares in its proto (`settings:` of the
# backend's config file); the trailing slash joins the link's path with one slash.
HISTORY = "https://spark-history.example.com/"
Phase = TaskExecution.Phase


@task(
    task_config=spark.Spark(
        spark_conf={"spark.sql.shuffle.partitions": "64"},
        hadoop_conf={"fs.s3a.fast.upload": "true"},
        executor=spark.Executors(instances=3, cores=2, node_selector={"pool": "spark"}),
    ),
    requests=Resources(cpu="2", mem="4Gi"),
    limits=Resources(cpu="4", mem="8Gi"),
    environment={"SPARK_MODE": "e2e", "QUOTED": "a b"},
    container_image=IMAGE,
)
def count(rows: int) -> int:
    return rows


@task(
    task_config=spark.Spark(driver=spark.Driver(memory="2g")),
    limits=Resources(cpu="3", mem="6Gi"),
    container_image=IMAGE,
)
def limits_only(rows: int) -> int:
    return rows


@workflow
def pipeline(rows: int = 3) -> int:
    return count(rows=rows)


def model() -> dict:
    """The lowered Spark plugin (the task types and target the tests enumerate)."""
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

    assert pipeline(rows=2) == 2, "the workflow runs locally like any flytekit workflow"
    settings = SerializationSettings(image_config=ImageConfig.auto_default_image(), project="p", domain="d", version="v")
    template = get_serializable(OrderedDict(), settings, count).template
    [task_type] = model()["task_types"]
    assert template.type == task_type["name"]
    assert template.container.image == IMAGE
    assert {(r.name, r.value) for r in template.container.resources.limits} == {(1, "4"), (3, "8Gi")}
    assert template.custom["executor"] == {"instances": 3, "cores": 2, "nodeSelector": {"pool": "spark"}}
    assert template.custom["sparkConf"] == {"spark.sql.shuffle.partitions": "64"}


def test_the_sdk_rejects_memory_in_kubernetes_notation():
    # Spark reads `4Gi` as no size at all; the driver would never start.
    with pytest.raises(ValueError, match=r"driver\.memory"):
        spark.Spark(driver=spark.Driver(memory="4Gi")).validate()


def test_the_sdk_rejects_an_application_file_that_is_not_python():
    with pytest.raises(ValueError, match=r"application_file"):
        spark.Spark(application_file="local:///opt/app.jar").validate()


@pytest.mark.parametrize("side", ["requests", "limits"])
def test_the_sdk_rejects_a_resource_that_is_not_a_kubernetes_quantity(side):
    with pytest.raises(ValueError, match=rf"{side}\.mem: '4GB' is not a Kubernetes quantity"):
        task(task_config=spark.Spark(), **{side: Resources(mem="4GB")})(lambda: None)


# --- end to end, real kube-apiserver ---


@pytest.fixture(scope="module")
def spark_env(control_plane, tmp_path_factory):
    from real_cluster import RealCluster

    workdir = tmp_path_factory.mktemp("spark")
    [target] = model()["targets"]
    group, version = target["api_version"].split("/")
    crds = [d for d in yaml.safe_load_all((EXAMPLE / "crds" / "sparkoperator.k8s.io_sparkapplications.yaml").read_text()) if d]
    bundle = render_overlay(target["id"], plugin="spark-on-k8s", root=GOLDEN)
    cluster = RealCluster(control_plane, target["id"], workdir, controller=False, api=(group, version), crds=crds, bundle=bundle)
    backend = Backend(target["id"], cluster, workdir, program=binary("spark-on-k8s-plugin"),
                      plugin_settings=f"settings:\n  sparkHistoryServerUrl: {HISTORY}\n")
    backend.start()
    try:
        yield cluster, backend
    finally:
        backend.stop()
        cluster.stop()


_counter = iter(range(10_000))


def create(env, label: str, entity=count):
    cluster, backend = env
    request = create_request(entity, {"rows": 3}, execution=f"spark{next(_counter)}-{label}"[:30])
    meta = backend.agent.CreateTask(request).resource_meta
    name = json.loads(meta)["name"]
    return request.template, meta, name


def test_the_task_container_lands_in_the_sparkapplication(spark_env):
    cluster, backend = spark_env
    template, meta, name = create(spark_env, "lands")
    spec = cluster.get(PLURAL, name)["spec"]
    # The task's command is the application's argument list; flytekit's entrypoint runs it.
    assert spec["arguments"] == list(template.container.command) + list(template.container.args)
    assert spec["arguments"][0] == "pyflyte-execute"
    assert spec["mainApplicationFile"] == "local:///usr/local/bin/entrypoint.py"
    assert (spec["type"], spec["mode"], spec["restartPolicy"], spec["sparkVersion"]) == ("Python", "cluster", {"type": "Never"}, "4.0.0")
    assert spec["image"] == IMAGE
    assert spec["sparkConf"] == {"spark.sql.shuffle.partitions": "64"}
    assert spec["hadoopConf"] == {"fs.s3a.fast.upload": "true"}
    driver, executor = spec["driver"], spec["executor"]
    assert (executor["instances"], executor["cores"], driver["cores"]) == (3, 2, 1)
    for pod in (driver, executor):
        # CPU as Kubernetes quantities; the memory request as the JVM's size (Spark adds its
        # overhead for the pod); the memory limit is Spark's to set.
        assert (pod["coreRequest"], pod["coreLimit"], pod["memory"]) == ("2", "4", "4096m")
        assert "memoryLimit" not in pod
        env = {e["name"]: e["value"] for e in pod["env"]}
        assert env["SPARK_MODE"] == "e2e" and env["QUOTED"] == "a b"
        assert pod["serviceAccount"] == "default"
    assert executor["nodeSelector"] == {"pool": "spark"} and "nodeSelector" not in driver
    backend.agent.DeleteTask(delete_request(template, meta))


def test_a_limit_stands_for_an_unset_request_and_the_payload_memory_wins(spark_env):
    cluster, backend = spark_env
    template, meta, name = create(spark_env, "limits", entity=limits_only)
    spec = cluster.get(PLURAL, name)["spec"]
    assert (spec["driver"]["coreRequest"], spec["driver"]["coreLimit"], spec["driver"]["memory"]) == ("3", "3", "2g")
    assert (spec["executor"]["coreRequest"], spec["executor"]["memory"], spec["executor"]["instances"]) == ("3", "6144m", 1)
    backend.agent.DeleteTask(delete_request(template, meta))


def test_a_resource_that_is_not_a_quantity_is_rejected_before_anything_is_created(spark_env):
    cluster, backend = spark_env
    request = create_request(count, {"rows": 1}, execution="spark-badquantity")
    [entry] = [r for r in request.template.container.resources.requests if r.value == "4Gi"]
    entry.value = "4GB"
    with pytest.raises(grpc.RpcError) as raised:
        backend.agent.CreateTask(request)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "template.container.resources.requests.memory" in raised.value.details()
    assert "`4GB` is not a Kubernetes quantity" in raised.value.details()
    assert not [o for o in cluster.list(PLURAL, label_selector="flyte.org/execution=spark-badquantity")]


def status(state: str, message: str | None = None, **more) -> dict:
    """A status as the operator holds it: `driverInfo` always (the CRD requires it), the
    application state with its error message or none (null removes the previous one)."""
    return {"applicationState": {"state": state, "errorMessage": message}, "driverInfo": more.pop("driverInfo", {}), **more}


SUBMITTED = status("SUBMITTED", submissionAttempts=1, executionAttempts=1, submissionID="4f1b0c52-9d3e-4a57-8d0e-1c2f3a4b5c6d",
                   lastSubmissionAttemptTime="2026-12-02T14:00:00Z",
                   driverInfo={"podName": "app-driver", "webUIServiceName": "app-ui-svc", "webUIPort": 4040, "webUIAddress": "10.96.0.12:4040"})
RUNNING = {**SUBMITTED, **status("RUNNING", sparkApplicationId="spark-5f0e2b7c9a4d4e1f8b3c6d2e1f0a9b8c",
                                  executorState={"app-exec-1": "RUNNING", "app-exec-2": "PENDING"}, driverInfo=SUBMITTED["driverInfo"])}
NO_DRIVER = {key: None for key in SUBMITTED["driverInfo"]}
DRIVER_FAILED = "driver container failed with ExitCode: 1, Reason: Error"
SUBMIT_FAILED = "failed to submit spark application: failed to run spark-submit: exit status 1"

# Each scenario: the statuses the operator writes, in order, and the phase propeller must then see.
SCENARIOS = {
    "succeed": [
        (status(""), Phase.QUEUED),
        (SUBMITTED, Phase.INITIALIZING),
        (RUNNING, Phase.RUNNING),
        ({**RUNNING, **status("SUCCEEDING", driverInfo=SUBMITTED["driverInfo"], terminationTime="2026-12-02T14:05:00Z")}, Phase.RUNNING),
        ({**RUNNING, **status("COMPLETED", driverInfo=SUBMITTED["driverInfo"], executorState={"app-exec-1": "COMPLETED"})}, Phase.SUCCEEDED),
    ],
    "application-fails": [
        (SUBMITTED, Phase.INITIALIZING),
        (RUNNING, Phase.RUNNING),
        ({**RUNNING, **status("FAILING", DRIVER_FAILED, driverInfo=SUBMITTED["driverInfo"])}, Phase.RUNNING),
        ({**RUNNING, **status("FAILED", DRIVER_FAILED, driverInfo=SUBMITTED["driverInfo"])}, Phase.FAILED),
    ],
    "submission-fails": [
        (status("SUBMISSION_FAILED", SUBMIT_FAILED, submissionAttempts=1, lastSubmissionAttemptTime="2026-12-02T14:00:00Z"), Phase.RUNNING),
        (status("FAILED", SUBMIT_FAILED, submissionAttempts=1, terminationTime="2026-12-02T14:00:01Z"), Phase.RETRYABLE_FAILED),
    ],
    "driver-pod-lost": [
        (SUBMITTED, Phase.INITIALIZING),
        ({**SUBMITTED, **status("FAILING", "driver pod not found", driverInfo=SUBMITTED["driverInfo"])}, Phase.RUNNING),
        ({**SUBMITTED, **status("FAILED", "driver pod not found", driverInfo=SUBMITTED["driverInfo"])}, Phase.RETRYABLE_FAILED),
    ],
    "unknown-then-succeeds": [
        (RUNNING, Phase.RUNNING),
        ({**RUNNING, **status("UNKNOWN", driverInfo=SUBMITTED["driverInfo"])}, Phase.RUNNING),
        (RUNNING, Phase.RUNNING),
        ({**RUNNING, **status("COMPLETED", driverInfo=SUBMITTED["driverInfo"])}, Phase.SUCCEEDED),
    ],
    "rerun-after-a-spec-change": [
        (RUNNING, Phase.RUNNING),
        ({**RUNNING, **status("INVALIDATING", driverInfo=SUBMITTED["driverInfo"])}, Phase.QUEUED),
        # resetSparkApplicationStatus: the last run's driver, id and attempts are gone.
        (status("PENDING_RERUN", driverInfo=NO_DRIVER, sparkApplicationId=None, executorState=None,
                executionAttempts=None, submissionAttempts=None), Phase.QUEUED),
        (SUBMITTED, Phase.INITIALIZING),
    ],
    "suspended": [
        (RUNNING, Phase.RUNNING),
        ({**RUNNING, **status("SUSPENDING", driverInfo=SUBMITTED["driverInfo"])}, Phase.QUEUED),
        (status("SUSPENDED", driverInfo=NO_DRIVER, sparkApplicationId=None, executorState=None), Phase.QUEUED),
        (status("RESUMING"), Phase.QUEUED),
        (SUBMITTED, Phase.INITIALIZING),
    ],
}


def written_fits(written: dict, sent: dict) -> None:
    """The CRD kept what the operator writes: nothing was pruned (a null removes a key)."""
    for key, value in sent.items():
        if isinstance(value, dict):
            written_fits(written.get(key, {}), value)
        elif value is None:
            assert key not in written, (key, written)
        else:
            assert written.get(key) == value, (key, written)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_status_as_the_spark_operator_writes_it(spark_env, scenario):
    cluster, backend = spark_env
    template, meta, name = create(spark_env, scenario)
    resource = None
    for sent, phase in SCENARIOS[scenario]:
        written = cluster.patch_status(PLURAL, name, sent)["status"]
        written_fits(written, sent)
        resource = poll_phase(backend, template, meta, phase, after=resource)
        assert resource.message, f"{scenario}: {Phase.Name(phase)} without a message"
        assert "()" not in resource.message and " )" not in resource.message and "  " not in resource.message, resource.message
        links = [(link.name, link.uri) for link in resource.log_links]
        address, app_id = written["driverInfo"].get("webUIAddress"), written.get("sparkApplicationId")
        expected = [("Spark UI (in cluster)", f"http://{address}")] if address else []
        expected += [("Spark history", f"{HISTORY}history/{app_id}/jobs/")] if app_id else []
        assert links == expected, links
    final = SCENARIOS[scenario][-1][0]
    if final["applicationState"]["errorMessage"]:
        assert final["applicationState"]["errorMessage"] in resource.message
    backend.agent.DeleteTask(delete_request(template, meta))
    assert cluster.get(PLURAL, name) is None


def test_a_running_application_reads_well_before_the_operator_has_its_id(spark_env):
    cluster, backend = spark_env
    template, meta, name = create(spark_env, "fallback")
    cluster.patch_status(PLURAL, name, status("RUNNING"))
    resource = poll_phase(backend, template, meta, Phase.RUNNING)
    assert resource.message == "Spark application running (id not yet known, attempt 1)"
    backend.agent.DeleteTask(delete_request(template, meta))


def test_the_ingress_link_shows_when_the_operator_has_one(spark_env):
    cluster, backend = spark_env
    template, meta, name = create(spark_env, "ingress")
    ingress = "https://spark.example.com/flytesnacks-development/app"
    cluster.patch_status(PLURAL, name, {**RUNNING, "driverInfo": {**SUBMITTED["driverInfo"], "webUIIngressAddress": ingress}})
    resource = poll_phase(backend, template, meta, Phase.RUNNING)
    assert [(link.name, link.uri) for link in resource.log_links] == [
        ("Spark UI", ingress), ("Spark UI (in cluster)", "http://10.96.0.12:4040"),
        ("Spark history", f"{HISTORY}history/{RUNNING['sparkApplicationId']}/jobs/")]
    backend.agent.DeleteTask(delete_request(template, meta))


def test_the_bundle_grants_only_sparkapplications(spark_env):
    cluster, _ = spark_env
    rules = cluster.cluster_role()["rules"]
    assert [(r["apiGroups"], r["resources"]) for r in rules] == [(["sparkoperator.k8s.io"], ["sparkapplications"])]


def test_execution_labels_and_annotations_reach_the_pods(spark_env):
    cluster, backend = spark_env
    request = create_request(count, {"rows": 3}, execution="spark-labels")
    request.task_execution_metadata.labels["team"] = "analytics"
    request.task_execution_metadata.annotations["cost-center"] = "42"
    meta = backend.agent.CreateTask(request).resource_meta
    app = cluster.get(PLURAL, json.loads(meta)["name"])
    assert app["metadata"]["labels"]["flyte.org/task-type"] == request.template.type
    for pod in (app["spec"]["driver"], app["spec"]["executor"]):
        assert pod["labels"] == {"team": "analytics"}
        assert pod["annotations"] == {"cost-center": "42"}
    backend.agent.DeleteTask(delete_request(request.template, meta))


def test_help_lists_the_plugins_own_setting_and_no_aws_keys():
    import subprocess

    help_text = subprocess.run([str(binary("spark-on-k8s-plugin")), "--help"], capture_output=True, text=True, check=True).stdout
    assert "sparkHistoryServerUrl" in help_text
    for aws in ("AGENT_REGION", "AGENT_DEFAULT_ROLE_ARN", "AGENT_ROLE_ANNOTATION_KEY"):
        assert aws not in help_text, aws
    config = yaml.safe_load((GOLDEN / "kustomize" / "spark-on-k8s" / "base" / "config.yaml").read_text())
    assert config["settings"] == {"sparkHistoryServerUrl": ""}
    assert not {"region", "images", "defaultRoleArn"} & set(config)
    assert "AGENT_SETTINGS_SPARK_HISTORY_SERVER_URL" in help_text and "--settings-spark-history-server-url" in help_text


def test_an_environment_variable_overrides_the_plugins_setting(tmp_path):
    import os
    import subprocess

    key = tmp_path / "key"
    key.write_text("k" * 32)
    env = {**os.environ, "AGENT_RESOURCE_META_KEY_FILE": str(key), "AGENT_SETTINGS_SPARK_HISTORY_SERVER_URL": "https://history.example.com"}
    shown = subprocess.run([str(binary("spark-on-k8s-plugin")), "--check-config"], capture_output=True, text=True, env=env, check=True).stdout
    assert '"sparkHistoryServerUrl": "https://history.example.com"' in shown
