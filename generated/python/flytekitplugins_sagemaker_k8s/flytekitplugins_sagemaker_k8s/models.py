# @generated from sagemaker/sagemaker.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Payload models of the `sagemaker` plugin, from `sagemaker/sagemaker.proto`.

Every dataclass takes keyword arguments only, one per field in proto declaration order; a field
whose rules say required and that nothing fills by default has no default, so leaving it out is a
`TypeError` (and a type checker's error). `validate()` applies the declared rules and raises
`ValueError` naming the dotted path of the first offending field; `to_dict()` gives the proto3
JSON form the backend decodes (lowerCamelCase keys, unset and zero values left out, enums by
proto value name).
"""

from __future__ import annotations

import dataclasses
import enum
import typing

from . import _support


class CompressionType(enum.Enum):
    """Compression of the objects in an input channel.

    A member's value is its proto value name, which is what proto3 JSON carries; `api` is the
    string the target APIs expect.
    """

    UNSPECIFIED = "COMPRESSION_TYPE_UNSPECIFIED"
    """Not set; SageMaker treats the data as uncompressed."""
    NONE = "COMPRESSION_TYPE_NONE"
    """The objects are not compressed."""
    GZIP = "COMPRESSION_TYPE_GZIP"
    """The objects are gzip-compressed."""

    @property
    def api(self) -> str | None:
        """The string the target APIs expect for this value; None for the unset value."""
        return _COMPRESSION_TYPE_API[self.value]

    @property
    def unsupported_in(self) -> tuple[str, ...]:
        """The targets that do not accept this value."""
        return _COMPRESSION_TYPE_UNSUPPORTED_IN.get(self.value, ())


_COMPRESSION_TYPE_API: dict[str, str | None] = {
    "COMPRESSION_TYPE_UNSPECIFIED": None,
    "COMPRESSION_TYPE_NONE": "None",
    "COMPRESSION_TYPE_GZIP": "Gzip",
}
_COMPRESSION_TYPE_UNSUPPORTED_IN: dict[str, tuple[str, ...]] = {}


class DistributedProtocol(enum.Enum):
    """How the instances of a distributed training job would be launched. Only the unset value is
    accepted: see `CustomTrainingJob.distributed_protocol`.

    A member's value is its proto value name, which is what proto3 JSON carries; `api` is the
    string the target APIs expect.
    """

    UNSPECIFIED = "DISTRIBUTED_PROTOCOL_UNSPECIFIED"
    """No special launch: each instance runs the container on its own."""
    MPI = "DISTRIBUTED_PROTOCOL_MPI"
    """Refused: the fields of this type are supported by no target."""

    @property
    def api(self) -> str | None:
        """The string the target APIs expect for this value; None for the unset value."""
        return _DISTRIBUTED_PROTOCOL_API[self.value]

    @property
    def unsupported_in(self) -> tuple[str, ...]:
        """The targets that do not accept this value."""
        return _DISTRIBUTED_PROTOCOL_UNSUPPORTED_IN.get(self.value, ())


_DISTRIBUTED_PROTOCOL_API: dict[str, str | None] = {
    "DISTRIBUTED_PROTOCOL_UNSPECIFIED": None,
    "DISTRIBUTED_PROTOCOL_MPI": "true",
}
_DISTRIBUTED_PROTOCOL_UNSUPPORTED_IN: dict[str, tuple[str, ...]] = {}


class EarlyStoppingType(enum.Enum):
    """Whether a tuning job may stop unpromising training jobs early.

    A member's value is its proto value name, which is what proto3 JSON carries; `api` is the
    string the target APIs expect.
    """

    UNSPECIFIED = "EARLY_STOPPING_TYPE_UNSPECIFIED"
    """Not set; early stopping is off."""
    OFF = "EARLY_STOPPING_TYPE_OFF"
    """Every training job runs until it finishes or hits its stopping condition."""
    AUTO = "EARLY_STOPPING_TYPE_AUTO"
    """SageMaker stops training jobs whose objective is unlikely to beat the best so far."""

    @property
    def api(self) -> str | None:
        """The string the target APIs expect for this value; None for the unset value."""
        return _EARLY_STOPPING_TYPE_API[self.value]

    @property
    def unsupported_in(self) -> tuple[str, ...]:
        """The targets that do not accept this value."""
        return _EARLY_STOPPING_TYPE_UNSUPPORTED_IN.get(self.value, ())


_EARLY_STOPPING_TYPE_API: dict[str, str | None] = {
    "EARLY_STOPPING_TYPE_UNSPECIFIED": None,
    "EARLY_STOPPING_TYPE_OFF": "Off",
    "EARLY_STOPPING_TYPE_AUTO": "Auto",
}
_EARLY_STOPPING_TYPE_UNSUPPORTED_IN: dict[str, tuple[str, ...]] = {}


class InputMode(enum.Enum):
    """How a training container receives its input data.

    A member's value is its proto value name, which is what proto3 JSON carries; `api` is the
    string the target APIs expect.
    """

    UNSPECIFIED = "INPUT_MODE_UNSPECIFIED"
    """Not set; the job's input mode (or SageMaker's default, File) applies."""
    FILE = "INPUT_MODE_FILE"
    """Copy all data to the instance's storage volume before training starts."""
    PIPE = "INPUT_MODE_PIPE"
    """Stream the data from S3 into a named pipe while training runs."""
    FAST_FILE = "INPUT_MODE_FAST_FILE"
    """Mount S3 as a file system and fetch objects on first access, so training starts at once."""

    @property
    def api(self) -> str | None:
        """The string the target APIs expect for this value; None for the unset value."""
        return _INPUT_MODE_API[self.value]

    @property
    def unsupported_in(self) -> tuple[str, ...]:
        """The targets that do not accept this value."""
        return _INPUT_MODE_UNSUPPORTED_IN.get(self.value, ())


_INPUT_MODE_API: dict[str, str | None] = {
    "INPUT_MODE_UNSPECIFIED": None,
    "INPUT_MODE_FILE": "File",
    "INPUT_MODE_PIPE": "Pipe",
    "INPUT_MODE_FAST_FILE": "FastFile",
}
_INPUT_MODE_UNSUPPORTED_IN: dict[str, tuple[str, ...]] = {
    "INPUT_MODE_FAST_FILE": ("operator",),
}


class ObjectiveType(enum.Enum):
    """Direction of a tuning objective.

    A member's value is its proto value name, which is what proto3 JSON carries; `api` is the
    string the target APIs expect.
    """

    UNSPECIFIED = "OBJECTIVE_TYPE_UNSPECIFIED"
    """Not set; a tuning objective must choose a direction."""
    MINIMIZE = "OBJECTIVE_TYPE_MINIMIZE"
    """Lower metric values are better (losses, error rates)."""
    MAXIMIZE = "OBJECTIVE_TYPE_MAXIMIZE"
    """Higher metric values are better (accuracy, AUC)."""

    @property
    def api(self) -> str | None:
        """The string the target APIs expect for this value; None for the unset value."""
        return _OBJECTIVE_TYPE_API[self.value]

    @property
    def unsupported_in(self) -> tuple[str, ...]:
        """The targets that do not accept this value."""
        return _OBJECTIVE_TYPE_UNSUPPORTED_IN.get(self.value, ())


_OBJECTIVE_TYPE_API: dict[str, str | None] = {
    "OBJECTIVE_TYPE_UNSPECIFIED": None,
    "OBJECTIVE_TYPE_MINIMIZE": "Minimize",
    "OBJECTIVE_TYPE_MAXIMIZE": "Maximize",
}
_OBJECTIVE_TYPE_UNSUPPORTED_IN: dict[str, tuple[str, ...]] = {}


class S3DataDistribution(enum.Enum):
    """How a channel's data is divided between the instances of a multi-instance job.

    A member's value is its proto value name, which is what proto3 JSON carries; `api` is the
    string the target APIs expect.
    """

    UNSPECIFIED = "S3_DATA_DISTRIBUTION_UNSPECIFIED"
    """Not set; the channel's default (full replication) applies."""
    FULLY_REPLICATED = "S3_DATA_DISTRIBUTION_FULLY_REPLICATED"
    """Every instance receives the complete data set."""
    SHARDED_BY_S3_KEY = "S3_DATA_DISTRIBUTION_SHARDED_BY_S3_KEY"
    """Each instance receives a disjoint share of the objects, split by S3 key."""

    @property
    def api(self) -> str | None:
        """The string the target APIs expect for this value; None for the unset value."""
        return _S3_DATA_DISTRIBUTION_API[self.value]

    @property
    def unsupported_in(self) -> tuple[str, ...]:
        """The targets that do not accept this value."""
        return _S3_DATA_DISTRIBUTION_UNSUPPORTED_IN.get(self.value, ())


_S3_DATA_DISTRIBUTION_API: dict[str, str | None] = {
    "S3_DATA_DISTRIBUTION_UNSPECIFIED": None,
    "S3_DATA_DISTRIBUTION_FULLY_REPLICATED": "FullyReplicated",
    "S3_DATA_DISTRIBUTION_SHARDED_BY_S3_KEY": "ShardedByS3Key",
}
_S3_DATA_DISTRIBUTION_UNSUPPORTED_IN: dict[str, tuple[str, ...]] = {}


class S3DataType(enum.Enum):
    """What an input channel's S3 URI refers to.

    A member's value is its proto value name, which is what proto3 JSON carries; `api` is the
    string the target APIs expect.
    """

    UNSPECIFIED = "S3_DATA_TYPE_UNSPECIFIED"
    """Not set; the channel's default (an S3 prefix) applies."""
    S3_PREFIX = "S3_DATA_TYPE_S3_PREFIX"
    """Every object whose key starts with the URI is part of the channel."""
    MANIFEST_FILE = "S3_DATA_TYPE_MANIFEST_FILE"
    """The URI is a manifest file listing the objects of the channel."""
    AUGMENTED_MANIFEST_FILE = "S3_DATA_TYPE_AUGMENTED_MANIFEST_FILE"
    """The URI is an augmented manifest (JSON Lines) whose records carry data and labels."""

    @property
    def api(self) -> str | None:
        """The string the target APIs expect for this value; None for the unset value."""
        return _S3_DATA_TYPE_API[self.value]

    @property
    def unsupported_in(self) -> tuple[str, ...]:
        """The targets that do not accept this value."""
        return _S3_DATA_TYPE_UNSUPPORTED_IN.get(self.value, ())


_S3_DATA_TYPE_API: dict[str, str | None] = {
    "S3_DATA_TYPE_UNSPECIFIED": None,
    "S3_DATA_TYPE_S3_PREFIX": "S3Prefix",
    "S3_DATA_TYPE_MANIFEST_FILE": "ManifestFile",
    "S3_DATA_TYPE_AUGMENTED_MANIFEST_FILE": "AugmentedManifestFile",
}
_S3_DATA_TYPE_UNSUPPORTED_IN: dict[str, tuple[str, ...]] = {}


class ScalingType(enum.Enum):
    """How the values of a numeric range are sampled.

    A member's value is its proto value name, which is what proto3 JSON carries; `api` is the
    string the target APIs expect.
    """

    UNSPECIFIED = "SCALING_TYPE_UNSPECIFIED"
    """Not set; SageMaker chooses (same as Auto)."""
    AUTO = "SCALING_TYPE_AUTO"
    """Let SageMaker choose the scale for the range."""
    LINEAR = "SCALING_TYPE_LINEAR"
    """Sample evenly over the interval."""
    LOGARITHMIC = "SCALING_TYPE_LOGARITHMIC"
    """Sample evenly over the logarithm of the interval; bounds must be positive."""
    REVERSE_LOGARITHMIC = "SCALING_TYPE_REVERSE_LOGARITHMIC"
    """Dense sampling close to 1, for values in [0, 1) such as momentum; continuous ranges only."""

    @property
    def api(self) -> str | None:
        """The string the target APIs expect for this value; None for the unset value."""
        return _SCALING_TYPE_API[self.value]

    @property
    def unsupported_in(self) -> tuple[str, ...]:
        """The targets that do not accept this value."""
        return _SCALING_TYPE_UNSUPPORTED_IN.get(self.value, ())


