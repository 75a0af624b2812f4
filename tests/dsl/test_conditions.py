"""Conditions render as the smallest JavaScript (parentheses only where precedence needs
them) and describe themselves as the Python the user wrote."""

from __future__ import annotations

import pytest

from cwlgen import all_of, any_of, is_null, not_
from cwlgen.dsl.values import Condition, Promise
from cwlgen.errors import MisuseError
from cwlgen.ir import WorkflowInputRef
from cwlgen.ir import types as t


def promise(name: str, tp: t.CwlType = t.INT) -> Promise:
    return Promise(WorkflowInputRef(name=name, type=tp), tp, None, f"workflow input '{name}'")


def js(c: Condition) -> str:
    return c.render(lambda p: f"inputs.{p._short_name}")


def test_rendering_uses_the_fewest_parentheses() -> None:
    n, m, flag = promise("n"), promise("m"), promise("flag", t.BOOLEAN)
    assert js(n < 1) == "inputs.n < 1"
    assert js(1 < n) == "inputs.n > 1"  # reflected by Python
    assert js(n == "a") == 'inputs.n === "a"'
    assert js(n != None) == "!(inputs.n === null)"  # noqa: E711
    assert js(all_of(n < 1, any_of(flag, m >= 2))) == (
        "inputs.n < 1 && (inputs.flag || inputs.m >= 2)")
    assert js(any_of(all_of(flag, n < 1), m > 0)) == "inputs.flag && inputs.n < 1 || inputs.m > 0"
    assert js(not_(all_of(flag, is_null(m)))) == "!(inputs.flag && inputs.m === null)"
    assert js(not_(flag)) == "!inputs.flag"


def test_describe_reads_like_the_python() -> None:
    n, flag = promise("n"), promise("flag", t.BOOLEAN)
    assert (n < 1).describe() == "n < 1"
    assert not_(n < 1).describe() == "not_(n < 1)"
    assert all_of(flag, is_null(n)).describe() == "all_of(flag, is_null(n))"


def test_conditions_are_not_bools_and_operands_are_checked() -> None:
    n = promise("n")
    with pytest.raises(MisuseError, match="CG602"):
        bool(n < 1)
    with pytest.raises(MisuseError, match="CG602"):
        n < [1]  # noqa: B015
    with pytest.raises(MisuseError, match="CG602"):
        all_of(n < 1, 3)
    with pytest.raises(MisuseError, match="CG601"):
        bool(n)
