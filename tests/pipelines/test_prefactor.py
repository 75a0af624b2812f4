"""prefactor (pipelines/prefactor.py): structure, sky-model parsing, and the steps that can run
here (sky-model selection, imaging parameters, wsclean) on the real LOFAR MS.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from conftest import REPO, dir_obj
from needs import missing, need_commands
from pipeline_docs import (
    SHARED_DATA,
    classes,
    doc,
    is_task,
)
from stand_ins import on_path, read

import cwlgen
from cwlgen import Directory, File, workflow

if str(REPO) not in sys.path:  # `pipelines` is a top-level package of the repository
    sys.path.insert(0, str(REPO))
from pipelines import prefactor  # noqa: E402

# --- prefactor -----------------------------------------------------------------------------------

def test_prefactor_calibrator_structure() -> None:
    wf = doc("prefactor", "prefactor_calibrator")
    steps = wf["steps"]
    assert list(steps) == ["ndppp_prep_cal", "find_skymodel_cal", "calib_cal", "h5imp_cal",
                           "calibrator_solutions", "imaging_parameters", "create_image"]
    assert wf["inputs"]["ms_array"]["type"] == "Directory[]"
    assert {c["class"] for c in wf["requirements"]} == {"ScatterFeatureRequirement",
                                                          "SubworkflowFeatureRequirement"}
    # per subband: DP3 and sky-model selection scatter over the observation
    assert steps["ndppp_prep_cal"]["scatter"] == "msin"
    assert steps["ndppp_prep_cal"]["in"]["msin"] == "ms_array"
    assert steps["find_skymodel_cal"]["scatter"] == "ms"
    # calibration: dotproduct over observation and sky model
    calib = steps["calib_cal"]
    assert calib["scatter"] == ["observation", "catalog"]
    assert calib["scatterMethod"] == "dotproduct"
    assert calib["in"] == {"observation": "ndppp_prep_cal/out", "catalog": "find_skymodel_cal/out"}
    # gather: one H5parm from all subbands
    assert "scatter" not in steps["h5imp_cal"]
    assert steps["h5imp_cal"]["in"]["ms_array"] == "calib_cal/out"
    h5imp = doc("prefactor", "prefactor_calibrator", "h5imp_cal")
    assert h5imp["inputs"]["ms_array"]["type"] == "Directory[]"
    assert h5imp["outputs"]["out"]["outputBinding"]["glob"] == "losoto.h5"
    # fan-out into the solutions subworkflow; imaging reads the calibrated subbands
    assert steps["calibrator_solutions"]["run"] == "calibrator_solutions.cwl"
    assert steps["calibrator_solutions"]["in"]["h5parm"] == "h5imp_cal/out"
    image = steps["create_image"]["in"]
    assert image["ms"] == "calib_cal/out"
    assert image["size"] == "imaging_parameters/size"
    assert wf["outputs"]["calibrated"] == {"type": "Directory[]", "outputSource": "calib_cal/out"}
    assert wf["outputs"]["image"]["outputSource"] == "create_image/image"


def test_prefactor_solutions_fan_out() -> None:
    wf = doc("prefactor", "calibrator_solutions")
    steps = wf["steps"]
    assert set(steps) == {"fitclock", "ampl", "find_global_phase_offset", "plot_solutions",
                          "plot_cal_phases"}
    readers = {name for name, s in steps.items() if "h5parm" in json.dumps(s["in"])}
    assert readers == {"fitclock", "ampl", "find_global_phase_offset", "plot_cal_phases"}
    assert steps["plot_solutions"]["in"] == {
        "amplitude_array": "ampl/out",
        "dclock_1st_sm": "fitclock/dclock_1st_sm",
        "dtec_1st_sm": "fitclock/dtec_1st_sm",
    }
    assert wf["outputs"]["phase_plots"]["type"] == "File[]"
    phases = doc("prefactor", "calibrator_solutions", "plot_cal_phases")
    (parset,) = classes(phases["requirements"])["InitialWorkDirRequirement"]["listing"]
    assert parset["entryname"] == "losoto.parset"
    assert "refAnt = $(inputs.reference_station)" in parset["entry"]
    assert phases["outputs"]["out"]["format"] == "iana:image/png"
    assert phases["$namespaces"]["iana"] == "https://www.iana.org/assignments/media-types/"


def test_prefactor_tools() -> None:
    dp3 = doc("prefactor", "prefactor_calibrator", "ndppp_prep_cal")
    reqs = classes(dp3["requirements"])
    assert reqs["EnvVarRequirement"]["envDef"] == [
        {"envName": "OPENBLAS_NUM_THREADS", "envValue": "1"}]
    assert "InitialWorkDirRequirement" not in reqs  # DP3 reads the raw MS where it is
    assert dp3["inputs"]["msin"]["inputBinding"] == {"position": 1, "prefix": "msin=",
                                                     "separate": False}
    assert "msout=$(inputs.msin.basename)" in dp3["arguments"]
    assert dp3["outputs"]["out"]["type"] == "Directory"
    calib = doc("prefactor", "prefactor_calibrator", "calib_cal")
    assert calib["inputs"]["catalog"]["type"] == "File"
    assert calib["inputs"]["observation"]["type"] == "Directory"
    image = doc("prefactor", "prefactor_calibrator", "create_image")
    assert image["inputs"]["size"]["type"] == "int[]"
    assert image["inputs"]["ms"]["type"] == "Directory[]"
    assert image["outputs"]["image"]["format"] == "iana:image/fits"
    assert "-no-update-model-required" in image["arguments"]  # the MS is only read


def test_prefactor_python_tasks_replace_python_c() -> None:
    for name, packages in (("find_skymodel_cal", {"python-casacore"}),
                           ("imaging_parameters", {"python-casacore", "numpy"}),
                           ("plot_solutions", {"numpy", "matplotlib"}),
                           ("find_global_phase_offset", {"numpy", "matplotlib", "losoto"})):
        folder = "prefactor_calibrator" if name in ("find_skymodel_cal", "imaging_parameters") \
            else "calibrator_solutions"
        task_doc = doc("prefactor", folder, name)
        assert is_task(task_doc)
        assert task_doc["baseCommand"][:2] == ["python3", "-B"]
        software = classes(task_doc["hints"])["SoftwareRequirement"]["packages"]
        assert {p["package"] for p in software} == packages
        assert "WorkReuse" not in classes(task_doc["requirements"])  # deterministic
    params = doc("prefactor", "prefactor_calibrator", "imaging_parameters")
    assert params["outputs"]["size"]["type"] == "int[]"
    assert params["outputs"]["channels_out"]["type"] == "int"


# --- pipeline logic, in-process ------------------------------------------------------------------

def test_skymodel_parsing() -> None:
    import math

    assert prefactor.format_columns("format = Name, Type, Ra, Dec, I, SpectralIndex='[]'") == [
        "name", "type", "ra", "dec", "i", "spectralindex"]
    assert prefactor.format_columns(
        "# (Name, Type, Patch, Ra, Dec, I, ReferenceFrequency, SpectralIndex='[]') = format"
    )[3:5] == ["ra", "dec"]
    assert prefactor.format_columns("3C48, POINT, 01:37:41.3, +33.09.35.1, 70.0") == []
    assert math.degrees(prefactor.parse_angle("01:37:41.3", hours=True)) == pytest.approx(
        24.422083, abs=1e-5)
    assert math.degrees(prefactor.parse_angle("-05.30.00", hours=False)) == pytest.approx(-5.5)
    assert math.degrees(prefactor.parse_angle("12.5deg", hours=False)) == pytest.approx(12.5)
    ra, dec = prefactor.skymodel_position(str(SHARED_DATA / "tNDPPP-generic-skymodel.txt")) \
        or (0.0, 0.0)  # brightest: 2354.1+3255, 22.5 Jy
    assert (math.degrees(ra), math.degrees(dec)) == pytest.approx((358.547329, 32.920440))
    one_degree = prefactor.angular_distance(0.1, 0.2, 0.1, 0.2 + math.radians(1.0))
    assert math.degrees(one_degree) == pytest.approx(1.0)


# --- runs: prefactor steps on the real LOFAR Measurement Set -------------------------------------

def casacore_python() -> str:
    """A python3 that imports casacore (the tasks' job runs `python3` from PATH)."""
    for candidate in (sys.executable, "/usr/bin/python3", shutil.which("python3")):
        if candidate and subprocess.run([candidate, "-c", "import casacore.tables, numpy"],
                                        capture_output=True).returncode == 0:
            return candidate
    missing("no python3 with python-casacore and numpy (apt install python3-casacore)")
    raise AssertionError("unreachable")


@pytest.fixture
def lofar_ms(tmp_path: Path) -> Path:
    archive = SHARED_DATA / "tNDPPP-generic.MS.tgz"
    if not archive.is_file():
        missing(f"test data not found: {archive}")
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "data", filter="data")
    return tmp_path / "data" / "tNDPPP-generic.MS"


