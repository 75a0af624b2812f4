"""YAML text from plain dicts: ruamel.yaml's C-accelerated safe dumper, key order kept,
multi-line strings as literal blocks, YAML 1.1 look-alikes ('yes', 'on', 'null') quoted.
"""

from __future__ import annotations

import io
from typing import Any

import ruamel.yaml
from ruamel.yaml.representer import SafeRepresenter

_QUOTE = frozenset(
    ["", "~", "y", "n", "yes", "no", "on", "off", "true", "false", "null", "=", "<<"]
)


class _Representer(SafeRepresenter):
    pass


def _represent_str(self: SafeRepresenter, data: str) -> Any:
    if "\n" in data and not any(line.endswith((" ", "\t")) for line in data.split("\n")):
        return self.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    if data.lower() in _QUOTE:
        return self.represent_scalar("tag:yaml.org,2002:str", data, style="'")
    return self.represent_scalar("tag:yaml.org,2002:str", data)


_Representer.add_representer(str, _represent_str)


def _dumper() -> ruamel.yaml.YAML:
    try:
        yaml = ruamel.yaml.YAML(typ="safe", pure=False)
    except Exception:  # pragma: no cover - without ruamel.yaml.clib
        yaml = ruamel.yaml.YAML(typ="safe", pure=True)
    yaml.Representer = _Representer
    yaml.default_flow_style = False
    yaml.width = 1_000_000
    yaml.allow_unicode = True
    return yaml


_YAML = _dumper()


def dump(doc: Any, header: str | None = None) -> str:
    """`doc` as YAML text, preceded by `header` as comment lines."""
    stream = io.StringIO()
    _YAML.representer.sort_base_mapping_type_on_output = False
    _YAML.dump(doc, stream)
    text = stream.getvalue()
    if header:
        comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
        text = comment + text
    return text


def load(text: str) -> Any:
    """Parse YAML text (safe loader) back into plain Python objects."""
    return ruamel.yaml.YAML(typ="safe", pure=False).load(text)
