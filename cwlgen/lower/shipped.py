"""Files shipped into a job as InitialWorkDir literal entries: the runtime modules and the
user's task module, escaped so that every CWL runner writes them out unchanged.

Literal entries are interpolated by CWL runners (`$(`, `${` and `\\`), so their text is escaped
with `escape_literal` and ends with a marker line that makes every runner interpolate it
(cwltool leaves text without `$(`/`${` alone, backslashes and all).
"""

from __future__ import annotations

import functools
from pathlib import Path

from cwlgen.ir.cwl import escape_literal
from cwlgen.runtime.files import INPUTS_FILE, PATHS_FILE, SHIM_FILE

_RUNTIME = Path(__file__).resolve().parent.parent / "runtime"

# cwltool interpolates a literal entry (so `\\` becomes `\`) only when the text contains
# `$(` or `${`; a runner following the spec to the letter always does. A last line carrying an
# escaped `$(` makes every runner interpolate, so the escaped text comes out the same everywhere.
MARKER_LINE = "# (cwlgen: the escaped \\$( on this line makes CWL runners unescape this file)\n"


def literal_entry(text: str) -> str:
    """`text` as a literal InitialWorkDir entry: escaped, plus a final marker comment line
    (Python and shell comment syntax) so that it is always interpolated, hence unescaped."""
    if text and not text.endswith("\n"):
        text += "\n"
    return escape_literal(text) + MARKER_LINE


@functools.cache
def runtime_source(name: str) -> str:
    """Text of a runtime module shipped into jobs (`shim`, `paths`, `batch`), newlines
    normalised."""
    return (_RUNTIME / f"{name}.py").read_text(encoding="utf-8").replace("\r\n", "\n")


def module_entry(module_source: str) -> str:
    """The user's task module as a literal entry (newlines normalised)."""
    return literal_entry(module_source.replace("\r\n", "\n"))


def job_inputs_entry() -> tuple[str, str]:
    """The `$(inputs)` object written as JSON (CWL v1.2 does this without JavaScript)."""
    return (INPUTS_FILE, "$(inputs)")


def shim_entries() -> tuple[tuple[str, str], ...]:
    """The task shim and its File/Directory classes."""
    return (
        (SHIM_FILE, literal_entry(runtime_source("shim"))),
        (PATHS_FILE, literal_entry(runtime_source("paths"))),
    )
