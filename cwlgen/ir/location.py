"""Source locations: where in the user's code an IR node came from."""

from __future__ import annotations

import ast
import linecache
import os
import sys
from types import CodeType, FrameType

import attrs

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@attrs.frozen(kw_only=True, order=True)
class SourceLocation:
    """A `path:line` in the user's code; `path` is relative to the working directory when
    the file lies under it, so messages never depend on where a checkout lives."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def display_path(filename: str) -> str:
    """`filename` relative to the working directory if it is inside it, else unchanged; the
    code of a notebook cell is shown as the cell, `In[5]`."""
    cell = notebook_cell(filename)
    if cell is not None:
        return cell
    try:
        rel = os.path.relpath(filename)
    except ValueError:
        return filename
    return filename if rel.startswith("..") else rel


def notebook_cell(filename: str) -> str | None:
    """`In[5]` when `filename` names the code of a notebook cell (IPython compiles each cell
    under a made-up file name and numbers it), else None."""
    ipython = sys.modules.get("IPython")  # only where a notebook or IPython already runs
    get = getattr(ipython, "get_ipython", None)
    shell = get() if callable(get) else None
    numbers = getattr(getattr(shell, "compile", None), "_filename_map", None)
    if not isinstance(numbers, dict) or filename not in numbers:
        return None
    return f"In[{numbers[filename]}]"


_path_cache: dict[str, str] = {}


def location_of_frame(frame: FrameType) -> SourceLocation:
    filename = frame.f_code.co_filename
    shown = _path_cache.get(filename)
    if shown is None:
        shown = _path_cache[filename] = display_path(filename)
    return SourceLocation(path=shown, line=frame.f_lineno)


def caller_frame() -> FrameType | None:
    """The innermost stack frame outside the cwlgen package: the user's call site."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if not frame.f_code.co_filename.startswith(_PACKAGE_DIR + os.sep):
            return frame
        frame = frame.f_back
    return None


def caller_location() -> SourceLocation | None:
    """The user's call site as a `path:line`."""
    frame = caller_frame()
    return location_of_frame(frame) if frame is not None else None


_positions: dict[CodeType, list[tuple[int | None, int | None, int | None, int | None]]] = {}
_calls: dict[str, dict[tuple[int, int, int, int], dict[str, int]]] = {}


def _multiline_calls(filename: str) -> dict[tuple[int, int, int, int], dict[str, int]]:
    """(line, col, end line, end col) of each call spanning lines in a file -> the line of
    each of its keyword arguments. Built once per file."""
    found = _calls.get(filename)
    if found is None:
        found = _calls[filename] = {}
        try:
            tree = ast.parse("".join(linecache.getlines(filename)))
        except (SyntaxError, ValueError):
            return found
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.end_lineno not in (None, node.lineno):
                key = (node.lineno, node.col_offset, node.end_lineno or 0,
                       node.end_col_offset or 0)
                found[key] = {kw.arg: kw.lineno for kw in node.keywords if kw.arg is not None}
    return found


def keyword_lines(frame: FrameType) -> dict[str, int]:
    """Line of each keyword argument of the call `frame` is making, when the call spans
    several lines (so a diagnostic can point at the argument, not the call's first line).
    Empty where Python cannot tell (before 3.11) or the call fits on one line."""
    code = frame.f_code
    if not hasattr(code, "co_positions"):
        return {}
    positions = _positions.get(code)
    if positions is None:
        positions = _positions[code] = list(code.co_positions())
    index = frame.f_lasti // 2
    if index >= len(positions):
        return {}
    line, end_line, col, end_col = positions[index]
    if line is None or end_line is None or col is None or end_col is None or line == end_line:
        return {}
    return _multiline_calls(code.co_filename).get((line, col, end_line, end_col), {})
