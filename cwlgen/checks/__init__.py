"""Check passes: pure functions from IR to diagnostics. `run_checks` runs them all over a
process and everything it calls, and returns every problem, sorted by location.
"""

from __future__ import annotations

from collections.abc import Iterator

from cwlgen.checks.connections import check_connections
from cwlgen.checks.expressions import check_step_expressions, check_tool_expressions
from cwlgen.checks.formats import check_formats, format_context
from cwlgen.checks.graph import check_graph
from cwlgen.ir import Process, Tool, Workflow
from cwlgen.ir.diagnostics import Diagnostic, sorted_diagnostics


def all_processes(root: Process) -> Iterator[Process]:
    """`root` and every tool and workflow reachable from it, each once (by key)."""
    seen: set[str] = set()
    stack = [root]
    while stack:
        process = stack.pop()
        if process.key in seen:
            continue
        seen.add(process.key)
        yield process
        if isinstance(process, Workflow):
            stack.extend(reversed([s.process for s in process.steps]))


def run_checks(root: Process) -> list[Diagnostic]:
    """Every diagnostic of `root` and everything it calls: those recorded while tracing,
    plus each pass's, sorted by location."""
    problems: list[Diagnostic] = []
    python_tasks: list[Tool] = []
    processes = list(all_processes(root))
    formats = format_context(processes)
    for process in processes:
        problems += process.diagnostics
        if isinstance(process, Workflow):
            problems += check_connections(process)
            problems += check_graph(process)
            problems += check_formats(process, processes, formats)
            problems += check_step_expressions(process)
        elif isinstance(process, Tool) and process.python is None:
            problems += check_tool_expressions(process)
        elif isinstance(process, Tool) and process.python is not None:
            # the ast-based pass is only needed (and imported) for Python tasks
            from cwlgen.checks.determinism import check_determinism

            problems += check_determinism(process)
            python_tasks.append(process)
    if python_tasks:
        from cwlgen.checks.python_version import check_task_pythons

        problems += check_task_pythons(python_tasks)
    return sorted_diagnostics(problems)


__all__ = ["all_processes", "run_checks"]
