"""Local execution: run a workflow of Python tasks (and subworkflows of them) in-process, in
milliseconds, with the semantics of the CWL it compiles to.

What is mirrored from CWL: inputs missing or null take the declared default; scatter with
dotproduct, nested_crossproduct and flat_crossproduct; several sources merged into a list
(MultipleInputFeatureRequirement, merge_nested); records, enums, optionals, nested lists;
each job runs in a fresh working directory, so relative files a task returns become outputs;
values are checked against the declared CWL types at every step (including CWL's 32-bit
`int`). Values travel between steps as CWL JSON and are converted to and from Python by the
same code the runner shim uses inside CWL jobs (`cwlgen.runtime.shim`).

Command-line tools cannot run here; give a Python stand-in for each with `_stubs=`.
"""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cwlgen.checks import all_processes
from cwlgen.compiler import check
from cwlgen.dsl.definition import Definition
from cwlgen.dsl.typemap import NotAValue, to_cwl_value
from cwlgen.errors import CompileError, InputError, RunError, UsageError
from cwlgen.ir import (
    Tool,
)
from cwlgen.ir import types as t
from cwlgen.runners.local_executor import LocalExecutor
from cwlgen.runners.local_values import absolute_paths
from cwlgen.runtime.shim import from_json, output_annotations


def run_local(
    definition: Any,
    /,
    _workdir: str | os.PathLike[str] | None = None,
    _stubs: Mapping[str, Callable[..., Any]] | None = None,
    **inputs: Any,
) -> Any:
    """Run a workflow (or a single task) in-process and return its outputs as Python values:
    the workflow's NamedTuple, its single output, or None.

    Inputs are Python values (File("x"), a str path for a File, records, enums, lists).
    `_workdir` is where each job's working directory is made (a new temporary folder by
    default; returned files live there). `_stubs` maps a command-line tool's name to a Python
    function standing in for it (same parameters, returns what the tool's annotation says).
    """
    defn = _definition(definition)
    process = defn.process_ir()
    job: dict[str, Any] = {}
    for name, value in inputs.items():
        port = process.input(name)
        if port is None:
            known = ", ".join(p.name for p in process.inputs) or "none"
            raise InputError(f"'{defn.name}' has no input '{name}' (its inputs: {known})")
        job[name] = _from_python(value, port.type, name)
    result = run_job(defn, job, workdir=_workdir, stubs=_stubs)
    outputs = output_annotations(defn.func)
    if not outputs:
        return None
    values = {name: from_json(result.get(name), hint) for name, hint in outputs}
    ret = getattr(defn.interface, "return_class", None)
    if ret is not None:
        return ret(**values)
    return values["out"]


def run_job(
    definition: Any,
    job: Mapping[str, Any],
    *,
    workdir: str | os.PathLike[str] | None = None,
    stubs: Mapping[str, Callable[..., Any]] | None = None,
) -> dict[str, Any]:
    """Run with a CWL input object (JSON-like, as in a job.yml) and return the CWL output
    object, as `cwltool` would print it (Files as objects with `path`)."""
    defn = _definition(definition)
    process = defn.process_ir()
    diagnostics = check(defn)
    if any(d.severity == "error" for d in diagnostics):
        raise CompileError(diagnostics)
    stubs = dict(stubs or {})
    javascript = sorted({p.name for p in all_processes(process)
                         if isinstance(p, Tool) and p.expression is not None
                         and p.name not in stubs})
    if javascript:
        raise RunError(f"run_local does not run JavaScript, but '{defn.name}' uses the "
                       f"ExpressionTool(s) {', '.join(javascript)}; pass _stubs={{name: "
                       "python_function} to stand in for them, or run the compiled CWL "
                       "with cwltool (cwlgen.run)")
    missing = sorted({p.name for p in all_processes(process)
                      if isinstance(p, Tool) and p.python is None and p.name not in stubs})
    if missing:
        raise RunError(f"run_local runs Python tasks only, but '{defn.name}' uses the "
                       f"command-line tool(s) {', '.join(missing)}; pass _stubs={{name: "
                       "python_function} to stand in for them, or run the compiled CWL "
                       "with cwltool")
    base = Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="cwlgen-local-"))
    base.mkdir(parents=True, exist_ok=True)
    runner = LocalExecutor(base.resolve(), stubs)
    prepared = {k: absolute_paths(copy.deepcopy(v), Path.cwd()) for k, v in job.items()}
    return runner.run(process, prepared, defn.name, top=True)


def _definition(obj: Any) -> Definition[Any, Any]:
    if not isinstance(obj, Definition):
        raise UsageError(f"run_local needs a @workflow or @task, not {obj!r}")
    if obj.kind not in ("workflow", "task"):
        raise UsageError(f"run_local runs workflows and Python tasks; '{obj.name}' is a "
                         f"command-line {obj.kind}: run it with cwltool")
    return obj


def _from_python(value: Any, tp: t.CwlType, name: str) -> Any:
    """A Python input value as CWL JSON; a str or os.PathLike is accepted for a File."""
    inner = t.strip_optional(tp)
    if value is None:
        return None
    if isinstance(inner, t.Prim) and inner.name in ("File", "Directory") and isinstance(
        value, (str, os.PathLike)
    ) and not hasattr(value, "to_cwl"):
        return {"class": inner.name, "location": os.fspath(value)}
    if isinstance(inner, t.Array) and isinstance(value, (list, tuple)):
        return [_from_python(v, inner.items, name) for v in value]
    try:
        return to_cwl_value(value)
    except NotAValue as exc:
        raise InputError(f"input '{name}': a value of type {exc} has no CWL equivalent") from None
