"""A Python task's module, read and parsed once per process however many tasks it holds.

Every task of a module ships (and is checked against) the same source, so tracing, the
determinism pass and the Python-version pass share one parse and one outline of it here,
keyed by the text itself: two tasks of one module cost one parse, and an edited module (a
new text) is parsed afresh. The trees are shared: callers only read them.
"""

from __future__ import annotations

import ast
import functools
import os
import tokenize
import warnings

from cwlgen.ir.frozen import frozen

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@functools.lru_cache(maxsize=64)
def parse_module(source: str) -> ast.Module:
    """`source` parsed, without the SyntaxWarnings (invalid escapes, ...) Python already
    showed when it imported the module. Raises SyntaxError (not cached)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source)


@frozen
class ModuleOutline:
    """What the passes look up in a module, computed once: its top-level functions by name,
    the lines of its relative imports and its lines of text."""

    functions: dict[str, FunctionNode]
    relative_import_lines: tuple[int, ...]
    lines: tuple[str, ...]


@functools.lru_cache(maxsize=64)
def module_outline(source: str) -> ModuleOutline | None:
    """The outline of `source` (None when it does not parse)."""
    try:
        tree = parse_module(source)
    except SyntaxError:
        return None
    return ModuleOutline(
        functions={node.name: node for node in tree.body
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))},
        relative_import_lines=tuple(node.lineno for node in ast.walk(tree)
                                    if isinstance(node, ast.ImportFrom) and node.level > 0),
        lines=tuple(source.splitlines()),
    )


_READ: dict[str, tuple[tuple[int, int], str]] = {}


def read_module_file(path: str) -> str:
    """The text of a module file (in its declared encoding, PEP 263; newlines normalised),
    read once per process unless the file changed since (size or modification time), as each
    of its tasks asks for it."""
    stat = os.stat(path)
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _READ.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    with tokenize.open(path) as fh:
        text = fh.read().replace("\r\n", "\n")
    _READ[path] = (stamp, text)
    return text
