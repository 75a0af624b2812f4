"""Which diagnostics count: `--select`/`--ignore` code lists (a prefix such as CG2 names a
range) and `# cwlgen: ignore[CODE, ...]` comments on the line a diagnostic points at."""

from __future__ import annotations

import linecache
import re
from collections.abc import Iterable, Sequence
from typing import TypeVar

from cwlgen.messages import MESSAGES, DiagnosticLike

D = TypeVar("D", bound=DiagnosticLike)

_COMMENT = re.compile(r"#\s*cwlgen:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")


class CodeListError(ValueError):
    """A --select/--ignore entry that names no code of the registry."""


def parse_codes(values: Iterable[str]) -> tuple[str, ...]:
    """`CG201,CG3` (repeatable) -> ('CG201', 'CG3'); each entry must be a code or a prefix of
    one (CG, CG2, CG20, CG201)."""
    codes = []
    for value in values:
        for item in value.split(","):
            code = item.strip().upper()
            if not code:
                continue
            if not any(known.startswith(code) for known in MESSAGES):
                raise CodeListError(code)
            codes.append(code)
    return tuple(codes)


def _matches(code: str, patterns: Sequence[str]) -> bool:
    return any(code.startswith(p) for p in patterns)


def suppressed_codes(path: str, line: int) -> frozenset[str] | None:
    """The codes a `# cwlgen: ignore[...]` comment on that line hides: None when there is no
    comment, an empty set for a bare `# cwlgen: ignore` (every code)."""
    if line < 1:
        return None
    text = linecache.getline(path, line)
    m = _COMMENT.search(text)
    if m is None:
        return None
    if m["codes"] is None:
        return frozenset()
    return frozenset(c.strip().upper() for c in m["codes"].split(",") if c.strip())


def keep(diagnostics: Iterable[D], *, select: Sequence[str] = (),
         ignore: Sequence[str] = ()) -> list[D]:
    """The diagnostics that count: selected (all when `select` is empty), not ignored, and not
    hidden by an ignore comment on their line."""
    out = []
    for d in diagnostics:
        if select and not _matches(d.code, select):
            continue
        if _matches(d.code, ignore):
            continue
        if d.loc is not None:
            hidden = suppressed_codes(d.loc.path, d.loc.line)
            if hidden is not None and (not hidden or d.code in hidden):
                continue
        out.append(d)
    return out
