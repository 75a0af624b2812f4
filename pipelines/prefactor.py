"""Prefactor, calibrator part: the LOFAR pre-facet calibration pipeline as the EOSC LOFAR pilot
ported it to CWL in 2018, written in the cwlgen DSL.

Per subband, DP3 flags, filters and averages the Measurement Set (a new, smaller MS); a sky
model is selected for the calibrator; BBS calibrates the averaged MS *in place* (it writes its
`instrument` table into the MS, so no multi-GB copy); one gather step imports the solutions of
all subbands into a single LoSoTo H5parm; the solution steps (clock/TEC separation, amplitudes,
global XX-YY phase offset, plots) fan out from it; finally wsclean images the calibrated data.

Measurement Sets are Directories and are never deep-listed (`loadListing: no_listing`): a
listing of an MS is hundreds of File objects nobody needs. The 2018 steps that shelled into
`python -c "..."` with JavaScript-interpolated Python are Python tasks here.
"""

from __future__ import annotations

import math
import os
import shutil
from typing import Annotated, Any, NamedTuple, Protocol

from cwlgen import Arg, Directory, File, Out, Resources, task, tool, workflow

PREFACTOR = "kernsuite/prefactor"   # BBS and prefactor's 2018 scripts (Python 2.7)
# The Python tasks (Python 3.11 code, LoSoTo 2 API) and LoSoTo 2 itself:
# built from pipelines/containers/prefactor-tasks/Dockerfile
TASKS = "cwlgen/prefactor-tasks"
CWLGEN_PYTHON = "3.11"  # the python3 of cwlgen/prefactor-tasks, for every task here
SCRIPTS = "/usr/lib/prefactor/scripts"
PNG = "iana:image/png"
FITS = "iana:image/fits"
SPEED_OF_LIGHT = 299_792_458.0


# --- per subband ------------------------------------------------------------------------------

@tool(
    "DP3",
    arguments=[
        "msout=$(inputs.msin.basename)",
        "msout.writefullresflag=false",
        "msout.overwrite=true",
        "msin.baseline=CS*&; RS*&; CS*&RS*",
        "steps=[flag,filter,avg,flagamp]",
        "flag.type=preflagger",
        "filter.type=filter",
        "filter.remove=true",
        "avg.type=average",
        "flagamp.type=preflagger",
        "numthreads=$(runtime.cores)",
    ],
    container="kernsuite/dp3",
    env={"OPENBLAS_NUM_THREADS": "1"},
    resources=Resources(cores=2, ram="4 GiB", outdir="8 GiB", time_limit="2h"),
)
def ndppp_prep_cal(
    msin: Annotated[Directory, Arg(prefix="msin=", separate=False, load_listing="no_listing")],
    datacolumn: Annotated[str, Arg(prefix="msin.datacolumn=", separate=False)] = "DATA",
    flag_baseline: Annotated[str, Arg(prefix="flag.baseline=", separate=False)] = "[CS013HBA*]",
    filter_baseline: Annotated[str, Arg(prefix="filter.baseline=", separate=False)] = "CS*, RS*&&",
    avg_timestep: Annotated[int, Arg(prefix="avg.timestep=", separate=False)] = 2,
    avg_freqstep: Annotated[int, Arg(prefix="avg.freqstep=", separate=False)] = 2,
    flagamp_amplmin: Annotated[float, Arg(prefix="flagamp.amplmin=", separate=False)] = 1e-30,
) -> Annotated[Directory, Out(glob="$(inputs.msin.basename)")]:
    """DP3 (NDPPP) flag, filter and average one subband.

    Writes a new, averaged Measurement Set under the input's name; the input is only read.
    International stations are removed and the time/frequency resolution reduced.

    Args:
        msin: the raw subband Measurement Set.
        datacolumn: column to read.
        flag_baseline: baselines to flag (a DP3 baseline selection).
        filter_baseline: baselines to keep; the rest are removed from the output.
        avg_timestep: number of timeslots to average.
        avg_freqstep: number of channels to average.
        flagamp_amplmin: flag visibilities with amplitudes below this.
    """
    raise NotImplementedError


