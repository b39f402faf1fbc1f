{{ header }}
{{ docstring }}

from __future__ import annotations

import typing
{%- if !flytekit_imports.is_empty() %}
{% for line in flytekit_imports %}
{{ line }}
{%- endfor %}
{%- endif %}

from ._base import {{ base_imports|join(", ") }}
{%- if uses_contract %}
from . import container
{%- endif %}
from .models import {{ model_imports|join(", ") }}
{%- for t in tasks %}


class {{ t.class }}({{ t.base }}):
{{ t.docstring }}

    TASK_TYPE = {{ t.task_type }}
    TASK_TYPE_VERSION = {{ t.version }}
    CONFIG = {{ t.config }}
{%- if !t.inputs.is_empty() %}
    INPUTS = (
{%- for input in t.inputs %}
        {{ input }},
{%- endfor %}
    )
{%- endif %}
{%- if !t.outputs.is_empty() %}
    OUTPUTS = {
{%- for (name, ty) in t.outputs %}
        {{ name }}: {{ ty }},
{%- endfor %}
    }
{%- endif %}
{%- if t.runs_task_container && uses_contract %}
    CONTRACT = container.CONTRACT
{%- endif %}
{%- if t.accepts_container_task %}
    ACCEPTS_CONTAINER_TASK = True
{%- if !t.container_parameters.is_empty() %}
    CONTAINER_PARAMETERS = (
{%- for p in t.container_parameters %}
        {{ p }},
{%- endfor %}
    )
{%- endif %}

    def __init__(
        self,
        name: str,
        config: {{ t.config }},
        container_task: PythonFunctionTask[typing.Any] | None = None,
        **kwargs: typing.Any,
    ) -> None:
        super().__init__(name, config, container_task=container_task, **kwargs)
{%- else if t.runs_task_container %}

    def __init__(
        self, task_config: {{ t.config }}, task_function: typing.Callable[..., typing.Any], **kwargs: typing.Any
    ) -> None:
        super().__init__(task_config, task_function, **kwargs)


TaskPlugins.register_pythontask_plugin({{ t.config }}, {{ t.class }})
{%- else %}

    def __init__(self, name: str, config: {{ t.config }}, **kwargs: typing.Any) -> None:
        super().__init__(name, config, **kwargs)
{%- endif %}
{%- endfor %}
