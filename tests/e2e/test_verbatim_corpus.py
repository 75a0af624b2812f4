"""Issue 11: every awkward string of the corpus (tests/e2e/corpus.py) arrives byte for byte
through every place a string enters — task and tool defaults, step literals, environment
values, file names, job values given with `cwlgen run --input` and in a job file, task
sources and return values, docstrings — under cwltool and (one run) Toil, and no command the
user did not write ever runs (the marker file an injected `touch` would create never
appears), ShellCommandRequirement included.

All strings travel through ONE workflow run per engine and way of giving inputs, so Toil
runs once.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from e2e.corpus import CORPUS, MARK, file_name, module_source

from cwlgen.backend.validate import validate_file
from cwlgen.backend.yamlio import load

CWLGEN = str(Path(sys.executable).parent / "cwlgen")
REPO = Path(__file__).resolve().parents[2]


def _strings(mark: Path) -> list[str]:
    return [s.replace(MARK, str(mark)) for s in CORPUS]


def _project(tmp_path: Path) -> tuple[Path, list[str], list[Path], Path]:
    mark = tmp_path / "INJECTED"
    strings = _strings(mark)
    (tmp_path / "carry.py").write_text(module_source(strings), encoding="utf-8")
    folder = tmp_path / "files"
    folder.mkdir()
    files = []
    for i, s in enumerate(strings):
        path = folder / file_name(s, i)
        path.write_text(s, encoding="utf-8", newline="")
        files.append(path)
    return tmp_path / "carry.py", strings, files, mark


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _nul_split(path: str) -> list[str]:
    data = Path(path).read_bytes().decode("utf-8")
    assert data.endswith("\0"), data[-50:]
    return data[:-1].split("\0")


def _check(outputs: dict[str, Any], strings: list[str], files: list[Path]) -> dict[str, int]:
    """Compare each output with the corpus; the number of strings verbatim per entry."""
    verbatim: dict[str, int] = {}
    for key in ("job_task", "literal_task", "default_task", "source_task", "file_contents"):
        verbatim[key] = sum(a == b for a, b in zip(outputs[key], strings, strict=True))
    for key in ("job_tool", "literal_tool", "default_tool", "shell_tool", "env_tool"):
        got = _nul_split(outputs[key]["path"])
        verbatim[key] = sum(a == b for a, b in zip(got, strings, strict=True))
    verbatim["file_names"] = sum(a == b.name for a, b in zip(outputs["file_names"], files,
                                                              strict=True))
    return verbatim


def _run(tmp_path: Path, args: list[str], name: str) -> dict[str, Any]:
    proc = subprocess.run([CWLGEN, "run", "carry.py", *args, "--progress", "quiet",
                           "--outdir", f"out-{name}", "--build-dir", f"build-{name}"],
                          cwd=tmp_path, env=_env(), capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr[-5000:]
    assert "Traceback" not in proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def _job_file(tmp_path: Path, strings: list[str], files: list[Path]) -> Path:
    job = tmp_path / "job.json"
    job.write_text(json.dumps({
        "values": strings,
        "files": [{"class": "File", "path": str(f)} for f in files],
    }, ensure_ascii=False), encoding="utf-8")
    return job


def test_the_corpus_is_big_and_awkward_enough() -> None:
    assert len(CORPUS) >= 40
    joined = "".join(CORPUS)
    for needle in ("$(", "${", "\\", "'", '"', "\n", "\t", ";", "|", "&", "`", "#", "😀"):
        assert needle in joined, needle
    assert any(s.startswith("-") for s in CORPUS)
    assert max(map(len, CORPUS)) >= 100_000


def test_documents_keep_every_string_and_validate(tmp_path: Path) -> None:
    """The compiled documents hold each docstring and default verbatim and cwltool accepts
    them."""
    module, strings, _, _ = _project(tmp_path)
    proc = subprocess.run([CWLGEN, "build", "carry.py", "-o", "cwl"], cwd=tmp_path,
                          env=_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for path in sorted((tmp_path / "cwl").glob("*.cwl")):
        validate_file(path)
    wf = load((tmp_path / "cwl" / "carry.cwl").read_text(encoding="utf-8"))
    # a docstring is read as Python's help() reads it (inspect.cleandoc: tabs expanded,
    # common indentation removed); its first line is the label, the rest the doc
    lines = inspect.cleandoc("\n".join(strings)).splitlines()
    assert wf["label"] == lines[0].strip()
    assert wf["doc"] == "\n".join(lines[1:]).strip()
    tool = load((tmp_path / "cwl" / "show_all.cwl").read_text(encoding="utf-8"))
    inputs = tool["inputs"]
    values = inputs["values"] if isinstance(inputs, dict) else next(
        p for p in inputs if p["id"] == "values")
    assert values["default"] == strings


def test_every_string_arrives_verbatim_under_cwltool(tmp_path: Path) -> None:
    module, strings, files, mark = _project(tmp_path)
    by_job_file = _run(tmp_path, [str(_job_file(tmp_path, strings, files))], "jobfile")
    pairs = [f"values={s}" for s in strings]
    args = [a for p in pairs for a in ("--input", p)]
    args += [a for f in files for a in ("--input", f"files={f}")]
    by_flags = _run(tmp_path, args, "flags")
    total = len(strings)
    for outputs in (by_job_file, by_flags):
        verbatim = _check(outputs, strings, files)
        assert verbatim == dict.fromkeys(verbatim, total), verbatim
    assert not mark.exists(), "an injected command ran"
    assert not list(tmp_path.rglob("INJECTED*"))


@pytest.mark.toil
def test_every_string_arrives_verbatim_under_toil(tmp_path: Path) -> None:
    from needs import need_commands

    need_commands("toil-cwl-runner")
    module, strings, files, mark = _project(tmp_path)
    outputs = _run(tmp_path, [str(_job_file(tmp_path, strings, files)), "--runner", "toil"],
                   "toil")
    verbatim = _check(outputs, strings, files)
    assert verbatim == dict.fromkeys(verbatim, len(strings)), verbatim
    assert not mark.exists(), "an injected command ran"
