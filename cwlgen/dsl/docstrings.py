"""Docstrings -> CWL label, doc and per-parameter docs (Google style `Args:` sections)."""

from __future__ import annotations

import inspect
import re

from cwlgen.ir.frozen import frozen

_SECTION = re.compile(
    r"^(Args|Arguments|Parameters|Returns|Outputs|Raises|Yields|Notes?|Examples?):\s*$"
)
_ITEM = re.compile(r"^(\*{0,2}\w+)\s*(\([^)]*\))?\s*:\s*(.*)$")


@frozen
class ParsedDoc:
    """A docstring split into a label (first line), the body, and the texts of each
    parameter and each returned field."""

    label: str | None
    doc: str | None
    params: dict[str, str]
    returns: dict[str, str]


def parse_docstring(text: str | None) -> ParsedDoc:
    """Split a docstring into its first line (label), the rest (doc) and item sections."""
    if not text:
        return ParsedDoc(None, None, {}, {})
    lines = inspect.cleandoc(text).splitlines()
    label = lines[0].strip() or None
    body: list[str] = []
    sections: dict[str, dict[str, str]] = {"params": {}, "returns": {}}
    current: dict[str, str] | None = None
    last: str | None = None
    item_indent: int | None = None
    for line in lines[1:]:
        m = _SECTION.match(line.strip())
        if m and not line.startswith((" ", "\t")):
            name = m.group(1)
            if name in ("Args", "Arguments", "Parameters"):
                current = sections["params"]
            elif name in ("Returns", "Outputs"):
                current = sections["returns"]
            else:
                current = None
                body.append(line)
            last = None
            item_indent = None
            continue
        if current is not None:
            if not line.strip():
                continue
            if not line.startswith((" ", "\t")):
                current = None
                body.append(line)
                continue
            item = _ITEM.match(line.strip())
            indent = len(line) - len(line.lstrip())
            if item and (item_indent is None or indent <= item_indent):
                item_indent = indent
                last = item.group(1).lstrip("*")
                current[last] = item.group(3).strip()
            elif last is not None:
                current[last] = (current[last] + " " + line.strip()).strip()
            continue
        body.append(line)
    doc = "\n".join(body).strip() or None
    return ParsedDoc(label, doc, sections["params"], sections["returns"])
