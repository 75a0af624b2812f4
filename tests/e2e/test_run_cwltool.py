"""`cwlgen.run` and `cwlgen run` with cwltool: typed outputs, the progress record, failure
reports naming the step, its command and stderr, and resume from the cache."""
# mypy: disable-error-code="empty-body"
# (no escaped quotes or line continuations here: the module's source ships inside the CWL
# of the task it defines)

from __future__ import annotations

import enum
import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Annotated, NamedTuple

import attrs
import pytest

import cwlgen
from cwlgen import Arg, File, InputError, RunError, stdout, task, tool, workflow
from cwlgen.runners import run_workflow

CWLGEN = [sys.executable, "-m", "cwlgen"]
ANSI = re.compile("\x1b" + r"\[[0-9;?]*[A-Za-z]")


# --- typed outputs through Python tasks and a tool ----------------------------------------

class Level(enum.Enum):
    LOW = "low"
    HIGH = "high"


@attrs.frozen
class Stats:
    words: int
    level: Level
    mean: float


@tool("wc -w")
def count_words(text: Annotated[File, Arg(stdin=True)]) -> Annotated[File, stdout("n.txt")]:
    """Count words."""


@task
def summarise(counts: list[File], threshold: int = 3) -> Stats:
    numbers = [int(c.read_text().split()[0]) for c in counts]
    total = sum(numbers)
    return Stats(words=total, level=Level.HIGH if total > threshold else Level.LOW,
                 mean=total / len(numbers))


class Report(NamedTuple):
    counts: list[File]
    stats: Stats


@workflow
def report(texts: list[File], threshold: int = 3) -> Report:
    counts = count_words.map(text=texts)
    return Report(counts=counts, stats=summarise(counts=counts, threshold=threshold))


@pytest.fixture
def texts(in_tmp_cwd: Path) -> list[Path]:
    paths = []
    for i, words in enumerate(["one two", "three four five", "six"]):
        p = in_tmp_cwd / f"t{i}.txt"
        p.write_text(words + "\n")
        paths.append(p)
    return paths


def test_run_returns_typed_outputs(texts: list[Path], in_tmp_cwd: Path) -> None:
    stream = io.StringIO()
    value = cwlgen.run(report, texts=[File(p) for p in texts], outdir="out", progress=stream)
    assert isinstance(value, Report)
    assert value.stats == Stats(words=6, level=Level.HIGH, mean=2.0)
    assert [Path(c.path).read_text().strip() for c in value.counts] == ["2", "3", "1"]
    assert all(Path(c.path).parent == in_tmp_cwd / "out" for c in value.counts)
    # the build folder the run managed, with the job it ran
    build = in_tmp_cwd / ".cwlgen" / "build" / "report"
    job = json.loads((build / "job.json").read_text())
    # staged by file:// URI so any file name arrives as itself (issue 11)
    assert [t["location"] for t in job["texts"]] == [p.resolve().as_uri() for p in texts]
    assert (build / "report.cwl").exists() and (build / "cwltool.log").exists()
    shown = stream.getvalue()
    assert "[cwlgen] step count_words: done" in shown and "3 jobs" in shown
    assert "step summarise: done" in shown
    assert "2/2 steps done, 0 running, 0 failed (4/4 jobs)" in shown


def test_bad_inputs_stop_before_anything_runs(in_tmp_cwd: Path) -> None:
    with pytest.raises(InputError) as err:
        cwlgen.run(report, texts=["nope.txt"], threshold="high", progress=False)
    assert "CG504" in str(err.value) and "CG503" in str(err.value)
    assert not (in_tmp_cwd / ".cwlgen").exists()


def _counter_lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_failure_names_the_step_and_resume_skips_finished_jobs(in_tmp_cwd: Path) -> None:
    from fixtures.examples.resumable import resumable  # not in job sources
    counter, marker, cache = in_tmp_cwd / "counter.txt", in_tmp_cwd / "marker", "cache"
    inputs = dict(items=["a", "b", "c"], counter=str(counter), marker=str(marker))
    with pytest.raises(RunError) as err:
        run_workflow(resumable, inputs=inputs, cache=cache, progress=False)
    message = str(err.value)
    assert "error[CG507]: step 'gate' failed under cwltool" in message
    assert "exit code 3" in message
    assert "command: sh -c 'test -e " + '"$0"' in message and str(marker) in message
    assert f"marker missing: {marker}" in message
    assert sorted(_counter_lines(counter)) == ["mark a", "mark b", "mark c"]
    first = err.value.result.state  # type: ignore[attr-defined]
    assert first.steps["mark"].status == "done" and first.steps["gate"].status == "failed"

    marker.touch()
    outcome = run_workflow(resumable, inputs=inputs, cache=cache, progress=False)
    # the three `mark` jobs came from the cache: not one ran again; `gate` ran once
    assert sorted(_counter_lines(counter)) == ["gate", "mark a", "mark b", "mark c"]
    steps = outcome.result.state.steps
    assert (steps["mark"].cache_hit, steps["mark"].jobs) == ("yes", 3)
    assert (steps["gate"].cache_hit, steps["gate"].status) == ("no", "done")
    assert Path(outcome.value.path).read_text() == "a\nb\nc\n"


