"""The container contract: the real generated `sagemaker-entrypoint` and real flytekit inside a
simulated SageMaker training container, for both targets.

What SageMaker does around a training container is simulated from the object the real backend
created: the backend (against the Kubernetes API test double) turns flytekit's task template into
the target's TrainingJob or HyperParameterTuningJob, and the test lays out what SageMaker would
give the container from that object's spec: an `/opt/ml`-style tree under a temporary root
(`FLYTE_SAGEMAKER_ROOT`), `input/config/hyperparameters.json` (the spec's hyperparameters, plus the
values a tuning trial tries, all strings as SageMaker writes them), `input/config/resourceconfig.json`
(the hosts), each channel's data under `input/data/<name>`, and the spec's environment. The blob
store is the local file system (flytekit's local data persistence): the container's command is
rendered as propeller renders it, with local paths for inputs and outputs. Then the container's
program runs exactly as SageMaker starts it (`sagemaker-entrypoint train`), and the assertions read
what flytekit wrote: outputs.pb, decoded with flytekit, or the failure file.

The simulation is what it cannot avoid being (no SageMaker here): a test double for SageMaker's
side of the contract, named so. Everything on the container's side is the real thing.
"""

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from flytekit.core.context_manager import FlyteContextManager
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import LiteralMap
from flytekit.types.directory import FlyteDirectory
from flyteidl.core import literals_pb2

import contract_tasks as tasks
import flytekitplugins_sagemaker_k8s as sm
from e2e_harness import PLURALS, TARGETS, Backend, KubeDouble, create_request

ENTRYPOINT = Path(sys.prefix) / "bin" / "sagemaker-entrypoint"
HERE = Path(__file__).resolve().parent
TRAIN_URI = "s3://data-bucket/contract/train/"
# SageMaker's limit on a failure reason, as the model declares it.
FAILURE_LIMIT = sm.container.CONTRACT.failure_max_bytes


@pytest.fixture(scope="module", params=TARGETS)
def cluster(request, tmp_path_factory):
    """The real backend against the test double, for one target."""
    target = request.param
    workdir = tmp_path_factory.mktemp(f"contract-{target}")
    double = KubeDouble(target, workdir, step_ms=10_000)  # the objects are what matters, not their status
    backend = Backend(target, double, workdir)
    try:
        backend.start()
        yield target, double, backend
    finally:
        backend.stop()
        double.stop()


class Container:
    """One simulated SageMaker training container: its /opt/ml tree and its blob store."""

    def __init__(self, base: Path, host: str, hosts: list[str], blobs: Path):
        self.root = base / f"opt-ml-{host}"
        self.blobs = blobs
        (self.root / "input" / "config").mkdir(parents=True)
        (self.root / "input" / "config" / "resourceconfig.json").write_text(
            json.dumps({"current_host": host, "hosts": hosts, "network_interface_name": "eth0"})
        )
        data = self.root / "input" / "data" / "train"
        data.mkdir(parents=True)
        (data / "part-0.csv").write_text("1,2,3\n")

    def run(self, command: list[str], hyperparameters: dict[str, str], environment: dict[str, str]):
        (self.root / "input" / "config" / "hyperparameters.json").write_text(json.dumps(hyperparameters))
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and not k.startswith("FLYTE")}
        env.update(environment)
        env["FLYTE_SAGEMAKER_ROOT"] = str(self.root)
        # The image's code: the task module, importable as in the image the task was built for.
        env["PYTHONPATH"] = str(HERE)
        env["PATH"] = f"{Path(sys.prefix) / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        del command  # SageMaker starts the image with `train`; the command comes from the job itself
        return subprocess.run([str(ENTRYPOINT), "train"], env=env, cwd=self.root, capture_output=True, text=True, timeout=180)

    @property
    def failure(self) -> bytes | None:
        path = self.root / "output" / "failure"
        return path.read_bytes() if path.is_file() else None


