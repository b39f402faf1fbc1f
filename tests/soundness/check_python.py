"""Soundness check, Python half: each module named on the command line (written by the Rust
driver, one per generated package) imports its package with the real flytekit and defines one
task per task type with a valid config. Each task is serialized as `pyflyte package` would; its
template must carry the task type and the config's `to_dict()` as `custom`."""

import importlib
import sys
import traceback
import warnings
from collections import OrderedDict

from flytekit.configuration import ImageConfig, SerializationSettings
from flytekit.tools.translator import get_serializable
from google.protobuf.json_format import MessageToDict

SETTINGS = SerializationSettings(
    image_config=ImageConfig.auto_default_image(), project="soundness", domain="development", version="v1"
)


def check(module_name: str) -> list[str]:
    problems = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            module = importlib.import_module(module_name)
    except Exception:
        return [f"{module_name}: import failed:\n{traceback.format_exc()}"]
    for task_type, task, config in module.CHECKS:
        try:
            template = get_serializable(OrderedDict(), SETTINGS, task).template.to_flyte_idl()
            if template.type != task_type:
                problems.append(f"{module_name}: template type {template.type!r}, expected {task_type!r}")
            custom = MessageToDict(template.custom)
            if custom != config.to_dict():
                problems.append(f"{module_name}: custom {custom!r} != to_dict() {config.to_dict()!r}")
        except Exception:
            problems.append(f"{module_name}: serializing {task_type}:\n{traceback.format_exc()}")
    return problems


def main() -> int:
    problems = [p for name in sys.argv[1:] for p in check(name)]
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