_SCALING_TYPE_API: dict[str, str | None] = {
    "SCALING_TYPE_UNSPECIFIED": None,
    "SCALING_TYPE_AUTO": "Auto",
    "SCALING_TYPE_LINEAR": "Linear",
    "SCALING_TYPE_LOGARITHMIC": "Logarithmic",
    "SCALING_TYPE_REVERSE_LOGARITHMIC": "ReverseLogarithmic",
}
_SCALING_TYPE_UNSUPPORTED_IN: dict[str, tuple[str, ...]] = {}


class TuningStrategy(enum.Enum):
    """Search strategy of a tuning job. The operator's CRD passes the value through unchecked;
    Hyperband and Grid are newer than the operator but are accepted by the SageMaker API.

    A member's value is its proto value name, which is what proto3 JSON carries; `api` is the
    string the target APIs expect.
    """

    UNSPECIFIED = "TUNING_STRATEGY_UNSPECIFIED"
    """Not set; Bayesian search is used."""
    BAYESIAN = "TUNING_STRATEGY_BAYESIAN"
    """Model the metric as a function of the hyperparameters and try the most promising values."""
    RANDOM = "TUNING_STRATEGY_RANDOM"
    """Draw values at random; lets many jobs run in parallel without losing quality."""
    HYPERBAND = "TUNING_STRATEGY_HYPERBAND"
    """Start many jobs and stop the weaker ones early, giving more budget to the promising ones."""
    GRID = "TUNING_STRATEGY_GRID"
    """Try every combination of categorical values; only categorical ranges are allowed."""

    @property
    def api(self) -> str | None:
        """The string the target APIs expect for this value; None for the unset value."""
        return _TUNING_STRATEGY_API[self.value]

    @property
    def unsupported_in(self) -> tuple[str, ...]:
        """The targets that do not accept this value."""
        return _TUNING_STRATEGY_UNSUPPORTED_IN.get(self.value, ())


_TUNING_STRATEGY_API: dict[str, str | None] = {
    "TUNING_STRATEGY_UNSPECIFIED": None,
    "TUNING_STRATEGY_BAYESIAN": "Bayesian",
    "TUNING_STRATEGY_RANDOM": "Random",
    "TUNING_STRATEGY_HYPERBAND": "Hyperband",
    "TUNING_STRATEGY_GRID": "Grid",
}
_TUNING_STRATEGY_UNSUPPORTED_IN: dict[str, tuple[str, ...]] = {}


class WarmStartType(enum.Enum):
    """Relationship between a warm-started tuning job and its parents.

    A member's value is its proto value name, which is what proto3 JSON carries; `api` is the
    string the target APIs expect.
    """

    UNSPECIFIED = "WARM_START_TYPE_UNSPECIFIED"
    """Not set; a warm start must choose a type."""
    IDENTICAL_DATA_AND_ALGORITHM = "WARM_START_TYPE_IDENTICAL_DATA_AND_ALGORITHM"
    """Same data and same training image as the parents; only ranges and limits may differ."""
    TRANSFER_LEARNING = "WARM_START_TYPE_TRANSFER_LEARNING"
    """Different data, image or hyperparameters; the parents' results are used as prior knowledge."""

    @property
    def api(self) -> str | None:
        """The string the target APIs expect for this value; None for the unset value."""
        return _WARM_START_TYPE_API[self.value]

    @property
    def unsupported_in(self) -> tuple[str, ...]:
        """The targets that do not accept this value."""
        return _WARM_START_TYPE_UNSUPPORTED_IN.get(self.value, ())


_WARM_START_TYPE_API: dict[str, str | None] = {
    "WARM_START_TYPE_UNSPECIFIED": None,
    "WARM_START_TYPE_IDENTICAL_DATA_AND_ALGORITHM": "IdenticalDataAndAlgorithm",
    "WARM_START_TYPE_TRANSFER_LEARNING": "TransferLearning",
}
_WARM_START_TYPE_UNSUPPORTED_IN: dict[str, tuple[str, ...]] = {}


