"""How `cwlgen check` shows what it found: each diagnostic in the registry's one printed form
(or its JSON form), targets that could not be loaded, and a count; and the exit status."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Literal

from cwlgen.cli.targets import TargetLoadError
from cwlgen.ir.diagnostics import Diagnostic
from cwlgen.messages import diagnostic_json, format_diagnostic


def _failure_json(f: TargetLoadError) -> dict[str, object]:
    """A target that could not be loaded, shaped like a diagnostic in JSON."""
    path, line = f.where, None
    if f.where is not None:
        head, sep, tail = f.where.rpartition(":")
        if sep and tail.isdigit():
            path, line = head, int(tail)
    return {"code": f.code, "severity": "error", "message": f.message, "path": path,
            "line": line, "notes": []}


def print_diagnostics(diagnostics: Sequence[Diagnostic], checked: int,
                      failures: Sequence[TargetLoadError], *, fmt: Literal["text", "json"],
                      strict: bool, summary: bool) -> int:
    """Print the diagnostics (text or JSON; in text, with a count of them on stderr when
    `summary`) and return the exit status they call for: 1 on any error (or, when `strict`,
    any warning), else 0."""
    errors = sum(1 for d in diagnostics if d.severity == "error") + len(failures)
    warnings = sum(1 for d in diagnostics if d.severity == "warning")
    if fmt == "json":
        json.dump({"checked": checked, "errors": errors, "warnings": warnings,
                   "import_errors": [str(f) for f in failures],
                   "diagnostics": [*map(_failure_json, failures),
                                   *map(diagnostic_json, diagnostics)]},
                  sys.stdout, indent=2)
        print()
    else:
        for f in failures:
            print(f)
        for d in diagnostics:
            print(format_diagnostic(d))
        if summary:
            print(f"checked {checked} definition(s): {errors} error(s), {warnings} warning(s)",
                  file=sys.stderr)
    return 1 if errors or (strict and warnings) else 0
