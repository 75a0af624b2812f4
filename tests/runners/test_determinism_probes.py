"""The dynamic determinism check's probes (every step output exposed as a workflow output)
and its usage errors; the two real runs are in tests/e2e/test_determinism_run.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cwlgen.ir import Workflow
from cwlgen.runners.determinism_probes import instrument

REPO = Path(__file__).resolve().parents[2]
CWLGEN = str(Path(sys.executable).parent / "cwlgen")


def test_probes_expose_every_step_output() -> None:
    from fixtures.tasks import flaky

    wf = flaky.nested.process_ir()
    assert isinstance(wf, Workflow)
    probed, probes = instrument(wf)
    assert {("/".join(p.path), p.output) for p in probes} == {
        ("flaky", "spread"), ("flaky", "upper"), ("flaky", "stamped"),
        ("flaky/stable", "out"), ("flaky/salt", "out"), ("flaky/spread_2", "out"),
        ("flaky/stamp", "out")}
    names = {o.name for o in probed.outputs}
    assert {p.name for p in probes} <= names and "out" in names


def test_check_determinism_usage_errors(tmp_path: Path) -> None:
    proc = subprocess.run([CWLGEN, "check", "--determinism",
                           "tests/fixtures/tasks/flaky.py:flaky"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 2 and "--inputs" in proc.stderr
    proc = subprocess.run([CWLGEN, "check", "--determinism", "tests/fixtures/tasks/flaky.py",
                           "--inputs", str(tmp_path / "missing.yml")],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 2 and "no such file" in proc.stderr
