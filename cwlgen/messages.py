"""The message registry: every diagnostic cwlgen can print, under a stable code.

Codes never change meaning once released; new problems get new codes. Ranges:
CG0xx loading a target, CG1xx definitions (signatures, annotations, metadata), CG2xx
connections between steps, CG3xx workflow graph, CG4xx determinism, CG5xx running,
CG6xx reading hand-written CWL (`cwlgen.load`, `cwlgen import`, `cwlgen check x.cwl`).
`docs/diagnostics.md` explains each one.
"""

from __future__ import annotations

from typing import Literal

import attrs


@attrs.frozen
class Message:
    severity: Literal["error", "warning"]
    template: str


MESSAGES: dict[str, Message] = {
    # --- loading targets (files, modules, FILE:OBJECT) ---------------------------------
    "CG001": Message("error", "cannot import {what}: {problem}"),
    "CG002": Message("error", "{problem}"),
    "CG003": Message("error", "{problem}"),
    # --- definitions -------------------------------------------------------------------
    "CG101": Message(
        "error",
        "parameter '{param}' of '{func}' has no type annotation; annotate it, e.g. "
        "'{param}: File'",
    ),
    "CG102": Message(
        "error",
        "{what} of '{func}' has type {pytype}, which has no CWL equivalent; use File, "
        "Directory, str, int, float, bool, list[T], T | None, an Enum or Literal, an attrs or "
        "dataclass record, or typing.Any",
    ),
    "CG103": Message(
        "error",
        "'{func}' has no return annotation; annotate it (use '-> None' for no outputs)",
    ),
    "CG104": Message(
        "error",
        "output '{output}' of tool '{func}' ({type}) does not say where it comes from; "
        "annotate it with Out(glob=...), stdout() or stderr()",
    ),
    "CG105": Message(
        "error",
        "boolean parameter '{param}' of tool '{func}' needs a flag name: annotate it "
        "Annotated[bool, Arg(prefix=\"--{param}\")]",
    ),
    "CG106": Message(
        "error",
        "default {value} of parameter '{param}' of '{func}' is not a valid {type}{hint}",
    ),
    "CG107": Message(
        "error",
        "'{name}' ({what} of '{func}') is not a valid CWL identifier; use letters, digits and "
        "underscores, not starting with a digit or underscore",
    ),
    "CG108": Message(
        "error",
        "'{name}' names both {first} and {second} of '{func}'; CWL ids share one namespace, "
        "rename one of them",
    ),
    "CG109": Message("error", "resources of '{func}': {problem}"),
    "CG110": Message(
        "error",
        "parameter '{param}' of '{func}' is {kind}; cwlgen needs ordinary named parameters",
    ),
    "CG111": Message(
        "error",
        "output '{output}' of tool '{func}' captures {stream}, so its type must be File, "
        "not {type}",
    ),
    "CG112": Message("error", "{problem}"),
    "CG113": Message(
        "error",
        "tracing workflow '{func}' raised {exc}; a workflow body may only call tasks, tools "
        "and workflows and pass their results on",
    ),
    "CG114": Message(
        "error",
        "parameter '{param}' of tool '{func}' is staged {how}, which needs a File or "
        "Directory, not {type}",
    ),
    "CG115": Message(
        "warning",
        "parameter '{param}' of '{func}' is {type}{what}; cwltool 3.3 fails on such inputs "
        "at run time (cwltool issues #1285/#1908), Toil too; prefer a list of strings or "
        "of records without a default, or a non-optional list",
    ),
    "CG116": Message(
        "error",
        "the value written for '{param}' of '{func}' holds a field '{field}', which cwltool "
        "rewrites into a URI when it loads the document (\"3C48\" would arrive as "
        "\"file://...#3C48\"); pass this value as a workflow input (a job file) instead, or "
        "rename the field",
    ),
    # --- connections -------------------------------------------------------------------
    "CG201": Message(
        "error",
        "argument '{param}' of '{callee}' expects {expected}, but {source} is {actual}",
    ),
    "CG202": Message(
        "error",
        "argument '{param}' of '{callee}' is required ({expected}), but {source} may be "
        "null ({actual}); give a default, make the parameter '{expected} | None', or pass "
        "a value that cannot be null",
    ),
    "CG203": Message("error", "'{callee}' has no parameter '{param}'{suggestion}"),
    "CG204": Message(
        "error", "call to '{callee}' is missing required argument '{param}' ({type})"
    ),
    "CG205": Message(
        "error",
        "'{callee}' was called with {count} positional argument(s); calls inside a workflow "
        "take keyword arguments only, e.g. {callee}({example}=...)",
    ),
    "CG206": Message(
        "error", "argument '{param}' of '{callee}' expects {expected}, got the value {value}"
    ),
    "CG207": Message(
        "error",
        "output '{output}' of workflow '{func}' is declared {expected}, but {source} is "
        "{actual}",
    ),
    "CG208": Message(
        "error", "workflow '{func}' must return {expected}, but its body returned {got}"
    ),
    "CG209": Message(
        "error",
        "'{callee}.map(...)' scatters nothing: no argument is a list of what its parameter "
        "takes; call '{callee}(...)' instead, or pass a list",
    ),
    "CG210": Message(
        "error",
        "unknown scatter method '{method}' for '{callee}.map'; use one of {choices}",
    ),
    "CG211": Message(
        "error",
        "argument '{param}' of '{callee}' is a list mixing {what}; pass step results or "
        "literal values, each of type {expected}",
    ),
    "CG212": Message("error", "{problem}"),
    "CG213": Message(
        "warning",
        "'{callee}.map(batch={k})' runs one job per item: {reason}",
    ),
    # --- graph -------------------------------------------------------------------------
    "CG301": Message(
        "error",
        "workflow '{func}' calls itself through {path}; CWL workflows must be acyclic",
    ),
    "CG302": Message(
        "warning",
        "output '{output}' of step '{step}' is never used; return it from the workflow or "
        "drop it",
    ),
    "CG303": Message(
        "error",
        "step '{step}' updates {what} in place, but step '{other}' also reads it, so the "
        "result depends on which runs first; pass the output of '{step}' to '{other}' instead",
    ),
    "CG304": Message("error", "the workflow graph has a cycle through steps {path}"),
    # --- determinism -------------------------------------------------------------------
    "CG401": Message(
        "error",
        "task '{func}' {hazard}, so its outputs depend on more than its inputs; {fix}",
    ),
    "CG402": Message(
        "error",
        "task '{func}' {hazard}, so its outputs depend on when it runs; {fix}",
    ),
    "CG403": Message(
        "error",
        "task '{func}' {hazard}, so its outputs differ on every run; {fix}",
    ),
    "CG404": Message(
        "error",
        "task '{func}' {hazard}, so its outputs differ on every run; {fix}",
    ),
    "CG405": Message(
        "error",
        "task '{func}' {hazard}, so it needs network access and its outputs depend on more "
        "than its inputs; {fix}",
    ),
    "CG406": Message(
        "error",
        "task '{func}' {hazard}, whose order changes from run to run (PYTHONHASHSEED); {fix}",
    ),
    "CG407": Message(
        "error",
        "task '{func}' {hazard}, so its outputs depend on the machine it runs on; {fix}",
    ),
    "CG410": Message(
        "error",
        "step '{step}' produced a different '{output}' in two runs with the same inputs "
        "({first} != {second}); make it deterministic, or declare @task(deterministic=False)",
    ),
    "CG411": Message(
        "warning",
        "step '{step}' produced a different '{output}' in two runs, because its input "
        "'{input}' differed ({cause} differed)",
    ),
    "CG412": Message(
        "warning",
        "step '{step}' produced a different '{output}' in two runs, as its declaration "
        "deterministic=False allows",
    ),
    # --- running (cwlgen run, cwlgen.run) ----------------------------------------------
    "CG501": Message("error", "'{func}' has no input '{name}'{suggestion}"),
    "CG502": Message(
        "error",
        "input '{name}' of '{func}' is required ({type}) but no value was given; {how}",
    ),
    "CG503": Message("error", "input '{name}' of '{func}' expects {expected}, but {got}"),
    "CG504": Message("error", "input '{name}' of '{func}': {what} not found: {path}"),
    "CG505": Message("error", "cannot read the input file {path}: {problem}"),
    "CG506": Message("error", "{problem}"),
    "CG507": Message("error", "step '{step}' failed{detail}"),
    # --- hand-written CWL --------------------------------------------------------------
    "CG601": Message("error", "cannot read this CWL document: {problem}"),
    "CG602": Message(
        "error",
        "{construct}: the cwlgen DSL cannot express this yet, so importing it would lose it; "
        "keep this process as CWL and call it with cwlgen.load(..., ref=...)",
    ),
    "CG603": Message(
        "error",
        "the Python written for {what} does not compile back ({problem}); this is a bug in "
        "cwlgen import, please report it",
    ),
}