@tool(
    "calibrate-stand-alone",
    arguments=[Arg(prefix="--numthreads", value_from="$(runtime.cores)", position=0)],
    container=PREFACTOR,
    env={"LOFARROOT": "/usr"},
    resources=Resources(cores=4, ram="8 GiB", time_limit="4h"),
)
def calib_cal(
    observation: Annotated[
        Directory, Arg(position=1, inplace=True, load_listing="no_listing")
    ],
    catalog: Annotated[File, Arg(position=3)],
    parset: Annotated[str, Arg(position=2)] = "/usr/share/prefactor/parsets/calibcal.parset",
    force: Annotated[bool, Arg(prefix="--force", position=0)] = True,
) -> Annotated[Directory, Out(glob="$(inputs.observation.basename)")]:
    """BBS calibration of one subband against its sky model, in place.

    The solutions are written into the Measurement Set's `instrument` table, so the MS is
    updated in place (InplaceUpdateRequirement) rather than copied.

    Args:
        observation: the averaged subband; updated in place.
        catalog: the sky model, in makesourcedb format.
        parset: BBS reduction strategy (a path inside the container).
        force: replace an existing source/parameter database (safe re-runs).
    """
    raise NotImplementedError


# --- gather and solutions ---------------------------------------------------------------------

@tool(
    ["python2", f"{SCRIPTS}/losotoImporter.py", "losoto.h5"],
    container=PREFACTOR,
    resources=Resources(cores=1, ram="2 GiB", time_limit="1h"),
)
def h5imp_cal(
    ms_array: Annotated[list[Directory], Arg(position=1, load_listing="no_listing")],
    instrument: Annotated[str, Arg(prefix="-i")] = "/instrument",
    solset: Annotated[str, Arg(prefix="-s")] = "sol000",
    complevel: Annotated[int, Arg(prefix="-c")] = 7,
) -> Annotated[File, Out(glob="losoto.h5")]:
    """Import the solutions of every subband into one LoSoTo H5parm (the gather step).

    Args:
        ms_array: calibrated subbands, each holding its `instrument` table.
        instrument: name of the instrument table (a leading '/' means inside the MS).
        solset: solution-set name in the H5parm.
        complevel: HDF5 compression level, 0 (none, fast) to 9.
    """
    raise NotImplementedError


class ClockTec(NamedTuple):
    dclock_1st: Annotated[File, Out(glob="fitted_data_dclock_fitclock_1st.npy")]
    dtec_1st: Annotated[File, Out(glob="fitted_data_dTEC_fitclock_1st.npy")]
    dclock_1st_sm: Annotated[File, Out(glob="fitted_data_dclock_fitclock_1st.sm.npy")]
    dtec_1st_sm: Annotated[File, Out(glob="fitted_data_dTEC_fitclock_1st.sm.npy")]


@tool(
    ["python2", f"{SCRIPTS}/fit_clocktec_initialguess_losoto.py"],
    arguments=[
        Arg(position=2, value_from="fitclock"),
        Arg(position=3, value_from="$(runtime.cores)"),
    ],
    container=PREFACTOR,
    resources=Resources(cores=4, ram="4 GiB", time_limit="2h"),
)
def fitclock(globaldbname: Annotated[File, Arg(position=1)]) -> ClockTec:
    """Separate clock and TEC in the phase solutions (raw and smoothed).

    Args:
        globaldbname: the H5parm with every subband's solutions.
    """
    raise NotImplementedError


@tool(
    ["python2", f"{SCRIPTS}/amplitudes_losoto_3.py"],
    arguments=[Arg(position=2, value_from="fitclock")],
    container=PREFACTOR,
    resources=Resources(cores=1, ram="2 GiB", time_limit="1h"),
)
def ampl(
    globaldbname: Annotated[File, Arg(position=1)],
    n_chan: Annotated[int, Arg(position=3)] = 4,
    bad_sblist: Annotated[list[int] | None, Arg(position=4)] = None,
) -> Annotated[File, Out(glob="fitclock_amplitude_array.npy")]:
    """Smooth the amplitude solutions over frequency.

    Args:
        globaldbname: the H5parm with every subband's solutions.
        n_chan: number of solution channels per subband.
        bad_sblist: subbands to leave out.
    """
    raise NotImplementedError


PHASE_PLOT_PARSET = """\
soltab = [sol000/phase000]

[plotphases]
operation = PLOT
axesInPlot = [time,freq]
axisInTable = ant
axisInCol = pol
plotFlag = False
refAnt = $(inputs.reference_station)
prefix = cal_phases_
"""


