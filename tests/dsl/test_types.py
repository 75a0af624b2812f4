"""Python annotations -> CWL types: every supported type is emitted as the CWL syntax the
docs promise, cwltool accepts the document, and a tool using them all runs with the values
bound as expected. Unsupported annotations are diagnostics, not crashes."""

from __future__ import annotations

import dataclasses
import enum
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import attrs
import pytest
from conftest import Built, file_obj, read_output
from fixtures.examples import features as fx

import cwlgen
from cwlgen import Arg, Directory, File, stdout, tool
from cwlgen.ir import types as t

NO = object()


class Shade(enum.Enum):
    DARK = "dark"
    LIGHT = "light"


class Size(enum.Enum):
    SMALL = 1
    LARGE = 2


@attrs.define
class Point:
    x: int
    y: float | None = None


@dataclasses.dataclass
class Tagged:
    tags: list[str]
    shade: Shade
    where: Point


def one_param_tool(annotation: Any, default: Any = NO, name: str = "value") -> Any:
    """A @tool `echo` with one parameter `value: annotation [= default]`, built at run time."""

    def func(value):  # type: ignore[no-untyped-def]  # noqa: ANN001,ANN202
        """A generated tool."""

    func.__annotations__ = {"value": annotation, "return": Annotated[File, stdout()]}
    if default is not NO:
        func.__defaults__ = (default,)
    func.__name__ = func.__qualname__ = name
    return tool("echo")(func)


FLAG = Arg(prefix="--flag")
TYPE_TABLE: list[tuple[str, Any, Any]] = [
    ("File", File, "File"),
    ("Directory", Directory, "Directory"),
    ("str", str, "string"),
    ("int", int, "int"),
    ("float", float, "float"),
    ("bool", Annotated[bool, FLAG], "boolean"),
    ("Any", Any, "Any"),
    ("optional", int | None, "int?"),
    ("typing.Optional", typing.Optional[str], "string?"),  # noqa: UP045
    ("optional bool", Annotated[bool, FLAG] | None, "boolean?"),
    ("list", list[File], "File[]"),
    ("optional list", list[Directory] | None, "Directory[]?"),
    ("list of optionals", list[int | None], {"type": "array", "items": ["null", "int"]}),
    ("nested list", list[list[str]],
     {"type": "array", "items": {"type": "array", "items": "string"}}),
    ("deeply nested optional", list[list[File] | None] | None,
     ["null", {"type": "array", "items": ["null", {"type": "array", "items": "File"}]}]),
    ("string enum", Shade, {"type": "enum", "symbols": ["dark", "light"]}),
    ("int enum uses names", Size, {"type": "enum", "symbols": ["SMALL", "LARGE"]}),
    ("Literal", Literal["fast", "slow"], {"type": "enum", "symbols": ["fast", "slow"]}),
    ("list of enums", list[Shade],
     {"type": "array", "items": {"type": "enum", "symbols": ["dark", "light"]}}),
    ("attrs record", Point, {"type": "record", "fields": [
        {"name": "x", "type": "int"}, {"name": "y", "type": "float?"}]}),
    ("dataclass record", Tagged, {"type": "record", "fields": [
        {"name": "tags", "type": "string[]"},
        {"name": "shade", "type": {"type": "enum", "symbols": ["dark", "light"]}},
        {"name": "where", "type": {"type": "record", "fields": [
            {"name": "x", "type": "int"}, {"name": "y", "type": "float?"}]}},
    ]}),
    ("Annotated passes through", Annotated[list[int], Arg(item_separator=",")], "int[]"),
]


@pytest.mark.parametrize(("annotation", "expected"), [(a, e) for _, a, e in TYPE_TABLE],
                         ids=[i for i, _, _ in TYPE_TABLE])
def test_each_python_type_has_its_cwl_syntax_and_cwltool_accepts_it(
    annotation: Any, expected: Any, cwl_build: Callable[..., Built]
) -> None:
    built = cwl_build(one_param_tool(annotation))
    assert built.doc()["inputs"]["value"]["type"] == expected


