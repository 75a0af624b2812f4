"""A decorated function's `def` in the user's source, as an `ast` node.

Each file (or notebook cell) is parsed once and all its `def`s indexed, instead of reading
each function's block with `inspect.getsourcelines`: that tokenizes the block in pure Python
and was most of tracing a workflow of many definitions (issue 14). A function is found by
its code object's first line (its first decorator, else the `def`) and name, so a function
renamed after definition (`f.__name__ = ...`) is still found.
"""

from __future__ import annotations

import ast
import inspect
import linecache
import textwrap
from collections.abc import Callable
from typing import Any, Union

from cwlgen.ir.source_trees import parsed_file

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_Index = dict[tuple[int, str], FunctionNode]

_parsed: dict[str, tuple[list[str], _Index]] = {}
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def function_node(func: Callable[..., Any]) -> tuple[FunctionNode, int] | None:
    """(`def` node, line offset) of `func`: the node's line numbers plus the offset are the
    file's. None when the source cannot be found or parsed."""
    code = getattr(func, "__code__", None)
    if code is None:
        return None
    node = _file_index(code.co_filename).get((code.co_firstlineno, code.co_name))
    if node is not None:
        return node, 0
    try:  # not in the file as it is now (changed since import), or not in a file at all
        lines, start = inspect.getsourcelines(func)
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError, ValueError):
        return None
    for found in ast.walk(tree):
        if isinstance(found, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                and found.name == func.__name__:
            return found, start - 1
    return None


def _file_index(filename: str) -> _Index:
    """Every `def` in `filename` by (first line, name); rebuilt when `linecache`'s text of the
    file changes (as `inspect` sees it)."""
    linecache.checkcache(filename)
    lines = linecache.getlines(filename)
    cached = _parsed.get(filename)
    if cached is not None and cached[0] is lines:
        return cached[1]
    index: _Index = {}
    tree = parsed_file(filename)
    # statements only (a `def` is always one): far fewer nodes than ast.walk visits
    todo: list[ast.AST] = list(tree.body) if tree is not None else []
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            index.setdefault((first, node.name), node)
        for field in _BODIES:
            todo.extend(getattr(node, field, ()))
    if lines:
        _parsed[filename] = (lines, index)
    return index