@dataclasses.dataclass(kw_only=True)
class BuiltinAlgorithmTrainingJob:
    """Trains a model with one of SageMaker's built-in algorithms (XGBoost, Linear Learner, BlazingText
    and so on) or with any ready-made training image, without running your own Python code.

    Name the algorithm and its version and the platform picks the matching image for the job's
    region from its configured image table, or give `training_image` directly. Each entry of
    `channels` becomes a task input of the same name that takes an S3 directory; the dictionary
    input `static_hyperparameters` is merged into `hyperparameters`. The task returns the trained
    model archive as the output `model`.

    Attributes:
        algorithm_name: Built-in algorithm to train with, as named in the platform's image table
            (for example `xgboost`). Together with `algorithm_version` and the job's region it
            selects the training image. Leave empty when you give `training_image` yourself.
            Rules: at most 64 characters; matches `^[A-Za-z0-9][A-Za-z0-9._-]*$`.
        algorithm_version: Version of the built-in algorithm, as written in the image table (for
            example `1.7-1`). It is always compared as text, so `0.90` and `0.9` are different
            versions.
            Rules: at most 64 characters; matches `^[A-Za-z0-9][A-Za-z0-9._-]*$`.
        training_image: Full registry path of the training image, for example
            `683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1`. Takes
            precedence over the image looked up from `algorithm_name`; one of the two must be
            given.
            Rules: at most 255 characters.
        input_mode: How the algorithm reads its training data: copied to local disk first (File),
            streamed (Pipe), or mounted on demand (FastFile). Channels may override it one by
            one.
        metric_definitions: Metrics SageMaker extracts from the training logs and publishes to
            CloudWatch. Built-in algorithms publish their own metrics; add definitions only for
            extra ones.
            Rules: at most 40 entries.
        channels: The data channels the algorithm reads (for XGBoost typically `train` and
            `validation`). Each channel becomes a task input named after it.
            Rules: required; 1 to 20 entries.
        hyperparameters: Hyperparameters passed to the algorithm, as strings (for example
            `num_round: "100"`). Values given through the `static_hyperparameters` input are
            added to these.
            Rules: at most 100 entries; keys and values of at most 256 characters.
        resources: The machines the job runs on.
            Rules: required.
        stopping_condition: Time limits after which SageMaker stops the job. When left out, the
            defaults of `StoppingCondition` apply (at most one day of training).
        enable_managed_spot_training: Run on spare EC2 capacity at a discount. The job may be
            interrupted and resumed; set `stopping_condition.max_wait_seconds` (required by
            SageMaker for spot jobs) and a `checkpoint` location so progress survives
            interruptions.
        checkpoint: Where the algorithm's checkpoints are synchronised to S3; needed to resume
            spot jobs.
        vpc: Private network to run the training instances in.
        output_path: S3 location under which SageMaker writes `<job name>/output/model.tar.gz`.
            Defaults to the Flyte output location of the attempt.
            Rules: at most 1024 characters; matches `^(https|s3)://([^/]+)/?(.*)$`.
        output_kms_key_id: KMS key (ID, ARN or alias) used to encrypt the model artifacts written
            to `output_path`.
            Rules: at most 2048 characters.
        enable_network_isolation: Cut the training container off from the network: it can neither
            call out nor be reached, apart from traffic between the job's own instances.
        enable_inter_container_traffic_encryption: Encrypt the traffic between the instances of a
            distributed job. Safer, but training can take longer.
        environment: Environment variables set in the training container. Do not put secrets
            here: they are visible in the job description.
            Rules: at most 100 entries; keys and values of at most 512 characters; keys match
            `^[a-zA-Z_][a-zA-Z0-9_]*$`.
            Not supported by target `operator`: The operator's TrainingJob has no environment
            field.
        max_retry_attempts: How many times SageMaker itself restarts the job after an internal
            SageMaker error, before Flyte's own retries come into play. Unset means no
            SageMaker-side retry.
            Rules: 1 to 30.
            Not supported by target `operator`: The operator's TrainingJob has no retry strategy.
        tags: AWS tags put on the training job, for cost allocation and access control.
            Rules: at most 50 entries; keys and values of at most 256 characters.
        role_arn: ARN of the IAM role SageMaker assumes to read the data, pull the image and
            write the model. Defaults to the execution's role (its security context, then the
            platform's configuration); with none of these, CreateTask fails naming every way to
            give one.
            Rules: required: when it is unset the backend fills it, or fails naming the other
            ways to give it; 20 to 2048 characters; matches
            `^arn:aws[a-z-]*:iam::[0-9]{12}:role/?[a-zA-Z_0-9+=,.@/-]+$`.
        region: AWS region the job runs in, for example `us-east-1`. Defaults to the platform's
            configured region. Data, image and KMS keys must be usable from this region.
            Rules: at most 32 characters; matches `^[a-z]{2}(-[a-z]+)+-[0-9]+$`.

    Rules between fields (checked by `validate`, and by the backend):
        image-source: one of `algorithm_name`, `training_image` must be set: the training image
            is looked up from `algorithm_name` or given as `training_image` (rule `image-source`)
        spot-needs-max-wait: `stopping_condition.max_wait_seconds` must be set when
            `enable_managed_spot_training` is set: SageMaker requires a total time limit for
            managed spot training (rule `spot-needs-max-wait`)
        max-wait-needs-spot: `enable_managed_spot_training` must be set when
            `stopping_condition.max_wait_seconds` is set: SageMaker accepts a wait limit only for
            managed spot training (rule `max-wait-needs-spot`)
    """

    algorithm_name: str = ""
    algorithm_version: str = ""
    training_image: str = ""
    input_mode: InputMode = InputMode.FILE
    metric_definitions: list[MetricDefinition] = dataclasses.field(default_factory=list)
    channels: list[Channel]
    hyperparameters: dict[str, str] = dataclasses.field(default_factory=dict)
    resources: ResourceConfig
    stopping_condition: StoppingCondition | None = None
    enable_managed_spot_training: bool = False
    checkpoint: CheckpointConfig | None = None
    vpc: VpcConfig | None = None
    output_path: str = ""
    output_kms_key_id: str = ""
    enable_network_isolation: bool = False
    enable_inter_container_traffic_encryption: bool = False
    environment: dict[str, str] = dataclasses.field(default_factory=dict)
    max_retry_attempts: int = 0
    tags: dict[str, str] = dataclasses.field(default_factory=dict)
    role_arn: str = ""
    region: str = ""

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ("image-source", "spot-needs-max-wait", "max-wait-needs-spot",)

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "algorithm_name")
        _support.expect(p, self.algorithm_name, str)
        if self.algorithm_name:
            _support.length(p, self.algorithm_name, None, 64)
            _support.pattern(p, self.algorithm_name, "^[A-Za-z0-9][A-Za-z0-9._-]*$")
        p = _support.join(path, "algorithm_version")
        _support.expect(p, self.algorithm_version, str)
        if self.algorithm_version:
            _support.length(p, self.algorithm_version, None, 64)
            _support.pattern(p, self.algorithm_version, "^[A-Za-z0-9][A-Za-z0-9._-]*$")
        p = _support.join(path, "training_image")
        _support.expect(p, self.training_image, str)
        if self.training_image:
            _support.length(p, self.training_image, None, 255)
        p = _support.join(path, "input_mode")
        _support.expect(p, self.input_mode, InputMode)
        _support.enum_target(p, self.input_mode, target)
        p = _support.join(path, "metric_definitions")
        _support.expect_list(p, self.metric_definitions)
        if self.metric_definitions:
            _support.count(p, self.metric_definitions, None, 40)
        for i, metric_definitions_item in enumerate(self.metric_definitions):
            q = f"{p}[{i}]"
            _support.expect(q, metric_definitions_item, MetricDefinition)
            metric_definitions_item.validate(q, target, container)
        p = _support.join(path, "channels")
        _support.expect_list(p, self.channels)
        _support.required(p, bool(self.channels))
        if self.channels:
            _support.count(p, self.channels, 1, 20)
        for i, channels_item in enumerate(self.channels):
            q = f"{p}[{i}]"
            _support.expect(q, channels_item, Channel)
            channels_item.validate(q, target, container)
        p = _support.join(path, "hyperparameters")
        _support.expect_map(p, self.hyperparameters)
        if self.hyperparameters:
            _support.count(p, self.hyperparameters, None, 100)
        for key, hyperparameters_item in self.hyperparameters.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, hyperparameters_item, str)
            _support.length(q, key, None, 256)
            _support.length(q, hyperparameters_item, None, 256)
        p = _support.join(path, "resources")
        _support.expect(p, self.resources, ResourceConfig, optional=True)
        _support.required(p, self.resources is not None)
        if self.resources is not None:
            self.resources.validate(p, target, container)
        p = _support.join(path, "stopping_condition")
        _support.expect(p, self.stopping_condition, StoppingCondition, optional=True)
        if self.stopping_condition is not None:
            self.stopping_condition.validate(p, target, container)
        p = _support.join(path, "enable_managed_spot_training")
        _support.expect(p, self.enable_managed_spot_training, bool)
        p = _support.join(path, "checkpoint")
        _support.expect(p, self.checkpoint, CheckpointConfig, optional=True)
        if self.checkpoint is not None:
            self.checkpoint.validate(p, target, container)
        p = _support.join(path, "vpc")
        _support.expect(p, self.vpc, VpcConfig, optional=True)
        if self.vpc is not None:
            self.vpc.validate(p, target, container)
        p = _support.join(path, "output_path")
        _support.expect(p, self.output_path, str)
        if self.output_path:
            _support.length(p, self.output_path, None, 1024)
            _support.pattern(p, self.output_path, "^(https|s3)://([^/]+)/?(.*)$")
        p = _support.join(path, "output_kms_key_id")
        _support.expect(p, self.output_kms_key_id, str)
        if self.output_kms_key_id:
            _support.length(p, self.output_kms_key_id, None, 2048)
        p = _support.join(path, "enable_network_isolation")
        _support.expect(p, self.enable_network_isolation, bool)
        p = _support.join(path, "enable_inter_container_traffic_encryption")
        _support.expect(p, self.enable_inter_container_traffic_encryption, bool)
        p = _support.join(path, "environment")
        _support.expect_map(p, self.environment)
        if self.environment:
            _support.count(p, self.environment, None, 100)
            _support.unsupported_field(p, target, {"operator": "The operator's TrainingJob has no environment field."})
        for key, environment_item in self.environment.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, environment_item, str)
            _support.length(q, key, None, 512)
            _support.pattern(q, key, "^[a-zA-Z_][a-zA-Z0-9_]*$")
            _support.length(q, environment_item, None, 512)
        p = _support.join(path, "max_retry_attempts")
        _support.expect_int(p, self.max_retry_attempts, "int64")
        if self.max_retry_attempts:
            _support.number_range(p, self.max_retry_attempts, 1, 30)
            _support.unsupported_field(p, target, {"operator": "The operator's TrainingJob has no retry strategy."})
        p = _support.join(path, "tags")
        _support.expect_map(p, self.tags)
        if self.tags:
            _support.count(p, self.tags, None, 50)
        for key, tags_item in self.tags.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, tags_item, str)
            _support.length(q, key, None, 256)
            _support.length(q, tags_item, None, 256)
        p = _support.join(path, "role_arn")
        _support.expect(p, self.role_arn, str)
        if self.role_arn:
            _support.length(p, self.role_arn, 20, 2048)
            _support.pattern(p, self.role_arn, "^arn:aws[a-z-]*:iam::[0-9]{12}:role/?[a-zA-Z_0-9+=,.@/-]+$")
        p = _support.join(path, "region")
        _support.expect(p, self.region, str)
        if self.region:
            _support.length(p, self.region, None, 32)
            _support.pattern(p, self.region, "^[a-z]{2}(-[a-z]+)+-[0-9]+$")
        # rule image-source
        if sum((len(self.algorithm_name) > 0, len(self.training_image) > 0)) == 0:
            _support.fail(_support.join(path, "algorithm_name"), "one of `algorithm_name`, `training_image` must be set: the training image is looked up from `algorithm_name` or given as `training_image` (rule `image-source`)")
        # rule spot-needs-max-wait
        if self.enable_managed_spot_training is True:
            if self.stopping_condition is None or self.stopping_condition.max_wait_seconds == 0:
                _support.fail(_support.join(path, "stopping_condition.max_wait_seconds"), "`stopping_condition.max_wait_seconds` must be set when `enable_managed_spot_training` is set: SageMaker requires a total time limit for managed spot training (rule `spot-needs-max-wait`)")
        # rule max-wait-needs-spot
        if self.stopping_condition is not None and self.stopping_condition.max_wait_seconds != 0:
            if self.enable_managed_spot_training is not True:
                _support.fail(_support.join(path, "enable_managed_spot_training"), "`enable_managed_spot_training` must be set when `stopping_condition.max_wait_seconds` is set: SageMaker accepts a wait limit only for managed spot training (rule `max-wait-needs-spot`)")

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.algorithm_name:
            out["algorithmName"] = self.algorithm_name
        if self.algorithm_version:
            out["algorithmVersion"] = self.algorithm_version
        if self.training_image:
            out["trainingImage"] = self.training_image
        if self.input_mode is not InputMode.UNSPECIFIED:
            out["inputMode"] = self.input_mode.value
        if self.metric_definitions:
            out["metricDefinitions"] = [item.to_dict() for item in self.metric_definitions]
        if self.channels:
            out["channels"] = [item.to_dict() for item in self.channels]
        if self.hyperparameters:
            out["hyperparameters"] = dict(self.hyperparameters)
        if self.resources is not None:
            out["resources"] = self.resources.to_dict()
        if self.stopping_condition is not None:
            out["stoppingCondition"] = self.stopping_condition.to_dict()
        if self.enable_managed_spot_training:
            out["enableManagedSpotTraining"] = self.enable_managed_spot_training
        if self.checkpoint is not None:
            out["checkpoint"] = self.checkpoint.to_dict()
        if self.vpc is not None:
            out["vpc"] = self.vpc.to_dict()
        if self.output_path:
            out["outputPath"] = self.output_path
        if self.output_kms_key_id:
            out["outputKmsKeyId"] = self.output_kms_key_id
        if self.enable_network_isolation:
            out["enableNetworkIsolation"] = self.enable_network_isolation
        if self.enable_inter_container_traffic_encryption:
            out["enableInterContainerTrafficEncryption"] = self.enable_inter_container_traffic_encryption
        if self.environment:
            out["environment"] = dict(self.environment)
        if self.max_retry_attempts:
            out["maxRetryAttempts"] = int(self.max_retry_attempts)
        if self.tags:
            out["tags"] = dict(self.tags)
        if self.role_arn:
            out["roleArn"] = self.role_arn
        if self.region:
            out["region"] = self.region
        return out


@dataclasses.dataclass(kw_only=True)
class CategoricalParameterRange:
    """A hyperparameter searched over a list of values, for example optimiser names.

    Attributes:
        name: Name of the hyperparameter as the algorithm expects it, for example `booster`.
            Rules: required; at most 256 characters.
        values: The values to try, as strings; between one and thirty of them.
            Rules: required; 1 to 30 entries; each at most 256 characters.
    """

    name: str
    values: list[str]

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "name")
        _support.expect(p, self.name, str)
        _support.required(p, bool(self.name))
        if self.name:
            _support.length(p, self.name, None, 256)
        p = _support.join(path, "values")
        _support.expect_list(p, self.values)
        _support.required(p, bool(self.values))
        if self.values:
            _support.count(p, self.values, 1, 30)
        for i, values_item in enumerate(self.values):
            q = f"{p}[{i}]"
            _support.expect(q, values_item, str)
            _support.length(q, values_item, None, 256)

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.name:
            out["name"] = self.name
        if self.values:
            out["values"] = list(self.values)
        return out


@dataclasses.dataclass(kw_only=True)
class Channel:
    """One named stream of training data read from S3. Inside the container it appears under
    `/opt/ml/input/data/<name>`. The S3 location is not fixed on the task: it comes from the task
    input of the same name at each execution.

    Attributes:
        name: Channel name, for example `train` or `validation`. It also names the task input
            that supplies the data. Letters, digits, `.`, `-` and `_` only.
            Rules: required; at most 64 characters; matches `^[A-Za-z0-9._-]+$`.
        s3_uri: S3 URI of the data. Filled from the task input named after the channel; leave it
            empty when defining the task.
            Rules: at most 1024 characters; matches `^(https|s3)://([^/]+)/?(.*)$`.
        content_type: MIME type of the data, for example `text/csv` or
            `application/x-recordio-protobuf`. Many built-in algorithms choose their parser from
            it.
            Rules: at most 256 characters.
        compression: Whether the objects are compressed. Only meaningful with Pipe input mode,
            where SageMaker decompresses while streaming.
        s3_data_type: What the S3 URI points at: a prefix holding the objects, or a manifest
            listing them.
        distribution: Whether every instance of a multi-instance job receives all the data or
            only its share.
        input_mode: Input mode for this channel only; when unset the job's input mode applies.
        attribute_names: For an augmented manifest: the attribute names to pass to the algorithm,
            in order (for example `source-ref` and a label attribute).
            Rules: at most 16 entries; each at most 256 characters.
    """

    name: str
    s3_uri: str = ""
    content_type: str = ""
    compression: CompressionType = CompressionType.UNSPECIFIED
    s3_data_type: S3DataType = S3DataType.S3_PREFIX
    distribution: S3DataDistribution = S3DataDistribution.FULLY_REPLICATED
    input_mode: InputMode = InputMode.UNSPECIFIED
    attribute_names: list[str] = dataclasses.field(default_factory=list)

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "name")
        _support.expect(p, self.name, str)
        _support.required(p, bool(self.name))
        if self.name:
            _support.length(p, self.name, None, 64)
            _support.pattern(p, self.name, "^[A-Za-z0-9._-]+$")
        p = _support.join(path, "s3_uri")
        _support.expect(p, self.s3_uri, str)
        if self.s3_uri:
            _support.length(p, self.s3_uri, None, 1024)
            _support.pattern(p, self.s3_uri, "^(https|s3)://([^/]+)/?(.*)$")
        p = _support.join(path, "content_type")
        _support.expect(p, self.content_type, str)
        if self.content_type:
            _support.length(p, self.content_type, None, 256)
        p = _support.join(path, "compression")
        _support.expect(p, self.compression, CompressionType)
        _support.enum_target(p, self.compression, target)
        p = _support.join(path, "s3_data_type")
        _support.expect(p, self.s3_data_type, S3DataType)
        _support.enum_target(p, self.s3_data_type, target)
        p = _support.join(path, "distribution")
        _support.expect(p, self.distribution, S3DataDistribution)
        _support.enum_target(p, self.distribution, target)
        p = _support.join(path, "input_mode")
        _support.expect(p, self.input_mode, InputMode)
        _support.enum_target(p, self.input_mode, target)
        p = _support.join(path, "attribute_names")
        _support.expect_list(p, self.attribute_names)
        if self.attribute_names:
            _support.count(p, self.attribute_names, None, 16)
        for i, attribute_names_item in enumerate(self.attribute_names):
            q = f"{p}[{i}]"
            _support.expect(q, attribute_names_item, str)
            _support.length(q, attribute_names_item, None, 256)

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.name:
            out["name"] = self.name
        if self.s3_uri:
            out["s3Uri"] = self.s3_uri
        if self.content_type:
            out["contentType"] = self.content_type
        if self.compression is not CompressionType.UNSPECIFIED:
            out["compression"] = self.compression.value
        if self.s3_data_type is not S3DataType.UNSPECIFIED:
            out["s3DataType"] = self.s3_data_type.value
        if self.distribution is not S3DataDistribution.UNSPECIFIED:
            out["distribution"] = self.distribution.value
        if self.input_mode is not InputMode.UNSPECIFIED:
            out["inputMode"] = self.input_mode.value
        if self.attribute_names:
            out["attributeNames"] = list(self.attribute_names)
        return out


