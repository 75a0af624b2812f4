"""End to end: workflows built from coreutils (wc, sort, split, cat, echo, tar) are compiled,
validated by cwltool and run with `cwltool --no-container`; the outputs' contents are checked.

Covers scatter with every method, a subworkflow, a scattered subworkflow, a list of step
results (MultipleInputFeatureRequirement) and both layouts (folder and packed `$graph`).
"""

from __future__ import annotations

import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Built, dir_obj, file_obj, read_output
from fixtures.examples import coreutils as cu
from needs import need_commands

pytestmark = pytest.mark.slow

POEM = "the quick brown fox\njumps over\nthe lazy dog today again\none\n"


@pytest.fixture(autouse=True)
def _coreutils() -> None:
    need_commands("wc", "sort", "split", "cat", "echo", "tar")


def requirement_classes(doc: dict[str, Any]) -> list[str]:
    return [r["class"] for r in doc.get("requirements", [])]


@pytest.mark.parametrize("pack", [False, True], ids=["folder", "packed"])
def test_split_and_rank_runs_a_scatter_inside_a_subworkflow(
    pack: bool, tmp_path: Path, cwl_build: Callable[..., Built],
    cwl_run: Callable[..., dict[str, Any]],
) -> None:
    built = cwl_build(cu.split_and_rank, pack=pack)
    assert requirement_classes(built.tool_doc("split_and_rank")) == [
        "SubworkflowFeatureRequirement"]
    assert requirement_classes(built.tool_doc("count_and_rank")) == [
        "ScatterFeatureRequirement"]
    poem = tmp_path / "poem.txt"
    poem.write_text(POEM)
    out = cwl_run(built.main, {"text": file_obj(poem)})
    ranking = read_output(out["out"]).split()
    assert ranking == ["5", "4", "2", "1"]


def test_every_scatter_method_pairs_items_as_cwl_defines(
    cwl_build: Callable[..., Built], cwl_run: Callable[..., dict[str, Any]]
) -> None:
    built = cwl_build(cu.products)
    steps = built.doc()["steps"]
    assert steps["pair"]["scatterMethod"] == "dotproduct"
    assert steps["pair_2"]["scatterMethod"] == "nested_crossproduct"
    assert steps["pair_3"]["scatterMethod"] == "flat_crossproduct"
    out = cwl_run(built.main, {"lefts": ["a", "b"], "rights": ["x", "y"]})
    assert read_output(out["dot"]) == "a x\nb y\n"
    nested = [[read_output(f) for f in row] for row in out["nested"]]
    assert nested == [["a x\n", "a y\n"], ["b x\n", "b y\n"]]
    assert read_output(out["flat"]) == "a x\na y\nb x\nb y\n"


def test_a_list_of_step_results_becomes_one_multiple_input(
    tmp_path: Path, cwl_build: Callable[..., Built], cwl_run: Callable[..., dict[str, Any]]
) -> None:
    built = cwl_build(cu.gather)
    doc = built.doc()
    assert requirement_classes(doc) == ["MultipleInputFeatureRequirement"]
    assert doc["steps"]["cat"]["in"]["files"] == {
        "source": ["first", "sort_lines/out", "third"], "linkMerge": "merge_nested"}
    files = {}
    for name, text in (("first", "1\n"), ("second", "b\na\n"), ("third", "3\n")):
        files[name] = tmp_path / f"{name}.txt"
        files[name].write_text(text)
    out = cwl_run(built.main, {k: file_obj(p) for k, p in files.items()})
    assert read_output(out["out"]) == "1\na\nb\n3\n"


def test_a_scattered_subworkflow_runs_once_per_file(
    tmp_path: Path, cwl_build: Callable[..., Built], cwl_run: Callable[..., dict[str, Any]]
) -> None:
    built = cwl_build(cu.rank_each, pack=True)
    main = built.tool_doc("rank_each")
    assert requirement_classes(main) == ["SubworkflowFeatureRequirement",
                                         "ScatterFeatureRequirement"]
    assert main["steps"]["split_and_rank"]["scatter"] == "text"
    a = tmp_path / "a.txt"
    a.write_text("one two\nthree\n")
    b = tmp_path / "b.txt"
    b.write_text("x\ny y y\nz z\n")
    out = cwl_run(built.main, {"groups": [file_obj(a), file_obj(b)]})
    assert [read_output(f).split() for f in out["out"]] == [["2", "1"], ["3", "2", "1"]]


def test_tar_archives_a_directory_and_lists_it(
    tmp_path: Path, cwl_build: Callable[..., Built], cwl_run: Callable[..., dict[str, Any]]
) -> None:
    folder = tmp_path / "data"
    (folder / "sub").mkdir(parents=True)
    (folder / "b.txt").write_text("bee\n")
    (folder / "sub" / "a.txt").write_text("ay\n")
    built = cwl_build(cu.archive)
    out = cwl_run(built.main, {"folder": dir_obj(folder)})
    listing = read_output(out["listing"]).splitlines()
    assert listing == ["./", "./b.txt", "./sub/", "./sub/a.txt"]
    with tarfile.open(out["archive"]["path"]) as tar:
        member = tar.extractfile("./sub/a.txt")
        assert member is not None and member.read() == b"ay\n"
