"""Pictures of workflows for people: `cwlgen graph` files, self-contained HTML pages, and the
rich display of definitions and compiled results in Jupyter notebooks.

Built on `cwlgen.backend.graph` (DOT/Mermaid text), `cwlgen.backend.signature` and
`cwlgen.graphviz` (SVG/PNG through `dot`). Pages embed everything they show (inline SVG, no
scripts, no network), so they open anywhere, including offline machines.
"""

from __future__ import annotations

import contextlib
import html
import os
from pathlib import Path
from typing import Any, Literal

from cwlgen.backend.graph import GraphOptions, to_dot, to_mermaid
from cwlgen.backend.signature import signature
from cwlgen.compiler import Compiled, to_ir
from cwlgen.compiler import compile as compile_
from cwlgen.compiler import set_display as set_compiled_display
from cwlgen.dsl.definition import Definition
from cwlgen.dsl.definition import set_display as set_definition_display
from cwlgen.errors import CompileError, CwlgenError, UsageError
from cwlgen.graphviz import GraphvizError, render, svg_fragment
from cwlgen.ir import Process
from cwlgen.messages import format_diagnostic, format_message

GraphFormat = Literal["svg", "png", "dot", "mmd", "html"]
FORMATS: dict[str, GraphFormat] = {".svg": "svg", ".png": "png", ".dot": "dot", ".gv": "dot",
                                   ".mmd": "mmd", ".mermaid": "mmd", ".html": "html",
                                   ".htm": "html"}


def graph_bytes(process: Process, fmt: GraphFormat, options: GraphOptions | None = None
                ) -> bytes:
    """The picture of `process` in one format, as the bytes of a file."""
    options = options or GraphOptions()
    if fmt == "dot":
        return to_dot(process, options).encode("utf-8")
    if fmt == "mmd":
        return to_mermaid(process, options).encode("utf-8")
    if fmt == "html":
        return html_page(process, options).encode("utf-8")
    return render(to_dot(process, options), fmt, what=process.name)


def graph_svg(process: Process, options: GraphOptions | None = None) -> str:
    """The picture as SVG text to inline into HTML."""
    return svg_fragment(graph_bytes(process, "svg", options))


_STYLE = """
.cwlgen-view { font-family: Helvetica, Arial, sans-serif; color: #222; max-width: 100%; }
.cwlgen-view .cwlgen-sig { font-family: Menlo, Consolas, monospace; font-size: 13px;
  background: #f5f6fa; border-left: 3px solid #3949ab; padding: 6px 10px; margin: 4px 0;
  white-space: pre-wrap; }
.cwlgen-view .cwlgen-doc { margin: 4px 0 8px 0; color: #444; }
.cwlgen-view .cwlgen-graph svg { max-width: 100%; height: auto; }
.cwlgen-view .cwlgen-errors { color: #b00020; white-space: pre-wrap;
  font-family: Menlo, Consolas, monospace; font-size: 12px; }
.cwlgen-view .cwlgen-warnings { color: #8a6d00; white-space: pre-wrap;
  font-family: Menlo, Consolas, monospace; font-size: 12px; }
.cwlgen-view details { margin: 6px 0; }
.cwlgen-view summary { cursor: pointer; color: #3949ab; }
.cwlgen-view pre.cwlgen-cwl { font-size: 12px; background: #fafafa; border: 1px solid #ddd;
  padding: 8px; overflow: auto; max-height: 480px; }
.cwlgen-view .cwlgen-legend { font-size: 11px; color: #666; margin-top: 4px; }
"""

_LEGEND = ("green: workflow inputs · blue: outputs · yellow: command-line tools · "
           "purple: Python tasks · 3-D box: scattered (one job per item) · dashed: "
           "conditional · framed: subworkflow")


def _graph_block(process: Process, options: GraphOptions, *, strict: bool = False) -> str:
    """The picture and its legend; without Graphviz, the error in its place (or raised, when
    `strict`: a page written to a file must not pretend to hold a picture)."""
    try:
        svg = graph_svg(process, options)
    except GraphvizError as exc:  # the rest of the view stays useful without Graphviz
        if strict:
            raise
        return f'<div class="cwlgen-errors">{html.escape(str(exc))}</div>'
    return (f'<div class="cwlgen-graph">{svg}</div>'
            f'<div class="cwlgen-legend">{html.escape(_LEGEND)}</div>')


def _heading(kind: str, process: Process) -> str:
    parts = [f'<div class="cwlgen-sig">{html.escape(kind)} '
             f"{html.escape(signature(process))}</div>"]
    doc = process.label or process.doc
    if doc:
        parts.append(f'<div class="cwlgen-doc">{html.escape(doc)}</div>')
    return "".join(parts)


def _cwl_block(texts: dict[str, str], main: str, *, open_: bool = False) -> str:
    blocks = []
    for path in [main] + sorted(p for p in texts if p != main):
        summary = f"CWL: {path}" if len(texts) == 1 or path != main else (
            f"CWL: {path} (main, {len(texts)} files)")
        blocks.append(f"<details{' open' if open_ else ''}><summary>{html.escape(summary)}"
                      f'</summary><pre class="cwlgen-cwl">{html.escape(texts[path])}</pre>'
                      "</details>")
    return "".join(blocks)


