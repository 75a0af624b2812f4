"""A finished run as the data of its HTML report: every job with its start and end (from the
engine's log as it streamed, or Toil's own per-job statistics), every step with what it asked
for (its tool's resources) against what its jobs used, cache hits, scatter widths and batch
sizes, and the failures with their command lines and stderr tails."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from cwlgen.backend.layout import document_names, processes_in_order
from cwlgen.ir import Process, Step, Tool, Workflow
from cwlgen.runners.html_report import CACHED, DONE, FAILED, RUNNING, JobBar, ReportData, StepRow
from cwlgen.runners.job_totals import PlannedStep
from cwlgen.runners.state import FAILED as STATE_FAILED
from cwlgen.runners.state import RUNNING as STATE_RUNNING
from cwlgen.runners.state import JobRecord, RunState
from cwlgen.runners.usage import Usage

CWLTOOL_MEASURES = (
    "CPU time and peak memory: read from /proc every 0.1 s for the processes running in each "
    "job's working directory, and cwltool's own 'Max memory used' for jobs over a second; a "
    "job shorter than one sample may have no figures, and CPU time is a lower bound. Start "
    "and end: when cwltool logged the job's command line and its completion.")
TOIL_MEASURES = (
    "Start, run time, CPU time and peak memory of each job: Toil's own statistics (--stats), "
    "measured where the job ran (also on Slurm nodes); peak memory includes Toil's worker "
    "process (about 130 MiB). The lighter part of a bar is the time between Toil issuing the "
    "job and the job starting (waiting for the batch system).")


@dataclass(frozen=True)
class RunFacts:
    """What the report says about the run besides its state."""

    title: str
    runner: str
    batch_system: str | None
    command: str
    log_path: str
    outdir: str


def report_data(state: RunState, process: Process, facts: RunFacts,
                usage: Mapping[str, Usage], planned: Mapping[str, PlannedStep],
                written: Process | None = None) -> ReportData:
    """Everything the report shows, from the finished run's state. `process` is what the
    engine ran (after lowering), `written` the workflow as written (for naming what runs:
    a Python task is a `python3` command line once lowered)."""
    epoch0 = time.time() - (time.monotonic() - state.started)
    end = state.finished if state.finished is not None else time.monotonic()
    toil = facts.runner == "toil"
    bars = [_bar(job_id, job, state, usage, epoch0, end, toil)
            for job_id, job in state.jobs.items() if job.step is not None]
    steps_ir = _steps_by_key(process, state)
    as_written = _steps_by_key(written, state) if written is not None else {}
    rows = [_row(key, rec_bars, state, steps_ir.get(key), planned.get(key),
                 as_written.get(key))
            for key, rec_bars in _group(state, bars).items()]
    duration = max([end - state.started, *(b.end for b in bars)], default=0.0)
    runner = (f"toil ({facts.batch_system or 'single_machine'})" if toil else facts.runner)
    notes = []
    unassigned = sum(1 for j in state.jobs.values() if j.step is None)
    if unassigned:
        notes.append(f"{unassigned} job(s) of the engine's own (not a step of the workflow) "
                     "are not drawn.")
    return ReportData(
        title=facts.title, runner=runner, success=bool(state.success), started_at=epoch0,
        duration=duration, steps=tuple(rows), jobs=tuple(bars), errors=tuple(state.errors),
        command=facts.command, log_path=facts.log_path, outdir=facts.outdir,
        measured_by=TOIL_MEASURES if toil else CWLTOOL_MEASURES, notes=tuple(notes),
        memory_includes_engine=toil)


def _bar(job_id: str, job: JobRecord, state: RunState, usage: Mapping[str, Usage],
         epoch0: float, end: float, toil: bool) -> JobBar:
    if job.status == STATE_FAILED:
        status = FAILED
    elif job.cached:
        status = CACHED
    elif job.status == STATE_RUNNING:
        status = RUNNING
    else:
        status = DONE
    start = job.started - state.started
    stop = (job.ended if job.ended is not None else end) - state.started
    queued = None
    used = usage.get(job_id) or usage.get(job.name)
    if toil and used is not None and used.start is not None and used.wall_s is not None:
        queued, start = start, max(start, used.start - epoch0)
        stop = start + used.wall_s
    command = " ".join(c.rstrip("\\").strip() for c in job.command)
    return JobBar(
        name=job.name, step=job.step or "", status=status, start=max(0.0, start),
        end=max(stop, start), queued=queued, cpu_s=used.cpu_s if used else None,
        peak_mib=used.peak_mib if used else None, exit_code=job.exit_code, command=command,
        stderr=tuple(s for s in job.stderr if s.strip())[-15:] if status == FAILED else (),
        said=tuple(job.errors[:8]) if status == FAILED else ())


def _group(state: RunState, bars: list[JobBar]) -> dict[str, list[JobBar]]:
    grouped: dict[str, list[JobBar]] = {key: [] for key in state.steps}
    for bar in bars:
        grouped.setdefault(bar.step, []).append(bar)
    return grouped


def _row(key: str, bars: list[JobBar], state: RunState, found: tuple[Step | None, Tool] | None,
         planned: PlannedStep | None, written: tuple[Step | None, Tool] | None) -> StepRow:
    rec = state.steps[key]
    step, tool = found if found is not None else (None, None)
    shown = written[1] if written is not None else tool
    res = tool.resources if tool is not None else None
    measured = [b for b in bars if b.cpu_s is not None or b.peak_mib is not None]
    ran = [b for b in bars if b.status != CACHED]
    cpu = [b.cpu_s for b in measured if b.cpu_s is not None]
    peak = [b.peak_mib for b in measured if b.peak_mib is not None]
    width = planned.items if planned is not None and planned.known else None
    if width is None and step is not None and step.scatter and rec.jobs and not (
            planned is not None and planned.batch):
        width = rec.jobs  # one job per item: the width is what ran
    return StepRow(
        key=key, tool=_describe(shown), status=rec.status, jobs=rec.jobs,
        jobs_done=rec.jobs_done, jobs_cached=rec.jobs_cached, jobs_failed=rec.jobs_failed,
        resumed=rec.resumed, scatter=step.scatter if step is not None else (),
        scatter_method=step.scatter_method if step is not None else None, width=width,
        batch=planned.batch if planned is not None else None,
        cores=res.cores if res is not None else None,
        ram_mib=res.ram_mib if res is not None else None,
        time_limit_s=res.time_limit_s if res is not None else None,
        wall_s=(max(b.end for b in bars) - min(b.start for b in bars)) if bars else None,
        max_job_s=max((b.wall for b in ran), default=None),
        cpu_s=sum(cpu) if cpu else None, peak_mib=max(peak) if peak else None,
        measured_jobs=len(measured))


def _describe(tool: Tool | None) -> str:
    if tool is None:
        return ""
    if tool.python is not None:
        return f"python: {tool.python.function}()"
    if tool.base_command:
        return "$ " + " ".join(tool.base_command)
    return tool.name


def _steps_by_key(process: Process, state: RunState) -> dict[str, tuple[Step | None, Tool]]:
    """Step key (as the run state names it) -> the step and the tool it runs."""
    processes = processes_in_order(process)
    names = document_names(processes)
    found: dict[str, tuple[Step | None, Tool]] = {}
    by_doc_id: dict[tuple[str, str], tuple[Step | None, Tool]] = {}
    for p in processes:
        if isinstance(p, Workflow):
            for st in p.steps:
                if isinstance(st.process, Tool):
                    by_doc_id[(names[p.key], st.id)] = (st, st.process)
    if isinstance(process, Tool):
        by_doc_id[("", process.name)] = (None, process)
    for leaf in state.index.steps:
        hit = by_doc_id.get((leaf.doc, leaf.step_id))
        if hit is not None:
            found[leaf.key] = hit
    return found
