"""A Python task -> an ordinary, self-contained CommandLineTool (no JavaScript, no cwlgen in
the job), so the emitter never needs to know a tool came from Python.

The tool runs `python3 -B _cwlgen_shim.py FUNCTION` in a working directory prepared by
InitialWorkDirRequirement:

- `_cwlgen_inputs.json` is the entry `$(inputs)`: CWL v1.2 writes the input object as JSON;
- `_cwlgen_shim.py` and `_cwlgen_paths.py` are the stdlib-only runner and File/Directory
  classes (`cwlgen/runtime/shim.py`, `cwlgen/runtime/paths.py`);
- `_cwlgen_task.py` is the user's module source, verbatim.

The last three are written once beside the documents and staged through hidden File inputs
(`cwlgen.lower.shipped.ship_files`, run after this pass).

Outputs come back through `cwl.output.json`; output ports therefore need no glob and inputs no
command-line binding. Container, packages, resources and env stay as for any tool.
"""

from __future__ import annotations

from cwlgen.ir import Tool
from cwlgen.ir.frozen import evolve
from cwlgen.lower.shipped import job_inputs_entry, module_entry, shim_entries
from cwlgen.runtime.files import MODULE_FILE, SHIM_FILE


def shipped_files(tool: Tool) -> tuple[tuple[str, str], ...]:
    """(entry name, text) of the files a Python task's job needs (`ship_files` stages the
    runtime and the module from beside the documents)."""
    assert tool.python is not None
    return (
        job_inputs_entry(),
        *shim_entries(),
        (MODULE_FILE, module_entry(tool.python.module_source)),
    )


def lower_python_task(tool: Tool) -> Tool:
    """The command-line tool that runs Python task `tool` through the shim."""
    assert tool.python is not None
    interpreter = list(tool.base_command) or ["python3"]
    return evolve(
        tool,
        python=None,
        files=shipped_files(tool) + tool.files,
        base_command=(*interpreter, "-B", SHIM_FILE, tool.python.function),
        arguments=(),
        stdin_input=None,
        stdout_name=None,
        stderr_name=None,
        success_codes=(),
        inputs=tuple(evolve(p, binding=None) for p in tool.inputs),
        outputs=tuple(evolve(o, glob=None, load_contents=False, output_eval=None)
                      for o in tool.outputs),
    )
