"""Tiny LOFAR: a real radio-astronomy pipeline small enough to run anywhere in seconds.

`tiny_lofar` scatters over subbands. Per subband, a Python task synthesises a small LOFAR-like
Measurement Set with python-casacore (6 core stations, 16 channels, 30 timesteps, two point
sources of known flux and position, Gaussian noise and a strong RFI burst); aoflagger flags it
*in place* (InplaceUpdateRequirement: the MS is never copied); DP3 averages it into a new,
smaller MS; wsclean images it; and a Python task finds the sources in the FITS image and checks
their fluxes and positions against what was injected, within tolerances it reports, failing the
step if a source is missing or off.

`real_ms_chain` runs the same flag -> average -> image chain on a real Measurement Set (a
`Directory` input, e.g. the LOFAR test MS of DP3) and reports statistics of its image.

The job needs `python3` with numpy and python-casacore, and the commands `aoflagger`, `DP3.py`
(PyPI `dp3`) and `wsclean` on PATH; containers are `kernsuite/*` hints. See TINY_LOFAR.md.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

from cwlgen import Arg, Directory, File, Out, Resources, task, tool, workflow

if TYPE_CHECKING:  # numpy and casacore are imported inside the tasks, in their job
    from numpy import floating
    from numpy.typing import NDArray

    FloatArray = NDArray[floating[Any]]

FITS = "iana:image/fits"
# DP3.py (PyPI dp3) and a python3 (3.11) with numpy and python-casacore for the tasks: built
# from pipelines/containers/tiny-radio/Dockerfile (kernsuite/dp3 has `DP3`, not `DP3.py`)
RADIO_IMAGE = "cwlgen/tiny-radio"
CWLGEN_PYTHON = "3.11"  # the python3 of cwlgen/tiny-radio, for every task here
SPEED_OF_LIGHT = 299_792_458.0

# --- what is injected into every synthetic subband ---------------------------------------------

N_STATIONS, N_CHANNELS, N_TIMES, N_CORR = 6, 16, 30, 4
INTERVAL_S = 120.0                      # one-hour track
SUBBAND_WIDTH_HZ = 195_312.5            # a LOFAR subband (200 MHz clock)
PHASE_CENTRE_DEG = (123.4, 52.0)        # RA, Dec (J2000)
START_MJD_S = (60117.0 + 13.0 / 24) * 86400.0   # 2023-06-22 13:00 UTC, near transit at LOFAR
NOISE_JY = 1.0                          # per real/imaginary part of each visibility
# name, offset east (arcmin), offset north (arcmin), flux at 150 MHz (Jy), spectral index
SOURCES = (("A", 20.0, 10.0, 10.0, -0.7),
           ("B", -15.0, -25.0, 4.0, 0.0))
RFI_TIMESTEPS, RFI_CHANNELS, RFI_AMPLITUDE_JY = (12, 13, 14), (6, 7, 8), 1.0e4
# stations near the LOFAR core: CS002's ITRF position and local east/north offsets (m) on a
# spiral, for a reasonably round PSF
CORE_ITRF_M = (3826577.066, 461022.948, 5064892.786)
CORE_LAT_DEG, CORE_LON_DEG = 52.9153, 6.8697
STATION_RADII_M = (300.0, 600.0, 900.0, 1200.0, 1500.0, 1800.0)
STATION_ANGLES_DEG = (10.0, 75.0, 140.0, 200.0, 265.0, 320.0)


# --- records ------------------------------------------------------------------------------------

@dataclass
class SourceMatch:
    """One injected source and the peak found nearest to it in the image."""

    name: str
    true_flux_jy: float
    found_flux_jy: float
    flux_error: float
    true_ra_deg: float
    true_dec_deg: float
    found_ra_deg: float
    found_dec_deg: float
    position_error_arcmin: float


@dataclass
class SubbandCheck:
    """What the check found in one subband, and that it passed."""

    subband: int
    frequency_mhz: float
    channels_in: int
    channels_out: int
    flagged_fraction: float
    rfi_flagged_fraction: float
    image_rms_jy: float
    position_tolerance_arcmin: float
    flux_tolerance: float
    sources: list[SourceMatch]


@dataclass
class ImageStats:
    """Statistics of an image of a real Measurement Set."""

    width: int
    height: int
    finite_fraction: float
    min_jy: float
    max_jy: float
    mean_jy: float
    rms_jy: float
    peak_ra_deg: float
    peak_dec_deg: float
    frequency_mhz: float
    channels_in: int
    channels_out: int
    flagged_fraction: float


class Synthetic(NamedTuple):
    ms: Directory
    truth: File


class Images(NamedTuple):
    image: Annotated[File, Out(glob="$(inputs.ms.nameroot)-image.fits", format=FITS)]
    residual: Annotated[File, Out(glob="$(inputs.ms.nameroot)-residual.fits", format=FITS)]


class TinyLofar(NamedTuple):
    images: list[File]
    checks: list[SubbandCheck]


class RealChain(NamedTuple):
    image: File
    stats: ImageStats


# --- helpers (shipped with the tasks; numpy/casacore imported where used) -------------------------

def station_positions() -> Any:
    """ITRF positions (m) of the stations, shape (N_STATIONS, 3)."""
    import numpy as np

    lat, lon = math.radians(CORE_LAT_DEG), math.radians(CORE_LON_DEG)
    rows: list[list[float]] = []
    for radius, angle in zip(STATION_RADII_M, STATION_ANGLES_DEG, strict=True):
        east, north = radius * math.sin(math.radians(angle)), radius * math.cos(math.radians(angle))
        rows.append([-math.sin(lon) * east - math.sin(lat) * math.cos(lon) * north,
                     math.cos(lon) * east - math.sin(lat) * math.sin(lon) * north,
                     math.cos(lat) * north])
    return np.asarray(CORE_ITRF_M) + np.asarray(rows)


def gmst_rad(mjd_s: float) -> float:
    """Greenwich mean sidereal time (IAU 1982, UT1 taken as UTC)."""
    days = mjd_s / 86400.0 - 51544.5
    return math.radians(((18.697374558 + 24.06570982441908 * days) % 24.0) * 15.0)


def lm_to_radec(dl: float, dm: float, ra0: float, dec0: float) -> tuple[float, float]:
    """Direction cosines (dl east, dm north) around (ra0, dec0) -> (RA, Dec), all in radians
    (the inverse SIN projection)."""
    dn = math.sqrt(max(0.0, 1.0 - dl * dl - dm * dm))
    dec = math.asin(dm * math.cos(dec0) + dn * math.sin(dec0))
    ra = ra0 + math.atan2(dl, dn * math.cos(dec0) - dm * math.sin(dec0))
    return ra % (2 * math.pi), dec


def angular_distance(ra1: float, dec1: float, ra2: float, dec2: float) -> float:
    """Great-circle distance in radians (haversine)."""
    h = math.sin((dec2 - dec1) / 2) ** 2 + math.cos(dec1) * math.cos(dec2) * math.sin(
        (ra2 - ra1) / 2) ** 2
    return 2 * math.asin(min(1.0, math.sqrt(h)))


def uvw_metres(baselines: FloatArray, hour_angle: float, dec: float) -> FloatArray:
    """Equatorial (ITRF) baselines -> (u, v, w) in metres towards (hour_angle, dec)."""
    import numpy as np

    sh, ch, sd, cd = math.sin(hour_angle), math.cos(hour_angle), math.sin(dec), math.cos(dec)
    x, y, z = baselines[..., 0], baselines[..., 1], baselines[..., 2]
    return np.stack([sh * x + ch * y,
                     -sd * ch * x + sd * sh * y + cd * z,
                     cd * ch * x - cd * sh * y + sd * z], axis=-1)


def write_subtables(ms: Any, subband: int, freqs: Any, times: Any, stations: Any) -> None:
    """Fill the subtables wsclean, DP3 and aoflagger read (TELESCOPE_NAME LOFAR picks
    aoflagger's LOFAR strategy)."""
    import casacore.tables as ct
    import numpy as np

    ra0, dec0 = (math.radians(a) for a in PHASE_CENTRE_DEG)
    width = SUBBAND_WIDTH_HZ / N_CHANNELS
    n = N_STATIONS

    def fill(name: str, **columns: Any) -> None:
        with ct.table(ms.getkeyword(name), readonly=False, ack=False) as sub:
            sub.addrows(len(next(iter(columns.values()))))
            for column, value in columns.items():
                sub.putcol(column, value)

    fill("ANTENNA", NAME=[f"CS{i:03d}HBA0" for i in range(1, n + 1)], STATION=["LOFAR"] * n,
         TYPE=["GROUND-BASED"] * n, MOUNT=["X-Y"] * n, POSITION=stations,
         OFFSET=np.zeros((n, 3)), DISH_DIAMETER=np.full(n, 31.3), FLAG_ROW=np.zeros(n, bool))
    fill("FEED", ANTENNA_ID=np.arange(n, dtype=np.int32), FEED_ID=np.zeros(n, np.int32),
         SPECTRAL_WINDOW_ID=np.full(n, -1, np.int32), TIME=np.full(n, times[0]),
         INTERVAL=np.zeros(n), NUM_RECEPTORS=np.full(n, 2, np.int32),
         BEAM_ID=np.full(n, -1, np.int32), BEAM_OFFSET=np.zeros((n, 2, 2)),
         POLARIZATION_TYPE=np.array([["X", "Y"]] * n),
         POL_RESPONSE=np.tile(np.eye(2, dtype=complex), (n, 1, 1)),
         POSITION=np.zeros((n, 3)), RECEPTOR_ANGLE=np.tile([-math.pi / 4, math.pi / 4], (n, 1)))
    fill("SPECTRAL_WINDOW", NAME=[f"SB-{subband:03d}"],
         NUM_CHAN=np.array([N_CHANNELS], np.int32), CHAN_FREQ=freqs[None, :],
         CHAN_WIDTH=np.full((1, N_CHANNELS), width), EFFECTIVE_BW=np.full((1, N_CHANNELS), width),
         RESOLUTION=np.full((1, N_CHANNELS), width), REF_FREQUENCY=np.array([freqs.mean()]),
         TOTAL_BANDWIDTH=np.array([SUBBAND_WIDTH_HZ]), MEAS_FREQ_REF=np.array([5], np.int32),
         FREQ_GROUP=np.zeros(1, np.int32), FREQ_GROUP_NAME=["Group 1"],
         IF_CONV_CHAIN=np.zeros(1, np.int32), NET_SIDEBAND=np.ones(1, np.int32),
         FLAG_ROW=np.zeros(1, bool))
    fill("POLARIZATION", NUM_CORR=np.array([N_CORR], np.int32),
         CORR_TYPE=np.array([[9, 10, 11, 12]], np.int32),          # XX XY YX YY
         CORR_PRODUCT=np.array([[[0, 0], [0, 1], [1, 0], [1, 1]]], np.int32),
         FLAG_ROW=np.zeros(1, bool))
    fill("DATA_DESCRIPTION", SPECTRAL_WINDOW_ID=np.zeros(1, np.int32),
         POLARIZATION_ID=np.zeros(1, np.int32), FLAG_ROW=np.zeros(1, bool))
    direction = np.array([[[ra0, dec0]]])
    fill("FIELD", NAME=[f"synth_sb{subband}"], CODE=[""], TIME=np.array([times[0]]),
         NUM_POLY=np.zeros(1, np.int32), DELAY_DIR=direction, PHASE_DIR=direction,
         REFERENCE_DIR=direction, SOURCE_ID=np.zeros(1, np.int32), FLAG_ROW=np.zeros(1, bool))
    start, end = times[0] - INTERVAL_S / 2, times[-1] + INTERVAL_S / 2
    fill("OBSERVATION", TELESCOPE_NAME=["LOFAR"], OBSERVER=["cwlgen"], PROJECT=["tiny_lofar"],
         TIME_RANGE=np.array([[start, end]]), RELEASE_DATE=np.array([end]), SCHEDULE_TYPE=[""],
         FLAG_ROW=np.zeros(1, bool))
    fill("PROCESSOR", TYPE=["CORRELATOR"], SUB_TYPE=[""], TYPE_ID=np.zeros(1, np.int32),
         MODE_ID=np.zeros(1, np.int32), FLAG_ROW=np.zeros(1, bool))


def read_fits(path: str) -> tuple[FloatArray, dict[str, Any]]:
    """The 2-D image plane and the header of a FITS image (wsclean's: RA, DEC, FREQ, STOKES
    axes, BITPIX -32), read with numpy alone."""
    import numpy as np

    header: dict[str, Any] = {}
    with open(path, "rb") as fh:
        ended = False
        while not ended:
            block = fh.read(2880)
            if len(block) < 2880:
                raise ValueError(f"{path}: truncated FITS header")
            for start in range(0, 2880, 80):
                card = block[start:start + 80].decode("ascii", "replace")
                key = card[:8].strip()
                if key == "END":
                    ended = True
                    break
                if card[8:10] == "= ":
                    header[key] = _card_value(card[10:])
        dtypes = {8: ">u1", 16: ">i2", 32: ">i4", 64: ">i8", -32: ">f4", -64: ">f8"}
        dtype = np.dtype(dtypes[int(header["BITPIX"])])
        shape = [int(header[f"NAXIS{i}"]) for i in range(1, int(header["NAXIS"]) + 1)]
        count = math.prod(shape)
        data = np.frombuffer(fh.read(count * dtype.itemsize), dtype=dtype, count=count)
    plane = data.astype(float) * float(header.get("BSCALE", 1.0)) + float(header.get("BZERO", 0.0))
    if any(size != 1 for size in shape[2:]):
        raise ValueError(f"{path}: expected one frequency and one Stokes plane, got {shape}")
    return plane.reshape(shape[1], shape[0]), header   # rows = NAXIS2 (Dec), columns = RA


def _card_value(text: str) -> Any:
    text = text.strip()
    if text.startswith("'"):
        end = 1
        while True:
            end = text.find("'", end)
            if end < 0 or text[end + 1:end + 2] != "'":
                break
            end += 2
        return text[1:end].replace("''", "'").rstrip()
    value = text.split("/", 1)[0].strip()
    if value in ("T", "F"):
        return value == "T"
    for kind in (int, float):
        try:
            return kind(value.replace("D", "E"))
        except ValueError:
            pass
    return value


def pixel_to_radec(header: dict[str, Any], x: float, y: float) -> tuple[float, float]:
    """0-based pixel (x along RA, y along Dec) of a SIN-projected image -> (RA, Dec) in rad."""
    if "SIN" not in str(header.get("CTYPE1")) or "SIN" not in str(header.get("CTYPE2")):
        raise ValueError(f"expected a SIN projection, got {header.get('CTYPE1')}, "
                         f"{header.get('CTYPE2')}")
    dl = math.radians(header["CDELT1"] * (x + 1 - header["CRPIX1"]))  # grows to the east
    dm = math.radians(header["CDELT2"] * (y + 1 - header["CRPIX2"]))
    return lm_to_radec(dl, dm, math.radians(header["CRVAL1"]), math.radians(header["CRVAL2"]))


def find_peaks(image: FloatArray, count: int,
               exclusion_pix: int = 5) -> list[tuple[float, float, float]]:
    """The `count` brightest peaks, each (x, y, flux): the brightest pixel's value, and the
    flux-weighted centroid of its 3x3 neighbourhood; pixels near a found peak are excluded."""
    import numpy as np

    work = np.where(np.isfinite(image), image, -np.inf)
    ny, nx = image.shape
    yy, xx = np.mgrid[0:ny, 0:nx]
    peaks: list[tuple[float, float, float]] = []
    for _ in range(count):
        y, x = np.unravel_index(int(np.argmax(work)), work.shape)
        if not np.isfinite(work[y, x]):
            break
        cut = (slice(max(0, y - 1), min(ny, y + 2)), slice(max(0, x - 1), min(nx, x + 2)))
        weights = np.clip(np.nan_to_num(image[cut]), 0, None)
        total = float(weights.sum()) or 1.0
        peaks.append((float((weights * xx[cut]).sum() / total),
                      float((weights * yy[cut]).sum() / total), float(image[y, x])))
        work[(yy - y) ** 2 + (xx - x) ** 2 <= exclusion_pix ** 2] = -np.inf
    return peaks


def robust_rms(values: FloatArray) -> float:
    """Noise estimate insensitive to sources: 1.4826 x the median absolute deviation."""
    import numpy as np

    finite = values[np.isfinite(values)]
    return float(1.4826 * np.median(np.abs(finite - np.median(finite)))) if finite.size else 0.0


def flag_summary(ms_path: str, rfi_timesteps: tuple[int, ...] = (),
                 rfi_channels: tuple[int, ...] = ()) -> tuple[float, float, int]:
    """(fraction of visibilities flagged, fraction of the RFI burst flagged, channels)."""
    import casacore.tables as ct
    import numpy as np

    with ct.table(ms_path, ack=False) as main:
        flags: NDArray[np.bool_] = main.getcol("FLAG")    # rows, channels, correlations
        times: FloatArray = main.getcol("TIME")
    burst = 0.0
    if rfi_timesteps:
        index = np.searchsorted(np.unique(times), times)
        rows = np.isin(index, list(rfi_timesteps))
        burst = float(flags[rows][:, list(rfi_channels), :].mean())
    return float(flags.mean()), burst, int(flags.shape[1])


# --- tasks and tools ----------------------------------------------------------------------------

@task(
    container=RADIO_IMAGE,
    packages=("numpy", "python-casacore"),
    resources=Resources(cores=1, ram="512 MiB", outdir="64 MiB", time_limit="10 min"),
)
def synthesise_ms(subband: int, seed: int = 1) -> Synthetic:
    """Synthesise one LOFAR HBA subband: two point sources, noise and an RFI burst.

    Writes `sbNNN.MS` (6 stations, 15 baselines, 16 channels, 30 x 120 s, XX XY YX YY) and
    `sbNNN-truth.json` (what was injected, with the sources' fluxes at the subband's
    frequency). The noise and the burst's phases come from a generator seeded with
    (seed, subband). Every file name carries the subband: Toil with --bypass-file-store (needed
    for in-place updates) copies all jobs' outputs into one folder, where equal names collide.

    Args:
        subband: LOFAR subband number; the frequency is 100 MHz + subband x 195.3125 kHz.
        seed: seed of the noise.
    """
    import casacore.tables as ct
    import numpy as np

    rng = np.random.default_rng([seed, subband])
    ra0, dec0 = (math.radians(a) for a in PHASE_CENTRE_DEG)
    width = SUBBAND_WIDTH_HZ / N_CHANNELS
    freqs = 100e6 + subband * SUBBAND_WIDTH_HZ + (np.arange(N_CHANNELS) + 0.5) * width
    centre = float(freqs.mean())
    stations = station_positions()
    ant1, ant2 = np.triu_indices(N_STATIONS, 1)
    n_baselines = len(ant1)
    times = START_MJD_S + (np.arange(N_TIMES) + 0.5) * INTERVAL_S
    n_rows = N_TIMES * n_baselines
    rows_ant1 = np.tile(ant1, N_TIMES).astype(np.int32)
    rows_ant2 = np.tile(ant2, N_TIMES).astype(np.int32)
    baselines = stations[rows_ant2] - stations[rows_ant1]       # MS convention: ant2 - ant1
    uvw = np.empty((n_rows, 3))
    for step, time in enumerate(times):
        rows = slice(step * n_baselines, (step + 1) * n_baselines)
        uvw[rows] = uvw_metres(baselines[rows], gmst_rad(time) - ra0, dec0)

    # V = sum_k S_k exp(+2 pi i (u l + v m + w (n - 1)) / lambda): the sign wsclean expects
    u, v, w = (uvw[:, i, None] * freqs[None, :] / SPEED_OF_LIGHT for i in range(3))
    stokes_i = np.zeros((n_rows, N_CHANNELS), complex)
    truth: list[dict[str, Any]] = []
    for name, east, north, flux_150, alpha in SOURCES:
        dl, dm = math.radians(east / 60), math.radians(north / 60)
        dn = math.sqrt(1 - dl * dl - dm * dm)
        flux = flux_150 * (freqs / 150e6) ** alpha
        stokes_i += flux[None, :] * np.exp(2j * math.pi * (u * dl + v * dm + w * (dn - 1)))
        ra, dec = lm_to_radec(dl, dm, ra0, dec0)
        truth.append({"name": name, "ra_deg": math.degrees(ra), "dec_deg": math.degrees(dec),
                      "east_arcmin": east, "north_arcmin": north,
                      "flux_jy": flux_150 * (centre / 150e6) ** alpha,
                      "flux_150mhz_jy": flux_150, "spectral_index": alpha})
    data = np.zeros((n_rows, N_CHANNELS, N_CORR), np.complex64)
    data[:, :, 0] = data[:, :, 3] = stokes_i                    # unpolarised: XX = YY = I
    data += (rng.normal(0, NOISE_JY, data.shape)
             + 1j * rng.normal(0, NOISE_JY, data.shape)).astype(np.complex64)
    burst_rows = np.concatenate([np.arange(t * n_baselines, (t + 1) * n_baselines)
                                 for t in RFI_TIMESTEPS])
    burst = RFI_AMPLITUDE_JY * np.exp(
        2j * math.pi * rng.random((len(burst_rows), len(RFI_CHANNELS), N_CORR)))
    block = np.ix_(burst_rows, np.asarray(RFI_CHANNELS), np.arange(N_CORR))
    data[block] += burst.astype(np.complex64)

    path = f"sb{subband:03d}.MS"
    shape = [N_CHANNELS, N_CORR]
    description = ct.maketabdesc([
        ct.makearrcoldesc("DATA", 0j, shape=shape, valuetype="complex", options=5),
        ct.makearrcoldesc("FLAG", False, shape=shape, valuetype="boolean", options=5),
        ct.makearrcoldesc("WEIGHT", 1.0, shape=[N_CORR], valuetype="float", options=5),
        ct.makearrcoldesc("SIGMA", 1.0, shape=[N_CORR], valuetype="float", options=5),
    ])
    ms = ct.default_ms(path, description)
    ms.putcolkeyword("UVW", "MEASINFO", {"type": "uvw", "Ref": "J2000"})  # default says ITRF
    ms.addrows(n_rows)
    row_times = np.repeat(times, n_baselines)
    columns = {
        "DATA": data, "FLAG": np.zeros(data.shape, bool), "FLAG_ROW": np.zeros(n_rows, bool),
        "WEIGHT": np.full((n_rows, N_CORR), 1 / NOISE_JY**2, np.float32),
        "SIGMA": np.full((n_rows, N_CORR), NOISE_JY, np.float32), "UVW": uvw,
        "TIME": row_times, "TIME_CENTROID": row_times,
        "INTERVAL": np.full(n_rows, INTERVAL_S), "EXPOSURE": np.full(n_rows, INTERVAL_S),
        "ANTENNA1": rows_ant1, "ANTENNA2": rows_ant2,
        "SCAN_NUMBER": np.ones(n_rows, np.int32), "STATE_ID": np.full(n_rows, -1, np.int32),
    }
    for zero in ("FEED1", "FEED2", "DATA_DESC_ID", "FIELD_ID", "ARRAY_ID", "OBSERVATION_ID",
                 "PROCESSOR_ID"):
        columns[zero] = np.zeros(n_rows, np.int32)
    for column, value in columns.items():
        ms.putcol(column, value)
    write_subtables(ms, subband, freqs, times, stations)
    ms.close()

    truth_path = f"sb{subband:03d}-truth.json"
    with open(truth_path, "w", encoding="utf-8") as fh:
        json.dump({"subband": subband, "seed": seed, "frequency_hz": centre,
                   "phase_centre_deg": list(PHASE_CENTRE_DEG), "channels": N_CHANNELS,
                   "noise_jy": NOISE_JY, "sources": truth,
                   "rfi": {"timesteps": list(RFI_TIMESTEPS), "channels": list(RFI_CHANNELS),
                           "amplitude_jy": RFI_AMPLITUDE_JY}}, fh, indent=1)
    return Synthetic(ms=Directory(path), truth=File(truth_path))


@tool(
    "aoflagger",
    arguments=[Arg(prefix="-j", value_from="$(runtime.cores)", position=0)],
    container="kernsuite/aoflagger",
    resources=Resources(cores=1, ram="1 GiB", time_limit="10 min"),
)
def aoflagger(
    ms: Annotated[Directory, Arg(position=10, inplace=True, load_listing="no_listing")],
    strategy: Annotated[File | None, Arg(prefix="-strategy", position=1)] = None,
) -> Annotated[Directory, Out(glob="$(inputs.ms.basename)")]:
    """Flag RFI with aoflagger, writing the FLAG column of the Measurement Set in place.

    Without a strategy, aoflagger picks one from the telescope name (LOFAR: lofar-default).
    The stock strategies replace the existing flags rather than add to them.

    Args:
        ms: the Measurement Set; updated in place (InplaceUpdateRequirement), never copied.
        strategy: a Lua strategy file instead of the telescope's default.
    """
    raise NotImplementedError


@tool(
    "DP3.py",
    arguments=[
        "steps=[avg]",
        "avg.type=averager",
        "msout=$(inputs.msin.nameroot)_avg.MS",
        "msout.overwrite=true",
        "numthreads=$(runtime.cores)",
    ],
    container=RADIO_IMAGE,
    env={"OPENBLAS_NUM_THREADS": "1"},  # DP3.py aborts if OpenBLAS starts its own threads
    resources=Resources(cores=1, ram="1 GiB", outdir="256 MiB", time_limit="10 min"),
)
def dp3_average(
    msin: Annotated[Directory, Arg(prefix="msin=", separate=False, load_listing="no_listing")],
    freqstep: Annotated[int, Arg(prefix="avg.freqstep=", separate=False)] = 2,
    timestep: Annotated[int, Arg(prefix="avg.timestep=", separate=False)] = 1,
    datacolumn: Annotated[str, Arg(prefix="msin.datacolumn=", separate=False)] = "DATA",
) -> Annotated[Directory, Out(glob="$(inputs.msin.nameroot)_avg.MS")]:
    """Average a Measurement Set in frequency and time with DP3 into a new MS, `<name>_avg.MS`.

    Flagged visibilities are left out of the averages; the input is only read.

    Args:
        msin: the (flagged) Measurement Set.
        freqstep: channels averaged into one.
        timestep: timeslots averaged into one.
        datacolumn: column read (written to DATA of the new MS).
    """
    raise NotImplementedError


@tool(
    "wsclean",
    arguments=[
        "-no-update-model-required",
        Arg(prefix="-name", value_from="$(inputs.ms.nameroot)"),
        Arg(prefix="-temp-dir", value_from="$(runtime.tmpdir)"),
        Arg(prefix="-j", value_from="$(runtime.cores)"),
    ],
    container="kernsuite/wsclean",
    resources=Resources(cores=1, ram="1 GiB", tmpdir="256 MiB", time_limit="10 min"),
)
def wsclean(
    ms: Annotated[Directory, Arg(position=100, load_listing="no_listing")],
    size: Annotated[list[int], Arg(prefix="-size")] = [128, 128],  # noqa: B006
    scale: Annotated[str, Arg(prefix="-scale")] = "1amin",
    niter: Annotated[int, Arg(prefix="-niter")] = 200,
    mgain: Annotated[float, Arg(prefix="-mgain")] = 0.8,
    padding: Annotated[float, Arg(prefix="-padding")] = 2.0,
) -> Images:
    """Image and clean a Measurement Set with wsclean; the MS is only read.

    `mgain < 1` turns on major cycles (subtraction in the visibilities): with a sparse array
    the image-plane-only clean misses faint sources by 20 % or diverges; padding 2 avoids a
    few percent of flux lost to the gridding taper at the image edge.

    Args:
        ms: the Measurement Set to image.
        size: image width and height in pixels.
        scale: pixel size, with unit.
        niter: maximum number of clean iterations.
        mgain: fraction of the peak cleaned per major cycle.
        padding: padding factor of the gridded image.
    """
    raise NotImplementedError


@task(
    container=RADIO_IMAGE,
    packages=("numpy", "python-casacore"),
    resources=Resources(cores=1, ram="512 MiB", time_limit="10 min"),
)
def check_sources(
    image: File,
    residual: File,
    truth: File,
    flagged: Annotated[Directory, Arg(load_listing="no_listing")],
    averaged: Annotated[Directory, Arg(load_listing="no_listing")],
    position_tolerance_arcmin: float = 1.5,
    flux_tolerance: float = 0.10,
) -> SubbandCheck:
    """Find the injected sources in the image and check their fluxes and positions.

    Each injected source is matched to the nearest of the brightest peaks; it passes when the
    peak is within `position_tolerance_arcmin` and its flux within `flux_tolerance` (a
    fraction) of the truth. Also checks that aoflagger flagged the RFI burst. The step fails,
    printing the table, unless everything passes.

    Args:
        image: the restored image (Jy/beam).
        residual: the residual image, for the noise level.
        truth: what was injected (`sbNNN-truth.json` of synthesise_ms).
        flagged: the flagged Measurement Set.
        averaged: the averaged Measurement Set.
        position_tolerance_arcmin: largest accepted position error.
        flux_tolerance: largest accepted relative flux error.
    """
    with open(truth.path, encoding="utf-8") as fh:
        injected = json.load(fh)
    pixels, header = read_fits(image.path)
    residual_pixels, _ = read_fits(residual.path)
    peaks = find_peaks(pixels, count=len(injected["sources"]) + 3)
    if not peaks:
        raise ValueError(f"{image.basename} has no finite pixels")
    found_radec = [pixel_to_radec(header, x, y) for x, y, _ in peaks]
    matches: list[SourceMatch] = []
    for source in injected["sources"]:
        ra, dec = math.radians(source["ra_deg"]), math.radians(source["dec_deg"])
        distances = [math.degrees(angular_distance(ra, dec, *radec)) * 60 for radec in found_radec]
        best = min(range(len(peaks)), key=distances.__getitem__)
        matches.append(SourceMatch(
            name=source["name"], true_flux_jy=round(source["flux_jy"], 4),
            found_flux_jy=round(peaks[best][2], 4),
            flux_error=round(peaks[best][2] / source["flux_jy"] - 1, 4),
            true_ra_deg=round(source["ra_deg"], 5), true_dec_deg=round(source["dec_deg"], 5),
            found_ra_deg=round(math.degrees(found_radec[best][0]), 5),
            found_dec_deg=round(math.degrees(found_radec[best][1]), 5),
            position_error_arcmin=round(distances[best], 3)))
    rfi = injected["rfi"]
    flagged_fraction, burst_fraction, channels_in = flag_summary(
        flagged.path, tuple(rfi["timesteps"]), tuple(rfi["channels"]))
    _, _, channels_out = flag_summary(averaged.path)
    check = SubbandCheck(
        subband=int(injected["subband"]), frequency_mhz=round(injected["frequency_hz"] / 1e6, 4),
        channels_in=channels_in, channels_out=channels_out,
        flagged_fraction=round(flagged_fraction, 4), rfi_flagged_fraction=round(burst_fraction, 4),
        image_rms_jy=round(robust_rms(residual_pixels), 4),
        position_tolerance_arcmin=position_tolerance_arcmin, flux_tolerance=flux_tolerance,
        sources=matches)
    print(f"subband {check.subband} ({check.frequency_mhz} MHz): RFI burst "
          f"{100 * burst_fraction:.0f}% flagged, {100 * flagged_fraction:.1f}% of all data; "
          f"channels {channels_in} -> {channels_out}; image rms {check.image_rms_jy} Jy/beam")
    print(f"tolerances: position {position_tolerance_arcmin} arcmin, flux "
          f"{100 * flux_tolerance:.0f}%")
    problems: list[str] = []
    for match in matches:
        good = (match.position_error_arcmin <= position_tolerance_arcmin
                and abs(match.flux_error) <= flux_tolerance)
        print(f"  {match.name}: true {match.true_flux_jy:8.3f} Jy  found "
              f"{match.found_flux_jy:8.3f} Jy ({100 * match.flux_error:+.1f}%)  offset "
              f"{match.position_error_arcmin:.2f} arcmin  {'ok' if good else 'FAIL'}")
        if not good:
            problems.append(match.name)
    if burst_fraction < 1.0:
        problems.append(f"RFI burst only {100 * burst_fraction:.0f}% flagged")
    if problems:
        raise ValueError(f"subband {check.subband}: not recovered within tolerance: "
                         f"{', '.join(problems)}")
    return check


@task(
    container=RADIO_IMAGE,
    packages=("numpy", "python-casacore"),
    resources=Resources(cores=1, ram="512 MiB", time_limit="10 min"),
)
def image_statistics(
    image: File,
    residual: File,
    flagged: Annotated[Directory, Arg(load_listing="no_listing")],
    averaged: Annotated[Directory, Arg(load_listing="no_listing")],
) -> ImageStats:
    """Statistics of an image and of the data it came from.

    The noise is estimated from the residual image; the step fails on an image without
    finite pixels.

    Args:
        image: the restored image.
        residual: the residual image, for the noise level.
        flagged: the flagged Measurement Set.
        averaged: the averaged Measurement Set that was imaged.
    """
    import numpy as np

    pixels, header = read_fits(image.path)
    finite = np.isfinite(pixels)
    if not finite.any():
        raise ValueError(f"{image.basename} has no finite pixels")
    values = pixels[finite]
    y, x = np.unravel_index(int(np.argmax(np.where(finite, pixels, -np.inf))), pixels.shape)
    ra, dec = pixel_to_radec(header, float(x), float(y))
    flagged_fraction, _, channels_in = flag_summary(flagged.path)
    _, _, channels_out = flag_summary(averaged.path)
    stats = ImageStats(
        width=int(pixels.shape[1]), height=int(pixels.shape[0]),
        finite_fraction=float(finite.mean()), min_jy=float(values.min()),
        max_jy=float(values.max()), mean_jy=float(values.mean()),
        rms_jy=robust_rms(read_fits(residual.path)[0]),
        peak_ra_deg=round(math.degrees(ra), 5), peak_dec_deg=round(math.degrees(dec), 5),
        frequency_mhz=round(float(header.get("CRVAL3", 0.0)) / 1e6, 4),
        channels_in=channels_in, channels_out=channels_out,
        flagged_fraction=round(flagged_fraction, 4))
    print(json.dumps(stats.__dict__, indent=1))
    return stats


# --- workflows ----------------------------------------------------------------------------------

@workflow
def tiny_lofar(
    subbands: list[int] = [100, 200, 300],  # noqa: B006
    seed: int = 1,
    freqstep: int = 2,
    niter: int = 200,
    position_tolerance_arcmin: float = 1.5,
    flux_tolerance: float = 0.10,
) -> TinyLofar:
    """Synthesise, flag, average and image small LOFAR subbands; check the sources found.

    One Measurement Set per entry of `subbands` (a scatter); the check fails unless the two
    injected sources come out at the right flux and position in every subband's image.

    Args:
        subbands: LOFAR subband numbers, one Measurement Set each (scattered).
        seed: seed of the noise.
        freqstep: channels averaged into one by DP3.
        niter: maximum clean iterations of wsclean.
        position_tolerance_arcmin: largest accepted position error of a found source.
        flux_tolerance: largest accepted relative flux error of a found source.
    """
    synthetic = synthesise_ms.map(subband=subbands, seed=seed)
    flagged = aoflagger.map(ms=synthetic.ms)
    averaged = dp3_average.map(msin=flagged, freqstep=freqstep)
    images = wsclean.map(ms=averaged, niter=niter)
    checks = check_sources.map(
        image=images.image, residual=images.residual, truth=synthetic.truth, flagged=flagged,
        averaged=averaged, position_tolerance_arcmin=position_tolerance_arcmin,
        flux_tolerance=flux_tolerance)
    return TinyLofar(images=images.image, checks=checks)


@workflow
def real_ms_chain(
    ms: Annotated[Directory, Arg(load_listing="no_listing")],
    freqstep: int = 2,
    niter: int = 200,
) -> RealChain:
    """The same flag -> average -> image chain on a real Measurement Set, with image statistics.

    The input MS is flagged in place: pass a copy you may modify.

    Args:
        ms: a LOFAR Measurement Set (e.g. DP3's tNDPPP-generic.MS).
        freqstep: channels averaged into one by DP3.
        niter: maximum clean iterations of wsclean.
    """
    flagged = aoflagger(ms=ms)
    averaged = dp3_average(msin=flagged, freqstep=freqstep)
    images = wsclean(ms=averaged, niter=niter)
    stats = image_statistics(image=images.image, residual=images.residual, flagged=flagged,
                             averaged=averaged)
    return RealChain(image=images.image, stats=stats)
