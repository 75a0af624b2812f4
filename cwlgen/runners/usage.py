"""What the jobs of a run used: CPU time and peak memory, from what each engine can give.

- cwltool reports nothing per job but "Max memory used" for jobs that ran over a second, so
  while it runs a `ProcessSampler` reads /proc (through psutil) every 0.1 s for every process
  below the engine, grouped by working directory; cwltool logs each job's directory with its
  command line (`[job count_2] /tmp/x1y2$ wc -w`), which ties the figures to the job.
  Jobs shorter than one sample are not measured, and CPU time is what the last sample saw
  (a lower bound by at most one interval).
- Toil measures every job itself (wall time, CPU time, peak memory, where it ran) when run
  with `--stats`, on one machine and through Slurm alike; `toil_stats` reads those records
  from the job store before it is deleted.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SAMPLE_INTERVAL = 0.1


@dataclass
class Usage:
    """What one job used, as far as it was measured."""

    cpu_s: float | None = None
    peak_mib: float | None = None
    start: float | None = None  # epoch seconds, when the measuring source knows it
    wall_s: float | None = None


class ProcessSampler:
    """Samples the processes below `pid` (not `pid` itself) until stopped; per working
    directory: CPU seconds of its processes and the largest total resident memory seen."""

    def __init__(self, pid: int, interval: float = SAMPLE_INTERVAL) -> None:
        self.pid = pid
        self.interval = interval
        self._cpu: dict[tuple[int, float], tuple[str, float]] = {}  # (pid, created) -> cwd, cpu
        self._peak: dict[str, float] = {}  # cwd -> MiB
        self._first: dict[str, float] = {}  # cwd -> epoch seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cwlgen-usage", daemon=True)

    def __enter__(self) -> ProcessSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        try:
            import psutil
        except ImportError:  # pragma: no cover - psutil comes with cwltool
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            self.sample(root)
            self._stop.wait(self.interval)

    def sample(self, root: object) -> None:
        """One pass over the process tree below `root` (a psutil.Process)."""
        import psutil

        assert isinstance(root, psutil.Process)
        try:
            children = root.children(recursive=True)
        except psutil.Error:
            return
        rss: dict[str, float] = {}
        now = time.time()
        for proc in children:
            try:
                with proc.oneshot():
                    cwd = proc.cwd()
                    times = proc.cpu_times()
                    memory = proc.memory_info().rss
                    created = proc.create_time()
            except psutil.Error:
                continue
            self._cpu[(proc.pid, created)] = (cwd, times.user + times.system)
            rss[cwd] = rss.get(cwd, 0.0) + memory / 2**20
            self._first.setdefault(cwd, now)
        for cwd, mib in rss.items():
            self._peak[cwd] = max(self._peak.get(cwd, 0.0), mib)

    def by_directory(self) -> dict[str, Usage]:
        """Usage per working directory (paths as the processes saw them)."""
        cpu: dict[str, float] = {}
        for cwd, seconds in self._cpu.values():
            cpu[cwd] = cpu.get(cwd, 0.0) + seconds
        return {cwd: Usage(cpu_s=cpu.get(cwd), peak_mib=self._peak.get(cwd),
                           start=self._first.get(cwd)) for cwd in self._peak}


# --- cwltool's log -------------------------------------------------------------------------

_JOB_DIR = re.compile(r"\[job (?P<job>[^\]]+)\] (?P<dir>/\S*)\$ ")
_MAX_MEMORY = re.compile(r"\[job (?P<job>[^\]]+)\] Max memory used: (?P<mib>\d+)MiB")


def cwltool_job_dirs(log_lines: Iterable[str]) -> dict[str, str]:
    """Job name -> the directory cwltool ran it in, from the command-line log lines."""
    found: dict[str, str] = {}
    for line in log_lines:
        m = _JOB_DIR.search(line)
        if m:
            found[m["job"]] = m["dir"].rstrip("/")
    return found


def cwltool_max_memory(log_lines: Iterable[str]) -> dict[str, float]:
    """Job name -> the peak memory cwltool logged for it (only jobs longer than a second)."""
    return {m["job"]: float(m["mib"]) for m in map(_MAX_MEMORY.search, log_lines) if m}


def cwltool_usage(log_lines: list[str], sampled: dict[str, Usage]) -> dict[str, Usage]:
    """Job name -> usage, joining the sampler's per-directory figures with the log."""
    dirs = cwltool_job_dirs(log_lines)
    logged = cwltool_max_memory(log_lines)
    out: dict[str, Usage] = {}
    for job, folder in dirs.items():
        seen = sampled.get(folder) or sampled.get(folder + "/")
        peak = max([v for v in (seen.peak_mib if seen else None, logged.get(job))
                    if v is not None], default=None)
        if seen is not None or peak is not None:
            out[job] = Usage(cpu_s=seen.cpu_s if seen else None, peak_mib=peak,
                             start=seen.start if seen else None)
    for job, mib in logged.items():
        out.setdefault(job, Usage(peak_mib=mib))
    return out


# --- Toil's statistics ---------------------------------------------------------------------

_TOIL_JOB_ID = re.compile(r"(kind-CWLJob/instance-\w+)")


def toil_stats(job_store: Path) -> dict[str, Usage]:
    """Toil job id (`kind-CWLJob/instance-...`) -> what Toil measured for that job, from the
    statistics files `--stats` leaves in a file job store."""
    out: dict[str, Usage] = {}
    stats = job_store / "stats"
    if not stats.is_dir():
        return out
    for path in sorted(p for p in stats.rglob("*") if p.is_file()):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        jobs = record.get("jobs") or []
        texts = [str(m.get("text", "")) for m in
                 (record.get("workers") or {}).get("logs_to_leader", [])]
        ids = list(dict.fromkeys(m.group(1) for t in texts for m in [_TOIL_JOB_ID.search(t)] if m))
        cwl_jobs = [j for j in jobs if str(j.get("class_name", "")).startswith("CWLJob")]
        for job, job_id in zip(cwl_jobs, ids):  # noqa: B905 - a worker may log fewer
            try:
                out[job_id] = Usage(cpu_s=float(job["clock"]),
                                    peak_mib=float(job["memory"]) / 1024,
                                    start=float(job["start"]), wall_s=float(job["time"]))
            except (KeyError, TypeError, ValueError):
                continue
    return out
