"""Source locations: where in the user's code an IR node came from (finding them from
stack frames is `cwlgen.ir.frames`)."""

from __future__ import annotations

import os
import sys

from cwlgen.ir.frozen import field, frozen


@frozen(kw_only=True, order=True)
class SourceLocation:
    """A `path:line` in the user's code; `path` is relative to the working directory when
    the file lies under it, so messages never depend on where a checkout lives. `col` (1-based,
    0 when unknown) is extra precision for machines (GitHub annotations, SARIF, JSON): it
    takes no part in comparing locations, so a problem is one problem whatever column it was
    found at."""

    path: str
    line: int
    col: int = field(default=0, eq=False, order=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def display_path(filename: str) -> str:
    """`filename` relative to the working directory if it is inside it, else unchanged; the
    code of a notebook cell is shown as the cell, `In[5]`."""
    cell = notebook_cell(filename)
    if cell is not None:
        return cell
    key = (filename, os.getcwd())
    shown = _relative.get(key)
    if shown is None:
        try:
            rel = os.path.relpath(filename)
        except ValueError:
            rel = ".."
        shown = _relative[key] = filename if rel.startswith("..") else rel
    return shown


#: (file name, working directory) -> the path shown: computed once per file (each traced
#: definition and step asks again)
_relative: dict[tuple[str, str], str] = {}


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
