"""End to end (issue 9, item 4): the everyday CWL tool constructs of
tests/fixtures/examples/cwl_tools.py are compiled, validated and run by
`cwltool --no-container`; each test checks the outputs the construct produces."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import CWLTOOL, Built, dir_obj, file_obj, read_output
from fixtures.examples import cwl_tools as ct

pytestmark = pytest.mark.slow

Build = Callable[..., Built]
Run = Callable[..., dict[str, Any]]


def test_a_tool_without_base_command_runs_its_arguments_and_a_renamed_input(
    cwl_build: Build, cwl_run: Run
) -> None:
    built = cwl_build(ct.arguments_only)
    assert "baseCommand" not in built.doc()
    assert list(built.doc()["inputs"]) == ["in"]
    out = cwl_run(built.main, {"in": "today"})
    assert read_output(out["out"]) == "no base command today\n"


def test_inputs_named_like_python_keywords_and_files_reach_the_tool(
    tmp_path: Path, cwl_build: Build, cwl_run: Run
) -> None:
    built = cwl_build(ct.run_script)
    assert list(built.doc()["inputs"]) == ["args.py", "def"]
    assert built.doc()["inputs"]["args.py"]["streamable"] is True
    script = tmp_path / "args.py"
    script.write_text("import sys\nprint('def is', int(sys.argv[1]) * 2)\n")
    out = cwl_run(built.main, {"args.py": file_obj(script), "def": 21})
    assert read_output(out["out"]) == "def is 42\n"


def test_outputs_come_from_cwl_output_json(cwl_build: Build, cwl_run: Run) -> None:
    built = cwl_build(ct.json_outputs)
    assert all("outputBinding" not in o for o in built.doc()["outputs"].values())
    out = cwl_run(built.main, {"n": 7, "text": "seven"})
    assert out == {"number": 7, "word": "seven"}


def test_an_exit_code_listed_as_success_succeeds_and_permanent_fail_fails(
    tmp_path: Path, cwl_build: Build, cwl_run: Run
) -> None:
    built = cwl_build(ct.exit_with)
    out = cwl_run(built.main, {"script": "echo three; exit 3"})
    assert read_output(out["out"]) == "three\n"
    job = tmp_path / "fail.json"
    job.write_text('{"script": "exit 4"}')
    proc = subprocess.run([CWLTOOL, "--no-container", "--quiet", "--outdir",
                           str(tmp_path / "o"), str(built.main), str(job)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "permanentFail" in proc.stderr


def test_load_listing_per_input_gives_the_tool_a_deep_listing(
    tmp_path: Path, cwl_build: Build, cwl_run: Run
) -> None:
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    for name in ("a", "b", "sub/c"):
        (folder / name).write_text(name)
    built = cwl_build(ct.count_listing)
    assert built.doc()["inputs"]["folder"]["loadListing"] == "deep_listing"
    out = cwl_run(built.main, {"folder": dir_obj(folder)})
    assert out["out"] == 3  # a, b and sub (whose own listing holds c)


def test_work_reuse_network_and_time_limit_run(cwl_build: Build, cwl_run: Run) -> None:
    built = cwl_build(ct.fetch_like)
    classes = [r["class"] for r in built.doc()["requirements"]]
    assert classes == ["WorkReuse", "NetworkAccess", "ToolTimeLimit"]
    out = cwl_run(built.main, {"url": "https://example.org"})
    assert read_output(out["out"]) == "https://example.org\n"


def test_secondary_files_with_required_flags_and_a_javascript_pattern(
    tmp_path: Path, cwl_build: Build, cwl_run: Run
) -> None:
    built = cwl_build(ct.count_companions)
    assert [r["class"] for r in built.doc()["requirements"]] == ["InlineJavascriptRequirement"]
    data = tmp_path / "reads.txt"
    data.write_text("x")
    (tmp_path / "reads.meta").write_text("m")  # required; .idx and .extra are optional
    out = cwl_run(built.main, {"data": file_obj(data)})
    assert out["out"] == 1
    (tmp_path / "reads.txt.extra").write_text("e")
    (tmp_path / "reads.txt.idx").write_text("i")
    out = cwl_run(built.main, {"data": file_obj(data)})
    assert out["out"] == 3


@pytest.mark.parametrize("pack", [False, True], ids=["folder", "packed"])
def test_workflow_requirements_reach_every_step_and_a_step_overrides_them(
    pack: bool, cwl_build: Build, cwl_run: Run
) -> None:
    from fixtures.examples import cwl_requirements as cr

    built = cwl_build(cr.greetings, pack=pack)
    wf = built.tool_doc("greetings")
    assert [r["class"] for r in wf["requirements"]] == ["EnvVarRequirement"]
    assert wf["hints"] == [{"class": "ResourceRequirement", "ramMin": 64}]
    assert "requirements" not in wf["steps"]["greet"]
    assert wf["steps"]["greet_2"]["hints"] == [{"class": "ResourceRequirement", "coresMin": 1}]
    out = cwl_run(built.main, {})
    assert read_output(out["inherited"]) == "hello\n"
    assert read_output(out["overridden"]) == "bye\n"


def test_a_format_subclass_and_its_secondary_files_flow_into_a_wider_parameter(
    cwl_build: Build, cwl_run: Run
) -> None:
    from fixtures.examples import cwl_formats as cf

    built = cwl_build(cf.reads_lines)
    assert built.doc()["$schemas"] == ["formats.ttl"]
    assert (built.directory / "formats.ttl").is_file()  # copied beside the documents
    assert built.doc("count_lines.cwl")["$namespaces"] == {"edam": "http://edamontology.org/"}
    out = cwl_run(built.main, {})
    assert read_output(out["out"]).strip() == "4"


def test_optional_secondary_files_under_cwltool_and_run_local(
    tmp_path: Path, cwl_build: Build, cwl_run: Run
) -> None:
    import cwlgen
    from cwlgen import File

    data = tmp_path / "reads.txt"
    data.write_text("x")
    (tmp_path / "reads.meta").write_text("m")  # required; reads.txt.idx may be missing
    built = cwl_build(ct.companions)
    assert cwl_run(built.main, {"data": file_obj(data)})["out"] == 1
    assert cwlgen.run_local(ct.companions, data=File(data)) == 1
    (tmp_path / "reads.txt.idx").write_text("i")
    assert cwl_run(built.main, {"data": file_obj(data)})["out"] == 2
    assert cwlgen.run_local(ct.companions, data=File(data)) == 2


def test_run_local_refuses_a_javascript_secondary_files_pattern(tmp_path: Path) -> None:
    import cwlgen
    from cwlgen import File
    from cwlgen.errors import RunError

    data = tmp_path / "reads.txt"
    data.write_text("x")
    (tmp_path / "reads.meta").write_text("m")
    with pytest.raises(RunError, match="cannot evaluate"):
        cwlgen.run_local(ct.companions_js, data=File(data))
