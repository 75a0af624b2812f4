"""`make demo`, the README's first command, works: it runs examples/demo.py (compile, validate
and run the word-count workflow with cwltool, then show the miswired example rejected by
`cwlgen check` and by mypy) and ends with "demo OK"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_make_demo_script_runs() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run([sys.executable, "examples/demo.py"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.rstrip().endswith("demo OK")
    assert "error[CG201]" in proc.stdout and "[arg-type]" in proc.stdout
