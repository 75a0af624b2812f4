"""Resource planning: what each step asks for and what the whole workflow needs at once.

A pure pass over the IR that prints nothing (the CLI formats its result). Steps are laid out
in *stages*: a step starts in the stage after the last stage of every step it reads from, and
a subworkflow spans as many stages as its own layout (so nested steps land where they would
really run). At full parallelism every job of a stage runs at the same time: a scatter of N
items is N jobs (ceil(N/K) with `batch=K`), so a stage needs the sum of its jobs' cores, RAM
and GPUs. The critical path is the largest sum of time limits along a chain of dependent
steps (a batched job runs K items one after another).

Scatter widths are known when the scattered list is a workflow input whose value is given,
or the output of a scatter of known width; otherwise `default_width` is assumed and the step
is flagged. Steps without `Resources` get CWL's defaults (1 core, 256 MiB), also flagged.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from cwlgen.ir import Process, Source, Step, StepOutputRef, Tool, Workflow, WorkflowInputRef

DEFAULT_CORES = 1.0
DEFAULT_RAM_MIB = 256

# (scope, name) -> number of items: a workflow input ("", "reads") or a scattered step's
# output ("", "align/out"); scope is the path prefix of a subworkflow ("per_obs/")
Lengths = dict[tuple[str, str], int]


@dataclasses.dataclass(frozen=True, kw_only=True)
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


@dataclasses.dataclass(frozen=True, kw_only=True)
class Stage:
    """Steps that can all run at the same time, and the sum of what their jobs request."""

    index: int
    steps: tuple[str, ...]
    cores: float
    ram_mib: int
    gpus: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class Allocation:
    """One node allocation that runs the whole workflow at full parallelism (the numbers of a
    suggested `salloc` line): the widest stage's needs for the critical path's time."""

    cpus: int  # whole cores: fractional requests rounded up
    mem_mib: int  # at least 1
    gpus: int
    time_s: int | None  # None when no step on the critical path declares a time limit


@dataclasses.dataclass(frozen=True, kw_only=True)
class Plan:
    """The resource plan of one workflow (or tool): its steps, stages and critical path."""

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
        """The most cores any stage needs at once."""
        return max((s.cores for s in self.stages), default=0.0)

    @property
    def peak_ram_mib(self) -> int:
        """The most RAM any stage needs at once."""
        return max((s.ram_mib for s in self.stages), default=0)

    @property
    def peak_gpus(self) -> int:
        """The most GPUs any stage needs at once."""
        return max((s.gpus for s in self.stages), default=0)

    @property
    def allocation(self) -> Allocation | None:
        """One allocation that runs everything at once; None for a workflow without steps."""
        if self.peak is None:
            return None
        return Allocation(cpus=math.ceil(self.peak_cores), mem_mib=max(1, self.peak_ram_mib),
                          gpus=self.peak_gpus, time_s=self.critical_path_s or None)


@dataclasses.dataclass
class _Layout:
    """What laying out the steps collects, in the order steps are met."""

    needs: list[StepNeed] = dataclasses.field(default_factory=list)
    untimed: list[str] = dataclasses.field(default_factory=list)
    unknown: list[str] = dataclasses.field(default_factory=list)

    def add(self, need: StepNeed) -> None:
        """Record a tool step (and note it when it has no time limit)."""
        self.needs.append(need)
        if need.time_s is None:
            self.untimed.append(need.path)


def plan(root: Process, input_values: Mapping[str, Any] | None = None, *,
         default_width: int = 1) -> Plan:
    """The resource plan of `root`; `input_values` (workflow input -> value) give the lengths
    of scattered lists."""
    lengths: Lengths = {("", name): len(value) for name, value in (input_values or {}).items()
                        if isinstance(value, (list, tuple))}
    layout = _Layout()
    if isinstance(root, Tool):
        need = _need(root, root.name, 1, True, None, 1, 0)
        layout.add(need)
        chain: tuple[str, ...] = (root.name,)
        total = need.time_s or 0
    else:
        _depth, total, chain = _lay_out(root, "", 0, 1, lengths, default_width, layout)
    stages, needs = _stages(layout.needs)
    return Plan(
        name=root.name, steps=needs, stages=stages, critical_path_s=total,
        critical_path=chain, untimed=tuple(layout.untimed),
        unknown_widths=tuple(layout.unknown),
        defaults_used=tuple(n.path for n in needs if n.cores_default or n.ram_default),
    )


def _stages(needs: list[StepNeed]) -> tuple[tuple[Stage, ...], tuple[StepNeed, ...]]:
    """Group step needs by stage, numbering the stages 1, 2, ... without gaps."""
    by_stage: dict[int, list[StepNeed]] = {}
    for n in needs:
        by_stage.setdefault(n.stage, []).append(n)
    stages = tuple(
        Stage(index=i + 1, steps=tuple(n.path for n in ns),
              cores=sum(n.cores * n.jobs for n in ns),
              ram_mib=sum(n.ram_mib * n.jobs for n in ns),
              gpus=sum(n.gpus * n.jobs for n in ns))
        for i, (_, ns) in enumerate(sorted(by_stage.items()))
    )
    renumber = {old: i + 1 for i, old in enumerate(sorted(by_stage))}
    return stages, tuple(dataclasses.replace(n, stage=renumber[n.stage]) for n in needs)


def _need(tool: Tool, path: str, items: int, known: bool, batch: int | None,
          multiplier: int, stage: int) -> StepNeed:
    """What one job of a tool step requests, and how many of its jobs run at once."""
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


def _source_key(scope: str, source: Source) -> tuple[str, str]:
    """The `Lengths` key of a data source inside the (sub)workflow at `scope`."""
    if isinstance(source, WorkflowInputRef):
        return scope, source.name
    return scope, f"{source.step}/{source.output}"


def _width(step: Step, scope: str, lengths: Lengths, default_width: int) -> tuple[int, bool]:
    """(items, known) of a scattered step; (1, True) for a step that does not scatter."""
    sizes: list[int | None] = []
    for si in step.inputs:
        if not si.scattered:
            continue
        size: int | None = None
        if si.merge:
            size = len(si.sources)
        elif si.sources:
            size = lengths.get(_source_key(scope, si.sources[0]))
        elif isinstance(si.default, list):
            size = len(si.default)
        sizes.append(size)
    if not sizes:
        return 1, True
    known = [s for s in sizes if s is not None]
    if len(known) < len(sizes):
        return default_width, False
    if (step.scatter_method or "dotproduct") == "dotproduct":
        return known[0], True
    return math.prod(known), True


def _inner_lengths(step: Step, scope: str, path: str, lengths: Lengths) -> Lengths:
    """`lengths` plus the known list lengths a subworkflow step passes in whole (unscattered)."""
    inner = dict(lengths)
    for si in step.inputs:
        if si.sources and not si.scattered and len(si.sources) == 1:
            key = _source_key(scope, si.sources[0])
            if key in lengths:
                inner[(f"{path}/", si.name)] = lengths[key]
    return inner


# a chain of dependent steps: (sum of their time limits, their paths)
Chain = tuple[int, tuple[str, ...]]


def _lay_out(wf: Workflow, prefix: str, offset: int, multiplier: int, lengths: Lengths,
             default_width: int, layout: _Layout) -> tuple[int, int, tuple[str, ...]]:
    """Place `wf`'s steps from stage `offset`; (stages spanned, critical time, chain)."""
    end: dict[str, int] = {}
    finish: dict[str, Chain] = {}
    deepest = offset
    best: Chain = (0, ())
    for step in wf.steps:
        preds = {s.step for si in step.inputs for s in si.sources
                 if isinstance(s, StepOutputRef) and s.step in end}
        start = max([end[p] for p in preds], default=offset)
        before = max([finish[p] for p in preds], default=(0, ()),
                     key=lambda f: (f[0], len(f[1])))
        items, known = _width(step, prefix, lengths, default_width)
        path = f"{prefix}{step.id}"
        if step.scatter and not known:
            layout.unknown.append(path)
        if isinstance(step.process, Workflow):
            depth, time_s, chain = _lay_out(
                step.process, f"{path}/", start, multiplier * items,
                _inner_lengths(step, prefix, path, lengths), default_width, layout)
            end[step.id] = start + max(depth, 1)
            finish[step.id] = (before[0] + time_s, before[1] + chain)
        else:
            need = _need(step.process, path, items, known, step.batch, multiplier, start)
            layout.add(need)
            end[step.id] = start + 1
            finish[step.id] = (before[0] + (need.time_s or 0), (*before[1], path))
        if step.scatter and known:
            for out in step.process.outputs:
                lengths[(prefix, f"{step.id}/{out.name}")] = items
        deepest = max(deepest, end[step.id])
        if (finish[step.id][0], len(finish[step.id][1])) > (best[0], len(best[1])):
            best = finish[step.id]
    return deepest - offset, best[0], best[1]
