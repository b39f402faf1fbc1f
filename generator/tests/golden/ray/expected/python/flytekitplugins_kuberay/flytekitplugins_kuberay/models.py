# @generated from ray/ray_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Payload models of the `kuberay` plugin, from `ray/ray_job.proto`.

Every dataclass takes keyword arguments only, one per field in proto declaration order; a field
whose rules say required and that nothing fills by default has no default, so leaving it out is a
`TypeError` (and a type checker's error). `validate()` applies the declared rules and raises
`ValueError` naming the dotted path of the first offending field; `to_dict()` gives the proto3
JSON form the backend decodes (lowerCamelCase keys, unset and zero values left out, enums by
proto value name).
"""

from __future__ import annotations

import dataclasses
import datetime
import typing

from . import _support


@dataclasses.dataclass(kw_only=True)
class HeadGroup:
    """The head node of the Ray cluster.

    Attributes:
        ray_start_params: Extra `ray start` options of the head, without the leading `--` (e.g.
            `num-cpus: "0"` to keep tasks off the head).
        node_selector: Labels a node must carry to run the head (the pod's `nodeSelector`).
            Rules: values are a label value.
    """

    ray_start_params: dict[str, str] = dataclasses.field(default_factory=dict)
    node_selector: dict[str, str] = dataclasses.field(default_factory=dict)

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "ray_start_params")
        _support.expect_map(p, self.ray_start_params)
        for key, ray_start_params_item in self.ray_start_params.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, ray_start_params_item, str)
        p = _support.join(path, "node_selector")
        _support.expect_map(p, self.node_selector)
        for key, node_selector_item in self.node_selector.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, node_selector_item, str)
            _support.k8s_value(q, node_selector_item, "LABEL_VALUE")

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.ray_start_params:
            out["rayStartParams"] = dict(self.ray_start_params)
        if self.node_selector:
            out["nodeSelector"] = dict(self.node_selector)
        return out


@dataclasses.dataclass(kw_only=True)
class RayJob:
    """Runs the task function as a Ray job: KubeRay starts a Ray cluster from the task's image,
    submits the task's command to it, and shuts the cluster down when the job ends.

    Attributes:
        head: The Ray head.
        workers: The worker group, named `workers`.
        shutdown_after_job_finishes: Delete the Ray cluster once the job has finished (the RayJob
            object stays until its TTL).
        ttl_after_finished: How long KubeRay keeps the finished cluster before deleting it, when
            it shuts it down.
        active_deadline: The longest the job may run, cluster start included; then it fails with
            DeadlineExceeded.
        runtime_env_yaml: Runtime environment of the job, as Ray's `runtime_env` YAML (pip
            packages, env vars).
        enable_autoscaling: Let the Ray autoscaler add and remove workers between min and max
            replicas.
    """

    head: HeadGroup | None = None
    workers: WorkerGroup | None = None
    shutdown_after_job_finishes: bool = True
    ttl_after_finished: datetime.timedelta | None = None
    active_deadline: datetime.timedelta | None = None
    runtime_env_yaml: str = ""
    enable_autoscaling: bool = False

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "head")
        _support.expect(p, self.head, HeadGroup, optional=True)
        if self.head is not None:
            self.head.validate(p, target, container)
        p = _support.join(path, "workers")
        _support.expect(p, self.workers, WorkerGroup, optional=True)
        if self.workers is not None:
            self.workers.validate(p, target, container)
        p = _support.join(path, "shutdown_after_job_finishes")
        _support.expect(p, self.shutdown_after_job_finishes, bool)
        p = _support.join(path, "ttl_after_finished")
        _support.expect(p, self.ttl_after_finished, datetime.timedelta, optional=True)
        p = _support.join(path, "active_deadline")
        _support.expect(p, self.active_deadline, datetime.timedelta, optional=True)
        p = _support.join(path, "runtime_env_yaml")
        _support.expect(p, self.runtime_env_yaml, str)
        p = _support.join(path, "enable_autoscaling")
        _support.expect(p, self.enable_autoscaling, bool)

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.head is not None:
            out["head"] = self.head.to_dict()
        if self.workers is not None:
            out["workers"] = self.workers.to_dict()
        if self.shutdown_after_job_finishes:
            out["shutdownAfterJobFinishes"] = self.shutdown_after_job_finishes
        if self.ttl_after_finished is not None:
            out["ttlAfterFinished"] = _support.duration_text(self.ttl_after_finished)
        if self.active_deadline is not None:
            out["activeDeadline"] = _support.duration_text(self.active_deadline)
        if self.runtime_env_yaml:
            out["runtimeEnvYaml"] = self.runtime_env_yaml
        if self.enable_autoscaling:
            out["enableAutoscaling"] = self.enable_autoscaling
        return out


@dataclasses.dataclass(kw_only=True)
class WorkerGroup:
    """A group of identical Ray workers.

    Attributes:
        replicas: Workers to start with.
            Rules: 0 to 1000.
        min_replicas: Fewest workers the autoscaler keeps (KubeRay requires the value, so 0 is
            written too).
            Rules: 0 to 1000.
        max_replicas: Most workers the autoscaler starts; at least `replicas`.
            Rules: 1 to 1000; at least `replicas`.
        ray_start_params: Extra `ray start` options of every worker.
        node_selector: Labels a node must carry to run a worker (the pods' `nodeSelector`).
            Rules: values are a label value.
    """

    replicas: int = 1
    min_replicas: int | None = 0
    max_replicas: int = 1000
    ray_start_params: dict[str, str] = dataclasses.field(default_factory=dict)
    node_selector: dict[str, str] = dataclasses.field(default_factory=dict)

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "replicas")
        _support.expect_int(p, self.replicas, "int32")
        _support.number_range(p, self.replicas, 0, 1000)
        p = _support.join(path, "min_replicas")
        _support.expect_int(p, self.min_replicas, "int32", optional=True)
        if self.min_replicas is not None:
            _support.number_range(p, self.min_replicas, 0, 1000)
        p = _support.join(path, "max_replicas")
        _support.expect_int(p, self.max_replicas, "int32")
        _support.number_range(p, self.max_replicas, 1, 1000)
        if self.max_replicas:
            if self.replicas:
                _support.at_least(p, self.max_replicas, "replicas", self.replicas)
        p = _support.join(path, "ray_start_params")
        _support.expect_map(p, self.ray_start_params)
        for key, ray_start_params_item in self.ray_start_params.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, ray_start_params_item, str)
        p = _support.join(path, "node_selector")
        _support.expect_map(p, self.node_selector)
        for key, node_selector_item in self.node_selector.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, node_selector_item, str)
            _support.k8s_value(q, node_selector_item, "LABEL_VALUE")

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.replicas:
            out["replicas"] = int(self.replicas)
        if self.min_replicas is not None:
            out["minReplicas"] = int(self.min_replicas)
        if self.max_replicas:
            out["maxReplicas"] = int(self.max_replicas)
        if self.ray_start_params:
            out["rayStartParams"] = dict(self.ray_start_params)
        if self.node_selector:
            out["nodeSelector"] = dict(self.node_selector)
        return out