@dataclasses.dataclass(kw_only=True)
class CheckpointConfig:
    """Where a training job's local checkpoint directory is mirrored in S3. SageMaker uploads what
    the job writes there and restores it when a spot job resumes.

    Attributes:
        s3_uri: S3 URI the checkpoints are copied to, for example
            `s3://bucket/checkpoints/run-42/`.
            Rules: required; at most 1024 characters; matches `^(https|s3)://([^/]+)/?(.*)$`.
        local_path: Directory inside the container that holds the checkpoints. SageMaker uses
            /opt/ml/checkpoints when unset.
            Rules: at most 4096 characters.
    """

    s3_uri: str
    local_path: str = ""

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "s3_uri")
        _support.expect(p, self.s3_uri, str)
        _support.required(p, bool(self.s3_uri))
        if self.s3_uri:
            _support.length(p, self.s3_uri, None, 1024)
            _support.pattern(p, self.s3_uri, "^(https|s3)://([^/]+)/?(.*)$")
        p = _support.join(path, "local_path")
        _support.expect(p, self.local_path, str)
        if self.local_path:
            _support.length(p, self.local_path, None, 4096)

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.s3_uri:
            out["s3Uri"] = self.s3_uri
        if self.local_path:
            out["localPath"] = self.local_path
        return out


@dataclasses.dataclass(kw_only=True)
class ContinuousParameterRange:
    """A hyperparameter searched over an interval of real numbers. Always set both bounds, including
    a bound of zero.

    Attributes:
        name: Name of the hyperparameter as the algorithm expects it, for example `eta`.
            Rules: required; at most 256 characters.
        min_value: Smallest value to try. Sent to SageMaker as text without losing precision
            (`1e-07`).
        max_value: Largest value to try; must not be below `min_value`.
            Rules: at least `min_value`.
        scaling_type: How values are spread over the interval; logarithmic scaling suits ranges
            spanning orders of magnitude, such as learning rates.

    Rules between fields (checked by `validate`, and by the backend):
        bounds-set: `min_value` and `max_value` must both be set: SageMaker needs both ends of
            the interval, a bound of zero included (rule `bounds-set`)
        log-needs-positive-min: `min_value` must be > 0 when `scaling_type` is Logarithmic: a
            logarithmic scale has no zero or negative values (rule `log-needs-positive-min`)
    """

    name: str
    min_value: float | None = None
    max_value: float | None = None
    scaling_type: ScalingType = ScalingType.AUTO

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ("bounds-set", "log-needs-positive-min",)

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "name")
        _support.expect(p, self.name, str)
        _support.required(p, bool(self.name))
        if self.name:
            _support.length(p, self.name, None, 256)
        p = _support.join(path, "min_value")
        _support.expect_float(p, self.min_value, optional=True)
        p = _support.join(path, "max_value")
        _support.expect_float(p, self.max_value, optional=True)
        if self.max_value is not None:
            if self.min_value is not None:
                _support.at_least(p, self.max_value, "min_value", self.min_value)
        p = _support.join(path, "scaling_type")
        _support.expect(p, self.scaling_type, ScalingType)
        _support.enum_target(p, self.scaling_type, target)
        # rule bounds-set
        if self.min_value is None:
            _support.fail(_support.join(path, "min_value"), "`min_value` and `max_value` must both be set: SageMaker needs both ends of the interval, a bound of zero included (rule `bounds-set`)")
        if self.max_value is None:
            _support.fail(_support.join(path, "max_value"), "`min_value` and `max_value` must both be set: SageMaker needs both ends of the interval, a bound of zero included (rule `bounds-set`)")
        # rule log-needs-positive-min
        if self.scaling_type in (ScalingType.LOGARITHMIC,):
            if self.min_value is not None and not (self.min_value > 0.0):
                _support.fail(_support.join(path, "min_value"), "`min_value` must be > 0 when `scaling_type` is Logarithmic: a logarithmic scale has no zero or negative values (rule `log-needs-positive-min`)")

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.name:
            out["name"] = self.name
        if self.min_value is not None:
            out["minValue"] = _support.double(self.min_value)
        if self.max_value is not None:
            out["maxValue"] = _support.double(self.max_value)
        if self.scaling_type is not ScalingType.UNSPECIFIED:
            out["scalingType"] = self.scaling_type.value
        return out


