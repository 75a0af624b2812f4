"""The run report: one self-contained HTML file (inline CSS and SVG, no script, no network)
with a timeline of every job, per-step resources asked for against what was used, cache
hits, scatter widths and batch sizes, and the command line and stderr tail of each failure.

This module only draws: `ReportData` is plain data, built from a finished run by
`runners.report_data`, so the drawing is tested (and looked at) without running anything.
"""

from __future__ import annotations

import html
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

DONE, FAILED, CACHED, RUNNING, RESUMED = "done", "failed", "cached", "running", "resumed"


@dataclass(frozen=True)
class JobBar:
    """One job of a step, with times in seconds from the start of the run."""

    name: str
    step: str
    status: str  # DONE, FAILED, CACHED or RUNNING (when the run was stopped)
    start: float
    end: float
    queued: float | None = None  # when the engine handed it to the batch system, if earlier
    cpu_s: float | None = None
    peak_mib: float | None = None
    exit_code: int | None = None
    command: str = ""
    stderr: tuple[str, ...] = ()
    said: tuple[str, ...] = ()  # what the engine said about a failure

    @property
    def wall(self) -> float:
        return max(0.0, self.end - self.start)


@dataclass(frozen=True)
class StepRow:
    """One tool step the user wrote: what it asked for and what its jobs used."""

    key: str
    tool: str
    status: str
    jobs: int
    jobs_done: int
    jobs_cached: int
    jobs_failed: int
    resumed: bool = False
    scatter: tuple[str, ...] = ()  # scattered parameters
    scatter_method: str | None = None
    width: int | None = None  # items scattered over (None: not scattered or unknown)
    batch: int | None = None
    cores: float | None = None  # asked for (None: not declared)
    ram_mib: int | None = None
    time_limit_s: int | None = None
    wall_s: float | None = None  # first job start to last job end
    max_job_s: float | None = None
    cpu_s: float | None = None  # sum over measured jobs
    peak_mib: float | None = None  # largest over measured jobs
    measured_jobs: int = 0  # jobs with CPU/memory figures


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows."""

    title: str
    runner: str  # "cwltool", "toil (single_machine)", "toil (slurm)"
    success: bool
    started_at: float  # epoch seconds
    duration: float
    steps: tuple[StepRow, ...]
    jobs: tuple[JobBar, ...]
    errors: tuple[str, ...] = ()
    command: str = ""
    log_path: str = ""
    outdir: str = ""
    measured_by: str = ""  # where CPU time and peak memory come from
    memory_includes_engine: bool = False  # Toil's figure holds its worker: no over-use flag
    notes: tuple[str, ...] = field(default_factory=tuple)


# --- formatting ---------------------------------------------------------------------------

def seconds_text(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 60:
        return f"{value:.1f} s"
    minutes, secs = divmod(int(round(value)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"


def mib_text(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 1024:
        return f"{value / 1024:.1f} GiB"
    return f"{value:.0f} MiB"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


# --- the timeline -------------------------------------------------------------------------

COLORS = {DONE: "#2e7d32", FAILED: "#c62828", CACHED: "#9e9e9e", RUNNING: "#f9a825",
          RESUMED: "#9e9e9e"}
LABEL_W, ROW_H, BAR_H, PLOT_W, AXIS_H = 190, 18, 12, 860, 26


def lanes(jobs: Sequence[JobBar]) -> list[list[JobBar]]:
    """Pack jobs into as few rows as possible: a job goes in the first row free at its start
    (so a step gets as many rows as it had jobs running at once)."""
    rows: list[list[JobBar]] = []
    ends: list[float] = []
    for job in sorted(jobs, key=lambda j: (j.queued if j.queued is not None else j.start,
                                           j.start, j.name)):
        begin = job.queued if job.queued is not None else job.start
        for i, end in enumerate(ends):
            if end <= begin + 1e-9:
                rows[i].append(job)
                ends[i] = max(job.end, begin)
                break
        else:
            rows.append([job])
            ends.append(max(job.end, begin))
    return rows


def _tick_step(span: float) -> float:
    """A round tick interval giving 5-10 ticks over `span` seconds."""
    raw = max(span, 1e-3) / 8
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 5, 10):
        if raw <= mult * power:
            return float(mult * power)
    return float(10 * power)


def timeline_svg(data: ReportData) -> str:
    """A Gantt chart: one band per step, one bar per job (queued part lighter)."""
    span = max([data.duration, *(j.end for j in data.jobs)], default=0.0) or 1.0
    scale = PLOT_W / span
    by_step: dict[str, list[JobBar]] = {}
    for job in data.jobs:
        by_step.setdefault(job.step, []).append(job)
    order = [s.key for s in data.steps] + sorted(k for k in by_step if k not in
                                                 {s.key for s in data.steps})
    parts: list[str] = []
    bands: list[str] = []
    y = AXIS_H
    band = 0
    for key in order:
        rows = lanes(by_step.get(key, []))
        height = max(1, len(rows)) * ROW_H
        if band % 2 == 0:
            bands.append(f'<rect x="0" y="{y}" width="{LABEL_W + PLOT_W + 10}" '
                         f'height="{height}" fill="#f5f7fb"/>')
        parts.append(f'<text class="step" x="{LABEL_W - 8}" y="{y + ROW_H / 2 + 4:.1f}" '
                     f'text-anchor="end">{_e(key)}</text>')
        if not rows:
            parts.append(f'<text class="none" x="{LABEL_W + 4}" y="{y + ROW_H / 2 + 4:.1f}">'
                         'no job ran in this run</text>')
        for r, row in enumerate(rows):
            top = y + r * ROW_H + (ROW_H - BAR_H) / 2
            for job in row:
                parts.append(_bar(job, top, scale))
        y += height
        band += 1
    ticks = []
    step = _tick_step(span)
    t = 0.0
    while t <= span + 1e-9:
        x = LABEL_W + t * scale
        ticks.append(f'<line x1="{x:.1f}" y1="{AXIS_H - 4}" x2="{x:.1f}" y2="{y}" '
                     'class="grid"/>'
                     f'<text class="tick" x="{x:.1f}" y="{AXIS_H - 8}" '
                     f'text-anchor="middle">{_e(seconds_text(t) if t else "0")}</text>')
        t += step
    width = LABEL_W + PLOT_W + 10
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{width}" '
            f'height="{y + 6}" viewBox="0 0 {width} {y + 6}" role="img" '
            f'aria-label="timeline of {len(data.jobs)} jobs">'
            + "".join(bands) + "".join(ticks) + "".join(parts) + "</svg>")


def _bar(job: JobBar, top: float, scale: float) -> str:
    x = LABEL_W + job.start * scale
    w = max(job.wall * scale, 3.0)
    tip = [f"{job.name} ({job.status})",
           f"start {seconds_text(job.start)}, end {seconds_text(job.end)}, "
           f"wall {seconds_text(job.wall)}"]
    if job.queued is not None and job.queued < job.start:
        tip.append(f"waited {seconds_text(job.start - job.queued)} before starting")
    if job.cpu_s is not None:
        tip.append(f"CPU {seconds_text(job.cpu_s)}")
    if job.peak_mib is not None:
        tip.append(f"peak memory {mib_text(job.peak_mib)}")
    title = f"<title>{_e(chr(10).join(tip))}</title>"
    out = []
    if job.queued is not None and job.queued < job.start:
        qx = LABEL_W + job.queued * scale
        out.append(f'<rect class="queued" x="{qx:.1f}" y="{top:.1f}" '
                   f'width="{max((job.start - job.queued) * scale, 1.0):.1f}" '
                   f'height="{BAR_H}" fill="{COLORS.get(job.status, "#555")}" '
                   f'opacity="0.25">{title}</rect>')
    out.append(f'<rect class="job {job.status}" data-step="{_e(job.step)}" x="{x:.1f}" '
               f'y="{top:.1f}" width="{w:.1f}" height="{BAR_H}" rx="2" '
               f'fill="{COLORS.get(job.status, "#555")}">{title}</rect>')
    return "".join(out)


# --- the page -----------------------------------------------------------------------------

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;
margin:24px 32px;max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid
#dde3ee;padding-bottom:4px}
.badge{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff;font-weight:600;
font-size:13px;vertical-align:middle;margin-left:8px}.ok{background:#2e7d32}
.bad{background:#c62828}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:10px 0}
dl.facts dt{color:#5b6475}dl.facts dd{margin:0}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{padding:4px 8px;
border-bottom:1px solid #e6eaf2;text-align:left;vertical-align:top}th{background:#f0f3f9}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.over{color:#c62828;font-weight:600}.under{color:#8a6d00}
svg.timeline text{font:12px system-ui,sans-serif;fill:#1d2330}svg.timeline text.tick{fill:#5b6475;
font-size:11px}svg.timeline text.none{fill:#8a93a5;font-style:italic}
svg.timeline .grid{stroke:#dde3ee;stroke-width:1}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;
height:10px;margin-right:4px;border-radius:2px;vertical-align:middle}
pre{background:#f6f8fa;border:1px solid #e6eaf2;padding:8px;overflow-x:auto;font-size:12px;
white-space:pre-wrap;word-break:break-all}
.failure{border-left:4px solid #c62828;padding-left:12px;margin:14px 0}
.muted{color:#5b6475}
"""


