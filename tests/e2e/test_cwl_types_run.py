"""End to end (issue 9, item 5): long, double, unions, null and Any are compiled, validated
and run by `cwltool --no-container`; the outputs are checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Built, dir_obj, file_obj, read_output
from fixtures.examples import cwl_types as ty

pytestmark = pytest.mark.slow

Build = Callable[..., Built]
Run = Callable[..., dict[str, Any]]
BIG = 2**40 + 3  # beyond CWL int (32 bits)


def test_longs_and_doubles_reach_the_tool_unchanged(cwl_build: Build, cwl_run: Run) -> None:
    built = cwl_build(ty.echo_numbers)
    inputs = built.doc()["inputs"]
    assert (inputs["big"]["type"], inputs["precise"]["type"], inputs["many"]["type"]) == (
        "long", "double", "long[]")
    out = cwl_run(built.main, {"big": BIG, "precise": 0.125, "many": [BIG, -BIG]})
    assert read_output(out["out"]) == f"{BIG} 0.125 {BIG} {-BIG}\n"


@pytest.mark.parametrize(("job", "said"), [
    ({"value": 42}, "42\n"),
    ({"value": "forty-two", "maybe": "x"}, "forty-two --maybe x\n"),
])
def test_a_union_takes_either_member(
    job: dict[str, Any], said: str, cwl_build: Build, cwl_run: Run
) -> None:
    built = cwl_build(ty.echo_either)
    assert built.doc()["inputs"]["value"]["type"] == ["int", "string"]
    assert built.doc()["inputs"]["maybe"]["type"] == ["null", "int", "string"]
    assert read_output(cwl_run(built.main, job)["out"]) == said


def test_null_and_any_parameters(cwl_build: Build, cwl_run: Run) -> None:
    built = cwl_build(ty.takes_null)
    assert built.doc()["inputs"]["nothing"] == {"type": "null"}
    assert read_output(cwl_run(built.main, {})["out"]) == "nothing:\n"
    assert read_output(cwl_run(built.main, {"anything": {"a": [1]}})["out"]) == "nothing:\n"


def test_a_workflow_passes_longs_doubles_and_unions_through(
    tmp_path: Path, cwl_build: Build, cwl_run: Run
) -> None:
    built = cwl_build(ty.numbers_and_unions)
    folder = tmp_path / "folder"
    folder.mkdir()
    out = cwl_run(built.main, {"big": BIG, "precise": 2.5, "value": "v",
                               "path": dir_obj(folder)})
    assert read_output(out["numbers"]) == f"{BIG} 2.5 {BIG} {BIG}\n"
    assert read_output(out["either"]) == "v --maybe 3\n"
    assert out["name"] == "folder"
    assert out["back"] == BIG
    data = tmp_path / "data.txt"
    data.write_text("d")
    out = cwl_run(built.main, {"big": 1, "precise": 1.0, "value": 5, "path": file_obj(data)})
    assert out["name"] == "data.txt"
    assert read_output(out["either"]) == "5 --maybe 3\n"


@pytest.mark.parametrize(("value", "said"), [(7, "int:7"), ("seven", "str:seven")])
def test_a_task_receives_either_member_of_a_scalar_union(
    value: int | str, said: str, cwl_build: Build, cwl_run: Run
) -> None:
    built = cwl_build(ty.describe)
    assert cwl_run(built.main, {"x": value})["out"] == said


@pytest.mark.parametrize("pack", [False, True], ids=["folder", "packed"])
def test_named_records_and_enums_are_declared_once_and_bound_field_by_field(
    pack: bool, cwl_build: Build, cwl_run: Run
) -> None:
    from fixtures.examples import cwl_schemas as sc

    built = cwl_build(sc.settings_flow, pack=pack)
    tool_doc = built.tool_doc("show_settings")
    if pack:  # each process declares the types it uses, under one id per type
        (schemas,) = [r for r in tool_doc["requirements"]
                      if r.get("class") == "SchemaDefRequirement"]
        assert tool_doc["inputs"]["settings"]["type"] == "#Settings"
    else:  # one shared file, imported by every document that uses a named type
        assert tool_doc["requirements"] == [{"$import": "schemas.yml"}]
        assert built.doc()["requirements"] == [{"$import": "schemas.yml"}]
        schemas = built.doc("schemas.yml")
        assert tool_doc["inputs"]["settings"]["type"] == "schemas.yml#Settings"
    assert [d["name"] for d in schemas["types"]] == ["#Region", "#Level", "#Settings"]
    job = {"settings": {"region": {"chrom": "chr1", "start": 100}, "level": "high"}}
    out = cwl_run(built.main, job)
    assert read_output(out["out"]) == "--chrom chr1 --start 100 --level high\n"


def test_a_python_task_receives_a_named_record_as_its_class(
    cwl_build: Build, cwl_run: Run
) -> None:
    from fixtures.examples import cwl_schemas as sc

    import cwlgen

    built = cwl_build(sc.place_in_python)
    job = {"where": {"place": {"chrom": "chr2", "start": 7}, "level": "low"}}
    assert cwl_run(built.main, job)["out"] == "chr2:7 low"
    value = sc.Where(place=sc.Place(chrom="chr2", start=7), level=sc.Level.LOW)
    assert cwlgen.run_local(sc.place_in_python, where=value) == "chr2:7 low"