@dataclasses.dataclass(kw_only=True)
class CustomTrainingJob:
    """Runs the Flyte task's own container image as a SageMaker training job, so that a Python
    function decorated as a task trains on SageMaker instances (including multi-instance
    distributed training) while keeping its normal Flyte inputs and outputs.

    The image must be in ECR and run this plugin's `sagemaker-entrypoint` as SageMaker's `train`
    program. The backend hands it the Flyte command as JSON text cut into numbered pieces: with ACK
    in the environment variables `FLYTE_SAGEMAKER_COMMAND_0`, `FLYTE_SAGEMAKER_COMMAND_1`, ...; with
    the operator, which has no environment field, in hyperparameters named `_flyte_cmd_0`,
    `_flyte_cmd_1`, ...; the pieces joined in index order form the JSON text. flytekit inside the
    container reads the task inputs and writes the task outputs itself, so the job needs network
    access to S3 (do not combine with network isolation).

    Inside the job a hyperparameter named like an input of the function sets that input (converted
    to its type), the function can ask which host it runs on (`host_context()`), only the first host
    writes the Flyte outputs, a function that raises fails the job with its error as SageMaker's
    failure reason, and `report_metric(name, value)` prints the line that a metric definition made
    with `metric_regex(name)` reads.

    Attributes:
        input_mode: How the container reads the channel data: copied to local disk first (File),
            streamed (Pipe), or mounted on demand (FastFile). Channels may override it one by
            one.
        metric_definitions: Metrics SageMaker extracts from the container's log output and
            publishes to CloudWatch, for example a `train:loss` metric matched by
            `loss=([0-9.]+)`.
            Rules: at most 40 entries.
        channels: Optional S3 data channels that SageMaker copies or streams into the container,
            next to the inputs flytekit downloads itself. Each channel becomes a task input named
            after it.
            Rules: at most 20 entries.
        hyperparameters: Extra hyperparameters written to
            /opt/ml/input/config/hyperparameters.json in the container. With the operator they
            share SageMaker's limit of 100 entries with the `_flyte_cmd_*` entries that carry the
            Flyte command, so keep them few and avoid that prefix.
            Rules: at most 100 entries; keys and values of at most 256 characters.
        distributed_protocol: Not supported: SageMaker itself starts no MPI (its framework
            containers run `mpirun` over SSH between the hosts, which a Flyte task image does not
            do), so MPI would promise what nothing delivers. Kept only so that payloads
            registered with it decode and are refused with this reason; a multi-host function
            reads its host context instead (`host_context()`).
            Not supported by target `ack`: SageMaker starts no MPI for a task's own image; read
            host_context() in the function instead.
            Not supported by target `operator`: SageMaker starts no MPI for a task's own image;
            read host_context() in the function instead.
        resources: The machines the job runs on. More than one instance makes it a distributed
            job.
            Rules: required.
        stopping_condition: Time limits after which SageMaker stops the job. When left out, the
            defaults of `StoppingCondition` apply (at most one day of training).
        enable_managed_spot_training: Run on spare EC2 capacity at a discount. The job may be
            interrupted and resumed; set `stopping_condition.max_wait_seconds` (required by
            SageMaker for spot jobs) and a `checkpoint` location, and make the function resume
            from /opt/ml/checkpoints.
        checkpoint: Where the container's checkpoint directory is synchronised to S3; needed to
            resume spot jobs.
        vpc: Private network to run the training instances in. The network must still reach S3
            for flytekit to read inputs and write outputs.
        output_path: S3 location under which SageMaker uploads whatever the container leaves in
            /opt/ml/model (as `<job name>/output/model.tar.gz`). Defaults to the Flyte output
            location of the attempt. The task's Flyte outputs are written by flytekit and do not
            depend on it.
            Rules: at most 1024 characters; matches `^(https|s3)://([^/]+)/?(.*)$`.
        output_kms_key_id: KMS key (ID, ARN or alias) used to encrypt what SageMaker uploads to
            `output_path`.
            Rules: at most 2048 characters.
        enable_network_isolation: Cut the training container off from the network. Refused:
            flytekit in the container fetches the task's inputs and uploads its outputs, which
            needs the network. Kept so that registered payloads decode.
        enable_inter_container_traffic_encryption: Encrypt the traffic between the instances of a
            distributed job. Safer, but training can take longer.
        environment: Environment variables set in the training container, in addition to the one
            that carries the Flyte command and those of `@task(environment=...)` (with ACK). Do
            not put secrets here: they are visible in the job description.
            Rules: at most 100 entries; keys and values of at most 512 characters; keys match
            `^[a-zA-Z_][a-zA-Z0-9_]*$`.
            Not supported by target `operator`: The operator's TrainingJob has no environment
            field.
        max_retry_attempts: How many times SageMaker itself restarts the job after an internal
            SageMaker error, before Flyte's own retries come into play. Unset means no
            SageMaker-side retry.
            Rules: 1 to 30.
            Not supported by target `operator`: The operator's TrainingJob has no retry strategy.
        tags: AWS tags put on the training job, for cost allocation and access control.
            Rules: at most 50 entries; keys and values of at most 256 characters.
        role_arn: ARN of the IAM role SageMaker assumes to pull the image, read data and write
            artifacts; the container's own AWS calls (flytekit's S3 access included) also run
            with it. Defaults to the execution's role (its security context, then the platform's
            configuration); with none of these, CreateTask fails naming every way to give one.
            Rules: required: when it is unset the backend fills it, or fails naming the other
            ways to give it; 20 to 2048 characters; matches
            `^arn:aws[a-z-]*:iam::[0-9]{12}:role/?[a-zA-Z_0-9+=,.@/-]+$`.
        region: AWS region the job runs in, for example `us-east-1`. Defaults to the platform's
            configured region. The image must be pullable from ECR in this region.
            Rules: at most 32 characters; matches `^[a-z]{2}(-[a-z]+)+-[0-9]+$`.

    Rules between fields (checked by `validate`, and by the backend):
        no-network-isolation: not allowed: `enable_network_isolation` is set: flytekit in the
            container reads the task's inputs and writes its outputs over the network (rule
            `no-network-isolation`)
        spot-needs-max-wait: `stopping_condition.max_wait_seconds` must be set when
            `enable_managed_spot_training` is set: SageMaker requires a total time limit for
            managed spot training (rule `spot-needs-max-wait`)
        max-wait-needs-spot: `enable_managed_spot_training` must be set when
            `stopping_condition.max_wait_seconds` is set: SageMaker accepts a wait limit only for
            managed spot training (rule `max-wait-needs-spot`)
    """

    input_mode: InputMode = InputMode.FILE
    metric_definitions: list[MetricDefinition] = dataclasses.field(default_factory=list)
    channels: list[Channel] = dataclasses.field(default_factory=list)
    hyperparameters: dict[str, str] = dataclasses.field(default_factory=dict)
    distributed_protocol: DistributedProtocol = DistributedProtocol.UNSPECIFIED
    resources: ResourceConfig
    stopping_condition: StoppingCondition | None = None
    enable_managed_spot_training: bool = False
    checkpoint: CheckpointConfig | None = None
    vpc: VpcConfig | None = None
    output_path: str = ""
    output_kms_key_id: str = ""
    enable_network_isolation: bool = False
    enable_inter_container_traffic_encryption: bool = False
    environment: dict[str, str] = dataclasses.field(default_factory=dict)
    max_retry_attempts: int = 0
    tags: dict[str, str] = dataclasses.field(default_factory=dict)
    role_arn: str = ""
    region: str = ""

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ("no-network-isolation", "spot-needs-max-wait", "max-wait-needs-spot",)

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "input_mode")
        _support.expect(p, self.input_mode, InputMode)
        _support.enum_target(p, self.input_mode, target)
        p = _support.join(path, "metric_definitions")
        _support.expect_list(p, self.metric_definitions)
        if self.metric_definitions:
            _support.count(p, self.metric_definitions, None, 40)
        for i, metric_definitions_item in enumerate(self.metric_definitions):
            q = f"{p}[{i}]"
            _support.expect(q, metric_definitions_item, MetricDefinition)
            metric_definitions_item.validate(q, target, container)
        p = _support.join(path, "channels")
        _support.expect_list(p, self.channels)
        if self.channels:
            _support.count(p, self.channels, None, 20)
        for i, channels_item in enumerate(self.channels):
            q = f"{p}[{i}]"
            _support.expect(q, channels_item, Channel)
            channels_item.validate(q, target, container)
        p = _support.join(path, "hyperparameters")
        _support.expect_map(p, self.hyperparameters)
        if self.hyperparameters:
            _support.count(p, self.hyperparameters, None, 100)
        for key, hyperparameters_item in self.hyperparameters.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, hyperparameters_item, str)
            _support.length(q, key, None, 256)
            _support.length(q, hyperparameters_item, None, 256)
        p = _support.join(path, "distributed_protocol")
        _support.expect(p, self.distributed_protocol, DistributedProtocol)
        _support.enum_target(p, self.distributed_protocol, target)
        if self.distributed_protocol is not DistributedProtocol.UNSPECIFIED:
            _support.unsupported_field(p, target, {"ack": "SageMaker starts no MPI for a task's own image; read host_context() in the function instead.", "operator": "SageMaker starts no MPI for a task's own image; read host_context() in the function instead."}, everywhere=True)
        p = _support.join(path, "resources")
        _support.expect(p, self.resources, ResourceConfig, optional=True)
        _support.required(p, self.resources is not None)
        if self.resources is not None:
            self.resources.validate(p, target, container)
        p = _support.join(path, "stopping_condition")
        _support.expect(p, self.stopping_condition, StoppingCondition, optional=True)
        if self.stopping_condition is not None:
            self.stopping_condition.validate(p, target, container)
        p = _support.join(path, "enable_managed_spot_training")
        _support.expect(p, self.enable_managed_spot_training, bool)
        p = _support.join(path, "checkpoint")
        _support.expect(p, self.checkpoint, CheckpointConfig, optional=True)
        if self.checkpoint is not None:
            self.checkpoint.validate(p, target, container)
        p = _support.join(path, "vpc")
        _support.expect(p, self.vpc, VpcConfig, optional=True)
        if self.vpc is not None:
            self.vpc.validate(p, target, container)
        p = _support.join(path, "output_path")
        _support.expect(p, self.output_path, str)
        if self.output_path:
            _support.length(p, self.output_path, None, 1024)
            _support.pattern(p, self.output_path, "^(https|s3)://([^/]+)/?(.*)$")
        p = _support.join(path, "output_kms_key_id")
        _support.expect(p, self.output_kms_key_id, str)
        if self.output_kms_key_id:
            _support.length(p, self.output_kms_key_id, None, 2048)
        p = _support.join(path, "enable_network_isolation")
        _support.expect(p, self.enable_network_isolation, bool)
        p = _support.join(path, "enable_inter_container_traffic_encryption")
        _support.expect(p, self.enable_inter_container_traffic_encryption, bool)
        p = _support.join(path, "environment")
        _support.expect_map(p, self.environment)
        if self.environment:
            _support.count(p, self.environment, None, 100)
            _support.unsupported_field(p, target, {"operator": "The operator's TrainingJob has no environment field."})
        for key, environment_item in self.environment.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, environment_item, str)
            _support.length(q, key, None, 512)
            _support.pattern(q, key, "^[a-zA-Z_][a-zA-Z0-9_]*$")
            _support.length(q, environment_item, None, 512)
        p = _support.join(path, "max_retry_attempts")
        _support.expect_int(p, self.max_retry_attempts, "int64")
        if self.max_retry_attempts:
            _support.number_range(p, self.max_retry_attempts, 1, 30)
            _support.unsupported_field(p, target, {"operator": "The operator's TrainingJob has no retry strategy."})
        p = _support.join(path, "tags")
        _support.expect_map(p, self.tags)
        if self.tags:
            _support.count(p, self.tags, None, 50)
        for key, tags_item in self.tags.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, tags_item, str)
            _support.length(q, key, None, 256)
            _support.length(q, tags_item, None, 256)
        p = _support.join(path, "role_arn")
        _support.expect(p, self.role_arn, str)
        if self.role_arn:
            _support.length(p, self.role_arn, 20, 2048)
            _support.pattern(p, self.role_arn, "^arn:aws[a-z-]*:iam::[0-9]{12}:role/?[a-zA-Z_0-9+=,.@/-]+$")
        p = _support.join(path, "region")
        _support.expect(p, self.region, str)
        if self.region:
            _support.length(p, self.region, None, 32)
            _support.pattern(p, self.region, "^[a-z]{2}(-[a-z]+)+-[0-9]+$")
        # rule no-network-isolation
        if self.enable_network_isolation is True:
            _support.fail(_support.join(path, "enable_network_isolation"), "not allowed: `enable_network_isolation` is set: flytekit in the container reads the task's inputs and writes its outputs over the network (rule `no-network-isolation`)")
        # rule spot-needs-max-wait
        if self.enable_managed_spot_training is True:
            if self.stopping_condition is None or self.stopping_condition.max_wait_seconds == 0:
                _support.fail(_support.join(path, "stopping_condition.max_wait_seconds"), "`stopping_condition.max_wait_seconds` must be set when `enable_managed_spot_training` is set: SageMaker requires a total time limit for managed spot training (rule `spot-needs-max-wait`)")
        # rule max-wait-needs-spot
        if self.stopping_condition is not None and self.stopping_condition.max_wait_seconds != 0:
            if self.enable_managed_spot_training is not True:
                _support.fail(_support.join(path, "enable_managed_spot_training"), "`enable_managed_spot_training` must be set when `stopping_condition.max_wait_seconds` is set: SageMaker accepts a wait limit only for managed spot training (rule `max-wait-needs-spot`)")

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.input_mode is not InputMode.UNSPECIFIED:
            out["inputMode"] = self.input_mode.value
        if self.metric_definitions:
            out["metricDefinitions"] = [item.to_dict() for item in self.metric_definitions]
        if self.channels:
            out["channels"] = [item.to_dict() for item in self.channels]
        if self.hyperparameters:
            out["hyperparameters"] = dict(self.hyperparameters)
        if self.distributed_protocol is not DistributedProtocol.UNSPECIFIED:
            out["distributedProtocol"] = self.distributed_protocol.value
        if self.resources is not None:
            out["resources"] = self.resources.to_dict()
        if self.stopping_condition is not None:
            out["stoppingCondition"] = self.stopping_condition.to_dict()
        if self.enable_managed_spot_training:
            out["enableManagedSpotTraining"] = self.enable_managed_spot_training
        if self.checkpoint is not None:
            out["checkpoint"] = self.checkpoint.to_dict()
        if self.vpc is not None:
            out["vpc"] = self.vpc.to_dict()
        if self.output_path:
            out["outputPath"] = self.output_path
        if self.output_kms_key_id:
            out["outputKmsKeyId"] = self.output_kms_key_id
        if self.enable_network_isolation:
            out["enableNetworkIsolation"] = self.enable_network_isolation
        if self.enable_inter_container_traffic_encryption:
            out["enableInterContainerTrafficEncryption"] = self.enable_inter_container_traffic_encryption
        if self.environment:
            out["environment"] = dict(self.environment)
        if self.max_retry_attempts:
            out["maxRetryAttempts"] = int(self.max_retry_attempts)
        if self.tags:
            out["tags"] = dict(self.tags)
        if self.role_arn:
            out["roleArn"] = self.role_arn
        if self.region:
            out["region"] = self.region
        return out


