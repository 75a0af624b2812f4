"""Progress of a run, read from the runner's log: which steps are done, running, failed.

The runners (cwltool, Toil) report progress only as log text, so this module owns:
- `StepIndex`: the leaf steps of the compiled workflow, and how runner job names map to them;
- `RunState`: per-step and per-job records (status, wall time, cache hit, command line,
  the tail of stderr);
- `CwltoolLogParser` and `ToilLogParser`: log lines -> `RunState` updates;
- displays: a live `rich` panel on a terminal, plain log lines otherwise, and the final
  per-step table and failure report.
"""

from __future__ import annotations

import re
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import IO, Any

from cwlgen.backend.layout import document_names, processes_in_order
from cwlgen.ir import Process, Tool, Workflow

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
STDERR_TAIL = 30


# --- the steps of a workflow --------------------------------------------------------------

@dataclass(frozen=True)
class LeafStep:
    """One tool step of some workflow document (a subworkflow used twice is listed once)."""

    key: str  # display name, unique
    doc: str  # stem of the workflow document holding the step ('' for a lone tool)
    step_id: str
    tool_doc: str  # stem of the tool document it runs
    scattered: bool


class StepIndex:
    """The leaf (tool) steps of a compiled process and how runner names map to them."""

    def __init__(self, root: Process) -> None:
        processes = processes_in_order(root)
        names = document_names(processes)
        self.root_doc = names[root.key]
        raw: list[tuple[str, str, str, bool]] = []
        self.call_doc: dict[str, str] = {}  # subworkflow step id -> its document stem
        for p in processes:
            if not isinstance(p, Workflow):
                continue
            for st in p.steps:
                if isinstance(st.process, Workflow):
                    self.call_doc.setdefault(st.id, names[st.process.key])
                else:
                    raw.append((names[p.key], st.id, names[st.process.key], bool(st.scatter)))
        if isinstance(root, Tool):
            raw.append(("", root.name, self.root_doc, False))
        ids = [r[1] for r in raw]
        self.steps: list[LeafStep] = []
        for doc, sid, tool_doc, scattered in raw:
            key = sid if ids.count(sid) == 1 or not doc else f"{doc}/{sid}"
            self.steps.append(LeafStep(key, doc, sid, tool_doc, scattered))
        self.by_key = {s.key: s for s in self.steps}
        self.by_id: dict[str, list[LeafStep]] = {}
        for s in self.steps:
            self.by_id.setdefault(s.step_id, []).append(s)

    def resolve_id(self, step_id: str, doc: str | None = None) -> LeafStep | None:
        """The leaf step a cwltool `[step X]` / `[job X]` name refers to, if any."""
        for candidate in (step_id, re.sub(r"_\d+$", "", step_id)):
            found = self.by_id.get(candidate, [])
            if len(found) == 1:
                return found[0]
            if found:
                for s in found:
                    if s.doc == doc:
                        return s
                return found[0]
        return None

    def doc_of_call(self, workflow_job: str) -> str:
        """cwltool names a subworkflow job after the step that calls it (`rank`, `rank_2`)."""
        if not workflow_job:
            return self.root_doc
        for candidate in (workflow_job, re.sub(r"_\d+$", "", workflow_job)):
            if candidate in self.call_doc:
                return self.call_doc[candidate]
        return workflow_job

    def resolve_toil(self, job_name: str) -> LeafStep | None:
        """Toil names jobs `<workflow doc>.cwl.<step id or scatter index>.<tool doc>.cwl`."""
        m = re.fullmatch(r"(?P<wf>[\w-]+)\.cwl\.(?P<mid>[\w-]+)\.(?P<tool>[\w-]+)\.cwl", job_name)
        if m is None:
            lone = re.fullmatch(r"(?P<tool>[\w-]+)\.cwl", job_name)
            if lone and len(self.steps) == 1 and not self.steps[0].doc:
                return self.steps[0]
            return None
        wf, mid, tool = m.group("wf", "mid", "tool")
        in_doc = [s for s in self.steps if s.doc == wf]
        for s in in_doc:
            if s.step_id == mid:
                return s
        same_tool = [s for s in in_doc if s.tool_doc == tool]
        scattered = [s for s in same_tool if s.scattered]
        pick = scattered or same_tool
        return pick[0] if pick else None


