"""Values computed where they are used (CWL step-input and workflow-output fields):
`pick_value` (pickValue), `or_default` (source + default), `merge_flattened` (linkMerge),
`value_from` (a raw valueFrom expression: the escape hatch), `assume_not_null` (a plain
source the checks take as never null) and `each` (a list scattered item by item).

Each returns a `Wiring`: inert, typed like the value it yields, so mypy checks the call it is
passed to, and tracing turns it into one step input (or one workflow output).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, TypeVar, overload

from cwlgen.dsl.typemap import NotAValue, UnsupportedType, to_cwl_type, to_cwl_value
from cwlgen.dsl.values import Promise, Wiring
from cwlgen.errors import MisuseError
from cwlgen.ir import types as t

T = TypeVar("T")

PICK_METHODS = ("first_non_null", "the_only_non_null", "all_non_null")


def _promise(value: Any, function: str) -> Promise:
    if isinstance(value, Promise):
        if value._path:
            raise MisuseError("CG609", what=f"{value._label} (given to {function})",
                              output="its value", func=function)
        return value
    raise MisuseError("CG605", "not_promise", got=repr(value)[:60])


@overload
def pick_value(*values: T | None, method: Literal["all_non_null"]) -> list[T]: ...
@overload
def pick_value(
    *values: T | None,
    method: Literal["first_non_null", "the_only_non_null"] = "first_non_null",
) -> T: ...
def pick_value(*values: Any, method: str = "first_non_null") -> Any:
    """Choose among results that may be null (outputs of conditional steps): the first
    non-null (`first_non_null`), the only non-null (`the_only_non_null`, an error at run time
    if not exactly one), or the list of every non-null (`all_non_null`). Given one list (a
    conditional `.map`, or `merge_flattened(a, b)`: CWL linkMerge merge_flattened), it
    picks among the list's items. Given NamedTuples (several
    outputs of conditional steps), it picks field by field: `pick_value(a, b).out1`.
    CWL pickValue."""
    if method not in PICK_METHODS:
        raise MisuseError("CG605", "method", method=method, choices=", ".join(PICK_METHODS))
    if not values:
        raise MisuseError("CG605", "empty")
    if len(values) == 1 and isinstance(values[0], Wiring) and \
            values[0]._link_merge == "merge_flattened" and values[0]._pick is None:
        # pick among the items of one flat list: CWL linkMerge merge_flattened + pickValue
        flat = values[0]
        base = t.strip_optional(flat._type)
        item = t.strip_optional(base.items) if isinstance(base, t.Array) else base
        return Wiring(flat._promises, t.Array(item) if method == "all_non_null" else item,
                      f"pick_value({flat._label}, method={method!r})",
                      link_merge="merge_flattened", pick=method)
    shapes = {type(v) for v in values}
    if len(shapes) == 1 and hasattr(values[0], "_fields"):  # NamedTuples: pick field-wise
        cls = type(values[0])
        if method == "all_non_null":  # typed list[NT], but would be NT of lists: refuse
            raise MisuseError("CG605", "namedtuple_all", cls=cls.__name__,
                              field=cls._fields[0])
        return cls(*(pick_value(*(v[i] for v in values), method=method)  # type: ignore
                     for i in range(len(values[0]))))
    promises = tuple(_promise(v, "pick_value") for v in values)
    if len(promises) == 1:
        base = t.strip_optional(promises[0]._type)
        if not isinstance(base, t.Array):
            raise MisuseError("CG605", "single_scalar", what=promises[0]._short_name,
                              method=method, type=promises[0]._type)
        item = t.strip_optional(base.items)
    else:
        item = t.strip_optional(promises[0]._type)
        for p in promises[1:]:
            other = t.strip_optional(p._type)
            if not (t.assignable(other, item) and t.assignable(item, other)):
                raise MisuseError("CG605", "mixed", first=f"{promises[0]._short_name} ({item})",
                                  other=f"{p._short_name} ({other})")
    result = t.Array(item) if method == "all_non_null" else item
    names = ", ".join(p._short_name for p in promises)
    return Wiring(promises, result, f"pick_value({names}, method={method!r})",
                  link_merge="merge_nested" if len(promises) > 1 else None, pick=method)


def or_default(value: T | None, default: T) -> T:
    """`value`, or `default` when it is null (a skipped step, an optional input not given).
    CWL: a step input with `source` and `default`."""
    p = _promise(value, "or_default")
    try:
        literal = to_cwl_value(default)
    except NotAValue as exc:
        raise MisuseError("CG605", "not_promise", got=f"a default of type {exc}") from None
    wiring = Wiring((p,), t.strip_optional(p._type), f"or_default({p._short_name}, {default!r})",
                    default=literal)
    return wiring  # type: ignore[return-value]


def assume_not_null(value: T | None) -> T:
    """`value` passed where null is not allowed, on your word that it is never null when the
    step runs (an optional input every job gives, a result that is always there). The step
    gets the value unchanged; if it is null after all, the step fails at run time. Without
    it, a `T | None` value into a `T` parameter is an error (CG202). CWL: a plain `source`
    (cwltool only warns about the optional type)."""
    p = _promise(value, "assume_not_null")
    wiring = Wiring((p,), t.strip_optional(p._type), f"assume_not_null({p._short_name})")
    return wiring  # type: ignore[return-value]


def merge_flattened(*values: Any) -> Any:
    """One flat list from several results: lists are concatenated, single values appended.
    CWL `linkMerge: merge_flattened` (merge_nested is what a plain Python list gives)."""
    if not values:
        raise MisuseError("CG605", "empty")
    promises = tuple(_promise(v, "merge_flattened") for v in values)
    items: t.CwlType | None = None
    for p in promises:
        base = t.strip_optional(p._type)
        item = base.items if isinstance(base, t.Array) else p._type
        items = item if items is None else items
    assert items is not None
    names = ", ".join(p._short_name for p in promises)
    return Wiring(promises, t.Array(items), f"merge_flattened({names})",
                  link_merge="merge_flattened")


def each(values: Sequence[T], /) -> T:
    """Scatter over `values` (in `.map(...)`): each job gets one item. `.map` already
    scatters a list given to a parameter that takes one item; `each` says it where the
    parameter does not tell (a parameter typed `Any`, or an input the process does not
    declare: `tool.with_inputs(suffix=each(["1", "2"])).map(...)`). `values` is a list
    result, a workflow input or a literal list. CWL: the step input is listed in `scatter`."""
    if isinstance(values, (list, tuple)):
        if any(isinstance(v, (Promise, Wiring)) for v in values):
            raise MisuseError("CG607", "each_arg", got="a list of step results (merge them "
                              "first: pass them as one list argument)")
        try:
            literal = to_cwl_value(list(values))
        except NotAValue as exc:
            raise MisuseError("CG607", "each_arg", got=f"a value of type {exc}") from None
        wiring = Wiring((), t.Array(t.ANY), f"each({literal!r})", default=literal, each=True)
        return wiring  # type: ignore[return-value]
    if not isinstance(values, Promise):
        raise MisuseError("CG607", "each_arg", got=repr(values)[:60])
    p = _promise(values, "each")
    if not isinstance(p._type, t.Array):
        raise MisuseError("CG607", "each_arg", got=f"{p._label} ({p._type})")
    wiring = Wiring((p,), p._type, f"each({p._short_name})", each=True)
    return wiring  # type: ignore[return-value]


@overload
def value_from(expression: str, /, *, type: type[T], self: Any = None,
               each: Literal[False] = ..., load_contents: bool = ...) -> T: ...
@overload
def value_from(expression: str, /, *, type: type[T], self: Any = None,
               each: Literal[True], load_contents: bool = ...) -> list[T]: ...
@overload
def value_from(expression: str, /, *, type: Any, self: Any = None, each: bool = ...,
               load_contents: bool = ...) -> Any: ...
def value_from(expression: str, /, *, type: Any, self: Any = None, each: bool = False,
               load_contents: bool = False) -> Any:
    """A raw CWL valueFrom expression computed at the step (the escape hatch: `self` is the
    value of `self=`, `inputs` the step's other arguments). `type` is what it yields; the
    expression is checked to name only existing inputs, and gets the JavaScript requirement
    it needs.

    `self=[a, b]` gives the expression the list of several values (CWL: several sources,
    merged into one list). `each=True` (in `.map(...)` only) scatters over the list `self=`
    and runs the expression once per item, `self` being that item (CWL evaluates valueFrom
    after scattering): the argument is the list of `type` results, one per job.
    `load_contents=True` reads the first 64 KiB of the File `self=` into `self.contents`
    first (CWL loadContents on the step input): `value_from("$(parseInt(self.contents))",
    self=f, type=int, load_contents=True)`."""
    if not isinstance(expression, str):
        raise MisuseError("CG607", "value_from", got=repr(expression)[:60])
    try:
        cwl_type = to_cwl_type(type)
    except UnsupportedType:
        raise MisuseError("CG607", "value_from", got=f"type={type!r}") from None
    if isinstance(self, (list, tuple)):
        if not self:
            raise MisuseError("CG605", "not_promise", got="an empty list as self=")
        several = tuple(_promise(v, "value_from") for v in self)
        if each:
            raise MisuseError("CG607", "each_not_list", expr=repr(expression),
                              got="a list of several values")
        return Wiring(several, cwl_type, f"value_from({expression!r})", value_from=expression,
                      link_merge="merge_nested", load_contents=load_contents)
    promises = (_promise(self, "value_from"),) if self is not None else ()
    if each:
        if not promises or not isinstance(t.strip_optional(promises[0]._type), t.Array):
            raise MisuseError("CG607", "each_not_list", expr=repr(expression),
                              got=f"{promises[0]._short_name} ({promises[0]._type})"
                              if promises else "no self=")
        return Wiring(promises, t.Array(cwl_type), f"value_from({expression!r}, each=True)",
                      value_from=expression, each=True, load_contents=load_contents)
    return Wiring(promises, cwl_type, f"value_from({expression!r})", value_from=expression,
                  load_contents=load_contents)
