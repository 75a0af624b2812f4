"""One `ast` tree per user source file per process, shared by whoever needs one.

Reading a signature's positions (`cwlgen.dsl.function_nodes`) and the keyword arguments of
a call (`cwlgen.ir.frames`) both need the file's tree; parsing it once instead of twice is
~2 ms of `cwlgen check` on a 200-step module (issue 14).
"""

from __future__ import annotations

import ast
import linecache

_trees: dict[str, tuple[list[str], ast.Module | None]] = {}


def parsed_file(filename: str) -> ast.Module | None:
    """The tree of `filename` as `linecache` holds it now (None when it is not valid
    Python), parsed again only when that text changes."""
    lines = linecache.getlines(filename)
    cached = _trees.get(filename)
    if cached is not None and cached[0] is lines:
        return cached[1]
    tree: ast.Module | None
    try:
        tree = ast.parse("".join(lines))
    except (SyntaxError, ValueError):
        tree = None
    if lines:
        _trees[filename] = (lines, tree)
    return tree