def _kind(process: Process) -> str:
    if process.kind == "workflow":
        return "workflow"
    return "task" if getattr(process, "python", None) is not None else "tool"


def view_html(process: Process, *, options: GraphOptions | None = None,
              compiled: Compiled | None = None, problems: str | None = None,
              strict: bool = False) -> str:
    """An HTML fragment: the signature, the picture, problems, and the CWL in <details>."""
    options = options or GraphOptions()
    parts = [f"<style>{_STYLE}</style>", '<div class="cwlgen-view">',
             _heading(_kind(process), process)]
    if problems:
        parts.append(f'<div class="cwlgen-errors">{html.escape(problems)}</div>')
    parts.append(_graph_block(process, options, strict=strict))
    if compiled is not None:
        warnings = "\n".join(format_diagnostic(w) for w in compiled.warnings)
        if warnings:
            parts.append(f'<div class="cwlgen-warnings">{html.escape(warnings)}</div>')
        parts.append(_cwl_block(compiled.texts(), compiled.main))
    parts.append("</div>")
    return "".join(parts)


def html_page(process: Process, options: GraphOptions | None = None) -> str:
    """A self-contained HTML page with the signature and the picture (inline SVG)."""
    body = view_html(process, options=options, strict=True)
    title = html.escape(f"{process.name} (cwlgen {_kind(process)})")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


# --- Jupyter -------------------------------------------------------------------------------


def definition_view(defn: Definition[Any, Any]) -> tuple[str, str]:
    """(plain text, HTML) shown for a @tool/@task/@workflow in a notebook. Problems are shown,
    not raised: a notebook should display a miswired workflow with its errors."""
    process = defn.process_ir()
    compiled = problems = None
    try:
        compiled = compile_(defn)
    except CompileError as exc:
        problems = str(exc)
    except CwlgenError as exc:
        problems = str(exc)
    plain = f"{defn!r}\n{signature(process)}"
    if problems:
        plain += "\n" + problems
    return plain, view_html(process, compiled=compiled, problems=problems)


def compiled_view(compiled: Compiled) -> tuple[str, str]:
    """(plain text, HTML) shown for the result of `cwlgen.compile` in a notebook."""
    files = ", ".join(sorted(compiled.texts()))
    plain = f"<cwlgen.Compiled {compiled.main}: {files}>\n{signature(compiled.root)}"
    return plain, view_html(compiled.root, compiled=compiled)


def mimebundle(plain: str, html_text: str) -> dict[str, str]:
    return {"text/plain": plain, "text/html": html_text}


class Graph:
    """The picture of a workflow or tool, as returned by `cwlgen.graph(wf)`: displays itself
    in a notebook; `.dot`, `.mermaid` and `.svg` give the texts, `.save(path)` writes a
    file in the format its suffix names."""

    def __init__(self, process: Process, options: GraphOptions) -> None:
        self.process = process
        self.options = options

    def __repr__(self) -> str:
        return f"<cwlgen graph of {self.process.name} (depth={self.options.depth})>"

    @property
    def dot(self) -> str:
        return to_dot(self.process, self.options)

    @property
    def mermaid(self) -> str:
        return to_mermaid(self.process, self.options)

    @property
    def svg(self) -> str:
        return graph_svg(self.process, self.options)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Jupyter's display: the picture inline (SVG inside HTML, so its text is text)."""
        body = _graph_block(self.process, self.options)
        return {"text/plain": repr(self),
                "text/html": f'<style>{_STYLE}</style><div class="cwlgen-view">{body}</div>'}

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the picture to `path` (.svg, .png, .dot, .mmd or .html)."""
        target = Path(path)
        data = graph_bytes(self.process, format_for(target), self.options)
        write_atomically(target, data)
        return target


def format_for(path: Path, given: str | None = None) -> GraphFormat:
    """The picture format named by `given` or by the suffix of `path` (CG803 if neither)."""
    if given is not None:
        return FORMATS["." + given.lstrip(".")]
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(format_message("CG803", path=path, formats=", ".join(sorted(FORMATS))))
    return fmt


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to `target` through a temporary file beside it: never half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)  # the usual permissions (umask), unlike mkstemp's 0600
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def graph(obj: Any, *, depth: int = 1, types: bool = False,
          direction: Literal["TB", "LR"] = "TB") -> Graph:
    """The picture of a @workflow, @tool or @task: shows itself in a notebook, `.save(path)`
    writes .svg/.png/.dot/.mmd/.html. `depth` levels of subworkflows are drawn expanded;
    `types=True` writes the type on every edge."""
    return Graph(to_ir(obj), GraphOptions(depth=depth, types=types, direction=direction))


set_definition_display(lambda defn: mimebundle(*definition_view(defn)))
set_compiled_display(lambda compiled: mimebundle(*compiled_view(compiled)))
