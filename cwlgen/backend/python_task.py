"""A Python task -> a self-contained CommandLineTool (no JavaScript, no cwlgen in the job).

The tool runs `python3 -B _cwlgen_shim.py FUNCTION` in a working directory prepared by
InitialWorkDirRequirement:

- `_cwlgen_inputs.json` is the entry `$(inputs)`: CWL v1.2 writes the input object as JSON;
- `_cwlgen_shim.py` and `_cwlgen_paths.py` are the stdlib-only runner and File/Directory
  classes (`cwlgen/runtime/shim.py`, `cwlgen/runtime/paths.py`), as literal entries;
- `_cwlgen_task.py` is the user's module source, verbatim, as a literal entry.

Literal entries are interpolated by CWL runners (`$(`, `${` and `\\`), so their text is escaped
with `escape_literal` and ends with a marker line that makes every runner interpolate it
(cwltool leaves text without `$(`/`${` alone, backslashes and all). Outputs come back through
`cwl.output.json`; output ports therefore need no glob. Container, packages, resources and env
are emitted as for any tool.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import attrs

from cwlgen.backend.emit import escape_literal, input_dict, output_dict, tool_requirements
from cwlgen.ir import Tool

_RUNTIME = Path(__file__).resolve().parent.parent / "runtime"

INPUTS_FILE = "_cwlgen_inputs.json"
SHIM_FILE = "_cwlgen_shim.py"
PATHS_FILE = "_cwlgen_paths.py"
MODULE_FILE = "_cwlgen_task.py"


# cwltool interpolates a literal entry (so `\\` becomes `\`) only when the text contains
# `$(` or `${`; a runner following the spec to the letter always does. A last line carrying an
# escaped `$(` makes every runner interpolate, so the escaped text comes out the same everywhere.
MARKER_LINE = "# (cwlgen: the escaped \\$( on this line makes CWL runners unescape this file)\n"


def literal_entry(text: str) -> str:
    """`text` as a literal InitialWorkDir entry: escaped, plus a final marker comment line
    (Python and shell comment syntax) so that it is always interpolated, hence unescaped."""
    if text and not text.endswith("\n"):
        text += "\n"
    return escape_literal(text) + MARKER_LINE


@functools.cache
def runtime_source(name: str) -> str:
    """Text of a runtime module shipped into jobs (`shim` or `paths`), newlines normalised."""
    return (_RUNTIME / f"{name}.py").read_text(encoding="utf-8").replace("\r\n", "\n")


def shipped_files(tool: Tool) -> tuple[tuple[str, str], ...]:
    """(entry name, entry) of the files a Python task's job needs, escaped for CWL."""
    assert tool.python is not None
    return (
        (INPUTS_FILE, "$(inputs)"),
        (SHIM_FILE, literal_entry(runtime_source("shim"))),
        (PATHS_FILE, literal_entry(runtime_source("paths"))),
        (MODULE_FILE, literal_entry(tool.python.module_source.replace("\r\n", "\n"))),
    )


def emit_python_tool(tool: Tool) -> dict[str, Any]:
    """The CommandLineTool document of a Python task."""
    assert tool.python is not None
    staged = attrs.evolve(tool, files=shipped_files(tool) + tool.files)
    reqs, hints = tool_requirements(staged)
    doc: dict[str, Any] = {"class": "CommandLineTool"}
    if tool.label:
        doc["label"] = tool.label
    if tool.doc:
        doc["doc"] = tool.doc
    if reqs:
        doc["requirements"] = reqs
    if hints:
        doc["hints"] = hints
    interpreter = list(tool.base_command) or ["python3"]
    doc["baseCommand"] = [*interpreter, "-B", SHIM_FILE, tool.python.function]
    doc["inputs"] = {p.name: input_dict(attrs.evolve(p, binding=None), tool=True)
                     for p in tool.inputs}
    doc["outputs"] = {o.name: output_dict(attrs.evolve(o, glob=None, load_contents=False,
                                                       output_eval=None))
                      for o in tool.outputs}
    return doc