class Job:
    """A job the backend created for a flytekit task, and what SageMaker would hand its containers."""

    def __init__(self, cluster, entity, values: dict, base: Path):
        target, double, backend = cluster
        self.target = target
        self.entity = entity
        self.blobs = base / "blobs"
        self.inputs = self.blobs / "inputs" / "inputs.pb"
        self.outputs = self.blobs / "outputs"
        request = create_request(entity, values, execution=f"c{uuid.uuid4().hex[:10]}")
        self.inputs.parent.mkdir(parents=True)
        self.inputs.write_bytes(request.inputs.SerializeToString())
        # Propeller renders the container's templates before CreateTask; here they point at the
        # local blob store.
        rendering = {
            "{{.input}}": str(self.inputs),
            "{{.outputPrefix}}": str(self.outputs),
            "{{.rawOutputDataPrefix}}": str(self.blobs / "raw"),
            "{{.checkpointOutputPrefix}}": str(self.blobs / "checkpoint"),
            "{{.prevCheckpointPrefix}}": "",
        }
        args = [rendering.get(a, a) for a in request.template.container.args]
        del request.template.container.args[:]
        request.template.container.args.extend(args)
        meta = json.loads(backend.agent.CreateTask(request).resource_meta)
        self.object = double.get(PLURALS[request.template.type], meta["name"], meta["ns"])
        assert self.object is not None, "the backend created the job's object"
        self.command = args

    def _definition(self) -> dict:
        spec = self.object["spec"]
        return spec.get("trainingJobDefinition", spec)

    def hyperparameters(self) -> dict[str, str]:
        """What SageMaker writes to hyperparameters.json: the spec's (static) hyperparameters."""
        definition = self._definition()
        found = definition.get("hyperParameters", definition.get("staticHyperParameters", {}))
        if isinstance(found, list):  # the operator's {name, value} list
            found = {h["name"]: h["value"] for h in found}
        return dict(found)

    def environment(self) -> dict[str, str]:
        return dict(self.object["spec"].get("environment", {}))

    def metric_regex(self, name: str) -> str:
        definitions = self._definition()["algorithmSpecification"]["metricDefinitions"]
        return next(d["regex"] for d in definitions if d["name"] == name)

    def container(self, base: Path, host: str = "algo-1", hosts: list[str] | None = None) -> Container:
        return Container(base, host, hosts or [host], self.blobs)

    def run(self, container: Container, trial: dict[str, str] | None = None):
        return container.run(self.command, self.hyperparameters() | (trial or {}), self.environment())

    def literal(self, name: str):
        path = self.outputs / "outputs.pb"
        assert path.is_file(), f"no outputs.pb in {self.outputs}"
        return LiteralMap.from_flyte_idl(literals_pb2.LiteralMap.FromString(path.read_bytes())).literals[name]

    def output(self, name: str, python_type):
        return TypeEngine.to_python_value(FlyteContextManager.current_context(), self.literal(name), python_type)


def _ok(done: subprocess.CompletedProcess) -> None:
    assert done.returncode == 0, f"exit {done.returncode}\nstdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"


def test_a_trial_gets_its_tuned_values_typed(cluster, tmp_path):
    job = Job(cluster, tasks.tuning, {"train": FlyteDirectory(TRAIN_URI)}, tmp_path)
    # The tuning task does not ask for the tuned inputs; SageMaker supplies them per trial.
    assert set(tasks.tuning.python_interface.inputs) == {"train", "static_hyperparameters"}
    container = job.container(tmp_path)
    # As SageMaker writes a trial's values: strings, next to the static hyperparameters (which
    # carry the command).
    done = job.run(container, {"learning_rate": "0.0123", "epochs": "37", "optimizer": "momentum", "shuffle": "true"})
    _ok(done)
    got = json.loads(job.output("o0", str))
    assert got["values"] == {"learning_rate": 0.0123, "epochs": 37, "optimizer": "momentum", "shuffle": True}
    assert got["types"] == ["float", "int", "str", "bool"]
    assert got["rows"] == ["1,2,3\n"], "the channel's data is where SageMaker puts it"
    assert container.failure is None


def test_the_reported_metric_matches_the_generated_regex(cluster, tmp_path):
    job = Job(cluster, tasks.tuning, {"train": FlyteDirectory(TRAIN_URI)}, tmp_path)
    done = job.run(job.container(tmp_path), {"learning_rate": "0.25", "epochs": "7", "optimizer": "adam", "shuffle": "false"})
    _ok(done)
    # The regex as the backend put it into the object, applied to each log line as SageMaker does.
    regex = re.compile(job.metric_regex(tasks.METRIC))
    values = [float(m.group(1)) for line in done.stdout.splitlines() if (m := regex.search(line))]
    assert values == [0.25 * 7]


