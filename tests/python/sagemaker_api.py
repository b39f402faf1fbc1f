"""What SageMaker should receive for a custom resource, and what it did receive, both in the
SageMaker API's own shapes (botocore's service model of the pinned boto3):

* `to_api(spec, shape)`: a CR spec in a controller's field names, renamed member by member to the
  API shape's members. Both controllers name their fields after the API members, the operator in
  camelCase (`roleArn`, `s3Uri`, `type`), ACK with upper-case initialisms (`roleARN`, `s3URI`,
  `type_`); they compare equal to the member's name once lower-cased without underscores. A field
  that names no member is an error: SageMaker would never see it. The operator's `{name, value}`
  lists of API maps become maps.
* `received(description, shape)`: a Describe* answer cut down to the members of the create call's
  request shape (the rest is what SageMaker adds: ARNs, times, status).
* `leaves` and `differences`: the two compared leaf by leaf, with each difference named by its API
  path.
"""

from typing import Any


class NotAnApiMember(ValueError):
    pass


def _key(name: str) -> str:
    return name.replace("_", "").lower()


def member_path(path: list[str], shape) -> list[str]:
    """A CR path below `spec` (controller field names) as the API member names of `shape`."""
    out = []
    for part in path:
        while shape.type_name == "list":
            shape = shape.member
        if shape.type_name == "map":
            out.append(part)
            shape = shape.value
            continue
        members = {_key(name): (name, s) for name, s in shape.members.items()}
        if _key(part) not in members:
            raise NotAnApiMember(f"`{part}` (in {'.'.join(path)}) is no member of {shape.name}")
        name, shape = members[_key(part)]
        out.append(name)
    return out


def to_api(value: Any, shape, where: str = "spec") -> Any:
    if shape.type_name == "structure":
        if not isinstance(value, dict):
            raise NotAnApiMember(f"{where} is {type(value).__name__}, the API wants the structure {shape.name}")
        members = {_key(name): (name, s) for name, s in shape.members.items()}
        out = {}
        for key, item in value.items():
            if _key(key) not in members:
                raise NotAnApiMember(f"{where}.{key} is no member of {shape.name}: SageMaker would not receive it")
            name, member = members[_key(key)]
            out[name] = to_api(item, member, f"{where}.{key}")
        return out
    if shape.type_name == "list":
        return [to_api(item, shape.member, f"{where}[{i}]") for i, item in enumerate(value)]
    if shape.type_name == "map":
        if isinstance(value, list):
            # The operator's CRDs cannot hold free-form maps: `{name, value}` pairs stand in.
            value = {pair["name"]: pair["value"] for pair in value}
        return {key: to_api(item, shape.value, f"{where}.{key}") for key, item in value.items()}
    return value


def received(description: dict, shape) -> dict:
    """The members of `description` that are members of the request `shape` (recursively)."""

    def cut(value, shape):
        if shape.type_name == "structure" and isinstance(value, dict):
            return {k: cut(v, shape.members[k]) for k, v in value.items() if k in shape.members}
        if shape.type_name == "list" and isinstance(value, list):
            return [cut(v, shape.member) for v in value]
        return value

    return cut(description, shape)


def leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Every scalar of `value` by its path; empty containers count as absent."""
    out = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out.update(leaves(item, f"{path}.{key}" if path else key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.update(leaves(item, f"{path}[{i}]"))
    else:
        out[path] = value
    return out


def _same(a, b) -> bool:
    # Integers cross JSON as numbers on one side and as strings nowhere; booleans stay booleans.
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return float(a) == float(b)
    return a == b


def differences(expected: dict, got: dict) -> list[str]:
    want, have = leaves(expected), leaves(got)
    out = []
    for path in sorted(set(want) | set(have)):
        if path not in have:
            out.append(f"{path}: SageMaker did not receive {want[path]!r}")
        elif path not in want:
            if have[path] is False:
                # An absent boolean is false to SageMaker, and its answers say so.
                continue
            out.append(f"{path}: SageMaker received {have[path]!r}, which the task did not declare")
        elif not _same(want[path], have[path]):
            out.append(f"{path}: SageMaker received {have[path]!r}, the task declared {want[path]!r}")
    return out


def pop_path(value: dict, path: list[str]) -> Any:
    """Removes and returns the item at `path` (None if absent)."""
    for part in path[:-1]:
        value = value.get(part)
        if not isinstance(value, dict):
            return None
    return value.pop(path[-1], None) if isinstance(value, dict) else None


def get_path(value: dict, path: list[str]) -> Any:
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
