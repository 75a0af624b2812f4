"""`cwlgen check PATH...`: compile every workflow and tool found and print diagnostics.

Exit 0 when clean (warnings allowed), 1 when any error was found, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cwlgen.compiler import check
from cwlgen.errors import TargetError
from cwlgen.ir.diagnostics import Diagnostic, sorted_diagnostics
from cwlgen.targets import definitions_in, load_module, load_target, split_target


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help=".py files, folders (searched recursively) or modules, "
                   "optionally FILE:OBJECT")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")


def _expand(paths: list[str]) -> list[str]:
    out = []
    for p in paths:
        path = Path(split_target(p)[0])
        if path.is_dir():
            out += [str(f) for f in sorted(path.rglob("*.py"))
                    if not any(part.startswith(".") for part in f.parts)]
        else:
            out.append(p)
    return out


def run(args: argparse.Namespace) -> int:
    diagnostics: list[Diagnostic] = []
    failures: list[str] = []
    checked = 0
    for target in _expand(args.paths):
        spec, obj = split_target(target)
        try:
            if obj is not None:
                defs = load_target(target)
            else:
                defs = definitions_in(load_module(spec))
        except TargetError as exc:
            failures.append(str(exc))
            continue
        for definition in defs:
            checked += 1
            diagnostics += check(definition)
    diagnostics = sorted_diagnostics(diagnostics)
    errors = sum(1 for d in diagnostics if d.severity == "error") + len(failures)
    warnings = sum(1 for d in diagnostics if d.severity == "warning")
    if args.format == "json":
        json.dump({"checked": checked, "errors": errors, "warnings": warnings,
                   "import_errors": failures,
                   "diagnostics": [d.to_json() for d in diagnostics]}, sys.stdout, indent=2)
        print()
    else:
        for f in failures:
            print(f)
        for d in diagnostics:
            print(d.render())
        print(f"checked {checked} definition(s): {errors} error(s), {warnings} warning(s)",
              file=sys.stderr)
    if failures and not checked and all("CG002" in f for f in failures):
        return 2
    if errors or (args.strict and warnings):
        return 1
    return 0
