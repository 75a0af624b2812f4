"""Batching benchmark (issue 4, item 6): N trivial scattered jobs, unbatched vs `batch=K`.

One run measures, for each runner (Toil single_machine, cwltool), the wall time of a workflow
that scatters a trivial step over N items, once as N jobs and once with `.map(..., batch=K)`
(ceil(N/K) jobs plus a chunk and a flatten job), checks that both give the same outputs in
the same order, and prints the ratio. Target: Toil single_machine >= 10x less wall time.

The trivial step is a command-line tool (`--kind tool`, default: `echo` into a file) or a
Python task (`--kind task`), or both.

Usage:  .venv/bin/python benchmarks/batching.py [--n 200] [--batch 50]
            [--runners toil,cwltool,slurm] [--kind tool|task|both] [--json FILE]
"""

# mypy: disable-error-code="empty-body"
from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

from cwlgen import Arg, File, stdout, task, tool, workflow


@tool("echo")
def shout(word: Annotated[str, Arg(position=1)]) -> Annotated[File, stdout("word.txt")]:
    """Echo one word into a file (a trivial job)."""


@task
def double(x: int) -> int:
    return 2 * x


@workflow
def tool_plain(words: list[str]) -> list[File]:
    return shout.map(word=words)


@workflow
def tool_batched(words: list[str]) -> list[File]:
    return shout.map(word=words, batch=BATCH)


@workflow
def task_plain(xs: list[int]) -> list[int]:
    return double.map(x=xs)


@workflow
def task_batched(xs: list[int]) -> list[int]:
    return double.map(x=xs, batch=BATCH)


BATCH = 50  # set from --batch before the workflows are compiled


def _fingerprint(value: Any) -> Any:
    """Outputs compared by content and order (files: basename and text)."""
    if isinstance(value, list):
        return [_fingerprint(v) for v in value]
    if isinstance(value, File):
        return (value.basename, Path(value.path).read_text())
    return value


RUNNERS = {  # name -> (runner, Toil batch system)
    "toil": ("toil", "single_machine"),
    "slurm": ("toil", "slurm"),
    "cwltool": ("cwltool", None),
}


def _run(wf: Any, runner: str, inputs: dict[str, Any], work: Path) -> tuple[float, Any]:
    from cwlgen.runners import run_workflow

    engine, batch_system = RUNNERS[runner]
    start = time.perf_counter()
    outcome = run_workflow(wf, runner=engine, batch_system=batch_system, inputs=inputs,
                           progress=False, outdir=work / "out", build_dir=work / "build",
                           runner_args=["--retryCount", "0"] if engine == "toil" else ())
    return time.perf_counter() - start, _fingerprint(outcome.value)


def main() -> int:
    global BATCH
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--runners", default="toil,cwltool",
                    help="comma-separated: toil (single_machine), cwltool, slurm (Toil on a "
                    "running Slurm cluster)")
    ap.add_argument("--kind", choices=("tool", "task", "both"), default="tool")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    BATCH = args.batch
    kinds = ["tool", "task"] if args.kind == "both" else [args.kind]
    rows = []
    with tempfile.TemporaryDirectory(prefix="cwlgen-batching-") as tmp:
        for runner in args.runners.split(","):
            for kind in kinds:
                if kind == "tool":
                    plain, batched = tool_plain, tool_batched
                    inputs: dict[str, Any] = {"words": [f"w{i}" for i in range(args.n)]}
                else:
                    plain, batched = task_plain, task_batched
                    inputs = {"xs": list(range(args.n))}
                work = Path(tmp) / f"{runner}-{kind}"
                t_plain, out_plain = _run(plain, runner, inputs, work / "plain")
                t_batch, out_batch = _run(batched, runner, inputs, work / "batched")
                same = out_plain == out_batch
                row = {"runner": runner, "kind": kind, "n": args.n, "batch": args.batch,
                       "jobs_unbatched": args.n,
                       "jobs_batched": math.ceil(args.n / args.batch) + 2,
                       "unbatched_s": round(t_plain, 2), "batched_s": round(t_batch, 2),
                       "ratio": round(t_plain / t_batch, 1), "same_outputs": same}
                rows.append(row)
                print(f"{runner:8} {kind:5} N={args.n} K={args.batch}: "
                      f"unbatched {t_plain:7.1f}s ({args.n} jobs)  "
                      f"batched {t_batch:6.1f}s ({row['jobs_batched']} jobs)  "
                      f"ratio {t_plain / t_batch:5.1f}x  same outputs: {same}", flush=True)
    ok = all(r["same_outputs"] for r in rows)
    for r in rows:
        if r["runner"] == "toil":
            verdict = "PASS" if r["ratio"] >= 10 else "FAIL"
            print(f"target: Toil single_machine batched >= 10x faster ({r['kind']}): "
                  f"{r['ratio']}x {verdict}")
            ok = ok and r["ratio"] >= 10
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
