"""`cwlgen graph TARGET [-o FILE] [--depth N] [--types]`: draw a workflow.

`.dot` and `.mmd` (Mermaid) are written by cwlgen itself; `.svg`, `.png` and `.html` (a
self-contained page with the SVG inline) need Graphviz's `dot`. Without `-o`, DOT text goes to
standard output. The picture is drawn even for a workflow with errors (they are printed too,
and the exit code is 1), so a miswiring can be seen.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cwlgen.backend.graph import GraphOptions, to_dot
from cwlgen.checks import run_checks
from cwlgen.cli.targets import load_target, target_error
from cwlgen.compiler import to_ir
from cwlgen.dsl.definition import Definition
from cwlgen.ir import Step, Workflow
from cwlgen.messages import format_diagnostic
from cwlgen.pictures import FORMATS, format_for, graph_bytes, write_atomically


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", metavar="FILE_OR_MODULE[:OBJECT]",
                   help="a .py file or module, optionally with the workflow/tool to draw")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the picture here; its suffix picks the format: "
                        ".svg .png .html (need Graphviz) .dot .mmd (default: DOT on stdout)")
    p.add_argument("--format", choices=sorted({f for f in FORMATS.values()}),
                   help="the format, when the file name does not say it")
    p.add_argument("--depth", type=_depth, default=1, metavar="N",
                   help="expand subworkflows N levels deep as frames (0: each subworkflow is "
                        "one box; default 1)")
    p.add_argument("--types", action="store_true", help="write the CWL type on every edge")
    p.add_argument("--lr", action="store_true", help="draw left to right (default: top down)")


def _depth(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number of levels (0 or more), got {text!r}")
    return value


def _outermost(defs: list[Definition[Any, Any]]) -> list[Definition[Any, Any]]:
    """The definitions no other one uses as a step: in a module whose workflow calls a
    subworkflow, the picture to draw is the outer workflow's."""
    used = {step.process.key for d in defs for step in _steps(d)}
    return [d for d in defs if d.key not in used] or defs


def _steps(defn: Definition[Any, Any]) -> tuple[Step, ...]:
    process = defn.process_ir()
    return process.steps if isinstance(process, Workflow) else ()


def run(args: argparse.Namespace) -> int:
    defs = _outermost(load_target(args.target))
    if len(defs) != 1:
        raise target_error("CG003", None, "several_workflows", usage=True, spec=args.target,
                           names=", ".join(d.name for d in defs),
                           example=f"{args.target}:{defs[0].name}")
    process = to_ir(defs[0])
    errors = [d for d in run_checks(process) if d.severity == "error"]
    for d in errors:
        print(format_diagnostic(d), file=sys.stderr)
    options = GraphOptions(depth=args.depth, types=args.types,
                           direction="LR" if args.lr else "TB")
    if args.output is None:
        if args.format not in (None, "dot", "mmd"):
            print(f"cwlgen graph: error: --format {args.format} needs -o FILE (only dot and "
                  "mmd text go to standard output)", file=sys.stderr)
            return 2
        if args.format == "mmd":
            sys.stdout.write(graph_bytes(process, "mmd", options).decode("utf-8"))
        else:
            sys.stdout.write(to_dot(process, options))
        return 1 if errors else 0
    target = Path(args.output)
    fmt = format_for(target, args.format)
    write_atomically(target, graph_bytes(process, fmt, options))
    print(f"wrote {target}" + (f" ({len(errors)} error(s) in the workflow)" if errors else ""),
          file=sys.stderr)
    return 1 if errors else 0
