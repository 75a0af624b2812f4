"""`cwlgen resources`, run as a user runs it: the per-step table, the summary with the
suggested allocation, and the same plan as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from cwlgen.checks.planning import Allocation
from cwlgen.cli.resources_report import human_mib, human_seconds, salloc_line

FLOW = textwrap.dedent('''
    from typing import Annotated
    from cwlgen import Arg, File, Resources, stdout, tool, workflow

    @tool("align", resources=Resources(cores=8, ram="16 GiB", time_limit="90 min"))
    def align(reads: Annotated[File, Arg(position=1)]) -> Annotated[File, stdout("a")]:
        """Align reads."""

    @tool("merge", resources=Resources(cores=2, ram="4 GiB", time_limit="20 min"))
    def merge(parts: Annotated[list[File], Arg(position=1)]) -> Annotated[File, stdout("m")]:
        """Merge."""

    @workflow
    def pipeline(reads: list[File]) -> File:
        return merge(parts=align.map(reads=reads))
''')


def test_cli_text_and_json(tmp_path: Path) -> None:
    (tmp_path / "flow.py").write_text(FLOW)
    (tmp_path / "job.yml").write_text("reads: [a.fq, b.fq, c.fq]\n")
    cmd = [sys.executable, "-m", "cwlgen", "resources", "flow.py:pipeline", "job.yml"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "stage 1: 24 cores, 48 GiB  (align)" in out
    assert "Peak (widest stage, 1): 24 cores, 48 GiB RAM, 0 GPUs" in out
    assert "Critical path: 1h50m (align -> merge)" in out
    assert "salloc -N1 --cpus-per-task=24 --mem=49152M --time=1:50:00" in out
    proc = subprocess.run([*cmd, "--format", "json"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    data = json.loads(proc.stdout)
    assert data["peak"] == {"cores": 24.0, "ram_mib": 49152, "gpus": 0, "stage": 1}
    assert data["critical_path"] == {"seconds": 6600, "steps": ["align", "merge"]}
    assert [s["jobs"] for s in data["steps"]] == [3, 1]
    # without inputs the scatter width is unknown: assumed 1 and flagged
    proc = subprocess.run([sys.executable, "-m", "cwlgen", "resources", "flow.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "scatter width unknown" in proc.stdout and "stage 1: 8 cores" in proc.stdout


def test_units_and_salloc_line() -> None:
    assert [human_mib(m) for m in (512, 8192, 1536)] == ["512 MiB", "8 GiB", "1.5 GiB"]
    assert [human_seconds(s) for s in (None, 45, 600, 6600, 3725)] == [
        "-", "45s", "10m", "1h50m", "1h02m05s"]
    assert salloc_line(Allocation(cpus=40, mem_mib=81920, gpus=10, time_s=4200)) == (
        "salloc -N1 --cpus-per-task=40 --mem=81920M --gres=gpu:10 --time=1:10:00")
    assert salloc_line(Allocation(cpus=2, mem_mib=300, gpus=0, time_s=None)) == (
        "salloc -N1 --cpus-per-task=2 --mem=300M")