@pytest.mark.parametrize(("annotation", "default", "expected"), [
    (int, 3, 3),
    (float, 2, 2),
    (float, 0.5, 0.5),
    (str, "yes", "yes"),
    (Annotated[bool, FLAG], True, True),
    (list[int], [1, 2], [1, 2]),
    (Shade, Shade.LIGHT, "light"),
    (Size, Size.LARGE, "LARGE"),
    (Literal["a", "b"], "b", "b"),
    (Point, Point(1), {"x": 1}),
    (Point, Point(1, 2.5), {"x": 1, "y": 2.5}),
    (list[list[str]], [["a"], []], [["a"], []]),
    (Any, {"k": [1]}, {"k": [1]}),
    (list[str] | None, ["x"], ["x"]),
], ids=lambda v: repr(v)[:30])
def test_python_defaults_become_cwl_defaults(
    annotation: Any, default: Any, expected: Any, cwl_build: Callable[..., Built]
) -> None:
    built = cwl_build(one_param_tool(annotation, default))
    assert built.doc()["inputs"]["value"]["default"] == expected


def test_a_none_default_makes_an_optional_without_writing_null(
    cwl_build: Callable[..., Built],
) -> None:
    built = cwl_build(one_param_tool(int | None, None))
    assert built.doc()["inputs"]["value"] == {"type": "int?", "inputBinding": {"position": 1}}


def test_file_defaults_are_file_objects_relative_to_the_document(
    cwl_build: Callable[..., Built],
) -> None:
    built = cwl_build(one_param_tool(File, File("reference.txt")), validate=False)
    assert built.doc()["inputs"]["value"]["default"] == {
        "class": "File", "location": "reference.txt"}


@pytest.mark.parametrize(("annotation", "shown"), [
    (dict[str, int], "dict[str, int]"),
    (int | Literal["a"], "a Literal inside a union"),
    (list, "list without an item type"),
    (Literal[1, 2], "Literal choices must be strings"),
    (tuple[int, int], "tuple[int, int]"),
    (set[str], "set[str]"),
    (bytes, "bytes"),
], ids=lambda v: repr(v)[:20])
def test_unsupported_types_are_reported_with_the_offending_annotation(
    annotation: Any, shown: str
) -> None:
    diagnostics = cwlgen.check(one_param_tool(annotation))
    assert [d.code for d in diagnostics] == ["CG102"]
    assert shown in diagnostics[0].message
    assert diagnostics[0].loc is not None and diagnostics[0].loc.path.endswith("test_types.py")


def test_a_record_field_without_annotation_is_unsupported() -> None:
    @dataclasses.dataclass
    class Loose:
        x: int

    Loose.__annotations__.clear()
    diagnostics = cwlgen.check(one_param_tool(Loose))
    assert [d.code for d in diagnostics] == ["CG102"]


def test_the_ir_type_algebra_matches_the_emitted_types() -> None:
    tool_ir = fx.show.process_ir()
    types = {p.name: p.type for p in tool_ir.inputs}
    assert types["maybe"] == t.Optional(t.INT)
    assert types["words"] == t.Array(t.STRING)
    assert types["color"] == t.Enum("Color", ("red", "green"))
    assert types["mode"] == t.Enum("mode", ("fast", "slow"))
    assert isinstance(types["region"], t.Record) and [f.name for f in types["region"].fields] \
        == ["x", "y", "label"]


@pytest.mark.slow
def test_a_tool_taking_every_type_runs_with_values_bound_in_order(
    tmp_path: Path, cwl_build: Callable[..., Built], cwl_run: Callable[..., dict[str, Any]]
) -> None:
    text = tmp_path / "input.txt"
    text.write_text("ignored\n")
    built = cwl_build(fx.show)
    job = {
        "text": file_obj(text), "count": 3, "ratio": 1.5, "word": "two words", "loud": True,
        "maybe": None, "color": "green", "mode": "slow", "words": ["a", "b"],
        "region": {"x": 1, "y": 2.5}, "box": {"tags": ["t1"], "color": "red"},
    }
    out = cwl_run(built.main, job)
    assert read_output(out["out"]) == (
        "input.txt 3 1.5 two words --loud green slow --words=a,b x=1 y=2.5 red:t1 HIGH -g hi\n"
    )
    job.update(maybe=7, loud=False, quiet=True, level="LOW", greeting="yo")
    out = cwl_run(built.main, job)
    assert read_output(out["out"]) == (
        "input.txt 3 1.5 two words 7 green slow --words=a,b x=1 y=2.5 red:t1 LOW --quiet "
        "-g yo\n"
    )


@pytest.mark.slow
def test_any_takes_any_value_and_optional_lists_may_be_left_out(
    cwl_build: Callable[..., Built], cwl_run: Callable[..., dict[str, Any]]
) -> None:
    built = cwl_build(fx.anything)
    assert read_output(cwl_run(built.main, {"value": 42})["out"]) == "42\n"
    out = cwl_run(built.main, {"value": "x", "optional_list": ["p", "q"]})
    assert read_output(out["out"]) == "x p q\n"
