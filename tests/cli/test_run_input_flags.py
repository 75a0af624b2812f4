"""`cwlgen run TARGET --help` lists the target's own inputs (type, default, doc), each input is
also a `--name value` flag, and every input problem is reported at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SOURCE = '''\
from typing import Annotated

from cwlgen import Arg, File, stdout, tool, workflow


@tool("head")
def head(
    text: Annotated[File, Arg(position=2)],
    lines: Annotated[int, Arg(prefix="-n", position=1)] = 10,
) -> Annotated[File, stdout("head.txt")]:
    """The first lines of a file."""
    raise NotImplementedError


@tool("cat")
def cat(files: Annotated[list[File], Arg(position=1)]) -> Annotated[File, stdout("all.txt")]:
    """Concatenate files."""
    raise NotImplementedError


@workflow
def top(texts: list[File], lines: int = 2, out_name: str = "top") -> File:
    """Keep the first lines of some files.

    Args:
        texts: the files to cut, in order
        lines: how many lines of each to keep
        out_name: unused label
    """
    return cat(files=head.map(text=texts, lines=lines))
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "wf.py").write_text(SOURCE)
    (tmp_path / "a.txt").write_text("a1\na2\na3\n")
    (tmp_path / "b.txt").write_text("b1\nb2\nb3\n")
    return tmp_path


def cwlgen(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "cwlgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_help_lists_the_workflows_inputs(project: Path) -> None:
    proc = cwlgen(project, "run", "wf.py:top", "--help")
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())  # argparse wraps lines
    assert "inputs of workflow 'top'" in text
    assert "--texts FILE [FILE ...]" in text or "--texts FILE" in text
    assert "File[] (required): the files to cut, in order" in text
    assert "--lines INT" in text and "int (default 2): how many lines of each to keep" in text
    assert "--out-name" in text and "--out_name" in text
    assert "--runner" in text  # the command's own options are still there


def test_help_without_a_loadable_target_still_helps(project: Path) -> None:
    proc = cwlgen(project, "run", "absent.py", "--help")
    assert proc.returncode == 0
    assert "--runner" in proc.stdout
    assert "absent.py" in proc.stdout  # says why the inputs are not listed


def test_flags_run_the_workflow(project: Path) -> None:
    proc = cwlgen(project, "run", "wf.py:top", "--texts", "a.txt", "b.txt", "--lines", "1",
                  "--outdir", "out", "--progress", "quiet")
    assert proc.returncode == 0, proc.stderr
    (out,) = json.loads(proc.stdout).values()
    assert Path(out["path"]).read_text() == "a1\nb1\n"


def test_flags_and_input_pairs_mix(project: Path) -> None:
    proc = cwlgen(project, "run", "wf.py:top", "--input", "texts=a.txt", "--texts", "b.txt",
                  "--out-name", "x", "--outdir", "out", "--progress", "quiet")
    assert proc.returncode == 0, proc.stderr
    (out,) = json.loads(proc.stdout).values()
    assert Path(out["path"]).read_text() == "a1\na2\nb1\nb2\n"


def test_every_input_error_is_reported_at_once(project: Path) -> None:
    proc = cwlgen(project, "run", "wf.py:top", "--lines", "many", "--input", "colour=red",
                  "--input", "nonsense", "--progress", "quiet")
    assert proc.returncode == 1
    err = proc.stderr
    assert "CG503" in err and "many" in err         # not a whole number
    assert "CG501" in err and "colour" in err        # no such input
    assert "CG506" in err and "nonsense" in err      # not NAME=VALUE
    assert "CG502" in err and "texts" in err         # required, not given
    assert "Traceback" not in err


def test_the_target_is_found_after_options_with_values(project: Path) -> None:
    proc = cwlgen(project, "run", "--runner", "cwltool", "--outdir", "o", "wf.py:top", "-h")
    assert proc.returncode == 0, proc.stderr
    assert "inputs of workflow 'top'" in proc.stdout
