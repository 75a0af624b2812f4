"""Source locations: where in the user's code an IR node came from."""

from __future__ import annotations

import os
import sys
from types import FrameType

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
    """`filename` relative to the working directory if it is inside it, else unchanged."""
    try:
        rel = os.path.relpath(filename)
    except ValueError:
        return filename
    return filename if rel.startswith("..") else rel


_path_cache: dict[str, str] = {}


def location_of_frame(frame: FrameType) -> SourceLocation:
    filename = frame.f_code.co_filename
    shown = _path_cache.get(filename)
    if shown is None:
        shown = _path_cache[filename] = display_path(filename)
    return SourceLocation(path=shown, line=frame.f_lineno)


def caller_location() -> SourceLocation | None:
    """The innermost stack frame outside the cwlgen package: the user's call site."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if not frame.f_code.co_filename.startswith(_PACKAGE_DIR + os.sep):
            return location_of_frame(frame)
        frame = frame.f_back
    return None