def render_html(data: ReportData) -> str:
    """The whole report as one HTML document."""
    started = datetime.fromtimestamp(data.started_at, tz=timezone.utc).strftime(
        "%Y-%m-%d %H:%M:%S UTC")
    jobs = len(data.jobs)
    cached = sum(1 for j in data.jobs if j.status == CACHED)
    failed = sum(1 for j in data.jobs if j.status == FAILED)
    badge = ('<span class="badge ok">succeeded</span>' if data.success
             else '<span class="badge bad">failed</span>')
    facts = [("runner", data.runner), ("started", started),
             ("duration", seconds_text(data.duration)),
             ("jobs", f"{jobs} ({cached} from the cache, {failed} failed)"),
             ("steps", str(len(data.steps)))]
    if data.outdir:
        facts.append(("outputs", data.outdir))
    if data.log_path:
        facts.append(("engine log", data.log_path))
    body = [f"<h1>{_e(data.title)}{badge}</h1>",
            '<dl class="facts">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>"
                                          for k, v in facts) + "</dl>"]
    if data.command:
        body.append(f"<details><summary>engine command line</summary><pre>{_e(data.command)}"
                    "</pre></details>")
    body.append("<h2>Timeline</h2>")
    present = {j.status for j in data.jobs}
    queued = any(j.queued is not None and j.queued < j.start for j in data.jobs)
    body.append('<p class="legend">' + "".join(
        f'<span><i style="background:{COLORS[s]}"></i>{label}</span>'
        for s, label in ((DONE, "ran"), (CACHED, "from the cache"), (FAILED, "failed"),
                         (RUNNING, "stopped")) if s in present or s == DONE)
        + ('<span><i style="background:#2e7d32;opacity:.25"></i>waiting for the batch '
           'system</span>' if queued else "") + "</p>")
    body.append(timeline_svg(data))
    body.append("<h2>Steps</h2>")
    body.append(_steps_table(data))
    failures = [j for j in data.jobs if j.status == FAILED]
    # what the engine said that no job claims (with --parallel, cwltool mixes the tools'
    # output): worth reading when the run failed, noise when it succeeded
    said = data.errors if not data.success else ()
    if failures or said:
        body.append("<h2>Failures</h2>")
        body += [_failure(j) for j in failures]
        if said:
            body.append("<p>The engine also said:</p><pre>"
                        + _e("\n".join(said[-30:])) + "</pre>")
    notes = list(data.notes)
    if data.measured_by:
        notes.insert(0, data.measured_by)
    if notes:
        body.append("<h2>How this was measured</h2><ul>"
                    + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(data.title)}: run report</title>"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def _asked(row: StepRow) -> str:
    if row.cores is None and row.ram_mib is None and row.time_limit_s is None:
        return "nothing declared (CWL's default: 1 core, 256 MiB)"
    parts = []
    parts.append(f"{row.cores:g} core{'s' if row.cores != 1 else ''}" if row.cores is not None
                 else "1 core (default)")
    parts.append(mib_text(row.ram_mib) if row.ram_mib is not None else "256 MiB (default)")
    if row.time_limit_s is not None:
        parts.append(f"limit {seconds_text(row.time_limit_s)}")
    return ", ".join(parts)


