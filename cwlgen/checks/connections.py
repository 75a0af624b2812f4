"""Connection checks: every step argument exists, every required one is given, and every
value that flows along an edge fits the type at its end (CWL assignability, scatter depth,
optionals). Pure: IR in, diagnostics out.
"""

from __future__ import annotations

import difflib

from cwlgen.ir import (
    NO_DEFAULT,
    InputPort,
    Source,
    Step,
    StepInput,
    Workflow,
    WorkflowInputRef,
    WorkflowOutput,
)
from cwlgen.ir import types as t
from cwlgen.ir.diagnostics import Diagnostic, Note, diag
from cwlgen.ir.location import SourceLocation


def describe_source(source: Source) -> str:
    """How a data reference is named in a message ("output 'x' of step 'y'")."""
    if isinstance(source, WorkflowInputRef):
        return f"workflow input '{source.name}'"
    return f"output '{source.output}' of step '{source.step}'"


def _source_note(wf: Workflow, source: Source) -> Note | None:
    if isinstance(source, WorkflowInputRef):
        port = wf.input(source.name)
        return Note(message=f"'{source.name}' is declared here as {source.type}",
                    loc=port.loc if port else None)
    return Note(message=f"step '{source.step}' is called here; its output '{source.output}' "
                f"is {source.type}", loc=source.loc)


def _param_note(callee: str, param: InputPort) -> Note:
    return Note(message=f"parameter '{param.name}' of '{callee}' is declared here",
                loc=param.loc)


def check_connections(wf: Workflow) -> list[Diagnostic]:
    """Type problems on the edges of one workflow: each value fits the port it flows into."""
    problems: list[Diagnostic] = []
    for step in wf.steps:
        problems += _check_step(wf, step)
    for out in wf.outputs:
        if out.merged:
            problems += _check_merged_output(wf, out)
            continue
        if out.source is None:
            continue
        if not t.assignable(out.source.type, out.type):
            problems.append(diag("CG207", out.loc, output=out.name, func=wf.name,
                                 expected=out.type, source=describe_source(out.source),
                                 actual=out.source.type,
                                 notes=_notes(_source_note(wf, out.source))))
    return problems


def _check_merged_output(wf: Workflow, out: WorkflowOutput) -> list[Diagnostic]:
    """A workflow output returned as a list of several results: each must fit an item."""
    base = t.strip_optional(out.type)
    if not isinstance(base, t.Array):
        return [diag("CG207", out.loc, output=out.name, func=wf.name, expected=out.type,
                     source=f"a list of {len(out.merged)} results", actual="a list")]
    problems = []
    for source in out.merged:
        if not t.assignable(source.type, base.items):
            problems.append(diag("CG207", out.loc, output=out.name, func=wf.name,
                                 expected=f"{out.type} (items {base.items})",
                                 source=describe_source(source), actual=source.type,
                                 notes=_notes(_source_note(wf, source))))
    return problems


def _notes(*notes: Note | None) -> tuple[Note, ...]:
    return tuple(n for n in notes if n is not None)


def _check_step(wf: Workflow, step: Step) -> list[Diagnostic]:
    process = step.process
    callee = process.name
    problems: list[Diagnostic] = []
    given = {i.name for i in step.inputs}
    names = [p.name for p in process.inputs]
    for step_input in step.inputs:
        param = process.input(step_input.name)
        if param is None:
            close = difflib.get_close_matches(step_input.name, names, n=1)
            if close:
                suggestion = f"; did you mean '{close[0]}'?"
            elif names:
                suggestion = f"; it takes {', '.join(names)}"
            else:
                suggestion = "; it takes no arguments"
            problems.append(diag("CG203", step_input.loc or step.loc, callee=callee,
                                 param=step_input.name, suggestion=suggestion))
            continue
        problems += _check_input(wf, step, callee, param, step_input)
    if step.positional_args == 0:
        for param in process.inputs:
            if param.required and param.name not in given:
                problems.append(diag("CG204", step.loc, callee=callee, param=param.name,
                                     type=param.type, notes=(_param_note(callee, param),)))
    return problems


def _check_input(
    wf: Workflow, step: Step, callee: str, param: InputPort, step_input: StepInput
) -> list[Diagnostic]:
    where: SourceLocation | None = step_input.loc or step.loc
    expected: t.CwlType = param.type
    if not step_input.sources:
        if step_input.default is NO_DEFAULT:
            return []  # an argument already reported while tracing (CG206, CG211)
        value = step_input.default
        want = t.Array(expected) if step_input.scattered else expected
        if not t.check_value(value, want):
            return [diag("CG206", where, param=param.name, callee=callee, expected=want,
                         value=repr(value), notes=(_param_note(callee, param),))]
        return []
    problems = []
    if step_input.merge:
        # each source becomes one item of the list the parameter receives
        if step_input.scattered:
            item_expected = expected
        else:
            base = t.strip_optional(expected)
            if isinstance(base, t.Array):
                item_expected = base.items
            elif base == t.ANY:
                item_expected = t.ANY
            else:
                return [diag("CG201", where, param=param.name, callee=callee, expected=expected,
                             source=f"a list of {len(step_input.sources)} values",
                             actual="a list", notes=(_param_note(callee, param),))]
        for source in step_input.sources:
            problems += _edge(wf, callee, param, source, source.type, item_expected, where)
        return problems
    (source,) = step_input.sources
    actual = source.type
    if step_input.scattered:
        if isinstance(actual, t.Optional):  # scattering over a list that may be null: CG202
            return _edge(wf, callee, param, source, actual, t.Array(expected), where)
        if isinstance(actual, t.Array):
            actual = actual.items
        return _edge(wf, callee, param, source, actual, expected, where, scattered=True)
    return _edge(wf, callee, param, source, actual, expected, where)


def _edge(
    wf: Workflow,
    callee: str,
    param: InputPort,
    source: Source,
    actual: t.CwlType,
    expected: t.CwlType,
    where: SourceLocation | None,
    scattered: bool = False,
) -> list[Diagnostic]:
    if t.assignable(actual, expected):
        return []
    notes = _notes(_source_note(wf, source), _param_note(callee, param))
    what = describe_source(source)
    if scattered:
        what = f"each item of {what}"
    if t.nullable_mismatch(actual, expected):
        return [diag("CG202", where, param=param.name, callee=callee, expected=expected,
                     source=what, actual=actual, notes=notes)]
    return [diag("CG201", where, param=param.name, callee=callee, expected=expected,
                 source=what, actual=actual, notes=notes)]
