# @generated from demo/job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Payload models of the `demo` plugin, from `demo/job.proto`.

Every dataclass takes keyword arguments only, one per field in proto declaration order; a field
whose rules say required and that nothing fills by default has no default, so leaving it out is a
`TypeError` (and a type checker's error). `validate()` applies the declared rules and raises
`ValueError` naming the dotted path of the first offending field; `to_dict()` gives the proto3
JSON form the backend decodes (lowerCamelCase keys, unset and zero values left out, enums by
proto value name).
"""

from __future__ import annotations

import dataclasses
import typing

from . import _support


@dataclasses.dataclass(kw_only=True)
class Job:
    """A widget job: the smallest complete plugin.

    Attributes:
        image: Image the widget runs.
        replicas: How many copies run; the Widget API takes it as a string.
            Rules: 1 to 10.
    """

    image: str = ""
    replicas: int = 1

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "image")
        _support.expect(p, self.image, str)
        p = _support.join(path, "replicas")
        _support.expect_int(p, self.replicas, "int64")
        _support.number_range(p, self.replicas, 1, 10)

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.image:
            out["image"] = self.image
        if self.replicas:
            out["replicas"] = int(self.replicas)
        return out
