"""The one builder of the engines' command lines: the user's arguments come first (so an
option taking several values cannot swallow ours), containers, cache and resume flags; and
cwltool started this way really runs a workflow and reports a failure by its exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Annotated

from conftest import build_definition

from cwlgen import File, stdout, tool
from cwlgen.runners.command_lines import CWLTOOL_MAIN, container_flags, cwltool_argv, toil_argv
from cwlgen.runners.cwltool_runner import CwltoolEngine
from cwlgen.runners.request import RunRequest

MAIN, JOB, OUT = Path("/w/main.cwl"), Path("/w/job.json"), Path("/w/out")


def test_container_flags() -> None:
    assert container_flags(None) == ["--no-container"]
    assert container_flags("docker") == []
    assert container_flags("podman") == ["--podman"]
    assert container_flags("singularity") == ["--singularity"]


def test_cwltool_user_arguments_come_first_and_paths_last() -> None:
    argv = cwltool_argv(MAIN, JOB, OUT, extra_args=("--preserve-environment", "A", "B"),
                        cache=Path("/c/cwltool"), parallel=True, tmpdir=Path("/t"))
    assert argv[:3] == [sys.executable, "-c", CWLTOOL_MAIN]
    assert argv[3:6] == ["--preserve-environment", "A", "B"]
    assert argv[-2:] == [str(MAIN), str(JOB)]
    rest = argv[6:-2]
    assert rest[:3] == ["--disable-color", "--outdir", str(OUT)]
    assert ["--tmpdir-prefix", "/t/", "--tmp-outdir-prefix", "/t/"] == rest[3:7]
    assert "--no-container" in rest and "--parallel" in rest
    assert rest[rest.index("--cachedir") + 1] == "/c/cwltool"


def test_cwltool_engine_puts_its_cache_under_the_cache_folder(tmp_path: Path) -> None:
    req = RunRequest(process=shout.process_ir(),
                     workflow=MAIN, job=JOB, outdir=OUT, build_dir=tmp_path, cache=tmp_path / "c",
                     container="docker")
    argv = CwltoolEngine().argv(req)
    assert argv[argv.index("--cachedir") + 1] == str(tmp_path / "c" / "cwltool")
    assert "--no-container" not in argv and "--parallel" not in argv


def test_toil_flags() -> None:
    argv = toil_argv(MAIN, JOB, OUT, job_store=Path("/s/main.jobstore"), extra_args=("--retryCount",
                     "2"), keep_store_on_failure=True, restart=True, bypass_file_store=True)
    assert argv[1:3] == ["--retryCount", "2"]
    assert argv[argv.index("--batchSystem") + 1] == "single_machine"
    assert argv[argv.index("--jobStore") + 1] == "/s/main.jobstore"
    assert argv[argv.index("--clean") + 1] == "onSuccess"
    assert {"--restart", "--bypass-file-store", "--no-container"} <= set(argv)
    assert argv[-2:] == [str(MAIN), str(JOB)]
    again = toil_argv(MAIN, JOB, OUT, job_store=Path("/s"), batch_system="slurm",
                      extra_args=("--bypass-file-store",), bypass_file_store=True)
    assert again.count("--bypass-file-store") == 1
    assert again[again.index("--clean") + 1] == "always" and "--restart" not in again
    assert again[again.index("--batchSystem") + 1] == "slurm"


@tool("echo")
def shout(word: str) -> Annotated[File, stdout("shout.txt")]:
    """Print a word."""


@tool("false")
def fail() -> Annotated[File, stdout("never.txt")]:
    """Exit 1."""


def test_cwltool_started_this_way_runs_and_reports_failure(tmp_path: Path) -> None:
    built = build_definition(shout, tmp_path / "ok")
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"word": "hello"}))
    proc = subprocess.run(cwltool_argv(built.main, job, tmp_path / "out", tmpdir=tmp_path),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert Path(out["out"]["path"]).read_text() == "hello\n"
    bad = build_definition(fail, tmp_path / "bad")
    (tmp_path / "empty.json").write_text("{}")
    proc = subprocess.run(cwltool_argv(bad.main, tmp_path / "empty.json", tmp_path / "out2"),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0  # `python -m cwltool` would exit 0 here
