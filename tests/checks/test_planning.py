"""The planning pass: per-step requests, stages, the whole workflow's needs at full
parallelism, the critical path and the one allocation that runs it all."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from typing import Annotated

from cwlgen import Arg, File, Resources, stdout, tool, workflow
from cwlgen.checks.planning import Allocation, plan
from cwlgen.compiler import compile


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
    assert p.allocation == Allocation(cpus=40, mem_mib=80 * 1024, gpus=10, time_s=4200)


def test_allocation_rounds_fractional_cores_up_and_has_no_time_without_limits() -> None:
    @tool("light", resources=Resources(cores=0.5, ram="100 MiB"))
    def light(ms: Annotated[File, Arg(position=1)]) -> Annotated[File, stdout("l")]:
        """Needs half a core and no time limit."""

    @workflow
    def fan(observations: list[File]) -> list[File]:
        return light.map(ms=observations)

    p = plan(compile(fan).root, {"observations": ["a"] * 3})
    assert p.peak_cores == 1.5 and p.critical_path_s == 0
    assert p.allocation == Allocation(cpus=2, mem_mib=300, gpus=0, time_s=None)


def test_unknown_scatter_width_is_assumed_and_flagged() -> None:
    p = plan(compile(survey).root, {}, default_width=2)
    assert set(p.unknown_widths) == {"per_obs", "calib"}
    steps = {s.path: s for s in p.steps}
    assert steps["per_obs/image"].jobs == 2 and not steps["calib"].width_known
    assert p.peak_cores == 8
