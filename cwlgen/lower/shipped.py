"""Files shipped into a job: the runtime modules and the user's task modules.

Each is written ONCE per output folder (or packed file), beside the documents, verbatim:
`ship_files` turns a tool's entry of such a file into a hidden File input whose default is
that file (`location` relative to the document) and an InitialWorkDir entry
`$(inputs.cwlgen_shim)` staging it under its job name. A File is data, never interpolated,
so nothing is escaped, and 50 tasks of one module ship the module and the runner once.

Small per-tool files (the batch runner's tool description) stay literal entries, escaped
with `literal_entry`: literal entries are interpolated by CWL runners (`$(`, `${` and `\\`),
and end with a marker line that makes every runner interpolate them (cwltool leaves text
without `$(`/`${` alone, backslashes and all).
"""

from __future__ import annotations

import functools
from pathlib import Path

from cwlgen.ir import InputPort, Process, Tool, Workflow
from cwlgen.ir import types as t
from cwlgen.ir.cwl import escape_literal
from cwlgen.ir.frozen import evolve
from cwlgen.ir.walk import children_first
from cwlgen.runtime.files import BATCH_FILE, INPUTS_FILE, MODULE_FILE, PATHS_FILE, SHIM_FILE

_RUNTIME = Path(__file__).resolve().parent.parent / "runtime"

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
    """Text of a runtime module shipped into jobs (`shim`, `paths`, `batch`), newlines
    normalised."""
    return (_RUNTIME / f"{name}.py").read_text(encoding="utf-8").replace("\r\n", "\n")


def module_entry(module_source: str) -> str:
    """The user's task module (newlines normalised), to be shipped by `ship_files`."""
    text = module_source.replace("\r\n", "\n")
    return text if not text or text.endswith("\n") else text + "\n"


def job_inputs_entry() -> tuple[str, str]:
    """The `$(inputs)` object written as JSON (CWL v1.2 does this without JavaScript)."""
    return (INPUTS_FILE, "$(inputs)")


def shim_entries() -> tuple[tuple[str, str], ...]:
    """The task shim and its File/Directory classes, to be shipped by `ship_files`."""
    return ((SHIM_FILE, runtime_source("shim")), (PATHS_FILE, runtime_source("paths")))


def batch_entry() -> tuple[str, str]:
    """The batch runner, to be shipped by `ship_files`."""
    return (BATCH_FILE, runtime_source("batch"))


# job file name -> the hidden input that stages it
SHIPPED_INPUTS = {SHIM_FILE: "cwlgen_shim", PATHS_FILE: "cwlgen_paths",
                  BATCH_FILE: "cwlgen_batch", MODULE_FILE: "cwlgen_task"}


def ship_files(root: Process) -> tuple[Process, dict[str, str]]:
    """`root` with every shipped file of every tool staged from a File beside the documents,
    and those files (name -> text), each once. Runtime files keep their job names; task
    modules are `_cwlgen_task.py`, `_cwlgen_task_2.py`, ... in the order first met (tools in
    step order, depth first; walked without recursion, so any nesting depth works)."""
    assets: dict[str, str] = {}
    by_text: dict[str, str] = {}
    done: dict[str, Process] = {}

    def asset_name(job_name: str, text: str) -> str:
        if job_name != MODULE_FILE:
            assets[job_name] = text
            return job_name
        if text not in by_text:
            count = sum(1 for n in assets if n.startswith("_cwlgen_task"))
            by_text[text] = MODULE_FILE if count == 0 else f"_cwlgen_task_{count + 1}.py"
            assets[by_text[text]] = text
        return by_text[text]

    def ship(tool: Tool) -> Tool:
        files, hidden = [], []
        for name, content in tool.files:
            port = SHIPPED_INPUTS.get(name)
            if port is None:
                files.append((name, content))
                continue
            location = asset_name(name, content)
            hidden.append(InputPort(name=port, type=t.FILE,
                                    default={"class": "File", "location": location}))
            files.append((name, f"$(inputs.{port})"))
        if not hidden:
            return tool
        return evolve(tool, files=tuple(files), inputs=(*tool.inputs, *hidden))

    def visit(p: Process) -> Process:
        if p.key in done:
            return done[p.key]
        if isinstance(p, Tool):
            result: Process = ship(p)
        else:
            assert isinstance(p, Workflow)
            steps = []
            for s in p.steps:  # a step is rebuilt only when what it runs changed
                runs = visit(s.process)
                steps.append(s if runs is s.process else evolve(s, process=runs))
            changed = any(new is not old for new, old in zip(steps, p.steps, strict=True))
            result = evolve(p, steps=tuple(steps)) if changed else p
        done[p.key] = result
        return result

    for process in children_first(root):  # callees first: `visit` never nests deeply
        visit(process)
    return done[root.key], dict(sorted(assets.items()))
