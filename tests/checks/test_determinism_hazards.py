"""Determinism checks.

Static: fixture modules in tests/fixtures/tasks/ mark the lines that must be reported,
mypy-style (`# E: CG401`, `# W: CG302`, `# N: text of a note pointing here`); the test
asserts the exact multiset of (line, code) pairs, so every hazard is caught at its line and
nothing else is reported (`allowed.py` carries no marker: seeded generators, sorted sets,
declared deterministic=False / network=True and suppression comments pass).

The dynamic check (`cwlgen check --determinism`) is tested in
tests/runners/test_determinism_probes.py and tests/e2e/test_determinism_run.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from markers import Expectations

import cwlgen
from cwlgen.cli.targets import definitions_in
from cwlgen.ir.diagnostics import Diagnostic

TESTS = Path(__file__).resolve().parents[1]
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
