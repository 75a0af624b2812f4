"""Spiel (pipelines/spiel.py): structure, seeded parameters, and `spiel_multi` over three seeds
under `cwltool --no-container` with stand-in simms, MeqTrees, wsclean and tigger-restore.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, dir_obj, file_obj
from pipeline_docs import (
    GENERATED,
    doc,
    is_task,
    load,
)
from stand_ins import install, on_path, read

if str(REPO) not in sys.path:  # `pipelines` is a top-level package of the repository
    sys.path.insert(0, str(REPO))
from pipelines import spiel  # noqa: E402

# --- Spiel ---------------------------------------------------------------------------------------

def test_spiel_structure() -> None:
    wf = doc("spiel", "spiel")
    steps = wf["steps"]
    assert list(steps) == ["random_parameters", "simms", "make_skymodel", "simulate", "wsclean",
                           "make_bigpsf", "restore"]
    assert steps["simulate"]["in"]["ms"] == "simms/out"
    assert steps["wsclean"]["in"]["ms"] == "simulate/out"
    assert steps["wsclean"]["in"]["imaging"] == "imaging"
    assert steps["make_bigpsf"]["in"] == {"ms": "simulate/out", "name": "random_parameters/name",
                                          "size": "random_parameters/bigpsf_size",
                                          "imaging": "imaging"}
    assert steps["restore"]["in"]["image"] == "wsclean/dirty"
    assert list(wf["outputs"]) == ["settings", "skymodel", "visibilities", "dirty", "restored",
                                   "model", "residual", "psf", "bigpsf", "true_sky"]
    assert wf["outputs"]["visibilities"]["type"] == "Directory"
    assert wf["inputs"]["random_seed"]["type"] == "int"
    images = doc("spiel", "spiel", "wsclean")["outputs"]
    assert {k: v["outputBinding"]["glob"] for k, v in images.items()} == {
        "dirty": "$(inputs.name)-dirty.fits", "restored": "$(inputs.name)-image.fits",
        "model": "$(inputs.name)-model.fits", "residual": "$(inputs.name)-residual.fits",
        "psf": "$(inputs.name)-psf.fits"}
    params = doc("spiel", "spiel", "random_parameters")
    assert is_task(params)
    assert {k: v["type"] for k, v in params["outputs"].items()} == {
        "name": "string", "dec": "float", "synthesis": "float", "dfreq": "float",
        "flux_scale": "float", "noise_stddev": "float",
        "bigpsf_size": "int[]", "settings": "File"}
    bigpsf = doc("spiel", "spiel", "make_bigpsf")
    assert bigpsf["baseCommand"] == ["wsclean"] and "-make-psf-only" in bigpsf["arguments"]
    assert bigpsf["outputs"]["out"]["outputBinding"]["glob"] == "$(inputs.name)-bigpsf-psf.fits"
    simulate = doc("spiel", "spiel", "simulate")
    periods = [a["valueFrom"] for a in simulate["arguments"] if "period=" in str(a)]
    assert periods == [
        f"oms_gain_models.err-{kind}.{end}_period=$(inputs.gains.gain{short}_{end}_period)"
        for kind, short in (("gain", "amp"), ("phase", "phase")) for end in ("max", "min")]


def test_spiel_multi_scatters_the_whole_workflow() -> None:
    wf = doc("spiel", "spiel_multi")
    (step,) = wf["steps"].values()
    assert step["run"] == "spiel.cwl"
    assert step["scatter"] == "random_seed"
    assert step["in"]["random_seed"] == "random_seeds"
    assert wf["inputs"]["random_seeds"]["type"] == "int[]"
    assert {c["class"] for c in wf["requirements"]} == {"SubworkflowFeatureRequirement",
                                                          "ScatterFeatureRequirement"}
    assert wf["outputs"]["visibilities"]["type"] == "Directory[]"
    assert all(o["type"].endswith("[]") for o in wf["outputs"].values())
    assert load(GENERATED / "spiel/spiel_multi/spiel.cwl") == doc("spiel", "spiel")


# The inputs of 2018's multi.cwl, with the values of the job its Makefile ran
# (jobs/meerkat16_oleg_flux100.yaml); antennas, config and random_seeds have no default.
MULTI_2018 = {
    "telescope": "meerkat", "nant": 16, "synthesis_min": 7.5, "synthesis_max": 8.0,
    "dtime": 10.0, "freq0": 1049833007.8125, "dfreq_min": 200e6, "dfreq_max": 300e6,
    "nchan": 1, "flux_scale_min": 100.0, "flux_scale_max": 100.0, "ra": 63.36,
    "dec_min": -55.0, "dec_max": -65.0, "nsrc": 100, "fov": 1.0, "pb_fwhm": 0.25,
    "randomise_pos": True, "gain_errors": 0, "gainamp_min_error": 1.0, "gainamp_max_error": 1.0,
    "gainphase_min_error": 2.0, "gainphase_max_error": 10.0, "size_x": 256, "size_y": 256,
    "scale": "1.6asec", "niter": 100000000, "mgain": 1.0, "column": "DATA", "weight": "uniform",
    "sefd": 520.0, "auto_mask": 5.0, "auto_threshold": 0.125,
}
# simulator.cwl's defaults for what multi.cwl did not expose
PERIODS_2018 = {"gainamp_min_period": 1.0, "gainamp_max_period": 2.0,
                "gainphase_min_period": 1.0, "gainphase_max_period": 2.0}


@pytest.mark.parametrize("wf", ["spiel", "spiel_multi"])
def test_every_2018_setting_is_an_input_with_its_2018_default(wf: str) -> None:
    inputs = doc("spiel", wf)["inputs"]
    assert list(inputs) == [("random_seeds" if wf == "spiel_multi" else "random_seed"),
                            "antennas", "config", "column", "observation", "sky", "gains",
                            "imaging"]
    settings: dict[str, Any] = {"column": inputs["column"]["default"]}
    for group in ("observation", "sky", "gains", "imaging"):
        port = inputs[group]
        assert port["type"]["type"] == "record", group
        fields = [f["name"] for f in port["type"]["fields"]]
        assert list(port["default"]) == fields, group          # every field has its default
        for name in fields:
            assert name not in settings, f"{name} is in two groups"
        settings.update(port["default"])
    assert len(MULTI_2018) + 3 == 36                           # + antennas, config, seeds
    assert settings == {**MULTI_2018, **PERIODS_2018}


def test_spiel_parameters_are_a_function_of_the_seed(in_tmp_cwd: Path) -> None:
    args = dict(observation=spiel.Observation(
                    telescope="meerkat", ra=266.36, dec_min=-60.0, dec_max=0.0, synthesis_min=2.0,
                    synthesis_max=12.0, dfreq_min=8e5, dfreq_max=8.5e6, sefd=520.0, dtime=10.0),
                sky=spiel.SkySettings(flux_scale_min=-5.0, flux_scale_max=0.5),
                imaging=spiel.Imaging(size_x=300, size_y=200))
    first = spiel.random_parameters(random_seed=7, **args)
    again = spiel.random_parameters(random_seed=7, **args)
    other = spiel.random_parameters(random_seed=8, **args)
    assert first[:-1] == again[:-1] and first.dec != other.dec
    assert first.name == "spiel-00007" and -60 <= first.dec <= 0
    assert first.noise_stddev == pytest.approx(520 / (2 * 10 * first.dfreq) ** 0.5)
    settings = json.loads(Path(first.settings.path).read_text())
    assert settings["seed"] == 7 and settings["dec"] == first.dec
    assert first.bigpsf_size == [600, 400]            # 2018's $(2 * inputs.size_x), no JS
    assert -5.0 <= first.flux_scale <= 0.5            # drawn uniformly, as 2018 drew it


# --- runs: stand-in tools check what they are given ----------------------------------------------

FAKE_SPIEL = {
    "simms": '''
a = sys.argv[1:]; kv = dict(zip(a[:-1:2], a[1:-1:2]))
assert os.path.isdir(a[-1]) and os.environ.get("USER") == "spiel"
os.mkdir(kv["--name"]); open(os.path.join(kv["--name"], "ANTENNA"), "w").write(kv["--dec"])
''',
    "meqtree-pipeliner.py": '''
kv = dict(x.split("=", 1) for x in sys.argv[1:] if "=" in x[1:])
assert os.path.isdir(kv["ms_sel.msname"])
assert kv["me.g_enable"] == "1" and kv["oms_gain_models.err-phase.max_period"] == "3.5"
open(os.path.join(kv["ms_sel.msname"], "DATA"), "w").write(
    f"{os.path.basename(kv['tiggerlsm.filename'])} noise={kv['noise_stddev']}")
''',
    "wsclean": '''
a = sys.argv[1:]; name = a[a.index("-name") + 1]
data = open(os.path.join(a[-1], "DATA")).read()
assert a[a.index("-scale") + 1] == "2asec"
if "-make-psf-only" in a:
    assert a[a.index("-size") + 1: a.index("-size") + 3] == ["128", "64"]
    open(f"{name}-psf.fits", "w").write(f"bigpsf: {data}")
else:
    assert a[a.index("-size") + 1: a.index("-size") + 3] == ["64", "32"]
    assert a[a.index("-niter") + 1] == "7" and a[a.index("-weight") + 1] == "natural"
    for kind in ("dirty", "image", "model", "residual", "psf"):
        open(f"{name}-{kind}.fits", "w").write(f"{kind}: {data}")
''',
    "tigger-restore": '''
image, sky, out = sys.argv[-3:]
open(out, "w").write(open(sky).read().splitlines()[1])
''',
}


@pytest.mark.slow
def test_spiel_multi_runs_three_seeds_with_stand_in_tools(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cwl_run: Callable[..., dict[str, Any]]
) -> None:
    on_path(monkeypatch, install(tmp_path, FAKE_SPIEL))
    antennas = tmp_path / "ANTENNAS"
    antennas.mkdir()
    (antennas / "table.dat").write_text("antennas\n")
    (tmp_path / "tdl.profiles").write_text("[sim]\n")
    seeds = [11, 12, 13]
    result = cwl_run(GENERATED / "spiel/spiel_multi/spiel_multi.cwl", {
        "random_seeds": seeds, "antennas": dir_obj(antennas),
        "config": file_obj(tmp_path / "tdl.profiles"),
        "sky": asdict(spiel.SkySettings(nsrc=5)),
        "gains": asdict(spiel.GainErrors(gain_errors=1, gainphase_max_period=3.5)),
        "imaging": asdict(spiel.Imaging(size_x=64, size_y=32, scale="2asec", niter=7,
                                        weight="natural"))})
    names = [f"spiel-{s:05d}" for s in seeds]
    assert [v["basename"] for v in result["visibilities"]] == [f"{n}.MS" for n in names]
    assert [d["basename"] for d in result["dirty"]] == [f"{n}-dirty.fits" for n in names]
    assert [d["basename"] for d in result["bigpsf"]] == [f"{n}-bigpsf-psf.fits" for n in names]
    assert [read(d).split(":")[0] for d in result["bigpsf"]] == ["bigpsf"] * 3
    assert [d["basename"] for d in result["true_sky"]] == [f"{n}-skymodel.fits" for n in names]
    for seed, name, settings, restored, vis, sky in zip(
            seeds, names, result["settings"], result["restored"], result["visibilities"],
            result["skymodel"], strict=True):
        values = json.loads(read(settings))
        assert values["seed"] == seed
        # the simulator wrote into the MS simms made (in place), with the noise drawn for it
        data = (Path(vis["path"]) / "DATA").read_text()
        assert data == f"{name}-skymodel.txt noise={values['noise_stddev']}"
        assert read(restored) == f"image: {data}"
        assert (Path(vis["path"]) / "ANTENNA").read_text() == f"{values['dec']}deg"
        assert len(read(sky).splitlines()) == 1 + 5
    decs = [json.loads(read(s))["dec"] for s in result["settings"]]
    assert len(set(decs)) == 3
