"""Grouping tiny tasks: an IR -> IR pass that turns `.map(..., batch=K)` into fewer jobs.

A scatter of N items normally costs N jobs; engines charge per job (~0.6 s under Toil, more
through Slurm), which swamps tiny tasks. This pass replaces each batched scatter step `S` by
three steps in the same workflow:

    S_chunk    one job: the scattered lists -> ceil(N/K) chunks of K aligned items
    S          a scatter over the chunks: each job runs the task or tool on its K items,
               one after another, each in its own subdirectory
    S_flatten  one job: the per-chunk lists -> one list per output, in item order

and points every reader of `S`'s outputs at `S_flatten`. So ceil(N/K) + 2 jobs do the work of
N, and the outputs are the same values in the same order (the same files, with the same
names). (Inline steps rather than a subworkflow: Toil charges several extra jobs per
subworkflow.) The jobs run `cwlgen/runtime/batch.py` (standard library only), shipped with
the task shim as InitialWorkDir entries: for a Python task it calls the function per item;
for a command-line tool it builds each item's command line from the tool's bindings
(position, prefix, separate, itemSeparator, parameter references) and globs its outputs, as a
CWL runner would.

It runs after the checks (diagnostics keep pointing at the user's steps) and before the
Python tasks are lowered (`cwlgen.lower.python_task`), then emission.
A step that cannot be batched (a subworkflow; a tool using JavaScript expressions, staged
files, or outputs that are not globbed Files/Directories) stays an ordinary scatter, with a
CG213 warning saying why.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cwlgen.ir import (
    InputPort,
    OutputPort,
    Process,
    ResourceSpec,
    Step,
    StepInput,
    StepOutputRef,
    Tool,
    Workflow,
)
from cwlgen.ir import types as t
from cwlgen.ir.cwl import binding_dict, needs_javascript
from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.frozen import evolve, frozen
from cwlgen.ir.walk import children_first
from cwlgen.lower.shipped import (
    batch_entry,
    job_inputs_entry,
    literal_entry,
    module_entry,
    shim_entries,
)
from cwlgen.runtime.batch import SHAPE
from cwlgen.runtime.files import BATCH_FILE, COMMAND_FILE, MODULE_FILE

SMALL = ResourceSpec(cores=1, ram_mib=256)


def batch_steps(root: Process) -> tuple[Process, list[Diagnostic]]:
    """`root` with every batched scatter replaced by its chunk/run/flatten subworkflow, and
    a warning for each batched step left as it was."""
    notes: list[Diagnostic] = []
    done: dict[str, Process] = {}

    def visit(p: Process) -> Process:
        if not isinstance(p, Workflow):
            return p
        if p.key in done:
            return done[p.key]
        taken = {s.id for s in p.steps} | {i.name for i in p.inputs} | {o.name for o in p.outputs}
        steps: list[Step] = []
        renamed: dict[str, str] = {}  # batched step id -> id of the step giving its outputs
        changed = False
        for step in p.steps:
            new = _rewrite(step, visit, notes, taken)
            changed = changed or new != [step]
            if new != [step] and len(new) > 1:
                renamed[step.id] = new[-1].id
            steps += new
        if not changed:
            done[p.key] = p
            return p
        flattens = set(renamed.values())  # these read the batched steps themselves
        result = evolve(
            p,
            steps=tuple(s if s.id in flattens else _retarget(s, renamed) for s in steps),
            outputs=tuple(evolve(o, source=_ref(o.source, renamed)) for o in p.outputs),
        )
        done[p.key] = result
        return result

    for process in children_first(root):  # callees first: `visit` never nests deeply
        visit(process)
    return visit(root), notes


def _rewrite(step: Step, visit: Any, notes: list[Diagnostic], taken: set[str]) -> list[Step]:
    process = visit(step.process)
    if process is not step.process:
        step = evolve(step, process=process)
    if step.batch is None or not step.scatter:
        return [step]
    reason = _step_unbatchable(step) or unbatchable(process)
    if reason is not None:
        notes.append(diag("CG213", step.loc, callee=process.name, k=step.batch, reason=reason))
        return [step]
    assert isinstance(process, Tool)
    return _batched(step, process, step.batch, taken)


def _ref(source: Any, renamed: dict[str, str]) -> Any:
    if isinstance(source, StepOutputRef) and source.step in renamed:
        return evolve(source, step=renamed[source.step])
    return source


def _retarget(step: Step, renamed: dict[str, str]) -> Step:
    """`step` reading the outputs of batched steps from their `flatten` steps."""
    if not any(isinstance(src, StepOutputRef) and src.step in renamed
               for si in step.inputs for src in si.sources):
        return step
    return evolve(step, inputs=tuple(
        evolve(si, sources=tuple(_ref(src, renamed) for src in si.sources))
        for si in step.inputs))


def _step_unbatchable(step: Step) -> str | None:
    """Why this call (not its process) cannot be batched: a condition or a value computed
    at the step is evaluated per scattered item, which a batch job would not do."""
    if step.when is not None:
        return "it is conditional (.when), and CWL tests the condition on each item"
    if any(si.value_from is not None or si.pick_value is not None for si in step.inputs):
        return "an argument is computed at the step (a record field, pick_value or value_from)"
    return None


def unbatchable(process: Process) -> str | None:
    """Why the jobs of `process` cannot be grouped, or None if they can."""
    if isinstance(process, Workflow):
        return "a subworkflow runs as several jobs, so its items cannot share one job"
    if process.expression is not None:
        return "it is an ExpressionTool (JavaScript)"
    if process.python is not None:
        return None
    if process.files or any(p.staging is not None for p in process.inputs):
        return "it stages files into its working directory (InitialWorkDirRequirement)"
    texts: list[str | None] = [a.value for a in process.arguments]
    texts += [p.binding.value_from for p in process.inputs if p.binding]
    texts += [o.glob for o in process.outputs] + [process.stdout_name, process.stderr_name]
    if any(needs_javascript(x) for x in texts):
        return "it uses JavaScript expressions"
    for port in process.inputs:
        if port.binding is not None and any(isinstance(x, t.Record) for x in t.walk(port.type)):
            return f"its record input '{port.name}' is bound to the command line"
    for out in process.outputs:
        base = t.strip_optional(out.type)
        if isinstance(base, t.Array):
            base = t.strip_optional(base.items)
        if (out.glob is None or out.load_contents or out.output_eval or out.secondary_files
                or not (isinstance(base, t.Prim) and base.name in ("File", "Directory"))):
            return (f"its output '{out.name}' is not a File or Directory found by a glob "
                    "(loadContents, outputEval and secondary files are not supported)")
    return None


# --- building the subworkflow -------------------------------------------------------------

def _digest(*parts: Any) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:12]


def _files(extra: tuple[tuple[str, str], ...] = ()) -> tuple[tuple[str, str], ...]:
    """The entries every batch job needs (inputs, batch runner, shim), then `extra`."""
    return (
        job_inputs_entry(),
        batch_entry(),
        *shim_entries(),
        *extra,
    )


def _command_spec(tool: Tool) -> str:
    """What `runtime/batch.py` needs to build the tool's command lines, as JSON."""

    def binding(b: Any) -> dict[str, Any] | None:
        if b is None:
            return None
        out = binding_dict(b)
        out.setdefault("separate", b.separate)
        out.setdefault("shellQuote", b.shell_quote)
        return out

    outputs = []
    for o in tool.outputs:
        base = t.strip_optional(o.type)
        many = isinstance(base, t.Array)
        item = t.strip_optional(base.items) if isinstance(base, t.Array) else base
        assert isinstance(item, t.Prim)
        outputs.append({"name": o.name, "glob": o.glob, "class": item.name, "array": many,
                        "optional": isinstance(o.type, t.Optional)})
    spec = {
        "baseCommand": list(tool.base_command),
        "arguments": [{"value": a.value, "binding": binding(a.binding)} for a in tool.arguments],
        "inputs": [{"name": p.name, "binding": binding(p.binding)} for p in tool.inputs],
        "stdin": tool.stdin_input,
        "stdout": tool.stdout_name,
        "stderr": tool.stderr_name,
        "outputs": outputs,
        "successCodes": list(tool.success_codes),
    }
    return json.dumps(spec, indent=1, sort_keys=True) + "\n"


