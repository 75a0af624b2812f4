"""IR -> a picture of the workflow, as Graphviz DOT text or Mermaid flowchart text, from one
neutral layout (`model.py`; `dot.py` and `mermaid.py` write it). Rendering DOT to SVG/PNG is
`cwlgen.graphviz`'s job, not the backend's."""

from cwlgen.backend.graph.dot import to_dot
from cwlgen.backend.graph.mermaid import to_mermaid
from cwlgen.backend.graph.model import GraphModel, GraphOptions, graph_model, step_condition

__all__ = ["GraphModel", "GraphOptions", "graph_model", "step_condition", "to_dot",
           "to_mermaid"]
