"""The number of jobs a run will have is known before it starts when the scatter widths follow
from the inputs, and the progress display counts towards it and says how long is left."""

from __future__ import annotations

import io
import re
import time

import cwlgen
from cwlgen.runners.display import summary_line, time_left
from cwlgen.runners.job_totals import expected_total, planned_steps
from cwlgen.runners.state import RunState
from cwlgen.runners.steps import StepIndex
from tests.runners import report_workflows as rw


def totals(wf: object, inputs: dict[str, object]) -> tuple[dict[str, int], int | None]:
    compiled = cwlgen.compile(wf)
    index = StepIndex(compiled.lowered)
    planned = planned_steps(compiled.root, index, inputs)
    return {k: p.jobs for k, p in planned.items()}, expected_total(planned, index)


def test_a_scatter_over_an_input_is_counted_before_the_run() -> None:
    per_step, total = totals(rw.burn_all, {"ns": [1, 2, 3]})
    assert per_step == {"burn": 3, "total": 1}
    assert total == 4


def test_a_batched_scatter_counts_its_batches_and_helper_jobs() -> None:
    per_step, total = totals(rw.burn_batched, {"ns": [1, 2, 3, 4, 5]})
    assert per_step == {"burn_chunk": 1, "burn": 3, "burn_flatten": 1, "total": 1}
    assert total == 6


def test_an_unknown_width_gives_no_total() -> None:
    _, total = totals(rw.nested, {"groups": [[1], [2, 3]]})
    assert total is None  # inner lists' lengths are not known to the plan
    _, total = totals(rw.burn_all, {})
    assert total is None


def test_time_left_follows_the_pace_of_finished_jobs() -> None:
    compiled = cwlgen.compile(rw.burn_all)
    state = RunState(StepIndex(compiled.lowered), "cwltool")
    state.expected_jobs, state.expected_by_step = 10, {"burn": 9, "total": 1}
    state.started = time.monotonic() - 10.0
    for i in range(5):
        state.job_started(f"burn_{i}", f"burn_{i}", "burn")
        state.job_finished(f"burn_{i}", True)
    left = time_left(state)
    assert left is not None and 9.5 < left < 10.5
    assert re.search(r"\(5/10 jobs\) after 10\.\ds, about (9|10)\.\ds left",
                     summary_line(state))
    state.expected_jobs = None  # unknown: no estimate, the total is what was seen
    assert time_left(state) is None and "(5/5 jobs)" in summary_line(state)


def test_the_plain_display_knows_the_total_from_the_start(in_tmp_cwd: object) -> None:
    stream = io.StringIO()
    assert cwlgen.run(rw.burn_all, ns=[1, 2, 3], progress=stream) == 14
    shown = stream.getvalue()
    assert "[cwlgen] step burn: started (3 jobs)" in shown
    assert re.search(r"step burn: done in \S+, 3 jobs \[3/4 jobs, about \S+ left\]", shown)
    assert "step total: done" in shown and "[4/4 jobs]" in shown


def test_a_settled_step_counts_the_jobs_it_really_had() -> None:
    """A step that ran fewer jobs than planned (failed early, or skipped by a condition)
    lowers the total once it has settled, so the count still reaches its end."""
    from cwlgen.runners.display import job_progress
    from cwlgen.runners.state import SKIPPED

    compiled = cwlgen.compile(rw.burn_all)
    state = RunState(StepIndex(compiled.lowered), "cwltool")
    state.expected_jobs, state.expected_by_step = 4, {"burn": 3, "total": 1}
    for i in range(3):
        state.job_started(f"burn_{i}", f"burn_{i}", "burn")
        state.job_finished(f"burn_{i}", True)
    state.step_finished("burn", True)
    assert job_progress(state) == (3, 4, True)
    state.steps["total"].status = SKIPPED  # settled without a job
    assert job_progress(state) == (3, 3, True)


def test_the_live_panel_counts_towards_the_known_total() -> None:
    from rich.console import Console

    from cwlgen.runners.display import LiveDisplay

    compiled = cwlgen.compile(rw.burn_all)
    state = RunState(StepIndex(compiled.lowered), "cwltool")
    state.expected_jobs, state.expected_by_step = 11, {"burn": 10, "total": 1}
    state.started = time.monotonic() - 6.0
    for i in range(4):
        state.job_started(f"burn_{i}", f"burn_{i}", "burn")
        if i < 3:
            state.job_finished(f"burn_{i}", True)
    panel = LiveDisplay(io.StringIO(), "burn_all (cwltool)")
    panel.update(state)
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(panel._render())
    text = console.export_text()
    assert re.search(r"\(3/11 jobs\) after 6\.\ds, about 1[56]\.\ds left", text), text
    assert "running burn (3/10 jobs" in text