@tool(
    "losoto",
    arguments=[Arg(position=2, value_from="losoto.parset")],
    files={"losoto.parset": PHASE_PLOT_PARSET},
    container=TASKS,
    resources=Resources(cores=1, ram="2 GiB", time_limit="1h"),
)
def plot_cal_phases(
    h5parm: Annotated[File, Arg(position=1)],
    reference_station: Annotated[str, Arg(bind=False)],
) -> Annotated[list[File], Out(glob="cal_phases_*.png", format=PNG)]:
    """Plot the XX and YY phase solutions against time and frequency, one page per station.

    Args:
        h5parm: the H5parm with every subband's solutions.
        reference_station: station the phases are referenced to.
    """
    raise NotImplementedError


class PlotAxes(Protocol):
    """The matplotlib Axes methods these plots call. matplotlib's own annotations leave
    `**kwargs` untyped, which pyright --strict reports at every call; seen through this
    protocol the calls are fully typed for mypy and pyright alike."""

    def plot(self, *args: Any, **kwargs: Any) -> object: ...
    def set_xlabel(self, xlabel: str) -> object: ...
    def set_ylabel(self, ylabel: str) -> object: ...
    def set_ylim(self, bottom: float, top: float) -> object: ...


class PlotFigure(Protocol):
    """The matplotlib Figure methods these plots call (see PlotAxes)."""

    def savefig(self, fname: str, *, dpi: int) -> None: ...


