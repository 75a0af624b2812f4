"""`cwlgen.run(..., report=FILE)` / `cwlgen run --report FILE` under cwltool: one
self-contained HTML page with a bar per job on a timeline, the resources each step asked for
against what its jobs used (CPU time and peak memory sampled from /proc), and for a failure its
command line and stderr tail. The page is opened in headless Chromium as a person would and
its screenshot checked for the bars."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

import cwlgen
from cwlgen.runners.html_report import JobBar, ReportData, StepRow, lanes, render_html
from tests.runners import report_workflows as rw

REPO = Path(__file__).resolve().parents[2]
GREEN, RED = (46, 125, 50), (198, 40, 40)  # the report's colours for ran / failed


class _Rects(HTMLParser):
    """The job bars of a report page: (step, status) of every <rect class="job ...">."""

    def __init__(self) -> None:
        super().__init__()
        self.bars: list[tuple[str, str]] = []
        self.steps: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "rect" and (a.get("class") or "").startswith("job "):
            self.bars.append((a.get("data-step") or "", (a.get("class") or "").split()[1]))
        if tag == "tr" and a.get("data-step"):
            self.steps.append(a["data-step"] or "")


def bars_of(page: str) -> _Rects:
    parser = _Rects()
    parser.feed(page)
    return parser


def open_in_chromium(page: Path, png: Path) -> str:
    """Screenshot `page` and return its DOM as Chromium built it."""
    from needs import missing

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        missing("Chromium is not installed (Debian: apt-get install chromium)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars"]
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([str(browser), *flags, f"--user-data-dir={profile}",
                        f"--screenshot={png}", "--window-size=1300,1100", page.as_uri()],
                       capture_output=True, timeout=120, check=True)
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run([str(browser), *flags, f"--user-data-dir={profile}",
                              "--dump-dom", page.as_uri()],
                             capture_output=True, text=True, timeout=120, check=True).stdout
    return dom


def share_of(png: Path, rgb: tuple[int, int, int]) -> float:
    import numpy as np
    from PIL import Image

    with Image.open(png) as im:
        pixels = np.asarray(im.convert("RGB"), dtype=np.int16)
    close = np.all(np.abs(pixels - np.array(rgb, dtype=np.int16)) <= 6, axis=-1)
    return float(close.mean())


def assert_self_contained(page: str) -> None:
    assert "<script" not in page
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)
    assert "@import" not in page and "url(" not in page


def test_a_failed_run_leaves_a_report_with_every_job_and_the_failure(in_tmp_cwd: Path) -> None:
    report = in_tmp_cwd / "reports" / "run.html"
    with pytest.raises(cwlgen.RunError):
        cwlgen.run(rw.burn_then_explode, ns=[1, 2, 3], report=report, progress=False)
    page = report.read_text()
    assert_self_contained(page)
    found = bars_of(page)
    assert sorted(found.bars) == [("burn", "done")] * 3 + [("explode", "failed"),
                                                            ("total", "done")]
    assert found.steps == ["burn", "total", "explode"]
    assert '<span class="badge bad">failed</span>' in page
    # what the failed job ran and what it said
    failure = page[page.index("<h2>Failures</h2>"):]
    assert "python3 -B _cwlgen_shim.py explode" in failure
    assert "ValueError: no good: 14" in failure and "exit code 1" in failure
    # asked for against used: burn declared 1 core and 256 MiB; each job ran ~0.6 s of CPU
    # and held 64 MiB, which the /proc sampler saw
    burn_row = page[page.index('<tr data-step="burn">'):].split("</tr>")[0]
    assert "1 core, 256 MiB" in burn_row and "3 items over n" in burn_row
    cpu = float(re.search(r"CPU (\d+\.\d+) s", burn_row).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"peak (\d+) MiB", burn_row).group(1))  # type: ignore[union-attr]
    assert 1.0 < cpu < 3.0  # 3 x ~0.6 s, sampled (a lower bound)
    assert 64 < peak < 256
    # the page as a person sees it: bars drawn, the step names there
    png = in_tmp_cwd / "report.png"
    dom = open_in_chromium(report, png)
    for step in ("burn", "total", "explode"):
        assert f">{step}</text>" in dom
    assert share_of(png, GREEN) > 0.0005 and share_of(png, RED) > 0.0002


def test_the_command_line_writes_the_report(in_tmp_cwd: Path) -> None:
    module = REPO / "tests" / "runners" / "report_workflows.py"
    proc = subprocess.run(
        [sys.executable, "-m", "cwlgen", "run", f"{module}:burn_all", "-i", "ns=[2, 3]",
         "--report", "r.html", "--progress", "plain"],
        capture_output=True, text=True, timeout=300, cwd=in_tmp_cwd)
    assert proc.returncode == 0, proc.stderr
    assert f"[cwlgen] run report: {in_tmp_cwd / 'r.html'}" in proc.stderr
    assert sorted(bars_of((in_tmp_cwd / "r.html").read_text()).bars) == [
        ("burn", "done"), ("burn", "done"), ("total", "done")]


def test_a_rerun_from_the_cache_shows_cache_hits(in_tmp_cwd: Path) -> None:
    cwlgen.run(rw.burn_all, ns=[4, 5], cache="cache", progress=False)
    cwlgen.run(rw.burn_all, ns=[4, 5], cache="cache", report="again.html", progress=False)
    page = (in_tmp_cwd / "again.html").read_text()
    assert sorted(bars_of(page).bars) == [("burn", "cached"), ("burn", "cached"),
                                          ("total", "cached")]
    assert "3 (3 from the cache, 0 failed)" in page


def test_jobs_are_packed_into_as_few_rows_as_ran_at_once() -> None:
    def job(name: str, start: float, end: float) -> JobBar:
        return JobBar(name=name, step="s", status="done", start=start, end=end)

    rows = lanes([job("a", 0, 2), job("b", 1, 3), job("c", 2, 4), job("d", 3.5, 5)])
    assert [[j.name for j in row] for row in rows] == [["a", "c"], ["b", "d"]]


def test_engine_chatter_is_shown_only_for_a_failed_run() -> None:
    data = ReportData(title="wf", runner="cwltool", success=True, started_at=0.0,
                      duration=1.0, steps=(), jobs=(), errors=("Gridding pass 0...",))
    assert "Gridding" not in render_html(data) and "Failures" not in render_html(data)
    failed = ReportData(title="wf", runner="cwltool", success=False, started_at=0.0,
                        duration=1.0, steps=(), jobs=(), errors=("workflow cannot start",))
    assert "The engine also said" in render_html(failed)


def test_batches_and_unmeasured_jobs_are_said_as_such() -> None:
    row = StepRow(key="score", tool="python: score()", status="done", jobs=3, jobs_done=3,
                  jobs_cached=0, jobs_failed=0, scatter=("cand",), width=120, batch=50,
                  cores=None, ram_mib=None)
    data = ReportData(title="sift", runner="cwltool", success=True, started_at=0.0,
                      duration=1.0, steps=(row,), jobs=())
    page = render_html(data)
    assert "120 items over cand, batches of 50" in page
    assert "nothing declared (CWL&#x27;s default: 1 core, 256 MiB)" in page
    assert "CPU and memory not measured" in page
    assert "no job ran in this run" in page


def test_toil_is_asked_for_statistics_only_for_a_report(tmp_path: Path) -> None:
    from cwlgen.runners.command_lines import toil_argv

    plain = toil_argv(tmp_path / "wf.cwl", tmp_path / "job.json", tmp_path / "out",
                      job_store=tmp_path / "store", keep_store_on_failure=True,
                      extra_args=["--clean", "always"])  # the user's, passed through as given
    assert "--stats" not in plain and plain[plain.index("--clean", 2) + 1] == "onSuccess"
    reported = toil_argv(tmp_path / "wf.cwl", tmp_path / "job.json", tmp_path / "out",
                         job_store=tmp_path / "store", stats=True,
                         extra_args=["--clean", "always"])
    assert "--stats" in reported
    assert reported[:2] == [reported[0], "--clean"] and reported[2] == "always"
    assert reported[reported.index("--clean", 2) + 1] == "never"
