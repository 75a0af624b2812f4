"""`all_of`, `any_of`, `not_`, `is_null`: the boolean combinations of conditions that
Python's `and`/`or`/`not` cannot trace (they call `bool()`). Comparisons of promises
(`n < 1`) make the conditions themselves (`cwlgen.dsl.values.Condition`). `cwl_condition`
is the escape hatch: a `when` written as CWL says it.
"""

from __future__ import annotations

from typing import Any

from cwlgen.dsl.values import Condition, Promise
from cwlgen.errors import MisuseError


def _boolean(value: Any, function: str) -> Any:
    """An argument of all_of/any_of/not_: a condition or a (bool) promise."""
    if isinstance(value, (Condition, Promise)):
        return value
    raise MisuseError("CG602", "operand", what=repr(value)[:60], function=function)


def all_of(*conditions: Any) -> Condition:
    """True when every condition holds (JavaScript `&&`); Python's `and` cannot be traced."""
    if not conditions:
        raise MisuseError("CG602", "operand", what="nothing", function="all_of")
    return Condition("and", tuple(_boolean(c, "all_of") for c in conditions))


def any_of(*conditions: Any) -> Condition:
    """True when at least one condition holds (JavaScript `||`)."""
    if not conditions:
        raise MisuseError("CG602", "operand", what="nothing", function="any_of")
    return Condition("or", tuple(_boolean(c, "any_of") for c in conditions))


def not_(condition: Any) -> Condition:
    """True when the condition does not hold (JavaScript `!`); Python's `not` cannot be
    traced."""
    return Condition("not", (_boolean(condition, "not_"),))


def is_null(value: Any) -> Condition:
    """True when a promise is null (an optional input not given, a skipped step's output)."""
    if not isinstance(value, Promise):
        raise MisuseError("CG602", "operand", what=repr(value)[:60], function="is_null")
    return Condition("is_null", (value,))


class CwlCondition:
    """A step's `when` as CWL text (`cwl_condition("$(inputs.n % 2 == 0)")`)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __bool__(self) -> bool:
        raise MisuseError("CG602", "tested", expr=f"cwl_condition({self.text!r})")

    def __repr__(self) -> str:
        return f"<cwl_condition {self.text!r}>"


def cwl_condition(expression: str, /) -> CwlCondition:
    """A step's condition written as a CWL expression, for what comparisons and
    all_of/any_of/not_/is_null cannot say (`$(inputs.n % 2 == 0)`, `$(true)`):
    `tool.with_inputs(n=n).when(cwl_condition("$(inputs.n % 2 == 0)"))(...)`. It reads the
    step's inputs (its arguments and `.with_inputs(...)`), checked at compile time (CG606);
    it must yield a boolean when the step is reached, or the run fails."""
    if not isinstance(expression, str) or not expression.lstrip().startswith(("$(", "${")):
        raise MisuseError("CG607", "cwl_condition", got=repr(expression)[:60])
    return CwlCondition(expression)
