"""Python tasks ship their module and the runner ONCE per output (issue 14, target 2): 50 tasks
from one 1,000-line module emit <= 200 kB, the module sits beside the documents verbatim, and
the result still runs, with cwltool and with Toil, where the job's python3 cannot import
cwlgen (a bare venv first on PATH). The packed layout ships the same files beside its one
file.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CWLTOOL, VENV_BIN, build_definition
from runners.test_task_environment import bare_python  # noqa: F401 - a fixture

import cwlgen

TASKS, LINES = 50, 1000


def write_module(folder: Path, name: str) -> str:
    """A module of about LINES lines: TASKS tasks, each adding its number plus one, and
    `chain`, a workflow calling each once in turn (so x -> x + sum(1..TASKS))."""
    per_task = (LINES - 10) // TASKS
    parts = ["from cwlgen import task, workflow\n\n\n"]
    for i in range(TASKS):
        filler = "".join(f"    y = y * 1  # arithmetic that changes nothing, {j}\n"
                         for j in range(per_task - 5))
        parts.append(f"@task\ndef add_{i}(x: int) -> int:\n    y = x\n{filler}"
                     f"    return y + {i + 1}\n\n\n")
    calls = "".join(f"    v = add_{i}(x=v)\n" for i in range(TASKS))
    parts.append(f"@workflow\ndef chain(x: int) -> int:\n    v = x\n{calls}    return v\n")
    text = "".join(parts)
    (folder / f"{name}.py").write_text(text)
    return text


@pytest.fixture
def chain_module(tmp_path: Path) -> Any:
    """The generated module, imported (a fresh name per test, so no cached IR is reused)."""
    name = f"ship_once_{tmp_path.name.replace('-', '_')}"
    src = tmp_path / "src"
    src.mkdir()
    write_module(src, name)
    sys.path.insert(0, str(src))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(src))
        sys.modules.pop(name, None)


def _run(argv: list[str], job: dict[str, Any], work: Path, path: str) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    job_file = work / "job.json"
    job_file.write_text(json.dumps(job))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = path
    proc = subprocess.run([*argv, str(job_file)], capture_output=True, text=True, env=env,
                          timeout=900, cwd=work)
    assert proc.returncode == 0, proc.stderr[-4000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def test_fifty_tasks_emit_the_module_once(tmp_path: Path, chain_module: Any) -> None:
    built = build_definition(chain_module.chain, tmp_path / "cwl", validate=False)
    files = {p.name: p.read_bytes() for p in built.directory.iterdir() if p.is_file()}
    total = sum(len(b) for b in files.values())
    assert total <= 200_000, f"{total} bytes emitted"
    source = Path(chain_module.__file__).read_bytes()
    assert files["_cwlgen_task.py"] == source  # verbatim: no escaping, no marker line
    shim = (Path(cwlgen.__file__).parent / "runtime" / "shim.py").read_bytes()
    assert files["_cwlgen_shim.py"] == shim
    marker = b"arithmetic that changes nothing"
    assert [name for name, b in files.items() if marker in b] == ["_cwlgen_task.py"]
    assert sum(b.count(b"def call_task(") for b in files.values()) == 1
    tool = built.tool_doc("add_7")
    assert tool["inputs"]["cwlgen_task"]["default"] == {"class": "File",
                                                       "location": "_cwlgen_task.py"}


def test_packed_ships_beside_its_one_file(tmp_path: Path, chain_module: Any) -> None:
    compiled = cwlgen.compile(chain_module.chain, pack=True)
    assert sorted(compiled.texts()) == sorted([compiled.main, "_cwlgen_paths.py",
                                               "_cwlgen_shim.py", "_cwlgen_task.py"])
    compiled.write(tmp_path / "packed")
    out = _run([CWLTOOL, "--no-container", "--quiet", "--outdir", str(tmp_path / "out"),
                str(tmp_path / "packed" / compiled.main)], {"x": 1}, tmp_path / "run",
               os.environ["PATH"])
    assert out == {"out": 1 + TASKS * (TASKS + 1) // 2}


def test_runs_with_cwltool_where_python3_cannot_import_cwlgen(
    tmp_path: Path, chain_module: Any, bare_python: str  # noqa: F811 - the fixture
) -> None:
    built = build_definition(chain_module.chain, tmp_path / "cwl")
    out = _run([CWLTOOL, "--no-container", "--quiet", "--outdir", str(tmp_path / "out"),
                str(built.main)], {"x": 1}, tmp_path / "run", bare_python)
    assert out == {"out": 1 + TASKS * (TASKS + 1) // 2}


@pytest.mark.slow
@pytest.mark.toil
def test_runs_with_toil_where_python3_cannot_import_cwlgen(
    tmp_path: Path, chain_module: Any, bare_python: str  # noqa: F811 - the fixture
) -> None:
    toil = VENV_BIN / "toil-cwl-runner"
    if not toil.exists():
        pytest.skip("toil-cwl-runner is not installed (pip install 'cwlgen[toil]')")
    built = build_definition(chain_module.chain, tmp_path / "cwl", validate=False)
    # Toil starts its workers as `_toil_worker` from PATH: offer that one command after the
    # bare python3, so jobs still see a python3 that cannot import cwlgen.
    worker_dir = tmp_path / "toil_worker"
    worker_dir.mkdir()
    (worker_dir / "_toil_worker").symlink_to(VENV_BIN / "_toil_worker")
    out = _run([str(toil), "--no-container", "--quiet", "--batchSystem", "single_machine",
                "--jobStore", str(tmp_path / "store"), "--outdir", str(tmp_path / "out"),
                str(built.main)], {"x": 1}, tmp_path / "run",
               f"{bare_python}{os.pathsep}{worker_dir}")
    assert out == {"out": 1 + TASKS * (TASKS + 1) // 2}


SMALL = '''\
from cwlgen import task, workflow


@task
def shout(word: str) -> str:
    return word.upper()


@workflow
def loud(word: str) -> str:
    return shout(word=word)
'''


def _build(folder: Path, target: str, out: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(cwlgen.__file__).parents[1])}
    return subprocess.run([str(Path(sys.executable).parent / "cwlgen"), "build", target,
                           "-o", out], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=300)


def test_a_users_file_with_a_shipped_name_is_never_replaced(tmp_path: Path) -> None:
    """A `_cwlgen_task.py` that no document cwlgen wrote stages is the user's: the build
    refuses to write over it (CG520) and leaves it as it was."""
    (tmp_path / "small.py").write_text(SMALL)
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "_cwlgen_task.py"
    mine.write_text("# my own notes\n")
    proc = _build(tmp_path, "small.py:loud", "out")
    assert proc.returncode != 0 and "CG520" in proc.stderr, proc.stderr
    assert mine.read_text() == "# my own notes\n"
    assert not (out / "loud.cwl").exists()


def test_a_rebuild_replaces_and_removes_only_the_shipped_files_it_staged(
    tmp_path: Path
) -> None:
    """Rebuilding replaces cwlgen's shipped files and removes those no document stages any
    more; a user's `_cwlgen_task_7.py` in the folder is left alone."""
    (tmp_path / "small.py").write_text(SMALL)
    assert _build(tmp_path, "small.py:loud", "out").returncode == 0
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "_cwlgen_paths.py", "_cwlgen_shim.py", "_cwlgen_task.py", "loud.cwl", "shout.cwl"]
    mine = out / "_cwlgen_task_7.py"
    mine.write_text("# mine\n")
    (tmp_path / "small.py").write_text(SMALL.replace("word.upper()", "word.lower()"))
    proc = _build(tmp_path, "small.py:loud", "out")
    assert proc.returncode == 0, proc.stderr
    assert "word.lower()" in (out / "_cwlgen_task.py").read_text()
    assert mine.read_text() == "# mine\n"
    # a build of a tool-only workflow into the same folder drops the shipped files it no
    # longer stages (they were cwlgen's), and still leaves the user's file alone
    (tmp_path / "tools.py").write_text(
        "from typing import Annotated\n\nfrom cwlgen import Arg, File, stdout, tool, workflow\n"
        "\n\n@tool(\"echo\")\ndef say(word: Annotated[str, Arg(position=1)]) -> "
        "Annotated[File, stdout()]:\n    \"\"\"Echo.\"\"\"\n    raise NotImplementedError\n\n\n"
        "@workflow\ndef loud(word: str) -> File:\n    return say(word=word)\n")
    proc = _build(tmp_path, "tools.py:loud", "out")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["_cwlgen_task_7.py", "loud.cwl", "say.cwl"]
