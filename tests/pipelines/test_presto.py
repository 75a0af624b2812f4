"""PRESTO (pipelines/presto.py): structure, pairing safe by construction, sifting, and both
workflows under `cwltool --no-container` with stand-in PRESTO commands.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, file_obj
from pipeline_docs import (
    GENERATED,
    classes,
    doc,
    is_task,
)
from stand_ins import install, on_path, read

from cwlgen import File

if str(REPO) not in sys.path:  # `pipelines` is a top-level package of the repository
    sys.path.insert(0, str(REPO))
from pipelines import presto  # noqa: E402

# --- PRESTO --------------------------------------------------------------------------------------

def test_presto_search_structure() -> None:
    wf = doc("presto", "presto_search")
    steps = wf["steps"]
    assert list(steps) == ["rfifind", "makezaplist", "prepsubband", "realfft", "zapbirds",
                           "accelsearch", "sift_candidates", "prepfold"]
    chain = [("realfft", "dat", "prepsubband/out"), ("zapbirds", "fft", "realfft/out"),
             ("accelsearch", "fft", "zapbirds/out"),
             ("prepfold", "candidate", "sift_candidates/out")]
    for step, scattered, source in chain:
        assert steps[step]["scatter"] == scattered
        assert steps[step]["in"][scattered] == source
    assert steps["sift_candidates"]["in"]["accel"] == "accelsearch/out"
    assert "scatter" not in steps["sift_candidates"]
    assert wf["inputs"]["filterbank"]["type"] == "File"
    assert wf["outputs"]["pfds"] == {"type": "File[]", "outputSource": "prepfold/pfd"}


@pytest.mark.parametrize("wf", ["presto_search", "presto_birds"])
def test_presto_pairing_is_safe_by_construction(wf: str) -> None:
    """No step zips parallel arrays: each scatter runs over exactly one input. A .dat and its
    .inf (and the .fft made from it) travel as one value: the .inf is a secondary file of
    every port on the way, so no glob order can pair a series with another DM's metadata."""
    workflow_doc = doc("presto", wf)
    for step in workflow_doc["steps"].values():
        assert isinstance(step.get("scatter", ""), str), step
        assert "scatterMethod" not in step
    inf = ["^.inf"]
    series = {  # document -> (input that carries a time series or spectrum, output)
        "realfft": ("dat", "out"), "zapbirds": ("fft", "out"), "accelsearch": ("fft", None),
    }
    if wf == "presto_search":
        dats = doc("presto", wf, "prepsubband")["outputs"]["out"]
        assert dats["type"] == "File[]" and dats["secondaryFiles"] == inf
        assert dats["outputBinding"]["glob"] == "$(inputs.filterbank.nameroot)_DM*.dat"
    else:
        dat = doc("presto", wf, "prepdata")["outputs"]["out"]
        assert dat["type"] == "File" and dat["secondaryFiles"] == inf
        del series["zapbirds"]
    for name, (port, out) in series.items():
        tool_doc = doc("presto", wf, name)
        assert tool_doc["inputs"][port]["secondaryFiles"] == inf, name
        if out:
            assert tool_doc["outputs"][out]["secondaryFiles"] == inf, name
    accel = doc("presto", wf, "accelsearch")["outputs"]["out"]
    assert accel["secondaryFiles"] == [".cand"]
    assert accel["outputBinding"]["glob"] == "$(inputs.fft.nameroot)_ACCEL_$(inputs.zmax)"


def test_presto_candidates_are_records() -> None:
    sift = doc("presto", "presto_search", "sift_candidates")
    assert is_task(sift)
    assert sift["inputs"]["accel"] == {**sift["inputs"]["accel"], "type": "File[]",
                                       "secondaryFiles": [".cand"]}
    out = sift["outputs"]["out"]["type"]
    assert out["type"] == "array" and out["items"]["type"] == "record"
    fields = {f["name"]: f["type"] for f in out["items"]["fields"]}
    assert fields == {"name": "string", "accelfile": "File", "number": "int", "dm": "float",
                      "sigma": "float", "period_ms": "float"}
    fold = doc("presto", "presto_search", "prepfold")
    assert fold["inputs"]["candidate"]["type"]["type"] == "record"
    assert "inputBinding" not in fold["inputs"]["candidate"]
    assert {"prefix": "-accelfile", "valueFrom": "$(inputs.candidate.accelfile.path)"} in \
        fold["arguments"]
    assert {"prefix": "-dm", "valueFrom": "$(inputs.candidate.dm)"} in fold["arguments"]


