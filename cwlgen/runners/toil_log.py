"""toil-cwl-runner's log (stderr) -> `RunState` updates."""

from __future__ import annotations

import re

from cwlgen.runners.state import STDERR_TAIL, JobRecord, RunState, log_text

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
        """Read one line of the engine's stderr."""
        line = log_text(line)
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
        """A `=========>` ... `<=========` block ended: a job's stderr or its worker log."""
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
        if key is not None:
            self._read_job_log(self.state.jobs[key], lines)

    def _read_job_log(self, job: JobRecord, lines: list[str]) -> None:
        """The command line and the failed command's stderr from a failed job's worker log."""
        command: list[str] = []
        stderr: list[str] = []
        mode = ""
        for raw in lines:
            inner = _TOIL_LINE.match(raw)
            text = inner["msg"] if inner else raw
            cmd = re.match(r"\[job [^\]]+\] \S*\$ (?P<cmd>.*)$", text) if inner else None
            limit = re.search(r"exceeded time limit of (\d+) seconds", text)
            if limit:
                job.time_limit = int(limit[1])
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


