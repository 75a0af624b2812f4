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

from cwlgen.cli.diagnostics_report import print_diagnostics
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
                   help=".py files, folders (searched recursively) or modules, "
                   "optionally FILE:OBJECT")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
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
    diagnostics: list[Diagnostic] = []
    failures: list[TargetLoadError] = []
    checked = 0
    for target in _expand(args.paths):
        try:
            defs = _definitions(target)
        except TargetLoadError as exc:
            failures.append(exc)
            continue
        for definition in defs:
            checked += 1
            diagnostics += check(definition)
    if not checked and not failures:  # nothing to check is a mistake, not a success
        failures.append(target_error("CG003", None, "nothing_defined", usage=False,
                                     spec=" ".join(args.paths),
                                     kinds="@workflow / @tool / @task"))
    code = print_diagnostics(sorted_diagnostics(diagnostics), checked, failures,
                             fmt=args.format, strict=args.strict, summary=True)
    if failures and not checked and all(f.code == "CG002" for f in failures):
        return 2
    return code


def _definitions(target: str) -> list[Definition[..., Any]]:
    """What `cwlgen check` checks in a target: the named object, else every definition."""
    spec, obj = split_target(target)
    if obj is not None:
        return load_target(target)
    return definitions_in(load_module(spec))


def _expand(paths: list[str]) -> list[str]:
    """Each path, with folders replaced by the .py files under them (hidden ones skipped)."""
    out = []
    for p in paths:
        path = Path(split_target(p)[0])
        if path.is_dir():
            out += [str(f) for f in sorted(path.rglob("*.py"))
                    if not any(part.startswith(".") for part in f.parts)]
        else:
            out.append(p)
    return out
