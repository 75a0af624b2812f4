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
