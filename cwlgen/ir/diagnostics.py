"""Diagnostics: one problem at one source location, printed like a compiler message.

The text of every diagnostic comes from `cwlgen.messages` so codes stay stable.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from cwlgen.ir.location import SourceLocation
from cwlgen.messages import MESSAGES

Severity = Literal["error", "warning"]


@attrs.frozen(kw_only=True)
class Note:
    """A secondary location that explains a diagnostic (the other end of a mismatch)."""

    message: str
    src: SourceLocation | None = None

    def render(self) -> str:
        where = f"{self.src}: " if self.src is not None else ""
        return f"{where}note: {self.message}"


@attrs.frozen(kw_only=True)
class Diagnostic:
    """One problem found while compiling, with a stable code such as ``CG201``."""

    code: str
    message: str
    src: SourceLocation | None
    severity: Severity = "error"
    notes: tuple[Note, ...] = ()

    def render(self) -> str:
        where = f"{self.src}: " if self.src is not None else ""
        head = f"{where}{self.severity}[{self.code}]: {self.message}"
        return "\n".join([head, *(n.render() for n in self.notes)])

    def sort_key(self) -> tuple[str, int, str, str]:
        src = self.src or SourceLocation(path="", line=0)
        return (src.path, src.line, self.code, self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "path": self.src.path if self.src else None,
            "line": self.src.line if self.src else None,
            "notes": [
                {
                    "message": n.message,
                    "path": n.src.path if n.src else None,
                    "line": n.src.line if n.src else None,
                }
                for n in self.notes
            ],
        }


def diag(
    code: str,
    src: SourceLocation | None,
    *,
    notes: tuple[Note, ...] = (),
    **fields: object,
) -> Diagnostic:
    """Build a diagnostic from the registry entry `code`, filling its template with `fields`."""
    entry = MESSAGES[code]
    return Diagnostic(
        code=code,
        message=entry.template.format(**fields),
        src=src,
        severity=entry.severity,
        notes=notes,
    )


def sorted_diagnostics(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Sort by location, dropping exact duplicates (the same problem seen twice)."""
    seen: set[Diagnostic] = set()
    unique = []
    for d in diagnostics:
        if d not in seen:
            seen.add(d)
            unique.append(d)
    return sorted(unique, key=Diagnostic.sort_key)
