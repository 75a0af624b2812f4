"""cwlgen.testing for pytest users: `preview_argv` returns the command line cwltool builds
(checked against what cwltool then actually runs), and `assert_compiles` fails with every
diagnostic at its file:line."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import argv_tools
import pytest

import cwlgen
from cwlgen import File
from cwlgen.testing import assert_compiles, preview_argv

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, File]:
    made = {}
    for name in ("reads.fq", "a.fa", "b.fa"):
        (tmp_path / name).write_text(name + "\n")
        made[name] = File(str(tmp_path / name))
    return made


def test_preview_argv_is_what_cwltool_runs(files: dict[str, File], tmp_path: Path) -> None:
    inputs = dict(reads=files["reads.fq"], refs=[files["a.fa"], files["b.fa"]], threads=4,
                  verbose=True, label="x y")
    argv = preview_argv(argv_tools.echo_options, **inputs)
    assert argv == [
        "echo", "begin", "-t", "4", "-v", str(tmp_path / "reads.fq"),
        "--ref", f"{tmp_path / 'a.fa'},{tmp_path / 'b.fa'}", "--label=x y",
    ]
    # the tool is `echo`: its output is the command line cwltool really ran (staged paths
    # differ run to run, so compare everything but the paths' folders)
    printed = cwlgen.run(argv_tools.echo_options, outdir=str(tmp_path / "out"),
                         **inputs).read_text().split()
    assert [Path(a).name for a in printed] == [Path(a).name for a in " ".join(argv[1:]).split()]


def test_defaults_and_optional_inputs_are_left_out(files: dict[str, File]) -> None:
    argv = preview_argv(argv_tools.echo_options, reads=files["reads.fq"], refs=[files["a.fa"]])
    assert argv == ["echo", "begin", "-t", "1", files["reads.fq"].path, "--ref",
                    files["a.fa"].path]


def test_redirections_are_not_arguments(files: dict[str, File]) -> None:
    assert preview_argv(argv_tools.count_lines, text=files["a.fa"]) == ["wc", "-l"]


def test_a_python_task_runs_its_shipped_runner() -> None:
    argv = preview_argv(argv_tools.double, x=3)
    assert argv[0] == "python3"
    assert any("double" in a for a in argv[1:]), argv


def test_every_input_problem_is_reported_at_once(files: dict[str, File]) -> None:
    with pytest.raises(cwlgen.InputError) as info:
        preview_argv(argv_tools.echo_options, reads=files["reads.fq"], threds=2)
    text = str(info.value)
    assert "CG501" in text and "threds" in text and "threads" in text  # unknown, suggestion
    assert "CG502" in text and "refs" in text                         # missing


def test_a_missing_input_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(cwlgen.InputError, match="CG504"):
        preview_argv(argv_tools.count_lines, text=File(str(tmp_path / "absent.txt")))


def test_a_workflow_has_no_single_command_line(files: dict[str, File]) -> None:
    with pytest.raises(cwlgen.UsageError, match="workflow"):
        preview_argv(argv_tools.twice, text=files["a.fa"])


def example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # type hints are resolved in the module's namespace
    spec.loader.exec_module(module)
    return module


def test_assert_compiles_accepts_a_good_workflow_and_names_each_problem() -> None:
    assert_compiles(argv_tools.twice)
    with pytest.raises(AssertionError) as info:
        assert_compiles(example("miswired").first_lines)
    assert "miswired.py:29: error[CG201]" in str(info.value)


def test_assert_compiles_can_fail_on_warnings() -> None:
    wc = example("wordcount")
    assert_compiles(wc.split_and_rank)
    with pytest.raises(AssertionError, match=r"wordcount\.py:\d+: warning\[CG302\]"):
        assert_compiles(wc.split_and_rank, warnings_as_errors=True)
