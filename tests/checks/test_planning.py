"""`cwlgen resources`: per-step requests and the whole workflow's needs at full parallelism."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Annotated

from cwlgen import Arg, File, Resources, stdout, tool, workflow
from cwlgen.compiler import compile
from cwlgen.checks.planning import plan


@tool("prep", resources=Resources(cores=2, ram="1 GiB", time_limit="10 min"))
def prep(ms: Annotated[File, Arg(position=1)]) -> Annotated[File, stdout("p")]:
    """Prepare one observation."""


@tool("image", resources=Resources(cores=4, ram="8 GiB", gpus=1, time_limit="1h"))
def image(ms: Annotated[File, Arg(position=1)]) -> Annotated[File, stdout("i")]:
    """Image one observation."""


@tool("calib", resources=Resources(cores=1, ram="512 MiB", time_limit="2 min"))
def calib(ms: Annotated[File, Arg(position=1)]) -> Annotated[File, stdout("c")]:
    """Calibrate quickly."""


@tool("combine")
def combine(images: Annotated[list[File], Arg(position=1)],
            extra: Annotated[list[File], Arg(position=2)]) -> Annotated[File, stdout("m")]:
    """Combine images (declares no resources)."""


@workflow
def per_obs(ms: File) -> File:
    return image(ms=prep(ms=ms))


@workflow
def survey(observations: list[File]) -> File:
    images = per_obs.map(ms=observations)
    quick = calib.map(ms=observations, batch=4)
    return combine(images=images, extra=quick)


def test_plan_with_known_scatter_width() -> None:
    p = plan(compile(survey).root, {"observations": ["a"] * 10})
    steps = {s.path: s for s in p.steps}
    assert set(steps) == {"per_obs/prep", "per_obs/image", "calib", "combine"}
    # stages: prep and calib start at once, image after prep, combine after both
    assert (steps["per_obs/prep"].stage, steps["calib"].stage) == (1, 1)
    assert steps["per_obs/image"].stage == 2 and steps["combine"].stage == 3
    # 10 observations: 10 prep jobs (inside the scattered subworkflow), calib batched by 4
    assert steps["per_obs/prep"].jobs == 10
    assert (steps["calib"].items, steps["calib"].jobs) == (10, 3)
    assert steps["calib"].time_s == 4 * 120  # a batch runs 4 items one after another
    assert steps["combine"].cores_default and steps["combine"].ram_mib == 256
    stage1, stage2, stage3 = p.stages
    assert stage1.cores == 10 * 2 + 3 * 1 and stage1.ram_mib == 10 * 1024 + 3 * 512
    assert (stage2.cores, stage2.ram_mib, stage2.gpus) == (40, 80 * 1024, 10)
    assert (p.peak_cores, p.peak_ram_mib, p.peak_gpus) == (40, 80 * 1024, 10)
    assert p.peak is stage2
    # critical path: prep (10 min) + image (1 h) + combine (untimed) beats calib (8 min)
    assert p.critical_path_s == 600 + 3600
    assert p.critical_path == ("per_obs/prep", "per_obs/image", "combine")
    assert p.untimed == ("combine",) and p.unknown_widths == ()


def test_unknown_scatter_width_is_assumed_and_flagged() -> None:
    p = plan(compile(survey).root, {}, default_width=2)
    assert set(p.unknown_widths) == {"per_obs", "calib"}
    steps = {s.path: s for s in p.steps}
    assert steps["per_obs/image"].jobs == 2 and not steps["calib"].width_known
    assert p.peak_cores == 8


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