@dataclasses.dataclass(kw_only=True)
class HyperparameterTuningJob:
    """Searches for the best hyperparameters by running many training jobs and keeping the one with
    the best value of an objective metric.

    The training jobs run either a built-in algorithm (name it, or give `training_image`) or the
    image of a custom training task (`container_task` in the SDK), which then receives the Flyte
    command through hyperparameters `_flyte_cmd_0`, `_flyte_cmd_1`, ... as in custom training. Each
    hyperparameter you tune is declared in exactly one of the three range lists; everything else
    goes in `hyperparameters`, which must not repeat a tuned name. When tuning a custom training
    task, every tuned name must be an input of its function: each trial calls the function with the
    values SageMaker chose for it, and the tuning task itself does not take those inputs. The task
    returns the best job's model, its name and its objective value.

    Attributes:
        algorithm_name: Built-in algorithm the training jobs run, as named in the platform's
            image table (for example `xgboost`). Leave empty when giving `training_image` or when
            tuning the task's own container.
            Rules: at most 64 characters; matches `^[A-Za-z0-9][A-Za-z0-9._-]*$`.
        algorithm_version: Version of the built-in algorithm, as written in the image table (for
            example `1.7-1`), compared as text.
            Rules: at most 64 characters; matches `^[A-Za-z0-9][A-Za-z0-9._-]*$`.
        training_image: Full registry path of the image the training jobs run. Takes precedence
            over the image looked up from `algorithm_name` and over the task's own container
            image.
            Rules: at most 255 characters.
        objective: The metric the search optimises and whether lower or higher is better.
            Rules: required.
        continuous_ranges: Hyperparameters searched over a range of real numbers.
            Rules: at most 30 entries.
        integer_ranges: Hyperparameters searched over a range of whole numbers.
            Rules: at most 30 entries.
        categorical_ranges: Hyperparameters searched over a fixed set of values.
            Rules: at most 30 entries.
        strategy: How the next hyperparameter values are chosen.
        max_number_of_training_jobs: Upper bound on the number of training jobs the search
            launches in total. The operator's CRD requires it; with the Grid strategy SageMaker
            derives the count from the categorical values.
            Rules: at least 1.
        max_parallel_training_jobs: How many training jobs run at the same time. More parallel
            jobs finish the search sooner, but the Bayesian strategy learns less from each round.
            Rules: required; at least 1.
        early_stopping: Whether SageMaker may stop training jobs early that are unlikely to beat
            the best one so far.
        warm_start: Continue from earlier tuning jobs instead of starting the search from
            scratch.
        input_mode: How each training job reads its data: copied to local disk first (File),
            streamed (Pipe), or mounted on demand (FastFile). Channels may override it one by
            one.
        metric_definitions: Metrics SageMaker extracts from the training logs. When tuning your
            own container, the objective metric must be defined here.
            Rules: at most 40 entries.
        channels: The data channels every training job of the search reads. Each channel becomes
            a task input named after it.
            Rules: at most 20 entries.
        hyperparameters: Hyperparameters that stay the same in every training job of the search,
            as strings. A name that is also tuned in one of the range lists is rejected.
            Rules: at most 100 entries; keys and values of at most 256 characters; keys not named
            in `continuous_ranges`, `integer_ranges`, `categorical_ranges`.
        distributed_protocol: Not supported, as in `CustomTrainingJob`; kept only so that
            registered payloads decode.
            Not supported by target `ack`: SageMaker starts no MPI for a task's own image; read
            host_context() in the function instead.
            Not supported by target `operator`: SageMaker starts no MPI for a task's own image;
            read host_context() in the function instead.
        resources: The machines each training job of the search runs on.
            Rules: required.
        stopping_condition: Time limits applied to each training job of the search. When left
            out, the defaults of `StoppingCondition` apply.
        enable_managed_spot_training: Run the training jobs on spare EC2 capacity at a discount;
            set `stopping_condition.max_wait_seconds` as well.
        checkpoint: Where the training jobs' checkpoints are synchronised to S3.
        vpc: Private network to run the training instances in.
        output_path: S3 location under which every training job of the search writes `<job
            name>/output/model.tar.gz`. Defaults to the Flyte output location of the attempt.
            Rules: at most 1024 characters; matches `^(https|s3)://([^/]+)/?(.*)$`.
        output_kms_key_id: KMS key (ID, ARN or alias) used to encrypt the model artifacts of the
            training jobs.
            Rules: at most 2048 characters.
        enable_network_isolation: Cut the training containers off from the network. Not usable
            when tuning your own container, which needs S3 access for flytekit.
        enable_inter_container_traffic_encryption: Encrypt the traffic between the instances of
            each distributed training job.
        environment: Environment variables for the training containers. Not available for tuning
            jobs yet: setting it is an error with either controller.
            Not supported by target `ack`: The ACK HyperParameterTuningJob's training job
            definition has no environment field.
            Not supported by target `operator`: The operator's HyperparameterTuningJob has no
            environment field.
        max_retry_attempts: How many times SageMaker itself restarts a training job of the search
            after an internal SageMaker error.
            Rules: 1 to 30.
            Not supported by target `operator`: The operator's HyperparameterTuningJob has no
            retry strategy.
        tags: AWS tags put on the tuning job, for cost allocation and access control.
            Rules: at most 50 entries; keys and values of at most 256 characters.
        role_arn: ARN of the IAM role SageMaker assumes for every training job of the search.
            Defaults to the execution's role (its security context, then the platform's
            configuration); with none of these, CreateTask fails naming every way to give one.
            Rules: required: when it is unset the backend fills it, or fails naming the other
            ways to give it; 20 to 2048 characters; matches
            `^arn:aws[a-z-]*:iam::[0-9]{12}:role/?[a-zA-Z_0-9+=,.@/-]+$`.
        region: AWS region the tuning job runs in, for example `us-east-1`. Defaults to the
            platform's configured region.
            Rules: at most 32 characters; matches `^[a-z]{2}(-[a-z]+)+-[0-9]+$`.

    Rules between fields (checked by `validate`, and by the backend):
        image-source: one of `algorithm_name`, `training_image` must be set when the task runs no
            container: without a container task, the image is looked up from `algorithm_name` or
            given as `training_image` (rule `image-source`)
        no-algorithm-with-container: not allowed: the task runs a container (its own or
            `container_task`) and `algorithm_name` is set: the training jobs run the container
            task's image (rule `no-algorithm-with-container`)
        no-network-isolation-with-container: not allowed: the task runs a container (its own or
            `container_task`) and `enable_network_isolation` is set: flytekit in the container
            reads the task's inputs and writes its outputs over the network (rule
            `no-network-isolation-with-container`)
        objective-metric-defined: `objective.metric_name` must be the `name` of one of
            `metric_definitions` when the task runs a container (its own or `container_task`): a
            custom container publishes only the metrics defined in `metric_definitions` (rule
            `objective-metric-defined`)
        tuned-once: a name may appear only once across `continuous_ranges.name`,
            `integer_ranges.name`, `categorical_ranges.name`: each tuned hyperparameter is
            declared in exactly one range (rule `tuned-once`)
        grid-only-categorical: `continuous_ranges` and `integer_ranges` must not be set when
            `strategy` is Grid: the Grid strategy tries every combination of categorical values
            (rule `grid-only-categorical`)
        spot-needs-max-wait: `stopping_condition.max_wait_seconds` must be set when
            `enable_managed_spot_training` is set: SageMaker requires a total time limit for
            managed spot training (rule `spot-needs-max-wait`)
        max-wait-needs-spot: `enable_managed_spot_training` must be set when
            `stopping_condition.max_wait_seconds` is set: SageMaker accepts a wait limit only for
            managed spot training (rule `max-wait-needs-spot`)
    """

    algorithm_name: str = ""
    algorithm_version: str = ""
    training_image: str = ""
    objective: TuningObjective
    continuous_ranges: list[ContinuousParameterRange] = dataclasses.field(default_factory=list)
    integer_ranges: list[IntegerParameterRange] = dataclasses.field(default_factory=list)
    categorical_ranges: list[CategoricalParameterRange] = dataclasses.field(default_factory=list)
    strategy: TuningStrategy = TuningStrategy.BAYESIAN
    max_number_of_training_jobs: int = 0
    max_parallel_training_jobs: int
    early_stopping: EarlyStoppingType = EarlyStoppingType.OFF
    warm_start: WarmStartConfig | None = None
    input_mode: InputMode = InputMode.FILE
    metric_definitions: list[MetricDefinition] = dataclasses.field(default_factory=list)
    channels: list[Channel] = dataclasses.field(default_factory=list)
    hyperparameters: dict[str, str] = dataclasses.field(default_factory=dict)
    distributed_protocol: DistributedProtocol = DistributedProtocol.UNSPECIFIED
    resources: ResourceConfig
    stopping_condition: StoppingCondition | None = None
    enable_managed_spot_training: bool = False
    checkpoint: CheckpointConfig | None = None
    vpc: VpcConfig | None = None
    output_path: str = ""
    output_kms_key_id: str = ""
    enable_network_isolation: bool = False
    enable_inter_container_traffic_encryption: bool = False
    environment: dict[str, str] = dataclasses.field(default_factory=dict)
    max_retry_attempts: int = 0
    tags: dict[str, str] = dataclasses.field(default_factory=dict)
    role_arn: str = ""
    region: str = ""

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ("image-source", "no-algorithm-with-container", "no-network-isolation-with-container", "objective-metric-defined", "tuned-once", "grid-only-categorical", "spot-needs-max-wait", "max-wait-needs-spot",)

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "algorithm_name")
        _support.expect(p, self.algorithm_name, str)
        if self.algorithm_name:
            _support.length(p, self.algorithm_name, None, 64)
            _support.pattern(p, self.algorithm_name, "^[A-Za-z0-9][A-Za-z0-9._-]*$")
        p = _support.join(path, "algorithm_version")
        _support.expect(p, self.algorithm_version, str)
        if self.algorithm_version:
            _support.length(p, self.algorithm_version, None, 64)
            _support.pattern(p, self.algorithm_version, "^[A-Za-z0-9][A-Za-z0-9._-]*$")
        p = _support.join(path, "training_image")
        _support.expect(p, self.training_image, str)
        if self.training_image:
            _support.length(p, self.training_image, None, 255)
        p = _support.join(path, "objective")
        _support.expect(p, self.objective, TuningObjective, optional=True)
        _support.required(p, self.objective is not None)
        if self.objective is not None:
            self.objective.validate(p, target, container)
        p = _support.join(path, "continuous_ranges")
        _support.expect_list(p, self.continuous_ranges)
        if self.continuous_ranges:
            _support.count(p, self.continuous_ranges, None, 30)
        for i, continuous_ranges_item in enumerate(self.continuous_ranges):
            q = f"{p}[{i}]"
            _support.expect(q, continuous_ranges_item, ContinuousParameterRange)
            continuous_ranges_item.validate(q, target, container)
        p = _support.join(path, "integer_ranges")
        _support.expect_list(p, self.integer_ranges)
        if self.integer_ranges:
            _support.count(p, self.integer_ranges, None, 30)
        for i, integer_ranges_item in enumerate(self.integer_ranges):
            q = f"{p}[{i}]"
            _support.expect(q, integer_ranges_item, IntegerParameterRange)
            integer_ranges_item.validate(q, target, container)
        p = _support.join(path, "categorical_ranges")
        _support.expect_list(p, self.categorical_ranges)
        if self.categorical_ranges:
            _support.count(p, self.categorical_ranges, None, 30)
        for i, categorical_ranges_item in enumerate(self.categorical_ranges):
            q = f"{p}[{i}]"
            _support.expect(q, categorical_ranges_item, CategoricalParameterRange)
            categorical_ranges_item.validate(q, target, container)
        p = _support.join(path, "strategy")
        _support.expect(p, self.strategy, TuningStrategy)
        _support.enum_target(p, self.strategy, target)
        p = _support.join(path, "max_number_of_training_jobs")
        _support.expect_int(p, self.max_number_of_training_jobs, "int64")
        if self.max_number_of_training_jobs:
            _support.number_range(p, self.max_number_of_training_jobs, 1, None)
        p = _support.join(path, "max_parallel_training_jobs")
        _support.expect_int(p, self.max_parallel_training_jobs, "int64")
        _support.required(p, bool(self.max_parallel_training_jobs))
        if self.max_parallel_training_jobs:
            _support.number_range(p, self.max_parallel_training_jobs, 1, None)
        p = _support.join(path, "early_stopping")
        _support.expect(p, self.early_stopping, EarlyStoppingType)
        _support.enum_target(p, self.early_stopping, target)
        p = _support.join(path, "warm_start")
        _support.expect(p, self.warm_start, WarmStartConfig, optional=True)
        if self.warm_start is not None:
            self.warm_start.validate(p, target, container)
        p = _support.join(path, "input_mode")
        _support.expect(p, self.input_mode, InputMode)
        _support.enum_target(p, self.input_mode, target)
        p = _support.join(path, "metric_definitions")
        _support.expect_list(p, self.metric_definitions)
        if self.metric_definitions:
            _support.count(p, self.metric_definitions, None, 40)
        for i, metric_definitions_item in enumerate(self.metric_definitions):
            q = f"{p}[{i}]"
            _support.expect(q, metric_definitions_item, MetricDefinition)
            metric_definitions_item.validate(q, target, container)
        p = _support.join(path, "channels")
        _support.expect_list(p, self.channels)
        if self.channels:
            _support.count(p, self.channels, None, 20)
        for i, channels_item in enumerate(self.channels):
            q = f"{p}[{i}]"
            _support.expect(q, channels_item, Channel)
            channels_item.validate(q, target, container)
        p = _support.join(path, "hyperparameters")
        _support.expect_map(p, self.hyperparameters)
        if self.hyperparameters:
            _support.count(p, self.hyperparameters, None, 100)
        for key, hyperparameters_item in self.hyperparameters.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, hyperparameters_item, str)
            _support.length(q, key, None, 256)
            _support.length(q, hyperparameters_item, None, 256)
        _support.keys_not_in(p, self.hyperparameters, self.continuous_ranges, "continuous_ranges")
        _support.keys_not_in(p, self.hyperparameters, self.integer_ranges, "integer_ranges")
        _support.keys_not_in(p, self.hyperparameters, self.categorical_ranges, "categorical_ranges")
        p = _support.join(path, "distributed_protocol")
        _support.expect(p, self.distributed_protocol, DistributedProtocol)
        _support.enum_target(p, self.distributed_protocol, target)
        if self.distributed_protocol is not DistributedProtocol.UNSPECIFIED:
            _support.unsupported_field(p, target, {"ack": "SageMaker starts no MPI for a task's own image; read host_context() in the function instead.", "operator": "SageMaker starts no MPI for a task's own image; read host_context() in the function instead."}, everywhere=True)
        p = _support.join(path, "resources")
        _support.expect(p, self.resources, ResourceConfig, optional=True)
        _support.required(p, self.resources is not None)
        if self.resources is not None:
            self.resources.validate(p, target, container)
        p = _support.join(path, "stopping_condition")
        _support.expect(p, self.stopping_condition, StoppingCondition, optional=True)
        if self.stopping_condition is not None:
            self.stopping_condition.validate(p, target, container)
        p = _support.join(path, "enable_managed_spot_training")
        _support.expect(p, self.enable_managed_spot_training, bool)
        p = _support.join(path, "checkpoint")
        _support.expect(p, self.checkpoint, CheckpointConfig, optional=True)
        if self.checkpoint is not None:
            self.checkpoint.validate(p, target, container)
        p = _support.join(path, "vpc")
        _support.expect(p, self.vpc, VpcConfig, optional=True)
        if self.vpc is not None:
            self.vpc.validate(p, target, container)
        p = _support.join(path, "output_path")
        _support.expect(p, self.output_path, str)
        if self.output_path:
            _support.length(p, self.output_path, None, 1024)
            _support.pattern(p, self.output_path, "^(https|s3)://([^/]+)/?(.*)$")
        p = _support.join(path, "output_kms_key_id")
        _support.expect(p, self.output_kms_key_id, str)
        if self.output_kms_key_id:
            _support.length(p, self.output_kms_key_id, None, 2048)
        p = _support.join(path, "enable_network_isolation")
        _support.expect(p, self.enable_network_isolation, bool)
        p = _support.join(path, "enable_inter_container_traffic_encryption")
        _support.expect(p, self.enable_inter_container_traffic_encryption, bool)
        p = _support.join(path, "environment")
        _support.expect_map(p, self.environment)
        if self.environment:
            _support.unsupported_field(p, target, {"ack": "The ACK HyperParameterTuningJob's training job definition has no environment field.", "operator": "The operator's HyperparameterTuningJob has no environment field."}, everywhere=True)
        for key, environment_item in self.environment.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, environment_item, str)
        p = _support.join(path, "max_retry_attempts")
        _support.expect_int(p, self.max_retry_attempts, "int64")
        if self.max_retry_attempts:
            _support.number_range(p, self.max_retry_attempts, 1, 30)
            _support.unsupported_field(p, target, {"operator": "The operator's HyperparameterTuningJob has no retry strategy."})
        p = _support.join(path, "tags")
        _support.expect_map(p, self.tags)
        if self.tags:
            _support.count(p, self.tags, None, 50)
        for key, tags_item in self.tags.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, tags_item, str)
            _support.length(q, key, None, 256)
            _support.length(q, tags_item, None, 256)
        p = _support.join(path, "role_arn")
        _support.expect(p, self.role_arn, str)
        if self.role_arn:
            _support.length(p, self.role_arn, 20, 2048)
            _support.pattern(p, self.role_arn, "^arn:aws[a-z-]*:iam::[0-9]{12}:role/?[a-zA-Z_0-9+=,.@/-]+$")
        p = _support.join(path, "region")
        _support.expect(p, self.region, str)
        if self.region:
            _support.length(p, self.region, None, 32)
            _support.pattern(p, self.region, "^[a-z]{2}(-[a-z]+)+-[0-9]+$")
        # rule image-source
        if container is False:
            if sum((len(self.algorithm_name) > 0, len(self.training_image) > 0)) == 0:
                _support.fail(_support.join(path, "algorithm_name"), "one of `algorithm_name`, `training_image` must be set when the task runs no container: without a container task, the image is looked up from `algorithm_name` or given as `training_image` (rule `image-source`)")
        # rule no-algorithm-with-container
        if container is True and len(self.algorithm_name) > 0:
            _support.fail(_support.join(path, "algorithm_name"), "not allowed: the task runs a container (its own or `container_task`) and `algorithm_name` is set: the training jobs run the container task's image (rule `no-algorithm-with-container`)")
        # rule no-network-isolation-with-container
        if container is True and self.enable_network_isolation is True:
            _support.fail(_support.join(path, "enable_network_isolation"), "not allowed: the task runs a container (its own or `container_task`) and `enable_network_isolation` is set: flytekit in the container reads the task's inputs and writes its outputs over the network (rule `no-network-isolation-with-container`)")
        # rule objective-metric-defined
        if container is True:
            if self.objective is not None and len(self.objective.metric_name) > 0:
                _support.member(_support.join(path, "objective.metric_name"), self.objective.metric_name, [item.name for item in self.metric_definitions], "`objective.metric_name` must be the `name` of one of `metric_definitions` when the task runs a container (its own or `container_task`): a custom container publishes only the metrics defined in `metric_definitions` (rule `objective-metric-defined`)")
        # rule tuned-once
        _support.distinct(path, (("continuous_ranges.name", [item.name for item in self.continuous_ranges]), ("integer_ranges.name", [item.name for item in self.integer_ranges]), ("categorical_ranges.name", [item.name for item in self.categorical_ranges]),), "a name may appear only once across `continuous_ranges.name`, `integer_ranges.name`, `categorical_ranges.name`: each tuned hyperparameter is declared in exactly one range (rule `tuned-once`)")
        # rule grid-only-categorical
        if self.strategy in (TuningStrategy.GRID,):
            if len(self.continuous_ranges) > 0:
                _support.fail(_support.join(path, "continuous_ranges"), "`continuous_ranges` and `integer_ranges` must not be set when `strategy` is Grid: the Grid strategy tries every combination of categorical values (rule `grid-only-categorical`)")
            if len(self.integer_ranges) > 0:
                _support.fail(_support.join(path, "integer_ranges"), "`continuous_ranges` and `integer_ranges` must not be set when `strategy` is Grid: the Grid strategy tries every combination of categorical values (rule `grid-only-categorical`)")
        # rule spot-needs-max-wait
        if self.enable_managed_spot_training is True:
            if self.stopping_condition is None or self.stopping_condition.max_wait_seconds == 0:
                _support.fail(_support.join(path, "stopping_condition.max_wait_seconds"), "`stopping_condition.max_wait_seconds` must be set when `enable_managed_spot_training` is set: SageMaker requires a total time limit for managed spot training (rule `spot-needs-max-wait`)")
        # rule max-wait-needs-spot
        if self.stopping_condition is not None and self.stopping_condition.max_wait_seconds != 0:
            if self.enable_managed_spot_training is not True:
                _support.fail(_support.join(path, "enable_managed_spot_training"), "`enable_managed_spot_training` must be set when `stopping_condition.max_wait_seconds` is set: SageMaker accepts a wait limit only for managed spot training (rule `max-wait-needs-spot`)")

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.algorithm_name:
            out["algorithmName"] = self.algorithm_name
        if self.algorithm_version:
            out["algorithmVersion"] = self.algorithm_version
        if self.training_image:
            out["trainingImage"] = self.training_image
        if self.objective is not None:
            out["objective"] = self.objective.to_dict()
        if self.continuous_ranges:
            out["continuousRanges"] = [item.to_dict() for item in self.continuous_ranges]
        if self.integer_ranges:
            out["integerRanges"] = [item.to_dict() for item in self.integer_ranges]
        if self.categorical_ranges:
            out["categoricalRanges"] = [item.to_dict() for item in self.categorical_ranges]
        if self.strategy is not TuningStrategy.UNSPECIFIED:
            out["strategy"] = self.strategy.value
        if self.max_number_of_training_jobs:
            out["maxNumberOfTrainingJobs"] = int(self.max_number_of_training_jobs)
        if self.max_parallel_training_jobs:
            out["maxParallelTrainingJobs"] = int(self.max_parallel_training_jobs)
        if self.early_stopping is not EarlyStoppingType.UNSPECIFIED:
            out["earlyStopping"] = self.early_stopping.value
        if self.warm_start is not None:
            out["warmStart"] = self.warm_start.to_dict()
        if self.input_mode is not InputMode.UNSPECIFIED:
            out["inputMode"] = self.input_mode.value
        if self.metric_definitions:
            out["metricDefinitions"] = [item.to_dict() for item in self.metric_definitions]
        if self.channels:
            out["channels"] = [item.to_dict() for item in self.channels]
        if self.hyperparameters:
            out["hyperparameters"] = dict(self.hyperparameters)
        if self.distributed_protocol is not DistributedProtocol.UNSPECIFIED:
            out["distributedProtocol"] = self.distributed_protocol.value
        if self.resources is not None:
            out["resources"] = self.resources.to_dict()
        if self.stopping_condition is not None:
            out["stoppingCondition"] = self.stopping_condition.to_dict()
        if self.enable_managed_spot_training:
            out["enableManagedSpotTraining"] = self.enable_managed_spot_training
        if self.checkpoint is not None:
            out["checkpoint"] = self.checkpoint.to_dict()
        if self.vpc is not None:
            out["vpc"] = self.vpc.to_dict()
        if self.output_path:
            out["outputPath"] = self.output_path
        if self.output_kms_key_id:
            out["outputKmsKeyId"] = self.output_kms_key_id
        if self.enable_network_isolation:
            out["enableNetworkIsolation"] = self.enable_network_isolation
        if self.enable_inter_container_traffic_encryption:
            out["enableInterContainerTrafficEncryption"] = self.enable_inter_container_traffic_encryption
        if self.environment:
            out["environment"] = dict(self.environment)
        if self.max_retry_attempts:
            out["maxRetryAttempts"] = int(self.max_retry_attempts)
        if self.tags:
            out["tags"] = dict(self.tags)
        if self.role_arn:
            out["roleArn"] = self.role_arn
        if self.region:
            out["region"] = self.region
        return out


