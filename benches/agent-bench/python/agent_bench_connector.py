"""The reference Python connector of the agent benchmark (scripts/bench_agent.sh).

A flytekit connector for the task type `sagemaker-k8s-builtin-training` that does the work the
Rust backend does, minus Kubernetes: `create` decodes `custom` (flytekit's TaskTemplate already
turned the Struct into a dict with `json_format.MessageToDict`), reads the channel and
hyperparameter inputs, builds the ACK TrainingJob as a dict (a faithful subset of the Rust
mapping: the same CR paths, defaults and prebuilt image lookup for about a dozen fields), stores
it in an in-memory dict under a name derived from the task execution id, and returns a
ResourceMeta. `get` answers from that dict: the phase from the stored status (RUNNING while the
job is InProgress), the secondary status as the message, and the CloudWatch and console links.

Served by flytekit's own server, as a connector deployment runs it:

    pyflyte serve connector --port 8000 --prometheus_port 9090 --modules agent_bench_connector

with this folder on PYTHONPATH.
"""

import hashlib
import re
import typing
from dataclasses import dataclass

from flyteidl.core.execution_pb2 import TaskExecution, TaskLog
from flytekit.extend.backend.base_connector import AsyncConnectorBase, ConnectorRegistry, Resource, ResourceMeta
from flytekit.models.literals import LiteralMap
from flytekit.models.task import TaskTemplate

TASK_TYPE = "sagemaker-k8s-builtin-training"
API_VERSION = "sagemaker.services.k8s.aws/v1alpha1"
REGION = "us-east-1"
DEFAULT_ROLE = "arn:aws:iam::123456789012:role/flyte-sagemaker-default"
# algorithm -> region -> version -> image, as in the Rust backend's configuration.
IMAGES = {
    "xgboost": {
        REGION: {
            "0.90": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:0.90-2-cpu-py3",
            "1.7-1": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
        }
    }
}
INPUT_MODES = {"INPUT_MODE_FILE": "File", "INPUT_MODE_PIPE": "Pipe", "INPUT_MODE_FAST_FILE": "FastFile"}
COMPRESSION = {"COMPRESSION_TYPE_NONE": "None", "COMPRESSION_TYPE_GZIP": "Gzip"}
# Status -> phase, the RUNNING-side subset of the ACK status table.
PHASES = {
    "InProgress": TaskExecution.RUNNING,
    "Stopping": TaskExecution.RUNNING,
    "Completed": TaskExecution.SUCCEEDED,
    "Failed": TaskExecution.FAILED,
    "Stopped": TaskExecution.ABORTED,
}


@dataclass
class TrainingJobMeta(ResourceMeta):
    namespace: str
    name: str


def _int(value: typing.Any, default: int) -> int:
    # Struct numbers arrive as doubles, int64 fields may arrive as strings.
    return int(float(value)) if value is not None else default


