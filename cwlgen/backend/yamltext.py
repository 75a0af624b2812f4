"""YAML text for the block-style documents cwlgen emits, written straight from the dicts.

Why: PyYAML's representer builds a node object per scalar and resolves each one's tag with
regular expressions before libyaml writes a byte; for the many small documents of a nested
workflow that was most of writing YAML (issue 14). The layout of block collections is fixed
(PyYAML's: two spaces per mapping level, sequences in a mapping not indented, `{}`/`[]` for
empty ones), so only each scalar's text needs a decision: a string of plain characters is
written as it is; every other scalar's text is asked of the full writer once per `ScalarTexts`
(one per compile) and reused. A document holding anything this writer does not decide itself
(a multi-line or very long string, a key the full writer would not write on one line, a value
of another type, deep nesting) is left to the full writer: `write` returns None. The test of
the YAML writer compares both on every golden and generated document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# Written plain by PyYAML in block context and read back as the same string: starts with a
# letter or `_`, then letters, digits, `_./-` and inner single spaces (no `: `, ` #`, no
# leading/trailing blank, nothing YAML 1.1 reads as a bool or null: those are checked below).
_PLAIN = re.compile(r"[A-Za-z_](?:[A-Za-z0-9_./-]| (?=[A-Za-z0-9_./]))*\Z")
# Strings YAML 1.1 resolves to something else when written plain, whatever their case
# (cwlgen quotes these even where PyYAML would not, see yamlio); all are short.
_NOT_PLAIN = frozenset(
    ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]
)
_LONGEST_NOT_PLAIN = max(map(len, _NOT_PLAIN))
_LONGEST_PLAIN = 120  # PyYAML writes keys of 128+ characters as `? key`
_DEEPEST = 60  # deeper documents are left to the full writer (its recursion, its limits)
# line breaks as YAML reads them: text holding one is not a one-line scalar
_BREAKS = re.compile("[\n\r\x85\u2028\u2029]")


class Unsupported(Exception):  # noqa: N818 - a signal for the caller, never shown to users
    """The document holds a value this writer leaves to the full writer."""


class ScalarTexts:
    """How each scalar is written, as a mapping key and as a value: decided once per string
    (for one compile's documents), by the plain test or by asking the full writer."""

    __slots__ = ("_ask", "_keys", "_values")

    def __init__(self, ask: Callable[[Any], str]) -> None:
        """`ask(doc)` is the full writer: YAML text of a one-entry mapping."""
        self._ask = ask
        self._values: dict[str, str] = {}
        self._keys: dict[str, str] = {}

    def value(self, data: str) -> str:
        text = self._values.get(data)
        if text is None:
            text = self._values[data] = self._decide(data, as_key=False)
        return text

    def key(self, data: str) -> str:
        text = self._keys.get(data)
        if text is None:
            text = self._keys[data] = self._decide(data, as_key=True)
        return text

    def other(self, data: Any) -> str:
        """A float (or anything not a str, int, bool or None), as the full writer has it."""
        return self._from_full_writer(data, as_key=False)

    def _decide(self, data: str, *, as_key: bool) -> str:
        if (len(data) <= _LONGEST_PLAIN and _PLAIN.match(data)
                and (len(data) > _LONGEST_NOT_PLAIN or data.lower() not in _NOT_PLAIN)):
            return data
        if len(data) > 4 * _LONGEST_PLAIN or _BREAKS.search(data):
            raise Unsupported
        return self._from_full_writer(data, as_key=as_key)

    def _from_full_writer(self, data: Any, *, as_key: bool) -> str:
        """The scalar's text in a one-entry mapping written by the full writer; only a text
        on one line can be placed anywhere else."""
        text = self._ask({data: 0} if as_key else {"k": data})
        head, tail = ("", ": 0\n") if as_key else ("k: ", "\n")
        body = text[len(head):len(text) - len(tail)]
        if not (text.startswith(head) and text.endswith(tail)) or _BREAKS.search(body):
            raise Unsupported
        return body


def write(doc: Any, scalars: ScalarTexts) -> str | None:
    """`doc` (a dict) as block-style YAML text, byte for byte what the full writer gives;
    None when `doc` holds something left to the full writer."""
    if not isinstance(doc, dict):
        return None
    out: list[str] = []
    try:
        if doc:
            _mapping(doc, "", out, scalars, 0)
        else:
            out.append("{}\n")
    except Unsupported:
        return None
    return "".join(out)


def _scalar(value: Any, scalars: ScalarTexts) -> str:
    kind = type(value)
    if kind is str:
        return scalars.value(value)
    if kind is int:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    if kind is float:
        return scalars.other(value)
    raise Unsupported


def _mapping(doc: dict[Any, Any], indent: str, out: list[str], scalars: ScalarTexts,
             depth: int) -> None:
    """Entries at `indent`; the caller may replace the first line's indent with `- `."""
    if depth > _DEEPEST:
        raise Unsupported
    key_text = scalars.key
    for key, value in doc.items():
        if type(key) is not str:
            raise Unsupported
        kind = type(value)
        if kind is dict:
            if value:
                out.append(f"{indent}{key_text(key)}:\n")
                _mapping(value, indent + "  ", out, scalars, depth + 1)
            else:
                out.append(f"{indent}{key_text(key)}: {{}}\n")
        elif kind is list:
            if value:
                out.append(f"{indent}{key_text(key)}:\n")
                _sequence(value, indent, out, scalars, depth + 1)
            else:
                out.append(f"{indent}{key_text(key)}: []\n")
        else:
            out.append(f"{indent}{key_text(key)}: {_scalar(value, scalars)}\n")


def _sequence(items: list[Any], indent: str, out: list[str], scalars: ScalarTexts,
              depth: int) -> None:
    """Items `- ...` at `indent` (PyYAML does not indent a sequence inside a mapping)."""
    if depth > _DEEPEST:
        raise Unsupported
    inner = indent + "  "
    for item in items:
        kind = type(item)
        if kind is dict and item:
            start = len(out)
            _mapping(item, inner, out, scalars, depth + 1)
            out[start] = f"{indent}- {out[start][len(inner):]}"
        elif kind is list and item:
            start = len(out)
            _sequence(item, inner, out, scalars, depth + 1)
            out[start] = f"{indent}- {out[start][len(inner):]}"
        elif kind is dict:
            out.append(f"{indent}- {{}}\n")
        elif kind is list:
            out.append(f"{indent}- []\n")
        else:
            out.append(f"{indent}- {_scalar(item, scalars)}\n")
