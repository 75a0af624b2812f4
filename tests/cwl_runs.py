"""Running cwlgen and cwltool as a user's shell would, for the import round-trip tests: the
checkout on PYTHONPATH, the venv's commands first on PATH, and cwltool's outputs made
comparable (a File as its contents, a Directory as its sorted entry names, a record field by
field)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), PATH=f"{BIN}:{os.environ.get('PATH', '')}")
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def outputs(doc: Path, job: Path, out: Path) -> dict[str, object]:
    """cwltool's outputs of `doc` run with `job` in `out`, readable (see `readable`)."""
    proc = run(str(BIN / "cwltool"), "--no-container", "--quiet", "--outdir", str(out),
               str(doc), str(job), cwd=out.parent)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout)
    return {k: readable(v) for k, v in result.items()}


def readable(value: object) -> object:
    """A File's contents, a Directory's sorted entry names, lists and records item by
    item."""
    if isinstance(value, list):
        return [readable(v) for v in value]
    if isinstance(value, dict) and value.get("class") == "File":
        return Path(str(value["path"])).read_text()
    if isinstance(value, dict) and value.get("class") == "Directory":
        return sorted(os.listdir(str(value["path"])))
    if isinstance(value, dict):  # a record
        return {k: readable(v) for k, v in value.items()}
    return value