def test_presto_staging_and_birds() -> None:
    for name in ("realfft", "accelsearch"):  # they write beside their input: staged, read-only
        tool_doc = doc("presto", "presto_search", name)
        listing = classes(tool_doc["requirements"])["InitialWorkDirRequirement"]["listing"]
        assert listing == [{"entry": f"$(inputs.{list(tool_doc['inputs'])[0]})"}]
    zap = doc("presto", "presto_search", "makezaplist")
    listing = classes(zap["requirements"])["InitialWorkDirRequirement"]["listing"]
    assert {"entryname": "$(inputs.birds.nameroot).inf", "entry": "$(inputs.inf)"} in listing
    birds = doc("presto", "presto_birds")
    assert list(birds["steps"]) == ["readfile", "rfifind", "prepdata", "realfft", "accelsearch",
                                    "makezaplist"]
    assert birds["steps"]["prepdata"]["in"]["dm"] == "dm"      # 2018's birds.cwl input
    assert birds["inputs"]["dm"] == {"type": "float", "default": 0.0,
                                     "doc": birds["inputs"]["dm"]["doc"]}
    assert "requirements" not in birds  # no scatter, no subworkflow
    mask = doc("presto", "presto_birds", "rfifind")["outputs"]["mask"]
    assert mask["secondaryFiles"] == ["^.stats", "^.bytemask", "^.rfi"]


ACCEL_HEADER = ("             Summed  Coherent  Num        Period          Frequency\n"
                "Cand  Sigma   Power    Power   Harm        (ms)              (Hz)\n"
                + "-" * 80 + "\n")


def write_accel(folder: Path, dm: float, rows: list[tuple[float, float]]) -> File:
    path = folder / f"obs_DM{dm:.2f}_ACCEL_0"
    lines = [f"{i:<6d}{s:6.2f}   40.60    16.44    4       {p:.4f}(11)       1.0(4)\n"
             for i, (s, p) in enumerate(rows, 1)]
    path.write_text(ACCEL_HEADER + "".join(lines) + "-" * 80 + "\n\n1  1  harmonics ...\n")
    Path(f"{path}.cand").write_text(f"cand {dm}\n")
    return File(path)


