"""Run reports under Toil, on one machine and through Slurm: every job on the timeline with
the time it waited for the batch system, and Toil's own per-job CPU time and peak memory
(`--stats`, read from the job store before it is deleted)."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

import cwlgen
from tests.runners import report_workflows as rw
from tests.runners.test_run_report import assert_self_contained, bars_of

pytestmark = [pytest.mark.toil, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _toil_installed() -> None:
    from needs import missing

    if not (Path(sys.executable).parent / "toil-cwl-runner").exists() and not shutil.which(
            "toil-cwl-runner"):
        missing("toil-cwl-runner is not installed (pip install 'cwlgen[toil]')")


def check_toil_report(page: str, runner: str) -> None:
    assert_self_contained(page)
    assert f"<dd>{runner}</dd>" in page
    assert sorted(bars_of(page).bars) == [("burn", "done"), ("burn", "done"), ("total", "done")]
    assert page.count('class="queued"') == 3  # issued, then started: drawn lighter
    burn_row = page[page.index('<tr data-step="burn">'):].split("</tr>")[0]
    cpu = float(re.search(r"CPU (\d+\.\d+) s", burn_row).group(1))  # type: ignore[union-attr]
    assert 1.1 < cpu < 3.0  # 2 jobs x 0.6 s of CPU, as Toil measured them
    assert re.search(r"peak \d+ MiB", burn_row)
    assert "Toil&#x27;s own statistics" in page


def test_toil_single_machine_report(in_tmp_cwd: Path) -> None:
    assert cwlgen.run(rw.burn_all, runner="toil", ns=[2, 3], report="toil.html",
                      progress=False) == 13
    check_toil_report((in_tmp_cwd / "toil.html").read_text(), "toil (single_machine)")
    assert not list(in_tmp_cwd.glob(".cwlgen/build/*/toil.jobstore"))  # still cleaned up


@pytest.mark.slurm
def test_toil_slurm_report(in_tmp_cwd: Path) -> None:
    from needs import need_slurm

    need_slurm()
    assert cwlgen.run(rw.burn_all, runner="toil", batch_system="slurm", ns=[2, 3],
                      report="slurm.html", progress=False) == 13
    check_toil_report((in_tmp_cwd / "slurm.html").read_text(), "toil (slurm)")
