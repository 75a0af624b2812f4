"""cwltool's log (stderr, run with --disable-color) -> `RunState` updates."""

from __future__ import annotations

import re
import time

from cwlgen.runners.state import PENDING, RUNNING, RunState, log_text

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
        """Read one line of the engine's stderr."""
        line = log_text(line)
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
        """Handle a cwltool log record; False when it is none of the ones we follow."""
        return self._step_message(msg) or self._job_message(msg)

    def _step_message(self, msg: str) -> bool:
        """`[workflow X] starting step Y`, `[step Y] start`, `[step Y] completed success`."""
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
                self.state.step_finished(leaf.key, m["st"] == "success",
                                         skipped=m["st"] == "skipped")
            return True
        return False

    def _job_message(self, msg: str) -> bool:
        """`[job X] ...`: cache hits, the command line, completion, exit status, errors."""
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
        elif (limit := re.match(r"exceeded time limit of (\d+) seconds", rest)) is not None:
            self._job(job)
            self.state.jobs[job].time_limit = int(limit[1])
        elif rest.startswith(("Job error", "Exception while running job")):
            self._job(job)
            self._error_job = job
        else:
            return False
        return True


