"""Diagnostics: one problem at one source location, printed like a compiler message.

The text of every diagnostic comes from `cwlgen.messages` so codes stay stable, and so
does the printed form (`format_diagnostic`).
"""

from __future__ import annotations

from typing import Any

from cwlgen.ir.frozen import frozen
from cwlgen.ir.location import SourceLocation
from cwlgen.messages import MESSAGES, Severity, diagnostic_json, format_diagnostic


@frozen(kw_only=True)
class Note:
    """A secondary location that explains a diagnostic (the other end of a mismatch)."""

    message: str
    loc: SourceLocation | None = None

    def render(self) -> str:
        """`path:line: note: message`."""
        where = f"{self.loc}: " if self.loc is not None else ""
        return f"{where}note: {self.message}"


@frozen(kw_only=True)
class Diagnostic:
    """One problem found while compiling, with a stable code such as ``CG201``."""

    code: str
    message: str
    loc: SourceLocation | None
    severity: Severity = "error"
    notes: tuple[Note, ...] = ()

    def render(self) -> str:
        """The printed form (`cwlgen.messages.format_diagnostic`)."""
        return format_diagnostic(self)

    def sort_key(self) -> tuple[str, int, str, str]:
        """Order by file, line, code, then text."""
        loc = self.loc or SourceLocation(path="", line=0)
        return (loc.path, loc.line, self.code, self.message)

    def to_json(self) -> dict[str, Any]:
        """The JSON form (`cwlgen.messages.diagnostic_json`)."""
        return diagnostic_json(self)


def diag(
    code: str,
    loc: SourceLocation | None,
    *,
    variant: str | None = None,
    notes: tuple[Note, ...] = (),
    **fields: object,
) -> Diagnostic:
    """Build a diagnostic from the registry entry `code` (its `variant` when the code has
    several texts), filling the template with `fields`."""
    entry = MESSAGES[code]
    return Diagnostic(
        code=code,
        message=entry.text(variant, **fields),
        loc=loc,
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
