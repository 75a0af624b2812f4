"""Lowering: IR -> IR rewrites between the checks and emission.

After lowering, every process is an ordinary CWL process: `.map(batch=K)` scatters have become
chunk/run/flatten steps (`batching`) and Python tasks have become command-line tools that run
the shim (`python_task`). The emitter therefore never needs to know where a tool came from.
"""

from __future__ import annotations

from cwlgen.ir import Process, Tool, Workflow
from cwlgen.ir.diagnostics import Diagnostic
from cwlgen.ir.frozen import evolve, field, frozen
from cwlgen.ir.walk import children_first
from cwlgen.lower.batching import batch_steps
from cwlgen.lower.python_task import lower_python_task
from cwlgen.lower.shipped import SHIPPED_INPUTS, ship_files


@frozen
class Lowered:
    """The lowered IR of one root process, and the warnings lowering gave (CG213)."""

    root: Process
    warnings: tuple[Diagnostic, ...] = ()
    # files written beside the documents, once each (runner, task modules): name -> text
    shipped: dict[str, str] = field(factory=dict)


def lower(root: Process) -> Lowered:
    """Batch the `.map(batch=K)` scatters, turn every Python task into a tool, then stage
    the files they ship from beside the documents."""
    if not _needs_lowering(root):
        return Lowered(root=root)
    batched, notes = batch_steps(root)
    shipped, files = ship_files(lower_python_tasks(batched))
    return Lowered(root=shipped, warnings=tuple(notes), shipped=files)


def _needs_lowering(root: Process) -> bool:
    """Whether a step is batched or a tool is a Python task or ships a runtime file: without
    any, the three rewrites change nothing, and one walk (instead of three) tells."""
    for p in children_first(root):
        if isinstance(p, Tool):
            if p.python is not None or any(name in SHIPPED_INPUTS for name, _ in p.files):
                return True
        elif isinstance(p, Workflow) and any(s.batch is not None for s in p.steps):
            return True
    return False


def lower_python_tasks(root: Process) -> Process:
    """`root` with every Python task (at any depth) replaced by its command-line tool."""
    done: dict[str, Process] = {}

    def visit(p: Process) -> Process:
        if p.key in done:
            return done[p.key]
        if isinstance(p, Tool):
            result: Process = lower_python_task(p) if p.python is not None else p
        else:
            assert isinstance(p, Workflow)
            steps = tuple(evolve(s, process=done[s.process.key])
                          if done[s.process.key] is not s.process else s for s in p.steps)
            changed = any(new is not old for new, old in zip(steps, p.steps, strict=True))
            result = evolve(p, steps=steps) if changed else p
        done[p.key] = result
        return result

    for process in children_first(root):  # callees first: no recursion on nesting depth
        visit(process)
    return done[root.key]


__all__ = ["Lowered", "batch_steps", "lower", "lower_python_task", "lower_python_tasks",
           "ship_files"]
