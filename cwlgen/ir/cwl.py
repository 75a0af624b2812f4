"""How IR values are spelled in CWL text, shared by lowering and emission: which strings
need JavaScript, how literal text survives interpolation, and a binding's CWL keys.
"""

from __future__ import annotations

import re
from typing import Any

from cwlgen.ir.nodes import Binding

CWLTOOL_NS = "http://commonwl.org/cwltool#"
#: namespaces every document may use without declaring them (added to `$namespaces` when used)
KNOWN_NAMESPACES = {
    "cwltool": CWLTOOL_NS,
    "edam": "http://edamontology.org/",
    "iana": "https://www.iana.org/assignments/media-types/",
}

# a CWL parameter reference: $(inputs.x), $(runtime.cores), $(self[0].contents), ...
_PARAM_REF = re.compile(
    r"^(inputs|self|runtime)(\.[A-Za-z_][A-Za-z0-9_]*|\['[^']*'\]|\[\"[^\"]*\"\]|\[[0-9]+\])*$"
)


def needs_javascript(text: str | None) -> bool:
    """Whether a CWL string uses `${...}` or a `$(...)` that is not a plain parameter reference."""
    if not text:
        return False
    if re.search(r"(?<!\\)\$\{", text):
        return True
    for m in re.finditer(r"(?<!\\)\$\(", text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        if not _PARAM_REF.match(text[m.end() : i - 1].strip()):
            return True
    return False


def escape_literal(text: str) -> str:
    """Make text survive CWL interpolation unchanged (InitialWorkDir entries, valueFrom)."""
    return text.replace("\\", "\\\\").replace("$(", "\\$(").replace("${", "\\${")


def binding_dict(b: Binding) -> dict[str, Any]:
    """A binding's CWL keys (only those that differ from CWL's defaults)."""
    out: dict[str, Any] = {}
    if b.position is not None:
        out["position"] = b.position
    if b.prefix is not None:
        out["prefix"] = b.prefix
    if not b.separate:
        out["separate"] = False
    if b.item_separator is not None:
        out["itemSeparator"] = b.item_separator
    if not b.shell_quote:
        out["shellQuote"] = False
    if b.value_from is not None:
        out["valueFrom"] = b.value_from
    return out


_INPUT_REF = re.compile(
    r"(?<![\w.$])inputs(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*['\"]([^'\"]+)['\"]\s*\])"
)


def expression_bodies(text: str | None) -> list[str]:
    """The bodies of the unescaped `$(...)` and `${...}` in a CWL string (what an engine
    evaluates; `\\$(` is literal text)."""
    bodies: list[str] = []
    if not text:
        return bodies
    for m in re.finditer(r"(?<!\\)\$([({])", text):
        opening = m.group(1)
        closing = ")" if opening == "(" else "}"
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {opening: 1, closing: -1}.get(text[i], 0)
            i += 1
        bodies.append(text[m.end() : i - 1])
    return bodies


def input_references(text: str | None) -> list[str]:
    """The input names an expression reads (`inputs.x`, `inputs['x']`), in order, once."""
    names: list[str] = []
    for body in expression_bodies(text):
        for m in _INPUT_REF.finditer(body):
            name = m.group(1) or m.group(2)
            if name not in names:
                names.append(name)
    return names
