"""Stack frames -> the user's code: every piece of frame logic cwlgen has, in one place.

cwlgen reports problems at the user's line, never its own: the innermost frame outside the
package (`caller_frame`), the line of one keyword argument in a call spanning several lines
(`keyword_positions`), the user's line in a traceback (`user_traceback_line`).
"""

from __future__ import annotations

import ast
import linecache
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from types import CodeType, FrameType

from cwlgen.ir.location import SourceLocation, display_path
from cwlgen.ir.source_trees import parsed_file

#: The cwlgen package folder, with a trailing separator: frames under it are cwlgen's own.
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def is_cwlgen_file(filename: str) -> bool:
    """Whether `filename` is part of cwlgen (or frozen import machinery)."""
    return filename.startswith((PACKAGE_DIR, "<frozen"))


def user_traceback_line(exc: BaseException, skip: Sequence[str] = ()) -> tuple[str, int] | None:
    """(file, line) of the innermost traceback frame of `exc` in the user's code: outside
    cwlgen and outside the folders in `skip` (e.g. installed libraries)."""
    found = None
    for frame, line in traceback.walk_tb(exc.__traceback__):
        filename = frame.f_code.co_filename
        if not is_cwlgen_file(filename) and not filename.startswith(tuple(skip)):
            found = (filename, line)
    return found


def user_traceback_location(exc: BaseException) -> SourceLocation | None:
    """`user_traceback_line` as a SourceLocation (path shown relative)."""
    found = user_traceback_line(exc)
    return SourceLocation(path=display_path(found[0]), line=found[1]) if found else None


_path_cache: dict[str, str] = {}
# (id of the code, instruction offset) -> (the code, what the two functions below found
# there): a call site in a loop (a chain of 20,000 steps) or reached again (nested workflows)
# is located once. Keyed by identity, with the code kept alive beside its entry: code
# objects compiled from the same text compare equal whatever their file (and on Python 3.10
# whatever their line numbers).
_sites: dict[tuple[int, int], tuple[CodeType, SourceLocation]] = {}
_keywords: dict[tuple[int, int], tuple[CodeType, Mapping[str, tuple[int, int]]]] = {}
_MOST_SITES = 100_000


def location_of_frame(frame: FrameType) -> SourceLocation:
    """The `path:line` a frame is executing (paths shown relative, cached per file), with the
    column of the expression it is evaluating where Python records one (3.11+)."""
    code = frame.f_code
    key = (id(code), frame.f_lasti)
    found = _sites.get(key)
    if found is None or found[0] is not code:
        if len(_sites) > _MOST_SITES:  # a long session re-running cells: start again
            _sites.clear()
        found = _sites[key] = (code, _location_of_frame(frame))
    return found[1]


def _location_of_frame(frame: FrameType) -> SourceLocation:
    filename = frame.f_code.co_filename
    shown = _path_cache.get(filename)
    if shown is None:
        shown = _path_cache[filename] = display_path(filename)
    position = _position(frame)
    col = 0
    if position is not None and position[0] == frame.f_lineno:
        col = _column(filename, position[0], position[2])
    return SourceLocation(path=shown, line=frame.f_lineno, col=col)


def caller_frame() -> FrameType | None:
    """The innermost stack frame outside the cwlgen package: the user's call site."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if not frame.f_code.co_filename.startswith(PACKAGE_DIR):
            return frame
        frame = frame.f_back
    return None


def caller_location() -> SourceLocation | None:
    """The user's call site as a `path:line`."""
    frame = caller_frame()
    return location_of_frame(frame) if frame is not None else None


_Position = tuple[int, int, int, int]  # line, end line, col, end col (0-based, in bytes)
_positions: dict[CodeType, list[tuple[int | None, int | None, int | None, int | None]]] = {}
_calls: dict[str, dict[tuple[int, int, int, int], dict[str, tuple[int, int]]]] = {}


def _position(frame: FrameType) -> _Position | None:
    """Where in its file the instruction `frame` is executing lies (Python 3.11+)."""
    code = frame.f_code
    if not hasattr(code, "co_positions"):
        return None
    positions = _positions.get(code)
    if positions is None:
        positions = _positions[code] = list(code.co_positions())
    index = frame.f_lasti // 2
    if index >= len(positions):
        return None
    line, end_line, col, end_col = positions[index]
    if line is None or end_line is None or col is None or end_col is None:
        return None
    return line, end_line, col, end_col


def _column(filename: str, line: int, offset: int) -> int:
    """The 1-based column (in characters) of a 0-based byte offset into a line of a file, as
    Python's positions and `ast` count them; 0 when the line cannot be read."""
    text = linecache.getline(filename, line)
    if not text:
        return 0
    if text.isascii():  # bytes are characters: the common case, without re-encoding
        return min(offset, len(text)) + 1
    return len(text.encode("utf-8")[:offset].decode("utf-8", "replace")) + 1


def _calls_in(filename: str) -> dict[tuple[int, int, int, int], dict[str, tuple[int, int]]]:
    """(line, col, end line, end col) of each call in a file -> (line, col) of each of its
    keyword arguments. Built once per file."""
    found = _calls.get(filename)
    if found is None:
        found = _calls[filename] = {}
        tree = parsed_file(filename)
        if tree is None:
            return found
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                key = (node.lineno, node.col_offset, node.end_lineno or 0,
                       node.end_col_offset or 0)
                found[key] = {kw.arg: (kw.lineno, kw.col_offset)
                              for kw in node.keywords if kw.arg is not None}
    return found


def keyword_positions(frame: FrameType) -> Mapping[str, tuple[int, int]]:
    """(line, 1-based column) of each keyword argument of the call `frame` is making, so a
    diagnostic can point at the argument, not the call. Empty where Python cannot tell
    which call it is. Before Python 3.11 only calls spanning several lines are found, and
    the column is 0 (unknown): see `_keyword_lines_by_line`."""
    code = frame.f_code
    key = (id(code), frame.f_lasti)
    found = _keywords.get(key)
    if found is None or found[0] is not code:
        if len(_keywords) > _MOST_SITES:
            _keywords.clear()
        found = _keywords[key] = (code, _keyword_positions(frame))
    return found[1]


def _keyword_positions(frame: FrameType) -> dict[str, tuple[int, int]]:
    code = frame.f_code
    position = _position(frame)
    if position is None:
        if hasattr(code, "co_positions"):
            return {}
        return {name: (line, 0) for name, line in
                _keyword_lines_by_line(code.co_filename, frame.f_lineno).items()}
    line, end_line, col, end_col = position
    keywords = _calls_in(code.co_filename).get((line, col, end_line, end_col), {})
    return {name: (kw_line, _column(code.co_filename, kw_line, kw_col))
            for name, (kw_line, kw_col) in keywords.items()}


def _keyword_lines_by_line(filename: str, line: int) -> dict[str, int]:
    """Before Python 3.11 a frame knows only its line, which during a call spanning lines is
    the call's first line: the keyword lines of the one multi-line call starting there, or
    nothing when several start on that line (nested calls), since which one runs is unknown."""
    found = [{name: kw_line for name, (kw_line, _col) in kws.items()}
             for (first, _c, end, _ec), kws in _calls_in(filename).items()
             if first == line and end != first]
    return found[0] if len(found) == 1 else {}
