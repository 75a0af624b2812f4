"""Probes for the determinism run: the workflow with every step output (inside subworkflows
too, recursively) also exposed as an extra workflow output, so an ordinary engine run reports
all step outputs in its output object. This needs no engine internals, log parsing or
provenance bundles, and works with any CWL runner."""

from __future__ import annotations

from cwlgen.ir import Process, Step, StepOutputRef, Workflow, WorkflowOutput
from cwlgen.ir import types as t
from cwlgen.ir.frozen import evolve, frozen

PROBE_PREFIX = "cwlgen_probe_"


@frozen
class Probe:
    """One step output exposed as workflow output `name`."""

    name: str
    path: tuple[str, ...]  # step ids from the root workflow down to the step
    output: str


def _levels(step: Step) -> int:
    if not step.scatter:
        return 0
    return len(step.scatter) if step.scatter_method == "nested_crossproduct" else 1


def _wrap(tp: t.CwlType, levels: int) -> t.CwlType:
    for _ in range(levels):
        tp = t.Array(tp)
    return tp


def instrument(wf: Workflow) -> tuple[Workflow, list[Probe]]:
    """`wf` with every step output (recursively) also exposed as a workflow output."""
    memo: dict[str, tuple[Workflow, list[Probe]]] = {}
    return _instrument(wf, memo)


def _instrument(
    wf: Workflow, memo: dict[str, tuple[Workflow, list[Probe]]]
) -> tuple[Workflow, list[Probe]]:
    if wf.key in memo:
        return memo[wf.key]
    taken = {p.name for p in wf.inputs} | {o.name for o in wf.outputs} | {s.id for s in wf.steps}
    counter = 0

    def fresh() -> str:
        nonlocal counter
        while True:
            counter += 1
            name = f"{PROBE_PREFIX}{counter}"
            if name not in taken:
                taken.add(name)
                return name

    steps: list[Step] = []
    extra: list[WorkflowOutput] = []
    probes: list[Probe] = []
    for step in wf.steps:
        process: Process = step.process
        levels = _levels(step)
        if isinstance(process, Workflow):
            inner, inner_probes = _instrument(process, memo)
            step = evolve(step, process=inner)
            inner_types = {o.name: o.type for o in inner.outputs}
            for ip in inner_probes:
                name = fresh()
                tp = _wrap(inner_types[ip.name], levels)
                extra.append(WorkflowOutput(name=name, type=tp, source=StepOutputRef(
                    step=step.id, output=ip.name, type=tp)))
                probes.append(Probe(name=name, path=(step.id, *ip.path), output=ip.output))
        for port in process.outputs:
            name = fresh()
            tp = _wrap(port.type, levels)
            extra.append(WorkflowOutput(name=name, type=tp, source=StepOutputRef(
                step=step.id, output=port.name, type=tp)))
            probes.append(Probe(name=name, path=(step.id,), output=port.name))
        steps.append(step)
    result = evolve(wf, steps=tuple(steps), outputs=wf.outputs + tuple(extra))
    memo[wf.key] = (result, probes)
    return result, probes
