"""Connection checks: every step argument exists, every required one is given, and every
value that flows along an edge fits the type at its end (CWL assignability, scatter depth,
optionals). Pure: IR in, diagnostics out.
"""

from __future__ import annotations

from cwlgen.ir import (
    NO_DEFAULT,
    InputPort,
    Source,
    Step,
    StepInput,
    StepOutputRef,
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
    conditional = conditional_steps(wf)
    for out in wf.outputs:
        if out.pick_value is not None or out.link_merge == "merge_flattened":
            problems += _check_computed_output(wf, out)
            continue
        if out.merged:
            problems += _check_merged_output(wf, out)
            continue
        if out.source is None:
            continue
        if not t.assignable(out.source.type, out.type):
            from_step = getattr(out.source, "step", None)
            if from_step in conditional and t.nullable_mismatch(out.source.type, out.type):
                problems.append(diag("CG604", out.loc, variant="output", output=out.name,
                                     func=wf.name, expected=out.type, step=from_step,
                                     source=describe_source(out.source),
                                     actual=out.source.type,
                                     notes=_notes(_source_note(wf, out.source))))
                continue
            problems.append(diag("CG207", out.loc, output=out.name, func=wf.name,
                                 expected=out.type, source=describe_source(out.source),
                                 actual=out.source.type,
                                 notes=_notes(_source_note(wf, out.source))))
    return problems


def conditional_steps(wf: Workflow) -> set[str]:
    """Ids of the steps that run only when their condition holds (`when`)."""
    return {s.id for s in wf.steps if s.when is not None}


def _check_computed_output(wf: Workflow, out: WorkflowOutput) -> list[Diagnostic]:
    """A workflow output made by pick_value or merge_flattened: what it yields must fit."""
    types = [s.type for s in out.sources]
    if out.link_merge == "merge_flattened" and out.pick_value is None:
        actual = t.flattened_type(types)
        what = "merge_flattened(...)"
    elif out.link_merge == "merge_flattened":  # picked among the items of the one list
        actual = t.picked_type([t.flattened_type(types)], out.pick_value or "first_non_null")
        what = f"pick_value(merge_flattened(...), method={out.pick_value!r})"
    else:
        actual = t.picked_type(types, out.pick_value or "first_non_null")
        what = f"pick_value(..., method={out.pick_value!r})"
    if t.assignable(actual, out.type):
        return []
    return [diag("CG207", out.loc, output=out.name, func=wf.name, expected=out.type,
                 source=what, actual=actual)]


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
        if param is None and step_input.extra:
            continue  # read only by the step's condition
        if param is None:
            import difflib  # only when suggesting a name

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
    if step_input.type is not None:  # computed at the step: pick_value, valueFrom, ...
        return _computed_input(wf, step, callee, param, step_input, where)
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


def _computed_input(
    wf: Workflow, step: Step, callee: str, param: InputPort, step_input: StepInput,
    where: SourceLocation | None,
) -> list[Diagnostic]:
    """An argument computed at the step: the value it yields must fit the parameter, and a
    default (or_default) must be a valid value of it."""
    assert step_input.type is not None
    actual = step_input.type
    notes: tuple[Note, ...] = (_param_note(callee, param),)
    if step_input.default is not NO_DEFAULT and not t.check_value(
            step_input.default, t.strip_optional(param.type)):
        return [diag("CG206", where, param=param.name, callee=callee, expected=param.type,
                     value=repr(step_input.default), notes=notes)]
    if step_input.scattered and isinstance(t.strip_optional(actual), t.Array):
        actual = t.strip_optional(actual).items  # type: ignore[union-attr]
    if t.assignable(actual, param.type):
        return []
    names = ", ".join(describe_source(s) for s in step_input.sources) or "a value_from"
    code = "CG202" if t.nullable_mismatch(actual, param.type) else "CG201"
    return [diag(code, where, param=param.name, callee=callee, expected=param.type,
                 source=f"the value computed from {names}", actual=actual, notes=notes)]


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
    if t.nullable_mismatch(actual, expected) and isinstance(source, StepOutputRef) and any(
            s.id == source.step and s.when is not None for s in wf.steps):
        return [diag("CG604", where, variant="argument", param=param.name, callee=callee,
                     expected=expected, source=what, step=source.step, actual=actual,
                     notes=notes)]
    if t.nullable_mismatch(actual, expected):
        return [diag("CG202", where, param=param.name, callee=callee, expected=expected,
                     source=what, actual=actual, notes=notes)]
    return [diag("CG201", where, param=param.name, callee=callee, expected=expected,
                 source=what, actual=actual, notes=notes)]
