"""The job-side runtime (shim, paths, batch runner) runs on every Python 3 from 3.6 on.

Containers carry old interpreters (Ubuntu 18.04: 3.6, Debian 10: 3.7, ...), and a task's job
runs the container's `python3`. vermin must find nothing newer than 3.6 in the runtime's
source; and a workflow of tasks written for 3.6 (`tests/fixtures/tasks/old_python.py`: Files,
Directories, enums, optionals, lists, NamedTuple outputs, a batched map) is run by cwltool
with `python3` on PATH being each interpreter pyenv has (3.6 to 3.13), outputs checked, the
report naming the interpreter that ran it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import CWLTOOL, build_definition
from fixtures.tasks import old_python

from cwlgen.checks.python_version import too_new

REPO = Path(__file__).resolve().parents[2]
RUNTIME = REPO / "cwlgen" / "runtime"
PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"


def interpreters() -> list[tuple[str, Path]]:
    """(major.minor, python3 executable) of every pyenv Python 3.6+ here, oldest first."""
    found: dict[str, Path] = {}
    for folder in sorted(PYENV.glob("3.*")) if PYENV.is_dir() else []:
        match = re.fullmatch(r"3\.(\d+)\.\d+", folder.name)
        exe = folder / "bin" / "python3"
        if match and int(match.group(1)) >= 6 and exe.exists():
            found.setdefault(f"3.{match.group(1)}", exe)
    return sorted(found.items(), key=lambda item: int(item[0].split(".")[1]))


# the modules copied into jobs (cwlgen/lower/shipped.py); runtime/files.py only names files
# for the compiler and is never shipped
SHIPPED = ("shim.py", "paths.py", "batch.py")


@pytest.mark.parametrize("module", SHIPPED)
def test_the_runtime_needs_nothing_newer_than_python_3_6(module: str) -> None:
    source = (RUNTIME / module).read_text(encoding="utf-8")
    assert [(n.line, n.feature, n.version) for n in too_new(source, (3, 6))] == []


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("old_python_cwl")
    built = build_definition(old_python.old_python_roundtrip, folder)
    return folder / built.compiled.main


@pytest.mark.slow
@pytest.mark.parametrize("version, python", interpreters() or [pytest.param(
    "none", Path("python3"), marks=pytest.mark.skip(reason="no pyenv interpreters here"))])
def test_a_workflow_of_tasks_runs_on_each_python(
        version: str, python: Path, built: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "python3"   # a wrapper: the job runs `python3` from PATH
    wrapper.write_text(f'#!/bin/sh\nexec "{python}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "b.txt").write_text("b\n")
    (tmp_path / "data" / "a.txt").write_text("a\n")
    (tmp_path / "words.txt").write_text("pear apple fig\n")
    job = {"text": {"class": "File", "path": str(tmp_path / "words.txt")},
           "data": {"class": "Directory", "path": str(tmp_path / "data")},
           "lengths": [1.5, 2], "unit": "m", "note": "ok"}
    (tmp_path / "job.json").write_text(json.dumps(job))
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(
        [CWLTOOL, "--no-container", "--quiet", "--outdir", str(tmp_path / "out"), str(built),
         str(tmp_path / "job.json")], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out: dict[str, Any] = json.loads(proc.stdout)
    report = Path(out["report"]["path"]).read_text()
    assert report == f"python {version}\n7.0 m\n"          # that interpreter ran the task
    assert out["words"] == ["apple", "fig", "pear"] and out["total"] == 7.0
    assert out["remark"] == "ok" and out["squares"] == [1, 4, 9, 16, 25]
    names = Path(out["folder"]["path"]) / "names.txt"
    assert names.read_text() == "a.txt\nb.txt\n"
