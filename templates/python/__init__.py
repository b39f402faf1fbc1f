{{ header }}
{{ docstring }}

from .models import (
{%- for name in models %}
    {{ name }},
{%- endfor %}
)
{%- if !container.is_empty() %}
from .container import (
{%- for name in container %}
    {{ name }},
{%- endfor %}
)
{%- endif %}
from .tasks import (
{%- for name in tasks %}
    {{ name }},
{%- endfor %}
)

__all__ = [
{%- for name in models %}
    "{{ name }}",
{%- endfor %}
{%- for name in container %}
    "{{ name }}",
{%- endfor %}
{%- for name in tasks %}
    "{{ name }}",
{%- endfor %}
]
