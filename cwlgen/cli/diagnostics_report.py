"""How `cwlgen check` shows what it found, in one of four forms of the same diagnostic objects
(text, JSON, GitHub annotations, SARIF), with a count; and the exit status."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Literal

from cwlgen.cli.targets import TargetLoadError
from cwlgen.ir.diagnostics import Diagnostic
from cwlgen.messages import diagnostic_json, format_diagnostic

Format = Literal["text", "json", "github", "sarif"]
FORMATS: tuple[Format, ...] = ("text", "json", "github", "sarif")


def print_diagnostics(diagnostics: Sequence[Diagnostic], checked: int,
                      failures: Sequence[TargetLoadError], *, fmt: Format,
                      strict: bool, summary: bool) -> int:
    """Print the diagnostics (which include the targets that failed to load) and return the
    exit status they call for: 1 on any error (or, when `strict`, any warning), else 0. In
    text, a count goes to stderr when `summary`."""
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = sum(1 for d in diagnostics if d.severity == "warning")
    code = 1 if errors or (strict and warnings) else 0
    if fmt == "json":
        json.dump({"checked": checked, "errors": errors, "warnings": warnings,
                   "import_errors": [str(f) for f in failures],
                   "diagnostics": [diagnostic_json(d) for d in diagnostics]},
                  sys.stdout, indent=2)
        print()
    elif fmt == "github":
        from cwlgen.cli.machine_formats import github_commands

        for line in github_commands(diagnostics):
            print(line)
    elif fmt == "sarif":
        from cwlgen.cli.machine_formats import docs_url, sarif_log

        json.dump(sarif_log(diagnostics, exit_code=code, docs=docs_url()), sys.stdout,
                  indent=2)
        print()
    else:
        for d in diagnostics:
            print(format_diagnostic(d))
    if summary and fmt in ("text", "github"):
        print(f"checked {checked} definition(s): {errors} error(s), {warnings} warning(s)",
              file=sys.stderr)
    return code
