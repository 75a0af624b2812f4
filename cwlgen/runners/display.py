"""Showing a run: a live `rich` panel on a terminal, an output area updated in place in a
Jupyter notebook, plain log lines otherwise, and the final per-step table; all counting towards
the number of jobs when it is known up front."""

from __future__ import annotations

import html
import sys
import time
from typing import IO, Any

from cwlgen.runners.state import (
    CONDITION_FALSE,
    DONE,
    FAILED,
    PENDING,
    RUNNING,
    SKIPPED,
    RunState,
)


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


def summary_line(state: RunState) -> str:
    """One line: steps done/running/failed, jobs done of all, time so far and, when the
    number of jobs is known, about how long is left."""
    c = state.counts()
    skipped = f", {c[CONDITION_FALSE]} skipped by their condition" if c[CONDITION_FALSE] else ""
    finished, total, _known = job_progress(state)
    done_jobs = c["jobs_done"]
    left = time_left(state)
    eta = f", about {seconds(left)} left" if left is not None else ""
    return (f"{c[DONE]}/{c['total']} steps done{skipped}, {c[RUNNING]} running, "
            f"{c[FAILED]} failed ({done_jobs}/{total} jobs) after "
            f"{seconds(time.monotonic() - state.started)}{eta}")


class PlainDisplay:
    """One log line per step transition: for CI logs and pipes."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self._seen: dict[str, str] = {}

    def __enter__(self) -> PlainDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, state: RunState) -> None:
        """Print a line for every step whose status changed since the last update."""
        for key, rec in state.steps.items():
            if self._seen.get(key) == rec.status:
                continue
            old = self._seen.get(key, PENDING)
            self._seen[key] = rec.status
            expected = state.expected_by_step.get(key, 0)
            if rec.status == RUNNING and old == PENDING:
                self._say(f"step {key}: started" + (f" ({expected} jobs)" if expected > 1
                                                    else ""))
            elif rec.status == DONE and rec.resumed:
                self._say(f"step {key}: done in an earlier run (resumed)")
            elif rec.status == DONE:
                jobs = f", {rec.jobs} jobs" if rec.jobs > 1 else ""
                cached = " (cached)" if rec.cache_hit == "yes" else ""
                self._say(f"step {key}: done in {seconds(rec.wall)}{jobs}{cached}"
                          + self._overall(state))
            elif rec.status == FAILED:
                self._say(f"step {key}: FAILED")
            elif rec.status == CONDITION_FALSE:
                self._say(f"step {key}: skipped (its condition was false)")

    @staticmethod
    def _overall(state: RunState) -> str:
        """` [7/12 jobs, about 8.1s left]` when the number of jobs is known up front."""
        finished, total, known = job_progress(state)
        if not known:
            return ""
        left = time_left(state)
        return f" [{finished}/{total} jobs" + (
            f", about {seconds(left)} left]" if left is not None else "]")

    def _say(self, text: str) -> None:
        self.stream.write(f"[cwlgen] {text}\n")
        self.stream.flush()


class LiveDisplay:
    """A rich live panel: a progress bar over steps and the steps running now."""

    def __init__(self, stream: IO[str], title: str) -> None:
        from rich.console import Console
        from rich.live import Live

        self.console = Console(file=stream)
        self.title = title
        self._state: RunState | None = None
        self.live = Live(console=self.console, refresh_per_second=4, transient=True,
                         get_renderable=self._render)

    def __enter__(self) -> LiveDisplay:
        self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.__exit__(None, None, None)

    def update(self, state: RunState) -> None:
        """Show `state` at the next refresh."""
        self._state = state

    def _render(self) -> Any:
        from rich.console import Group
        from rich.progress_bar import ProgressBar
        from rich.table import Table
        from rich.text import Text

        state = self._state
        if state is None:
            return Text(f"{self.title}: starting...")
        c = state.counts()
        finished, total, known = job_progress(state)
        # over jobs when their number is known up front, else over steps
        bar = (ProgressBar(total=max(total, 1), completed=finished, width=30) if known else
               ProgressBar(total=max(c["total"], 1), completed=c[DONE], width=30))
        grid = Table.grid(padding=(0, 1))
        grid.add_row(Text(self.title, style="bold"), bar, Text(summary_line(state)))
        running = [r for r in state.steps.values() if r.status == RUNNING][:8]
        rows = [Text(f"  running {r.key} ({r.jobs_done}/"
                     f"{max(state.expected_by_step.get(r.key, r.jobs), r.jobs)} jobs, "
                     f"{seconds(r.wall)})", style="cyan") for r in running]
        failed = [Text(f"  failed  {k}", style="red") for k in state.failed_steps()]
        return Group(grid, *rows, *failed)


class NullDisplay:
    """No display at all (`progress=False`)."""

    def __enter__(self) -> NullDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, state: RunState) -> None:
        """Show nothing."""
        return None


# --- Jupyter: one output area updated in place (an IPython display handle), so a run in a
# cell shows its progress without ipywidgets, which rich's live display would need there ---

MIN_INTERVAL = 0.25  # seconds between two updates of the output area


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (not a terminal IPython)."""
    ipython = sys.modules.get("IPython")  # a kernel has imported it; never import it here
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _ipython_display() -> Any:
    """IPython.display (untyped; present whenever a notebook runs this)."""
    import importlib

    return importlib.import_module("IPython.display")


