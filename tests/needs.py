"""Optional external tools for tests: skip with a message naming what is missing, or fail
when CWLGEN_REQUIRE_TOOLS=1 (as in CI, where every tool must be present)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

REQUIRED = os.environ.get("CWLGEN_REQUIRE_TOOLS") == "1"


def missing(reason: str) -> None:
    """Skip the current test, or fail it when tools are required."""
    if REQUIRED:
        pytest.fail(f"required tool missing (CWLGEN_REQUIRE_TOOLS=1): {reason}")
    pytest.skip(reason)


def need_commands(*names: str) -> None:
    absent = [n for n in names if shutil.which(n) is None]
    if absent:
        missing(f"not installed: {', '.join(absent)}")


def need_module(name: str) -> None:
    try:
        __import__(name)
    except ImportError:
        missing(f"Python module '{name}' is not installed")


def slurm_idle() -> bool:
    if shutil.which("sinfo") is None:
        return False
    try:
        out = subprocess.run(["sinfo", "-h", "-o", "%t"], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return any(state.strip().startswith(("idle", "mix")) for state in out.splitlines())


def need_slurm() -> None:
    need_commands("sinfo", "sbatch")
    if not slurm_idle():
        missing("no idle Slurm node (start one with `bash .ci/start-slurm.sh`)")
