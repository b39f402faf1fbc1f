# @generated from spark/spark_application.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""What every generated task class shares: building the interface from the config, the payload,
running another task's container, and running a function inside a job container.

Nothing here knows a plugin; the generated classes in `tasks` only declare data.
"""

from __future__ import annotations

import inspect
import keyword
import typing

from flytekit.configuration import SerializationSettings
from flytekit.core.base_task import IgnoreOutputs, PythonTask
from flytekit.core.context_manager import FlyteContext
from flytekit.core.interface import Interface, transform_interface_to_typed_interface
from flytekit.core.python_function_task import PythonFunctionTask
from flytekit.core.task import task
from flytekit.core.type_engine import TypeEngine
from flytekit.models import task as task_models
from flytekit.models.literals import LiteralMap

from . import _job, _support


class Input:
    """A task input with a fixed name."""

    def __init__(self, name: str, python_type: typing.Any, required: bool) -> None:
        self.name = name
        self.python_type = python_type
        self.required = required

    def expand(self, config: typing.Any) -> list[tuple[str, typing.Any, bool, str]]:
        return [(self.name, self.python_type, self.required, f"the input {self.name!r}")]


class ElementInputs:
    """One task input per element of a list field of the config, named by a field of the element."""

    def __init__(self, field: str, name_field: str, python_type: typing.Any, required: bool) -> None:
        self.field = field
        self.name_field = name_field
        self.python_type = python_type
        self.required = required

    def expand(self, config: typing.Any) -> list[tuple[str, typing.Any, bool, str]]:
        return [
            (getattr(item, self.name_field), self.python_type, self.required, f"{self.field}[{i}].{self.name_field}")
            for i, item in enumerate(getattr(config, self.field))
        ]


class ContainerParameters:
    """A list field of the config whose elements each set one input of the container task's function
    at run time (named by `name_field`); `kind` is the type of the values (int, float, or str with
    the values listed in `values_field`)."""

    def __init__(self, field: str, name_field: str, kind: type, values_field: str | None = None) -> None:
        self.field = field
        self.name_field = name_field
        self.kind = kind
        self.values_field = values_field

    def expand(self, config: typing.Any) -> list[tuple[str, str, list[str]]]:
        """(input name, where it is declared, listed values) per element."""
        return [
            (
                getattr(item, self.name_field),
                f"{self.field}[{i}].{self.name_field}",
                list(getattr(item, self.values_field)) if self.values_field else [],
            )
            for i, item in enumerate(getattr(config, self.field))
        ]


def with_format(blob_type: typing.Any, blob_format: str) -> typing.Any:
    """`FlyteFile[blob_format]` (or a directory's): a blob type with a format, built at run time."""
    return blob_type[blob_format]


def _type_name(python_type: typing.Any) -> str:
    return getattr(python_type, "__name__", None) or str(python_type)


def container_parameters(
    specs: typing.Iterable[ContainerParameters], config: typing.Any, task: ContainerPayloadTask
) -> set[str]:
    """The inputs of `task`'s function that the config sets at run time. Each must be an input of
    the function whose type can take the values; otherwise a ValueError naming the config field."""
    names: set[str] = set()
    inputs = task.function_inputs
    for spec in specs:
        for name, origin, values in spec.expand(config):
            if name not in inputs:
                known = ", ".join(sorted(inputs)) or "none"
                raise ValueError(
                    f"{origin}: {name!r} is set per job at run time, so it must be an input of {task.name} "
                    f"(its inputs: {known})"
                )
            if not _job.can_take(inputs[name], spec.kind, values):
                what = f"the values {values}" if spec.values_field else f"{spec.kind.__name__} values"
                raise ValueError(
                    f"{origin}: the input {name!r} of {task.name} is {_type_name(inputs[name])}, which cannot take {what}"
                )
            names.add(name)
    return names


def declared_inputs(specs: typing.Iterable[Input | ElementInputs], config: typing.Any) -> dict[str, typing.Any]:
    """The interface inputs a config declares, in declaration order. Inputs that need not be bound
    are Optional with a default of None, so a workflow may leave them out."""
    inputs: dict[str, typing.Any] = {}
    origins: dict[str, str] = {}
    for spec in specs:
        for name, python_type, required, origin in spec.expand(config):
            if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
                raise ValueError(f"{origin}: {name!r} names a task input, so it must be a Python identifier")
            if name in inputs:
                raise ValueError(f"{origin}: the task input {name!r} is already declared by {origins[name]}")
            inputs[name] = python_type if required else (typing.Optional[python_type], None)
            origins[name] = origin
    return inputs


def _literal_type(python_type: typing.Any) -> typing.Any:
    return TypeEngine.to_literal_type(python_type[0] if isinstance(python_type, tuple) else python_type)


def merge_inputs(into: dict[str, typing.Any], more: dict[str, typing.Any], origin: str) -> None:
    """Adds `more` to `into`; a name in both must have the same Flyte type."""
    for name, python_type in more.items():
        if name not in into:
            into[name] = python_type
        elif _literal_type(into[name]) != _literal_type(python_type):
            raise ValueError(f"{origin}: input {name!r} has a different type here than the task declares")


def checked_config(config: typing.Any, config_type: type, task_class: type, container: bool) -> typing.Any:
    """`config`, validated; `container` says whether the task template will carry a container
    (the rules that depend on it are checked too)."""
    if not isinstance(config, config_type):
        raise TypeError(f"{task_class.__name__} takes a {config_type.__name__} config, got {type(config).__name__}")
    # Raising here, when the task is defined, stops a bad config long before anything is submitted.
    checked: typing.Any = config
    checked.validate(container=container)
    return checked


def check_resources(task_name: str, spec: typing.Any) -> None:
    """Fails on a `requests=` / `limits=` value that is not a Kubernetes quantity: the backend
    places them into the job's pods as they are, and rejects such a value too, later."""
    for side in ("requests", "limits"):
        resources = getattr(spec, side, None)
        for attr in ("cpu", "mem", "gpu", "ephemeral_storage"):
            value = getattr(resources, attr, None)
            if value is not None and not isinstance(value, (list, tuple)):
                _support.k8s_value(f"{task_name}: {side}.{attr}", str(value), "QUANTITY")


def check_keywords(task_class: type, base: type, kwargs: dict[str, typing.Any], *also: typing.Callable[..., typing.Any]) -> None:
    """Raises TypeError for a keyword argument that no flytekit class under `base` (nor any of
    `also`) takes: flytekit's `Task.__init__` accepts `**kwargs` and drops what it does not know,
    so a misspelt setting (`interruptable=True`) would otherwise vanish."""
    known: set[str] = set()
    inits = [cls.__dict__["__init__"] for cls in base.__mro__ if "__init__" in cls.__dict__]
    for init in [*inits, *also]:
        for parameter in inspect.signature(init).parameters.values():
            if parameter.kind not in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL):
                known.add(parameter.name)
    for name in kwargs:
        if name not in known:
            raise TypeError(f"{task_class.__name__}() got an unexpected keyword argument {name!r}")


