"""What the user reads when a run fails: the failed step, its command line, the tail of its
stderr and what the engine said, raised as a `RunError` with diagnostic CG507."""

from __future__ import annotations

from pathlib import Path

from cwlgen.errors import RunError
from cwlgen.messages import format_message
from cwlgen.runners.failure_places import real_paths, user_traceback
from cwlgen.runners.request import RunResult
from cwlgen.runners.state import JobRecord, RunState
from cwlgen.runners.steps import LeafStep


def failure_report(state: RunState, log_path: str | None = None) -> str:
    """Which step failed, where the workflow calls it, why (its time limit, the task's
    traceback at the user's lines), its command line and the tail of its stderr."""
    lines: list[str] = []
    job_path = Path(log_path).parent / "job.json" if log_path else None
    for job in state.failed_jobs()[:5]:
        leaf = state.index.by_key.get(job.step or "")
        lines += _job_report(job, state.runner, leaf, job_path)
    if not lines:
        failed = state.failed_steps()
        if failed:
            lines.append(f"step(s) failed: {', '.join(failed)}")
        lines += [f"  {e}" for e in state.errors[-15:]]
    if log_path:
        lines.append(f"full log: {log_path}")
    return "\n".join(lines)


def _job_report(job: JobRecord, runner: str, leaf: LeafStep | None = None,
                job_path: Path | None = None) -> list[str]:
    """One failed job: step, where it is called, its time limit if that stopped it, exit
    code, command line, stderr tail, what the engine said."""
    step = job.step or job.name
    lines = []
    lines.append(f"step '{step}' failed (job {job.name}"
                 + (f", exit code {job.exit_code}" if job.exit_code is not None else "")
                 + ")")
    if leaf is not None and leaf.call is not None:
        lines.append("  " + format_message("CG508", f"{leaf.call.path}:{leaf.call.line}",
                                           variant="called_here", step=step))
    if job.time_limit is not None:
        lines.append("  " + format_message("CG508", variant="time_limit", step=step,
                                           limit=job.time_limit))
    if job.command:
        command = " ".join(c.rstrip("\\").strip() for c in job.command)
        lines.append("  command: " + real_paths(command, job_path))
    stderr = list(job.stderr)
    if leaf is not None and leaf.task_file is not None:
        stderr = user_traceback(stderr, leaf.task_file)
    tail = [s for s in stderr if s.strip()][-15:]
    if tail:
        lines.append("  stderr (last lines):")
        lines += [f"    {s}" for s in tail]
    said = [s for s in job.errors if s.strip()]
    if job.exit_code not in (None, 0) and said and said[0].startswith(
            "Error validating output record"):
        said = []  # the command failed: its missing outputs are a consequence, not the cause
    if said:
        lines.append(f"  {runner} says:")
        lines += [f"    {s}" for s in said[:8]] + (["    ..."] if len(said) > 8 else [])
    return lines


def raise_for_failure(result: RunResult, runner: str) -> None:
    """Nothing for a successful run; else a RunError naming the failed step, its command
    and stderr tail (CG507), with the result attached as `.result`."""
    if result.returncode == 0:
        return
    report = failure_report(result.state, str(result.log_path))
    failed = result.state.failed_steps()
    if failed:
        head = format_message("CG507", step=failed[0], runner=runner)
    else:  # the engine failed before or around the steps: show its last words
        head = format_message("CG507", variant="engine", runner=runner,
                              exit_code=result.returncode)
        if not result.state.errors:
            tail = result.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
            report = "\n".join(["  " + line for line in tail[-10:]] + [report])
    err = RunError(f"{head}\n{report}")
    err.result = result  # type: ignore[attr-defined]
    raise err
