"""Determinism checks.

Static: fixture modules in tests/fixtures/tasks/ mark the lines that must be reported,
mypy-style (`# E: CG401`, `# W: CG302`, `# N: text of a note pointing here`); the test
asserts the exact multiset of (line, code) pairs, so every hazard is caught at its line and
nothing else is reported (`allowed.py` carries no marker: seeded generators, sorted sets,
declared deterministic=False / network=True and suppression comments pass).

Dynamic: `cwlgen check --determinism TARGET --inputs job.yml` runs the compiled workflow twice
with cwltool and names each step output that differs, at the step's file:line.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from markers import Expectations

import cwlgen
from cwlgen.cli.targets import definitions_in
from cwlgen.determinism_run import check_determinism_run, instrument
from cwlgen.ir import Workflow
from cwlgen.ir.diagnostics import Diagnostic

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures" / "tasks"
CWLGEN = str(Path(sys.executable).parent / "cwlgen")
def module_diagnostics(stem: str) -> list[Diagnostic]:
    module = __import__(f"fixtures.tasks.{stem}", fromlist=["_"])
    found: dict[Diagnostic, None] = {}
    for definition in definitions_in(module):
        for d in cwlgen.check(definition):
            found[d] = None
    return list(found)


@pytest.mark.parametrize("stem", ["hazards", "allowed"])
def test_static_determinism_fixture(stem: str) -> None:
    path = FIXTURES / f"{stem}.py"
    marks = Expectations(path)
    expected, notes = marks.codes, marks.notes
    diagnostics = module_diagnostics(stem)
    for d in diagnostics:
        assert d.loc is not None and Path(d.loc.path).resolve() == path, d.render()
    got = Counter((d.loc.line, d.code, d.severity) for d in diagnostics if d.loc)
    assert sorted(got.elements()) == sorted(expected.elements()), "\n" + "\n".join(
        d.render() for d in sorted(diagnostics, key=Diagnostic.sort_key))
    for line, text in notes:
        assert any(text in n.message for d in diagnostics for n in d.notes
                   if n.loc is not None and n.loc.line == line), (line, text)


def test_every_static_rule_has_a_negative_fixture() -> None:
    expected = Expectations(FIXTURES / "hazards.py").codes
    assert {code for _, code, _ in expected} >= {f"CG40{i}" for i in range(1, 8)}


def test_hazard_messages_name_the_call_and_the_way_out() -> None:
    by_line = {(d.loc.line if d.loc else 0): d for d in module_diagnostics("hazards")}
    text = (FIXTURES / "hazards.py").read_text().splitlines()
    line = next(i for i, s in enumerate(text, 1) if "np.random.rand()" in s)
    assert "calls numpy.random.rand() without seeding" in by_line[line].message
    assert "numpy.random.default_rng(seed)" in by_line[line].message
    line = next(i for i, s in enumerate(text, 1) if "requests.get(url).text  #" in s)
    assert "declare @task(network=True)" in by_line[line].message


def test_cwlgen_check_reports_hazards_at_file_and_line() -> None:
    proc = subprocess.run([CWLGEN, "check", "tests/fixtures/tasks/hazards.py"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert re.search(r"^tests/fixtures/tasks/hazards\.py:\d+: error\[CG406\]: task 'sets' "
                     r"iterates over a set", proc.stdout, re.M)
    proc = subprocess.run([CWLGEN, "check", "tests/fixtures/tasks/allowed.py"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


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


def test_check_determinism_usage_errors(tmp_path: Path) -> None:
    proc = subprocess.run([CWLGEN, "check", "--determinism",
                           "tests/fixtures/tasks/flaky.py:flaky"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 2 and "--inputs" in proc.stderr
    proc = subprocess.run([CWLGEN, "check", "--determinism", "tests/fixtures/tasks/flaky.py",
                           "--inputs", str(tmp_path / "missing.yml")],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 2 and "no such file" in proc.stderr
