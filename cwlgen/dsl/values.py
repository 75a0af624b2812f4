"""The inert values a workflow body handles while it is traced: `Promise` (the future value of
a workflow input or step output), `Condition` (what `.when(...)` runs on: comparisons of
promises and all_of/any_of/not_/is_null) and `Wiring` (a value computed where it is used:
pick_value, or_default, merge_flattened, value_from).

None of them can be inspected: using one as a Python value (`if p:`, `p < 1` outside
`.when`, `p.x` on a non-record) raises a `MisuseError` with a registry code, which tracing
turns into a diagnostic at the user's line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

from cwlgen.errors import FieldMisuseError, MisuseError, UsageError
from cwlgen.ir import NO_DEFAULT, Source, WorkflowInputRef
from cwlgen.ir import types as t
from cwlgen.ir.location import SourceLocation


class Promise:
    """The future value of a workflow input or step output, seen while tracing.

    It has a CWL type and a source; it cannot be inspected, only passed to other calls,
    compared (which makes a `Condition` for `.when`), or asked for a record field (`path`:
    computed at the step that receives it, CWL valueFrom).
    """

    __slots__ = ("_source", "_type", "_loc", "_label", "_path")

    def __init__(self, source: Source, type: t.CwlType, loc: SourceLocation | None, label: str,
                 path: tuple[str, ...] = ()):
        self._source = source
        self._type = type
        self._loc = loc
        self._label = label
        self._path = path

    def __repr__(self) -> str:
        return f"<promise {self._label}: {self._type}>"

    @property
    def _short_name(self) -> str:
        """How the user would name it: `n`, `align.out`, `align.out.count`."""
        base = (self._source.name if isinstance(self._source, WorkflowInputRef)
                else f"{self._source.step}.{self._source.output}")
        return ".".join((base, *self._path))

    def _refuse(self, what: str, instead: str) -> NoReturn:
        raise UsageError(
            f"{self._label} is only known when the workflow runs, so it cannot be {what} while "
            f"the workflow is compiled; {instead}"
        )

    def __bool__(self) -> bool:
        raise MisuseError("CG601", what=self._label, expr=self._short_name)

    __hash__ = object.__hash__

    def __lt__(self, other: Any) -> Condition:
        return Condition("<", (self, _operand_value(other)))

    def __le__(self, other: Any) -> Condition:
        return Condition("<=", (self, _operand_value(other)))

    def __gt__(self, other: Any) -> Condition:
        return Condition(">", (self, _operand_value(other)))

    def __ge__(self, other: Any) -> Condition:
        return Condition(">=", (self, _operand_value(other)))

    def __eq__(self, other: object) -> Condition:  # type: ignore[override]
        if other is None:
            return Condition("is_null", (self,))
        return Condition("==", (self, _operand_value(other)))

    def __ne__(self, other: object) -> Condition:  # type: ignore[override]
        if other is None:
            return Condition("not", (Condition("is_null", (self,)),))
        return Condition("!=", (self, _operand_value(other)))

    def __getattr__(self, name: str) -> Promise:
        if name.startswith("_"):
            raise AttributeError(name)
        base = self._type
        if isinstance(base, t.Optional) and isinstance(base.inner, t.Record):
            raise FieldMisuseError("CG603", "optional", what=self._label, type=self._type,
                                   field=name)
        if not isinstance(base, t.Record):
            raise FieldMisuseError("CG603", "not_record", what=self._label, type=self._type,
                              field=name)
        for f in base.fields:
            if f.name == name:
                return Promise(self._source, f.type, self._loc, f"field '{name}' of {self._label}",
                               (*self._path, name))
        names = [f.name for f in base.fields]
        import difflib  # only when suggesting a name

        close = difflib.get_close_matches(name, names, n=1)
        suggestion = (f"; did you mean '{close[0]}'?" if close
                      else f"; its fields: {', '.join(names)}")
        raise FieldMisuseError("CG603", "no_field", what=self._label, type=self._type, field=name,
                          suggestion=suggestion)

    def __iter__(self) -> Iterator[Any]:
        self._refuse("iterated", "use task.map(param=...) to run a task once per item")

    def __len__(self) -> int:
        self._refuse("measured with len()", "pass the list to a task that needs its length")

    def __getitem__(self, key: Any) -> Any:
        self._refuse("indexed", "pass the whole list on, or pick items inside a task")

    def __fspath__(self) -> str:
        self._refuse("used as a path", "pass it to a task or tool, which gets a real path")

    def __index__(self) -> int:
        self._refuse("used as a number", "pass it to a task that does the arithmetic")

    def __format__(self, spec: str) -> str:
        self._refuse("formatted into a string", "pass it to a task, or use Arg(prefix=...)")


def _operand_value(value: Any) -> Any:
    """The other side of a comparison: a promise or a JSON scalar."""
    if isinstance(value, Promise) or value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise MisuseError("CG602", "operand", what=repr(value)[:60], function="a comparison")


#: Python operator -> JavaScript operator
JS_OPERATORS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "===", "!=": "!=="}
# JavaScript precedence (higher binds tighter): a child binding looser than its parent is
# parenthesised, nothing else is
_PRECEDENCE = {"or": 4, "and": 5, "==": 9, "!=": 9, "<": 10, "<=": 10, ">": 10, ">=": 10,
               "not": 14, "leaf": 20}


class Condition:
    """A boolean expression over promises, evaluated by the engine when the step is reached.

    `op` is a comparison operator, "and", "or", "not", "is_null"; `args` are promises,
    literals or conditions."""

    __slots__ = ("op", "args")

    def __init__(self, op: str, args: tuple[Any, ...]) -> None:
        self.op = op
        self.args = args

    def __bool__(self) -> NoReturn:
        raise MisuseError("CG602", "tested", expr=self.describe())

    def __repr__(self) -> str:
        return f"<condition {self.describe()}>"

    def promises(self) -> list[Promise]:
        """Every promise the condition reads, in the order written (no duplicates)."""
        found: list[Promise] = []
        for arg in self.args:
            inner = arg.promises() if isinstance(arg, Condition) else (
                [arg] if _is_promise(arg) else [])
            for p in inner:
                if not any(p is q for q in found):
                    found.append(p)
        return found

    def describe(self) -> str:
        """The condition as the user wrote it (roughly), for messages."""
        return self._text(lambda p: p._short_name, python=True)[0]

    def render(self, name_of: Callable[[Promise], str]) -> str:
        """The JavaScript of the condition; `name_of` spells a promise (`inputs.n`)."""
        return self._text(name_of, python=False)[0]

    def _text(self, name_of: Callable[[Promise], str], python: bool) -> tuple[str, int]:
        prec = _PRECEDENCE["leaf"] if self.op == "is_null" else _PRECEDENCE[self.op]
        if self.op == "is_null":
            inner = _operand(self.args[0], name_of, python, _PRECEDENCE["=="])
            return (f"is_null({inner})" if python else f"{inner} === null"), _PRECEDENCE[
                "leaf" if python else "=="]
        if self.op == "not":
            if python:
                return f"not_({_operand(self.args[0], name_of, True, 0)})", _PRECEDENCE["leaf"]
            return f"!{_operand(self.args[0], name_of, False, prec + 1)}", prec
        if self.op in ("and", "or"):
            if python:
                fn = "all_of" if self.op == "and" else "any_of"
                inner = ", ".join(_operand(a, name_of, True, 0) for a in self.args)
                return f"{fn}({inner})", _PRECEDENCE["leaf"]
            parts = [_operand(a, name_of, False, prec) for a in self.args]
            return f" {'&&' if self.op == 'and' else '||'} ".join(parts), prec
        left = _operand(self.args[0], name_of, python, prec)
        right = _operand(self.args[1], name_of, python, prec + 1)
        op = self.op if python else JS_OPERATORS[self.op]
        return f"{left} {op} {right}", prec


def _is_promise(value: Any) -> bool:
    return isinstance(value, Promise)


def _operand(value: Any, name_of: Callable[[Promise], str], python: bool, need: int) -> str:
    """One operand, parenthesised when it binds looser than its place needs."""
    if isinstance(value, Condition):
        text, prec = value._text(name_of, python)
        return f"({text})" if prec < need else text
    if _is_promise(value):
        return name_of(value)
    if python:
        return repr(value)
    return json.dumps(value)



class Wiring:
    """How one step input (or workflow output) is computed from promises at run time."""

    __slots__ = ("_promises", "_link_merge", "_pick", "_default", "_value_from", "_type",
                 "_label", "_each", "_load_contents")

    def __init__(
        self,
        promises: tuple[Promise, ...],
        type: t.CwlType,
        label: str,
        *,
        link_merge: str | None = None,
        pick: str | None = None,
        default: Any = NO_DEFAULT,
        value_from: str | None = None,
        each: bool = False,
        load_contents: bool = False,
    ) -> None:
        self._promises = promises
        self._load_contents = load_contents  # value_from(..., load_contents=True)
        self._each = each  # value_from(..., each=True): scattered, evaluated per item
        self._type = type
        self._label = label
        self._link_merge = link_merge
        self._pick = pick
        self._default = default
        self._value_from = value_from

    def __repr__(self) -> str:
        return f"<{self._label}: {self._type}>"

    def __bool__(self) -> bool:
        raise MisuseError("CG601", what=self._label, expr=self._label)
