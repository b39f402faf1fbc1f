{{ header }}
{{ docstring }}

from __future__ import annotations

import dataclasses
{%- if uses_datetime %}
import datetime
{%- endif %}
{%- if !enums.is_empty() %}
import enum
{%- endif %}
import typing

from . import _support
{%- for e in enums %}


class {{ e.name }}(enum.Enum):
{{ e.docstring }}
{% for m in e.members %}
    {{ m.name }} = {{ m.value }}
{%- if let Some(doc) = m.docstring %}
{{ doc }}
{%- endif %}
{%- endfor %}

    @property
    def api(self) -> str | None:
        """The string the target APIs expect for this value; None for the unset value."""
        return {{ e.api_table }}[self.value]

    @property
    def unsupported_in(self) -> tuple[str, ...]:
        """The targets that do not accept this value."""
        return {{ e.unsupported_table }}.get(self.value, ())


{{ e.api_table }}: dict[str, str | None] = {
{%- for m in e.members %}
    {{ m.value }}: {{ m.api }},
{%- endfor %}
}
{{ e.unsupported_table }}: dict[str, tuple[str, ...]] = {
{%- if e.unsupported.is_empty() %}}{% else %}
{%- for (value, targets) in e.unsupported %}
    {{ value }}: {{ targets }},
{%- endfor %}
}
{%- endif %}
{%- endfor %}
{%- for m in messages %}


@dataclasses.dataclass(kw_only=True)
class {{ m.name }}:
{{ m.docstring }}
{% for f in m.fields %}
    {{ f.name }}: {{ f.hint }}{% if let Some(d) = f.default %} = {{ d }}{% endif %}
{%- endfor %}

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = {{ m.rules }}

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
{%- for line in m.validate %}
{{ line }}
{%- endfor %}

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
{%- for line in m.to_dict %}
{{ line }}
{%- endfor %}
        return out
{%- endfor %}