@dataclasses.dataclass(kw_only=True)
class IntegerParameterRange:
    """A hyperparameter searched over an interval of whole numbers. Always set both bounds,
    including a bound of zero.

    Attributes:
        name: Name of the hyperparameter as the algorithm expects it, for example `max_depth`.
            Rules: required; at most 256 characters.
        min_value: Smallest value to try.
        max_value: Largest value to try; must not be below `min_value`.
            Rules: at least `min_value`.
        scaling_type: How values are spread over the interval. Reverse logarithmic scaling is not
            allowed for integer ranges.

    Rules between fields (checked by `validate`, and by the backend):
        bounds-set: `min_value` and `max_value` must both be set: SageMaker needs both ends of
            the interval, a bound of zero included (rule `bounds-set`)
        log-needs-positive-min: `min_value` must be > 0 when `scaling_type` is Logarithmic: a
            logarithmic scale has no zero or negative values (rule `log-needs-positive-min`)
        no-reverse-logarithmic: not allowed: `scaling_type` is ReverseLogarithmic: SageMaker
            allows reverse logarithmic scaling only for continuous ranges (rule
            `no-reverse-logarithmic`)
    """

    name: str
    min_value: int | None = None
    max_value: int | None = None
    scaling_type: ScalingType = ScalingType.AUTO

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ("bounds-set", "log-needs-positive-min", "no-reverse-logarithmic",)

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "name")
        _support.expect(p, self.name, str)
        _support.required(p, bool(self.name))
        if self.name:
            _support.length(p, self.name, None, 256)
        p = _support.join(path, "min_value")
        _support.expect_int(p, self.min_value, "int64", optional=True)
        p = _support.join(path, "max_value")
        _support.expect_int(p, self.max_value, "int64", optional=True)
        if self.max_value is not None:
            if self.min_value is not None:
                _support.at_least(p, self.max_value, "min_value", self.min_value)
        p = _support.join(path, "scaling_type")
        _support.expect(p, self.scaling_type, ScalingType)
        _support.enum_target(p, self.scaling_type, target)
        # rule bounds-set
        if self.min_value is None:
            _support.fail(_support.join(path, "min_value"), "`min_value` and `max_value` must both be set: SageMaker needs both ends of the interval, a bound of zero included (rule `bounds-set`)")
        if self.max_value is None:
            _support.fail(_support.join(path, "max_value"), "`min_value` and `max_value` must both be set: SageMaker needs both ends of the interval, a bound of zero included (rule `bounds-set`)")
        # rule log-needs-positive-min
        if self.scaling_type in (ScalingType.LOGARITHMIC,):
            if self.min_value is not None and not (self.min_value > 0.0):
                _support.fail(_support.join(path, "min_value"), "`min_value` must be > 0 when `scaling_type` is Logarithmic: a logarithmic scale has no zero or negative values (rule `log-needs-positive-min`)")
        # rule no-reverse-logarithmic
        if self.scaling_type in (ScalingType.REVERSE_LOGARITHMIC,):
            _support.fail(_support.join(path, "scaling_type"), "not allowed: `scaling_type` is ReverseLogarithmic: SageMaker allows reverse logarithmic scaling only for continuous ranges (rule `no-reverse-logarithmic`)")

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.name:
            out["name"] = self.name
        if self.min_value is not None:
            out["minValue"] = int(self.min_value)
        if self.max_value is not None:
            out["maxValue"] = int(self.max_value)
        if self.scaling_type is not ScalingType.UNSPECIFIED:
            out["scalingType"] = self.scaling_type.value
        return out


