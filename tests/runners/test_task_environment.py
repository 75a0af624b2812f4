"""Where a Python task's job runs: a python3 that cannot import cwlgen (the shim installs a
stand-in `cwlgen`), a python3 with a third-party package declared in `packages=`, and the
requirements a task's options turn into. Byte-identical output across PYTHONHASHSEED.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CWLTOOL, VENV_BIN, build_definition
from needs import need_module

import cwlgen
from cwlgen.lower.shipped import runtime_source

STAND_IN = "stand-in for cwlgen inside a CWL job"


def run_with_path(main: Path, job: dict[str, Any], work: Path, path: str) -> dict[str, Any]:
    """Run cwltool (by absolute path) with PATH=`path`, so jobs find that python3."""
    work.mkdir(parents=True, exist_ok=True)
    job_file = work / "job.json"
    job_file.write_text(json.dumps(job))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = path
    proc = subprocess.run([CWLTOOL, "--no-container", "--quiet", "--outdir", str(work / "out"),
                           str(main), str(job_file)], capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PATH whose python3 is a fresh venv without cwlgen (or anything else) installed."""
    venv = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    path = f"{venv / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin"
    probe = subprocess.run(["python3", "-c", "import cwlgen"], capture_output=True, text=True,
                           env={"PATH": path}, cwd=venv)
    assert probe.returncode != 0 and "No module named 'cwlgen'" in probe.stderr
    return path


def test_job_runs_where_python3_cannot_import_cwlgen(tmp_path: Path, bare_python: str) -> None:
    from fixtures.tasks import mixed

    built = build_definition(mixed.count_and_report, tmp_path / "cwl")
    text = tmp_path / "poem.txt"
    text.write_text("one\ntwo\nthree\n")
    out = run_with_path(built.main, {"text": {"class": "File", "path": str(text)}},
                        tmp_path / "run", bare_python)
    assert out["count"] == 3
    assert Path(out["report"]["path"]).read_text() == "lines: 3 in input\n"
    assert out["stand_in"] == f"{STAND_IN}|caught|Directory|_Inert"
    # the job got the module byte for byte (backslashes included): it is staged from the
    # one copy written beside the documents, a File, which no runner interpolates
    shipped = Path(mixed.__file__).read_text()
    assert (tmp_path / "cwl" / "_cwlgen_task.py").read_text() == shipped
    assert out["source_sha"] == hashlib.sha256(shipped.encode()).hexdigest()


def test_the_mixed_workflow_runs_in_process_with_a_stub_for_the_tool(tmp_path: Path) -> None:
    from fixtures.tasks import mixed

    text = tmp_path / "poem.txt"
    text.write_text("one\ntwo\n")

    def fake_wc(text: cwlgen.File) -> cwlgen.File:
        Path("n.txt").write_text(f"{len(text.read_text().splitlines())}\n")
        return cwlgen.File("n.txt")

    result = cwlgen.run_local(mixed.count_and_report, text=text,
                              _stubs={"count_lines": fake_wc}, _workdir=tmp_path / "jobs")
    assert result.count == 2
    assert result.report.read_text() == "lines: 2 in input\n"
    assert not result.stand_in.startswith(STAND_IN)  # in-process, the real cwlgen
    with pytest.raises(cwlgen.RunError, match="command-line tool.*count_lines.*_stubs"):
        cwlgen.run_local(mixed.count_and_report, text=text, _workdir=tmp_path / "jobs")


def test_the_stand_in_offers_every_public_name(tmp_path: Path, bare_python: str) -> None:
    (tmp_path / "_cwlgen_shim.py").write_text(runtime_source("shim"))
    (tmp_path / "_cwlgen_paths.py").write_text(runtime_source("paths"))
    names = ", ".join(cwlgen.__all__)
    script = f"""
import _cwlgen_shim as shim
shim.install_stub()
from cwlgen import {names}
import cwlgen, cwlgen.dsl.spec, cwlgen.anything.at.all
from cwlgen.runtime.paths import File as PathsFile
assert File is shim.File and PathsFile is shim.File and Directory is shim.Directory

@task
def a(x: int) -> int:
    return x + 1

@task(packages=["numpy"], resources=Resources(cores=2), deterministic=False)
def b(x: "Annotated[int, Arg(position=1)]") -> int:
    return x * 2

@tool("wc -l", arguments=[Arg(value_from="x")])
def c(x: File) -> "Annotated[File, stdout()]":
    '''doc'''

@workflow
def w(x: int) -> int:
    return b(x=a(x=x))

assert a(1) == 2 and b(2) == 4 and w(1) == 4
try:
    raise CompileError("boom")
except CwlgenError:
    pass
assert cwlgen.CompileError is CompileError and issubclass(UsageError, CwlgenError)
print("stand-in ok", cwlgen.__doc__)
"""
    proc = subprocess.run(["python3", "-c", script], capture_output=True, text=True,
                          cwd=tmp_path, env={"PATH": bare_python})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"stand-in ok {STAND_IN}")