def test_sifting_keeps_pulsars_drops_rfi_and_harmonics(tmp_path: Path,
                                                       in_tmp_cwd: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    accel = []
    for dm in (0.0, 2.0, 4.0, 6.0):
        accel.append(write_accel(inputs, dm, [
            (10 - abs(dm - 4), 15.7402),            # pulsar A, brightest at DM 4
            (9 - 2 * abs(dm - 2), 7.3001),          # pulsar B, brightest at DM 2
            (5.0 if dm == 4 else 1.0, 31.4804),     # harmonic of A
            (20 - 2 * dm, 1000.0),                  # interference, brightest at DM 0
            (3.0, 123.0),                           # too weak
        ]))
    found = presto.sift_candidates(accel=accel)  # outside a workflow: the plain function
    assert [(c.dm, c.number, c.period_ms, c.sigma) for c in found] == [
        (4.0, 1, 15.7402, 10.0), (2.0, 2, 7.3001, 9.0)]
    assert found[0].name == "obs_DM4.00_cand1"
    assert Path(found[0].accelfile.path).read_text() == "cand 4.0\n"
    assert presto.sift_candidates(accel=accel, min_num_dms=5) == []


# --- runs: stand-in tools check what they are given ----------------------------------------------

FAKE_PRESTO = {
    "readfile": 'print("header of", os.path.basename(p[-1]))\n',
    "rfifind": '''
root = o["-o"] + "_rfifind"
for ext in ("mask", "stats", "bytemask", "rfi", "inf", "ps"):
    open(f"{root}.{ext}", "w").write(ext + "\\n")
''',
    "makezaplist.py": '''
root = os.path.splitext(p[0])[0]; need(root + ".inf")
open(os.path.basename(root) + ".zaplist", "w").write("zap\\n")
''',
    "prepsubband": '''
need(os.path.splitext(o["-mask"])[0] + ".stats")
lo, step, n = float(o["-lodm"]), float(o["-dmstep"]), int(o["-numdms"])
for i in reversed(range(n)):  # files appear in reverse DM order
    root = f"{o['-o']}_DM{lo + i * step:.2f}"
    open(root + ".inf", "w").write(f" Dispersion measure (cm-3 pc) = {lo + i * step:.2f}\\n")
    open(root + ".dat", "w").write("series\\n")
''',
    "prepdata": '''
need(os.path.splitext(o["-mask"])[0] + ".stats")
open(o["-o"] + ".inf", "w").write(f" Dispersion measure (cm-3 pc) = {float(o['-dm']):.2f}\\n")
open(o["-o"] + ".dat", "w").write("series\\n")
''',
    "realfft": '''
root = os.path.splitext(p[0])[0]; need(root + ".inf")
assert os.path.dirname(os.path.abspath(p[0])) == os.getcwd(), "input not staged"
open(root + ".fft", "w").write("spectrum\\n")
''',
    "zapbirds": '''
need(os.path.splitext(p[0])[0] + ".inf"); need(o["-zapfile"])
open(p[0], "a").write("zapped\\n")
''',
    "accelsearch": '''
root = os.path.splitext(p[0])[0]; need(root + ".inf")
state = "zapped" if "zapped" in open(p[0]).read() else "raw"
dm = float(open(root + ".inf").read().split("=")[1])
rows = [(10 - abs(dm - 4), 15.7402), (9 - 2 * abs(dm - 2), 7.3001),
        (5.0 if dm == 4 else 1.0, 31.4804), (20 - 2 * dm, 1000.0)]
out = f"{root}_ACCEL_{o['-zmax']}"
with open(out, "w") as f:
    f.write("Cand Sigma Summed Coherent Num Period Frequency\\n" + "-" * 60 + "\\n")
    for i, (s, per) in enumerate(rows, 1):
        f.write(f"{i:<5d} {s:6.2f}  40.60  16.44  4  {per:.4f}(11)  1.0(44)\\n")
    f.write("-" * 60 + "\\n")
open(out + ".cand", "w").write(f"candidates of DM {dm:.2f} ({state})")
''',
    "prepfold": '''
need(o["-accelfile"]); need(os.path.splitext(o["-mask"])[0] + ".stats")
name = f"{o['-o']}_ACCEL_Cand_{o['-accelcand']}.pfd"
text = f"dm={o['-dm']} cand={o['-accelcand']}: {open(o['-accelfile']).read()}"
for ext in ("", ".bestprof", ".ps"):
    open(name + ext, "w").write(text)
''',
}


@pytest.mark.slow
def test_presto_search_runs_with_stand_in_tools(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cwl_run: Callable[..., dict[str, Any]]
) -> None:
    on_path(monkeypatch, install(tmp_path, FAKE_PRESTO))
    (tmp_path / "obs.fil").write_text("raw\n")
    (tmp_path / "obs.birds").write_text("60.0 0.1 5 1 0\n")
    result = cwl_run(GENERATED / "presto/presto_search/presto_search.cwl", {
        "filterbank": file_obj(tmp_path / "obs.fil"), "birds": file_obj(tmp_path / "obs.birds"),
        "numdms": 4})
    # sifting ran for real on four DMs: two pulsars kept, harmonic and DM-0 RFI dropped
    assert [(c["dm"], c["number"], c["period_ms"]) for c in result["candidates"]] == [
        (4.0, 1, 15.7402), (2.0, 2, 7.3001)]
    # each fold got the candidate file of its own DM, made from the .inf of its own .dat,
    # after zapping: the pairing held through realfft, zapbirds and accelsearch
    assert sorted(read(p) for p in result["pfds"]) == [
        "dm=2.0 cand=2: candidates of DM 2.00 (zapped)",
        "dm=4.0 cand=1: candidates of DM 4.00 (zapped)"]
    assert {Path(p["path"]).name for p in result["bestprofs"]} == {
        "obs_DM4.00_cand1_ACCEL_Cand_1.pfd.bestprof", "obs_DM2.00_cand2_ACCEL_Cand_2.pfd.bestprof"}
    assert [s["basename"] for s in result["rfi_mask"]["secondaryFiles"]] == [
        "obs_rfifind.stats", "obs_rfifind.bytemask", "obs_rfifind.rfi"]


@pytest.mark.slow
def test_presto_birds_runs_with_stand_in_tools(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cwl_run: Callable[..., dict[str, Any]]
) -> None:
    on_path(monkeypatch, install(tmp_path, FAKE_PRESTO))
    (tmp_path / "obs.fil").write_text("raw\n")
    (tmp_path / "Lband.birds").write_text("60.0 0.1 5 1 0\n")
    result = cwl_run(GENERATED / "presto/presto_birds/presto_birds.cwl", {
        "filterbank": file_obj(tmp_path / "obs.fil"),
        "birds": file_obj(tmp_path / "Lband.birds")})
    assert read(result["header"]).strip() == "header of obs.fil"
    assert result["dm0_candidates"]["basename"] == "obs_ACCEL_0"
    (cand,) = result["dm0_candidates"]["secondaryFiles"]
    assert read(cand) == "candidates of DM 0.00 (raw)"
    assert result["zaplist"]["basename"] == "Lband.zaplist"