@pytest.fixture
def casacore_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "pybin"
    bin_dir.mkdir()
    wrapper = bin_dir / "python3"  # a wrapper, not a symlink: a venv's python needs its path
    wrapper.write_text(f'#!/bin/sh\nexec "{casacore_python()}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    on_path(monkeypatch, bin_dir)


class Slice(NamedTuple):
    selected: list[File]
    image: File
    psf: File
    dirty: File
    residual: File
    model: File


@workflow
def select_and_image(ms: list[Directory], skymodels: Directory) -> Slice:
    """A slice of prefactor_calibrator that runs here: sky-model selection per subband and the
    imaging branch, on the real data (calibration needs BBS, not installable here)."""
    selected = prefactor.find_skymodel_cal.map(ms=ms, skymodels=skymodels)
    params = prefactor.imaging_parameters(ms=ms, cellsize_deg=0.04)
    image = prefactor.create_image(ms=ms, size=params.size, channels_out=params.channels_out,
                                   baseline_averaging=params.baseline_averaging,
                                   scale_deg=0.04, niter=100)
    return Slice(selected=selected, image=image.image, psf=image.psf, dirty=image.dirty,
                 residual=image.residual, model=image.model)


@pytest.mark.slow
@pytest.mark.radio
def test_prefactor_steps_on_the_real_lofar_ms(
    tmp_path: Path, lofar_ms: Path, casacore_on_path: None,
    cwl_run: Callable[..., dict[str, Any]],
) -> None:
    need_commands("wsclean")
    models = tmp_path / "skymodels"
    models.mkdir()
    shutil.copy(SHARED_DATA / "tNDPPP-generic-skymodel.txt", models / "field.skymodel")
    (models / "3C48.skymodel").write_text(
        "format = Name, Type, Ra, Dec, I, ReferenceFrequency='150e6', SpectralIndex='[]'\n"
        "3C48, POINT, 01:37:41.3, +33.09.35.1, 70.0, 150e6, [-0.7]\n")
    (models / "3C196.skymodel").write_text(
        "# (Name, Type, Patch, Ra, Dec, I) = format\n, , 3c196, 08:13:36.0, +48.13.03\n"
        "3C196, POINT, 3c196, 08:13:36.0, +48.13.03, 83.0\n")
    (models / "notes.txt").write_text("not a sky model\n")
    compiled = cwlgen.compile(select_and_image)
    compiled.write(tmp_path / "cwl")
    result = cwl_run(tmp_path / "cwl" / compiled.main, {
        "ms": [dir_obj(lofar_ms)], "skymodels": dir_obj(models)})
    (selected,) = result["selected"]
    assert read(selected).startswith("format = ")
    assert "3C48, POINT" in read(selected)  # the MS points at 3C48
    for name in ("image", "psf", "dirty", "residual", "model"):
        fits = Path(result[name]["path"])
        assert fits.name == f"calibrator-MFS-{name}.fits"
        assert fits.read_bytes()[:6] == b"SIMPLE" and fits.stat().st_size > 2880
    # wsclean only read the MS (-no-update-model-required): no MODEL_DATA column appeared
    probe = subprocess.run([casacore_python(), "-c", "import casacore.tables as t, sys; "
                            "print(t.table(sys.argv[1], ack=False).colnames())", str(lofar_ms)],
                           capture_output=True, text=True, check=True)
    assert "MODEL_DATA" not in probe.stdout
