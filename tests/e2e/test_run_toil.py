"""`cwlgen.run(..., runner="toil")`: Toil single_machine, resume through the job store
(`--restart`), and a real one-node Slurm cluster (start it with `bash .ci/start-slurm.sh`)."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pytest

import cwlgen
from cwlgen import Arg, File, Resources, RunError, stdout, task, tool, workflow
from cwlgen.runners import run_workflow

pytestmark = [pytest.mark.toil, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _toil_installed() -> None:
    from needs import missing  # not at the top: this module's source also runs inside jobs

    if not (Path(sys.executable).parent / "toil-cwl-runner").exists() and not shutil.which(
        "toil-cwl-runner"
    ):
        missing("toil-cwl-runner is not installed (pip install 'cwlgen[toil]')")


@tool("wc -w")
def count_words(text: Annotated[File, Arg(stdin=True)]) -> Annotated[File, stdout("n.txt")]:
    """Count words."""


@task
def total(counts: list[File]) -> int:
    return sum(int(c.read_text().split()[0]) for c in counts)


@workflow
def word_total(texts: list[File]) -> int:
    return total(counts=count_words.map(text=texts))




# every process this job runs under, innermost first (under Slurm: `slurmstepd: [ID.batch]`)
ANCESTORS = ('p=$$; while [ "$p" -gt 1 ]; do xargs -0 echo < /proc/$p/cmdline; '
             'p=`cut -d" " -f4 /proc/$p/stat`; done')


@tool("sh", arguments=["-c", ANCESTORS],
      resources=Resources(cores=1, ram="100 MiB", time_limit="3 min"))
def where(item: Annotated[str, Arg(position=1)]) -> Annotated[File, stdout("where.txt")]:
    """List the processes this job runs under."""


@workflow
def on_cluster(items: list[str]) -> list[File]:
    return where.map(item=items)


NO_RETRY = ["--retryCount", "0"]  # a failing test job should fail at once, not after a retry


def test_single_machine_gives_the_same_outputs_as_cwltool(in_tmp_cwd: Path) -> None:
    texts = []
    for i, words in enumerate(["a b", "c d e", "f"]):
        (in_tmp_cwd / f"t{i}.txt").write_text(words + "\n")
        texts.append(File(in_tmp_cwd / f"t{i}.txt"))
    assert cwlgen.run(word_total, texts=texts, progress=False) == 6
    outcome = run_workflow(word_total, runner="toil", batch_system="single_machine",
                           inputs={"texts": texts}, outdir="toil-out", progress=False)
    assert outcome.value == 6
    steps = outcome.result.state.steps
    assert (steps["count_words"].status, steps["count_words"].jobs) == ("done", 3)
    assert steps["total"].status == "done"
    assert not (outcome.build_dir / "toil.jobstore").exists()  # cleaned after the run


def test_resume_restarts_the_job_store(in_tmp_cwd: Path) -> None:
    from fixtures.examples.resumable import resumable  # not in job sources
    counter, marker = in_tmp_cwd / "counter.txt", in_tmp_cwd / "marker"
    inputs = dict(items=["a", "b", "c"], counter=str(counter), marker=str(marker))
    with pytest.raises(RunError) as err:
        run_workflow(resumable, runner="toil", inputs=inputs, cache="cache",
                     runner_args=NO_RETRY, progress=False)
    message = str(err.value)
    assert "error[CG507]: step 'gate' failed under toil" in message
    assert f"marker missing: {marker}" in message
    assert "command: sh -c 'test -e " in message
    store = in_tmp_cwd / "cache" / "toil" / "resumable.jobstore"
    assert store.is_dir()  # kept for the restart
    assert sorted(counter.read_text().splitlines()) == ["mark a", "mark b", "mark c"]

    marker.touch()
    outcome = run_workflow(resumable, runner="toil", inputs=inputs, cache="cache",
                           runner_args=NO_RETRY, progress=False)
    assert "--restart" in outcome.result.log_path.read_text().splitlines()[0]
    # not one `mark` job ran again; `gate` ran once
    assert sorted(counter.read_text().splitlines()) == ["gate", "mark a", "mark b", "mark c"]
    steps = outcome.result.state.steps
    assert (steps["mark"].status, steps["mark"].cache_hit) == ("done", "resumed")
    assert (steps["gate"].status, steps["gate"].jobs) == ("done", 1)
    assert Path(outcome.value.path).read_text() == "a\nb\nc\n"
    assert not store.exists()  # cleaned on success


def test_changed_inputs_start_a_fresh_job_store(in_tmp_cwd: Path) -> None:
    from fixtures.examples.resumable import resumable  # not in job sources
    counter, marker = in_tmp_cwd / "counter.txt", in_tmp_cwd / "marker"
    with pytest.raises(RunError):
        run_workflow(resumable, runner="toil", cache="cache", runner_args=NO_RETRY,
                     inputs=dict(items=["a"], counter=str(counter), marker=str(marker)),
                     progress=False)
    marker.touch()
    outcome = run_workflow(resumable, runner="toil", cache="cache", runner_args=NO_RETRY,
                           inputs=dict(items=["b"], counter=str(counter), marker=str(marker)),
                           progress=False)
    assert "--restart" not in outcome.result.log_path.read_text().splitlines()[0]
    assert Path(outcome.value.path).read_text() == "b\n"


@pytest.mark.slurm
def test_slurm_runs_each_job_as_a_slurm_job_with_its_resources(in_tmp_cwd: Path) -> None:
    from needs import need_slurm

    need_slurm()
    outcome = run_workflow(on_cluster, runner="toil", batch_system="slurm",
                           inputs={"items": ["x", "y"]}, progress=False)
    job_ids = []
    for f in outcome.value:
        ancestry = Path(f.path).read_text()
        m = re.search(r"slurmstepd: \[(\d+)\.batch\]", ancestry)
        assert m, f"job did not run under Slurm:\n{ancestry}"
        job_ids.append(m.group(1))
    assert len(set(job_ids)) == 2  # one Slurm job per scattered item
    # ResourceRequirement and ToolTimeLimit reached sbatch (--cpus-per-task, --mem, --time)
    shown = subprocess.run(["scontrol", "show", "job", job_ids[0]], capture_output=True,
                           text=True, timeout=30).stdout
    assert "TimeLimit=00:03:00" in shown
    assert "MinMemoryNode=100M" in shown
    assert "CPUs/Task=1" in shown
    assert outcome.result.state.steps["where"].jobs == 2
