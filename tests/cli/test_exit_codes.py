"""One exit-status contract for every subcommand: 0 clean, 1 problems in the user's program or
data (diagnostic errors, an import that fails, bad inputs, stale CWL), 2 usage (an unknown
command or option, a file, module or object that does not exist, an ambiguous target)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("exit-codes")
    for name in ("wordcount.py", "miswired.py"):
        (root / name).write_text((REPO / "examples" / name).read_text())
    (root / "broken.py").write_text("def broken(:\n")
    (root / "poem.txt").write_text("one two\nthree\n")
    return root


def status(project: Path, *args: str) -> int:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "cwlgen", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode


USAGE = [
    ("frobnicate",),
    ("check", "--no-such-option", "wordcount.py"),
    ("check", "absent.py"),
    ("build", "absent.py", "-o", "out"),
    ("build", "wordcount.py:nope", "-o", "out"),
    ("run", "absent.py"),
    ("run", "wordcount.py:nope"),
    ("run", "wordcount.py"),                          # two workflows: name one
    ("resources", "absent.py"),
    ("resources", "wordcount.py:nope"),
]
PROBLEMS = [
    ("check", "miswired.py"),
    ("check", "broken.py"),
    ("build", "miswired.py:first_lines", "-o", "out"),
    ("build", "broken.py", "-o", "out"),
    ("run", "miswired.py:first_lines", "--input", "text=poem.txt"),
    ("run", "wordcount.py:split_and_rank", "--input", "text=absent.txt"),
    ("run", "wordcount.py:split_and_rank", "--input", "txt=poem.txt"),
    ("resources", "miswired.py:first_lines"),
    ("resources", "broken.py"),
]
CLEAN = [
    ("check", "wordcount.py"),
    ("build", "wordcount.py:split_and_rank", "-o", "out"),
    ("build", "wordcount.py", "-o", "out-all"),       # every workflow of the file
    ("resources", "wordcount.py:split_and_rank"),
    ("--version",),
]


@pytest.mark.parametrize("args", USAGE, ids=" ".join)
def test_usage_errors_exit_2(project: Path, args: tuple[str, ...]) -> None:
    assert status(project, *args) == 2


@pytest.mark.parametrize("args", PROBLEMS, ids=" ".join)
def test_problems_in_the_program_or_data_exit_1(project: Path, args: tuple[str, ...]) -> None:
    assert status(project, *args) == 1


@pytest.mark.parametrize("args", CLEAN, ids=" ".join)
def test_clean_exits_0(project: Path, args: tuple[str, ...]) -> None:
    assert status(project, *args) == 0
