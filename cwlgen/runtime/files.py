"""The `_cwlgen_*` file names a job's working directory holds, named once for the compiler.

The shipped modules (`shim.py`, `batch.py`) are copied into the CWL verbatim, so the names
they read inside a job are defined there; this module re-exports them, and names the two
files only the compiler writes (the batch runner itself and the tool description it reads).
"""

from __future__ import annotations

from cwlgen.runtime.batch import COMMAND_FILE
from cwlgen.runtime.shim import INPUTS_FILE, MODULE_FILE, OUTPUT_FILE, PATHS_FILE, SHIM_FILE

BATCH_FILE = "_cwlgen_batch.py"

__all__ = [
    "BATCH_FILE",
    "COMMAND_FILE",
    "INPUTS_FILE",
    "MODULE_FILE",
    "OUTPUT_FILE",
    "PATHS_FILE",
    "SHIM_FILE",
]
