"""cwlgen: typed Python in, standards-compliant CWL v1.2 out.

Declare command-line tools with `@tool`, Python functions with `@task`, and workflows with
`@workflow`; compile them with `cwlgen.compile` or the `cwlgen` command. Hand-written CWL
comes in with `cwlgen.load` (or `cwlgen import` as Python source).
"""

from typing import TYPE_CHECKING, Any

import cwlgen._startup  # noqa: F401  (first: records sys.path before any target is loaded)
from cwlgen._version import __version__
from cwlgen.compiler import Compiled, check, compile
from cwlgen.compiler import set_display as _set_compiled_display
from cwlgen.dsl.conditions import all_of, any_of, cwl_condition, is_null, not_
from cwlgen.dsl.dataflow import (
    assume_not_null,
    each,
    merge_flattened,
    or_default,
    pick_value,
    value_from,
)
from cwlgen.dsl.definition import set_display as _set_definition_display
from cwlgen.dsl.expression_tool import expression_tool
from cwlgen.dsl.schema import schema
from cwlgen.dsl.spec import (
    Arg,
    Container,
    Dirent,
    Double,
    Long,
    Out,
    Resources,
    SecondaryFile,
    stderr,
    stdout,
)
from cwlgen.dsl.task import task
from cwlgen.dsl.tool import tool
from cwlgen.dsl.workflow import workflow
from cwlgen.errors import CompileError, CwlgenError, InputError, RunError, UsageError
from cwlgen.runtime.paths import Directory, File

if TYPE_CHECKING:
    from cwlgen.dsl.loaded import load
    from cwlgen.pictures import graph
    from cwlgen.runners import run, run_local

# Runners, pictures and the CWL loader are imported on first use, so that `import cwlgen`,
# `cwlgen check` and importing a pipeline module stay fast (issue 14: <= 50 ms).
_LAZY = {"run": "cwlgen.runners", "run_local": "cwlgen.runners", "graph": "cwlgen.pictures",
         "load": "cwlgen.dsl.loaded"}


def _show_with_pictures(obj: Any) -> dict[str, str]:
    """The notebook display of a definition or compiled result: importing cwlgen.pictures
    installs the real one (replacing this stand-in), which then draws `obj`."""
    import importlib

    importlib.import_module("cwlgen.pictures")
    shown: dict[str, str] = obj._repr_mimebundle_()
    return shown


_set_definition_display(_show_with_pictures)
_set_compiled_display(_show_with_pictures)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cwlgen' has no attribute {name!r}")

__all__ = [
    "__version__",
    "all_of",
    "any_of",
    "assume_not_null",
    "cwl_condition",
    "each",
    "expression_tool",
    "is_null",
    "merge_flattened",
    "not_",
    "or_default",
    "pick_value",
    "value_from",
    "Arg",
    "CompileError",
    "Compiled",
    "Container",
    "CwlgenError",
    "Directory",
    "Dirent",
    "Double",
    "File",
    "InputError",
    "Long",
    "Out",
    "Resources",
    "SecondaryFile",
    "RunError",
    "UsageError",
    "check",
    "compile",
    "graph",
    "load",
    "run",
    "run_local",
    "schema",
    "stderr",
    "stdout",
    "task",
    "tool",
    "workflow",
]
