"""How progress reads, for every display: durations, jobs finished of all, the time left,
and the one-line summary."""

from __future__ import annotations

import time

from cwlgen.runners.state import DONE, FAILED, RUNNING, RunState


def seconds(value: float | None) -> str:
    """A duration as people read it: 250ms, 4.2s, 3m05s, 1h02m; - when unknown."""
    if value is None:
        return "-"
    if value < 1:
        return f"{value * 1000:.0f}ms"
    if value < 60:
        return f"{value:.1f}s"
    minutes, secs = divmod(int(value), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    return f"{minutes // 60}h{minutes % 60:02d}m"


def job_progress(state: RunState) -> tuple[int, int, bool]:
    """(jobs finished, jobs in all, whether that total was known up front). Without a known
    total it is the number of jobs discovered so far, which grows as the run goes."""
    c = state.counts()
    finished = c["jobs_done"] + sum(1 for j in state.jobs.values() if j.status == FAILED)
    if state.expected_jobs is not None:
        return finished, max(state.expected_jobs, c["jobs"]), True
    return finished, c["jobs"], False


def time_left(state: RunState) -> float | None:
    """Seconds the run still needs at the pace of the jobs finished so far, when the total
    number of jobs is known up front and the run is still going."""
    finished, total, known = job_progress(state)
    if not known or state.finished is not None or finished == 0 or finished >= total:
        return None
    elapsed = time.monotonic() - state.started
    return elapsed / finished * (total - finished)


def summary_line(state: RunState) -> str:
    """One line: steps done/running/failed, jobs done of all, time so far and, when the
    number of jobs is known, about how long is left."""
    c = state.counts()
    finished, total, _known = job_progress(state)
    done_jobs = c["jobs_done"]
    left = time_left(state)
    eta = f", about {seconds(left)} left" if left is not None else ""
    return (f"{c[DONE]}/{c['total']} steps done, {c[RUNNING]} running, {c[FAILED]} failed "
            f"({done_jobs}/{total} jobs) after "
            f"{seconds(time.monotonic() - state.started)}{eta}")
