"""What the user reads when a run fails: the failed step, its command line, the tail of its
stderr and what the engine said, raised as a `RunError` with diagnostic CG507."""

from __future__ import annotations

from cwlgen.errors import RunError
from cwlgen.messages import format_message
from cwlgen.runners.request import RunResult
from cwlgen.runners.state import JobRecord, RunState


def failure_report(state: RunState, log_path: str | None = None) -> str:
    """Which step failed, its command line and the tail of its stderr."""
    lines: list[str] = []
    for job in state.failed_jobs()[:5]:
        lines += _job_report(job, state.runner)
    if not lines:
        failed = state.failed_steps()
        if failed:
            lines.append(f"step(s) failed: {', '.join(failed)}")
        lines += [f"  {e}" for e in state.errors[-15:]]
    if log_path:
        lines.append(f"full log: {log_path}")
    return "\n".join(lines)


def _job_report(job: JobRecord, runner: str) -> list[str]:
    """One failed job: step, exit code, command line, stderr tail, what the engine said."""
    step = job.step or job.name
    lines = []
    lines.append(f"step '{step}' failed (job {job.name}"
                 + (f", exit code {job.exit_code}" if job.exit_code is not None else "")
                 + ")")
    if job.command:
        lines.append("  command: " + " ".join(c.rstrip("\\").strip() for c in job.command))
    tail = [s for s in job.stderr if s.strip()][-15:]
    if tail:
        lines.append("  stderr (last lines):")
        lines += [f"    {s}" for s in tail]
    said = [s for s in job.errors if s.strip()]
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