class PayloadTask(PythonTask[typing.Any]):
    """A task the backend runs from its config alone: no user code runs in a Flyte container.

    Subclasses set `TASK_TYPE`, `TASK_TYPE_VERSION`, `CONFIG` (the config dataclass), `INPUTS` and
    `OUTPUTS`, and `ACCEPTS_CONTAINER_TASK` when the backend can run another task's container.
    """

    TASK_TYPE: typing.ClassVar[str]
    TASK_TYPE_VERSION: typing.ClassVar[int] = 0
    CONFIG: typing.ClassVar[type]
    INPUTS: typing.ClassVar[tuple[Input | ElementInputs, ...]] = ()
    OUTPUTS: typing.ClassVar[dict[str, typing.Any]] = {}
    ACCEPTS_CONTAINER_TASK: typing.ClassVar[bool] = False
    CONTAINER_PARAMETERS: typing.ClassVar[tuple[ContainerParameters, ...]] = ()

    def __init__(
        self,
        name: str,
        config: typing.Any,
        container_task: PythonFunctionTask[typing.Any] | None = None,
        **kwargs: typing.Any,
    ) -> None:
        check_keywords(type(self), PythonTask, kwargs)
        # What container_task is decides which rules of the config apply, so it is checked first.
        runs: ContainerPayloadTask | None = None
        if container_task is not None:
            if not self.ACCEPTS_CONTAINER_TASK:
                raise TypeError(f"{type(self).__name__} cannot run another task's container")
            if not isinstance(container_task, ContainerPayloadTask):
                raise TypeError(
                    "container_task must be a task declared with @task(task_config=...) and the config of a task "
                    f"type that runs its own container, got {type(container_task).__name__}"
                )
            runs = container_task
        config = checked_config(config, self.CONFIG, type(self), container=runs is not None)
        inputs = declared_inputs(self.INPUTS, config)
        if runs is not None:
            # The job runs that task's command, which reads this task's inputs: it needs all of its own,
            # except those the config sets per job (tuned hyperparameters, for example).
            per_job = container_parameters(self.CONTAINER_PARAMETERS, config, runs)
            own = {k: v for k, v in runs.python_interface.inputs_with_defaults.items() if k not in per_job}
            merge_inputs(inputs, own, "container_task")
        super().__init__(
            task_type=self.TASK_TYPE,
            name=name,
            task_config=config,
            interface=Interface(inputs=inputs, outputs=dict(self.OUTPUTS)),
            task_type_version=self.TASK_TYPE_VERSION,
            **kwargs,
        )
        self._container_task = runs

    @property
    def container_task(self) -> ContainerPayloadTask | None:
        return self._container_task

    def get_custom(self, settings: SerializationSettings) -> dict[str, typing.Any]:
        custom: dict[str, typing.Any] = typing.cast(typing.Any, self.task_config).to_dict()
        return custom

    def get_container(self, settings: SerializationSettings) -> task_models.Container | None:
        # The backend takes the job's image and command from the template's container.
        if self._container_task is None:
            return None
        return self._container_task.get_container(settings)

    def execute(self, **kwargs: typing.Any) -> typing.Any:
        raise RuntimeError(
            f"{type(self).__name__} {self.name!r} (task type {self.TASK_TYPE!r}) runs only on a Flyte backend that "
            "serves this task type; it cannot run locally. Mock it in local tests with flytekit.testing.task_mock."
        )


