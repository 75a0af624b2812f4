"""`cwlgen check --determinism TARGET --inputs job.yml` runs the compiled workflow twice with
cwltool and names each step output that differs, at the step's file:line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cwlgen.runners import check_determinism_run

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "tasks"
CWLGEN = str(Path(sys.executable).parent / "cwlgen")


def _line_of(text: str) -> int:
    lines = (FIXTURES / "flaky.py").read_text().splitlines()
    return next(i for i, s in enumerate(lines, 1) if text in s)


def test_check_determinism_names_steps_and_outputs_that_differ(tmp_path: Path) -> None:
    job = tmp_path / "job.yml"
    job.write_text("word: reproducible\n")
    proc = subprocess.run([CWLGEN, "check", "--determinism",
                           "tests/fixtures/tasks/flaky.py:flaky", "--inputs", str(job)],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 1, proc.stderr
    call = _line_of("spread(n=salt(word=word)")
    stamp = _line_of("stamped=stamp(word=word)")
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(
        f"tests/fixtures/tasks/flaky.py:{call}: error[CG410]: step 'salt' produced a "
        "different 'out' in two runs with the same inputs")
    assert lines[1] == (
        f"tests/fixtures/tasks/flaky.py:{call}: warning[CG411]: step 'spread_2' produced a "
        "different 'out' in two runs, because its input 'n' differed (output 'out' of step "
        "'salt' differed)")
    assert lines[2] == (
        f"tests/fixtures/tasks/flaky.py:{stamp}: warning[CG412]: step 'stamp' produced a "
        "different 'out' in two runs, as its declaration deterministic=False allows")
    assert len(lines) == 3  # `stable` agreed in both runs
    assert "3 step output(s) differ" in proc.stderr


def test_check_determinism_passes_a_deterministic_workflow(tmp_path: Path) -> None:
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"word": "same"}))
    proc = subprocess.run([CWLGEN, "check", "--format", "json", "--determinism",
                           "tests/fixtures/tasks/flaky.py:steady", "--inputs", str(job)],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["diagnostics"] == []


def test_check_determinism_looks_inside_scattered_subworkflows(tmp_path: Path) -> None:
    from fixtures.tasks import flaky

    job = tmp_path / "job.json"
    job.write_text(json.dumps({"words": ["a", "b"]}))
    found = check_determinism_run(flaky.nested, job)
    summary = sorted((d.code, d.message.split(" produced")[0]) for d in found)
    assert summary == [("CG410", "step 'flaky/salt'"), ("CG411", "step 'flaky/spread_2'"),
                       ("CG412", "step 'flaky/stamp'")]
