"""What a run does for its report and its job totals, kept out of the engine loop: the
expected number of jobs before it starts, a /proc sampler while cwltool runs, and the HTML
report (`--report FILE`, `cwlgen.run(..., report=FILE)`) once the engine has exited, written
before the engine's state (Toil's job store, with its statistics) is cleaned up."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cwlgen.runners.job_totals import PlannedStep, expected_total, planned_steps
from cwlgen.runners.request import RunRequest
from cwlgen.runners.state import RunState

if TYPE_CHECKING:
    from cwlgen.runners.usage import Usage

# The sampler and the report's modules are imported only for a run that writes a report:
# a plain run does not pay for them (issue 14: `cwlgen run` <= 5% CPU over cwltool).


def expect_jobs(req: RunRequest, state: RunState) -> dict[str, PlannedStep]:
    """Set the state's expected job totals from the inputs; the per-step plan."""
    if req.written is None:
        return {}
    try:
        inputs: Any = json.loads(req.job.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    planned = planned_steps(req.written, state.index, inputs if isinstance(inputs, dict)
                            else {})
    state.expected_jobs = expected_total(planned, state.index)
    if state.expected_jobs is not None:
        state.expected_by_step = {k: p.jobs for k, p in planned.items()}
    return planned


@contextlib.contextmanager
def sampling(req: RunRequest, engine: str) -> Iterator[dict[str, Usage]]:
    """While the engine runs: sample the processes below this one (the engine and its jobs)
    when a report is wanted from cwltool (Toil measures its jobs itself). Yields the
    per-directory figures, filled at exit."""
    found: dict[str, Usage] = {}
    if req.report is None or engine != "cwltool":
        yield found
        return
    from cwlgen.runners.usage import ProcessSampler

    sampler = ProcessSampler(os.getpid())
    with sampler:
        try:
            yield found
        finally:
            sampler.stop()
            found.update(sampler.by_directory())


def write_run_report(req: RunRequest, engine: str, state: RunState, argv: list[str],
                     log_path: Path, sampled: dict[str, Usage],
                     planned: dict[str, PlannedStep]) -> Path | None:
    """Write the report; a report that cannot be written is a warning, never a failed run."""
    if req.report is None:
        return None
    from cwlgen.runners.html_report import write_report
    from cwlgen.runners.report_data import RunFacts, report_data
    from cwlgen.runners.usage import cwltool_usage, toil_stats

    try:
        if engine == "toil":
            from cwlgen.runners.toil_runner import job_store

            usage = toil_stats(job_store(req))
        else:
            lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
            usage = cwltool_usage(lines, sampled)
        facts = RunFacts(title=req.process.name, runner=engine, batch_system=req.batch_system,
                         command=" ".join(argv), log_path=str(log_path),
                         outdir=str(req.outdir))
        data = report_data(state, req.process, facts, usage, planned, req.written)
        return write_report(data, req.report)
    except OSError as exc:
        print(f"[cwlgen] warning: could not write the run report {req.report}: {exc}",
              file=req.stream or sys.stderr)
        return None
