"""`cwlgen check PATH...`: compile every workflow and tool found and print diagnostics.

`cwlgen check --determinism TARGET --inputs job.yml` instead runs TARGET's compiled workflow
twice with cwltool and reports each step whose outputs differ (see cwlgen.cli.determinism).

Exit 0 when clean (warnings allowed), 1 when any error was found, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cwlgen.cli.diagnostic_filters import CodeListError, keep, parse_codes
from cwlgen.cli.diagnostics_report import FORMATS, print_diagnostics
from cwlgen.cli.targets import (
    TargetLoadError,
    definitions_in,
    load_module,
    load_target,
    split_target,
    target_error,
)
from cwlgen.compiler import check
from cwlgen.dsl.definition import Definition
from cwlgen.ir.diagnostics import Diagnostic, sorted_diagnostics


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `cwlgen check`."""
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help=".py or .cwl files, folders (searched recursively for both) or "
                   "modules, optionally FILE:OBJECT (FILE.cwl#ID for a $graph)")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text (default), json, github (workflow commands: annotations on a "
                   "pull request) or sarif (SARIF 2.1.0, for code scanning)")
    p.add_argument("--select", action="append", default=[], metavar="CODES",
                   help="report only these codes, comma-separated; a prefix names a range "
                   "(CG2 is CG200-CG299)")
    p.add_argument("--ignore", action="append", default=[], metavar="CODES",
                   help="never report these codes (or prefixes), comma-separated")
    p.add_argument("--warnings-as-errors", "--strict", dest="strict", action="store_true",
                   help="warnings make the exit status 1 too")
    p.add_argument("--determinism", metavar="TARGET",
                   help="run the workflow FILE_OR_MODULE[:OBJECT] twice with cwltool and "
                   "report each step whose outputs differ (needs --inputs)")
    p.add_argument("--inputs", metavar="JOB",
                   help="job file (YAML or JSON) with the inputs for --determinism")
    p.add_argument("--container", action="store_true",
                   help="with --determinism: let cwltool use containers (default "
                   "--no-container)")


def run(args: argparse.Namespace) -> int:
    """Check every definition the paths name (or run the determinism check)."""
    if args.determinism:
        from cwlgen.cli.determinism import run_determinism

        return run_determinism(args)
    if not args.paths:
        print("usage: cwlgen check PATH... (or --determinism TARGET --inputs JOB)",
              file=sys.stderr)
        return 2
    try:
        select, ignore = parse_codes(args.select), parse_codes(args.ignore)
    except CodeListError as exc:
        print(f"cwlgen check: error: {exc} is not a diagnostic code (see "
              "docs/diagnostics.md)", file=sys.stderr)
        return 2
    diagnostics: list[Diagnostic] = []
    failures: list[TargetLoadError] = []
    checked = 0
    for target in _expand(args.paths):
        if target.partition("#")[0].endswith(".cwl"):  # hand-written CWL: the same checks
            from cwlgen.cwl_import import check_cwl

            checked += 1
            diagnostics += check_cwl(target)
            continue
        try:
            defs = _definitions(target)
        except TargetLoadError as exc:
            failures.append(exc)
            diagnostics.append(exc.diagnostic)  # an import error is a diagnostic too
            continue
        for definition in defs:
            checked += 1
            diagnostics += check(definition)
    if not checked and not failures:  # nothing to check is a mistake, not a success
        nothing = target_error("CG003", None, "nothing_defined", usage=False,
                               spec=" ".join(args.paths), kinds="@workflow / @tool / @task")
        failures.append(nothing)
        diagnostics.append(nothing.diagnostic)
    shown = keep(sorted_diagnostics(diagnostics), select=select, ignore=ignore)
    code = print_diagnostics(shown, checked, failures, fmt=args.format, strict=args.strict,
                             summary=True)
    if failures and not checked and all(f.usage for f in failures):
        return 2
    return code


def _definitions(target: str) -> list[Definition[..., Any]]:
    """What `cwlgen check` checks in a target: the named object, else every definition."""
    spec, obj = split_target(target)
    if obj is not None:
        return load_target(target)
    return definitions_in(load_module(spec))


def _expand(paths: list[str]) -> list[str]:
    """Each path, with folders replaced by the .py and .cwl files under them (hidden ones
    skipped)."""
    out = []
    for p in paths:
        path = Path(split_target(p)[0])
        if path.is_dir():
            out += [str(f) for f in sorted([*path.rglob("*.py"), *path.rglob("*.cwl")])
                    if not any(part.startswith(".") for part in f.parts)]
        else:
            out.append(p)
    return out
