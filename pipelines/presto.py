"""PRESTO pulsar search, as in the PRESTO search tutorial the EOSC LOFAR pilot ported to CWL in
2018: `rfifind` -> `prepsubband` (one de-dispersed time series per trial DM) -> `realfft` ->
`zapbirds` -> `accelsearch` -> candidate sifting -> `prepfold`; plus the "birds" workflow that
looks for periodic interference at DM 0 and turns a birds list into a zap list.

Pairing is safe by construction. The 2018 version globbed `*.dat` and `*.inf` into two arrays
and zipped them (and later three) with `scatterMethod: dotproduct`, which silently paired the
wrong files whenever the runner returned the globs in different orders. Here every `.dat`
carries its `.inf` as a CWL secondary file (so does every `.fft` made from it), each scatter
runs over exactly one array, and the sifting task returns one record per candidate holding the
candidate file it came from: no two arrays are ever zipped.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from typing import Annotated, NamedTuple

from cwlgen import Arg, File, Out, Resources, stdout, task, tool, workflow

PRESTO = "kernsuite/presto"
PYTHON = "python:3.12-slim"  # the sifting task needs only the standard library
CWLGEN_PYTHON = "3.12"  # the python3 of that image, for every task here
INF = ("^.inf",)  # X.dat / X.fft -> X.inf: PRESTO's metadata file for a time series


# --- RFI and de-dispersion -------------------------------------------------------------------

class RfiFind(NamedTuple):
    mask: Annotated[File, Out(glob="$(inputs.filterbank.nameroot)_rfifind.mask",
                              secondary_files=("^.stats", "^.bytemask", "^.rfi"))]
    inf: Annotated[File, Out(glob="$(inputs.filterbank.nameroot)_rfifind.inf")]
    plot: Annotated[File, Out(glob="$(inputs.filterbank.nameroot)_rfifind.ps")]


@tool(
    "rfifind",
    arguments=[Arg(prefix="-o", value_from="$(inputs.filterbank.nameroot)")],
    container=PRESTO,
    resources=Resources(cores=1, ram="2 GiB", time_limit="1h"),
)
def rfifind(
    filterbank: Annotated[File, Arg(position=100)],
    time: Annotated[float, Arg(prefix="-time")] = 2.0,
    noclip: Annotated[bool, Arg(prefix="-noclip")] = False,
) -> RfiFind:
    """Find narrow- and wide-band interference and bad channels; write an RFI mask.

    Args:
        filterbank: the raw observation (SIGPROC filterbank).
        time: seconds of data per statistics interval.
        noclip: do not clip strong time-domain bursts.
    """
    raise NotImplementedError


@tool(
    "prepsubband",
    arguments=[Arg(prefix="-o", value_from="$(inputs.filterbank.nameroot)")],
    container=PRESTO,
    resources=Resources(cores=1, ram="4 GiB", outdir="4 GiB", time_limit="2h"),
)
def prepsubband(
    filterbank: Annotated[File, Arg(position=100)],
    mask: Annotated[File, Arg(prefix="-mask", secondary_files=("^.stats",))],
    lodm: Annotated[float, Arg(prefix="-lodm")] = 0.0,
    dmstep: Annotated[float, Arg(prefix="-dmstep")] = 2.0,
    numdms: Annotated[int, Arg(prefix="-numdms")] = 24,
    nsub: Annotated[int, Arg(prefix="-nsub")] = 32,
    numout: Annotated[int | None, Arg(prefix="-numout")] = None,
    downsamp: Annotated[int, Arg(prefix="-downsamp")] = 1,
    nobary: Annotated[bool, Arg(prefix="-nobary")] = False,
) -> Annotated[list[File], Out(glob="$(inputs.filterbank.nameroot)_DM*.dat", secondary_files=INF)]:
    """De-disperse at many trial DMs: one `.dat` time series per DM, each with its `.inf`.

    Args:
        filterbank: the raw observation.
        mask: RFI mask from rfifind.
        lodm: lowest trial DM (pc/cm^3).
        dmstep: DM spacing.
        numdms: number of trial DMs.
        nsub: number of subbands formed before de-dispersing.
        numout: number of output samples (a value with many small factors FFTs fastest).
        downsamp: time samples added together.
        nobary: do not barycentre the time series.
    """
    raise NotImplementedError


@tool(
    "prepdata",
    arguments=[Arg(prefix="-o", value_from="$(inputs.filterbank.nameroot)")],
    container=PRESTO,
    resources=Resources(cores=1, ram="2 GiB", time_limit="1h"),
)
def prepdata(
    filterbank: Annotated[File, Arg(position=100)],
    mask: Annotated[File, Arg(prefix="-mask", secondary_files=("^.stats",))],
    dm: Annotated[float, Arg(prefix="-dm")] = 0.0,
    numout: Annotated[int | None, Arg(prefix="-numout")] = None,
    nobary: Annotated[bool, Arg(prefix="-nobary")] = False,
) -> Annotated[File, Out(glob="$(inputs.filterbank.nameroot).dat", secondary_files=INF)]:
    """De-disperse at a single DM (the birds search uses DM 0: topocentric interference).

    Args:
        filterbank: the raw observation.
        mask: RFI mask from rfifind.
        dm: dispersion measure (pc/cm^3).
        numout: number of output samples.
        nobary: do not barycentre the time series.
    """
    raise NotImplementedError


@tool("readfile", container=PRESTO, resources=Resources(cores=1, ram="256 MiB",
                                                        time_limit="5 min"))
def readfile(
    filterbank: Annotated[File, Arg(position=1)],
) -> Annotated[File, stdout("readfile.txt")]:
    """Print the header of a raw data file (telescope, frequencies, sampling)."""
    raise NotImplementedError


# --- per-DM search ---------------------------------------------------------------------------

@tool("realfft", container=PRESTO, resources=Resources(cores=1, ram="2 GiB", time_limit="30 min"))
def realfft(
    dat: Annotated[File, Arg(position=1, stage=True, secondary_files=INF)],
) -> Annotated[File, Out(glob="$(inputs.dat.nameroot).fft", secondary_files=INF)]:
    """Fourier-transform one time series. The `.dat` is staged into the working directory
    because realfft writes the `.fft` beside its input; the `.inf` travels along.

    Args:
        dat: a de-dispersed time series with its `.inf`.
    """
    raise NotImplementedError


@tool("zapbirds -zap", container=PRESTO,
      resources=Resources(cores=1, ram="1 GiB", time_limit="15 min"))
def zapbirds(
    fft: Annotated[File, Arg(position=1, inplace=True, secondary_files=INF)],
    zapfile: Annotated[File, Arg(prefix="-zapfile")],
    baryv: Annotated[float | None, Arg(prefix="-baryv")] = None,
) -> Annotated[File, Out(glob="$(inputs.fft.basename)", secondary_files=INF)]:
    """Zero the Fourier bins of known periodic interference, in place (no copy of the FFT).

    Args:
        fft: the spectrum of one time series, with its `.inf`; updated in place.
        zapfile: frequencies and widths to zap (from makezaplist.py).
        baryv: barycentric velocity (v/c) when the series was barycentred.
    """
    raise NotImplementedError


@tool("accelsearch", container=PRESTO,
      resources=Resources(cores=1, ram="4 GiB", time_limit="2h"))
def accelsearch(
    fft: Annotated[File, Arg(position=100, stage=True, secondary_files=INF)],
    numharm: Annotated[int, Arg(prefix="-numharm")] = 8,
    zmax: Annotated[int, Arg(prefix="-zmax")] = 0,
    sigma: Annotated[float, Arg(prefix="-sigma")] = 2.0,
) -> Annotated[File, Out(glob="$(inputs.fft.nameroot)_ACCEL_$(inputs.zmax)",
                         secondary_files=(".cand",))]:
    """Search one spectrum for periodic signals, summing harmonics and allowing acceleration.

    The candidate list (text) comes with its binary `.cand` file as a secondary file.

    Args:
        fft: a (zapped) spectrum with its `.inf`; staged, as accelsearch writes beside it.
        numharm: number of harmonics summed (1, 2, 4, 8, 16 or 32).
        zmax: largest Fourier-frequency drift (bins) searched: acceleration.
        sigma: minimum significance of a reported candidate.
    """
    raise NotImplementedError


# --- candidates ------------------------------------------------------------------------------

@dataclasses.dataclass
class Candidate:
    """One sifted periodicity candidate, carrying the candidate file it was found in."""

    name: str
    accelfile: File
    number: int
    dm: float
    sigma: float
    period_ms: float


ACCEL_DM = re.compile(r"_DM(\d+(?:\.\d+)?)")


def read_accel(path: str) -> list[tuple[int, float, int, float]]:
    """(number, sigma, harmonics, period in ms) of each candidate in an accelsearch text
    file: the first table, between the first and second lines of dashes."""
    rows: list[tuple[int, float, int, float]] = []
    dashes = 0
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith("---"):
                dashes += 1
                if dashes == 2:
                    break
                continue
            fields = line.split()
            if dashes == 1 and len(fields) >= 6 and fields[0].isdigit():
                period = float(fields[5].split("(")[0])
                rows.append((int(fields[0]), float(fields[1]), int(fields[4]), period))
    return rows


def is_harmonic(period: float, of: float, tolerance: float) -> bool:
    """Whether `period` is a small integer multiple or fraction of `of` (up to 16)."""
    ratio = period / of if period > of else of / period
    nearest = round(ratio)
    return 2 <= nearest <= 16 and abs(ratio - nearest) < tolerance * nearest


@task(container=PYTHON, resources=Resources(cores=1, ram="512 MiB", time_limit="10 min"))
def sift_candidates(
    accel: Annotated[list[File], Arg(secondary_files=(".cand",))],
    min_sigma: float = 4.0,
    min_period_ms: float = 0.5,
    max_period_ms: float = 15000.0,
    min_num_dms: int = 2,
    low_dm_cutoff: float = 2.0,
    tolerance: float = 0.002,
    max_candidates: int = 20,
) -> list[Candidate]:
    """Sift the candidates of all DMs (2018: PRESTO's ACCEL_sift.py).

    Candidates with the same period (within `tolerance`, relative) at different DMs are one
    signal: it must be seen at `min_num_dms` DMs and peak above `low_dm_cutoff` (so not
    terrestrial); the strongest DM is kept, harmonics of stronger signals dropped.

    Args:
        accel: accelsearch candidate lists, one per DM, each with its `.cand` file.
        min_sigma: weakest significance kept.
        min_period_ms: shortest period kept.
        max_period_ms: longest period kept.
        min_num_dms: DMs a signal must be detected at.
        low_dm_cutoff: a signal strongest below this DM is interference.
        tolerance: relative period difference still counted as the same signal.
        max_candidates: how many candidates to fold, strongest first.
    """
    found: list[tuple[float, float, float, int, File]] = []
    for item in accel:
        match = ACCEL_DM.search(item.basename)
        if match is None:
            raise ValueError(f"{item.basename}: no _DM<value> in the name to read the DM from")
        dm = float(match.group(1))
        for number, sigma, _harmonics, period in read_accel(item.path):
            if sigma >= min_sigma and min_period_ms <= period <= max_period_ms:
                found.append((sigma, period, dm, number, item))
    found.sort(key=lambda c: (-c[0], c[1], c[2]))
    groups: list[list[tuple[float, float, float, int, File]]] = []
    for cand in found:
        for group in groups:
            if abs(cand[1] - group[0][1]) <= tolerance * group[0][1]:
                group.append(cand)
                break
        else:
            groups.append([cand])
    kept: list[tuple[float, float, float, int, File]] = []
    for group in groups:
        best = group[0]
        if len({c[2] for c in group}) < min_num_dms or best[2] < low_dm_cutoff:
            continue
        if any(is_harmonic(best[1], k[1], tolerance) for k in kept):
            continue
        kept.append(best)
    candidates: list[Candidate] = []
    for sigma, period, dm, number, item in kept[:max_candidates]:
        cand_file = item.basename + ".cand"
        if not os.path.exists(cand_file):
            shutil.copyfile(item.path + ".cand", cand_file)
        root = ACCEL_DM.split(item.basename)[0]
        candidates.append(Candidate(
            name=f"{root}_DM{dm:.2f}_cand{number}", accelfile=File(cand_file), number=number,
            dm=dm, sigma=sigma, period_ms=period,
        ))
    return candidates


class Folded(NamedTuple):
    pfd: Annotated[File, Out(glob="*.pfd")]
    bestprof: Annotated[File, Out(glob="*.pfd.bestprof")]
    plot: Annotated[File, Out(glob="*.pfd.ps")]


@tool(
    "prepfold -noxwin",
    arguments=[
        Arg(prefix="-accelfile", value_from="$(inputs.candidate.accelfile.path)"),
        Arg(prefix="-accelcand", value_from="$(inputs.candidate.number)"),
        Arg(prefix="-dm", value_from="$(inputs.candidate.dm)"),
        Arg(prefix="-o", value_from="$(inputs.candidate.name)"),
    ],
    container=PRESTO,
    resources=Resources(cores=1, ram="2 GiB", time_limit="1h"),
)
def prepfold(
    candidate: Annotated[Candidate, Arg(bind=False)],
    filterbank: Annotated[File, Arg(position=100)],
    mask: Annotated[File | None, Arg(prefix="-mask", secondary_files=("^.stats",))] = None,
) -> Folded:
    """Fold the raw data at one candidate's period, period derivative and DM.

    Args:
        candidate: the candidate, with the accelsearch file it came from.
        filterbank: the raw observation.
        mask: RFI mask from rfifind.
    """
    raise NotImplementedError


@tool(
    "makezaplist.py",
    files={"$(inputs.birds.nameroot).inf": "$(inputs.inf)"},
    container=PRESTO,
    resources=Resources(cores=1, ram="256 MiB", time_limit="5 min"),
)
def makezaplist(
    birds: Annotated[File, Arg(position=1, stage=True)],
    inf: Annotated[File, Arg(bind=False)],
) -> Annotated[File, Out(glob="$(inputs.birds.nameroot).zaplist")]:
    """Turn a list of birdies (periodic interference) into a zap list for zapbirds.

    makezaplist.py reads the observation length from `<birds>.inf`, so the `.inf` is staged
    under that name beside the birds file.

    Args:
        birds: frequencies (and harmonics) of known interference.
        inf: any `.inf` of the observation.
    """
    raise NotImplementedError


# --- workflows ---------------------------------------------------------------------------------

class Search(NamedTuple):
    rfi_mask: File
    rfi_plot: File
    zaplist: File
    candidates: list[Candidate]
    pfds: list[File]
    bestprofs: list[File]
    plots: list[File]


@workflow
def presto_search(
    filterbank: File,
    birds: File,
    rfi_time: float = 2.0,
    nobary: bool = True,
    nsub: int = 32,
    lodm: float = 0.0,
    dmstep: float = 2.0,
    numdms: int = 24,
    numout: int = 132500,
    downsamp: int = 4,
    numharm: int = 4,
    zmax: int = 0,
    min_sigma: float = 4.0,
    max_candidates: int = 20,
) -> Search:
    """The PRESTO tutorial search: de-disperse, FFT, zap, search, sift and fold.

    Args:
        filterbank: the raw observation.
        birds: known periodic interference (see presto_birds).
        rfi_time: seconds per rfifind interval.
        nobary: do not barycentre.
        nsub: subbands formed before de-dispersing.
        lodm: lowest trial DM.
        dmstep: DM spacing.
        numdms: number of trial DMs.
        numout: output samples per time series.
        downsamp: time samples added together.
        numharm: harmonics summed by accelsearch.
        zmax: acceleration search range (Fourier bins).
        min_sigma: weakest candidate kept by sifting.
        max_candidates: candidates folded.
    """
    rfi = rfifind(filterbank=filterbank, time=rfi_time)
    zaplist = makezaplist(birds=birds, inf=rfi.inf)
    dats = prepsubband(filterbank=filterbank, mask=rfi.mask, nsub=nsub, lodm=lodm,
                       dmstep=dmstep, numdms=numdms, numout=numout, downsamp=downsamp,
                       nobary=nobary)
    spectra = realfft.map(dat=dats)
    zapped = zapbirds.map(fft=spectra, zapfile=zaplist)
    accel = accelsearch.map(fft=zapped, numharm=numharm, zmax=zmax)
    candidates = sift_candidates(accel=accel, min_sigma=min_sigma,
                                 max_candidates=max_candidates)
    folded = prepfold.map(candidate=candidates, filterbank=filterbank, mask=rfi.mask)
    return Search(rfi_mask=rfi.mask, rfi_plot=rfi.plot, zaplist=zaplist, candidates=candidates,
                  pfds=folded.pfd, bestprofs=folded.bestprof, plots=folded.plot)


class Birds(NamedTuple):
    header: File
    rfi_mask: File
    rfi_plot: File
    dm0_candidates: File
    zaplist: File


@workflow
def presto_birds(
    filterbank: File,
    birds: File,
    rfi_time: float = 2.0,
    nobary: bool = True,
    numout: int = 530000,
    numharm: int = 4,
    zmax: int = 0,
    dm: float = 0.0,
) -> Birds:
    """Find periodic interference: search the topocentric, undispersed (DM 0) time series.

    The DM 0 candidates show the birdies to list in `birds`; makezaplist.py turns that list
    into the zap list the search uses.

    Args:
        filterbank: the raw observation.
        birds: known periodic interference, edited after looking at the DM 0 candidates.
        rfi_time: seconds per rfifind interval.
        nobary: do not barycentre.
        numout: output samples of the DM 0 time series.
        numharm: harmonics summed by accelsearch.
        zmax: acceleration search range (Fourier bins).
        dm: dispersion measure searched (0: topocentric interference, as birds are).
    """
    header = readfile(filterbank=filterbank)
    rfi = rfifind(filterbank=filterbank, time=rfi_time)
    topocentric = prepdata(filterbank=filterbank, mask=rfi.mask, dm=dm, numout=numout,
                           nobary=nobary)
    spectrum = realfft(dat=topocentric)
    candidates = accelsearch(fft=spectrum, numharm=numharm, zmax=zmax)
    return Birds(header=header, rfi_mask=rfi.mask, rfi_plot=rfi.plot,
                 dm0_candidates=candidates,
                 zaplist=makezaplist(birds=birds, inf=rfi.inf))
