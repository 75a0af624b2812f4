"""Graph checks over the networkx view: cycles, unused step outputs, and conflicting
in-place updates (one step modifies a File/Directory that another step also reads).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cwlgen.ir import Step, StepOutputRef, Workflow, WorkflowInputRef
from cwlgen.ir.diagnostics import Diagnostic, Note, diag
from cwlgen.ir.graph import step_node, workflow_graph

if TYPE_CHECKING:
    import networkx as nx


def _ordered(g: nx.MultiDiGraph, a: str, b: str, nx_module: Any) -> bool:
    """Whether the data flow forces steps `a` and `b` to run one after the other."""
    na, nb = step_node(a), step_node(b)
    if not nx_module.is_directed_acyclic_graph(g):
        return False
    return bool(nx_module.has_path(g, na, nb) or nx_module.has_path(g, nb, na))


def _sources_precede(wf: Workflow) -> bool:
    """True when every step only reads steps recorded before it: then the graph is acyclic
    (always so for traced workflows), checked in O(edges) without building a graph."""
    seen: set[str] = set()
    for step in wf.steps:
        for step_input in step.inputs:
            for source in step_input.sources:
                if isinstance(source, StepOutputRef) and source.step not in seen:
                    return False
        seen.add(step.id)
    return True


def check_graph(wf: Workflow) -> list[Diagnostic]:
    """Graph problems of one workflow: cycles, unused step outputs, in-place conflicts."""
    problems: list[Diagnostic] = []
    if not _sources_precede(wf):
        problems += _cycles(wf)
    problems += _unused_outputs(wf)
    problems += _inplace_conflicts(wf)
    return problems


def _cycles(wf: Workflow) -> list[Diagnostic]:
    import networkx as nx

    problems: list[Diagnostic] = []
    g = workflow_graph(wf)
    if not nx.is_directed_acyclic_graph(g):
        cycle = nx.find_cycle(g)
        path = " -> ".join(str(u).split("/", 1)[-1] for u, *_ in cycle)
        first = g.nodes[cycle[0][0]].get("step")
        problems.append(diag("CG304", first.loc if first else wf.loc, path=path))
    return problems


def _unused_outputs(wf: Workflow) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    used: set[tuple[str, str]] = set()
    for step in wf.steps:
        for step_input in step.inputs:
            for source in step_input.sources:
                if isinstance(source, StepOutputRef):
                    used.add((source.step, source.output))
    for out in wf.outputs:
        for source in out.sources:
            if isinstance(source, StepOutputRef):
                used.add((source.step, source.output))
    for step in wf.steps:
        for port in step.process.outputs:
            if (step.id, port.name) not in used:
                problems.append(diag("CG302", step.loc, output=port.name, step=step.id))
    return problems


def _source_key(source: WorkflowInputRef | StepOutputRef) -> tuple[str, ...]:
    if isinstance(source, WorkflowInputRef):
        return ("input", source.name)
    return ("step", source.step, source.output)


def _inplace_conflicts(wf: Workflow) -> list[Diagnostic]:
    """A step updating a value in place conflicts with another step reading the same value
    unless the data flow already orders the two (one is an ancestor of the other)."""
    graph: list[nx.MultiDiGraph] = []  # built only if a candidate conflict shows up

    def ordered(a: str, b: str) -> bool:
        import networkx as nx

        if not graph:
            graph.append(workflow_graph(wf))
        return _ordered(graph[0], a, b, nx)

    readers: dict[tuple[str, ...], list[Step]] = {}
    for step in wf.steps:
        for step_input in step.inputs:
            for source in step_input.sources:
                readers.setdefault(_source_key(source), []).append(step)
    problems = []
    for step in wf.steps:
        for step_input in step.inputs:
            param = step.process.input(step_input.name)
            if param is None or param.staging is None or not param.staging.inplace:
                continue
            for source in step_input.sources:
                for other in readers.get(_source_key(source), []):
                    if other.id == step.id or ordered(step.id, other.id):
                        continue
                    what = (f"workflow input '{source.name}'"
                            if isinstance(source, WorkflowInputRef)
                            else f"output '{source.output}' of step '{source.step}'")
                    problems.append(diag(
                        "CG303", step.loc, step=step.id, what=what, other=other.id,
                        notes=(Note(message=f"step '{other.id}' reads it here", loc=other.loc),)))
    return problems
