"""A conditional step's CWL: the `when` expression of its condition, the extra step inputs
only the condition reads, and the optional types of its outputs.

The smallest expression wins: a bool promise becomes `$(inputs.flag)` (a parameter
reference: no JavaScript), a comparison `$(inputs.n < 1)` (JavaScript, so the workflow gets
InlineJavascriptRequirement from the backend, which looks at the text).
"""

from __future__ import annotations

from typing import Any

from cwlgen.dsl.conditions import CwlCondition
from cwlgen.dsl.values import Condition, Promise
from cwlgen.ir import Process, StepInput, WorkflowInputRef
from cwlgen.ir import types as t
from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.location import SourceLocation


def conditional_type(tp: t.CwlType) -> t.CwlType:
    """What one output of a conditional step is: null when the step is skipped."""
    return tp if isinstance(tp, t.Optional) else t.Optional(tp)


def field_value_from(path: tuple[str, ...]) -> str:
    """The valueFrom that reads a record field at the step: `$(self.a.b)` (a parameter
    reference: no JavaScript)."""
    return "$(self." + ".".join(path) + ")"


def condition_inputs(
    callee: str,
    process: Process,
    condition: Any,
    step_inputs: tuple[StepInput, ...],
    loc: SourceLocation | None,
    problems: list[Diagnostic],
    *,
    scatter: bool = False,
) -> tuple[tuple[StepInput, ...], str | None]:
    """(extra step inputs, `when` expression) of a call of `callee` made under `condition`.

    A promise the call already passes as an argument is read through that argument; any
    other gets a step input of its own, named after where it comes from, which the process
    does not declare (CWL allows it: `when` sees every step input). In a `.map` (`scatter`),
    a condition that is a list of bools is tested per item: it is read through a scattered
    input with its source (an argument, `.with_inputs(x=each(flags))`), else it gets a
    scattered input of its own."""
    if isinstance(condition, CwlCondition):
        return (), condition.text  # read through the step's own inputs (checked: CG606)
    if isinstance(condition, str):
        problems.append(diag("CG607", loc, variant="when_string", callee=callee,
                             value=repr(condition)))
        return (), None
    per_item = False
    if isinstance(condition, Promise):
        per_item = scatter and isinstance(condition._type, t.Array)
        tested = condition._type.items if isinstance(condition._type, t.Array) and per_item \
            else condition._type
        if t.strip_optional(tested) != t.BOOLEAN or isinstance(tested, t.Optional):
            problems.append(diag("CG608", loc, callee=callee, what=condition._label,
                                 type=condition._type))
            return (), None
        leaves = [condition]
    elif isinstance(condition, Condition):
        leaves = condition.promises()
    else:
        problems.append(diag("CG608", loc, callee=callee, what=repr(condition)[:60],
                             type=type(condition).__name__))
        return (), None
    taken = {p.name for p in process.inputs} | {i.name for i in step_inputs}
    extra: list[StepInput] = []
    names: dict[int, str] = {}
    for leaf in leaves:
        names[id(leaf)] = _input_for(leaf, step_inputs, extra, taken, loc, per_item=per_item)

    def name_of(p: Promise) -> str:
        return ".".join(("inputs", names[id(p)], *p._path))

    text = name_of(condition) if isinstance(condition, Promise) else condition.render(name_of)
    return tuple(extra), f"$({text})"


def _input_for(
    leaf: Promise,
    step_inputs: tuple[StepInput, ...],
    extra: list[StepInput],
    taken: set[str],
    loc: SourceLocation | None,
    *,
    per_item: bool = False,
) -> str:
    """The step input a condition reads `leaf` through (one given with `.with_inputs(...)`,
    an argument, or a new extra one; a scattered one when the leaf is `per_item`)."""
    # in a scatter, a scattered argument (the condition sees one item); else `.with_inputs`
    given = sorted(step_inputs, key=lambda si: (not si.scattered, not si.extra))
    for si in (*given, *extra):
        if (si.sources == (leaf._source,) and si.value_from is None and not si.merge
                and si.pick_value is None and (si.scattered or not per_item)):
            return si.name
    source = leaf._source
    bases = [source.name] if isinstance(source, WorkflowInputRef) else [
        source.output, f"{source.step}_{source.output}"]
    name = next((b for b in bases if b not in taken), None)
    n = 2
    while name is None:
        candidate = f"{bases[-1]}_{n}"
        name = candidate if candidate not in taken else None
        n += 1
    taken.add(name)
    extra.append(StepInput(name=name, sources=(source,), extra=True, scattered=per_item,
                           loc=loc))
    return name