def _nest(tp: t.CwlType, levels: int) -> t.CwlType:
    for _ in range(levels):
        tp = t.Array(tp)
    return tp


def _free_id(wanted: str, taken: set[str]) -> str:
    name, n = wanted, 1
    while name in taken:
        n += 1
        name = f"{wanted}_{n}"
    taken.add(name)
    return name


@frozen
class _Plan:
    """What the three steps replacing a batched scatter share."""

    step: Step
    tool: Tool
    k: int
    scattered: list[str]
    method: str
    levels: int
    sig: str
    item_types: dict[str, t.CwlType]


def _plan(step: Step, tool: Tool, k: int) -> _Plan:
    ports = {p.name: p for p in tool.inputs}
    given = {si.name for si in step.inputs if si.scattered}
    scattered = [p.name for p in tool.inputs if p.name in given]
    method = step.scatter_method or "dotproduct"
    levels = len(scattered) if method == "nested_crossproduct" else 1
    sig = _digest(tool.key, k, method, scattered, [repr(ports[n].type) for n in scattered])
    return _Plan(step=step, tool=tool, k=k, scattered=scattered, method=method, levels=levels,
                 sig=sig, item_types={n: ports[n].type for n in scattered})


def _chunk_tool(plan: _Plan) -> Tool:
    """One job: the scattered lists -> chunks of K aligned items, and their shape."""
    types = plan.item_types
    return Tool(
        key=f"cwlgen.batching:chunk:{plan.sig}",
        name="chunk",
        label=f"Group the items of '{plan.step.id}' into batches of {plan.k}",
        base_command=("python3", "-B", BATCH_FILE, "chunk", str(plan.k), plan.method,
                      *plan.scattered),
        inputs=tuple(InputPort(name=n, type=t.Array(types[n])) for n in plan.scattered),
        outputs=(*(OutputPort(name=n, type=t.Array(t.Array(types[n]))) for n in plan.scattered),
                 OutputPort(name=SHAPE, type=t.Array(t.INT))),
        resources=SMALL,
        files=_files(),
    )