class ContainerPayloadTask(PythonFunctionTask[typing.Any]):
    """A task whose function runs in the task's own container inside the backend's job.

    The interface is the function's, plus the inputs the config declares that the function does
    not take itself (they only feed the job's configuration and are never passed to it).

    Inside a job (the files of `CONTRACT` are present), a job parameter named like an input of the
    function replaces that input, converted to its type, and only the job's first host returns the
    outputs: the others run the function too, but write nothing.
    """

    TASK_TYPE: typing.ClassVar[str]
    TASK_TYPE_VERSION: typing.ClassVar[int] = 0
    CONFIG: typing.ClassVar[type]
    INPUTS: typing.ClassVar[tuple[Input | ElementInputs, ...]] = ()
    OUTPUTS: typing.ClassVar[dict[str, typing.Any]] = {}
    CONTRACT: typing.ClassVar[_job.Contract | None] = None

    def __init__(self, task_config: typing.Any, task_function: typing.Callable[..., typing.Any], **kwargs: typing.Any) -> None:
        # `@task(...)` hands on its own keywords (some consumed deeper, from `**kwargs`).
        check_keywords(type(self), PythonFunctionTask, kwargs, task)
        task_config = checked_config(task_config, self.CONFIG, type(self), container=True)
        super().__init__(
            task_config=task_config,
            task_function=task_function,
            task_type=self.TASK_TYPE,
            task_type_version=self.TASK_TYPE_VERSION,
            **kwargs,
        )
        check_resources(self.name, self.resources)
        own = self.python_interface
        self._function_inputs = dict(own.inputs)
        for name in self.OUTPUTS:
            if name not in own.outputs:
                raise ValueError(f"{self.name}: the function must return an output named {name!r}")
        inputs = dict(own.inputs_with_defaults)
        merge_inputs(inputs, declared_inputs(self.INPUTS, task_config), "task_config")
        if len(inputs) > len(self._function_inputs):
            # flytekit has no hook for inputs beyond the function's signature, so the interface is
            # replaced after construction.
            self._python_interface = Interface(
                inputs=inputs, outputs=own.outputs, output_tuple_name=own.output_tuple_name, docstring=own.docstring
            )
            typed = transform_interface_to_typed_interface(self._python_interface, allow_partial_artifact_id_binding=True)
            assert typed is not None, "an interface with inputs has a typed form"
            self._interface = typed

    @property
    def function_inputs(self) -> dict[str, typing.Any]:
        """The function's own inputs and their Python types."""
        return dict(self._function_inputs)

    def get_custom(self, settings: SerializationSettings) -> dict[str, typing.Any]:
        custom: dict[str, typing.Any] = typing.cast(typing.Any, self.task_config).to_dict()
        return custom

    def execute(self, **kwargs: typing.Any) -> typing.Any:
        # Runs inside flytekit's user-error scope: what raises here fails the task as the user's error.
        if self.CONTRACT is None:
            return super().execute(**kwargs)
        found = _job.parameters(self.CONTRACT)
        if found is not None:
            kwargs = _job.with_parameters(found, kwargs, self._function_inputs)
        hosts = _job.hosts(self.CONTRACT)
        outputs = super().execute(**kwargs)
        if hosts is not None and not hosts.is_first:
            # flytekit then writes no outputs: the first host's are the task's.
            raise IgnoreOutputs(
                f"host {hosts.current_host!r} is not the first of {list(hosts.hosts)}, which writes the outputs"
            )
        return outputs

    def _literal_map_to_python_input(self, literal_map: LiteralMap, ctx: FlyteContext) -> dict[str, typing.Any]:
        # The inputs file holds every input of the task that started the job (this task, or a task
        # that ran this one's container); the function gets only its own parameters.
        kept = typing.cast(typing.Any, LiteralMap)(
            literals={k: v for k, v in literal_map.literals.items() if k in self._function_inputs}
        )
        kwargs: dict[str, typing.Any] = TypeEngine.literal_map_to_kwargs(ctx, kept, self._function_inputs)
        return kwargs