def new_plot(figsize: tuple[float, float] = (6.4, 4.8)) -> tuple[PlotFigure, PlotAxes]:
    """A figure with one Axes, made without pyplot: no global figure state to close, no GUI
    backend to choose (savefig renders PNG with Agg)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize)
    return figure, figure.subplots()


class GlobalPhase(NamedTuple):
    freqs_for_phase_array: File
    phase_array: File
    station_names: File
    phase_xx_yy_offset: Annotated[File, Out(format=PNG)]


@task(
    container=TASKS,
    packages=("numpy", "matplotlib", "losoto"),
    resources=Resources(cores=1, ram="2 GiB", time_limit="30 min"),
)
def find_global_phase_offset(
    h5parm: File, refstation_id: int = 2, source_id: int = 0, solset: str = "sol000",
) -> GlobalPhase:
    """Find the global XX-YY phase offset of every station (2018: a `python -c` step).

    The XX-YY phase difference, referenced to one station, is averaged over time on the unit
    circle, giving one offset per station and frequency.

    Args:
        h5parm: the H5parm with every subband's solutions.
        refstation_id: index of the reference station.
        source_id: index of the direction (calibrator source).
        solset: solution set to read.
    """
    import numpy as np
    from losoto.h5parm import h5parm as open_h5parm

    store = open_h5parm(h5parm.path, readonly=True)
    try:
        soltab = store.getSolset(solset).getSoltab("phase000")
        values, axes = soltab.getValues(retAxesVals=True)
        names = list(soltab.getAxesNames())
    finally:
        store.close()
    if "dir" in names:
        values = np.take(values, source_id, axis=names.index("dir"))
        names.remove("dir")
    values = np.transpose(values, [names.index(a) for a in ("time", "freq", "ant", "pol")])
    xx_yy = values[..., 0] - values[..., -1]                       # time, freq, ant
    xx_yy = xx_yy - xx_yy[:, :, refstation_id : refstation_id + 1]
    offset = np.angle(np.nanmean(np.exp(1j * xx_yy), axis=0)).T   # ant, freq
    freqs = np.asarray(axes["freq"])
    stations = np.asarray(axes["ant"]).astype(str)
    np.save("freqs_for_phase_array.npy", freqs)
    np.save("phase_array.npy", offset)
    np.save("station_names.npy", stations)
    fig, ax = new_plot(figsize=(8, 5))
    for name, row in zip(stations, offset, strict=True):
        ax.plot(freqs / 1e6, np.degrees(row), ".", label=name)
    ax.set_xlabel("frequency [MHz]")
    ax.set_ylabel("XX-YY phase offset [deg]")
    fig.savefig("phase_xx_yy_offset.png", dpi=100)
    return GlobalPhase(
        freqs_for_phase_array=File("freqs_for_phase_array.npy"),
        phase_array=File("phase_array.npy"),
        station_names=File("station_names.npy"),
        phase_xx_yy_offset=File("phase_xx_yy_offset.png"),
    )


class SolutionPlots(NamedTuple):
    dtec_allsols: Annotated[File, Out(format=PNG)]
    dclock_allsols: Annotated[File, Out(format=PNG)]
    amp_allsols: Annotated[File, Out(format=PNG)]


@task(
    container=TASKS,
    packages=("numpy", "matplotlib"),
    resources=Resources(cores=1, ram="1 GiB", time_limit="15 min"),
)
def plot_solutions(amplitude_array: File, dclock_1st_sm: File, dtec_1st_sm: File) -> SolutionPlots:
    """Plot TEC, clock and amplitude solutions of all stations (2018: a `python -c` step).

    Args:
        amplitude_array: amplitudes, shaped (station, time, frequency, polarisation).
        dclock_1st_sm: smoothed clock solutions, shaped (time, station).
        dtec_1st_sm: smoothed TEC solutions, shaped (time, station).
    """
    import numpy as np

    amplitudes = np.load(amplitude_array.path)
    clock = np.load(dclock_1st_sm.path)
    tec = np.load(dtec_1st_sm.path)
    panels = [
        ("dtec_allsols.png", tec, "time", "dTEC [1e16 m^-2]"),
        ("dclock_allsols.png", 1e9 * clock, "time", "dClock [ns]"),
    ]
    for name, data, xlabel, ylabel in panels:
        fig, ax = new_plot()
        ax.plot(data)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        fig.savefig(name, dpi=100)
    fig, ax = new_plot()
    for station in amplitudes:
        for pol in (0, -1):
            ax.plot(np.nanmedian(station[:, :, pol], axis=0))
    ax.set_xlabel("subband")
    ax.set_ylabel("amplitude")
    ax.set_ylim(0, 2 * float(np.nanmedian(amplitudes)))
    fig.savefig("amp_allsols.png", dpi=100)
    return SolutionPlots(
        dtec_allsols=File("dtec_allsols.png"),
        dclock_allsols=File("dclock_allsols.png"),
        amp_allsols=File("amp_allsols.png"),
    )


# --- sky model selection (2018: `python -c` around find_skymodel_cal) ----------------------------

def split_fields(line: str) -> list[str]:
    """Split a makesourcedb line on commas outside brackets and quotes."""
    fields: list[str] = []
    depth, quote, current = 0, "", ""
    for ch in line:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "," and depth == 0:
            fields.append(current.strip())
            current = ""
            continue
        current += ch
    fields.append(current.strip())
    return fields


def parse_angle(text: str, *, hours: bool) -> float:
    """A makesourcedb angle in radians: 'hh:mm:ss.s' (RA), '+dd.mm.ss.s' (Dec) or degrees."""
    text = text.strip()
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-")
    if ":" in body:
        parts = body.split(":")
        unit = 15.0 if hours else 1.0
    elif body.count(".") >= 2:
        head, minutes, *rest = body.split(".")
        parts = [head, minutes, ".".join(rest)]
        unit = 1.0
    else:
        return sign * math.radians(float(body.removesuffix("deg")))
    degrees = sum(float(p) / 60**i for i, p in enumerate(parts))
    return sign * math.radians(degrees * unit)


def format_columns(line: str) -> list[str]:
    """Lower-case column names of a makesourcedb format line, either style:
    `format = Name, Type, Ra, ...` or `# (Name, Type, Ra, ...) = format`; [] for other lines."""
    spec = line.lstrip("#").strip()
    if spec.lower().startswith("format") and "=" in spec:
        spec = spec.split("=", 1)[1]
    elif spec.lower().endswith("format") and spec.startswith("("):
        spec = spec.rsplit("=", 1)[0].strip()[1:-1]
    else:
        return []
    return [c.split("=")[0].strip().lower() for c in split_fields(spec)]


def skymodel_position(path: str) -> tuple[float, float] | None:
    """(RA, Dec) in radians of the brightest source in a makesourcedb file (for a calibrator
    model: the calibrator), or None if it lists no source with a position."""
    columns: list[str] = []
    best: tuple[float, float, float] | None = None
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.strip()
            header = format_columns(line)
            if header:
                columns = header
                continue
            if not line or line.startswith("#") or "ra" not in columns or "dec" not in columns:
                continue
            fields = split_fields(line) + [""] * len(columns)
            row = dict(zip(columns, fields, strict=False))
            if not row["ra"] or not row["dec"] or not row.get("name"):
                continue  # a patch line, or no position
            try:
                flux = float(row.get("i") or 0.0)
            except ValueError:
                flux = 0.0
            if best is None or flux > best[0]:
                best = (flux, parse_angle(row["ra"], hours=True),
                        parse_angle(row["dec"], hours=False))
    return None if best is None else (best[1], best[2])


def angular_distance(ra1: float, dec1: float, ra2: float, dec2: float) -> float:
    """Great-circle distance in radians (haversine, stable for small angles)."""
    h = math.sin((dec2 - dec1) / 2) ** 2 + math.cos(dec1) * math.cos(dec2) * math.sin(
        (ra2 - ra1) / 2) ** 2
    return 2 * math.asin(min(1.0, math.sqrt(h)))


@task(
    container=TASKS,
    packages=("python-casacore",),
    resources=Resources(cores=1, ram="512 MiB", time_limit="10 min"),
)
def find_skymodel_cal(
    ms: Annotated[Directory, Arg(load_listing="no_listing")],
    skymodels: Annotated[Directory, Arg(load_listing="no_listing")],
    extension: str = ".skymodel",
    max_separation_deg: float = 5.0,
) -> File:
    """Select the calibrator's sky model: the one whose brightest source is nearest the
    Measurement Set's phase centre.

    Args:
        ms: a subband of the calibrator observation (only its FIELD table is read).
        skymodels: folder of makesourcedb sky models, one per calibrator.
        extension: file name ending of the sky models in that folder.
        max_separation_deg: fail if no sky model is closer than this.
    """
    from casacore.tables import table

    with table(os.path.join(ms.path, "FIELD"), ack=False) as field:
        ra, dec = (float(x) for x in field.getcol("PHASE_DIR")[0][0])
    best: tuple[float, str] | None = None
    for name in sorted(os.listdir(skymodels.path)):
        if not name.endswith(extension):
            continue
        position = skymodel_position(os.path.join(skymodels.path, name))
        if position is not None:
            separation = angular_distance(ra, dec, *position)
            if best is None or separation < best[0]:
                best = (separation, name)
    if best is None or math.degrees(best[0]) > max_separation_deg:
        found = "none" if best is None else f"{best[1]} at {math.degrees(best[0]):.2f} deg"
        raise ValueError(
            f"no sky model in {skymodels.path} within {max_separation_deg} deg of the phase "
            f"centre of {ms.basename} (nearest: {found})"
        )
    shutil.copyfile(os.path.join(skymodels.path, best[1]), "calibrator.skymodel")
    return File("calibrator.skymodel")


# --- imaging ------------------------------------------------------------------------------------

class ImagingParameters(NamedTuple):
    size: list[int]
    channels_out: int
    baseline_averaging: float


@task(
    container=TASKS,
    packages=("python-casacore", "numpy"),
    resources=Resources(cores=1, ram="1 GiB", time_limit="10 min"),
)
def imaging_parameters(
    ms: Annotated[list[Directory], Arg(load_listing="no_listing")],
    cellsize_deg: float = 0.00694,
    maxlambda: int = 2000,
    fov_beams: float = 2.0,
    subbands_per_channel: int = 10,
) -> ImagingParameters:
    """Image size, output channels and baseline averaging from the data (2018: `do_magic`, a
    `python -c` step writing mapfiles that the imaging step parsed back with `ast`).

    The image covers `fov_beams` station-beam widths; wsclean's baseline-dependent averaging
    is `maxlambda * 2 pi * t_int / 86400` wavelengths, so averaging stays within one
    integration time on the longest baseline used.

    Args:
        ms: the calibrated subbands.
        cellsize_deg: pixel size in degrees.
        maxlambda: longest baseline imaged, in wavelengths.
        fov_beams: field of view in units of the station beam's FWHM.
        subbands_per_channel: subbands joined into one output channel.
    """
    import numpy as np
    from casacore.tables import table

    freqs: list[float] = []
    intervals: list[float] = []
    for item in ms:
        with table(os.path.join(item.path, "SPECTRAL_WINDOW"), ack=False) as spw:
            freqs.extend(np.ravel(spw.getcol("CHAN_FREQ")).tolist())
        with table(item.path, ack=False) as main:
            intervals.append(float(np.median(main.getcol("INTERVAL"))))
    if len(freqs) < 2:
        raise ValueError("the data have a single channel; multi-frequency imaging needs two")
    wavelength = SPEED_OF_LIGHT / float(np.mean(freqs))
    station_diameter = 30.75 if np.mean(freqs) > 100e6 else 81.34  # HBA tile field / LBA
    fov_deg = fov_beams * math.degrees(1.02 * wavelength / station_diameter)
    pixels = int(math.ceil(fov_deg / cellsize_deg))
    pixels += pixels % 2
    channels = max(2, min(len(freqs), math.ceil(len(ms) / subbands_per_channel)))
    averaging = maxlambda * 2 * math.pi * float(np.median(intervals)) / 86400.0
    return ImagingParameters(size=[pixels, pixels], channels_out=channels,
                             baseline_averaging=round(averaging, 6))


class Image(NamedTuple):
    image: Annotated[File, Out(glob="calibrator-MFS-image.fits", format=FITS)]
    psf: Annotated[File, Out(glob="calibrator-MFS-psf.fits", format=FITS)]
    dirty: Annotated[File, Out(glob="calibrator-MFS-dirty.fits", format=FITS)]
    residual: Annotated[File, Out(glob="calibrator-MFS-residual.fits", format=FITS)]
    model: Annotated[File, Out(glob="calibrator-MFS-model.fits", format=FITS)]


@tool(
    "wsclean",
    arguments=[
        "-no-update-model-required", "-reorder", "-fit-beam", "-join-channels",
        "-name", "calibrator", "-pol", "I", "-weight", "briggs", "0.0",
        "-weighting-rank-filter", "3", "-mgain", "0.65", "-threshold", "0.0",
        Arg(prefix="-temp-dir", value_from="$(runtime.tmpdir)"),
        Arg(prefix="-j", value_from="$(runtime.cores)"),
    ],
    container="kernsuite/wsclean",
    resources=Resources(cores=4, ram="16 GiB", tmpdir="20 GiB", time_limit="12h"),
)
def create_image(
    ms: Annotated[list[Directory], Arg(position=100, load_listing="no_listing")],
    size: Annotated[list[int], Arg(prefix="-size")],
    channels_out: Annotated[int, Arg(prefix="-channels-out")],
    baseline_averaging: Annotated[float, Arg(prefix="-baseline-averaging")],
    scale_deg: Annotated[float, Arg(prefix="-scale")] = 0.00694,
    padding: Annotated[float, Arg(prefix="-padding")] = 1.4,
    minuv_l: Annotated[int, Arg(prefix="-minuv-l")] = 80,
    maxuv_l: Annotated[int, Arg(prefix="-maxuv-l")] = 2000,
    niter: Annotated[int, Arg(prefix="-niter")] = 20000,
) -> Image:
    """Image the calibrated subbands together with wsclean (multi-frequency synthesis).

    The Measurement Sets are only read (`-no-update-model-required`).

    Args:
        ms: the calibrated subbands.
        size: image width and height in pixels.
        channels_out: output channels joined into the MFS image.
        baseline_averaging: baseline-dependent averaging, in wavelengths.
        scale_deg: pixel size in degrees.
        padding: padding factor of the gridded image.
        minuv_l: shortest baseline used, in wavelengths.
        maxuv_l: longest baseline used, in wavelengths.
        niter: maximum number of clean iterations.
    """
    raise NotImplementedError


# --- workflows ----------------------------------------------------------------------------------

class Solutions(NamedTuple):
    dtec_1st: File
    dtec_1st_sm: File
    dclock_1st: File
    dclock_1st_sm: File
    amplitude_array: File
    dtec_allsols: File
    dclock_allsols: File
    amp_allsols: File
    freqs_for_phase_array: File
    phase_array: File
    station_names: File
    phase_xx_yy_offset: File
    phase_plots: list[File]


@workflow
def calibrator_solutions(
    h5parm: File, reference_station: str = "CS001HBA0", n_chan: int = 4,
) -> Solutions:
    """Derive and plot the calibrator solutions from the gathered H5parm (the fan-out)."""
    clock_tec = fitclock(globaldbname=h5parm)
    amplitudes = ampl(globaldbname=h5parm, n_chan=n_chan)
    phase = find_global_phase_offset(h5parm=h5parm)
    plots = plot_solutions(amplitude_array=amplitudes, dclock_1st_sm=clock_tec.dclock_1st_sm,
                           dtec_1st_sm=clock_tec.dtec_1st_sm)
    return Solutions(
        dtec_1st=clock_tec.dtec_1st,
        dtec_1st_sm=clock_tec.dtec_1st_sm,
        dclock_1st=clock_tec.dclock_1st,
        dclock_1st_sm=clock_tec.dclock_1st_sm,
        amplitude_array=amplitudes,
        dtec_allsols=plots.dtec_allsols,
        dclock_allsols=plots.dclock_allsols,
        amp_allsols=plots.amp_allsols,
        freqs_for_phase_array=phase.freqs_for_phase_array,
        phase_array=phase.phase_array,
        station_names=phase.station_names,
        phase_xx_yy_offset=phase.phase_xx_yy_offset,
        phase_plots=plot_cal_phases(h5parm=h5parm, reference_station=reference_station),
    )


class Calibrated(NamedTuple):
    calibrated: list[Directory]
    h5parm: File
    dtec_1st: File
    dtec_1st_sm: File
    dclock_1st: File
    dclock_1st_sm: File
    amplitude_array: File
    freqs_for_phase_array: File
    phase_array: File
    station_names: File
    dtec_allsols: File
    dclock_allsols: File
    amp_allsols: File
    phase_xx_yy_offset: File
    phase_plots: list[File]
    image: File
    psf: File
    dirty: File
    residual: File
    model: File


@workflow
def prefactor_calibrator(
    ms_array: Annotated[list[Directory], Arg(load_listing="no_listing")],
    skymodels: Annotated[Directory, Arg(load_listing="no_listing")],
    reference_station: str = "CS001HBA0",
    flag_baseline: str = "[CS013HBA*]",
    avg_timestep: int = 2,
    avg_freqstep: int = 2,
    n_chan: int = 4,
    maxlambda_lowres: int = 2000,
    cellsize_lowres_deg: float = 0.00694,
    image_padding: float = 1.4,
) -> Calibrated:
    """Calibrate a LOFAR calibrator observation, one Measurement Set per subband, and image it.

    Args:
        ms_array: the subbands of the calibrator observation.
        skymodels: folder of calibrator sky models (makesourcedb format).
        reference_station: station the phases are referenced to.
        flag_baseline: baselines flagged before averaging.
        avg_timestep: timeslots averaged by DP3.
        avg_freqstep: channels averaged by DP3.
        n_chan: solution channels per subband.
        maxlambda_lowres: longest baseline imaged, in wavelengths.
        cellsize_lowres_deg: pixel size of the image in degrees.
        image_padding: padding factor of the gridded image.
    """
    averaged = ndppp_prep_cal.map(msin=ms_array, flag_baseline=flag_baseline,
                                  avg_timestep=avg_timestep, avg_freqstep=avg_freqstep)
    # The pointing is in the raw MS too: selecting from it runs beside DP3, and nothing reads
    # `averaged` while BBS updates it in place.
    skymodel = find_skymodel_cal.map(ms=ms_array, skymodels=skymodels)
    calibrated = calib_cal.map(observation=averaged, catalog=skymodel)
    h5parm = h5imp_cal(ms_array=calibrated)
    solutions = calibrator_solutions(h5parm=h5parm, reference_station=reference_station,
                                     n_chan=n_chan)
    params = imaging_parameters(ms=calibrated, cellsize_deg=cellsize_lowres_deg,
                                maxlambda=maxlambda_lowres)
    image = create_image(ms=calibrated, size=params.size, channels_out=params.channels_out,
                         baseline_averaging=params.baseline_averaging,
                         scale_deg=cellsize_lowres_deg, padding=image_padding,
                         maxuv_l=maxlambda_lowres)
    return Calibrated(
        calibrated=calibrated,
        h5parm=h5parm,
        dtec_1st=solutions.dtec_1st,
        dtec_1st_sm=solutions.dtec_1st_sm,
        dclock_1st=solutions.dclock_1st,
        dclock_1st_sm=solutions.dclock_1st_sm,
        amplitude_array=solutions.amplitude_array,
        freqs_for_phase_array=solutions.freqs_for_phase_array,
        phase_array=solutions.phase_array,
        station_names=solutions.station_names,
        dtec_allsols=solutions.dtec_allsols,
        dclock_allsols=solutions.dclock_allsols,
        amp_allsols=solutions.amp_allsols,
        phase_xx_yy_offset=solutions.phase_xx_yy_offset,
        phase_plots=solutions.phase_plots,
        image=image.image,
        psf=image.psf,
        dirty=image.dirty,
        residual=image.residual,
        model=image.model,
    )