# --- what happened ------------------------------------------------------------------------

PENDING, RUNNING, DONE, FAILED, SKIPPED = "pending", "running", "done", "failed", "not run"


@dataclass
class JobRecord:
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


@dataclass
class StepRecord:
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
        if self.started is None:
            return None
        return (self.ended or time.monotonic()) - self.started

    @property
    def cache_hit(self) -> str:
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

    def step_finished(self, key: str, ok: bool) -> None:
        rec = self.steps.get(key)
        if rec is None:
            return
        if not ok:
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
        c = {PENDING: 0, RUNNING: 0, DONE: 0, FAILED: 0, SKIPPED: 0}
        for rec in self.steps.values():
            c[rec.status] += 1
        c["total"] = len(self.steps)
        c["jobs"] = len(self.jobs)
        c["jobs_done"] = sum(1 for j in self.jobs.values() if j.status == DONE)
        c["jobs_running"] = sum(1 for j in self.jobs.values() if j.status == RUNNING)
        return c

    def failed_jobs(self) -> list[JobRecord]:
        return [j for j in self.jobs.values() if j.status == FAILED]

    def failed_steps(self) -> list[str]:
        return [k for k, r in self.steps.items() if r.status == FAILED]


# --- log parsers --------------------------------------------------------------------------

_CWLTOOL_LINE = re.compile(r"^(?:\[[^\]]*\] )?(INFO|WARNING|ERROR|DEBUG|CRITICAL) (.*)$")


class CwltoolLogParser:
    """Reads cwltool's stderr (run with --disable-color). Tool output that is not captured
    goes to the same stream; it is attributed to the job that is running (exact when jobs
    run one at a time, a best guess with --parallel)."""

    def __init__(self, state: RunState) -> None:
        self.state = state
        self.index = state.index
        self._context: dict[str, str] = {}  # step id -> doc of the workflow starting it
        self._current_step: str | None = None
        self._last_job: str | None = None
        self._continuing: str | None = None  # job whose command line continues
        self._error_job: str | None = None

    def feed(self, line: str) -> None:
        line = ANSI.sub("", line.rstrip("\n"))
        if self._continuing is not None:
            job = self.state.jobs.get(self._continuing)
            if job is not None:
                job.command.append(line.strip())
            if not line.endswith("\\"):
                self._continuing = None
            return
        m = _CWLTOOL_LINE.match(line)
        if m is None:
            self._tool_output(line)
            return
        level, msg = m.groups()
        self._error_job = None
        if self._message(msg):
            return
        if level in ("ERROR", "CRITICAL"):
            self.state.errors.append(msg)

    def _tool_output(self, line: str) -> None:
        if self._error_job is not None:
            self.state.jobs[self._error_job].errors.append(line)
            return
        target = self._running_job()
        if target is not None:
            self.state.jobs[target].stderr.append(line)
        elif line.strip():
            self.state.errors.append(line)

    def _running_job(self) -> str | None:
        if self._last_job is not None and self.state.jobs[self._last_job].status == RUNNING:
            return self._last_job
        running = [k for k, j in self.state.jobs.items() if j.status == RUNNING]
        return running[-1] if running else None

    def _job(self, name: str) -> str:
        if name not in self.state.jobs:
            step = None
            cur = self._current_step
            if cur is not None:
                sid = self.index.by_key[cur].step_id if cur in self.index.by_key else cur
                if name == sid or re.fullmatch(re.escape(sid) + r"_\d+", name):
                    step = cur
            if step is None:
                found = self.index.resolve_id(name)
                step = found.key if found else None
            self.state.job_started(name, name, step)
        self._last_job = name
        return name

    def _message(self, msg: str) -> bool:
        m = re.match(r"\[workflow (?P<wf>[^\]]*)\] starting step (?P<step>\S+)", msg)
        if m:
            self._context[m["step"]] = self.index.doc_of_call(m["wf"])
            return True
        m = re.match(r"\[step (?P<step>[^\]]+)\] (?P<what>start|completed (?P<st>\w+))$", msg)
        if m:
            leaf = self.index.resolve_id(m["step"], self._context.get(m["step"]))
            if leaf is None or leaf.step_id not in (m["step"], re.sub(r"_\d+$", "", m["step"])):
                return True  # a subworkflow step
            if m["what"] == "start":
                self._current_step = leaf.key
                rec = self.state.steps[leaf.key]
                if rec.status == PENDING:
                    rec.status, rec.started = RUNNING, time.monotonic()
                    self.state.changed = True
            else:
                self.state.step_finished(leaf.key, m["st"] == "success")
            return True
        m = re.match(r"\[job (?P<job>[^\]]+)\] (?P<rest>.*)$", msg, re.S)
        if not m:
            return False
        job, rest = m["job"], m["rest"]
        if rest.startswith("Using cached output in"):
            self._job(job)
            self.state.job_finished(job, True, cached=True)
        elif rest.startswith("Output of job will be cached in"):
            self._job(job)
        elif re.match(r"\S*\$ ", rest):
            self._job(job)
            self.state.jobs[job].command = [rest.split("$ ", 1)[1]]
            if rest.endswith("\\"):
                self._continuing = job
        elif rest.startswith("completed "):
            self._job(job)
            self.state.job_finished(job, rest.split()[1] == "success")
        elif rest.startswith("exited with status:"):
            self._job(job)
            try:
                self.state.jobs[job].exit_code = int(rest.rsplit(":", 1)[1])
            except ValueError:
                pass
        elif rest.startswith(("Job error", "Exception while running job")):
            self._job(job)
            self._error_job = job
        else:
            return False
        return True


