"""The CWL `when:` expressions the importer can spell as `.when(...)`, and those it cannot."""

from __future__ import annotations

import pytest

from cwlgen.ir.when_expr import (
    BoolOp,
    Compare,
    IsNull,
    Literal,
    Not,
    Ref,
    parse_when,
    refs_of,
)


def test_comparisons_boolean_operators_and_null_tests_parse() -> None:
    assert parse_when("$(inputs.flag)") == Ref("flag")
    assert parse_when("$(inputs.val > 2)") == Compare(">", Ref("val"), Literal(2))
    assert parse_when("$(inputs.s === 'a b')") == Compare("==", Ref("s"), Literal("a b"))
    assert parse_when('$(inputs["in"] !== null)') == Not(IsNull(Ref("in")))
    tree = parse_when("$(!inputs.a && (inputs.b == null || inputs.c <= inputs.d))")
    assert tree == BoolOp("and", (Not(Ref("a")), BoolOp("or", (
        IsNull(Ref("b")), Compare("<=", Ref("c"), Ref("d"))))))
    assert tree is not None and refs_of(tree) == ["a", "b", "c", "d"]


@pytest.mark.parametrize("text", [
    "$(inputs.n % 2 == 0)",            # arithmetic
    "$(inputs.a.length > 1)",          # a field of a value
    "${ return inputs.flag; }",        # a function body
    "$(false)",                        # a constant
    "$(1 < 2)",                        # no step input read
    "$(inputs.a > )",                  # not JavaScript
    "$(inputs.a == null == true)",     # chained
])
def test_everything_else_is_not_parsed(text: str) -> None:
    assert parse_when(text) is None
