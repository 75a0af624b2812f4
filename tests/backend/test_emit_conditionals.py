"""How conditionals and step-computed values are spelled in CWL: the smallest `when`,
extra inputs only a condition reads, pickValue/linkMerge/valueFrom/default on step inputs
and workflow outputs, ExpressionTool documents, and only the requirements used. Every
document is validated by cwltool."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from fixtures.examples import conditionals as ex

from cwlgen import (
    File,
    any_of,
    expression_tool,
    merge_flattened,
    not_,
    or_default,
    task,
    value_from,
    workflow,
)
from tests.conftest import Built


@attrs.frozen
class Pair:
    type: str
    label: int


@task
def make_pair(n: int) -> Pair:
    return Pair(type="t", label=n)


@task
def use(n: int, switch: bool = False) -> int:
    return n


@task
def gather(values: list[int]) -> int:
    return sum(values)


@workflow
def bool_only(n: int, flag: bool) -> int | None:
    """A bool condition: no JavaScript anywhere."""
    return use.when(flag)(n=n)


def test_a_bool_condition_is_a_parameter_reference_without_javascript(
        cwl_build: Callable[..., Built]) -> None:
    doc = cwl_build(bool_only).doc()
    assert doc["steps"]["use"]["when"] == "$(inputs.flag)"
    assert doc["steps"]["use"]["in"] == {"n": "n", "flag": "flag"}  # not a parameter of use
    assert "requirements" not in doc
    assert doc["outputs"]["out"] == {"type": "int?", "outputSource": "use/out"}


@workflow
def extra_inputs(n: int, flag: bool, other: bool) -> int | None:
    """The condition reads `other` (not an argument), an output, and `flag`, which is also
    passed (so read through that argument)."""
    first = use(n=n)
    return use.when(any_of(not_(other), first > 2, flag))(n=n, switch=flag)


def test_values_only_the_condition_reads_become_extra_step_inputs(
        cwl_build: Callable[..., Built]) -> None:
    step = cwl_build(extra_inputs).doc()["steps"]["use_2"]
    # `out` is free, so the step output keeps its name; `other` is a workflow input
    assert step["in"] == {"n": "n", "switch": "flag", "other": "other", "out": "use/out"}
    assert step["when"] == "$(!inputs.other || inputs.out > 2 || inputs.switch)"


@workflow
def clash(n: int, switch: bool) -> int | None:
    """The condition reads a workflow input named like a parameter the call leaves out."""
    return use.when(switch)(n=n)


def test_an_extra_input_never_takes_the_name_of_a_parameter(
        cwl_build: Callable[..., Built]) -> None:
    step = cwl_build(clash).doc()["steps"]["use"]
    assert step["in"] == {"n": "n", "switch_2": "switch"}
    assert step["when"] == "$(inputs.switch_2)"


@workflow
def computed(n: int, flag: bool) -> list[int]:
    """Record fields named like promise internals, or_default, value_from, merge_flattened."""
    pair = make_pair(n=n)
    maybe = use.when(flag)(n=n)
    a = use(n=pair.label)
    b = use(n=or_default(maybe, 7))
    c = use(n=value_from("$(inputs.switch ? self : 0)", self=n, type=int), switch=flag)
    d = gather(values=merge_flattened(a, b, c))
    return merge_flattened(a, d)


def test_step_inputs_computed_at_the_step(cwl_build: Callable[..., Built]) -> None:
    doc = cwl_build(computed).doc()
    steps = doc["steps"]
    assert steps["use_2"]["in"]["n"] == {"source": "make_pair/out", "valueFrom": "$(self.label)"}
    assert steps["use_3"]["in"]["n"] == {"source": "use/out", "default": 7}
    assert steps["use_4"]["in"]["n"] == {"source": "n",
                                         "valueFrom": "$(inputs.switch ? self : 0)"}
    assert steps["gather"]["in"]["values"] == {
        "source": ["use_2/out", "use_3/out", "use_4/out"], "linkMerge": "merge_flattened"}
    assert doc["outputs"]["out"] == {"type": "int[]",
                                     "outputSource": ["use_2/out", "gather/out"],
                                     "linkMerge": "merge_flattened"}
    assert [r["class"] for r in doc["requirements"]] == [
        "InlineJavascriptRequirement", "MultipleInputFeatureRequirement",
        "StepInputExpressionRequirement"]


def test_a_field_that_is_only_a_parameter_reference_needs_no_javascript(
        cwl_build: Callable[..., Built]) -> None:
    @workflow
    def field_only(n: int) -> int:
        """Reads a field."""
        return use(n=make_pair(n=n).label)

    doc = cwl_build(field_only).doc()
    assert [r["class"] for r in doc["requirements"]] == ["StepInputExpressionRequirement"]


def test_pick_value_on_outputs_and_step_inputs(cwl_build: Callable[..., Built]) -> None:
    doc = cwl_build(ex.choose).doc()
    assert doc["outputs"]["only"] == {
        "type": "int", "outputSource": ["double/out", "negate/out"],
        "linkMerge": "merge_nested", "pickValue": "the_only_non_null"}
    assert doc["outputs"]["kept"]["pickValue"] == "all_non_null"
    assert doc["outputs"]["kept"]["outputSource"] == "double_3/out"
    assert doc["steps"]["summarise"]["in"]["values"] == {
        "source": "double_3/out", "pickValue": "all_non_null"}
    scatter = doc["steps"]["double_3"]
    assert (scatter["scatter"], scatter["when"]) == ("x", "$(inputs.x < 3)")


def test_expression_tool_document(cwl_build: Callable[..., Built]) -> None:
    @expression_tool("${ return {'total': inputs.a + inputs.b}; }")
    def plus(a: int, b: int = 1) -> Any:
        """Add in JavaScript."""

    doc: dict[str, Any] = cwl_build(plus).doc()
    assert doc == {
        "cwlVersion": "v1.2", "class": "ExpressionTool", "label": "Add in JavaScript.",
        "requirements": [{"class": "InlineJavascriptRequirement"}],
        "inputs": {"a": {"type": "int"}, "b": {"type": "int", "default": 1}},
        "outputs": {"out": {"type": "Any"}},
        "expression": "${ return {'total': inputs.a + inputs.b}; }",
    }


@task
def touch(name: str) -> File:
    open(name, "w").close()
    return File(name)


@workflow
def maybe_file(name: str, make: bool) -> File | None:
    """A conditional File output."""
    return touch.when(make)(name=name)


def test_conditional_files_validate(cwl_build: Callable[..., Built]) -> None:
    assert cwl_build(maybe_file).doc()["outputs"]["out"]["type"] == "File?"


@workflow
def batched_when(items: list[int], flag: bool) -> list[int | None]:
    """A conditional .map asked to batch."""
    return use.when(flag).map(n=items, batch=2)  # type: ignore[no-any-return]


def test_a_conditional_map_is_not_batched_and_says_why(cwl_build: Callable[..., Built]) -> None:
    import cwlgen

    found = cwlgen.check(batched_when)
    assert [d.code for d in found] == []
    notes = [d for d in cwlgen.compile(batched_when).warnings if d.code == "CG213"]
    assert len(notes) == 1 and "it is conditional (.when)" in notes[0].message
    doc = cwl_build(batched_when).doc()
    assert list(doc["steps"]) == ["use"]  # no chunk/run/flatten: the `when` is kept
    assert doc["steps"]["use"]["when"] == "$(inputs.flag)"
