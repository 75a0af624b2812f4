"""`cwlgen resources TARGET [INPUTS.yml]`: each step's cores/RAM/GPUs/time and what the whole
workflow needs at full parallelism, to size a Slurm allocation."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cwlgen.errors import TargetError
from cwlgen.resources_plan import (
    Plan,
    _cores,
    cores_text,
    human_mib,
    human_seconds,
    plan,
    slurm_time,
)
from cwlgen.runners import load_job_file, parse_pairs
from cwlgen.targets import load_target


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", metavar="FILE_OR_MODULE[:OBJECT]")
    p.add_argument("inputs", nargs="?", metavar="INPUTS.yml",
                   help="input values: the lengths of scattered lists give scatter widths")
    p.add_argument("--input", "-i", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--scatter-width", type=int, default=1, metavar="N",
                   help="assume N items for scatters whose width is unknown (default 1)")
    p.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    defs = load_target(args.target)
    if len(defs) > 1:
        raise TargetError(f"error[CG003]: {args.target} defines several workflows "
                          f"({', '.join(d.name for d in defs)}); name one as "
                          f"{args.target}:{defs[0].name}")
    from cwlgen.compiler import compile

    compiled = compile(defs[0])
    values: dict[str, Any] = {}
    if args.inputs:
        values.update(load_job_file(args.inputs)[0])
    if args.input:
        values.update(parse_pairs(args.input, compiled.root))
    result = plan(compiled.root, values, default_width=max(1, args.scatter_width))
    if args.format == "json":
        json.dump(result.to_json(), sys.stdout, indent=2)
        print()
    else:
        print_plan(result)
    return 0


def print_plan(p: Plan) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    table = Table(title=f"Resources of {p.name} (per job)", title_justify="left")
    for col in ("stage", "step", "jobs", "cores", "RAM", "GPUs", "time limit"):
        table.add_column(col, justify="left" if col == "step" else "right")
    for s in p.steps:
        jobs = str(s.jobs) + ("" if s.width_known else "?")
        if s.batch:
            jobs += f" (batch {s.batch})"
        table.add_row(str(s.stage), s.path, jobs,
                      _cores(s.cores) + ("*" if s.cores_default else ""),
                      human_mib(s.ram_mib) + ("*" if s.ram_default else ""),
                      str(s.gpus), human_seconds(s.time_s))
    console.print(table)
    if p.defaults_used:
        console.print("* not declared: CWL's default (1 core, 256 MiB); declare "
                      "resources=Resources(...) on the tool")
    if p.unknown_widths:
        console.print("? scatter width unknown: assumed as given by --scatter-width; pass the "
                      "inputs (INPUTS.yml or --input) to count them")
    console.print()
    console.print("At full parallelism:")
    for st in p.stages:
        console.print(f"  stage {st.index}: {cores_text(st.cores)}, {human_mib(st.ram_mib)}"
                      f"{f', {st.gpus} GPUs' if st.gpus else ''}  ({', '.join(st.steps)})")
    peak = p.peak
    if peak is not None:
        console.print(f"Peak (widest stage, {peak.index}): {cores_text(p.peak_cores)}, "
                      f"{human_mib(p.peak_ram_mib)} RAM, {p.peak_gpus} GPUs")
    chain = " -> ".join(p.critical_path)
    length = human_seconds(p.critical_path_s) if p.critical_path_s else "0s"
    console.print(f"Critical path: {length} ({chain})")
    if p.untimed:
        console.print(f"  steps without a time limit count as 0: {', '.join(p.untimed)}")
    if peak is not None:
        mem = max(1, int(p.peak_ram_mib))
        time_part = f" --time={slurm_time(p.critical_path_s)}" if p.critical_path_s else ""
        gres = f" --gres=gpu:{p.peak_gpus}" if p.peak_gpus else ""
        console.print(f"One allocation that runs it all at once: salloc -N1 "
                      f"--cpus-per-task={int(-(-p.peak_cores // 1))} --mem={mem}M{gres}"
                      f"{time_part}")