def test_custom_training_keeps_its_inputs_without_a_trial(cluster, tmp_path):
    job = Job(cluster, tasks.trial, {"train": FlyteDirectory(TRAIN_URI), "epochs": 3}, tmp_path)
    assert job.hyperparameters().get("note") == "fixed"
    _ok(job.run(job.container(tmp_path)))
    got = json.loads(job.output("o0", str))
    # `note` names no input, so it changes nothing; the bound input and the defaults stay.
    assert got["values"] == {"learning_rate": 0.1, "epochs": 3, "optimizer": "sgd", "shuffle": False}


def test_a_value_that_does_not_convert_fails_the_trial_naming_the_input(cluster, tmp_path):
    job = Job(cluster, tasks.tuning, {"train": FlyteDirectory(TRAIN_URI)}, tmp_path)
    container = job.container(tmp_path)
    done = job.run(container, {"learning_rate": "0.1", "epochs": "many", "optimizer": "sgd", "shuffle": "true"})
    assert done.returncode != 0
    assert not (job.outputs / "outputs.pb").exists()
    failure = container.failure.decode()
    assert "input 'epochs'" in failure and "'many'" in failure


def test_a_raising_body_fails_the_job_with_its_message(cluster, tmp_path):
    job = Job(cluster, tasks.raising, {"train": FlyteDirectory(TRAIN_URI)}, tmp_path)
    container = job.container(tmp_path)
    done = job.run(container)
    assert done.returncode != 0
    assert "ValueError: the loss diverged at epoch 3" in container.failure.decode()


def test_a_long_failure_reason_is_cut_to_the_limit(cluster, tmp_path):
    message = "é" + "x" * (4 * FAILURE_LIMIT)
    job = Job(cluster, tasks.raising, {"train": FlyteDirectory(TRAIN_URI), "message": message}, tmp_path)
    container = job.container(tmp_path)
    assert job.run(container).returncode != 0
    failure = container.failure
    assert len(failure) <= FAILURE_LIMIT
    text = failure.decode("utf-8")  # cut on a character boundary
    assert text.startswith("ValueError: é") and text.endswith(" [...]")


def test_success_without_outputs_is_a_failure(cluster, tmp_path):
    job = Job(cluster, tasks.quits, {"train": FlyteDirectory(TRAIN_URI)}, tmp_path)
    container = job.container(tmp_path)
    done = job.run(container)
    assert done.returncode != 0
    assert "wrote no outputs.pb" in container.failure.decode()


def test_only_the_first_of_two_hosts_writes_outputs(cluster, tmp_path):
    job = Job(cluster, tasks.trial, {"train": FlyteDirectory(TRAIN_URI)}, tmp_path)
    hosts = ["algo-1", "algo-2"]
    second = job.container(tmp_path, "algo-2", hosts)
    _ok(job.run(second))
    assert not (job.outputs / "outputs.pb").exists(), "the second host writes nothing"
    assert second.failure is None
    first = job.container(tmp_path, "algo-1", hosts)
    _ok(job.run(first))
    got = json.loads(job.output("o0", str))
    assert (got["host"], got["hosts"]) == ("algo-1", hosts)


def test_the_model_directory_becomes_the_model_output(cluster, tmp_path):
    job = Job(cluster, tasks.saves_model, {"train": FlyteDirectory(TRAIN_URI), "epochs": 4}, tmp_path)
    container = job.container(tmp_path)
    _ok(job.run(container))
    assert (container.root / "model" / "weights.txt").is_file(), "written where SageMaker uploads the model from"
    # ...and uploaded by flytekit into the blob store as the task's directory output.
    uri = job.literal("o0").scalar.blob.uri
    assert uri.startswith(str(job.blobs / "raw"))
    assert (Path(uri) / "weights.txt").read_text() == "trained for 4 epochs"


def test_outside_a_job_the_function_runs_as_usual(tmp_path):
    assert sm.host_context() == sm.HostContext(current_host="localhost", hosts=("localhost",))
    got = json.loads(tasks.trial(train=FlyteDirectory(str(tmp_path)), epochs=2))
    assert got["values"]["epochs"] == 2 and got["host"] == "localhost"
