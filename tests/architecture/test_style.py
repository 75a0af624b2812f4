"""House style as a test, so CI enforces it: ruff on the code, `mypy --strict` on the
package (which ships py.typed), the pipelines and the scripts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)


def test_ruff_is_clean() -> None:
    proc = run(str(BIN / "ruff"), "check", "cwlgen", "tests", "pipelines", "scripts",
               "benchmarks")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_is_clean_on_the_package() -> None:
    proc = run(str(BIN / "mypy"))  # [tool.mypy] in pyproject: strict, packages = cwlgen
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_is_clean_on_pipelines_and_scripts() -> None:
    proc = run(str(BIN / "mypy"), "--strict", "pipelines", "scripts")
    assert proc.returncode == 0, proc.stdout + proc.stderr
