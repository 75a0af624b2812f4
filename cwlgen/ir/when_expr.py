"""The CWL `when:` expressions the DSL can spell, parsed into a small tree.

`cwlgen import` reads a step's `when` with this and writes `.when(...)` from it: references
to step inputs (`inputs.flag`), comparisons with a literal or another input (`<`, `<=`, `>`,
`>=`, `==`, `===`, `!=`, `!==`; `== null` is `is_null`), `!`, `&&`, `||` and parentheses.
Anything else (function calls, arithmetic, `${...}` bodies) is not parsed: the importer
reports it instead of guessing.
"""

from __future__ import annotations

import json
import re
from typing import Any, Union

from cwlgen.ir.frozen import frozen


@frozen
class Ref:
    """`inputs.name`: the value of a step input."""
    name: str


@frozen
class Literal:
    """A JSON scalar: number, string, true, false, null."""
    value: Any


@frozen
class Compare:
    op: str  # a Python operator: < <= > >= == !=
    left: Ref | Literal
    right: Ref | Literal


@frozen
class IsNull:
    ref: Ref


@frozen
class Not:
    inner: WhenExpr


@frozen
class BoolOp:
    op: str  # "and" | "or"
    items: tuple[WhenExpr, ...]


WhenExpr = Union[Ref, Compare, IsNull, Not, BoolOp]

_TOKEN = re.compile(r"""\s*(?:
    (?P<op>===|!==|==|!=|<=|>=|<|>|&&|\|\||!|\(|\))
  | (?P<ref>inputs\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)|inputs\[(?P<qname>"[^"]*"|'[^']*')\])
  | (?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<word>true|false|null)
)""", re.VERBOSE)

_PY_OP = {"===": "==", "==": "==", "!==": "!=", "!=": "!=", "<": "<", "<=": "<=", ">": ">",
          ">=": ">="}


def parse_when(text: str) -> WhenExpr | None:
    """The tree of `$(...)` text, or None when it is not one the DSL can spell."""
    text = text.strip()
    if not (text.startswith("$(") and text.endswith(")")):
        return None
    body = text[2:-1]
    tokens: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(body):
        if not body[pos:].strip():
            break
        m = _TOKEN.match(body, pos)
        if m is None or m.end() == pos:
            return None
        pos = m.end()
        if m.group("op"):
            tokens.append(("op", m.group("op")))
        elif m.group("ref"):
            name = m.group("name")
            if name is None:
                name = m.group("qname")[1:-1]
            tokens.append(("ref", name))
        elif m.group("num"):
            tokens.append(("lit", json.loads(m.group("num"))))
        elif m.group("str"):
            raw = m.group("str")
            try:
                tokens.append(("lit", json.loads('"' + raw[1:-1].replace('"', '\\"') + '"')
                               if raw[0] == "'" else json.loads(raw)))
            except ValueError:
                return None
        else:
            tokens.append(("lit", {"true": True, "false": False, "null": None}[
                m.group("word")]))
    parser = _Parser(tokens)
    try:
        tree = parser.disjunction()
    except _NotSpellable:
        return None
    return tree if parser.at_end() else None


class _NotSpellable(Exception):
    pass


class _Parser:
    def __init__(self, tokens: list[tuple[str, Any]]) -> None:
        self.tokens = tokens
        self.i = 0

    def at_end(self) -> bool:
        return self.i == len(self.tokens)

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take_op(self, op: str) -> bool:
        if self.peek() == ("op", op):
            self.i += 1
            return True
        return False

    def disjunction(self) -> WhenExpr:
        items = [self.conjunction()]
        while self.take_op("||"):
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else BoolOp("or", tuple(items))

    def conjunction(self) -> WhenExpr:
        items = [self.unary()]
        while self.take_op("&&"):
            items.append(self.unary())
        return items[0] if len(items) == 1 else BoolOp("and", tuple(items))

    def unary(self) -> WhenExpr:
        if self.take_op("!"):
            return Not(self.unary())
        if self.take_op("("):
            inner = self.disjunction()
            if not self.take_op(")"):
                raise _NotSpellable
            return inner
        left = self.operand()
        tok = self.peek()
        if tok is not None and tok[0] == "op" and tok[1] in _PY_OP:
            self.i += 1
            right = self.operand()
            op = _PY_OP[tok[1]]
            null_side = [s for s in (left, right) if s == Literal(None)]
            refs = [s for s in (left, right) if isinstance(s, Ref)]
            if null_side and refs and op in ("==", "!="):
                test: WhenExpr = IsNull(refs[0])
                return test if op == "==" else Not(test)
            if not refs or null_side:
                raise _NotSpellable
            return Compare(op, left, right)
        if not isinstance(left, Ref):
            raise _NotSpellable
        return left

    def operand(self) -> Ref | Literal:
        tok = self.peek()
        if tok is None or tok[0] == "op":
            raise _NotSpellable
        self.i += 1
        return Ref(tok[1]) if tok[0] == "ref" else Literal(tok[1])


def refs_of(expr: WhenExpr) -> list[str]:
    """The step inputs `expr` reads, in order, without repeats."""
    found: list[str] = []

    def walk(e: Any) -> None:
        if isinstance(e, Ref):
            if e.name not in found:
                found.append(e.name)
        elif isinstance(e, Compare):
            walk(e.left)
            walk(e.right)
        elif isinstance(e, IsNull):
            walk(e.ref)
        elif isinstance(e, Not):
            walk(e.inner)
        elif isinstance(e, BoolOp):
            for item in e.items:
                walk(item)

    walk(expr)
    return found
