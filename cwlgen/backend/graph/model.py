"""IR -> the neutral picture of a workflow (`GraphModel`), which the DOT and Mermaid writers
turn into text.

Workflow inputs and outputs are nodes; steps are nodes labelled with the step id and what runs
(`$ wc -w`, `python: peak()`, `workflow: rank`), scattered steps say what they scatter over,
conditional steps carry their condition; subworkflows are clusters with their own inputs,
steps and outputs down to `depth` levels (deeper ones are one node). Edges say only what no
node says (`output -> parameter`) and, on request, the type that flows. Only ids and text from
the IR are used, in IR order, so the pictures are byte-stable.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from cwlgen.backend.signature import python_type
from cwlgen.ir import NO_DEFAULT, Process, Source, Step, StepOutputRef, Tool, Workflow
from cwlgen.ir.frozen import frozen
from cwlgen.ir.types import CwlType

NodeKind = Literal["input", "output", "tool", "task", "workflow", "port"]


@frozen(kw_only=True)
class GraphOptions:
    """What to draw. `depth` is how many levels of subworkflows are expanded as clusters
    (0: every subworkflow is one box); `types` puts the CWL type on each edge."""

    depth: int = 1
    types: bool = False
    direction: Literal["TB", "LR"] = "TB"


@frozen(kw_only=True)
class Node:
    id: str
    kind: NodeKind
    title: str
    details: tuple[str, ...] = ()
    scatter: bool = False
    condition: str | None = None


@frozen(kw_only=True)
class Edge:
    source: str
    target: str
    label: str = ""
    condition: bool = False  # feeds only a step's condition (CWL `when`), not a parameter


@frozen(kw_only=True)
class Cluster:
    """An expanded subworkflow step: its own inputs, steps, outputs and nested clusters."""

    id: str
    title: str
    details: tuple[str, ...] = ()
    scatter: bool = False
    condition: str | None = None
    nodes: tuple[Node, ...] = ()
    clusters: tuple[Cluster, ...] = ()


@frozen(kw_only=True)
class GraphModel:
    name: str
    nodes: tuple[Node, ...]
    clusters: tuple[Cluster, ...]
    edges: tuple[Edge, ...]


def step_condition(step: Step) -> str | None:
    """The condition of a conditional step (CWL `when`) as a person reads it, or None:
    `$(inputs.n > 2)` is shown as `n > 2`; other expressions as written.

    Read defensively, so the IR may carry it as text or as an object with an `expression`
    (or any `str()`), under the attribute `when`."""
    when = getattr(step, "when", None)
    if when is None:
        return None
    text = next((v for v in (getattr(when, a, None) for a in ("text", "expression"))
                 if isinstance(v, str) and v), str(when))
    match = re.fullmatch(r"\$\((.*)\)", text.strip(), flags=re.DOTALL)
    if match and "$(" not in match.group(1):
        return re.sub(r"\binputs\.", "", match.group(1))
    return text


def _command(tool: Tool) -> str:
    words = list(tool.base_command) + [a.value for a in tool.arguments if a.binding is None]
    text = " ".join(words)
    return text if len(text) <= 40 else text[:37] + "..."


def what_runs(process: Process) -> str:
    """One line saying what a step runs: a command, a Python function or a workflow."""
    if isinstance(process, Workflow):
        return f"workflow: {process.name}"
    if process.python is not None:
        return f"python: {process.python.function}()"
    return f"$ {_command(process)}" if process.base_command else f"tool: {process.name}"


def _literal(value: Any) -> str:
    text = repr(value) if not isinstance(value, dict) else "{...}"
    return text if len(text) <= 24 else text[:21] + "..."


def _scatter_details(step: Step) -> tuple[str, ...]:
    if not step.scatter:
        return ()
    method = step.scatter_method or "dotproduct"
    line = f"scatter {', '.join(step.scatter)}"
    if len(step.scatter) > 1:
        line += f" ({method})"
    lines = [line]
    if step.batch is not None:
        lines.append(f"batches of {step.batch}")
    return tuple(lines)


def _step_details(step: Step) -> tuple[str, ...]:
    lines = [what_runs(step.process)]
    lines += _scatter_details(step)
    for inp in step.inputs:
        if not inp.sources and inp.default is not NO_DEFAULT:
            lines.append(f"{inp.name} = {_literal(inp.default)}")
    condition = step_condition(step)
    if condition is not None:
        lines.append(f"when {condition}")
    return tuple(lines)


def _type_text(t: CwlType) -> str:
    """Types as the Python annotations the user wrote (`list[File]`, `int | None`)."""
    return python_type(t)


def _edge_label(output: str | None, parameter: str | None) -> str:
    """`output → parameter`, shortened when the names agree or one end is already named."""
    if output and parameter and output != parameter:
        return f"{output} → {parameter}"
    return parameter or output or ""


class _Builder:
    def __init__(self, options: GraphOptions) -> None:
        self.options = options
        self.edges: list[Edge] = []

    def workflow(self, wf: Workflow, prefix: str, level: int
                 ) -> tuple[list[Node], list[Cluster]]:
        """Nodes and clusters of `wf` (ids under `prefix`), adding its edges."""
        nodes: list[Node] = []
        clusters: list[Cluster] = []
        inner = bool(prefix)
        for port in wf.inputs:
            details = (_type_text(port.type),) if self.options.types or not inner else ()
            nodes.append(Node(id=f"{prefix}in/{port.name}", kind="port" if inner else "input",
                              title=port.name, details=details))
        for step in wf.steps:
            sid = f"{prefix}step/{step.id}"
            sub = step.process
            if isinstance(sub, Workflow) and level < self.options.depth:
                sub_nodes, sub_clusters = self.workflow(sub, f"{sid}/", level + 1)
                clusters.append(Cluster(
                    id=sid, title=step.id, details=_step_details(step),
                    scatter=bool(step.scatter), condition=step_condition(step),
                    nodes=tuple(sub_nodes), clusters=tuple(sub_clusters)))
                targets = {p.name: f"{sid}/in/{p.name}" for p in sub.inputs}
            else:
                kind: NodeKind = ("workflow" if isinstance(sub, Workflow)
                                  else "task" if sub.python is not None else "tool")
                nodes.append(Node(id=sid, kind=kind, title=step.id,
                                  details=_step_details(step), scatter=bool(step.scatter),
                                  condition=step_condition(step)))
                targets = {}
            for inp in step.inputs:
                # into an expanded subworkflow, the edge ends at its input node, which is named
                into = None if inp.name in targets else inp.name
                # an input only the step's condition reads (`tool.when(flag)(...)`)
                condition = bool(getattr(inp, "extra", False))
                for source in inp.sources:
                    self._edge(wf, prefix, source, targets.get(inp.name, sid), into,
                               condition=condition)
        for out in wf.outputs:
            oid = f"{prefix}out/{out.name}"
            pick = getattr(out, "pick_value", None)  # CWL pickValue over conditional sources
            details = (_type_text(out.type),) if self.options.types or not inner else ()
            details = (*details, f"pick {pick}") if pick else details
            nodes.append(Node(id=oid, kind="port" if inner else "output", title=out.name,
                              details=details))
            for source in out.sources:
                self._edge(wf, prefix, source, oid, None)
        return nodes, clusters

    def _edge(self, wf: Workflow, prefix: str, source: Source, target: str,
              into: str | None, *, condition: bool = False) -> None:
        """An edge from `source` to the node `target`; `into` is the parameter it feeds when
        the target node does not show it (a step), None when it does (an input or output)."""
        if isinstance(source, StepOutputRef):
            step = next((s for s in wf.steps if s.id == source.step), None)
            if step is None:
                return  # a placeholder left by an error; `cwlgen check` reports it
            src = f"{prefix}step/{step.id}"
            shown = None  # the name of what flows, when no node shows it
            if isinstance(step.process, Workflow) and self._expanded(prefix):
                src = f"{src}/out/{source.output}"  # the output node names it
            elif source.output != "out":
                shown = source.output
        else:
            src = f"{prefix}in/{source.name}"
            shown = None
            if into == source.name:
                into = None  # `text` into parameter `text`: the input node says it all
        label = _edge_label(shown, into)
        if self.options.types:
            label = f"{label}\n{_type_text(source.type)}" if label else _type_text(source.type)
        self.edges.append(Edge(source=src, target=target, label=label, condition=condition))

    def _expanded(self, prefix: str) -> bool:
        """Whether subworkflow steps of the workflow at `prefix` are drawn as clusters."""
        return prefix.count("step/") < self.options.depth


def graph_model(process: Process, options: GraphOptions | None = None) -> GraphModel:
    """The neutral picture of a workflow (or of a single tool: its inputs, it, its outputs)."""
    options = options or GraphOptions()
    builder = _Builder(options)
    if isinstance(process, Workflow):
        nodes, clusters = builder.workflow(process, "", 0)
        return GraphModel(name=process.name, nodes=tuple(nodes), clusters=tuple(clusters),
                          edges=tuple(builder.edges))
    wrapper = Workflow(key=process.key, name=process.name, inputs=process.inputs)
    nodes, _ = builder.workflow(wrapper, "", 0)
    sid = f"step/{process.name}"
    kind: NodeKind = "task" if process.python is not None else "tool"
    nodes.append(Node(id=sid, kind=kind, title=process.name, details=(what_runs(process),)))
    edges = [Edge(source=f"in/{p.name}", target=sid,
                  label=_type_text(p.type) if options.types else "") for p in process.inputs]
    for out in process.outputs:
        nodes.append(Node(id=f"out/{out.name}", kind="output", title=out.name,
                          details=(_type_text(out.type),)))
        edges.append(Edge(source=sid, target=f"out/{out.name}",
                          label=_type_text(out.type) if options.types else ""))
    return GraphModel(name=process.name, nodes=tuple(nodes), clusters=(), edges=tuple(edges))
