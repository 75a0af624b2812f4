"""The CWL v1.2 suite's `cond-wf-003.1` (also the CWL user guide's conditional example) and
`cond-wf-006_nojs` (bool conditions on extra step inputs, no JavaScript), written in the DSL
(tests/fixtures/conditionals/), give the same outputs as the originals under cwltool for
every job the suite runs them with, including the jobs that must fail (every step skipped
under first_non_null; two non-null values under the_only_non_null)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import cwlgen
from tests.conftest import CWLTOOL

SUITE = Path("/work/shared/conformance/tests/conditionals")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "conditionals"


def suite_cases(document: str) -> list[dict[str, Any]]:
    """The suite's test entries that run `document`."""
    index = SUITE / "test-index.yaml"
    if not index.exists():
        return []
    entries = yaml.safe_load(index.read_text(encoding="utf-8"))
    return [e for e in entries if e.get("tool") == document]


def cwltool(main: Path, job: Path, workdir: Path) -> tuple[int, Any]:
    """(exit code, output object or None) of one cwltool run."""
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [CWLTOOL, "--no-container", "--quiet", "--outdir", str(workdir / "out"),
         "--tmpdir-prefix", f"{workdir}/tmp", "--tmp-outdir-prefix", f"{workdir}/tmp",
         str(main), str(job)],
        capture_output=True, text=True, timeout=300)
    return proc.returncode, (json.loads(proc.stdout) if proc.returncode == 0 else None)


CASES = suite_cases("cond-wf-003.1.cwl")
#: document -> (fixture module, workflow name)
PORTS = {"cond-wf-003.1.cwl": ("cond_wf_003_1", "cond_wf_003_1"),
         "cond-wf-006_nojs.cwl": ("cond_wf_006_nojs", "cond_wf_006_nojs")}
ALL_CASES = [c for doc in PORTS for c in suite_cases(doc)]


def port(document: str) -> Any:
    """The DSL workflow written for a suite document."""
    module_name, name = PORTS[document]
    sys.path.insert(0, str(FIXTURES))
    try:
        module = importlib.import_module(module_name)
    finally:
        sys.path.remove(str(FIXTURES))
    return getattr(module, name)


def test_the_suite_runs_cond_wf_003_1_with_three_jobs() -> None:
    if not SUITE.exists():
        pytest.skip(f"the conformance suite is not at {SUITE}")
    assert sorted(c["job"] for c in CASES) == ["val.0.job.yaml", "val.1.job.yaml",
                                              "val.3.job.yaml"]


def test_the_suite_runs_cond_wf_006_nojs_with_two_jobs() -> None:
    if not SUITE.exists():
        pytest.skip(f"the conformance suite is not at {SUITE}")
    assert sorted(c["job"] for c in suite_cases("cond-wf-006_nojs.cwl")) == [
        "both-true.yml", "second-true.yml"]


@pytest.mark.parametrize("case", ALL_CASES, ids=[c["id"] for c in ALL_CASES])
def test_dsl_port_matches_the_original(case: dict[str, Any],
                                                       tmp_path: Path) -> None:
    compiled = cwlgen.compile(port(case["tool"]))
    compiled.write(tmp_path / "dsl")
    job = SUITE / case["job"]
    original = cwltool(SUITE / case["tool"], job, tmp_path / "original")
    ported = cwltool(tmp_path / "dsl" / compiled.main, job, tmp_path / "ported")
    if case.get("should_fail"):
        assert original[0] != 0 and ported[0] != 0
        return
    assert original == ported
    assert ported[1] == case["output"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_run_local_agrees_with_the_suite(case: dict[str, Any], tmp_path: Path) -> None:
    """run_local, with a Python stand-in for the echo tool, gives the suite's outputs."""
    sys.path.insert(0, str(FIXTURES))
    try:
        import cond_wf_003_1
    finally:
        sys.path.remove(str(FIXTURES))
    job = yaml.safe_load((SUITE / case["job"]).read_text(encoding="utf-8"))
    stubs = {"foo": lambda in1: cond_wf_003_1.FooOut(out1=f"foo {in1}")}
    if case.get("should_fail"):
        with pytest.raises(cwlgen.RunError, match="found only nulls"):
            cwlgen.run_local(cond_wf_003_1.cond_wf_003_1, _workdir=tmp_path, _stubs=stubs,
                             **job)
        return
    got = cwlgen.run_local(cond_wf_003_1.cond_wf_003_1, _workdir=tmp_path, _stubs=stubs, **job)
    assert got._asdict() == case["output"]
