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
import itertools
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from cwlgen.checks import all_processes
from cwlgen.compiler import check
from cwlgen.dsl.definition import Definition
from cwlgen.dsl.task import task_by_key
from cwlgen.dsl.typemap import NotAValue, to_cwl_value
from cwlgen.errors import CompileError, InputError, RunError, UsageError
from cwlgen.ir import (
    NO_DEFAULT,
    Process,
    Source,
    Step,
    Tool,
    Workflow,
    WorkflowInputRef,
)
from cwlgen.ir import types as t
from cwlgen.runtime.shim import TaskValueError, call_task, from_json, output_annotations

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1


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
    missing = sorted({p.name for p in all_processes(process)
                      if isinstance(p, Tool) and p.python is None and p.name not in stubs})
    if missing:
        raise RunError(f"run_local runs Python tasks only, but '{defn.name}' uses the "
                       f"command-line tool(s) {', '.join(missing)}; pass _stubs={{name: "
                       "python_function}} to stand in for them, or run the compiled CWL "
                       "with cwltool")
    base = Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="cwlgen-local-"))
    base.mkdir(parents=True, exist_ok=True)
    runner = _Runner(base.resolve(), stubs)
    prepared = {k: _absolute_paths(copy.deepcopy(v), Path.cwd()) for k, v in job.items()}
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


def _file_path(obj: Mapping[str, Any]) -> str | None:
    path = obj.get("path") or obj.get("location")
    if isinstance(path, str) and path.startswith("file://"):
        path = unquote(urlparse(path).path)
    return path if isinstance(path, str) else None


