# @generated from spark/spark_application.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""What a task function's code meets inside a job container started from the task's own image.

Nothing here knows a plugin: the plugin's `container` module holds its `Contract` (the files and
directories the controller and the container share) and binds these helpers to it. Paths are
resolved under the contract's root when they are used, so a test (or an unusual image) can move
the root through its environment variable.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import typing
from pathlib import Path


@dataclasses.dataclass(frozen=True)
class Contract:
    """The files and directories a controller and a job container share (see the plugin's model)."""

    root: str
    root_env: str
    parameters_file: str
    hosts_file: str
    current_host_key: str
    hosts_key: str
    failure_file: str
    failure_max_bytes: int
    model_dir: str
    channel_dir: str
    metric_prefix: str
    metric_between: str
    metric_suffix: str

    def path(self, relative: str) -> Path:
        """`relative` under the root, which `root_env` replaces when it is set."""
        root = os.environ.get(self.root_env) if self.root_env else None
        return Path(root or self.root) / relative


class JobError(Exception):
    """The job's own files are unusable; the message says which and why."""


@dataclasses.dataclass(frozen=True)
class HostContext:
    """Where this container runs among the hosts of its job."""

    current_host: str
    """This host's name, e.g. `algo-1`."""
    hosts: tuple[str, ...]
    """Every host of the job, in the controller's order; the first one writes the task's outputs."""

    @property
    def rank(self) -> int:
        """This host's position in `hosts` (0 for the first)."""
        return self.hosts.index(self.current_host)

    @property
    def is_first(self) -> bool:
        """True on the host that writes the task's outputs."""
        return self.rank == 0


LOCAL_HOST = HostContext(current_host="localhost", hosts=("localhost",))


def _json_object(path: Path) -> dict[str, typing.Any] | None:
    if not path.is_file():
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise JobError(f"{path} is not readable JSON: {e}") from None
    if not isinstance(value, dict):
        raise JobError(f"{path} does not hold a JSON object")
    return value


def hosts(contract: Contract) -> HostContext | None:
    """The host context the controller wrote, or None outside a job."""
    path = contract.path(contract.hosts_file)
    config = _json_object(path)
    if config is None:
        return None
    current, every = config.get(contract.current_host_key), config.get(contract.hosts_key)
    if not isinstance(current, str) or not isinstance(every, list) or not all(isinstance(h, str) for h in every):
        raise JobError(f"{path} needs a string {contract.current_host_key!r} and a list of strings {contract.hosts_key!r}")
    if current not in every:
        raise JobError(f"{path}: the current host {current!r} is not among the hosts {every}")
    return HostContext(current_host=current, hosts=tuple(every))


def parameters(contract: Contract) -> dict[str, str] | None:
    """The job parameters the controller wrote (every value a string), or None outside a job."""
    path = contract.path(contract.parameters_file)
    found = _json_object(path)
    if found is None:
        return None
    return {str(key): value if isinstance(value, str) else json.dumps(value) for key, value in found.items()}


_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


def convert(name: str, text: str, python_type: typing.Any) -> typing.Any:
    """`text` as a value of the input `name`'s type; ValueError naming the input when it is not one."""
    target = _simple_type(python_type)
    problem = None
    if target is None:
        problem = f"the input's type {getattr(python_type, '__name__', python_type)} cannot be set from text"
    elif target is bool:
        if text.strip().lower() in _TRUE | _FALSE:
            return text.strip().lower() in _TRUE
        problem = "expected true or false"
    elif target is str:
        return text
    else:
        try:
            value = target(text.strip())
        except ValueError:
            problem = f"expected {target.__name__}"
        else:
            if target is float and not math.isfinite(value):
                problem = "expected a finite float"
            else:
                return value
    raise ValueError(f"input {name!r}: the job parameter {name!r} is {text!r}, which does not convert: {problem}")


def _simple_type(python_type: typing.Any) -> type | None:
    """int, float, str or bool, also inside Optional[...]; None for any other type."""
    args = [a for a in typing.get_args(python_type) if a is not type(None)]
    if typing.get_origin(python_type) is typing.Union and len(args) == 1:
        python_type = args[0]
    return python_type if python_type in (int, float, str, bool) else None


def can_take(python_type: typing.Any, kind: type, values: typing.Sequence[str] = ()) -> bool:
    """Whether an input of `python_type` can take values of `kind`: an int input takes int values,
    a float input int or float values, and any simple input listed text values that convert."""
    target = _simple_type(python_type)
    if target is None:
        return False
    if kind is float:
        return target is float
    if kind is int:
        return target in (int, float)
    try:
        for value in values:
            convert("", value, target)
    except ValueError:
        return False
    return True


def with_parameters(found: dict[str, str], kwargs: dict[str, typing.Any], types: dict[str, typing.Any]) -> dict[str, typing.Any]:
    """`kwargs` with every parameter named like an input replacing that input, typed."""
    out = dict(kwargs)
    for name, text in found.items():
        if name in types:
            out[name] = convert(name, text, types[name])
    return out


def failure_text(message: str, limit: int) -> bytes:
    """`message` as UTF-8 within `limit` bytes; a cut message ends with ` [...]`."""
    data = message.strip().encode("utf-8")
    if len(data) <= limit:
        return data
    marker = b" [...]"
    return data[: max(limit - len(marker), 0)].decode("utf-8", "ignore").encode("utf-8") + marker


def write_failure(contract: Contract, message: str) -> Path:
    path = contract.path(contract.failure_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(failure_text(message, contract.failure_max_bytes))
    return path


# A number as `repr(float)` prints it: 0.5, 3.0, 1e-07, -2.5e+20.
_NUMBER = r"([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)"
_SPECIAL = set("\\.^$|?*+()[]{}")


def _literal(text: str) -> str:
    """`text` as a regular expression matching itself, escaping only what every engine treats as
    special (so the expression means the same to the controller's engine as to Python's)."""
    return "".join("\\" + c if c in _SPECIAL else c for c in text)


def _check_metric_name(name: str) -> None:
    if not isinstance(name, str) or not name or any(c in name for c in "\r\n"):
        raise ValueError(f"a metric name must be non-empty text on one line, got {name!r}")


def metric_regex(contract: Contract, name: str) -> str:
    _check_metric_name(name)
    return _literal(contract.metric_prefix + name + contract.metric_between) + _NUMBER + _literal(contract.metric_suffix)


def metric_line(contract: Contract, name: str, value: float) -> str:
    _check_metric_name(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"metric {name!r}: the value must be a finite number, got {value!r}")
    return f"{contract.metric_prefix}{name}{contract.metric_between}{float(value)!r}{contract.metric_suffix}"
