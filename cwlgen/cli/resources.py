"""`cwlgen resources TARGET [INPUTS.yml]`: each step's cores/RAM/GPUs/time and what the whole
workflow needs at full parallelism, to size a Slurm allocation."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cwlgen.checks.planning import plan
from cwlgen.cli.resources_report import plan_json, print_plan
from cwlgen.cli.targets import load_one
from cwlgen.compiler import compile
from cwlgen.runners import load_job_file, make_job, parse_pairs


def _positive_int(text: str) -> int:
    """argparse type: a whole number >= 1 (a usage error otherwise)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, not '{text}'")
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `cwlgen resources`."""
    p.add_argument("target", metavar="FILE_OR_MODULE[:OBJECT]")
    p.add_argument("inputs", nargs="?", metavar="INPUTS.yml",
                   help="input values: the lengths of scattered lists give scatter widths")
    p.add_argument("--input", "-i", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--scatter-width", type=_positive_int, default=1, metavar="N",
                   help="assume N items for scatters whose width is unknown (default 1)")
    p.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    """Plan the target's resources and print the plan as a table or JSON."""
    compiled = compile(load_one(args.target))
    values: dict[str, Any] = {}
    if args.inputs:
        values.update(load_job_file(args.inputs)[0])
    if args.input:
        values.update(parse_pairs(args.input, compiled.root))
    make_job(compiled.root, values, check_paths=False, require_all=False)  # CG501/CG503
    result = plan(compiled.root, values, default_width=max(1, args.scatter_width))
    if args.format == "json":
        json.dump(plan_json(result), sys.stdout, indent=2)
        print()
    else:
        print_plan(result)
    return 0