class NotebookDisplay:
    """Shows a run's progress in the output of the cell that started it."""

    def __init__(self, title: str) -> None:
        self.title = title
        self._handle: Any = None
        self._last = 0.0
        self._state: RunState | None = None

    def __enter__(self) -> NotebookDisplay:
        ipy = _ipython_display()
        self._handle = ipy.display(ipy.HTML(self._html(None)), display_id=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self._show(force=True)

    def update(self, state: RunState) -> None:
        """Show `state`, at most every MIN_INTERVAL seconds (and always at the end)."""
        self._state = state
        self._show(force=state.finished is not None)

    def _show(self, force: bool) -> None:
        now = time.monotonic()
        if self._handle is None or (not force and now - self._last < MIN_INTERVAL):
            return
        self._last = now
        self._handle.update(_ipython_display().HTML(self._html(self._state)))

    def _html(self, state: RunState | None) -> str:
        title = html.escape(self.title)
        if state is None:
            return f"<div class='cwlgen-progress'><b>{title}</b>: starting...</div>"
        finished, total, known = job_progress(state)
        c = state.counts()
        done, steps = (finished, total) if known else (c["done"], c["total"])
        bar = f"<progress max='{max(steps, 1)}' value='{done}' style='width:14em'></progress>"
        lines = [f"<b>{title}</b> {bar} {html.escape(summary_line(state))}"]
        for rec in state.steps.values():
            if rec.status == RUNNING:
                jobs = max(state.expected_by_step.get(rec.key, rec.jobs), rec.jobs)
                lines.append(f"<span style='color:#00838f'>running {html.escape(rec.key)} "
                             f"({rec.jobs_done}/{jobs} jobs)</span>")
            elif rec.status == FAILED:
                lines.append(f"<span style='color:#c62828'>failed {html.escape(rec.key)}"
                             "</span>")
        return "<div class='cwlgen-progress'>" + "<br>".join(lines) + "</div>"


Display = PlainDisplay | LiveDisplay | NullDisplay | NotebookDisplay


def make_display(stream: IO[str] | None, title: str, live: bool | None = None) -> Display:
    """In a Jupyter notebook (progress to the default stream): an output area updated in
    place; else a live panel when `stream` is a terminal (or `live=True`), else plain
    lines."""
    if stream is None and live is not False and in_notebook():
        return NotebookDisplay(title)
    stream = stream if stream is not None else sys.stderr
    if live is None:
        live = hasattr(stream, "isatty") and stream.isatty()
    return LiveDisplay(stream, title) if live else PlainDisplay(stream)


def final_table(state: RunState) -> Any:
    """The per-step table shown at the end: status, jobs, wall time, cache hit."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table()
    for col in ("step", "status", "jobs", "wall time", "cache hit"):
        table.add_column(col, justify="right" if col in ("jobs", "wall time") else "left")
    styles = {DONE: "green", FAILED: "bold red", RUNNING: "cyan", SKIPPED: "dim",
              CONDITION_FALSE: "dim",
              PENDING: "dim"}
    for rec in state.steps.values():
        jobs = "-" if rec.resumed else (f"{rec.jobs_done}/{rec.jobs}" if rec.jobs else "0")
        table.add_row(rec.key, f"[{styles[rec.status]}]{rec.status}[/]", jobs,
                      "-" if rec.resumed else seconds(rec.wall), rec.cache_hit)
    return Group(table, Text(f"{state.runner}: {summary_line(state)}"))


# --- how far a run is -------------------------------------------------------------------

def job_progress(state: RunState) -> tuple[int, int, bool]:
    """(jobs finished, jobs in all, whether that total was known up front). Without a known
    total it is the number of jobs discovered so far, which grows as the run goes. A step
    that has settled (done, failed, not run, skipped by its condition) counts the jobs it
    really had, so a step that ran fewer jobs than planned does not hold the total up."""
    c = state.counts()
    finished = c["jobs_done"] + sum(1 for j in state.jobs.values() if j.status == FAILED)
    if state.expected_jobs is None:
        return finished, c["jobs"], False
    total = 0
    for key, rec in state.steps.items():
        planned = state.expected_by_step.get(key, 0)
        total += max(planned, rec.jobs) if rec.status in (PENDING, RUNNING) else rec.jobs
    unassigned = sum(1 for j in state.jobs.values() if j.step not in state.steps)
    return finished, max(total + unassigned, finished), True


def time_left(state: RunState) -> float | None:
    """Seconds the run still needs at the pace of the jobs finished so far, when the total
    number of jobs is known up front and the run is still going."""
    finished, total, known = job_progress(state)
    if not known or state.finished is not None or finished == 0 or finished >= total:
        return None
    elapsed = time.monotonic() - state.started
    return elapsed / finished * (total - finished)
