"""The in-process executor behind `run_local`: tools (Python tasks, or stand-ins for
command-line tools) called in fresh working directories, workflows run step by step with
CWL's defaults, scatter methods and merges, every value checked against its CWL type."""

from __future__ import annotations

import copy
import itertools
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cwlgen.dsl.definition import Definition
from cwlgen.dsl.task import task_by_key
from cwlgen.errors import InputError, RunError
from cwlgen.ir import NO_DEFAULT, Process, Source, Step, Tool, Workflow, WorkflowInputRef
from cwlgen.ir import types as t
from cwlgen.runners.local_expressions import evaluate, link_merge, pick
from cwlgen.runners.local_values import (
    absolute_paths,
    add_secondary_files,
    local_patterns,
    missing_paths,
    short,
)
from cwlgen.runtime.shim import TaskValueError, call_task


class LocalExecutor:
    """Runs processes depth-first, in this process; one fresh directory per job under `base`."""

    def __init__(self, base: Path, stubs: Mapping[str, Callable[..., Any]]) -> None:
        self.base = base
        self.stubs = stubs

    def run(self, process: Process, job: Mapping[str, Any], where: str, *,
            top: bool = False) -> dict[str, Any]:
        """Run `process` on a CWL job; `where` names it in errors, `top` makes bad inputs an
        InputError (the user's) rather than a RunError (a step's)."""
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
                value = absolute_paths(copy.deepcopy(port.default), Path.cwd())
            value = add_secondary_files(value, local_patterns(port, where), where)
            if not t.check_value(value, port.type):
                error = InputError if top else RunError
                what = "is missing" if value is None else f"got {short(value)}"
                raise error(f"{where}: input '{port.name}' ({port.type}) {what}")
            missing = missing_paths(value)
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
        outputs = absolute_paths(outputs, Path(jobdir))
        result = {}
        for port in tool.outputs:
            value = outputs.get(port.name)
            if not t.check_value(value, port.type):
                raise RunError(f"{where}: output '{port.name}' should be {port.type}, got "
                               f"{short(value)}")
            missing = missing_paths(value)
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
            step_where = f"{where}/{step.id}"
            for step_input in step.inputs:
                value: Any = None
                if step_input.sources:
                    values = [value_of(s) for s in step_input.sources]
                    value = (link_merge(values, step_input.link_merge) if step_input.merge
                             else values[0])
                    if step_input.pick_value is not None:
                        value = pick(value if isinstance(value, list) else [value],
                                     step_input.pick_value, f"{step_where}: '{step_input.name}'")
                if value is None and step_input.default is not NO_DEFAULT:
                    value = absolute_paths(copy.deepcopy(step_input.default), Path.cwd())
                job[step_input.name] = value
            results[step.id] = self._run_step(step, job, step_where)
        outputs: dict[str, Any] = {}
        for out in wf.outputs:
            if out.merged:
                value = link_merge([value_of(s) for s in out.merged], out.link_merge)
            else:
                value = value_of(out.source) if out.source is not None else None
            if out.pick_value is not None:
                value = pick(value if isinstance(value, list) else [value], out.pick_value,
                             f"{where}: workflow output '{out.name}'")
            if not t.check_value(value, out.type):
                raise RunError(f"{where}: workflow output '{out.name}' should be {out.type}, "
                               f"got {short(value)}")
            outputs[out.name] = value
        return outputs

    def _run_step(self, step: Step, job: dict[str, Any], where: str) -> dict[str, Any]:
        process = step.process
        names = [p.name for p in process.inputs if p.name in step.scatter]
        if not names:
            return self._one_job(step, job, where)
        for name in names:
            if not isinstance(job.get(name), list):
                raise RunError(f"{where}: scattered input '{name}' is not a list: "
                               f"{short(job.get(name))}")
        lists = [job[n] for n in names]
        out_names = [o.name for o in process.outputs]
        method = step.scatter_method or "dotproduct"
        if method == "dotproduct":
            lengths = {len(v) for v in lists}
            if len(lengths) > 1:
                sizes = ", ".join(f"{n}: {len(v)}" for n, v in zip(names, lists, strict=True))
                raise RunError(f"{where}: dotproduct scatter over lists of different lengths "
                               f"({sizes})")
            runs = [self._one(step, job, dict(zip(names, items, strict=True)), where, i)
                    for i, items in enumerate(zip(*lists, strict=True))]
            return {o: [r[o] for r in runs] for o in out_names}
        if method == "flat_crossproduct":
            runs = [self._one(step, job, dict(zip(names, items, strict=True)), where, i)
                    for i, items in enumerate(itertools.product(*lists))]
            return {o: [r[o] for r in runs] for o in out_names}
        counter = itertools.count()

        def nest(level: int, chosen: dict[str, Any]) -> Any:
            if level == len(names):
                return self._one(step, job, chosen, where, next(counter))
            return [nest(level + 1, {**chosen, names[level]: item}) for item in lists[level]]

        tree = nest(0, {})

        def pick(node: Any, level: int, name: str) -> Any:
            if level == len(names):
                return node[name]
            return [pick(child, level + 1, name) for child in node]

        return {o: pick(tree, 0, o) for o in out_names}

    def _one(self, step: Step, job: dict[str, Any], items: dict[str, Any], where: str,
             index: int) -> dict[str, Any]:
        return self._one_job(step, {**job, **copy.deepcopy(items)}, f"{where}[{index}]")

    def _one_job(self, step: Step, job: dict[str, Any], where: str) -> dict[str, Any]:
        """One job of a step, as CWL orders it: valueFrom (after scatter), then `when` (a
        false condition skips the job: every output null), then the process."""
        computed = dict(job)
        for step_input in step.inputs:
            if step_input.value_from is not None:
                computed[step_input.name] = evaluate(
                    step_input.value_from, inputs=job, self=job.get(step_input.name),
                    where=f"{where}: argument '{step_input.name}'")
        if step.when is not None:
            verdict = evaluate(step.when, inputs=computed, where=f"{where}: when")
            if not isinstance(verdict, bool):
                raise RunError(f"{where}: the condition {step.when!r} gave {short(verdict)}, "
                               "not true or false")
            if not verdict:
                return {o.name: None for o in step.process.outputs}
        declared = {p.name for p in step.process.inputs}
        return self.run(step.process, {k: v for k, v in computed.items() if k in declared},
                        where)




def _definition_func(key: str) -> Callable[..., Any] | None:
    """The Python function of a tool definition (for the annotations a stub is called with)."""
    module_name, _, qualname = key.partition(":")
    found = getattr(sys.modules.get(module_name), qualname, None)
    return found.func if isinstance(found, Definition) else None
