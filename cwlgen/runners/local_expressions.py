"""The CWL expressions `run_local` evaluates without a JavaScript engine: exactly what cwlgen
emits for conditions and record fields (`$(inputs.flag)`, `$(inputs.n < 1 && !inputs.b)`,
`$(inputs.x === null)`, `$(self.count)`), plus CWL's pickValue and linkMerge.

Anything else (a raw `value_from`, an ExpressionTool) is refused with a clear message: run
the compiled CWL with cwltool instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cwlgen.errors import RunError

_TOKEN = re.compile(r"""\s*(?:(?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<str>"(?:[^"\\]|\\.)*")
    |(?P<ref>(?:inputs|self)(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|(?P<kw>true|false|null)
    |(?P<op>===|!==|<=|>=|&&|\|\||[<>!()]))""", re.X)


class NotEvaluable(Exception):
    """The expression is outside the subset run_local evaluates."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise NotEvaluable(text)
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    """Precedence climbing over the tokens: || < && < equality < relational < ! < atoms."""

    def __init__(self, tokens: list[tuple[str, str]], scope: Mapping[str, Any]) -> None:
        self.tokens = tokens
        self.i = 0
        self.scope = scope

    def peek(self) -> str | None:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.i >= len(self.tokens):
            raise NotEvaluable("unexpected end")
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self) -> Any:
        value = self.or_()
        if self.i != len(self.tokens):
            raise NotEvaluable("trailing text")
        return value

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == "||":
            self.take()
            right = self.and_()
            value = value or right
        return value

    def and_(self) -> Any:
        value = self.equality()
        while self.peek() == "&&":
            self.take()
            right = self.equality()
            value = value and right
        return value

    def equality(self) -> Any:
        value = self.relational()
        while self.peek() in ("===", "!=="):
            op = self.take()[1]
            right = self.relational()
            same = type(value) is type(right) and value == right or (
                isinstance(value, (int, float)) and isinstance(right, (int, float))
                and not isinstance(value, bool) and not isinstance(right, bool)
                and value == right)
            value = same if op == "===" else not same
        return value

    def relational(self) -> Any:
        value = self.unary()
        while self.peek() in ("<", "<=", ">", ">="):
            op = self.take()[1]
            right = self.unary()
            if value is None or right is None:
                raise NotEvaluable("comparison with null")
            try:
                value = {"<": value < right, "<=": value <= right, ">": value > right,
                         ">=": value >= right}[op]
            except TypeError:
                raise NotEvaluable(f"comparison of {value!r} with {right!r}") from None
        return value

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not self.unary()
        return self.atom()

    def atom(self) -> Any:
        kind, text = self.take()
        if text == "(" and kind == "op":
            value = self.or_()
            if self.take()[1] != ")":
                raise NotEvaluable("unbalanced parentheses")
            return value
        if kind == "num":
            return float(text) if any(c in text for c in ".eE") else int(text)
        if kind == "str":
            import json

            return json.loads(text)
        if kind == "kw":
            return {"true": True, "false": False, "null": None}[text]
        if kind == "ref":
            root, *path = text.split(".")
            value = self.scope.get(root)
            for name in path:
                if not isinstance(value, Mapping):
                    raise NotEvaluable(f"{text}: not a record")
                value = value.get(name)
            return value
        raise NotEvaluable(text)


def evaluate(expression: str, *, inputs: Mapping[str, Any], self: Any = None,
             where: str) -> Any:
    """The value of a `$(...)` expression of the subset; RunError for anything else."""
    m = re.fullmatch(r"\s*\$\((?P<body>.*)\)\s*", expression, re.S)
    try:
        if m is None:
            raise NotEvaluable(expression)
        return _Parser(_tokens(m["body"]), {"inputs": inputs, "self": self}).parse()
    except NotEvaluable:
        raise RunError(f"{where}: run_local does not run JavaScript, and {expression!r} is "
                       "more than a condition or a record field cwlgen writes itself; run "
                       "the compiled CWL with cwltool (cwlgen.run)") from None


def pick(values: list[Any], method: str, where: str) -> Any:
    """CWL pickValue over the (merged) values."""
    present = [v for v in values if v is not None]
    if method == "all_non_null":
        return present
    if method == "first_non_null":
        if not present:
            raise RunError(f"{where}: pick_value(method='first_non_null') found only nulls")
        return present[0]
    if len(present) != 1:
        raise RunError(f"{where}: pick_value(method='the_only_non_null') found "
                       f"{len(present)} non-null values, not exactly one")
    return present[0]


def link_merge(values: list[Any], method: str) -> list[Any]:
    """CWL linkMerge: merge_nested keeps one item per source, merge_flattened concatenates
    lists and appends other values."""
    if method == "merge_nested":
        return values
    out: list[Any] = []
    for v in values:
        out.extend(v if isinstance(v, list) else [v])
    return out
