"""The tiny LOFAR pipeline (pipelines/tiny_lofar.py), compiled and run for real.

- both workflows compile to CWL that cwltool validates, with the structure the pilot needed
  (scatter over subbands, aoflagger in place, DP3's OPENBLAS_NUM_THREADS, resources and kernsuite
  container hints on every step, no listing of Measurement Sets);
- the FITS reader and SIN projection of the check task, against a FITS file written by hand;
- cwltool runs the tiny pipeline over three subbands: the two injected sources come out within
  the tolerances in every image (checked from the images themselves, not only from the check
  step's record), the RFI burst is flagged; a check with an impossible tolerance fails its step,
  and the check task rejects a truth that the image contradicts;
- the flag -> average -> image chain runs on the real LOFAR MS (unpacked into tmp_path), which is
  flagged in place, and gives an image with finite pixels;
- Toil (single machine, and a one-node Slurm) runs the tiny pipeline to the same numbers.

Without wsclean/aoflagger/DP3.py/python-casacore (or Toil, or Slurm) the run tests skip with a
message naming what is missing; in CI (CWLGEN_REQUIRE_TOOLS=1) they fail instead.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, VENV_BIN, build_definition
from needs import missing, need_commands, need_module, need_slurm

import cwlgen
from cwlgen import Directory, RunError

if str(REPO) not in sys.path:  # `pipelines` is a top-level package of the repository
    sys.path.insert(0, str(REPO))
from pipelines import tiny_lofar as tl  # noqa: E402

REAL_MS_TGZ = REPO.parent / "shared" / "data" / "tNDPPP-generic.MS.tgz"
SUBBANDS = [100, 200, 300]
POSITION_TOL_ARCMIN, FLUX_TOL = 1.5, 0.10


# --- helpers -------------------------------------------------------------------------------------

def classes(entries: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    return {e["class"]: e for e in entries or []}


def with_venv_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Look tools up as cwlgen.run's jobs will: this Python's bin folder first (DP3.py)."""
    monkeypatch.setenv("PATH", os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", "")]))


def need_radio_tools() -> None:
    need_commands("wsclean", "aoflagger", "DP3.py")
    need_module("casacore")
    need_module("numpy")


def need_toil() -> None:
    if not (VENV_BIN / "toil-cwl-runner").exists() and not shutil.which("toil-cwl-runner"):
        missing("toil-cwl-runner is not installed (pip install 'cwlgen[toil]')")


def truth_pixel(header: dict[str, Any], east_arcmin: float, north_arcmin: float
                ) -> tuple[int, int]:
    """0-based pixel of a source injected at direction cosines (l, m) = the offsets in radians
    (synthesise_ms's convention); SIN projection: l, m in degrees over CDELT."""
    x = east_arcmin / 60 / header["CDELT1"] + header["CRPIX1"] - 1
    y = north_arcmin / 60 / header["CDELT2"] + header["CRPIX2"] - 1
    return round(x), round(y)


def assert_sources_recovered(out: Any) -> None:
    """Every subband's check passed, and each image itself shows both injected sources at
    their pixels with the injected flux (independently of the check step's own matching)."""
    assert [c.subband for c in out.checks] == SUBBANDS
    assert len(out.images) == len(SUBBANDS)
    for check, image in zip(out.checks, out.images, strict=True):
        assert check.channels_in == tl.N_CHANNELS and check.channels_out == tl.N_CHANNELS // 2
        assert check.rfi_flagged_fraction == 1.0
        assert 0.0 < check.flagged_fraction < 0.5
        assert [s.name for s in check.sources] == [s[0] for s in tl.SOURCES]
        for match in check.sources:
            assert match.position_error_arcmin <= POSITION_TOL_ARCMIN, match
            assert abs(match.flux_error) <= FLUX_TOL, match
        pixels, header = tl.read_fits(image.path)
        assert pixels.shape == (128, 128)
        freq_hz = float(header["CRVAL3"])
        assert abs(freq_hz / 1e6 - check.frequency_mhz) < 0.01
        for name, east, north, flux_150, alpha in tl.SOURCES:
            x, y = truth_pixel(header, east, north)
            peak = float(pixels[y - 1:y + 2, x - 1:x + 2].max())
            expected = flux_150 * (freq_hz / 150e6) ** alpha
            assert abs(peak / expected - 1) <= FLUX_TOL, (image.path, name, peak, expected)


def checks_as_dicts(out: Any) -> list[dict[str, Any]]:
    return [json.loads(json.dumps(c, default=lambda o: o.__dict__)) for c in out.checks]


def unpack_real_ms(into: Path) -> Path:
    if not REAL_MS_TGZ.is_file():
        missing(f"the real LOFAR test MS is not there: {REAL_MS_TGZ}")
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(REAL_MS_TGZ) as archive:
        archive.extractall(into, filter="data")
    return into / "tNDPPP-generic.MS"


def flagged_fraction(ms: Path) -> float:
    fraction, _, _ = tl.flag_summary(str(ms))
    return fraction


# --- compiled CWL --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("tiny_lofar_cwl")
    return {wf.name: build_definition(wf, folder / wf.name)
            for wf in (tl.tiny_lofar, tl.real_ms_chain)}


def test_tiny_lofar_compiles_to_a_scatter_over_subbands(compiled: dict[str, Any]) -> None:
    built = compiled["tiny_lofar"]
    wf = built.doc()
    steps = wf["steps"]
    assert list(steps) == ["synthesise_ms", "aoflagger", "dp3_average", "wsclean",
                           "check_sources"]
    assert all("scatter" in s for s in steps.values())
    assert steps["synthesise_ms"]["scatter"] == "subband"
    assert steps["aoflagger"]["in"]["ms"] == "synthesise_ms/ms"
    assert steps["dp3_average"]["in"]["msin"] == "aoflagger/out"
    assert steps["check_sources"]["scatterMethod"] == "dotproduct"
    assert wf["inputs"]["subbands"]["default"] == SUBBANDS
    assert wf["outputs"]["checks"]["type"]["items"]["type"] == "record"


def test_every_step_has_resources_a_kernsuite_hint_and_no_listing(
        compiled: dict[str, Any]) -> None:
    seen = set()
    for built in compiled.values():
        for name in built.doc()["steps"]:
            d = built.tool_doc(name)
            reqs, hints = classes(d.get("requirements")), classes(d.get("hints"))
            assert reqs["ResourceRequirement"]["coresMin"] >= 1, name
            assert reqs["ResourceRequirement"]["ramMin"] >= 512, name
            assert reqs["ToolTimeLimit"]["timelimit"] > 0, name
            image = hints["DockerRequirement"]["dockerPull"]
            # aoflagger and wsclean from KERN; DP3.py (PyPI) and the tasks' python3 with numpy
            # and casacore in the image pipelines/containers/tiny-radio builds
            assert image == ("kernsuite/" + name if name in ("aoflagger", "wsclean")
                             else "cwlgen/tiny-radio"), name
            assert "DockerRequirement" not in reqs and "InlineJavascriptRequirement" not in reqs
            for port_name, port in d["inputs"].items():
                if port["type"] in ("Directory", "Directory?"):
                    assert port["loadListing"] == "no_listing", (name, port_name)
            seen.add(name)
    assert seen == {"synthesise_ms", "aoflagger", "dp3_average", "wsclean", "check_sources",
                    "image_statistics"}
    assert compiled["real_ms_chain"].doc()["inputs"]["ms"]["loadListing"] == "no_listing"


def test_aoflagger_updates_in_place_and_dp3_gets_its_environment(
        compiled: dict[str, Any]) -> None:
    built = compiled["tiny_lofar"]
    flag = built.tool_doc("aoflagger")
    reqs = classes(flag["requirements"])
    assert reqs["InplaceUpdateRequirement"] == {"class": "InplaceUpdateRequirement",
                                                "inplaceUpdate": True}
    assert reqs["InitialWorkDirRequirement"]["listing"] == [
        {"entry": "$(inputs.ms)", "writable": True}]
    assert flag["outputs"]["out"]["outputBinding"]["glob"] == "$(inputs.ms.basename)"
    dp3 = built.tool_doc("dp3_average")
    assert dp3["baseCommand"] == ["DP3.py"]
    assert classes(dp3["requirements"])["EnvVarRequirement"]["envDef"] == [
        {"envName": "OPENBLAS_NUM_THREADS", "envValue": "1"}]
    assert "InplaceUpdateRequirement" not in classes(dp3["requirements"])  # a new MS
    for name in ("dp3_average", "wsclean", "check_sources", "synthesise_ms"):
        listing = classes(built.tool_doc(name).get("requirements")).get(
            "InitialWorkDirRequirement", {}).get("listing", [])
        assert not any(e.get("writable") for e in listing), name


def test_check_sources_ships_as_a_python_task(compiled: dict[str, Any]) -> None:
    d = compiled["tiny_lofar"].tool_doc("check_sources")
    assert d["baseCommand"][0] == "python3"
    software = classes(d["hints"])["SoftwareRequirement"]["packages"]
    assert {p["package"] for p in software} == {"numpy", "python-casacore"}


# --- the check task's own helpers ----------------------------------------------------------------

def write_fits(path: Path, data: list[list[float]], header: dict[str, Any]) -> None:
    """A 4-D (x, y, 1, 1) BITPIX -32 FITS image, as wsclean writes them."""
    ny, nx = len(data), len(data[0])
    cards = [("SIMPLE", True), ("BITPIX", -32), ("NAXIS", 4), ("NAXIS1", nx), ("NAXIS2", ny),
             ("NAXIS3", 1), ("NAXIS4", 1), *header.items()]
    text = ""
    for key, value in cards:
        if isinstance(value, bool):
            shown = "T" if value else "F"
        elif isinstance(value, str):
            shown = "'" + value.replace("'", "''").ljust(8) + "'"
        else:
            shown = repr(value)
        text += f"{key:<8}= {shown:>20} / test".ljust(80)
    text += "END".ljust(80)
    text += " " * (-len(text) % 2880)
    body = b"".join(struct.pack(">f", v) for row in data for v in row)
    body += b"\0" * (-len(body) % 2880)
    path.write_bytes(text.encode("ascii") + body)


def test_fits_reader_and_sin_projection(tmp_path: Path) -> None:
    need_module("numpy")
    data = [[float(10 * y + x) for x in range(5)] for y in range(4)]
    header = {"CTYPE1": "RA---SIN", "CRPIX1": 3.0, "CDELT1": -0.5, "CRVAL1": 123.4,
              "CTYPE2": "DEC--SIN", "CRPIX2": 2.0, "CDELT2": 0.5, "CRVAL2": 52.0,
              "CRVAL3": 1.5e8, "OBJECT": "it's"}
    path = tmp_path / "x.fits"
    write_fits(path, data, header)
    pixels, read = tl.read_fits(str(path))
    assert pixels.shape == (4, 5)
    assert pixels[2, 3] == 23.0 and pixels[0, 4] == 4.0
    assert read["CTYPE1"] == "RA---SIN" and read["CRVAL3"] == 1.5e8 and read["OBJECT"] == "it's"
    ra, dec = tl.pixel_to_radec(read, 2.0, 1.0)      # the reference pixel (1-based 3, 2)
    assert math.degrees(ra) == pytest.approx(123.4) and math.degrees(dec) == pytest.approx(52.0)
    ra, _ = tl.pixel_to_radec(read, 1.0, 1.0)        # one pixel left: east, larger RA
    assert math.degrees(ra) > 123.4
    assert [p[2] for p in tl.find_peaks(pixels, 2, exclusion_pix=2)] == [34.0, 31.0]


# --- runs ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cwltool_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The tiny pipeline over three subbands under cwltool (run once for several tests)."""
    with pytest.MonkeyPatch.context() as mp:
        with_venv_path(mp)
        need_radio_tools()
        work = tmp_path_factory.mktemp("tiny_lofar_cwltool")
        mp.chdir(work)
        return cwlgen.run(tl.tiny_lofar, outdir=work / "out", progress=False)


@pytest.mark.radio
def test_cwltool_recovers_the_injected_sources(cwltool_run: Any) -> None:
    assert_sources_recovered(cwltool_run)


@pytest.mark.radio
def test_the_check_rejects_a_truth_the_image_contradicts(
        cwltool_run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check task, called directly on the run's image (with a freshly synthesised and
    flagged MS of the same subband), passes with the true sky and fails when the injected flux
    or position is misstated: a passing run means something."""
    with_venv_path(monkeypatch)
    need_radio_tools()
    work = tmp_path / "sb100"
    work.mkdir()
    monkeypatch.chdir(work)
    tl.synthesise_ms(subband=100, seed=1)          # the same MS and truth as the run's
    flagged = Directory(str(work / "sb100.MS"))
    image = cwltool_run.images[0]
    truth_path = work / "sb100-truth.json"
    truth = json.loads(truth_path.read_text())

    def check(edit: Any) -> Any:
        edited = json.loads(json.dumps(truth))
        edit(edited["sources"][1])
        path = tmp_path / "truth.json"
        path.write_text(json.dumps(edited))
        return tl.check_sources(image=image, residual=image, truth=cwlgen.File(str(path)),
                                flagged=flagged, averaged=flagged)

    subprocess.run(["aoflagger", "sb100.MS"], check=True, capture_output=True)
    assert check(lambda s: None).sources[1].name == "B"
    with pytest.raises(ValueError, match="not recovered within tolerance: B"):
        check(lambda s: s.update(flux_jy=s["flux_jy"] * 1.3))
    with pytest.raises(ValueError, match="not recovered within tolerance: B"):
        check(lambda s: s.update(dec_deg=s["dec_deg"] + 3 / 60))


@pytest.mark.radio
def test_a_failed_check_fails_its_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_venv_path(monkeypatch)
    need_radio_tools()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RunError) as caught:
        cwlgen.run(tl.tiny_lofar, outdir=tmp_path / "out", progress=False, subbands=[100],
                   flux_tolerance=0.001)
    text = str(caught.value)
    assert "check_sources" in text and "not recovered within tolerance" in text


@pytest.mark.radio
def test_real_ms_is_flagged_in_place_averaged_and_imaged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_venv_path(monkeypatch)
    need_radio_tools()
    monkeypatch.chdir(tmp_path)
    ms = unpack_real_ms(tmp_path / "data")
    before = flagged_fraction(ms)
    out = cwlgen.run(tl.real_ms_chain, outdir=tmp_path / "out", progress=False,
                     ms=Directory(str(ms)))
    image = Path(out.image.path)
    assert image.name == "tNDPPP-generic_avg-image.fits" and image.is_file()
    pixels, header = tl.read_fits(str(image))
    import numpy as np

    assert pixels.shape == (128, 128) and bool(np.isfinite(pixels).all())
    assert float(np.abs(pixels).max()) > 0
    stats = out.stats
    assert stats.finite_fraction == 1.0 and (stats.width, stats.height) == (128, 128)
    assert stats.channels_in == 8 and stats.channels_out == 4
    assert stats.min_jy < 0 < stats.max_jy and 0 < stats.rms_jy < stats.max_jy
    assert abs(stats.frequency_mhz - 134.37) < 0.1
    # flagged in place: the input MS itself now holds aoflagger's flags (no copy was made)
    assert flagged_fraction(ms) == pytest.approx(stats.flagged_fraction, abs=1e-4)
    assert flagged_fraction(ms) != pytest.approx(before, abs=1e-3)


@pytest.mark.radio
@pytest.mark.toil
@pytest.mark.slow
def test_toil_single_machine_gives_the_same_results(
        cwltool_run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_venv_path(monkeypatch)
    need_radio_tools()
    need_toil()
    monkeypatch.chdir(tmp_path)
    # InplaceUpdateRequirement needs Toil's --bypass-file-store
    out = cwlgen.run(tl.tiny_lofar, runner="toil", outdir=tmp_path / "out", progress=False,
                     runner_args=["--bypass-file-store"])
    assert_sources_recovered(out)
    assert checks_as_dicts(out) == checks_as_dicts(cwltool_run)


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
    out = cwlgen.run(tl.tiny_lofar, runner="toil", batch_system="slurm",
                     outdir=tmp_path / "out", progress=False,
                     runner_args=["--bypass-file-store"])
    assert_sources_recovered(out)
    assert checks_as_dicts(out) == checks_as_dicts(cwltool_run)
