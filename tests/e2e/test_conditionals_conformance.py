"""The CWL v1.2 suite's `cond-wf-003.1` (also the CWL user guide's conditional example),
written in the DSL (tests/fixtures/conditionals/cond_wf_003_1.py), gives the same outputs as
the original under cwltool for every job the suite runs it with, including the job where
both steps are skipped and first_non_null must fail."""

from __future__ import annotations

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


def test_the_suite_runs_cond_wf_003_1_with_three_jobs() -> None:
    if not SUITE.exists():
        pytest.skip(f"the conformance suite is not at {SUITE}")
    assert sorted(c["job"] for c in CASES) == ["val.0.job.yaml", "val.1.job.yaml",
                                              "val.3.job.yaml"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_dsl_port_of_cond_wf_003_1_matches_the_original(case: dict[str, Any],
                                                       tmp_path: Path) -> None:
    sys.path.insert(0, str(FIXTURES))
    try:
        import cond_wf_003_1
    finally:
        sys.path.remove(str(FIXTURES))
    compiled = cwlgen.compile(cond_wf_003_1.cond_wf_003_1)
    compiled.write(tmp_path / "dsl")
    job = SUITE / case["job"]
    original = cwltool(SUITE / case["tool"], job, tmp_path / "original")
    ported = cwltool(tmp_path / "dsl" / compiled.main, job, tmp_path / "ported")
    if case.get("should_fail"):
        assert original[0] != 0 and ported[0] != 0
        return
    assert original == ported
    assert ported[1] == case["output"]
