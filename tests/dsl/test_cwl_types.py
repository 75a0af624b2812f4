"""Issue 9, item 5: Long/Double, unions, null: Python annotations -> CWL types, the
assignability rules the checks use, and values checked against them."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fixtures.examples import cwl_types as ty

import cwlgen
from cwlgen import Directory, Double, File, Long, tool, workflow
from cwlgen.dsl.typemap import to_cwl_type
from cwlgen.ir import types as t


@pytest.mark.parametrize(("annotation", "cwl"), [
    (Long, t.LONG),
    (Double, t.DOUBLE),
    (list[Long], t.Array(t.LONG)),
    (Long | None, t.Optional(t.LONG)),
    (int | str, t.OneOf((t.INT, t.STRING))),
    (File | Directory, t.OneOf((t.FILE, t.DIRECTORY))),
    (int | str | None, t.Optional(t.OneOf((t.INT, t.STRING)))),
    (int | list[str], t.OneOf((t.INT, t.Array(t.STRING)))),
    (None, t.NULL),
    (Any, t.ANY),
], ids=repr)
def test_annotations_map_to_cwl_types(annotation: Any, cwl: t.CwlType) -> None:
    assert to_cwl_type(annotation) == cwl


def test_union_assignability_needs_every_source_member_to_fit() -> None:
    either = t.OneOf((t.INT, t.STRING))
    assert t.assignable(t.INT, either) and t.assignable(t.STRING, either)
    assert not t.assignable(either, t.INT)
    assert t.assignable(either, t.OneOf((t.STRING, t.INT, t.FILE)))
    assert not t.assignable(t.Optional(either), either)
    assert t.assignable(t.NULL, t.Optional(t.INT)) and not t.assignable(t.NULL, t.INT)


def test_ints_widen_to_long_and_floats_to_double_but_never_back() -> None:
    assert t.assignable(t.INT, t.LONG) and t.assignable(t.FLOAT, t.DOUBLE)
    assert not t.assignable(t.LONG, t.INT) and not t.assignable(t.DOUBLE, t.FLOAT)


def test_values_beyond_32_bits_fit_long_only() -> None:
    assert t.check_value(2**40, t.LONG) and not t.check_value(2**40, t.INT)
    assert not t.check_value(2**63, t.LONG)
    assert t.check_value("x", t.OneOf((t.INT, t.STRING)))
    assert not t.check_value(1.5, t.OneOf((t.INT, t.STRING)))
    assert t.check_value(None, t.NULL) and not t.check_value(0, t.NULL)


def test_a_long_default_beyond_32_bits_is_accepted_and_an_int_one_refused() -> None:
    @tool("echo")
    def wide(n: Long = 2**40) -> None:
        """A long default."""

    @tool("echo")
    def narrow(n: int = 2**40) -> None:
        """An int default that does not fit."""

    assert cwlgen.check(wide) == []
    assert [d.code for d in cwlgen.check(narrow)] == ["CG106"]


def test_a_long_cannot_feed_an_int_parameter() -> None:
    @tool("echo")
    def takes_int(n: int) -> None:
        """Takes a 32-bit int."""

    @workflow
    def wf(n: Long) -> None:
        takes_int(n=n)

    assert [d.code for d in cwlgen.check(wf)] == ["CG201"]


def test_a_task_union_of_scalars_is_fine() -> None:
    assert cwlgen.check(ty.describe) == []


def test_the_types_fixture_compiles_and_validates(cwl_build: Any) -> None:
    built = cwl_build(ty.numbers_and_unions)
    assert built.doc()["inputs"]["path"]["type"] == ["File", "Directory"]
    assert built.doc()["outputs"]["back"]["type"] == "long"


def test_annotated_metadata_does_not_hide_long() -> None:
    assert to_cwl_type(Annotated[Long, "doc"]) == t.LONG
