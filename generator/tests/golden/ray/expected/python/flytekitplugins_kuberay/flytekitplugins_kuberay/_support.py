# @generated from ray/ray_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Checks and proto3 JSON encoding used by the generated models.

Nothing here knows a plugin. The wording of the checks is shared by every model, and the rules
follow the backend's: a pattern is searched for anywhere in the text (write `^...$` to anchor
it), lengths count characters, and an integer must fit its proto type.
"""

from __future__ import annotations

import base64
import datetime
import math
import re
import typing

_INTEGER_BOUNDS = {
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
}


def join(path: str, name: str) -> str:
    """The dotted path of field `name` inside the message at `path`."""
    return f"{path}.{name}" if path else name


def fail(path: str, message: str) -> typing.NoReturn:
    raise ValueError(f"{path}: {message}")


def show(value: typing.Any) -> str:
    """A number as people write it: bounds like 1.0 read as 1."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _got(value: typing.Any) -> str:
    return f"{type(value).__name__} {value!r}"


def expect(path: str, value: typing.Any, kind: type, optional: bool = False) -> None:
    if value is None and optional:
        return
    # bool is an int subclass in Python, but never a valid value of another type here.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        fail(path, f"expected {kind.__name__}, got {_got(value)}")


def expect_int(path: str, value: typing.Any, proto_type: str, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        fail(path, f"expected int, got {_got(value)}")
    low, high = _INTEGER_BOUNDS[proto_type]
    if not low <= value <= high:
        fail(path, f"must fit in {proto_type} ({low} ..= {high}), got {value}")


def expect_float(path: str, value: typing.Any, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        fail(path, f"expected float, got {_got(value)}")


def expect_list(path: str, value: typing.Any) -> None:
    if not isinstance(value, (list, tuple)):
        fail(path, f"expected a list, got {_got(value)}")


def expect_map(path: str, value: typing.Any) -> None:
    if not isinstance(value, dict):
        fail(path, f"expected a dict, got {_got(value)}")


def required(path: str, present: bool) -> None:
    if not present:
        fail(path, "is required")


def number_range(path: str, value: float, low: float | None, high: float | None) -> None:
    # Written so that NaN fails both comparisons.
    if low is not None and not value >= low:
        fail(path, f"must be >= {show(low)}, got {show(value)}")
    if high is not None and not value <= high:
        fail(path, f"must be <= {show(high)}, got {show(value)}")


def count(path: str, items: typing.Sized, low: float | None, high: float | None) -> None:
    n = len(items)
    if low is not None and n < low:
        fail(path, f"must have at least {show(low)} entries, got {n}")
    if high is not None and n > high:
        fail(path, f"must have at most {show(high)} entries, got {n}")


def length(path: str, text: str, low: int | None, high: int | None) -> None:
    n = len(text)
    if low is not None and n < low:
        fail(path, f"must be at least {low} characters long, got {n}")
    if high is not None and n > high:
        fail(path, f"must be at most {high} characters long, got {n}")


def pattern(path: str, text: str, regex: str) -> None:
    # re.search, not re.fullmatch: the backend's Rust `Regex::is_match` also finds a match anywhere.
    if re.search(regex, text) is None:
        fail(path, f"{text!r} does not match {regex!r}")


# Kubernetes value types, with the expressions and lengths of k8s.io/apimachinery (the backend
# checks the same ones in `machinery::validate::k8s`).
_K8S_VALUES = {
    "QUANTITY": (
        re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?"),
        64,
        "a Kubernetes quantity such as '500m', '2', '4Gi' or '1e3'",
    ),
    "LABEL_VALUE": (re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?"), 63, "a label value"),
    "DNS_LABEL": (re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"), 63, "a DNS label"),
    "DNS_SUBDOMAIN": (re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"), 253, "a DNS subdomain"),
}


def k8s_value(path: str, text: str, kind: str) -> None:
    regex, longest, what = _K8S_VALUES[kind]
    if len(text) > longest or regex.fullmatch(text) is None:
        fail(path, f"{text!r} is not {what}")


def at_least(path: str, value: float, other_name: str, other: float) -> None:
    if not value >= other:
        fail(path, f"must be >= {other_name} ({show(other)}), got {show(value)}")


def keys_not_in(path: str, mapping: dict[str, typing.Any], items: typing.Iterable[typing.Any], list_name: str) -> None:
    names = {item.name for item in items}
    clashes = sorted(key for key in mapping if key in names)
    if clashes:
        listed = ", ".join(repr(key) for key in clashes)
        fail(path, f"{listed} also named in {list_name}; a key may appear in only one of them")


def distinct(path: str, sources: tuple[tuple[str, list[str]], ...], message: str) -> None:
    """A cross-field rule: no name twice across `sources` ((label, names) pairs); the error is at
    the second occurrence and names the first."""
    seen: dict[str, str] = {}
    for label, names in sources:
        for name in names:
            if name in seen:
                fail(join(path, label), f"{name!r} is also in {seen[name]}; {message}")
            seen[name] = label


def member(path: str, value: str, names: list[str], message: str) -> None:
    """A cross-field rule: `value` must be one of `names`."""
    if value not in names:
        known = ", ".join(repr(n) for n in names) or "none"
        fail(path, f"{value!r} is not one of {known}; {message}")


def enum_target(path: str, value: typing.Any, target: str | None) -> None:
    if target is not None and value is not None and target in value.unsupported_in:
        fail(path, f"{value.api!r} is not supported by target {target!r}")


def unsupported_field(path: str, target: str | None, notes: dict[str, str], everywhere: bool = False) -> None:
    """A set field that `target` has no place for; `notes` maps such targets to the reason.
    `everywhere`: no target takes the field, so it is refused whatever the target."""
    if target is None and everywhere:
        note = next(iter(notes.values()), "")
        fail(path, "is not supported by any target and must not be set" + (f": {note}" if note else ""))
    if target is not None and target in notes:
        note = notes[target]
        fail(path, f"is not supported by target {target!r} and must not be set" + (f": {note}" if note else ""))


def double(value: float) -> float | str:
    """proto3 JSON writes the non-finite values as strings."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def base64_text(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def duration_text(value: datetime.timedelta) -> str:
    """proto3 JSON of a Duration: seconds with 0, 3 or 6 fractional digits and an `s`."""
    micros = value // datetime.timedelta(microseconds=1)
    sign = "-" if micros < 0 else ""
    seconds, fraction = divmod(abs(micros), 1_000_000)
    if fraction == 0:
        return f"{sign}{seconds}s"
    if fraction % 1000 == 0:
        return f"{sign}{seconds}.{fraction // 1000:03d}s"
    return f"{sign}{seconds}.{fraction:06d}s"
