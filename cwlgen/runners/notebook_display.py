"""Progress of a run inside a Jupyter notebook: one output area updated in place (an IPython
display handle), so `cwlgen.run(...)` in a cell shows a live progress bar, the running steps
and the time left, without ipywidgets (which rich's live display would need there)."""

from __future__ import annotations

import html
import time
from typing import Any

from cwlgen.runners.progress_text import job_progress, summary_line
from cwlgen.runners.state import FAILED, RUNNING, RunState

MIN_INTERVAL = 0.25  # seconds between two updates of the output area


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (not a terminal IPython)."""
    import sys

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