_TOIL_LINE = re.compile(
    r"^\[(?P<ts>[^\]]+)\] \[(?P<thread>[^\]]+)\] \[(?P<lvl>\w)\] \[(?P<logger>[^\]]+)\] "
    r"(?P<msg>.*)$"
)


class ToilLogParser:
    """Reads toil-cwl-runner's stderr: issued/finished/failed jobs, and the worker logs and
    captured stderr that Toil prints between `=========>` and `<=========` for failed jobs."""

    def __init__(self, state: RunState) -> None:
        self.state = state
        self.index = state.index
        self._by_name: dict[str, str] = {}  # job display name -> job id
        self._block: list[str] | None = None
        self._block_head = ""
        self._expect_block = ""

    def feed(self, line: str) -> None:
        line = ANSI.sub("", line.rstrip("\n"))
        if self._block is not None:
            if line.startswith("<========="):
                self._close_block()
            else:
                self._block.append(line[1:] if line.startswith("\t") else line)
            return
        if line.startswith("=========>") and self._expect_block:
            self._block, self._block_head, self._expect_block = [], self._expect_block, ""
            return
        m = _TOIL_LINE.match(line)
        if m is None:
            if line.strip():  # usage errors, tracebacks: not Toil log records
                self.state.errors.append(line)
            return
        msg = m["msg"]
        head = re.search(r"Log from job \"(?P<what>[^\"]+)\" follows:|"
                         r"(?P<name>\S+)\.(?P<stream>stderr|stdout) follows:", msg)
        if head:
            self._expect_block = msg
            return
        self._message(msg, m["lvl"])

    def _job_for(self, name: str, job_id: str | None = None) -> str:
        key = job_id or self._by_name.get(name) or name
        if key not in self.state.jobs:
            leaf = self.index.resolve_toil(name)
            self.state.job_started(key, name, leaf.key if leaf else None)
        self._by_name[name] = key
        return key

    def _message(self, msg: str, level: str) -> None:
        m = re.search(r"Issued job '(?P<kind>\w+)' (?P<name>\S+) (?P<id>\S+) v\d+", msg)
        if m:
            if m["kind"] == "CWLJob":
                key = self._job_for(m["name"], m["id"])
                self.state.job_started(key, m["name"], self.state.jobs[key].step)
            return
        m = re.search(r"CWL step complete: (?P<name>\S+)", msg)
        if m:
            done = self._by_name.get(m["name"])
            if done is not None:
                self.state.job_finished(done, True)
            return
        m = re.search(r"'CWLJob' (?P<name>\S+) (?P<id>\S+) v\d+ is completely failed", msg)
        if m:
            key = self._job_for(m["name"], m["id"])
            self.state.job_finished(key, False)
            return
        if level in ("E", "C") and "batchSystems" not in msg:
            if not re.match(r"The job store .* contains \d+ failed jobs", msg):
                self.state.errors.append(msg)

    def _close_block(self) -> None:
        lines, head = self._block or [], self._block_head
        self._block = None
        m = re.search(r"(?P<name>\S+)\.(?P<stream>stderr|stdout) follows:", head)
        if m and m["stream"] == "stderr":
            key = self._by_name.get(m["name"])
            if key is not None:
                job = self.state.jobs[key]
                job.stderr.clear()
                job.stderr.extend(lines)
            return
        m = re.search(r"Log from job \"(?P<what>[^\"]+)\"", head)
        if not m:
            return
        what = m["what"]
        named = re.search(r"'CWLJob' (?P<name>\S+) (?P<id>\S+) v\d+", what)
        key = self._job_for(named["name"], named["id"]) if named else (
            what if what in self.state.jobs else None)
        if key is None:
            return
        job = self.state.jobs[key]
        command: list[str] = []
        stderr: list[str] = []
        mode = ""
        for raw in lines:
            inner = _TOIL_LINE.match(raw)
            text = inner["msg"] if inner else raw
            cmd = re.match(r"\[job [^\]]+\] \S*\$ (?P<cmd>.*)$", text) if inner else None
            if cmd:
                command, mode = [cmd["cmd"]], "cmd" if cmd["cmd"].endswith("\\") else ""
            elif inner and "Failed command standard error:" in text:
                stderr, mode = [], "err"
            elif inner:
                mode = ""
            elif mode == "cmd":
                command.append(raw.strip())
                if not raw.endswith("\\"):
                    mode = ""
            elif mode == "err" and raw.strip():
                stderr.append(raw)
        if command:
            job.command = command
        if stderr:
            job.stderr.clear()
            job.stderr.extend(stderr)
        elif not job.stderr:
            job.stderr.extend(line for line in lines[-STDERR_TAIL:] if line.strip())


