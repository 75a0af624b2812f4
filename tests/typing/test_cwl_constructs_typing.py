"""Static typing of the issue-9 tool and type spellings: mypy --strict accepts the fixtures
that use them, and sees through `with_hints(...)` and `@workflow(requirements=...)` (a
step result keeps its type; a workflow keeps its signature)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MYPY = Path(sys.executable).parent / "mypy"
FIXTURES = ["cwl_tools", "cwl_types", "cwl_schemas", "cwl_requirements", "cwl_formats"]


def _mypy(tmp_path: Path, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MYPY), "--strict", "--no-error-summary", "--show-error-codes",
         "--cache-dir", str(tmp_path / "cache"), *files],
        capture_output=True, text=True, cwd=REPO / "tests", timeout=300)


@pytest.mark.slow
def test_the_issue_9_fixtures_are_clean_under_mypy_strict(tmp_path: Path) -> None:
    proc = _mypy(tmp_path, *(f"fixtures/examples/{name}.py" for name in FIXTURES))
    assert proc.returncode == 0, proc.stdout


@pytest.mark.slow
def test_mypy_sees_step_hints_and_workflow_options_through(tmp_path: Path) -> None:
    bad = "fixtures/mypy/cwl_constructs_bad.py"
    proc = _mypy(tmp_path, bad)
    got = sorted((int(m.group(1)), m.group(2)) for m in re.finditer(
        r"^[^:]+:(\d+): error: .*\[([a-z-]+)\]$", proc.stdout, flags=re.MULTILINE))
    text = (REPO / "tests" / bad).read_text().splitlines()
    wanted = sorted((n, m.group(1)) for n, line in enumerate(text, start=1)
                    if (m := re.search(r"# E: ([a-z-]+)", line)))
    assert got == wanted, proc.stdout
