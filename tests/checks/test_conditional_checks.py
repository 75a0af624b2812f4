"""The checks issue 9 adds: nullability introduced by `when` and removed by pick_value /
or_default, the types pick_value and merge_flattened yield (scatter depth included), and
expressions that name inputs which do not exist."""

from __future__ import annotations

from typing import Annotated, NamedTuple

import cwlgen
from cwlgen import (
    Arg,
    expression_tool,
    merge_flattened,
    or_default,
    pick_value,
    task,
    tool,
    value_from,
    workflow,
)


@task
def one(x: int) -> int:
    return x


@task
def many(xs: list[int]) -> list[int]:
    return xs


@task
def maybe(x: int | None = None) -> int:
    return x or 0


def codes(definition: object) -> list[str]:
    return [d.code for d in cwlgen.check(definition)]


def test_a_conditional_result_may_go_where_null_is_accepted() -> None:
    @workflow
    def fine(x: int, flag: bool) -> int:
        """Optional parameter."""
        return maybe(x=one.when(flag)(x=x))

    assert codes(fine) == []


def test_pick_value_and_or_default_remove_the_null() -> None:
    @workflow
    def fine(x: int, flag: bool) -> int:
        """Both fixes."""
        a = one.when(flag)(x=x)
        b = one.when(flag)(x=x)
        return one(x=or_default(one.when(flag)(x=pick_value(a, b)), 1))

    assert codes(fine) == []


def test_all_non_null_gives_a_list_and_a_list_is_no_int() -> None:
    @workflow
    def wrong(x: int, flag: bool) -> int:
        """all_non_null into an int."""
        a = one.when(flag)(x=x)
        return one(x=pick_value(a, a, method="all_non_null"))

    found = cwlgen.check(wrong)
    assert [d.code for d in found] == ["CG201"]
    assert "int[]" in found[0].message


def test_merge_flattened_has_the_depth_of_one_flat_list() -> None:
    @workflow
    def flat(x: int) -> list[int]:
        """A flattened list fits list[int]; .map over it scatters each item into int."""
        both = merge_flattened(many(xs=[x, x]), one(x=x))
        whole = many(xs=both)
        return one.map(x=merge_flattened(whole, one(x=x)))

    assert codes(flat) == []
    out = cwlgen.compile(flat).documents["flat.cwl"]["steps"]["one_3"]
    assert out["scatter"] == "x"


def test_a_nested_list_is_not_flattened_by_merge_nested() -> None:
    @workflow
    def nested(x: int) -> list[int]:
        """A plain list of lists into list[int] is a depth mismatch."""
        return many(xs=[many(xs=[x]), many(xs=[x])])

    assert codes(nested) == ["CG201", "CG201"]  # one per item


def test_or_default_checks_its_default_against_the_parameter() -> None:
    @workflow
    def bad(x: int, flag: bool) -> int:
        """A string default for an int."""
        return one(x=or_default(one.when(flag)(x=x), "three"))  # type: ignore[arg-type]

    assert codes(bad) == ["CG206"]


def test_expressions_in_tools_name_existing_inputs() -> None:
    @tool("echo", arguments=["$(inputs.mesage)"])
    def shout(message: Annotated[str, Arg(bind=False)]) -> None:
        """Echo."""

    found = cwlgen.check(shout)
    assert [d.code for d in found] == ["CG606"]
    assert "did you mean 'message'?" in found[0].message


def test_value_from_reads_the_step_arguments_only() -> None:
    @workflow
    def typo(x: int, y: int) -> int:
        """`inputs.y` is a workflow input, not an argument of the step."""
        return one(x=value_from("$(self + inputs.y)", self=x, type=int))

    assert codes(typo) == ["CG606"]


def test_expression_tools_are_typed_like_any_process() -> None:
    @expression_tool("$({'out': inputs.x * 2})")
    def twice(x: int) -> int:
        """Double in JavaScript."""

    @workflow
    def uses(x: str) -> int:
        """A str into an int parameter."""
        return twice(x=x)  # type: ignore[arg-type]

    assert codes(uses) == ["CG201"]


def test_javascript_handed_to_task_names_expression_tool() -> None:
    import pytest

    with pytest.raises(cwlgen.UsageError, match=r"CG607.*@expression_tool"):
        task("${ return {'out': 1}; }")  # type: ignore[call-overload]


def test_probing_a_promise_for_an_attribute_is_false_not_an_error() -> None:
    seen: list[bool] = []

    @workflow
    def probes(x: int) -> int:
        """Code that probes values with hasattr keeps working."""
        seen.append(hasattr(x, "to_cwl"))
        return one(x=x)

    assert codes(probes) == []
    assert seen == [False]


class Two(NamedTuple):
    a: int
    b: int


@task
def two(x: int) -> Two:
    return Two(a=x, b=x)


def test_all_non_null_over_namedtuple_results_is_refused() -> None:
    @workflow
    def picks(x: int, flag: bool) -> list[int]:
        """all_non_null over NamedTuples."""
        first = two.when(flag)(x=x)
        second = two.when(flag)(x=x)
        return pick_value(first, second, method="all_non_null")  # type: ignore[return-value]

    found = [d for d in cwlgen.check(picks) if d.severity == "error"]
    assert [d.code for d in found] == ["CG605"]
    assert "pick_value(a.a, b.a" in found[0].message