# --- displays -----------------------------------------------------------------------------

def _seconds(value: float | None) -> str:
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
    c = state.counts()
    return (f"{c[DONE]}/{c['total']} steps done, {c[RUNNING]} running, {c[FAILED]} failed "
            f"({c['jobs_done']}/{c['jobs']} jobs) after "
            f"{_seconds(time.monotonic() - state.started)}")


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
                self._say(f"step {key}: done in {_seconds(rec.wall)}{jobs}{cached}")
            elif rec.status == FAILED:
                self._say(f"step {key}: FAILED")

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
        rows = [Text(f"  running {r.key} ({r.jobs_done}/{r.jobs} jobs, {_seconds(r.wall)})",
                     style="cyan") for r in running]
        failed = [Text(f"  failed  {k}", style="red") for k in state.failed_steps()]
        return Group(grid, *rows, *failed)


def make_display(stream: IO[str] | None, title: str, live: bool | None = None) -> Any:
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
              PENDING: "dim"}
    for rec in state.steps.values():
        jobs = "-" if rec.resumed else (f"{rec.jobs_done}/{rec.jobs}" if rec.jobs else "0")
        table.add_row(rec.key, f"[{styles[rec.status]}]{rec.status}[/]", jobs,
                      "-" if rec.resumed else _seconds(rec.wall), rec.cache_hit)
    return Group(table, Text(f"{state.runner}: {summary_line(state)}"))


def failure_report(state: RunState, log_path: str | None = None) -> str:
    """Which step failed, its command line and the tail of its stderr."""
    lines: list[str] = []
    for job in state.failed_jobs()[:5]:
        step = job.step or job.name
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
            lines.append(f"  {state.runner} says:")
            lines += [f"    {s}" for s in said[:8]] + (["    ..."] if len(said) > 8 else [])
    if not lines:
        failed = state.failed_steps()
        if failed:
            lines.append(f"step(s) failed: {', '.join(failed)}")
        lines += [f"  {e}" for e in state.errors[-15:]]
    if log_path:
        lines.append(f"full log: {log_path}")
    return "\n".join(lines)