def test_without_cache_everything_runs_again(in_tmp_cwd: Path) -> None:
    from fixtures.examples.resumable import resumable  # not in job sources
    counter, marker = in_tmp_cwd / "counter.txt", in_tmp_cwd / "marker"
    marker.touch()
    inputs = dict(items=["a"], counter=str(counter), marker=str(marker))
    run_workflow(resumable, inputs=inputs, progress=False)
    run_workflow(resumable, inputs=inputs, progress=False)
    assert _counter_lines(counter) == ["mark a", "gate"] * 2


WORKFLOW_FILE = textwrap.dedent('''
    from typing import Annotated
    from cwlgen import Arg, File, stdout, tool, workflow

    @tool("wc -l")
    def lines(text: Annotated[File, Arg(stdin=True)]) -> Annotated[File, stdout("n.txt")]:
        """Count lines."""

    @tool("sh", arguments=["-c", 'echo "about to fail on $0" >&2; exit 5'])
    def broken(text: Annotated[File, Arg(position=1)]) -> Annotated[File, stdout("x")]:
        """Always fails."""

    @workflow
    def count(texts: list[File]) -> list[File]:
        return lines.map(text=texts)

    @workflow
    def fails(text: File) -> File:
        return broken(text=lines(text=text))
''')


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CWLGEN, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_cli_runs_with_a_job_file_and_input_pairs(in_tmp_cwd: Path) -> None:
    (in_tmp_cwd / "flows.py").write_text(WORKFLOW_FILE)
    (in_tmp_cwd / "data").mkdir()
    (in_tmp_cwd / "data" / "a.txt").write_text("1\n2\n3\n")
    (in_tmp_cwd / "data" / "b.txt").write_text("1\n")
    (in_tmp_cwd / "data" / "job.yml").write_text("texts: [a.txt, {class: File, path: b.txt}]\n")
    proc = _cli("run", "flows.py:count", "data/job.yml", "--outdir", "res", cwd=in_tmp_cwd)
    assert proc.returncode == 0, proc.stderr
    outputs = json.loads(proc.stdout)
    assert [Path(o["path"]).read_text().strip() for o in outputs["out"]] == ["3", "1"]
    assert "[cwlgen] step lines: done" in proc.stderr
    assert "cache hit" in proc.stderr  # the final per-step table

    # --input pairs, and runner arguments after `--` reach cwltool unchanged
    proc = _cli("run", "flows.py:count", "-i", "texts=data/a.txt", "--progress", "quiet",
                "--", "--timestamps", cwd=in_tmp_cwd)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    log = (in_tmp_cwd / ".cwlgen" / "build" / "count" / "cwltool.log").read_text()
    assert " --timestamps " in log.splitlines()[0]


def test_cli_reports_a_failed_step(in_tmp_cwd: Path) -> None:
    (in_tmp_cwd / "flows.py").write_text(WORKFLOW_FILE)
    (in_tmp_cwd / "a.txt").write_text("x\n")
    proc = _cli("run", "flows.py:fails", "-i", "text=a.txt", "--parallel", cwd=in_tmp_cwd)
    assert proc.returncode == 1
    assert proc.stdout == ""
    err = proc.stderr
    assert "error[CG507]: step 'broken' failed under cwltool" in err
    assert "exit code 5" in err
    assert "about to fail on " in err
    assert "command: sh -c 'echo " + '"about to fail on $0" >&2; exit 5' in err
    assert "step broken: FAILED" in err

    proc = _cli("run", "flows.py:count", "-i", "texts=missing.txt", cwd=in_tmp_cwd)
    assert proc.returncode == 1
    assert ("error[CG504]: input 'texts[0]' of 'count': file not found: missing.txt"
            in proc.stderr)
    proc = _cli("run", "flows.py", cwd=in_tmp_cwd)  # an ambiguous target: a usage error
    assert proc.returncode == 2 and "name one as flows.py:count" in proc.stderr


def test_live_display_renders_to_a_terminal_stream(texts: list[Path]) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    value = cwlgen.run(report, texts=[File(p) for p in texts], progress=screen)
    assert value.stats.words == 6
    shown = ANSI.sub("", screen.getvalue())
    assert "report (cwltool)" in shown  # the live panel's title
    assert "┃ step" in shown and "summarise" in shown  # the final table
    assert "[cwlgen] step" not in shown  # no plain lines on a terminal


def test_a_single_tool_runs_too(in_tmp_cwd: Path) -> None:
    (in_tmp_cwd / "t.txt").write_text("a b c d\n")
    out = cwlgen.run(count_words, text="t.txt", progress=False)
    assert isinstance(out, File) and out.read_text().strip() == "4"
