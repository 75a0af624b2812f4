"""Input values are checked against the workflow's CWL types before anything runs, and
converted to a CWL job; outputs come back as typed Python values."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated, NamedTuple

import attrs
import pytest

import cwlgen
from cwlgen import Arg, Directory, File, InputError, Out, tool, workflow
from cwlgen.runners import load_job_file, make_job, parse_pairs
from cwlgen.runners.outputs import typed_outputs
from cwlgen.runtime.shim import from_json as from_cwl


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


@attrs.frozen
class Sample:
    name: str
    reads: File
    depth: int | None = None


@tool("cat")
def concat(files: Annotated[list[File], Arg(position=1)]) -> Annotated[File, Out(glob="x")]:
    """Concatenate."""


@tool("echo")
def everything(
    text: Annotated[File, Arg(position=1)],
    folder: Annotated[Directory, Arg(position=2)],
    n: Annotated[int, Arg(prefix="-n")],
    ratio: Annotated[float, Arg(prefix="-r")],
    color: Annotated[Color, Arg(prefix="-c")],
    sample: Sample,
    names: Annotated[list[str], Arg(prefix="--names")],
    flag: Annotated[bool, Arg(prefix="-f")] = False,
    maybe: Annotated[int | None, Arg(prefix="-m")] = None,
) -> Annotated[File, Out(glob="x")]:
    """Takes every kind of input."""


class Pair(NamedTuple):
    merged: File
    inputs: list[File]


@workflow
def pair(parts: list[File]) -> Pair:
    return Pair(merged=concat(files=parts), inputs=parts)


def _root(defn: object) -> cwlgen.ir.Process:  # type: ignore[name-defined]
    return cwlgen.compile(defn).root


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text("a\n")
    (tmp_path / "b.txt").write_text("b\n")
    (tmp_path / "ms").mkdir()
    return tmp_path


def test_python_values_become_a_cwl_job(files: Path) -> None:
    job = make_job(_root(everything), {
        "text": File(files / "a.txt"), "folder": files / "ms", "n": 3, "ratio": 2,
        "color": Color.GREEN, "sample": Sample(name="s1", reads=File(files / "b.txt")),
        "names": ("x", "y"), "flag": True,
    })
    assert job["text"] == {"class": "File", "path": str(files / "a.txt")}
    assert job["folder"] == {"class": "Directory", "path": str(files / "ms")}
    assert job["color"] == "green"
    assert job["ratio"] == 2
    assert job["sample"] == {"name": "s1", "reads": {"class": "File",
                                                     "path": str(files / "b.txt")},
                             "depth": None}
    assert job["names"] == ["x", "y"]
    assert "maybe" not in job  # optional inputs left out keep their default
    json.dumps(job)  # a job is plain JSON


def test_every_problem_is_reported_before_running(files: Path) -> None:
    with pytest.raises(InputError) as err:
        make_job(_root(everything), {
            "text": files / "missing.txt", "folder": files / "a.txt", "n": "3",
            "ratio": float("nan"), "color": "blue", "sample": {"name": "s", "reads": 5},
            "names": ["x", 2], "flagg": True,
        })
    text = str(err.value)
    assert "error[CG504]: input 'text' of 'everything': file not found: " in text
    assert "missing.txt" in text
    assert "error[CG504]: input 'folder' of 'everything': directory (it is a file) not found" \
        in text
    assert "error[CG503]: input 'n' of 'everything' expects int, but got '3' (str)" in text
    assert "input 'ratio' of 'everything' expects float" in text
    assert "input 'color' of 'everything' expects enum Color, but got 'blue' (str)" in text
    assert "input 'sample' of 'everything' expects record Sample, but sample.reads is 5 (int), " \
        "not File" in text
    assert "input 'names' of 'everything' expects string[], but names[1] is 2 (int)" in text
    assert "error[CG501]: 'everything' has no input 'flagg'; did you mean 'flag'?" in text


def test_missing_required_inputs_are_named(files: Path) -> None:
    with pytest.raises(InputError) as err:
        make_job(_root(pair), {})
    assert "error[CG502]: input 'parts' of 'pair' is required (File[]) but no value was given" \
        in str(err.value)


def test_job_file_paths_are_relative_to_the_file(files: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    (jobs / "job.yml").write_text("parts:\n  - {class: File, path: ../a.txt}\n"
                                  "  - ../b.txt\n")
    monkeypatch.chdir("/")
    values, lines = load_job_file(jobs / "job.yml")
    job = make_job(_root(pair), values, base_dirs={"parts": jobs})
    assert [p["path"] for p in job["parts"]] == [str(jobs / "../a.txt"), str(jobs / "../b.txt")]
    assert lines["parts"].line == 1


def test_job_file_errors_point_at_the_line(tmp_path: Path, files: Path) -> None:
    (tmp_path / "job.yml").write_text("# inputs\nparts:\n  - nope.txt\n")
    values, lines = load_job_file(tmp_path / "job.yml")
    with pytest.raises(InputError) as err:
        make_job(_root(pair), values, base_dirs={"parts": tmp_path}, origins=lines)
    assert "job.yml:2: error[CG504]: input 'parts[0]' of 'pair': file not found" in str(err.value)
    (tmp_path / "bad.yml").write_text("parts: [unclosed\n")
    with pytest.raises(InputError, match=r"CG505.*invalid YAML"):
        load_job_file(tmp_path / "bad.yml")
    (tmp_path / "list.yml").write_text("- 1\n")
    with pytest.raises(InputError, match=r"CG505.*must map input names"):
        load_job_file(tmp_path / "list.yml")


def test_input_pairs_are_parsed_by_type(files: Path) -> None:
    root = _root(everything)
    values = parse_pairs(["n=4", "ratio=0.5", "flag=yes", "color=red", "names=a",
                          "names=b", "maybe=null", "text=a.txt",
                          "sample={name: s, reads: b.txt}"], root)
    assert values == {"n": 4, "ratio": 0.5, "flag": True, "color": "red", "names": ["a", "b"],
                      "maybe": None, "text": "a.txt",
                      "sample": {"name": "s", "reads": "b.txt"}}
    assert parse_pairs(["names=[x, y]"], root) == {"names": ["x", "y"]}
    with pytest.raises(InputError, match=r"CG503.*'four' is not a whole number"):
        parse_pairs(["n=four"], root)
    with pytest.raises(InputError, match=r"CG506.*must be NAME=VALUE"):
        parse_pairs(["n"], root)


def test_outputs_come_back_typed(tmp_path: Path) -> None:
    out = {"merged": {"class": "File", "path": str(tmp_path / "m")},
           "inputs": [{"class": "File", "location": f"file://{tmp_path}/p%201"}]}
    value = typed_outputs(pair, out)
    assert isinstance(value, Pair)
    assert value.merged == File(tmp_path / "m")
    assert value.inputs == [File(tmp_path / "p 1")]
    assert from_cwl("green", Color) is Color.GREEN
    assert from_cwl("GREEN", Color) is Color.GREEN  # an engine may give the name
    assert from_cwl({"class": "File", "path": "/u"}, int | File) == File("/u")  # generic
    assert from_cwl(7, int | File) == 7
    assert from_cwl(3, float) == 3.0 and isinstance(from_cwl(3, float), float)
    sample = from_cwl({"name": "s", "reads": {"class": "File", "path": "/r"}, "depth": None},
                      Sample)
    assert sample == Sample(name="s", reads=File("/r"), depth=None)
    assert from_cwl([[1], None], list[list[int] | None]) == [[1], None]
