"""Source locations: where in the user's code an IR node came from (finding them from
stack frames is `cwlgen.ir.frames`)."""

from __future__ import annotations

import os

import attrs


@attrs.frozen(kw_only=True, order=True)
class SourceLocation:
    """A `path:line` in the user's code; `path` is relative to the working directory when
    the file lies under it, so messages never depend on where a checkout lives."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def display_path(filename: str) -> str:
    """`filename` relative to the working directory if it is inside it, else unchanged."""
    try:
        rel = os.path.relpath(filename)
    except ValueError:
        return filename
    return filename if rel.startswith("..") else rel
