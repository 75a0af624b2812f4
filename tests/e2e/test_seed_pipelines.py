"""The seed project's hand-written 2018 CWL (tests/fixtures/seed, v1.0): `cwlgen check` agrees
it is valid (one published file is not), every tool the DSL can express imports into Python
that builds back to CWL cwltool validates and that matches the original after normalisation,
the whole workflows are refused only for constructs issue 9 adds to the DSL, and meanwhile a
Python workflow can call them by reference with `cwlgen.load`."""

from __future__ import annotations

import importlib.util
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cwl_normalize import differences, normalize

import cwlgen
from cwlgen.backend.validate import validate_file
from cwlgen.cwl_import import ImportFailed, import_cwl, load_for_import

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed"
REPO = SEED.parents[2]
TOOLS = sorted((SEED / "prefactor" / "steps").glob("*.cwl")) + sorted(
    (SEED / "spiel" / "steps").glob("*.cwl"))
# tools the importer refuses (CG702), and the construct it names (none left: spiel's ft.cwl
# and importfits.cwl, whose DockerRequirement names only an image id, import as
# container=Container(image_id=...))
WAITING: dict[str, str] = {}
_counter = itertools.count()


def test_cwlgen_check_agrees_the_seed_cwl_is_valid_except_one_broken_file() -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "cwlgen", "check", "prefactor", "spiel"],
                          cwd=SEED, env=env, capture_output=True, text=True, timeout=300)
    errors = [ln for ln in proc.stdout.splitlines() if "error[" in ln]
    assert len(errors) == 1, proc.stdout
    assert errors[0].startswith("spiel/psf.cwl:1: error[CG701]")
    assert "missing required field `out`" in errors[0]


@pytest.mark.parametrize("doc", TOOLS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_each_seed_tool_imports_builds_validates_and_matches(doc: Path, tmp_path: Path) -> None:
    if doc.name in WAITING:
        with pytest.raises(ImportFailed) as info:
            load_for_import(str(doc), drop_metadata=True)
        assert all(p.code == "CG702" for p in info.value.problems)
        assert any(WAITING[doc.name] in p.message for p in info.value.problems)
        return
    # prefactor's tools carry schema.org metadata (s:author, s:license, $schemas): kept as
    # metadata=/schemas= by default; with --drop-metadata left out, with a warning each
    dropped: list[str] = []
    if doc.parent.parent.name == "prefactor":
        kept = load_for_import(str(doc)).process
        assert "s:license" in dict(kept.metadata)
        assert [o.name for o in kept.schemas] == ["https://schema.org/docs/schema_org_rdfa.html"]
    name = import_cwl(str(doc), tmp_path / "tool.py", drop_metadata=True, dropped=dropped)
    assert all("warning: dropped" in d for d in dropped)
    spec = importlib.util.spec_from_file_location(f"seed_{next(_counter)}", tmp_path / "tool.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    compiled = cwlgen.compile(getattr(module, name))
    compiled.write(tmp_path)
    validate_file(tmp_path / compiled.main)
    assert differences(normalize(str(doc)), normalize(str(tmp_path / compiled.main))) == []
    assert bool(dropped) == (doc.parent.parent.name == "prefactor")


@pytest.mark.parametrize("doc", ["prefactor/prefactor.cwl", "spiel/spiel.cwl",
                                 "spiel/multi.cwl", "spiel/multi-psf.cwl"])
def test_the_seed_workflows_import_build_validate_and_match(doc: str, tmp_path: Path) -> None:
    path = SEED / doc
    out = tmp_path / "py" / "workflow.py"
    name = import_cwl(str(path), out, drop_metadata=True, dropped=[])
    if doc.startswith("prefactor"):
        # inputs named like DP3 keys ('avg.freqstep'): the Python names them with
        # Arg(name=...), and the rebuilt workflow keeps the original names
        assert 'Arg(name="avg.freqstep")' in out.read_text()
    spec = importlib.util.spec_from_file_location(f"seed_{next(_counter)}", out)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    compiled = cwlgen.compile(getattr(module, name))
    compiled.write(tmp_path / "py")
    validate_file(tmp_path / "py" / compiled.main)
    assert differences(normalize(str(path)), normalize(str(tmp_path / "py" / compiled.main))) == []


def test_a_python_workflow_calls_the_hand_written_pipeline_by_reference(tmp_path: Path) -> None:
    original = SEED / "prefactor" / "prefactor.cwl"
    prefactor = cwlgen.load(str(original), ref=os.path.relpath(original, tmp_path))
    ports = {p.name: str(p.type) for p in prefactor.process_ir().inputs}
    assert ports["ms_array"] == "Directory[]" and ports["avg.freqstep"] == "int"

    @cwlgen.workflow
    def calibrate(observations: list[cwlgen.Directory], station: str) -> cwlgen.File:
        """Prefactor's calibrator part, with the pilot's settings."""
        settings = {"avg.freqstep": 2, "avg.timestep": 2, "flag.baseline": "CS013HBA*",
                    "maxlambda_lowres": 2000, "cellsize_lowres_deg": 0.00694,
                    "image_padding": 1.4}
        result = prefactor(ms_array=observations, reference_station=station, **settings)
        return result.losoto_h5  # type: ignore[no-any-return]

    compiled = cwlgen.compile(calibrate)
    assert list(compiled.documents) == ["calibrate.cwl"]
    step = compiled.documents["calibrate.cwl"]["steps"]["prefactor"]
    assert step["run"] == os.path.relpath(original, tmp_path)
    compiled.write(tmp_path)
    validate_file(tmp_path / "calibrate.cwl")

    @cwlgen.workflow
    def miswired(observations: list[cwlgen.File], station: str) -> cwlgen.File:
        return prefactor(ms_array=observations, reference_station=station).losoto_h5  # type: ignore[no-any-return]

    with pytest.raises(cwlgen.CompileError) as info:
        cwlgen.compile(miswired)
    text = str(info.value)
    assert "argument 'ms_array' of 'prefactor' expects Directory[], but workflow input " \
        "'observations' is File[]" in text
    assert "prefactor.cwl:8: note: parameter 'ms_array' of 'prefactor' is declared here" in text
