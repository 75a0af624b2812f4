"""run_local runs conditionals like cwltool does (tests/e2e/test_conditionals_run.py checks
the two agree): skipped steps yield null, pick_value's three methods and their failures,
or_default, record fields, merge_flattened, conditional scatter per item."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.examples import conditionals as ex

import cwlgen
from cwlgen import merge_flattened, pick_value, task, workflow


@pytest.mark.parametrize(("x", "flag", "items", "limit"), [
    (3, True, [1, 2, 3, 4], None), (3, False, [5], 4), (1, False, [0, 7, 2], None),
    (5, True, [], 2),
])
def test_choose_computes_what_the_conditions_say(
        x: int, flag: bool, items: list[int], limit: int | None, tmp_path: Path) -> None:
    got = cwlgen.run_local(ex.choose, _workdir=tmp_path, x=x, flag=flag, items=items,
                           limit=limit)
    chosen = 2 * x if flag else -x
    kept = [2 * i for i in items if i < 3]
    big = 2 * x if x > 2 and (flag or limit is None) else None
    assert got == ex.Choice(chosen=chosen, only=chosen, kept=kept,
                            described=f"{len(kept)}:{','.join(map(str, kept))}",
                            fallback=2 * (big if big is not None else 100))


@task
def one(x: int) -> int:
    return x


@workflow
def only_one(x: int, a: bool, b: bool) -> int:
    """the_only_non_null over two conditional steps."""
    return pick_value(one.when(a)(x=x), one.when(b)(x=x),
                      method="the_only_non_null")


def test_the_only_non_null_fails_unless_exactly_one_ran(tmp_path: Path) -> None:
    assert cwlgen.run_local(only_one, _workdir=tmp_path, x=4, a=True, b=False) == 4
    with pytest.raises(cwlgen.RunError, match="found 2 non-null values"):
        cwlgen.run_local(only_one, _workdir=tmp_path, x=4, a=True, b=True)
    with pytest.raises(cwlgen.RunError, match="found 0 non-null values"):
        cwlgen.run_local(only_one, _workdir=tmp_path, x=4, a=False, b=False)


@workflow
def flat(x: int) -> list[int]:
    """merge_flattened of a list and a single value, as a workflow output."""
    return merge_flattened(one.map(x=[x, x]), one(x=x))


def test_merge_flattened_concatenates_lists_and_appends_values(tmp_path: Path) -> None:
    assert cwlgen.run_local(flat, _workdir=tmp_path, x=2) == [2, 2, 2]


def test_the_expression_subset_run_local_evaluates() -> None:
    from cwlgen.runners.local_expressions import evaluate

    inputs = {"n": 2, "flag": False, "name": "a\"b", "rec": {"k": 3}, "none": None}
    cases = {
        "$(inputs.flag)": False,
        "$(!inputs.flag && inputs.n >= 2)": True,
        "$(inputs.n < 1 || (inputs.rec.k === 3 && inputs.none === null))": True,
        "$(inputs.name === \"a\\\"b\")": True,
        "$(inputs.n !== 2.0)": False,
        "$(inputs.n > -1.5e0)": True,
    }
    for text, want in cases.items():
        assert evaluate(text, inputs=inputs, where="t") is want, text
    assert evaluate("$(self.k)", inputs={}, self={"k": 7}, where="t") == 7
    for refused in ("$(inputs.n + 1)", "${ return 1; }", "$(inputs.name < 3)"):
        with pytest.raises(cwlgen.RunError, match="does not run JavaScript"):
            evaluate(refused, inputs=inputs, where="t")
