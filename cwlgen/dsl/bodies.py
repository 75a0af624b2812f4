"""What a decorated object's body may be, checked at compile time (never by running it):

- @tool, @task and @workflow decorate plain `def` functions, not classes or other callables;
- a @tool's body only documents it: a docstring, optionally `...` or `raise
  NotImplementedError` (what mypy and pyright accept as an empty body); code there would
  never run, so `pass`, `return n` or a computation is a mistake worth reporting;
- a @task runs as an ordinary call in its job: an `async def` or a generator would return a
  coroutine or generator object instead of its declared value.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from typing import Any

from cwlgen.dsl.function_nodes import function_node
from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.location import SourceLocation, display_path


def location_of_object(obj: Any) -> SourceLocation | None:
    """Where a class or other object is defined, when Python can tell."""
    try:
        path = inspect.getsourcefile(obj)
        _, line = inspect.getsourcelines(obj)
    except (OSError, TypeError):
        return None
    return SourceLocation(path=display_path(path), line=line) if path else None


def not_a_function(obj: Any, kind: str) -> Diagnostic | None:
    """CG112 when `@kind` decorates something that is not a `def` function."""
    if inspect.isfunction(obj):
        return None
    what = "class" if inspect.isclass(obj) else type(obj).__name__
    name = getattr(obj, "__name__", repr(obj))
    return diag("CG112", location_of_object(obj), variant="not_function", kind=kind,
                name=name, what=what)


def _is_docstring(stmt: ast.stmt) -> bool:
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str))


def _allowed_in_tool(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and (
            stmt.value.value is Ellipsis):
        return True
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"
    return False


def tool_body_problems(func: Callable[..., Any], name: str, path: str) -> list[Diagnostic]:
    """CG112 at the first statement of a @tool body that is more than its documentation."""
    found = function_node(func)
    if found is None:
        return []
    node, offset = found
    body = node.body[1:] if node.body and _is_docstring(node.body[0]) else node.body
    for stmt in body:
        if not _allowed_in_tool(stmt):
            return [diag("CG112", SourceLocation(path=path, line=stmt.lineno + offset),
                         variant="tool_body", func=name,
                         statement=ast.unparse(stmt).splitlines()[0])]
    return []


def task_kind_problems(func: Callable[..., Any], name: str, where: SourceLocation
                       ) -> list[Diagnostic]:
    """CG112 when a @task is a coroutine or generator function."""
    if inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
        return [diag("CG112", where, variant="task_async", func=name)]
    if inspect.isgeneratorfunction(func):
        return [diag("CG112", where, variant="task_generator", func=name)]
    return []
