"""The emitter: requirements and hints (only those used, in a canonical order), the folder
and packed layouts, canonical key order and the header; the requirements that change what
a job does (env, files, staging, in-place updates, stdout/stderr) are run with cwltool."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Built, dir_obj, file_obj, read_output
from fixtures.examples import coreutils as cu
from fixtures.examples import features as fx

import cwlgen
from cwlgen.backend.yamlio import dump, load
from cwlgen.ir.cwl import needs_javascript

TOOL_KEYS = ["cwlVersion", "$namespaces", "class", "id", "label", "doc", "requirements", "hints",
             "baseCommand", "arguments", "inputs", "outputs", "stdin", "stdout", "stderr",
             "successCodes"]
WORKFLOW_KEYS = ["cwlVersion", "$namespaces", "class", "id", "label", "doc", "requirements",
                 "inputs", "outputs", "steps"]


def in_canonical_order(doc: dict[str, Any], order: list[str]) -> bool:
    keys = list(doc)
    return set(keys) <= set(order) and keys == sorted(keys, key=order.index)


def test_gpu_resources_emit_cuda_with_its_namespace_and_units(
    cwl_build: Callable[..., Built],
) -> None:
    doc = cwl_build(fx.image_gpu).doc()
    assert doc["$namespaces"] == {"cwltool": "http://commonwl.org/cwltool#"}
    assert doc["requirements"] == [
        {"class": "ResourceRequirement", "coresMin": 4, "ramMin": 8192, "tmpdirMin": 1908,
         "outdirMin": 1024},
        {"class": "ToolTimeLimit", "timelimit": 7200},
    ]
    assert doc["hints"] == [
        {"class": "DockerRequirement", "dockerPull": "kernsuite/wsclean:3.1"},
        {"class": "SoftwareRequirement", "packages": [
            {"package": "wsclean", "version": ["3.1"]}, {"package": "casacore"}]},
        {"class": "cwltool:CUDARequirement", "cudaVersionMin": "11.0",
         "cudaComputeCapability": "3.0", "cudaDeviceCountMin": 1},
    ]


def test_no_gpus_means_no_cuda_and_no_namespaces(cwl_build: Callable[..., Built]) -> None:
    doc = cwl_build(fx.image_cpu).doc()
    assert "$namespaces" not in doc
    assert "hints" not in doc
    assert doc["requirements"] == [
        {"class": "DockerRequirement", "dockerPull": "kernsuite/wsclean:3.1"},
        {"class": "ResourceRequirement", "coresMin": 1.5, "ramMin": 512},
        {"class": "ToolTimeLimit", "timelimit": 90},
    ]
    assert "CUDA" not in cwlgen.compile(fx.image_cpu).yaml()


@pytest.mark.parametrize(("resources", "expected"), [
    (cwlgen.Resources(ram="1.5 GiB"), {"ramMin": 1536}),
    (cwlgen.Resources(ram="500 MB"), {"ramMin": 477}),
    (cwlgen.Resources(ram="1 TiB", tmpdir="10k"), {"ramMin": 1048576, "tmpdirMin": 1}),
    (cwlgen.Resources(cores=2, outdir=3.5), {"coresMin": 2, "outdirMin": 4}),
], ids=["GiB", "MB", "TiB+k", "bare"])
def test_resource_units_are_converted_to_mebibytes(resources: cwlgen.Resources,
                                                   expected: dict[str, Any]) -> None:
    @cwlgen.tool("true", resources=resources)
    def sized() -> None:
        """Needs resources."""

    (req,) = cwlgen.compile(sized).documents["sized.cwl"]["requirements"]
    assert req == {"class": "ResourceRequirement", **expected}


@pytest.mark.parametrize(("limit", "seconds"), [("2h", 7200), ("90 min", 5400), ("1h30m", 5400),
                                                ("45s", 45), (30, 30), ("1d", 86400)])
def test_time_limits_become_tool_time_limit(limit: Any, seconds: int) -> None:
    @cwlgen.tool("true", resources=cwlgen.Resources(time_limit=limit))
    def timed() -> None:
        """Has a time limit."""

    doc = cwlgen.compile(timed).documents["timed.cwl"]
    assert doc["requirements"] == [{"class": "ToolTimeLimit", "timelimit": seconds}]


def test_requirements_are_only_emitted_when_used(cwl_build: Callable[..., Built]) -> None:
    assert "requirements" not in cwl_build(cu.cat).doc()
    assert "requirements" not in cwl_build(cu.split_lines).doc()
    wf = cwlgen.compile(cu.gather).documents["gather.cwl"]
    assert wf["requirements"] == [{"class": "MultipleInputFeatureRequirement"}]


def test_javascript_detection() -> None:
    assert not needs_javascript("$(inputs.x.path)/a $(runtime.cores) $(self[0].contents)")
    assert not needs_javascript("\\$(not an expression) plain text")
    assert needs_javascript("$(inputs.n + 1)")
    assert needs_javascript("${ return 1; }")
    assert needs_javascript("$(self.split('x'))")


def test_staging_requirements(cwl_build: Callable[..., Built]) -> None:
    inplace = cwl_build(fx.flag_inplace).doc()
    assert inplace["requirements"] == [
        {"class": "InitialWorkDirRequirement",
         "listing": [{"entry": "$(inputs.ms)", "writable": True}]},
        {"class": "InplaceUpdateRequirement", "inplaceUpdate": True},
    ]
    copy = cwl_build(fx.flag_copy).doc()
    assert copy["requirements"] == [
        {"class": "InitialWorkDirRequirement",
         "listing": [{"entry": "$(inputs.ms)", "writable": True}]}]
    staged = cwl_build(fx.list_staged).doc()
    assert staged["requirements"] == [
        {"class": "InitialWorkDirRequirement",
         "listing": [{"entry": "$(inputs.data)"}, {"entry": "$(inputs.extra)"}]}]


def test_env_and_files_requirements(cwl_build: Callable[..., Built]) -> None:
    doc = cwl_build(fx.streams).doc()
    assert doc["requirements"] == [
        {"class": "InlineJavascriptRequirement"},  # for the outputEval's .split()
        {"class": "InitialWorkDirRequirement", "listing": [
            {"entryname": "greeting.txt", "entry": "hello $(inputs.name) from a file\n"}]},
        {"class": "EnvVarRequirement",
         "envDef": [{"envName": "GREETING", "envValue": "hello from env"}]},
    ]


@pytest.mark.slow
def test_env_files_stdout_and_stderr_run(
    cwl_build: Callable[..., Built], cwl_run: Callable[..., dict[str, Any]]
) -> None:
    out = cwl_run(cwl_build(fx.streams).main, {"name": "Ada"})
    assert read_output(out["out"]) == "out\nhello from env\nhello Ada from a file\n"
    assert read_output(out["err"]) == "err\n"
    assert out["lines"] == 3


@pytest.mark.slow
def test_inplace_update_modifies_the_original_directory(
    tmp_path: Path, cwl_build: Callable[..., Built], cwl_run: Callable[..., dict[str, Any]]
) -> None:
    ms = tmp_path / "obs.ms"
    ms.mkdir()
    (ms / "table.dat").write_text("data")
    out = cwl_run(cwl_build(fx.flag_then_list).main, {"ms": dir_obj(ms)})
    assert (ms / "FLAG").read_text() == "flagged\n"
    assert out["out"]["basename"] == "obs.ms"


@pytest.mark.slow
def test_writable_staging_changes_a_copy_only(
    tmp_path: Path, cwl_build: Callable[..., Built], cwl_run: Callable[..., dict[str, Any]]
) -> None:
    ms = tmp_path / "obs.ms"
    ms.mkdir()
    (ms / "table.dat").write_text("data")
    out = cwl_run(cwl_build(fx.flag_copy).main, {"ms": dir_obj(ms)})
    assert not (ms / "FLAG").exists()
    assert (Path(out["out"]["path"]) / "FLAG").read_text() == "flagged\n"
    assert (Path(out["out"]["path"]) / "table.dat").read_text() == "data"


@pytest.mark.slow
def test_staged_inputs_appear_in_the_working_directory(
    tmp_path: Path, cwl_build: Callable[..., Built], cwl_run: Callable[..., dict[str, Any]]
) -> None:
    data = tmp_path / "data.txt"
    data.write_text("d")
    extra = tmp_path / "extra.txt"
    extra.write_text("e")
    built = cwl_build(fx.list_staged)
    assert read_output(cwl_run(built.main, {"data": file_obj(data)})["out"]).split() == [
        "data.txt", "ls.txt"]
    out = cwl_run(built.main, {"data": file_obj(data), "extra": file_obj(extra)})
    assert read_output(out["out"]).split() == ["data.txt", "extra.txt", "ls.txt"]


def test_folder_layout_one_document_per_process(cwl_build: Callable[..., Built]) -> None:
    built = cwl_build(cu.rank_each)
    docs = built.compiled.documents
    assert list(docs) == ["rank_each.cwl", "split_and_rank.cwl", "split_lines.cwl",
                          "count_and_rank.cwl", "count_words.cwl", "sort_lines.cwl"]
    assert docs["rank_each.cwl"]["steps"]["split_and_rank"]["run"] == "split_and_rank.cwl"
    for name, doc in docs.items():
        assert doc["cwlVersion"] == "v1.2"
        order = WORKFLOW_KEYS if doc["class"] == "Workflow" else TOOL_KEYS
        assert in_canonical_order(doc, order), name
        assert (built.directory / name).is_file()


def test_packed_layout_one_graph_with_main(cwl_build: Callable[..., Built]) -> None:
    built = cwl_build(cu.rank_each, pack=True)
    (name, doc), = built.compiled.documents.items()
    assert name == "rank_each.cwl"
    assert list(doc) == ["cwlVersion", "$graph"]
    ids = [entry["id"] for entry in doc["$graph"]]
    assert ids == ["main", "split_and_rank", "split_lines", "count_and_rank", "count_words",
                   "sort_lines"]
    assert doc["$graph"][0]["steps"]["split_and_rank"]["run"] == "#split_and_rank"
    for entry in doc["$graph"]:
        order = WORKFLOW_KEYS if entry["class"] == "Workflow" else TOOL_KEYS
        assert in_canonical_order(entry, order)


def test_packed_layout_hoists_namespaces(cwl_build: Callable[..., Built]) -> None:
    @cwlgen.workflow
    def uses_gpu(ms: cwlgen.Directory) -> cwlgen.File:
        """Image on a GPU."""
        return fx.image_gpu(ms=ms)

    doc = cwl_build(uses_gpu, pack=True).doc()
    assert list(doc) == ["cwlVersion", "$namespaces", "$graph"]
    assert doc["$namespaces"] == {"cwltool": "http://commonwl.org/cwltool#"}
    folder = cwl_build(uses_gpu).compiled.documents
    assert "$namespaces" not in folder["uses_gpu.cwl"]
    assert "$namespaces" in folder["image_gpu.cwl"]


def test_documents_with_the_same_name_get_distinct_files() -> None:
    from fixtures.examples import coreutils_shadow as shadow

    compiled = cwlgen.compile(shadow.both)
    assert list(compiled.documents) == ["both.cwl", "cat.cwl", "cat_2.cwl"]
    steps = compiled.documents["both.cwl"]["steps"]
    assert [s["run"] for s in steps.values()] == ["cat.cwl", "cat_2.cwl"]


def test_yaml_round_trips_and_quotes_yaml11_lookalikes() -> None:
    doc = {"a": "yes", "b": "null", "c": "line1\nline2\n", "d": "on", "n": 1, "e": "",
           "f": "1.0", "g": "trailing \nspace"}
    text = dump(doc, "header line")
    assert text.startswith("# header line\n")
    assert "a: 'yes'" in text and "d: 'on'" in text and "b: 'null'" in text
    assert "c: |\n  line1\n  line2\n" in text
    assert load(text) == doc
