"""`cwlgen run TARGET [INPUTS.yml] [--input NAME=VALUE ...] [--runner cwltool|toil] ...`:
compile into a managed build folder, check the inputs, run, print the outputs as JSON.

Progress goes to stderr (a live panel on a terminal, plain lines otherwise); the output
object goes to stdout, so `cwlgen run wf.py job.yml > outputs.json` works. Arguments after
`--` are passed to the runner unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from cwlgen.cli.run_inputs import add_input_options, input_pairs, loaded_target
from cwlgen.runners import BATCH_SYSTEMS, RUNNERS, parse_pairs, raise_for_failure, run_workflow
from cwlgen.runners.api import gather_inputs


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `cwlgen run`."""
    p.add_argument("target", metavar="FILE_OR_MODULE[:OBJECT]",
                   help="a .py file or module, with the workflow/tool/task to run")
    p.add_argument("inputs", nargs="?", metavar="INPUTS.yml",
                   help="a YAML/JSON file of input values (CWL job syntax)")
    p.add_argument("--input", "-i", action="append", default=[], metavar="NAME=VALUE",
                   help="one input value (repeat for each input, or for each item of a list)")
    p.add_argument("--runner", choices=RUNNERS,
                   help="the CWL engine (default: cwltool; toil when --batch-system is given)")
    p.add_argument("--batch-system", metavar="NAME",
                   help=f"Toil batch system: {', '.join(BATCH_SYSTEMS)} (default single_machine)")
    p.add_argument("--outdir", metavar="DIR", help="where outputs go (default cwlgen-out/NAME)")
    p.add_argument("--cache", metavar="DIR",
                   help="keep finished jobs here; rerunning with the same DIR resumes")
    p.add_argument("--parallel", action="store_true",
                   help="run independent jobs at the same time (cwltool; Toil always does)")
    p.add_argument("--container", choices=("docker", "podman", "singularity"),
                   help="run tools in their containers with this engine (default: on the host)")
    p.add_argument("--build-dir", metavar="DIR",
                   help="where the CWL and job file are written (default .cwlgen/build/NAME)")
    p.add_argument("--progress", choices=("auto", "live", "plain", "quiet"), default="auto",
                   help="live panel (terminal), plain lines, or nothing (default: auto)")
    p.add_argument("--report", metavar="FILE.html",
                   help="write a run report: a timeline of every job, resources asked for "
                        "against used, cache hits, failures (one self-contained HTML file)")


def add_target_arguments(p: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """The options for the inputs of the target named in `argv` (see cli.run_inputs)."""
    add_input_options(p, argv)


def run(args: argparse.Namespace) -> int:
    """Run the target; its outputs go to stdout as JSON, a failed run raises RunError."""
    target = loaded_target(args, args.target)
    if args.runner is None:
        args.runner = "toil" if args.batch_system else "cwltool"
    process = target.process_ir()
    pairs = [*args.input, *input_pairs(args)]
    problems: list[str] = []
    values = parse_pairs(pairs, process, problems) if pairs else {}
    # every input problem at once: the values that did not parse, then what the job lacks
    # or gets wrong (unknown names, missing files, the job file's values)
    if problems:
        unparsed = {pair.partition("=")[0].strip() for pair in pairs} - set(values)
        gather_inputs(process, values, args.inputs, None, reported=unparsed,
                      problems_so_far=problems)  # raises InputError listing them all
    outcome = run_workflow(
        target,
        runner=args.runner,
        inputs=values,
        job_file=args.inputs,
        outdir=args.outdir,
        cache=args.cache,
        batch_system=args.batch_system,
        parallel=args.parallel,
        container=args.container,
        runner_args=list(getattr(args, "passthrough", None) or []),
        build_dir=args.build_dir,
        progress=args.progress != "quiet",
        live={"auto": None, "live": True, "plain": False, "quiet": False}[args.progress],
        check=False,
        report=args.report,
    )
    result = outcome.result
    if result.returncode != 0:
        raise_for_failure(result, args.runner)
    json.dump(result.outputs, sys.stdout, indent=2, sort_keys=True)
    print()
    return 0
