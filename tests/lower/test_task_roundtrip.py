"""Python tasks compiled to CWL and run by `cwltool --no-container`: every type of the core
round-trips (Files and Directories with secondary files, created files, records, enums,
optionals, nested lists), helpers and constants of the module work, text that CWL would
interpolate survives, and the same workflow run in-process by `run_local` gives the same
outputs. A raising task fails the step with the Python traceback on stderr.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import CWLTOOL, VENV_BIN, build_definition, run_cwl
from fixtures.tasks import roundtrip
from needs import missing

import cwlgen
from cwlgen.runners import run_job


def make_inputs(folder: Path) -> dict[str, Any]:
    """The job of the `roundtrip` workflow (CWL JSON), with its files under `folder`."""
    (folder / "folder").mkdir(parents=True)
    (folder / "text.txt").write_text("hello world\n")
    (folder / "folder" / "x.txt").write_text("x\n")
    (folder / "folder" / "y.txt").write_text("y\n")
    (folder / "i.dat").write_text("bin\n")
    (folder / "i.dat.idx").write_text("the index\n")
    return {
        "text": {"class": "File", "path": str(folder / "text.txt")},
        "folder": {"class": "Directory", "path": str(folder / "folder")},
        "indexed": {"class": "File", "path": str(folder / "i.dat")},
        "shape": {"name": "tri", "color": "red",
                  "points": [{"x": 1, "y": 2.5, "label": "a"}, {"x": 2, "y": 0}]},
        "level": "HIGH",
        "grid": [[1, 2], [], [3]],
        "maybe": 7,
    }


EXPECTED_SUMMARY = "\n".join([
    "text.txt|text|.txt|hello world",
    "folder:x.txt,y.txt",
    "i.dat+i.dat.idx=the index",
    "tri/red/[(1, 2.5, 'a'), (2, 0.0, None)]",
    "HIGH/slow/[[1, 2], [], [3]]/7/2.0/float",
    "9|" + roundtrip.TRICKY + "|" + roundtrip.PATTERN,
])


def normalise(value: Any) -> Any:
    """Outputs compared by meaning: files by name and content, nulls in records dropped."""
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("class") == "File":
        data = Path(value["path"]).read_bytes()
        return {"File": Path(value["path"]).name, "sha1": hashlib.sha1(data).hexdigest(),
                "secondaryFiles": sorted(
                    (normalise(s) for s in value.get("secondaryFiles", [])), key=repr)}
    if value.get("class") == "Directory":
        root = Path(value["path"])
        return {"Directory": root.name, "listing": sorted(
            (str(p.relative_to(root)), p.read_text()) for p in root.rglob("*") if p.is_file())}
    return {k: normalise(v) for k, v in sorted(value.items()) if v is not None}


@pytest.fixture(scope="module")
def cwltool_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    work = tmp_path_factory.mktemp("roundtrip")
    built = build_definition(roundtrip.roundtrip, work / "cwl")
    job = make_inputs(work / "data")
    return run_cwl(built.main, job, work / "run"), work


def test_cwltool_runs_every_type_through_tasks(
    cwltool_run: tuple[dict[str, Any], Path],
) -> None:
    out, _ = cwltool_run
    assert out["summary"] == EXPECTED_SUMMARY
    assert Path(out["made"]["path"]).read_text() == EXPECTED_SUMMARY + "\n"
    assert Path(out["made_copy"]["path"]).read_text() == EXPECTED_SUMMARY + "\n"
    listing = sorted(f["basename"] for f in out["made_folder"]["listing"])
    assert out["made_folder"]["class"] == "Directory" and listing == ["a.txt", "b.txt"]
    (index,) = out["made_indexed"]["secondaryFiles"]
    assert Path(index["path"]).read_text() == "index of payload\n"
    assert Path(out["scratch"]["path"]).read_text() == "made outside the job directory\n"
    assert Path(out["same"]["path"]).read_text() == "hello world\n"
    assert out["points"] == [{"x": 1, "y": 2.5, "label": "A"}, {"x": 2, "y": 0.0, "label": None}]
    assert out["best"] == {"x": 1, "y": 2.5, "label": "A"}
    assert out["colors"] == ["red", "green"] and out["levels"] == ["HIGH", "LOW"]
    assert out["nested"] == [["text.txt", "text"], ["folder:x.txt,y.txt"],
                             ["i.dat+i.dat.idx=the index"]]
    assert out["nothing"] is None and out["total"] == 6.0


def test_run_job_matches_cwltool(cwltool_run: tuple[dict[str, Any], Path],
                                 tmp_path: Path) -> None:
    out, work = cwltool_run
    job = make_inputs(tmp_path / "data")
    local = run_job(roundtrip.roundtrip, job, workdir=tmp_path / "jobs")
    assert set(local) == set(out)
    assert normalise(local) == normalise(out)


@pytest.mark.slow
@pytest.mark.toil
def test_toil_runs_the_same_tasks(cwltool_run: tuple[dict[str, Any], Path],
                                  tmp_path: Path) -> None:
    """Another CWL runner gets the same outputs from the same documents."""
    runner = VENV_BIN / "toil-cwl-runner"
    if not runner.exists():
        missing("toil-cwl-runner is not installed (pip install 'cwlgen[toil]')")
    out, _ = cwltool_run
    built = build_definition(roundtrip.roundtrip, tmp_path / "cwl", validate=False)
    job = tmp_path / "job.json"
    job.write_text(json.dumps(make_inputs(tmp_path / "data")))
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run([str(runner), "--batchSystem", "single_machine", "--no-container",
                           "--jobStore", str(tmp_path / "store"), "--outdir",
                           str(tmp_path / "out"), "--workDir", str(tmp_path),
                           str(built.main), str(job)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert normalise(json.loads(proc.stdout)) == normalise(out)


def test_run_local_returns_python_values(tmp_path: Path) -> None:
    job = make_inputs(tmp_path / "data")
    r = roundtrip
    result = cwlgen.run_local(
        r.roundtrip,
        text=cwlgen.File(job["text"]["path"]),
        folder=cwlgen.Directory(job["folder"]["path"]),
        indexed=job["indexed"]["path"],  # a str path is accepted for a File
        shape=r.Shape(name="tri", color=r.Color.RED,
                      points=[r.Point(1, 2.5, "a"), r.Point(2, 0)]),
        level=r.Level.HIGH,
        grid=[[1, 2], [], [3]],
        maybe=7,
        _workdir=tmp_path / "jobs",
    )
    assert isinstance(result, r.Result)
    assert result.summary == EXPECTED_SUMMARY
    assert isinstance(result.made, cwlgen.File) and result.made.read_text().startswith("text")
    assert result.made_indexed.secondary_files[0].read_text() == "index of payload\n"
    assert result.points == [r.Point(1, 2.5, "A"), r.Point(2, 0.0, None)]
    assert result.best == r.Point(1, 2.5, "A")
    assert result.colors == [r.Color.RED, r.Color.GREEN]
    assert result.levels == [r.Level.HIGH, r.Level.LOW]
    assert result.nothing is None and result.total == 6.0
    assert isinstance(result.total, float)
    assert Path(result.made.path).is_relative_to(tmp_path / "jobs")


def test_emitted_tool_is_self_contained_without_javascript(tmp_path: Path) -> None:
    built = build_definition(roundtrip.roundtrip, tmp_path / "cwl")
    text = "".join(built.compiled.texts().values())
    assert "InlineJavascriptRequirement" not in text
    doc = built.compiled.documents["describe.cwl"]
    (iwd,) = [r for r in doc["requirements"] if r["class"] == "InitialWorkDirRequirement"]
    names = [e["entryname"] for e in iwd["listing"]]
    assert names == ["_cwlgen_inputs.json", "_cwlgen_shim.py", "_cwlgen_paths.py",
                     "_cwlgen_task.py"]
    assert iwd["listing"][0]["entry"] == "$(inputs)"
    assert doc["baseCommand"] == ["python3", "-B", "_cwlgen_shim.py", "describe"]
    assert all("inputBinding" not in p for p in doc["inputs"].values())
    assert doc["inputs"]["indexed"]["secondaryFiles"] == [".idx"]
    assert doc["inputs"]["ratio"]["default"] == 0.5
    assert all("outputBinding" not in p for p in doc["outputs"].values())
    # no machine paths in the documents
    assert str(Path.cwd()) not in text and str(tmp_path) not in text


def test_shipped_module_is_the_source_verbatim_staged_from_a_file(tmp_path: Path) -> None:
    """The module (with backslashes and `$(`/`${` in it) is written beside the documents byte
    for byte and staged through a File input: data, never interpolated, so nothing to escape
    (the runs above prove cwltool and Toil read it so)."""
    built = build_definition(roundtrip.roundtrip, tmp_path / "cwl", validate=False)
    doc = built.compiled.documents["describe.cwl"]
    (iwd,) = [r for r in doc["requirements"] if r["class"] == "InitialWorkDirRequirement"]
    assert {"entryname": "_cwlgen_task.py", "entry": "$(inputs.cwlgen_task)"} in iwd["listing"]
    assert doc["inputs"]["cwlgen_task"]["default"] == {"class": "File",
                                                       "location": "_cwlgen_task.py"}
    source = Path(roundtrip.__file__).read_bytes()
    assert b"$(" in source and b"\\" in source
    assert (built.directory / "_cwlgen_task.py").read_bytes() == source


def test_a_raising_task_fails_the_step_with_its_traceback(tmp_path: Path) -> None:
    built = build_definition(roundtrip.fails, tmp_path / "cwl", validate=False)
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"n": -3}))
    proc = subprocess.run([CWLTOOL, "--no-container", "--outdir", str(tmp_path / "out"),
                           str(built.main), str(job)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode != 0
    assert "Traceback (most recent call last)" in proc.stderr
    assert "ValueError: cannot explode -3 items" in proc.stderr
    assert 'raise ValueError(f"cannot explode {n} items")' in proc.stderr  # the user's line
    assert "cwlgen: task 'explode' raised an exception" in proc.stderr


def test_run_local_lets_the_task_exception_through(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot explode -1 items"):
        cwlgen.run_local(roundtrip.fails, n=-1, _workdir=tmp_path)
    assert cwlgen.run_local(roundtrip.fails, n=4, _workdir=tmp_path) == 4


def test_a_task_called_outside_a_workflow_is_the_plain_function() -> None:
    shape = roundtrip.Shape("sq", [roundtrip.Point(1, 1.0)], roundtrip.Color.GREEN)
    stats = roundtrip.analyse(shape=shape, grid=[[1]], report=cwlgen.File(__file__))
    assert stats.total == 1 and stats.colors == [roundtrip.Color.GREEN, roundtrip.Color.GREEN]
    assert roundtrip.explode(5) == 5  # positional arguments too: it is just the function
    with pytest.raises(ValueError):
        roundtrip.explode(-1)
