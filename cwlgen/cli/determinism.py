"""`cwlgen check --determinism TARGET --inputs JOB`: run a workflow twice with cwltool and
report each step whose outputs differ (the run itself lives in the runners)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cwlgen.cli.diagnostics_report import print_diagnostics
from cwlgen.cli.targets import TargetLoadError, load_one, target_error
from cwlgen.runners import check_determinism_run


def run_determinism(args: argparse.Namespace) -> int:
    """Run the workflow twice; exit 1 when a step's outputs differ, 2 on usage errors."""
    if args.paths or not args.inputs:
        print("usage: cwlgen check --determinism FILE_OR_MODULE[:OBJECT] --inputs JOB",
              file=sys.stderr)
        return 2
    try:
        if not Path(args.inputs).is_file():
            raise target_error("CG002", None, "no_file", path=args.inputs)
        definition = load_one(args.determinism, kinds=("workflow",))
    except TargetLoadError as exc:
        print(str(exc), file=sys.stderr)
        return 2 if exc.usage else 1
    extra = () if args.container else ("--no-container",)
    diagnostics = check_determinism_run(definition, args.inputs, cwltool_args=extra)
    code = print_diagnostics(diagnostics, 1, [], fmt=args.format, strict=args.strict,
                             summary=False)
    if args.format == "text":
        verdict = ("outputs identical in both runs" if not diagnostics else
                   f"{len(diagnostics)} step output(s) differ")
        print(f"ran '{definition.name}' twice: {verdict}", file=sys.stderr)
    return code
