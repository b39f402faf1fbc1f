{{ header }}
{{ docstring }}

from .models import (
{%- for name in models %}
    {{ name }},
{%- endfor %}
)
from .tasks import (
{%- for name in tasks %}
    {{ name }},
{%- endfor %}
)

__all__ = [
{%- for name in models %}
    "{{ name }}",
{%- endfor %}
{%- for name in tasks %}
    "{{ name }}",
{%- endfor %}
]