def _job_name(execution_id: typing.Any) -> str:
    """`<execution>-<node>-<attempt>-<hash>`, at most 63 characters, as the Rust backend names objects."""
    node = execution_id.node_execution_id
    key = "/".join(
        [
            node.execution_id.project,
            node.execution_id.domain,
            node.execution_id.name,
            node.node_id,
            execution_id.task_id.name,
            str(execution_id.retry_attempt),
        ]
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    readable = re.sub(r"[^a-z0-9]+", "-", f"{node.execution_id.name}-{node.node_id}-{execution_id.retry_attempt}".lower())
    return f"{readable.strip('-')[: 63 - 11]}-{digest}"


def build_training_job(custom: dict, inputs: typing.Optional[LiteralMap], output_prefix: str, name: str, namespace: str, role: str) -> dict:
    """The ACK TrainingJob for a BuiltinAlgorithmTrainingJob `custom`."""
    literals = inputs.literals if inputs else {}
    resources = custom.get("resources", {})
    stopping = custom.get("stoppingCondition", {})
    algorithm = {
        "trainingInputMode": INPUT_MODES.get(custom.get("inputMode", "INPUT_MODE_FILE"), "File"),
        "metricDefinitions": [{"name": m["name"], "regex": m["regex"]} for m in custom.get("metricDefinitions", [])],
    }
    image = custom.get("trainingImage")
    if not image:
        versions = IMAGES[custom["algorithmName"]][REGION]
        image = versions[custom.get("algorithmVersion") or sorted(versions)[-1]]
    algorithm["trainingImage"] = image
    channels = []
    for channel in custom["channels"]:
        source = literals.get(channel["name"])
        entry = {
            "channelName": channel["name"],
            "dataSource": {
                "s3DataSource": {
                    "s3URI": source.scalar.blob.uri if source else channel.get("s3Uri", ""),
                    "s3DataType": "S3Prefix",
                    "s3DataDistributionType": "FullyReplicated",
                }
            },
        }
        if "contentType" in channel:
            entry["contentType"] = channel["contentType"]
        if "compression" in channel:
            entry["compressionType"] = COMPRESSION[channel["compression"]]
        channels.append(entry)
    hyperparameters = dict(custom.get("hyperparameters", {}))
    static = literals.get("static_hyperparameters")
    if static is not None and static.scalar is not None and static.scalar.generic is not None:
        for key, value in static.scalar.generic.items():
            if key in hyperparameters:
                raise ValueError(f"static_hyperparameters.{key}: already fixed on the task")
            hyperparameters[key] = str(value).lower() if isinstance(value, bool) else str(value)
    spec = {
        "trainingJobName": name,
        "algorithmSpecification": algorithm,
        "inputDataConfig": channels,
        "hyperParameters": hyperparameters,
        "resourceConfig": {
            "instanceType": resources["instanceType"],
            "instanceCount": _int(resources.get("instanceCount"), 1),
            "volumeSizeInGB": _int(resources.get("volumeSizeGb"), 30),
        },
        "stoppingCondition": {"maxRuntimeInSeconds": _int(stopping.get("maxRuntimeSeconds"), 86400)},
        "outputDataConfig": {"s3OutputPath": custom.get("outputPath") or output_prefix},
        "roleARN": custom.get("roleArn") or role,
        "tags": [{"key": k, "value": v} for k, v in custom.get("tags", {}).items()],
    }
    if "maxWaitSeconds" in stopping:
        spec["stoppingCondition"]["maxWaitTimeInSeconds"] = _int(stopping["maxWaitSeconds"], 0)
    if "enableManagedSpotTraining" in custom:
        spec["enableManagedSpotTraining"] = custom["enableManagedSpotTraining"]
    if "environment" in custom:
        spec["environment"] = dict(custom["environment"])
    if "maxRetryAttempts" in custom:
        spec["retryStrategy"] = {"maximumRetryAttempts": _int(custom["maxRetryAttempts"], 1)}
    return {
        "apiVersion": API_VERSION,
        "kind": "TrainingJob",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {"app.kubernetes.io/managed-by": "sagemaker-flyte-agent", "flyte.org/task-type": TASK_TYPE},
            "annotations": {"services.k8s.aws/region": custom.get("region") or REGION},
        },
        "spec": spec,
        # What the controller would report while the job trains; `get` interprets it.
        "status": {"trainingJobStatus": "InProgress", "secondaryStatus": "Training"},
    }


class SageMakerTrainingConnector(AsyncConnectorBase):
    name = "SageMaker training (Python reference)"

    def __init__(self):
        super().__init__(task_type_name=TASK_TYPE, metadata_type=TrainingJobMeta)
        self.jobs: typing.Dict[typing.Tuple[str, str], dict] = {}

    async def create(
        self,
        task_template: TaskTemplate,
        output_prefix: str,
        inputs: typing.Optional[LiteralMap] = None,
        task_execution_metadata: typing.Any = None,
        **kwargs,
    ) -> TrainingJobMeta:
        metadata = task_execution_metadata
        name = _job_name(metadata.task_execution_id)
        role = (metadata.identity.iam_role if metadata.identity else None) or DEFAULT_ROLE
        job = build_training_job(task_template.custom, inputs, output_prefix, name, metadata.namespace, role)
        self.jobs.setdefault((metadata.namespace, name), job)
        return TrainingJobMeta(namespace=metadata.namespace, name=name)

    async def get(self, resource_meta: TrainingJobMeta, **kwargs) -> Resource:
        job = self.jobs.get((resource_meta.namespace, resource_meta.name))
        if job is None:
            return Resource(phase=TaskExecution.RETRYABLE_FAILED, message=f"TrainingJob {resource_meta.namespace}/{resource_meta.name} no longer exists")
        status = job["status"]
        region = job["metadata"]["annotations"]["services.k8s.aws/region"]
        name = job["spec"]["trainingJobName"]
        links = [
            TaskLog(
                name="CloudWatch Logs",
                uri=f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#logStream:group=/aws/sagemaker/TrainingJobs;prefix={name};streamFilter=typeLogStreamPrefix",
            ),
            TaskLog(name="SageMaker Training Job", uri=f"https://{region}.console.aws.amazon.com/sagemaker/home?region={region}#/jobs/{name}"),
        ]
        phase = PHASES.get(status.get("trainingJobStatus"), TaskExecution.RUNNING)
        return Resource(phase=phase, message=status.get("secondaryStatus", ""), log_links=links)

    async def delete(self, resource_meta: TrainingJobMeta, **kwargs):
        self.jobs.pop((resource_meta.namespace, resource_meta.name), None)


ConnectorRegistry.register(SageMakerTrainingConnector())
