"""Issue 11 under Toil: a failed step's report names the workflow line that called it, and
the time limit when that is what stopped it."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.safety import safety_wf as w
from needs import need_commands

from cwlgen.errors import RunError
from cwlgen.runners import run_workflow

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "safety" / "safety_wf.py"


@pytest.mark.toil
def test_toil_names_the_time_limit_and_the_calling_line(tmp_path: Path) -> None:
    need_commands("toil-cwl-runner")
    with pytest.raises(RunError) as info:
        run_workflow(w.napping, runner="toil", inputs={"seconds": 30},
                     outdir=tmp_path / "out", build_dir=tmp_path / "build", progress=False)
    text = str(info.value)
    src = FIXTURE.read_text(encoding="utf-8").splitlines()
    call = next(i for i, s in enumerate(src, 1) if "nap(seconds=seconds)" in s)
    assert f"safety_wf.py:{call}" in text, text
    assert "time limit of 3 s" in text, text
