"""`cwlgen check PATH...`: compile every workflow and tool found and print diagnostics.

`cwlgen check --determinism TARGET --inputs job.yml` instead runs TARGET's compiled workflow
twice with cwltool and reports each step whose outputs differ (see cwlgen.determinism_run).

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
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help=".py or .cwl files, folders (searched recursively for both) or "
                   "modules, optionally FILE:OBJECT (FILE.cwl#ID for a $graph)")
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


def _expand(paths: list[str]) -> list[str]:
    out = []
    for p in paths:
        path = Path(split_target(p)[0])
        if path.is_dir():
            out += [str(f) for f in sorted([*path.rglob("*.py"), *path.rglob("*.cwl")])
                    if not any(part.startswith(".") for part in f.parts)]
        else:
            out.append(p)
    return out


def _report(args: argparse.Namespace, diagnostics: list[Diagnostic], checked: int,
            failures: list[str]) -> int:
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
    return 1 if errors or (args.strict and warnings) else 0


def _run_determinism(args: argparse.Namespace) -> int:
    from cwlgen.determinism_run import check_determinism_run

    if args.paths or not args.inputs:
        print("usage: cwlgen check --determinism FILE_OR_MODULE[:OBJECT] --inputs JOB",
              file=sys.stderr)
        return 2
    if not Path(args.inputs).is_file():
        print(f"error[CG002]: no such file: {args.inputs}", file=sys.stderr)
        return 2
    try:
        defs = load_target(args.determinism, kinds=("workflow",))
    except TargetError as exc:
        print(str(exc), file=sys.stderr)
        return 2 if "CG002" in str(exc) else 1
    if len(defs) != 1:
        names = ", ".join(d.name for d in defs)
        print(f"error[CG003]: {args.determinism} defines several workflows ({names}); name "
              "one as FILE:OBJECT", file=sys.stderr)
        return 2
    extra = () if args.container else ("--no-container",)
    diagnostics = check_determinism_run(defs[0], args.inputs, cwltool_args=extra)
    code = _report(args, diagnostics, 1, [])
    if args.format == "text":
        verdict = ("outputs identical in both runs" if not diagnostics else
                   f"{len(diagnostics)} step output(s) differ")
        print(f"ran '{defs[0].name}' twice: {verdict}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    if args.determinism:
        return _run_determinism(args)
    if not args.paths:
        print("usage: cwlgen check PATH... (or --determinism TARGET --inputs JOB)",
              file=sys.stderr)
        return 2
    diagnostics: list[Diagnostic] = []
    failures: list[str] = []
    checked = 0
    for target in _expand(args.paths):
        if target.partition("#")[0].endswith(".cwl"):  # hand-written CWL: same checks
            from cwlgen.cwl_import import check_cwl

            checked += 1
            diagnostics += check_cwl(target)
            continue
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
    code = _report(args, diagnostics, checked, failures)
    if args.format == "text":
        errors = sum(1 for d in diagnostics if d.severity == "error") + len(failures)
        warnings = sum(1 for d in diagnostics if d.severity == "warning")
        print(f"checked {checked} definition(s): {errors} error(s), {warnings} warning(s)",
              file=sys.stderr)
    if failures and not checked and all("CG002" in f for f in failures):
        return 2
    return code