@dataclasses.dataclass(kw_only=True)
class MetricDefinition:
    """A metric that SageMaker extracts from the training log with a regular expression and
    publishes to CloudWatch (and that a tuning job can optimise).

    Attributes:
        name: Metric name as it appears in CloudWatch and in a tuning objective, for example
            `validation:rmse`.
            Rules: required; at most 255 characters.
        regex: Regular expression applied to each log line; its first capture group is the metric
            value, for example `validation-rmse:([0-9.]+)`.
            Rules: required; at most 500 characters.
    """

    name: str
    regex: str

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "name")
        _support.expect(p, self.name, str)
        _support.required(p, bool(self.name))
        if self.name:
            _support.length(p, self.name, None, 255)
        p = _support.join(path, "regex")
        _support.expect(p, self.regex, str)
        _support.required(p, bool(self.regex))
        if self.regex:
            _support.length(p, self.regex, None, 500)

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.name:
            out["name"] = self.name
        if self.regex:
            out["regex"] = self.regex
        return out


@dataclasses.dataclass(kw_only=True)
class ResourceConfig:
    """The compute resources of a training job.

    Attributes:
        instance_type: SageMaker instance type, for example `ml.m5.xlarge` or `ml.g5.2xlarge`
            (always with the `ml.` prefix).
            Rules: required; at most 64 characters; matches `^ml[.][a-z0-9-]+[.][a-z0-9]+$`.
        instance_count: Number of instances. More than one makes a distributed job; the algorithm
            or your code must support it.
            Rules: at least 1.
        volume_size_gb: Size in GB of the storage volume attached to each instance, which holds
            File-mode input data, checkpoints and the model before upload.
            Rules: at least 1.
        volume_kms_key_id: KMS key (ID, ARN or alias) that encrypts the storage volumes of the
            instances.
            Rules: at most 2048 characters.
    """

    instance_type: str
    instance_count: int = 1
    volume_size_gb: int = 30
    volume_kms_key_id: str = ""

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "instance_type")
        _support.expect(p, self.instance_type, str)
        _support.required(p, bool(self.instance_type))
        if self.instance_type:
            _support.length(p, self.instance_type, None, 64)
            _support.pattern(p, self.instance_type, "^ml[.][a-z0-9-]+[.][a-z0-9]+$")
        p = _support.join(path, "instance_count")
        _support.expect_int(p, self.instance_count, "int64")
        _support.number_range(p, self.instance_count, 1, None)
        p = _support.join(path, "volume_size_gb")
        _support.expect_int(p, self.volume_size_gb, "int64")
        _support.number_range(p, self.volume_size_gb, 1, None)
        p = _support.join(path, "volume_kms_key_id")
        _support.expect(p, self.volume_kms_key_id, str)
        if self.volume_kms_key_id:
            _support.length(p, self.volume_kms_key_id, None, 2048)

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.instance_type:
            out["instanceType"] = self.instance_type
        if self.instance_count:
            out["instanceCount"] = int(self.instance_count)
        if self.volume_size_gb:
            out["volumeSizeGb"] = int(self.volume_size_gb)
        if self.volume_kms_key_id:
            out["volumeKmsKeyId"] = self.volume_kms_key_id
        return out


@dataclasses.dataclass(kw_only=True)
class StoppingCondition:
    """Time limits for a training job. When a limit is reached SageMaker stops the job (giving it
    120 seconds to save its work) and the Flyte task fails with a timeout message.

    Attributes:
        max_runtime_seconds: Longest time the job may train, in seconds. The default is one day.
            Rules: at least 1.
        max_wait_seconds: Longest time, in seconds, a managed spot job may take in total,
            including time spent waiting for spot capacity. Required with managed spot training
            and at least `max_runtime_seconds`.
            Rules: at least 1; at least `max_runtime_seconds`.
    """

    max_runtime_seconds: int = 86400
    max_wait_seconds: int = 0

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "max_runtime_seconds")
        _support.expect_int(p, self.max_runtime_seconds, "int64")
        _support.number_range(p, self.max_runtime_seconds, 1, None)
        p = _support.join(path, "max_wait_seconds")
        _support.expect_int(p, self.max_wait_seconds, "int64")
        if self.max_wait_seconds:
            _support.number_range(p, self.max_wait_seconds, 1, None)
            if self.max_runtime_seconds:
                _support.at_least(p, self.max_wait_seconds, "max_runtime_seconds", self.max_runtime_seconds)

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.max_runtime_seconds:
            out["maxRuntimeSeconds"] = int(self.max_runtime_seconds)
        if self.max_wait_seconds:
            out["maxWaitSeconds"] = int(self.max_wait_seconds)
        return out


@dataclasses.dataclass(kw_only=True)
class TuningObjective:
    """What a tuning job optimises.

    Attributes:
        objective_type: Whether the search looks for the lowest or the highest value of the
            metric.
            Rules: required.
        metric_name: Name of the metric to optimise, for example `validation:auc`. Built-in
            algorithms define their own metrics; for other images it must be one of the job's
            `metric_definitions`.
            Rules: required; at most 255 characters.
    """

    objective_type: ObjectiveType
    metric_name: str

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "objective_type")
        _support.expect(p, self.objective_type, ObjectiveType)
        _support.required(p, self.objective_type is not ObjectiveType.UNSPECIFIED)
        _support.enum_target(p, self.objective_type, target)
        p = _support.join(path, "metric_name")
        _support.expect(p, self.metric_name, str)
        _support.required(p, bool(self.metric_name))
        if self.metric_name:
            _support.length(p, self.metric_name, None, 255)

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.objective_type is not ObjectiveType.UNSPECIFIED:
            out["objectiveType"] = self.objective_type.value
        if self.metric_name:
            out["metricName"] = self.metric_name
        return out


@dataclasses.dataclass(kw_only=True)
class VpcConfig:
    """The VPC subnets and security groups the training instances are attached to. Without it the
    instances run in a network managed by SageMaker.

    Attributes:
        security_group_ids: Security group IDs (`sg-...`) applied to the instances; one to five.
            Rules: required; 1 to 5 entries; each at most 32 characters; each matches
            `^[-0-9a-zA-Z]+$`.
        subnets: Subnet IDs (`subnet-...`) the instances are placed in; one to sixteen.
            Rules: required; 1 to 16 entries; each at most 32 characters; each matches
            `^[-0-9a-zA-Z]+$`.
    """

    security_group_ids: list[str]
    subnets: list[str]

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "security_group_ids")
        _support.expect_list(p, self.security_group_ids)
        _support.required(p, bool(self.security_group_ids))
        if self.security_group_ids:
            _support.count(p, self.security_group_ids, 1, 5)
        for i, security_group_ids_item in enumerate(self.security_group_ids):
            q = f"{p}[{i}]"
            _support.expect(q, security_group_ids_item, str)
            _support.length(q, security_group_ids_item, None, 32)
            _support.pattern(q, security_group_ids_item, "^[-0-9a-zA-Z]+$")
        p = _support.join(path, "subnets")
        _support.expect_list(p, self.subnets)
        _support.required(p, bool(self.subnets))
        if self.subnets:
            _support.count(p, self.subnets, 1, 16)
        for i, subnets_item in enumerate(self.subnets):
            q = f"{p}[{i}]"
            _support.expect(q, subnets_item, str)
            _support.length(q, subnets_item, None, 32)
            _support.pattern(q, subnets_item, "^[-0-9a-zA-Z]+$")

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.security_group_ids:
            out["securityGroupIds"] = list(self.security_group_ids)
        if self.subnets:
            out["subnets"] = list(self.subnets)
        return out


@dataclasses.dataclass(kw_only=True)
class WarmStartConfig:
    """Starts a tuning job from what earlier tuning jobs learned.

    Attributes:
        parents: The earlier tuning jobs to learn from; one to five.
            Rules: required; 1 to 5 entries.
        warm_start_type: How closely the new search resembles the earlier ones.
            Rules: required.
    """

    parents: list[WarmStartParent]
    warm_start_type: WarmStartType

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "parents")
        _support.expect_list(p, self.parents)
        _support.required(p, bool(self.parents))
        if self.parents:
            _support.count(p, self.parents, 1, 5)
        for i, parents_item in enumerate(self.parents):
            q = f"{p}[{i}]"
            _support.expect(q, parents_item, WarmStartParent)
            parents_item.validate(q, target, container)
        p = _support.join(path, "warm_start_type")
        _support.expect(p, self.warm_start_type, WarmStartType)
        _support.required(p, self.warm_start_type is not WarmStartType.UNSPECIFIED)
        _support.enum_target(p, self.warm_start_type, target)

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.parents:
            out["parents"] = [item.to_dict() for item in self.parents]
        if self.warm_start_type is not WarmStartType.UNSPECIFIED:
            out["warmStartType"] = self.warm_start_type.value
        return out


@dataclasses.dataclass(kw_only=True)
class WarmStartParent:
    """One earlier tuning job a warm-started search learns from.

    Attributes:
        tuning_job_name: Name of the earlier tuning job, as listed in the SageMaker console (the
            names of its training jobs start with it).
            Rules: required; at most 32 characters; matches `^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`.
    """

    tuning_job_name: str

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "tuning_job_name")
        _support.expect(p, self.tuning_job_name, str)
        _support.required(p, bool(self.tuning_job_name))
        if self.tuning_job_name:
            _support.length(p, self.tuning_job_name, None, 32)
            _support.pattern(p, self.tuning_job_name, "^[a-zA-Z0-9](-*[a-zA-Z0-9])*$")

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.tuning_job_name:
            out["tuningJobName"] = self.tuning_job_name
        return out
