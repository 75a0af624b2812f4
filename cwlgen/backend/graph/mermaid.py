"""The neutral picture -> Mermaid flowchart text, for Markdown pages (GitHub, GitLab, mkdocs
render it): the same nodes, clusters and edges as the DOT picture, escaped the way Mermaid 11
renders labels."""

from __future__ import annotations

from collections.abc import Iterator

from cwlgen.backend.graph.model import Cluster, GraphOptions, Node, graph_model
from cwlgen.ir import Process

_MERMAID_CLASSES = {
    "input": "fill:#d9f2d9,stroke:#3c8c3c",
    "output": "fill:#dbe8f7,stroke:#3a6ea5",
    "port": "fill:#f4f4f4,stroke:#9a9a9a",
    "tool": "fill:#fff4d6,stroke:#b58900",
    "task": "fill:#f3e5f5,stroke:#8e44ad",
    "workflow": "fill:#e8eaf6,stroke:#3949ab,stroke-width:2px",
    "conditional": "stroke-dasharray:5 3",
}


def _mermaid_id(text: str, ids: dict[str, str]) -> str:
    """A short, stable Mermaid id per node (Mermaid ids must be plain words)."""
    if text not in ids:
        ids[text] = f"n{len(ids)}"
    return ids[text]


def _mermaid_text(text: str) -> str:
    """Text for inside a quoted Mermaid label: brackets and pipes are fine there; quotes
    become Mermaid's `#quot;`, angle brackets HTML entities (labels are rendered as HTML)."""
    return (text.replace("&", "&amp;").replace('"', "#quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def _mermaid_label(title: str, details: tuple[str, ...]) -> str:
    return "<br/>".join([f"<b>{_mermaid_text(title)}</b>"]
                        + [_mermaid_text(d) for d in details])


def _mermaid_node(node: Node, ids: dict[str, str], indent: str) -> str:
    nid = _mermaid_id(node.id, ids)
    label = _mermaid_label(node.title, node.details)
    if node.kind in ("input", "output", "port"):
        shape = f'(["{label}"])'
    elif node.scatter:
        shape = f'[["{label}"]]'  # the "subroutine" box: a double-edged stack
    else:
        shape = f'["{label}"]'
    text = f"{indent}{nid}{shape}:::{node.kind}"
    if node.condition is not None:
        text += f"\n{indent}class {nid} conditional"
    return text


def _mermaid_cluster(cluster: Cluster, ids: dict[str, str], indent: str) -> Iterator[str]:
    cid = _mermaid_id(cluster.id, ids)
    # one line: Mermaid draws a taller subgraph title over the frame's first node
    title = " · ".join([f"<b>{_mermaid_text(cluster.title)}</b>"]
                       + [_mermaid_text(d) for d in cluster.details])
    yield f'{indent}subgraph {cid}["{title}"]'
    for node in cluster.nodes:
        yield _mermaid_node(node, ids, indent + "  ")
    for sub in cluster.clusters:
        yield from _mermaid_cluster(sub, ids, indent + "  ")
    yield f"{indent}end"
    yield f"{indent}style {cid} fill:#f7f8fd,stroke:#3949ab"
    if cluster.condition is not None:
        yield f"{indent}class {cid} conditional"


def to_mermaid(process: Process, options: GraphOptions | None = None) -> str:
    """Mermaid flowchart text of the workflow (or tool): paste it into Markdown."""
    options = options or GraphOptions()
    model = graph_model(process, options)
    ids: dict[str, str] = {}
    lines = [f"flowchart {options.direction}"]
    for node in model.nodes:
        lines.append(_mermaid_node(node, ids, "  "))
    for cluster in model.clusters:
        lines.extend(_mermaid_cluster(cluster, ids, "  "))
    for edge in model.edges:
        src, dst = _mermaid_id(edge.source, ids), _mermaid_id(edge.target, ids)
        arrow = "-.->" if edge.condition else "-->"
        if edge.label:
            label = _mermaid_text(edge.label).replace("\n", "<br/>")
            lines.append(f'  {src} {arrow}|"{label}"| {dst}')
        else:
            lines.append(f"  {src} {arrow} {dst}")
    for name, style in _MERMAID_CLASSES.items():
        lines.append(f"  classDef {name} {style}")
    return "\n".join(lines) + "\n"
