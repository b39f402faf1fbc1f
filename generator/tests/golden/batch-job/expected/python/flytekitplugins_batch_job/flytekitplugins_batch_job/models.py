# @generated from batchjob/batch_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Payload models of the `batch-job` plugin, from `batchjob/batch_job.proto`.

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
import enum
import typing

from . import _support


class PullPolicy(enum.Enum):
    """When the kubelet pulls a container image.

    A member's value is its proto value name, which is what proto3 JSON carries; `api` is the
    string the target APIs expect.
    """

    UNSPECIFIED = "PULL_POLICY_UNSPECIFIED"
    """Not set: Kubernetes decides from the image tag."""
    ALWAYS = "ALWAYS"
    """Pull on every start."""
    IF_NOT_PRESENT = "IF_NOT_PRESENT"
    """Pull only when the image is not on the node."""
    NEVER = "NEVER"
    """Never pull; the image must be on the node."""

    @property
    def api(self) -> str | None:
        """The string the target APIs expect for this value; None for the unset value."""
        return _PULL_POLICY_API[self.value]

    @property
    def unsupported_in(self) -> tuple[str, ...]:
        """The targets that do not accept this value."""
        return _PULL_POLICY_UNSUPPORTED_IN.get(self.value, ())


_PULL_POLICY_API: dict[str, str | None] = {
    "PULL_POLICY_UNSPECIFIED": None,
    "ALWAYS": "Always",
    "IF_NOT_PRESENT": "IfNotPresent",
    "NEVER": "Never",
}
_PULL_POLICY_UNSUPPORTED_IN: dict[str, tuple[str, ...]] = {}


@dataclasses.dataclass(kw_only=True)
class BatchJob:
    """Runs one or more containers to completion as a Kubernetes Job.

    Attributes:
        containers: The containers of the Job's pod.
            Rules: required; at least 1 entry.
        parallelism: How many pods may run at the same time.
            Rules: 1 to 100.
        backoff_limit: Retries before the Job counts as failed.
            Rules: at least 0.
        active_deadline: How long the Job may run before Kubernetes stops it.
    """

    containers: list[Container]
    parallelism: int = 1
    backoff_limit: int = 0
    active_deadline: datetime.timedelta | None = None

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "containers")
        _support.expect_list(p, self.containers)
        _support.required(p, bool(self.containers))
        if self.containers:
            _support.count(p, self.containers, 1, None)
        for i, containers_item in enumerate(self.containers):
            q = f"{p}[{i}]"
            _support.expect(q, containers_item, Container)
            containers_item.validate(q, target, container)
        p = _support.join(path, "parallelism")
        _support.expect_int(p, self.parallelism, "int32")
        _support.number_range(p, self.parallelism, 1, 100)
        p = _support.join(path, "backoff_limit")
        _support.expect_int(p, self.backoff_limit, "int32")
        _support.number_range(p, self.backoff_limit, 0, None)
        p = _support.join(path, "active_deadline")
        _support.expect(p, self.active_deadline, datetime.timedelta, optional=True)

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.containers:
            out["containers"] = [item.to_dict() for item in self.containers]
        if self.parallelism:
            out["parallelism"] = int(self.parallelism)
        if self.backoff_limit:
            out["backoffLimit"] = int(self.backoff_limit)
        if self.active_deadline is not None:
            out["activeDeadline"] = _support.duration_text(self.active_deadline)
        return out


@dataclasses.dataclass(kw_only=True)
class Container:
    """One container of the Job's pod.

    Attributes:
        name: Container name, unique within the pod.
            Rules: required; at most 63 characters; matches `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`.
        image: Image reference.
            Rules: required.
        command: Command to run instead of the image's entrypoint.
        env: Environment variables.
        image_pull_policy: When the kubelet pulls the image.
    """

    name: str
    image: str
    command: list[str] = dataclasses.field(default_factory=list)
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    image_pull_policy: PullPolicy = PullPolicy.IF_NOT_PRESENT

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
            _support.length(p, self.name, None, 63)
            _support.pattern(p, self.name, "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
        p = _support.join(path, "image")
        _support.expect(p, self.image, str)
        _support.required(p, bool(self.image))
        p = _support.join(path, "command")
        _support.expect_list(p, self.command)
        for i, command_item in enumerate(self.command):
            q = f"{p}[{i}]"
            _support.expect(q, command_item, str)
        p = _support.join(path, "env")
        _support.expect_map(p, self.env)
        for key, env_item in self.env.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, env_item, str)
        p = _support.join(path, "image_pull_policy")
        _support.expect(p, self.image_pull_policy, PullPolicy)
        _support.enum_target(p, self.image_pull_policy, target)

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.name:
            out["name"] = self.name
        if self.image:
            out["image"] = self.image
        if self.command:
            out["command"] = list(self.command)
        if self.env:
            out["env"] = dict(self.env)
        if self.image_pull_policy is not PullPolicy.UNSPECIFIED:
            out["imagePullPolicy"] = self.image_pull_policy.value
        return out
