"""A networkx view of a workflow, built on demand: nodes are inputs, steps and outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cwlgen.ir.nodes import StepOutputRef, Workflow, WorkflowInputRef

if TYPE_CHECKING:
    import networkx as nx


def input_node(name: str) -> str:
    """The graph node of workflow input `name`."""
    return f"inputs/{name}"


def output_node(name: str) -> str:
    """The graph node of workflow output `name`."""
    return f"outputs/{name}"


def step_node(step_id: str) -> str:
    """The graph node of step `step_id`."""
    return f"steps/{step_id}"


def workflow_graph(wf: Workflow) -> nx.MultiDiGraph:
    """The dataflow DAG of `wf`; each edge carries the port names and source location."""
    import networkx as nx

    g = nx.MultiDiGraph(name=wf.name)
    for port in wf.inputs:
        g.add_node(input_node(port.name), kind="input", port=port)
    for step in wf.steps:
        g.add_node(step_node(step.id), kind="step", step=step)
    for out in wf.outputs:
        g.add_node(output_node(out.name), kind="output", output=out)

    def source_node(source: WorkflowInputRef | StepOutputRef) -> str:
        if isinstance(source, WorkflowInputRef):
            return input_node(source.name)
        return step_node(source.step)

    for step in wf.steps:
        for step_input in step.inputs:
            for source in step_input.sources:
                g.add_edge(
                    source_node(source),
                    step_node(step.id),
                    sink=step_input.name,
                    source=source,
                    loc=step_input.loc,
                )
    for out in wf.outputs:
        for source in out.sources:
            g.add_edge(source_node(source), output_node(out.name), sink=out.name,
                       source=source, loc=out.loc)
    return g