def test_a_task_using_numpy_declared_in_packages(tmp_path: Path) -> None:
    need_module("numpy")
    from fixtures.tasks import numeric

    built = build_definition(numeric.numbers, tmp_path / "cwl")
    doc = built.compiled.documents["summarise.cwl"]
    assert {"class": "SoftwareRequirement", "packages": [{"package": "numpy"}]} in doc["hints"]
    # the job's python3 is this environment's, where numpy is installed
    path = f"{VENV_BIN}{os.pathsep}/usr/bin{os.pathsep}/bin"
    out = run_with_path(built.main, {"values": [1.0, 2.0, 3.0, 6.0], "seed": 3},
                        tmp_path / "run", path)
    assert out["mean"] == 3.0 and out["spread"] == pytest.approx(1.8708286933869707)
    local = cwlgen.run_local(numeric.numbers, values=[1.0, 2.0, 3.0, 6.0], seed=3,
                             _workdir=tmp_path / "jobs")
    assert local.draws == out["draws"] and len(set(out["draws"])) == 3
    assert out["version"] == local.version


@cwlgen.task(container="python:3.11-slim", packages=["scipy==1.11"],
             resources=cwlgen.Resources(cores=2, ram="1 GiB", time_limit="10 min"),
             env={"OMP_NUM_THREADS": "1"}, deterministic=False, network=True)
def fetch(url: str) -> str:
    """Download something."""
    import urllib.request

    with urllib.request.urlopen(url) as page:
        return str(page.read().decode())


def test_task_options_become_requirements(tmp_path: Path) -> None:
    doc = cwlgen.compile(fetch).documents["fetch.cwl"]
    reqs = {r["class"]: r for r in doc["requirements"]}
    hints = {h["class"]: h for h in doc["hints"]}
    assert hints["DockerRequirement"] == {"class": "DockerRequirement",
                                          "dockerPull": "python:3.11-slim"}
    assert hints["SoftwareRequirement"]["packages"] == [{"package": "scipy",
                                                         "version": ["1.11"]}]
    assert reqs["ResourceRequirement"] == {"class": "ResourceRequirement", "coresMin": 2,
                                           "ramMin": 1024}
    assert reqs["ToolTimeLimit"]["timelimit"] == 600
    assert reqs["EnvVarRequirement"]["envDef"] == [{"envName": "OMP_NUM_THREADS",
                                                    "envValue": "1"}]
    assert reqs["WorkReuse"] == {"class": "WorkReuse", "enableReuse": False}
    assert reqs["NetworkAccess"] == {"class": "NetworkAccess", "networkAccess": True}
    assert "InlineJavascriptRequirement" not in reqs
    plain = cwlgen.compile(cwlgen.task(lambda_free)).documents["lambda_free.cwl"]
    classes = [r["class"] for r in plain["requirements"]]
    assert classes == ["InitialWorkDirRequirement"] and "hints" not in plain


def lambda_free(x: int) -> int:
    """A module-level function decorated inside a test (its module ships with it)."""
    return x


def test_compiled_tasks_are_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    script = ("import sys; sys.path.insert(0, 'tests'); import cwlgen; "
              "from fixtures.tasks import roundtrip; "
              "print(''.join(cwlgen.compile(roundtrip.roundtrip, pack=True).texts().values()))")
    texts = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env=env, cwd=Path(__file__).resolve().parents[2], check=True)
        texts.add(proc.stdout)
    assert len(texts) == 1


def test_a_task_defined_in_a_function_is_rejected() -> None:
    def outer() -> Any:
        @cwlgen.task
        def inner(x: int) -> int:
            return x

        return inner

    (d,) = cwlgen.check(outer())
    assert d.code == "CG112" and "define tasks at module level" in d.message
    assert d.loc is not None and d.loc.path.endswith("test_task_environment.py")
