"""Resource planning: what each step asks for and what the whole workflow needs at once.

A pure pass over the IR. Steps are laid out in *stages*: a step starts in the stage after the
last stage of every step it reads from, and a subworkflow spans as many stages as its own
layout (so nested steps land where they would really run). At full parallelism every job of a
stage runs at the same time: a scatter of N items is N jobs (ceil(N/K) with `batch=K`), so a
stage needs the sum of its jobs' cores, RAM and GPUs. The critical path is the largest sum of
time limits along a chain of dependent steps (a batched job runs K items one after another).

Scatter widths are known when the scattered list is a workflow input whose value is given,
or the output of a scatter of known width; otherwise `default_width` is assumed and the step
is flagged. Steps without `Resources` get CWL's defaults (1 core, 256 MiB), also flagged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs

from cwlgen.ir import Process, Step, StepOutputRef, Tool, Workflow, WorkflowInputRef

DEFAULT_CORES = 1.0
DEFAULT_RAM_MIB = 256


@attrs.frozen(kw_only=True)
class StepNeed:
    """One tool step: what one of its jobs requests, and how many of its jobs run at once."""

    path: str
    tool: str
    cores: float
    cores_default: bool
    ram_mib: int
    ram_default: bool
    gpus: int
    time_s: int | None  # per job (a batched job: K x the tool's limit)
    items: int  # scatter width (items), 1 if not scattered
    width_known: bool
    batch: int | None
    jobs: int  # jobs at once: ceil(items / batch), times enclosing scatter widths
    stage: int


@attrs.frozen(kw_only=True)
class Stage:
    index: int
    steps: tuple[str, ...]
    cores: float
    ram_mib: int
    gpus: int


@attrs.frozen(kw_only=True)
class Plan:
    name: str
    steps: tuple[StepNeed, ...]
    stages: tuple[Stage, ...]
    critical_path_s: int
    critical_path: tuple[str, ...]
    untimed: tuple[str, ...]
    unknown_widths: tuple[str, ...]
    defaults_used: tuple[str, ...]

    @property
    def peak(self) -> Stage | None:
        """The stage needing the most cores (then RAM)."""
        if not self.stages:
            return None
        return max(self.stages, key=lambda s: (s.cores, s.ram_mib, -s.index))

    @property
    def peak_cores(self) -> float:
        return max((s.cores for s in self.stages), default=0.0)

    @property
    def peak_ram_mib(self) -> int:
        return max((s.ram_mib for s in self.stages), default=0)

    @property
    def peak_gpus(self) -> int:
        return max((s.gpus for s in self.stages), default=0)

    def to_json(self) -> dict[str, Any]:
        return {
            "workflow": self.name,
            "steps": [attrs.asdict(s) for s in self.steps],
            "stages": [attrs.asdict(s) for s in self.stages],
            "peak": {"cores": self.peak_cores, "ram_mib": self.peak_ram_mib,
                     "gpus": self.peak_gpus,
                     "stage": self.peak.index if self.peak else None},
            "critical_path": {"seconds": self.critical_path_s, "steps": list(self.critical_path)},
            "untimed_steps": list(self.untimed),
            "unknown_scatter_widths": list(self.unknown_widths),
            "cwl_default_resources": list(self.defaults_used),
        }


@attrs.define
class _Layout:
    needs: list[StepNeed] = attrs.field(factory=list)
    untimed: list[str] = attrs.field(factory=list)
    unknown: list[str] = attrs.field(factory=list)


def plan(root: Process, input_values: Mapping[str, Any] | None = None, *,
         default_width: int = 1) -> Plan:
    """The resource plan of `root`; `input_values` (workflow input -> value) give the lengths
    of scattered lists."""
    lengths: dict[tuple[str, str], int] = {}
    for name, value in (input_values or {}).items():
        if isinstance(value, (list, tuple)):
            lengths[("", name)] = len(value)
    layout = _Layout()
    if isinstance(root, Tool):
        need = _need(root, root.name, 1, True, None, 1, 0)
        layout.needs.append(need)
        if need.time_s is None:
            layout.untimed.append(need.path)
        chain: tuple[str, ...] = (root.name,)
        total = need.time_s or 0
    else:
        _depth, total, chain = _lay_out(root, "", 0, 1, lengths, default_width, layout)
    stages: dict[int, list[StepNeed]] = {}
    for n in layout.needs:
        stages.setdefault(n.stage, []).append(n)
    stage_list = tuple(
        Stage(index=i + 1, steps=tuple(n.path for n in ns),
              cores=sum(n.cores * n.jobs for n in ns),
              ram_mib=sum(n.ram_mib * n.jobs for n in ns),
              gpus=sum(n.gpus * n.jobs for n in ns))
        for i, (_, ns) in enumerate(sorted(stages.items()))
    )
    renumber = {old: i + 1 for i, old in enumerate(sorted(stages))}
    needs = tuple(attrs.evolve(n, stage=renumber[n.stage]) for n in layout.needs)
    return Plan(
        name=root.name, steps=needs, stages=stage_list, critical_path_s=total,
        critical_path=chain, untimed=tuple(layout.untimed),
        unknown_widths=tuple(layout.unknown),
        defaults_used=tuple(n.path for n in needs if n.cores_default or n.ram_default),
    )


def _need(tool: Tool, path: str, items: int, known: bool, batch: int | None,
          multiplier: int, stage: int) -> StepNeed:
    res = tool.resources
    cores = res.cores if res is not None and res.cores is not None else None
    ram = res.ram_mib if res is not None and res.ram_mib is not None else None
    limit = res.time_limit_s if res is not None else None
    per_job = batch if batch else 1
    jobs = math.ceil(items / batch) if batch else items
    return StepNeed(
        path=path, tool=tool.name,
        cores=float(cores) if cores is not None else DEFAULT_CORES, cores_default=cores is None,
        ram_mib=ram if ram is not None else DEFAULT_RAM_MIB, ram_default=ram is None,
        gpus=res.gpus if res is not None else 0,
        time_s=limit * min(per_job, items) if limit is not None else None,
        items=items, width_known=known, batch=batch, jobs=jobs * multiplier, stage=stage,
    )


def _width(step: Step, scope: str, lengths: dict[tuple[str, str], int],
           default_width: int) -> tuple[int, bool]:
    """(items, known) of a scattered step."""
    sizes: list[int | None] = []
    for si in step.inputs:
        if not si.scattered:
            continue
        size: int | None = None
        if si.merge:
            size = len(si.sources)
        elif si.sources:
            src = si.sources[0]
            if isinstance(src, WorkflowInputRef):
                size = lengths.get((scope, src.name))
            elif isinstance(src, StepOutputRef):
                size = lengths.get((scope, f"{src.step}/{src.output}"))
        elif isinstance(si.default, list):
            size = len(si.default)
        sizes.append(size)
    if not sizes:
        return 1, True
    if any(s is None for s in sizes):
        return default_width, False
    known = [s for s in sizes if s is not None]
    if (step.scatter_method or "dotproduct") == "dotproduct":
        return known[0], True
    return math.prod(known), True


def _lay_out(wf: Workflow, prefix: str, offset: int, multiplier: int,
             lengths: dict[tuple[str, str], int], default_width: int,
             layout: _Layout) -> tuple[int, int, tuple[str, ...]]:
    """Place `wf`'s steps from stage `offset`; (stages spanned, critical time, chain)."""
    end: dict[str, int] = {}
    finish: dict[str, tuple[int, tuple[str, ...]]] = {}
    scope = prefix
    deepest = offset
    best: tuple[int, tuple[str, ...]] = (0, ())
    for step in wf.steps:
        preds = {s.step for si in step.inputs for s in si.sources
                 if isinstance(s, StepOutputRef) and s.step in end}
        start = max([end[p] for p in preds], default=offset)
        before = max([finish[p] for p in preds], default=(0, ()),
                     key=lambda f: (f[0], len(f[1])))
        items, known = _width(step, scope, lengths, default_width)
        path = f"{prefix}{step.id}"
        if step.scatter and not known:
            layout.unknown.append(path)
        if isinstance(step.process, Workflow):
            inner_lengths = dict(lengths)
            for si in step.inputs:
                if si.sources and not si.scattered and len(si.sources) == 1:
                    src = si.sources[0]
                    key = (scope, src.name if isinstance(src, WorkflowInputRef)
                           else f"{src.step}/{src.output}")
                    if key in lengths:
                        inner_lengths[(f"{path}/", si.name)] = lengths[key]
            depth, time_s, chain = _lay_out(step.process, f"{path}/", start,
                                            multiplier * items, inner_lengths, default_width,
                                            layout)
            end[step.id] = start + max(depth, 1)
            finish[step.id] = (before[0] + time_s, before[1] + chain)
        else:
            need = _need(step.process, path, items, known, step.batch, multiplier, start)
            layout.needs.append(need)
            if need.time_s is None:
                layout.untimed.append(path)
            end[step.id] = start + 1
            finish[step.id] = (before[0] + (need.time_s or 0), (*before[1], path))
        if step.scatter and known:
            for out in step.process.outputs:
                lengths[(scope, f"{step.id}/{out.name}")] = items
        deepest = max(deepest, end[step.id])
        if (finish[step.id][0], len(finish[step.id][1])) > (best[0], len(best[1])):
            best = finish[step.id]
    return deepest - offset, best[0], best[1]


# --- text rendering -----------------------------------------------------------------------

def human_mib(mib: float) -> str:
    if mib >= 1024 and mib % 1024 == 0:
        return f"{int(mib // 1024)} GiB"
    if mib >= 1024:
        return f"{mib / 1024:.1f} GiB"
    return f"{int(mib)} MiB"


def human_seconds(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}h{m:02d}m" if not s else f"{h}h{m:02d}m{s:02d}s"
    if m:
        return f"{m}m{s:02d}s" if s else f"{m}m"
    return f"{s}s"


def slurm_time(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


def _cores(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def cores_text(value: float) -> str:
    return f"{_cores(value)} core{'' if value == 1 else 's'}"
