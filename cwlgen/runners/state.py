"""What is known about a run so far: per-step and per-job records, updated by a log parser.

A step is a tool step the user wrote (see `steps.StepIndex`); a job is one execution of it
(a scattered step has several). The records keep status, wall time, cache hits, the command
line and the tail of stderr, which the display and the failure report read.
"""

from __future__ import annotations

import re
import time
from collections import deque
from dataclasses import dataclass, field

from cwlgen.runners.steps import StepIndex

STDERR_TAIL = 30  # lines of a job's stderr kept for the failure report
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

PENDING, RUNNING, DONE, FAILED, SKIPPED = "pending", "running", "done", "failed", "not run"
#: a conditional step whose `when` was false: it ran nothing, by design
CONDITION_FALSE = "skipped (when)"


def log_text(line: str) -> str:
    """A log line without its newline and terminal colour codes, ready for matching."""
    return _ANSI.sub("", line.rstrip("\n"))


@dataclass
class JobRecord:
    """One execution of a step (a scattered step has one per item), as the engine told it."""

    name: str
    step: str | None
    status: str = RUNNING
    cached: bool = False
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    command: list[str] = field(default_factory=list)
    stderr: deque[str] = field(default_factory=lambda: deque(maxlen=STDERR_TAIL))
    errors: list[str] = field(default_factory=list)  # what the runner said about the job
    exit_code: int | None = None
    time_limit: int | None = None  # seconds, when the engine stopped the job at its limit


@dataclass
class StepRecord:
    """One tool step the user wrote: its status and counts over its jobs."""

    key: str
    status: str = PENDING
    jobs: int = 0
    jobs_done: int = 0
    jobs_cached: int = 0
    jobs_failed: int = 0
    started: float | None = None
    ended: float | None = None
    resumed: bool = False  # finished in an earlier (restarted) run

    @property
    def wall(self) -> float | None:
        """Seconds from the first job's start to the last job's end (or now), if started."""
        if self.started is None:
            return None
        return (self.ended or time.monotonic()) - self.started

    @property
    def cache_hit(self) -> str:
        """For the final table: yes, no, k/n jobs, resumed, or - (no job ran)."""
        if self.resumed:
            return "resumed"
        if not self.jobs:
            return "-"
        if self.jobs_cached == self.jobs:
            return "yes"
        if self.jobs_cached:
            return f"{self.jobs_cached}/{self.jobs}"
        return "no"


class RunState:
    """Everything known about a run so far; updated by a log parser."""

    def __init__(self, index: StepIndex, runner: str) -> None:
        self.index = index
        self.runner = runner
        self.steps = {s.key: StepRecord(s.key) for s in index.steps}
        self.jobs: dict[str, JobRecord] = {}
        self.errors: list[str] = []
        self.started = time.monotonic()
        self.finished: float | None = None
        self.success: bool | None = None
        self.changed = True
        # jobs the run will have, known up front when the scatter widths follow from the
        # inputs (runners.job_totals); None: the total grows as jobs are discovered
        self.expected_jobs: int | None = None
        self.expected_by_step: dict[str, int] = {}
        # cwltool reports when a step completes; Toil only reports jobs, so a step counts as
        # done when none of its jobs is running (and running again if another one starts)
        self.auto_done = runner != "cwltool"

    # -- updates
    def _step(self, key: str | None) -> StepRecord | None:
        if key is None:
            return None
        if key not in self.steps:
            self.steps[key] = StepRecord(key)
        return self.steps[key]

    def job_started(self, job_id: str, name: str, step: str | None) -> JobRecord:
        """A job started (or a failed one is retried); its step counts as running."""
        job = self.jobs.get(job_id)
        if job is not None and job.status == RUNNING:
            return job
        if job is None:
            job = self.jobs[job_id] = JobRecord(name=name, step=step)
            rec = self._step(step)
            if rec is not None:
                rec.jobs += 1
        else:  # a retry of a failed attempt
            job.status, job.ended = RUNNING, None
        rec = self._step(job.step)
        if rec is not None:
            if rec.started is None:
                rec.started = job.started
            if rec.status in (PENDING, FAILED) or (rec.status == DONE and self.auto_done):
                rec.status = RUNNING
            rec.ended = None
        self.changed = True
        return job

    def job_finished(self, job_id: str, ok: bool, *, cached: bool = False) -> None:
        """A job ended (or was answered from the cache); a failed job fails its step."""
        job = self.jobs.get(job_id)
        if job is None or job.status != RUNNING:
            return
        job.status = DONE if ok else FAILED
        job.cached = cached
        job.ended = time.monotonic()
        rec = self._step(job.step)
        if rec is not None:
            if ok:
                rec.jobs_done += 1
                rec.jobs_cached += int(cached)
            else:
                rec.jobs_failed += 1
                rec.status = FAILED
            rec.ended = job.ended
            if self.auto_done and rec.status == RUNNING and not self._running_jobs(rec.key):
                rec.status = DONE
        self.changed = True

    def step_finished(self, key: str, ok: bool, *, skipped: bool = False) -> None:
        """The engine said a whole step ended (cwltool does; Toil does not); `skipped`: its
        condition was false, so it ran nothing (not a failure)."""
        rec = self.steps.get(key)
        if rec is None:
            return
        if skipped and rec.status in (PENDING, RUNNING):
            rec.status = CONDITION_FALSE
        elif not ok:
            rec.status = FAILED
        elif rec.status != FAILED:
            rec.status = DONE
        rec.ended = time.monotonic()
        if rec.started is None:
            rec.started = rec.ended
        self.changed = True

    def finish(self, success: bool) -> None:
        """The runner exited: settle every step's final status."""
        self.success = success
        self.finished = time.monotonic()
        for job in self.jobs.values():
            if job.status == RUNNING:
                job.status = DONE if success else FAILED
                job.ended = self.finished
        for rec in self.steps.values():
            if rec.status == PENDING:
                if success and self.runner == "toil":
                    rec.status, rec.resumed = DONE, True
                elif not success:
                    rec.status = SKIPPED
            elif rec.status == RUNNING:
                rec.status = DONE if success else FAILED
                rec.ended = rec.ended or self.finished
        self.changed = True

    def _running_jobs(self, key: str) -> bool:
        return any(j.step == key and j.status == RUNNING for j in self.jobs.values())

    # -- queries
    def counts(self) -> dict[str, int]:
        """Steps per status, plus `total`, `jobs`, `jobs_done` and `jobs_running`."""
        c = {PENDING: 0, RUNNING: 0, DONE: 0, FAILED: 0, SKIPPED: 0, CONDITION_FALSE: 0}
        for rec in self.steps.values():
            c[rec.status] += 1
        c["total"] = len(self.steps)
        c["jobs"] = len(self.jobs)
        c["jobs_done"] = sum(1 for j in self.jobs.values() if j.status == DONE)
        c["jobs_running"] = sum(1 for j in self.jobs.values() if j.status == RUNNING)
        return c

    def failed_jobs(self) -> list[JobRecord]:
        """The jobs that failed, in the order they started."""
        return [j for j in self.jobs.values() if j.status == FAILED]

    def failed_steps(self) -> list[str]:
        """The keys of the steps that failed, in workflow order."""
        return [k for k, r in self.steps.items() if r.status == FAILED]


