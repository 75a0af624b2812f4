"""Showing a run: a live `rich` panel on a terminal, plain log lines otherwise, and the final
per-step table."""

from __future__ import annotations

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
    """One line: steps done/running/failed, jobs done, time so far."""
    c = state.counts()
    skipped = f", {c[CONDITION_FALSE]} skipped by their condition" if c[CONDITION_FALSE] else ""
    return (f"{c[DONE]}/{c['total']} steps done{skipped}, {c[RUNNING]} running, "
            f"{c[FAILED]} failed "
            f"({c['jobs_done']}/{c['jobs']} jobs) after "
            f"{seconds(time.monotonic() - state.started)}")


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
            if rec.status == RUNNING and old == PENDING:
                self._say(f"step {key}: started")
            elif rec.status == DONE and rec.resumed:
                self._say(f"step {key}: done in an earlier run (resumed)")
            elif rec.status == DONE:
                jobs = f", {rec.jobs} jobs" if rec.jobs > 1 else ""
                cached = " (cached)" if rec.cache_hit == "yes" else ""
                self._say(f"step {key}: done in {seconds(rec.wall)}{jobs}{cached}")
            elif rec.status == FAILED:
                self._say(f"step {key}: FAILED")
            elif rec.status == CONDITION_FALSE:
                self._say(f"step {key}: skipped (its condition was false)")

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
        grid = Table.grid(padding=(0, 1))
        grid.add_row(Text(self.title, style="bold"),
                     ProgressBar(total=max(c["total"], 1), completed=c[DONE], width=30),
                     Text(summary_line(state)))
        running = [r for r in state.steps.values() if r.status == RUNNING][:8]
        rows = [Text(f"  running {r.key} ({r.jobs_done}/{r.jobs} jobs, {seconds(r.wall)})",
                     style="cyan") for r in running]
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


Display = PlainDisplay | LiveDisplay | NullDisplay


def make_display(stream: IO[str] | None, title: str, live: bool | None = None) -> Display:
    """A live panel when `stream` is a terminal (or `live=True`), else plain lines."""
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