def _used(row: StepRow, flag_memory: bool) -> str:
    if row.resumed:
        return "finished in an earlier run"
    parts = [f"wall {seconds_text(row.wall_s)}"]
    if row.jobs > 1:
        parts.append(f"longest job {seconds_text(row.max_job_s)}")
    if row.measured_jobs:
        cpu = _e(f"CPU {seconds_text(row.cpu_s)}")
        peak = _e(f"peak {mib_text(row.peak_mib)}")
        if (row.ram_mib is not None and row.peak_mib is not None and row.peak_mib > row.ram_mib
                and flag_memory):
            peak = f'<span class="over" title="more than the RAM asked for">{peak}</span>'
        if (row.time_limit_s is not None and row.max_job_s is not None
                and row.max_job_s > row.time_limit_s):
            parts[0] = f'<span class="over">{_e(parts[0])}</span>'
        text = ", ".join(_e(p) if not p.startswith("<") else p for p in parts)
        measured = ("" if row.measured_jobs >= row.jobs - row.jobs_cached else
                    f" ({row.measured_jobs} of {row.jobs} jobs measured)")
        return f"{text}, {cpu}, {peak}{_e(measured)}"
    return _e(", ".join(parts)) + ' <span class="muted">(CPU and memory not measured)</span>'


def _steps_table(data: ReportData) -> str:
    head = ("<tr><th>step</th><th>runs</th><th>status</th><th class=\"num\">jobs</th>"
            "<th>scatter</th><th>cache hits</th><th>asked for (per job)</th>"
            "<th>used</th></tr>")
    rows = []
    for row in data.steps:
        jobs = "–" if row.resumed else f"{row.jobs_done + row.jobs_failed}/{row.jobs}"
        if row.scatter:
            width = f"{row.width} items" if row.width is not None else "width unknown"
            scatter = f"{width} over {', '.join(row.scatter)}"
            if row.scatter_method and row.scatter_method != "dotproduct":
                scatter += f" ({row.scatter_method})"
            if row.batch:
                scatter += f", batches of {row.batch}"
        else:
            scatter = "–"
        if row.resumed:
            cache = "resumed"
        elif not row.jobs:
            cache = "–"
        else:
            cache = f"{row.jobs_cached}/{row.jobs}"
        status_class = "over" if row.status == FAILED else ""
        rows.append(
            f"<tr data-step=\"{_e(row.key)}\"><td><b>{_e(row.key)}</b></td>"
            f"<td>{_e(row.tool)}</td><td class=\"{status_class}\">{_e(row.status)}</td>"
            f"<td class=\"num\">{_e(jobs)}</td><td>{_e(scatter)}</td><td>{_e(cache)}</td>"
            f"<td>{_e(_asked(row))}</td>"
            f"<td>{_used(row, not data.memory_includes_engine)}</td></tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def _failure(job: JobBar) -> str:
    head = f"step <b>{_e(job.step)}</b>, job {_e(job.name)}"
    if job.exit_code is not None:
        head += f", exit code {job.exit_code}"
    parts = [f'<div class="failure"><p>{head}</p>']
    if job.command:
        parts.append(f"<p>command line</p><pre>{_e(job.command)}</pre>")
    if job.stderr:
        parts.append("<p>stderr (last lines)</p><pre>" + _e("\n".join(job.stderr)) + "</pre>")
    if job.said:
        parts.append("<p>the engine said</p><pre>" + _e("\n".join(job.said)) + "</pre>")
    parts.append("</div>")
    return "".join(parts)


def write_report(data: ReportData, path: str | os.PathLike[str]) -> Path:
    """Write the report atomically (a reader never sees half a file); return its path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".report-", suffix=".html")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(render_html(data))
        os.chmod(tmp, 0o644)  # readable like any report, not mkstemp's private 0600
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
