"""Batching benchmark (issue 4, item 6; issue 14, target 5): N trivial scattered jobs,
unbatched vs `batch=K`.

One run measures, for each runner (Toil single_machine, cwltool, Toil on Slurm), the wall and
CPU time (this process and every child it waited for; Slurm's jobs are not its children) of a
workflow that scatters a trivial step over N items, once as N jobs and once with
`.map(..., batch=K)` (ceil(N/K) jobs plus a chunk and a flatten job), checks that both give
the same outputs in the same order, and prints the ratios (medians of `--repeats`
interleaved runs). Target: Toil single_machine >= 10x less wall time.

`--floor` (Python tasks) also runs one unscattered task and one batch of K items: from those
and the two runs above it derives the seconds per extra job and per extra batch, the ratio
batching tends to for large N, and the N at which it reaches 10x.

The trivial step is a command-line tool (`--kind tool`, default: `echo` into a file) or a
Python task (`--kind task`), or both.

Usage:  .venv/bin/python benchmarks/batching.py [--n 200] [--batch 50]
            [--runners toil,cwltool,slurm] [--kind tool|task|both] [--repeats R]
            [--toil-args "--bypass-file-store ..."] [--floor] [--json FILE]
"""

# mypy: disable-error-code="empty-body"
from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import statistics
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


def _cpu() -> float:
    """CPU seconds of this process and every child process it has waited for (Toil's leader
    and, through it, its workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _run(wf: Any, runner: str, inputs: dict[str, Any], work: Path,
         extra: list[str]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds, outputs) of one run."""
    from cwlgen.runners import run_workflow

    engine, batch_system = RUNNERS[runner]
    shutil.rmtree(work, ignore_errors=True)
    start, cpu = time.perf_counter(), _cpu()
    outcome = run_workflow(wf, runner=engine, batch_system=batch_system, inputs=inputs,
                           progress=False, outdir=work / "out", build_dir=work / "build",
                           runner_args=["--retryCount", "0", *extra] if engine == "toil"
                           else ())
    return time.perf_counter() - start, _cpu() - cpu, _fingerprint(outcome.value)


@workflow
def task_once(x: int) -> int:
    return double(x=x)


def _median_row(runs: list[tuple[float, float, Any]]) -> tuple[float, float, Any]:
    return (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
            runs[0][2])


def main() -> int:
    global BATCH
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--runners", default="toil,cwltool",
                    help="comma-separated: toil (single_machine), cwltool, slurm (Toil on a "
                    "running Slurm cluster)")
    ap.add_argument("--kind", choices=("tool", "task", "both"), default="tool")
    ap.add_argument("--repeats", type=int, default=1,
                    help="interleaved repeats; medians are reported")
    ap.add_argument("--toil-args", default="", help="extra toil-cwl-runner options")
    ap.add_argument("--floor", action="store_true",
                    help="also time a workflow of one unscattered task (the runner's fixed "
                    "cost) and derive the per-job cost and the N that 10x needs")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    BATCH = args.batch
    extra = args.toil_args.split()
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
                runs_p, runs_b, runs_f, runs_f1 = [], [], [], []
                for _ in range(args.repeats):
                    runs_p.append(_run(plain, runner, inputs, work / "plain", extra))
                    runs_b.append(_run(batched, runner, inputs, work / "batched", extra))
                    if args.floor and kind == "task":
                        runs_f.append(_run(task_once, runner, {"x": 1}, work / "once", extra))
                        runs_f1.append(_run(batched, runner, {"xs": list(range(args.batch))},
                                            work / "one_batch", extra))
                t_plain, c_plain, out_plain = _median_row(runs_p)
                t_batch, c_batch, out_batch = _median_row(runs_b)
                same = out_plain == out_batch
                row: dict[str, Any] = {
                    "runner": runner, "kind": kind, "n": args.n, "batch": args.batch,
                    "toil_args": args.toil_args, "repeats": args.repeats,
                    "jobs_unbatched": args.n,
                    "jobs_batched": math.ceil(args.n / args.batch) + 2,
                    "unbatched_s": round(t_plain, 2), "batched_s": round(t_batch, 2),
                    "unbatched_cpu_s": round(c_plain, 2), "batched_cpu_s": round(c_batch, 2),
                    "ratio": round(t_plain / t_batch, 1),
                    "cpu_ratio": round(c_plain / c_batch, 1), "same_outputs": same}
                print(f"{runner:8} {kind:5} N={args.n} K={args.batch}: "
                      f"unbatched {t_plain:7.1f}s wall {c_plain:7.1f}s CPU ({args.n} jobs)  "
                      f"batched {t_batch:6.1f}s wall {c_batch:6.1f}s CPU "
                      f"({row['jobs_batched']} jobs)  ratio {t_plain / t_batch:5.1f}x wall "
                      f"{c_plain / c_batch:5.1f}x CPU  same outputs: {same}", flush=True)
                if runs_f:
                    # unbatched(N) = one task + (N - 1) jobs; batched(N) = one batch job +
                    # (N/K - 1) batch jobs: both measured, solved for unbatched = 10 x batched
                    t_once, c_once, _ = _median_row(runs_f)
                    t_b1, c_b1, _ = _median_row(runs_f1)
                    per_job = (t_plain - t_once) / max(args.n - 1, 1)
                    batches = math.ceil(args.n / args.batch)
                    per_batch = (t_batch - t_b1) / max(batches - 1, 1)
                    slope = per_job - 10 * per_batch / args.batch
                    need = ((10 * (t_b1 - per_batch) - t_once + per_job) / slope
                            if slope > 0 else float("inf"))
                    limit = per_job * args.batch / per_batch if per_batch > 0 else float("inf")
                    row.update(once_s=round(t_once, 2), once_cpu_s=round(c_once, 2),
                               one_batch_s=round(t_b1, 2), one_batch_cpu_s=round(c_b1, 2),
                               per_job_s=round(per_job, 3), per_batch_s=round(per_batch, 3),
                               ratio_limit=round(limit, 1),
                               n_for_10x=math.ceil(need) if need != float("inf") else None)
                    print(f"{runner:8} {kind:5} one task {t_once:.1f}s wall ({c_once:.1f}s CPU), "
                          f"one batch of {args.batch} {t_b1:.1f}s wall ({c_b1:.1f}s CPU); "
                          f"{per_job:.2f}s per extra job, {per_batch:.2f}s per extra batch: the "
                          f"ratio tends to {limit:.1f}x, 10x needs N >= "
                          f"{math.ceil(need) if need != float('inf') else 'never'}", flush=True)
                rows.append(row)
    ok = all(r["same_outputs"] for r in rows)
    for r in rows:
        if r["runner"] == "toil":
            verdict = "PASS" if r["ratio"] >= 10 else "FAIL"
            print(f"target: Toil single_machine batched >= 10x faster ({r['kind']}): "
                  f"{r['ratio']}x wall, {r['cpu_ratio']}x CPU {verdict}")
            ok = ok and r["ratio"] >= 10
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
