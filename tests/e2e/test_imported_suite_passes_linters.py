"""Every conformance-suite document `cwlgen import` accepts becomes a module that passes
ruff, mypy --strict and `cwlgen check` (one run of each over all of them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cwlgen.cwl_import import ImportFailed, import_cwl

REPO = Path(__file__).resolve().parents[2]
SUITE = Path(os.environ.get("CWLGEN_CONFORMANCE_SUITE",
                            REPO.parent / "shared" / "conformance"))
BIN = Path(sys.executable).parent


@pytest.mark.skipif(not (SUITE / "tests").is_dir(), reason=f"no conformance suite at {SUITE}")
def test_imported_modules_pass_ruff_mypy_strict_and_cwlgen_check(tmp_path: Path) -> None:
    written = []
    for i, doc in enumerate(sorted((SUITE / "tests").rglob("*.cwl"))):
        try:
            import_cwl(str(doc), tmp_path / f"doc_{i:03d}.py")
        except ImportFailed:
            continue
        written.append(f"doc_{i:03d}.py")
    assert len(written) >= 100
    env = dict(os.environ, PYTHONPATH=str(REPO))
    for cmd in ([str(BIN / "ruff"), "check", "--config", str(REPO / "pyproject.toml"), "."],
                [str(BIN / "mypy"), "--strict", "--no-incremental", "."],
                [sys.executable, "-m", "cwlgen", "check", "."]):
        proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=900)
        assert proc.returncode == 0, f"{cmd[0]}:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
