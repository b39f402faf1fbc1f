"""Runs the example workflow's SageMaker tuning task through the real backend, with the Kubernetes
API test double and a simulated controller standing in for a cluster, and prints what Flyte would
see: each phase with its message, the log links on first sight, the outputs at the end.

    examples/demo/run.sh [--target ack|operator] [--step-ms N]

Nothing here talks to AWS or to a cluster: the double serves the target's real CRDs on loopback,
and its simulated controller moves the job's status the way ACK or the SageMaker operator does.
The processes are managed by the same harness the end-to-end tests use (tests/python/e2e_harness.py).
"""

import argparse
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

# No bytecode caches in the examples folder (the workflow modules are imported from there).
sys.dont_write_bytecode = True

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "tests" / "python"))
sys.path.insert(0, str(REPO_ROOT / "examples" / "workflows"))

import conftest  # noqa: E402  (tests/python: installs the generated SDK the way the tests do)

# The generated SDK must be installed (entry points) before flytekit is first imported.
conftest.pytest_configure(None)

from flyteidl.core.execution_pb2 import TaskExecution  # noqa: E402
from flytekit.types.directory import FlyteDirectory  # noqa: E402

from e2e_harness import NAMESPACE, PLURALS, Backend, KubeDouble, create_request, get_request  # noqa: E402
from sagemaker_demo.xgboost_tuning import xgboost_tuning  # noqa: E402

TERMINAL = {TaskExecution.SUCCEEDED, TaskExecution.FAILED, TaskExecution.ABORTED, TaskExecution.RETRYABLE_FAILED}


def literal_text(literal) -> str:
    scalar = literal.scalar
    if scalar.HasField("blob"):
        return scalar.blob.uri
    primitive = scalar.primitive
    return repr(getattr(primitive, primitive.WhichOneof("value")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=["ack", "operator"], default="ack", help="controller family to simulate (default ack)")
    parser.add_argument("--step-ms", type=int, default=250, help="one simulated status step every N ms (default 250)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sagemaker-demo-") as tmp:
        workdir = Path(tmp)
        double = KubeDouble(args.target, workdir, step_ms=args.step_ms)
        backend = Backend(args.target, double, workdir)
        try:
            print(f"kube-test-double  {double.url}  (simulated {args.target} controller, a status step every {args.step_ms} ms)")
            backend.start()
            print(f"sagemaker-plugin  127.0.0.1:{backend.port}  (target {args.target}, KUBECONFIG -> the double)")
            return run(double, backend)
        finally:
            backend.stop()
            double.stop()
            print("stopped the backend and the double")


def summary(status: dict | None) -> str:
    """The controller's side in one line: primary and secondary status, true conditions, the
    best training job so far."""
    if not status:
        return "(no status yet)"
    parts = [status.get("trainingJobStatus") or status.get("hyperParameterTuningJobStatus") or "(no job status)"]
    if status.get("secondaryStatus"):
        parts[0] += "/" + status["secondaryStatus"]
    parts += [c["type"] for c in status.get("conditions", []) if c.get("status") == "True"]
    if status.get("additional"):
        parts.append(f"additional={status['additional']!r}")
    best = status.get("bestTrainingJob")
    if best:
        value = best.get("finalHyperParameterTuningJobObjectiveMetric", {}).get("value")
        parts.append(f"best {best.get('trainingJobName')} ({value!r})")
    return ", ".join(parts)


def run(double: KubeDouble, backend: Backend) -> int:
    # The workflow's inputs to the tuning task: two CSV channels and a run-time hyperparameter.
    values = {
        "train": FlyteDirectory("s3://my-bucket/xgboost-demo/train/"),
        "validation": FlyteDirectory("s3://my-bucket/xgboost-demo/validation/"),
        "static_hyperparameters": {"subsample": "0.8"},
    }
    request = create_request(xgboost_tuning, values, execution=f"demo-{uuid.uuid4().hex[:8]}")
    template = request.template
    print(f"task {template.id.name}: {template.type} v{template.task_type_version}, serialized with flytekit")

    resource_meta = backend.agent.CreateTask(request, timeout=10).resource_meta
    print(f"CreateTask -> resource_meta {resource_meta.decode()}")
    name = json.loads(resource_meta)["name"]
    created = double.get(PLURALS[template.type], name)
    print(f"  {created['kind']} {NAMESPACE}/{name} accepted by the double (validated against the {double.target} CRD)")

    start = time.monotonic()
    last, last_summary = None, None
    while True:
        now = summary((double.get(PLURALS[template.type], name) or {}).get("status"))
        if now != last_summary:
            print(f"[{time.monotonic() - start:5.2f}s] CR status  {now}")
            last_summary = now
        resource = backend.agent.GetTask(get_request(template, resource_meta), timeout=10).resource
        if last is None:
            # Flyte shows log links from the first phase event only, so they come at once.
            for link in resource.log_links:
                print(f"  log link  {link.name}: {link.uri}")
        if last is None or (resource.phase, resource.message) != (last.phase, last.message):
            print(f"[{time.monotonic() - start:5.2f}s] GetTask    {TaskExecution.Phase.Name(resource.phase)}: {resource.message}")
        last = resource
        if resource.phase in TERMINAL:
            break
        time.sleep(0.05)

    for key, literal in sorted(resource.outputs.literals.items()):
        print(f"  output  {key} = {literal_text(literal)}")
    if double.target == "operator":
        # The operator mirrors each trial of the search as a TrainingJob object of its own.
        trials = [t for t in double.list("trainingjobs") if t["metadata"]["name"].startswith(name)]
        described = ", ".join(f"{t['metadata']['name']} ({summary(t.get('status'))})" for t in trials)
        print(f"  trial TrainingJobs of the operator: {described}")
    return 0 if resource.phase == TaskExecution.SUCCEEDED else 1


if __name__ == "__main__":
    sys.exit(main())