def _absolute_paths(value: Any, base: Path) -> Any:
    """Give every File/Directory object an absolute `path`, `location` and `basename`."""
    if isinstance(value, list):
        return [_absolute_paths(v, base) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("class") in ("File", "Directory"):
        path = _file_path(value)
        if path is None:
            if "contents" in value:  # a CWL file literal: materialise it
                folder = Path(tempfile.mkdtemp(prefix="literal-", dir=base))
                target = folder / str(value.get("basename", "file_literal"))
                target.write_text(str(value["contents"]), encoding="utf-8")
                path = str(target)
            else:
                raise InputError(f"{value['class']} object without a path: {value!r}")
        full = os.path.normpath(os.path.join(base, path))
        value = dict(value)
        value.update(path=full, location=full, basename=os.path.basename(full))
        if "secondaryFiles" in value:
            value["secondaryFiles"] = [_absolute_paths(sf, base) for sf in value["secondaryFiles"]]
        return value
    return {k: _absolute_paths(v, base) for k, v in value.items()}


def _secondary_name(path: str, pattern: str) -> str:
    while pattern.startswith("^"):
        path = os.path.splitext(path)[0]
        pattern = pattern[1:]
    return path + pattern


def _add_secondary_files(value: Any, patterns: tuple[str, ...], where: str) -> Any:
    if not patterns:
        return value
    if isinstance(value, list):
        return [_add_secondary_files(v, patterns, where) for v in value]
    if not isinstance(value, dict) or value.get("class") != "File" or "secondaryFiles" in value:
        return value
    found = []
    for raw in patterns:
        required = not raw.endswith("?")
        name = _secondary_name(value["path"], raw.rstrip("?"))
        if os.path.exists(name):
            kind = "Directory" if os.path.isdir(name) else "File"
            found.append({"class": kind, "path": name, "location": name,
                          "basename": os.path.basename(name)})
        elif required:
            raise RunError(f"{where}: secondary file {name} (pattern '{raw}') of "
                           f"{value['path']} does not exist")
    return {**value, "secondaryFiles": found}


def _missing_paths(value: Any) -> list[str]:
    if isinstance(value, list):
        return [p for v in value for p in _missing_paths(v)]
    if not isinstance(value, dict):
        return []
    if value.get("class") in ("File", "Directory"):
        own = [] if os.path.exists(value["path"]) else [value["path"]]
        return own + _missing_paths(value.get("secondaryFiles", []))
    return [p for v in value.values() for p in _missing_paths(v)]


def _int_range_ok(value: Any, tp: t.CwlType) -> bool:
    """CWL `int` is 32-bit and `long` 64-bit: cwltool rejects larger values, so do we."""
    if isinstance(tp, t.Optional):
        return value is None or _int_range_ok(value, tp.inner)
    if isinstance(tp, t.Prim) and tp.name in ("int", "long") and isinstance(value, int):
        low, high = (INT_MIN, INT_MAX) if tp.name == "int" else (LONG_MIN, LONG_MAX)
        return low <= value <= high
    if isinstance(tp, t.Array) and isinstance(value, list):
        return all(_int_range_ok(v, tp.items) for v in value)
    if isinstance(tp, t.Record) and isinstance(value, dict):
        return all(_int_range_ok(value.get(f.name), f.type) for f in tp.fields)
    return True


def _valid(value: Any, tp: t.CwlType) -> bool:
    return t.check_value(value, tp) and _int_range_ok(value, tp)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class _Runner:
    """Runs processes depth-first; one fresh directory per job under `base`."""

    def __init__(self, base: Path, stubs: Mapping[str, Callable[..., Any]]) -> None:
        self.base = base
        self.stubs = stubs

    def run(self, process: Process, job: Mapping[str, Any], where: str, *,
            top: bool = False) -> dict[str, Any]:
        filled = self._fill(process, job, where, top)
        if isinstance(process, Tool):
            return self._run_tool(process, filled, where)
        return self._run_workflow(process, filled, where)

    def _fill(self, process: Process, job: Mapping[str, Any], where: str,
              top: bool) -> dict[str, Any]:
        """Inputs with CWL defaults applied (for missing and null values), then checked."""
        filled: dict[str, Any] = {}
        for port in process.inputs:
            value = job.get(port.name)
            if value is None and port.default is not NO_DEFAULT:
                value = _absolute_paths(copy.deepcopy(port.default), Path.cwd())
            value = _add_secondary_files(value, port.secondary_files, where)
            if not _valid(value, port.type):
                error = InputError if top else RunError
                what = "is missing" if value is None else f"got {_short(value)}"
                raise error(f"{where}: input '{port.name}' ({port.type}) {what}")
            missing = _missing_paths(value)
            if missing:
                error = InputError if top else RunError
                raise error(f"{where}: input '{port.name}': no such file or directory: "
                            f"{missing[0]}")
            filled[port.name] = value
        return filled

    def _run_tool(self, tool: Tool, job: dict[str, Any], where: str) -> dict[str, Any]:
        func, signature_of = self._function(tool, where)
        jobdir = tempfile.mkdtemp(prefix=f"{tool.name}-", dir=self.base)
        cwd = os.getcwd()
        os.chdir(jobdir)
        try:
            outputs = call_task(func, job, signature_of=signature_of)
        except TaskValueError as exc:
            raise RunError(f"{where}: {exc}") from None
        except Exception as exc:
            if hasattr(exc, "add_note"):
                exc.add_note(f"(raised by step '{where}' in cwlgen.run_local)")
            raise
        finally:
            os.chdir(cwd)
        outputs = _absolute_paths(outputs, Path(jobdir))
        result = {}
        for port in tool.outputs:
            value = outputs.get(port.name)
            if not _valid(value, port.type):
                raise RunError(f"{where}: output '{port.name}' should be {port.type}, got "
                               f"{_short(value)}")
            missing = _missing_paths(value)
            if missing:
                raise RunError(f"{where}: output '{port.name}' names {missing[0]}, which does "
                               "not exist")
            result[port.name] = value
        return result

    def _function(
        self, tool: Tool, where: str
    ) -> tuple[Callable[..., Any], Callable[..., Any] | None]:
        if tool.python is None:
            stub = self.stubs[tool.name]
            return stub, _definition_func(tool.key)
        found = task_by_key(tool.key)
        if found is None:
            raise RunError(f"{where}: cannot find the Python function of task '{tool.key}'")
        return found.func, None

    def _run_workflow(self, wf: Workflow, inputs: dict[str, Any], where: str) -> dict[str, Any]:
        results: dict[str, dict[str, Any]] = {}

        def value_of(source: Source) -> Any:
            if isinstance(source, WorkflowInputRef):
                return copy.deepcopy(inputs.get(source.name))
            return copy.deepcopy(results[source.step].get(source.output))

        for step in wf.steps:
            job: dict[str, Any] = {}
            for step_input in step.inputs:
                if step_input.sources:
                    values = [value_of(s) for s in step_input.sources]
                    job[step_input.name] = values if step_input.merge else values[0]
                else:
                    job[step_input.name] = _absolute_paths(
                        copy.deepcopy(step_input.default), Path.cwd())
            results[step.id] = self._run_step(step, job, f"{where}/{step.id}")
        outputs: dict[str, Any] = {}
        for out in wf.outputs:
            value: Any
            if out.merged:
                value = [value_of(s) for s in out.merged]
            else:
                value = value_of(out.source) if out.source is not None else None
            if not _valid(value, out.type):
                raise RunError(f"{where}: workflow output '{out.name}' should be {out.type}, "
                               f"got {_short(value)}")
            outputs[out.name] = value
        return outputs

    def _run_step(self, step: Step, job: dict[str, Any], where: str) -> dict[str, Any]:
        process = step.process
        names = [p.name for p in process.inputs if p.name in step.scatter]
        if not names:
            return self.run(process, job, where)
        for name in names:
            if not isinstance(job.get(name), list):
                raise RunError(f"{where}: scattered input '{name}' is not a list: "
                               f"{_short(job.get(name))}")
        lists = [job[n] for n in names]
        out_names = [o.name for o in process.outputs]
        method = step.scatter_method or "dotproduct"
        if method == "dotproduct":
            lengths = {len(v) for v in lists}
            if len(lengths) > 1:
                sizes = ", ".join(f"{n}: {len(v)}" for n, v in zip(names, lists, strict=True))
                raise RunError(f"{where}: dotproduct scatter over lists of different lengths "
                               f"({sizes})")
            runs = [self._one(process, job, dict(zip(names, items, strict=True)), where, i)
                    for i, items in enumerate(zip(*lists, strict=True))]
            return {o: [r[o] for r in runs] for o in out_names}
        if method == "flat_crossproduct":
            runs = [self._one(process, job, dict(zip(names, items, strict=True)), where, i)
                    for i, items in enumerate(itertools.product(*lists))]
            return {o: [r[o] for r in runs] for o in out_names}
        counter = itertools.count()

        def nest(level: int, chosen: dict[str, Any]) -> Any:
            if level == len(names):
                return self._one(process, job, chosen, where, next(counter))
            return [nest(level + 1, {**chosen, names[level]: item}) for item in lists[level]]

        tree = nest(0, {})

        def pick(node: Any, level: int, name: str) -> Any:
            if level == len(names):
                return node[name]
            return [pick(child, level + 1, name) for child in node]

        return {o: pick(tree, 0, o) for o in out_names}

    def _one(self, process: Process, job: dict[str, Any], items: dict[str, Any], where: str,
             index: int) -> dict[str, Any]:
        return self.run(process, {**job, **copy.deepcopy(items)}, f"{where}[{index}]")


def _definition_func(key: str) -> Callable[..., Any] | None:
    """The Python function of a tool definition (for the annotations a stub is called with)."""
    module_name, _, qualname = key.partition(":")
    found = getattr(sys.modules.get(module_name), qualname, None)
    return found.func if isinstance(found, Definition) else None