def _batch_tool(plan: _Plan) -> Tool:
    """The scattered job: runs the task or tool on each of its K items in turn."""
    tool, k = plan.tool, plan.k
    res = tool.resources
    if res is not None and res.time_limit_s is not None:
        res = evolve(res, time_limit_s=res.time_limit_s * k)
    batch_inputs = tuple(
        InputPort(name=p.name, type=t.Array(p.type), label=p.label, doc=p.doc, format=p.format,
                  secondary_files=p.secondary_files, load_listing=p.load_listing)
        if p.name in plan.item_types else evolve(p, binding=None)
        for p in tool.inputs
    )
    if tool.python is not None:
        mode: tuple[str, ...] = ("task", tool.python.function)
        shipped = ((MODULE_FILE, module_entry(tool.python.module_source)),)
    else:
        mode = ("command",)
        shipped = ((COMMAND_FILE, literal_entry(_command_spec(tool))),)
    return Tool(
        key=f"{tool.key}#batch:{plan.sig}",
        name=f"{tool.name}_batch",
        label=f"{tool.label or tool.name} (batches of {k})",
        doc=tool.doc,
        base_command=("python3", "-B", BATCH_FILE, *mode, *plan.scattered),
        inputs=batch_inputs,
        outputs=tuple(OutputPort(name=o.name, type=t.Array(o.type), doc=o.doc, format=o.format)
                      for o in tool.outputs),
        container=tool.container,
        packages=tool.packages,
        resources=res,
        env=tool.env,
        network=tool.network,
        deterministic=tool.deterministic,
        extra_requirements=tool.extra_requirements,
        extra_hints=tool.extra_hints,
        files=_files(shipped),
        loc=tool.loc,
    )


def _flatten_tool(plan: _Plan) -> Tool:
    """One job: the per-chunk lists -> one list per output, in item order."""
    outputs = plan.tool.outputs
    final = {o.name: _nest(o.type, plan.levels) for o in outputs}
    return Tool(
        key=f"cwlgen.batching:flatten:{_digest(plan.sig, [repr(final[n]) for n in final])}",
        name="flatten",
        label=f"Collect the outputs of '{plan.step.id}' in item order",
        base_command=("python3", "-B", BATCH_FILE, "flatten", plan.method, *final),
        inputs=(*(InputPort(name=o.name, type=t.Array(t.Array(o.type))) for o in outputs),
                InputPort(name=SHAPE, type=t.Array(t.INT))),
        outputs=tuple(OutputPort(name=n, type=tp) for n, tp in final.items()),
        resources=SMALL,
        files=_files(),
    )


def _batched(step: Step, tool: Tool, k: int, taken: set[str]) -> list[Step]:
    """The chunk, run and flatten steps that replace the batched scatter `step`."""
    plan = _plan(step, tool, k)
    given = {si.name: si for si in step.inputs}
    chunk_id = _free_id(f"{step.id}_chunk", taken)
    flatten_id = _free_id(f"{step.id}_flatten", taken)
    chunk_step = Step(id=chunk_id, process=_chunk_tool(plan), loc=step.loc, inputs=tuple(
        evolve(given[n], scattered=False) for n in plan.scattered))
    run_step = Step(id=step.id, process=_batch_tool(plan), loc=step.loc,
                    scatter_method="dotproduct", inputs=tuple(
        StepInput(name=si.name, scattered=True, loc=si.loc, sources=(StepOutputRef(
            step=chunk_id, output=si.name,
            type=t.Array(t.Array(plan.item_types[si.name]))),))
        if si.name in plan.item_types else si
        for si in step.inputs))
    flatten_step = Step(id=flatten_id, process=_flatten_tool(plan), loc=step.loc, inputs=(
        *(StepInput(name=o.name, sources=(StepOutputRef(
            step=step.id, output=o.name, type=t.Array(t.Array(o.type))),))
          for o in tool.outputs),
        StepInput(name=SHAPE, sources=(StepOutputRef(step=chunk_id, output=SHAPE,
                                                     type=t.Array(t.INT)),))))
    return [chunk_step, run_step, flatten_step]
