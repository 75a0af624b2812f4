"""Emitted CWL is byte-identical on every supported Python (3.10 to 3.13): each interpreter
compiles every example, pipeline and fixture workflow (compile_everything.py), under its own
random PYTHONHASHSEED, and the texts must equal this interpreter's.

The other interpreters come from CWLGEN_OTHER_PYTHONS (paths separated by ':'), each with
cwlgen's dependencies installed; `.ci/pythons.sh` creates them (pyenv's 3.10, 3.12 and 3.13)
and CI sets the variable. Without it the test skips (fails with CWLGEN_REQUIRE_TOOLS=1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from needs import missing

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SCRIPT = HERE / "compile_everything.py"


def other_pythons() -> list[str]:
    return [p for p in os.environ.get("CWLGEN_OTHER_PYTHONS", "").split(":") if p]


def compile_with(python: str, seed: str) -> tuple[str, dict[str, str]]:
    """(the interpreter's version, its compiled texts)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": seed}
    version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"],
                             capture_output=True, text=True, check=True, env=env).stdout.strip()
    proc = subprocess.run([python, str(SCRIPT)], capture_output=True, text=True, env=env,
                          cwd=HERE, timeout=600)
    assert proc.returncode == 0, f"Python {version} failed to compile:\n{proc.stderr}"
    return version, json.loads(proc.stdout)


def test_every_python_emits_the_same_bytes() -> None:
    others = other_pythons()
    if not others:
        missing("CWLGEN_OTHER_PYTHONS names no other interpreter (see .ci/pythons.sh)")
    _, reference = compile_with(sys.executable, "0")
    assert len(reference) > 100  # the examples, pipelines and fixtures all compiled
    seen = {sys.version.split()[0]}
    for index, python in enumerate(others, start=1):
        version, texts = compile_with(python, str(index * 7919))
        seen.add(version)
        assert sorted(texts) == sorted(reference), f"Python {version} wrote other documents"
        differ = [name for name in reference if texts[name] != reference[name]]
        assert not differ, f"Python {version} wrote different CWL for {differ[:5]}"
    assert len(seen) == 1 + len(others), f"the interpreters are not distinct versions: {seen}"
