"""The neutral picture -> Graphviz DOT text: HTML-like labels (bold step id, grey details),
filled boxes per kind of node, 3-D boxes for scattered steps, dashed conditional steps and
condition-only inputs, framed subworkflows. Drawing it is `cwlgen.graphviz`'s job."""

from __future__ import annotations

from collections.abc import Iterator

from cwlgen.backend.graph.model import Cluster, GraphOptions, Node, NodeKind, graph_model
from cwlgen.ir import Process

_FONT = "Helvetica,Arial,sans-serif"
_NODE_STYLE: dict[NodeKind, str] = {
    "input": 'shape=box, style="rounded,filled", fillcolor="#d9f2d9", color="#3c8c3c"',
    "output": 'shape=box, style="rounded,filled", fillcolor="#dbe8f7", color="#3a6ea5"',
    "port": 'shape=box, style="rounded,filled", fillcolor="#f4f4f4", color="#9a9a9a", '
            "fontsize=10, margin=\"0.08,0.02\", height=0.3",
    "tool": 'shape=box, style="filled", fillcolor="#fff4d6", color="#b58900"',
    "task": 'shape=box, style="filled", fillcolor="#f3e5f5", color="#8e44ad"',
    "workflow": 'shape=box, style="filled,bold", fillcolor="#e8eaf6", color="#3949ab"',
}


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _html(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _dot_label(title: str, details: tuple[str, ...], small: bool = False) -> str:
    size = 10 if small else 14
    rows = [f'<FONT POINT-SIZE="{size}"><B>{_html(title)}</B></FONT>']
    rows += [f'<FONT POINT-SIZE="10" COLOR="#555555">{_html(d)}</FONT>' for d in details]
    return "<" + "<BR/>".join(rows) + ">"


def _dot_node(node: Node, indent: str) -> str:
    style = _NODE_STYLE[node.kind]
    if node.scatter:  # a stack of boxes: one job per item
        style = style.replace("shape=box", "shape=box3d")
    if node.condition is not None:
        style = style.replace('style="', 'style="dashed,')
    label = _dot_label(node.title, node.details, small=node.kind == "port")
    return f"{indent}{_dot_id(node.id)} [{style}, label={label}];"


def _dot_cluster(cluster: Cluster, indent: str) -> Iterator[str]:
    yield f"{indent}subgraph {_dot_id('cluster:' + cluster.id)} {{"
    inner = indent + "  "
    style = ["rounded"] + (["dashed"] if cluster.condition is not None else [])
    yield f'{inner}style="{",".join(style)}"; color="#3949ab"; bgcolor="#f7f8fd";'
    if cluster.scatter:
        yield f"{inner}penwidth=3;"
    yield f"{inner}label={_dot_label(cluster.title, cluster.details)};"
    for node in cluster.nodes:
        yield _dot_node(node, inner)
    for sub in cluster.clusters:
        yield from _dot_cluster(sub, inner)
    yield f"{indent}}}"


def to_dot(process: Process, options: GraphOptions | None = None) -> str:
    """Graphviz DOT text of the workflow (or tool)."""
    options = options or GraphOptions()
    model = graph_model(process, options)
    lines = [
        f"digraph {_dot_id(model.name)} {{",
        f"  rankdir={options.direction};",
        f'  graph [fontname="{_FONT}", fontsize=12, nodesep=0.35, ranksep=0.45, '
        'labeljust=l, margin=0.1];',
        f'  node [fontname="{_FONT}", fontsize=12, margin="0.15,0.06"];',
        f'  edge [fontname="{_FONT}", fontsize=10, color="#666666", fontcolor="#444444"];',
    ]
    for node in model.nodes:
        lines.append(_dot_node(node, "  "))
    for cluster in model.clusters:
        lines.extend(_dot_cluster(cluster, "  "))
    for edge in model.edges:
        extras = [f'label="{_dot_escape(edge.label)}"'] if edge.label else []
        if edge.condition:
            extras.append("style=dashed")
        attrs_ = f" [{', '.join(extras)}]" if extras else ""
        lines.append(f"  {_dot_id(edge.source)} -> {_dot_id(edge.target)}{attrs_};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
