"""The tiny calibrator (pipelines/tiny_calibrator.py), compiled and run for real.

- the workflow compiles to CWL that cwltool validates, with the calibrator's structure: a scatter
  over subbands up to the solve, a gather into one h5parm, clock/TEC separation, LoSoTo's
  in-place smoothing, applycal per subband and two images; aoflagger and LoSoTo update in
  place; resources, a time limit and a container hint on every step; no listing of MSs;
- the clock/TEC fit recovers known values through phase wraps and noise, and the sky-model
  writer and reader agree;
- cwltool runs it over four subbands: every station's amplitude, clock and TEC comes back
  within the tolerances (checked here from the solutions file itself, not only from the check
  step's record), the corrected image shows the sources at the right flux and place and the
  uncorrected one does not; the plots are PNGs;
- the check task, called on the run's outputs, fails when the truth is misstated;
- Toil (single machine, and a one-node Slurm) gives the same numbers.

Without the radio tools (or Toil, or Slurm) the run tests skip naming what is missing; in CI
(CWLGEN_REQUIRE_TOOLS=1) they fail instead.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, VENV_BIN, build_definition
from needs import missing, need_commands, need_module, need_slurm

import cwlgen
from cwlgen import File

if str(REPO) not in sys.path:  # `pipelines` is a top-level package of the repository
    sys.path.insert(0, str(REPO))
from pipelines import tiny_calibrator as tc  # noqa: E402

STEPS = ["calibrator_skymodel", "synthesise_subband", "aoflagger", "dp3_average", "dp3_gaincal",
         "gather_solutions", "separate_clock_tec", "smooth_amplitudes", "plot_solutions",
         "dp3_applycal", "wsclean_all", "wsclean_all_2", "check_calibration"]
TOOLS = [name for name in STEPS if name != "wsclean_all_2"]   # both images use one tool
SCATTERED = {"synthesise_subband", "aoflagger", "dp3_average", "dp3_gaincal", "dp3_applycal"}


def classes(entries: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    return {e["class"]: e for e in entries or []}


def with_venv_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Look tools up as cwlgen.run's jobs will: this Python's bin folder first."""
    monkeypatch.setenv("PATH", os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", "")]))


def need_radio_tools() -> None:
    need_commands("wsclean", "aoflagger", "DP3.py", "H5parm_collector.py", "losoto")
    for module in ("casacore", "numpy", "losoto", "matplotlib"):
        need_module(module)


def need_toil() -> None:
    if not (VENV_BIN / "toil-cwl-runner").exists() and not shutil.which("toil-cwl-runner"):
        missing("toil-cwl-runner is not installed (pip install 'cwlgen[toil]')")


def as_dict(check: Any) -> dict[str, Any]:
    return dict(json.loads(json.dumps(check, default=lambda o: o.__dict__)))


# --- compiled CWL --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return build_definition(tc.tiny_calibrator, tmp_path_factory.mktemp("tiny_calibrator_cwl"))


def test_the_calibrator_scatters_solves_gathers_applies_and_images(built: Any) -> None:
    wf = built.doc()
    steps = wf["steps"]
    assert list(steps) == STEPS
    assert {name for name, step in steps.items() if "scatter" in step} == SCATTERED
    assert steps["synthesise_subband"]["scatter"] == "subband"
    assert steps["synthesise_subband"]["in"]["skymodel"] == "calibrator_skymodel/out"
    assert steps["aoflagger"]["in"]["ms"] == "synthesise_subband/ms"
    assert steps["dp3_gaincal"]["in"] == {"msin": "dp3_average/out",
                                         "skymodel": "calibrator_skymodel/out",
                                         "solint": "solint"}
    assert steps["gather_solutions"]["in"]["h5parms"] == "dp3_gaincal/out"   # the gather
    assert steps["separate_clock_tec"]["in"]["solutions"] == "gather_solutions/out"
    assert steps["smooth_amplitudes"]["in"]["h5parm"] == "separate_clock_tec/out"
    assert steps["dp3_applycal"]["in"]["solutions"] == "smooth_amplitudes/out"
    assert steps["dp3_applycal"]["in"]["msin"] == "dp3_average/out"
    assert steps["wsclean_all"]["in"]["ms"] == "dp3_applycal/out"
    assert steps["wsclean_all_2"]["in"]["ms"] == "dp3_average/out"     # uncorrected
    assert wf["inputs"]["subbands"]["default"] == list(tc.DEFAULT_SUBBANDS)
    freqs = [100 + sb * 0.1953125 for sb in tc.DEFAULT_SUBBANDS]
    assert len(freqs) >= 4 and 120 <= min(freqs) and max(freqs) <= 180
    assert set(wf["outputs"]) == {"solutions", "plots", "corrected_image", "uncorrected_image",
                                  "check"}


def test_dp3_solves_against_the_sky_model_file_and_applies_clock_and_tec(built: Any) -> None:
    gaincal = built.tool_doc("dp3_gaincal")
    assert gaincal["baseCommand"] == ["DP3.py"]
    assert {"msout=", "cal.type=gaincal", "cal.caltype=diagonal",
            "cal.parmdb=$(inputs.msin.nameroot).h5"} <= set(gaincal["arguments"])
    assert gaincal["inputs"]["skymodel"]["inputBinding"]["prefix"] == "cal.sourcedb="
    assert gaincal["outputs"]["out"]["outputBinding"]["glob"] == "$(inputs.msin.nameroot).h5"
    apply = built.tool_doc("dp3_applycal")
    assert {"apply.type=applycal", "apply.steps=[amplitude,clock,tec]",
            "apply.clock.correction=clock000",
            "apply.tec.correction=tec000"} <= set(apply["arguments"])
    for name in ("dp3_average", "dp3_gaincal", "dp3_applycal"):
        assert classes(built.tool_doc(name)["requirements"])["EnvVarRequirement"]["envDef"] == [
            {"envName": "OPENBLAS_NUM_THREADS", "envValue": "1"}]
    gather = built.tool_doc("gather_solutions")
    assert gather["baseCommand"] == ["H5parm_collector.py"]


def test_tools_that_update_in_place_say_so_and_nothing_else_writes(built: Any) -> None:
    for name, port in (("aoflagger", "ms"), ("smooth_amplitudes", "h5parm")):
        d = built.tool_doc(name)
        reqs = classes(d["requirements"])
        assert reqs["InplaceUpdateRequirement"]["inplaceUpdate"] is True, name
        assert {"entry": f"$(inputs.{port})", "writable": True} in reqs[
            "InitialWorkDirRequirement"]["listing"], name
        assert d["outputs"]["out"]["outputBinding"]["glob"] == f"$(inputs.{port}.basename)"
    for name in set(TOOLS) - {"aoflagger", "smooth_amplitudes"}:
        d = built.tool_doc(name)
        assert "InplaceUpdateRequirement" not in classes(d.get("requirements")), name
        listing = classes(d.get("requirements")).get("InitialWorkDirRequirement", {}).get(
            "listing", [])
        assert not any(e.get("writable") for e in listing), name


def test_every_step_has_resources_a_time_limit_a_container_and_no_listing(built: Any) -> None:
    for name in TOOLS:
        d = built.tool_doc(name)
        reqs, hints = classes(d.get("requirements")), classes(d.get("hints"))
        assert reqs["ResourceRequirement"]["coresMin"] >= 1, name
        assert reqs["ResourceRequirement"]["ramMin"] >= 256, name
        assert 0 < reqs["ToolTimeLimit"]["timelimit"] <= 600, name
        assert hints["DockerRequirement"]["dockerPull"], name
        assert "InlineJavascriptRequirement" not in reqs, name
        for port_name, port in d["inputs"].items():
            if "Directory" in json.dumps(port["type"]):
                assert port["loadListing"] == "no_listing", (name, port_name)


# --- the pieces, in-process ----------------------------------------------------------------------

def test_clock_and_tec_are_separated_through_wraps_and_noise() -> None:
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(3)
    width = 195_312.5 / 8
    freqs = np.concatenate([100e6 + sb * 195_312.5 + (np.arange(8) + 0.5) * width
                            for sb in tc.DEFAULT_SUBBANDS])
    for clock, tec in ((12.0, 0.08), (-31.0, -0.2), (0.4, 0.3), (-7.5, 0.0)):
        phase = tc.station_phase(clock, tec, freqs) + rng.normal(0, 0.05, freqs.size)
        wrapped = np.angle(np.exp(1j * phase))
        assert np.abs(phase).max() > math.pi                      # really wraps
        found_clock, found_tec, rms = tc.fit_clock_tec(freqs, wrapped)
        assert found_clock == pytest.approx(clock, abs=0.05)
        assert found_tec == pytest.approx(tec, abs=0.001)
        assert rms < 0.08
    flagged = np.angle(np.exp(1j * tc.station_phase(5.0, 0.05, freqs)))
    flagged[::2] = np.nan
    assert tc.fit_clock_tec(freqs, flagged)[0] == pytest.approx(5.0, abs=0.01)
    with pytest.raises(ValueError, match="fewer than 3 unflagged"):
        tc.fit_clock_tec(freqs[:2], flagged[:2])


def test_the_sky_model_is_written_and_read_back(in_tmp_cwd: Path) -> None:
    skymodel = tc.calibrator_skymodel()
    text = Path(skymodel.path).read_text()
    assert text.startswith("FORMAT = Name, Type, Ra, Dec, I, ReferenceFrequency")
    sources = tc.read_skymodel(skymodel.path)
    assert [s["name"] for s in sources] == [s[0] for s in tc.SOURCES]
    ra0, dec0 = (math.radians(a) for a in tc.PHASE_CENTRE_DEG)
    for source, (_, east, north, flux, alpha) in zip(sources, tc.SOURCES, strict=True):
        ra, dec = tc.lm_to_radec(math.radians(east / 60), math.radians(north / 60), ra0, dec0)
        assert source["ra_deg"] == pytest.approx(math.degrees(ra), abs=1e-6)
        assert source["dec_deg"] == pytest.approx(math.degrees(dec), abs=1e-6)
        assert (source["flux_jy"], source["spectral_index"]) == (flux, alpha)
    assert tc.parse_sexagesimal("-05.30.00", hours=False) == -5.5
    assert tc.parse_sexagesimal("12:00:00", hours=True) == 180.0
    Path("bad.skymodel").write_text("X, GAUSSIAN, 1:0:0, +2.0.0, 1, 150e6, []\n")
    with pytest.raises(ValueError, match="expected 'name, POINT"):
        tc.read_skymodel("bad.skymodel")


# --- runs ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cwltool_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The calibrator over four subbands under cwltool (run once for several tests)."""
    with pytest.MonkeyPatch.context() as mp:
        with_venv_path(mp)
        need_radio_tools()
        work = tmp_path_factory.mktemp("tiny_calibrator_cwltool")
        mp.chdir(work)
        return cwlgen.run(tc.tiny_calibrator, outdir=work / "out", progress=False)


def assert_calibrated(out: Any) -> None:
    """The check passed, and the solutions file itself holds the injected corruption."""
    check = out.check
    assert [s.station for s in check.stations] == [s[0] for s in tc.STATIONS]
    for row in check.stations:
        assert abs(row.amplitude_error) <= check.amplitude_tolerance == 0.01, row
        assert abs(row.clock_error_ns) <= check.clock_tolerance_ns == 0.05, row
        assert abs(row.tec_error) <= check.tec_tolerance == 0.001, row
    for after in check.corrected:
        assert abs(after.flux_error) <= 0.10 and after.position_error_arcmin <= 1.5, after
    assert any(abs(b.flux_error) > 0.3 or b.position_error_arcmin > 3 for b in
               check.uncorrected)
    brightest = check.uncorrected[0]
    assert brightest.name == "CAL" and brightest.found_flux_jy < 0.5 * brightest.true_flux_jy
    from losoto.h5parm import h5parm

    h5 = h5parm(out.solutions.path)
    try:
        assert {"amplitude000", "phase000", "clock000", "tec000"} <= set(
            h5.getSolset("sol000").getSoltabNames())
        clock = tc.soltab_median(h5, "clock000") * 1e9
        tec = tc.soltab_median(h5, "tec000")
    finally:
        h5.close()
    for a, (_, _, _, _, true_clock, true_tec) in enumerate(tc.STATIONS):
        assert clock[a] == pytest.approx([true_clock] * 2, abs=0.05)
        assert tec[a] == pytest.approx([true_tec] * 2, abs=0.001)
    assert sorted(Path(p.path).name for p in out.plots) == [
        "solutions-amplitude.png", "solutions-phase.png"]
    for plot in out.plots:
        assert Path(plot.path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels, header = tc.read_fits(out.corrected_image.path)
    assert pixels.shape == (128, 128)
    x = tc.SOURCES[0][1] / 60 / header["CDELT1"] + header["CRPIX1"] - 1
    y = tc.SOURCES[0][2] / 60 / header["CDELT2"] + header["CRPIX2"] - 1
    assert float(pixels[round(y) - 1:round(y) + 2, round(x) - 1:round(x) + 2].max()) > 18


@pytest.mark.radio
def test_cwltool_recovers_the_injected_gains_and_the_sky(cwltool_run: Any) -> None:
    assert_calibrated(cwltool_run)


@pytest.mark.radio
def test_the_check_fails_when_the_truth_is_misstated(
        cwltool_run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check task on the run's own solutions and images passes with the true injection
    and fails when a clock, a TEC, an amplitude or a source is misstated."""
    with_venv_path(monkeypatch)
    need_radio_tools()
    monkeypatch.chdir(tmp_path)
    skymodel = tc.calibrator_skymodel()
    truths, flagged = [], []
    for subband in tc.DEFAULT_SUBBANDS:
        made = tc.synthesise_subband(subband=subband, skymodel=skymodel)
        subprocess.run(["aoflagger", made.ms.path], check=True, capture_output=True)
        truths.append(made.truth)
        flagged.append(made.ms)

    def check(edit: Any) -> Any:
        edited = []
        for truth in truths:
            data = json.loads(Path(truth.path).read_text())
            edit(data)
            path = tmp_path / f"edited-{Path(truth.path).name}"
            path.write_text(json.dumps(data))
            edited.append(File(str(path)))
        return tc.check_calibration(
            solutions=cwltool_run.solutions, truths=edited, flagged=flagged,
            corrected=cwltool_run.corrected_image, uncorrected=cwltool_run.uncorrected_image)

    assert as_dict(check(lambda d: None)) == as_dict(cwltool_run.check)
    with pytest.raises(ValueError, match="RS106HBA0 clock off"):
        check(lambda d: d["stations"][3].update(clock_ns=d["stations"][3]["clock_ns"] + 0.2))
    with pytest.raises(ValueError, match="RS305HBA0 TEC off"):
        check(lambda d: d["stations"][5].update(tec=0.085))
    with pytest.raises(ValueError, match="CS002HBA0 amplitude off"):
        check(lambda d: d["stations"][1].update(amplitude=0.9))
    with pytest.raises(ValueError, match="source B not recovered"):
        check(lambda d: d["sources"][1].update(flux_jy=d["sources"][1]["flux_jy"] * 1.3))
    with pytest.raises(ValueError, match="uncorrected image already recovers"):
        tc.check_calibration(
            solutions=cwltool_run.solutions, truths=truths, flagged=flagged,
            corrected=cwltool_run.corrected_image, uncorrected=cwltool_run.corrected_image)


@pytest.mark.radio
@pytest.mark.toil
@pytest.mark.slow
def test_toil_single_machine_gives_the_same_results(
        cwltool_run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_venv_path(monkeypatch)
    need_radio_tools()
    need_toil()
    monkeypatch.chdir(tmp_path)
    # aoflagger and LoSoTo update in place: Toil needs --bypass-file-store for that
    out = cwlgen.run(tc.tiny_calibrator, runner="toil", outdir=tmp_path / "out",
                     progress=False, runner_args=["--bypass-file-store"])
    assert_calibrated(out)
    assert as_dict(out.check) == as_dict(cwltool_run.check)


@pytest.mark.radio
@pytest.mark.toil
@pytest.mark.slurm
@pytest.mark.slow
def test_toil_on_slurm_gives_the_same_results(
        cwltool_run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_venv_path(monkeypatch)
    need_radio_tools()
    need_toil()
    need_slurm()
    monkeypatch.chdir(tmp_path)
    out = cwlgen.run(tc.tiny_calibrator, runner="toil", batch_system="slurm",
                     outdir=tmp_path / "out", progress=False,
                     runner_args=["--bypass-file-store"])
    assert_calibrated(out)
    assert as_dict(out.check) == as_dict(cwltool_run.check)
