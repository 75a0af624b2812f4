"""Tiny calibrator: LOFAR's calibrator pipeline in miniature, solved, applied, imaged and proven.

`tiny_calibrator` writes a calibrator sky model (three point sources), synthesises one small
Measurement Set per subband (four subbands over 120-180 MHz by default) whose visibilities are
corrupted by known per-station gains: an amplitude, a clock delay (phase proportional to the
frequency) and a TEC term (phase proportional to 1/frequency), plus noise and an RFI burst.
Then, as prefactor's calibrator part does on real data:

- aoflagger flags each subband in place; DP3 averages it into a new MS;
- DP3 `gaincal` solves for diagonal station gains against the model it predicts from the sky
  model file, into one h5parm per subband;
- LoSoTo's `H5parm_collector.py` gathers the subbands' solutions into one h5parm;
- LoSoTo (in place on that h5parm) separates clock and TEC from the phases across all
  subbands (`CLOCKTEC`), takes the median amplitude per station (`SMOOTH`), and plots
  phases, amplitudes, clock and TEC (PNG);
- DP3 `applycal` applies amplitude, clock and TEC to each subband into a new MS;
- wsclean images all subbands together, corrected and uncorrected;
- `check_calibration` compares the recovered amplitude, clock and TEC of every station and the
  fluxes and positions of the sources in both images with what was injected, prints the table,
  and fails the step unless the solutions and the corrected image are within tolerance and the
  uncorrected image is not.

The module is shipped whole into every Python task's job, so it imports nothing of the
project's other pipelines (the few helpers it shares with tiny_lofar.py are repeated here).
The jobs need `python3` with numpy, python-casacore and losoto, and the commands `aoflagger`,
`DP3.py` (PyPI `dp3`), `H5parm_collector.py` and `losoto` (PyPI `losoto`) and `wsclean` on PATH.
See TINY_CALIBRATOR.md.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, Protocol

from cwlgen import Arg, Directory, File, Out, Resources, task, tool, workflow

if TYPE_CHECKING:  # numpy, casacore and losoto are imported inside the tasks, in their job
    from numpy import floating
    from numpy.typing import NDArray

    FloatArray = NDArray[floating[Any]]

FITS = "iana:image/fits"
PNG = "iana:image/png"
# DP3.py (PyPI dp3), LoSoTo 2 and a python3 with numpy, python-casacore, losoto and matplotlib:
# built from pipelines/containers/tiny-radio/Dockerfile (kernsuite/dp3 has `DP3`, not `DP3.py`)
RADIO_IMAGE = "cwlgen/tiny-radio"
CWLGEN_PYTHON = "3.11"  # the python3 of cwlgen/tiny-radio (Debian 12), for every task here
SPEED_OF_LIGHT = 299_792_458.0
TEC_PHASE = -8.44797245e9  # phase (rad) = TEC_PHASE * TEC (TECU) / frequency (Hz), as DP3/LoSoTo

# --- the observation ----------------------------------------------------------------------------

N_CHANNELS, N_TIMES, N_CORR = 16, 30, 4
INTERVAL_S = 120.0                      # one-hour track
SUBBAND_WIDTH_HZ = 195_312.5            # a LOFAR subband (200 MHz clock)
PHASE_CENTRE_DEG = (123.4, 52.0)        # RA, Dec (J2000)
START_MJD_S = (60117.0 + 13.0 / 24) * 86400.0   # 2023-06-22 13:00 UTC, near transit at LOFAR
NOISE_JY = 1.0                          # per real/imaginary part of each visibility
RFI_TIMESTEPS, RFI_CHANNELS, RFI_AMPLITUDE_JY = (12, 13, 14), (6, 7, 8), 1.0e4
CORE_ITRF_M = (3826577.066, 461022.948, 5064892.786)     # CS002
CORE_LAT_DEG, CORE_LON_DEG = 52.9153, 6.8697

# The calibrator field: name, offset east (arcmin), offset north (arcmin), flux at 150 MHz (Jy),
# spectral index. `calibrator_skymodel` writes it as a makesourcedb sky model; the synthesis
# and DP3 both read that file.
SOURCES = (("CAL", 2.0, 3.0, 20.0, -0.8),
           ("B", 20.0, 10.0, 6.0, -0.5),
           ("C", -15.0, -25.0, 4.0, 0.0))

# The injected corruption of each station (the same for X and Y): (name, east m, north m,
# amplitude, clock ns, TEC in TECU). The first station is the phase reference: clock and TEC
# are relative to it, as they are in any calibration.
STATIONS = (("CS001HBA0", 0.0, 0.0, 1.00, 0.0, 0.0),
            ("CS002HBA0", 520.0, 310.0, 0.85, 3.5, 0.020),
            ("CS003HBA0", -430.0, 860.0, 1.20, -6.0, -0.035),
            ("RS106HBA0", -1650.0, -700.0, 0.95, 8.2, 0.050),
            ("RS205HBA0", 1400.0, -1250.0, 1.10, -2.4, -0.015),
            ("RS305HBA0", 250.0, 1900.0, 0.75, 12.0, 0.080))
# Irregularly spaced: with subbands 20 MHz apart a clock of 50 ns wraps by whole turns at every
# subband and cannot be told from none.
DEFAULT_SUBBANDS = (104, 196, 309, 402)   # 120.3, 138.3, 160.4, 178.5 MHz


# --- records ------------------------------------------------------------------------------------

@dataclass
class StationSolution:
    """A station's injected corruption, what calibration recovered, and the errors."""

    station: str
    true_amplitude: float
    found_amplitude: float
    amplitude_error: float
    true_clock_ns: float
    found_clock_ns: float
    clock_error_ns: float
    true_tec: float
    found_tec: float
    tec_error: float


@dataclass
class SourceFlux:
    """One source of the sky model and the peak nearest to it in an image."""

    name: str
    true_flux_jy: float
    found_flux_jy: float
    flux_error: float
    position_error_arcmin: float


@dataclass
class CalibrationCheck:
    """The proof: solutions and image fluxes/positions against the truth, with tolerances."""

    frequency_mhz: float
    stations: list[StationSolution]
    corrected: list[SourceFlux]
    uncorrected: list[SourceFlux]
    amplitude_tolerance: float
    clock_tolerance_ns: float
    tec_tolerance: float
    flux_tolerance: float
    position_tolerance_arcmin: float


class Synthetic(NamedTuple):
    ms: Directory
    truth: File


class Solutions(NamedTuple):
    h5parm: File
    plots: list[File]




class TinyCalibrator(NamedTuple):
    solutions: File
    plots: list[File]
    corrected_image: File
    uncorrected_image: File
    check: CalibrationCheck


# --- helpers (shipped with the tasks; numpy/casacore/losoto imported where used) -----------------

def station_positions() -> Any:
    """ITRF positions (m) of STATIONS, shape (n, 3), from their east/north offsets."""
    import numpy as np

    lat, lon = math.radians(CORE_LAT_DEG), math.radians(CORE_LON_DEG)
    rows = [[-math.sin(lon) * east - math.sin(lat) * math.cos(lon) * north,
             math.cos(lon) * east - math.sin(lat) * math.sin(lon) * north,
             math.cos(lat) * north] for _, east, north, *_ in STATIONS]
    return np.asarray(CORE_ITRF_M) + np.asarray(rows)


def station_phase(clock_ns: float, tec: float, freq_hz: FloatArray) -> FloatArray:
    """Phase (rad) of a clock delay and a TEC term at `freq_hz`, in DP3's and LoSoTo's sign
    convention (their `clock` and `tec` soltabs)."""
    return 2 * math.pi * clock_ns * 1e-9 * freq_hz + TEC_PHASE * tec / freq_hz


def format_sexagesimal(value_deg: float, hours: bool) -> str:
    """RA as hh:mm:ss.ssss or Dec as +dd.mm.ss.sss (makesourcedb's notation)."""
    value = value_deg / 15 if hours else value_deg
    sign = "-" if value < 0 else ("" if hours else "+")
    rest = abs(value)
    whole = int(rest)
    minutes = int((rest - whole) * 60)
    seconds = ((rest - whole) * 60 - minutes) * 60
    separator = ":" if hours else "."
    return f"{sign}{whole:02d}{separator}{minutes:02d}{separator}{seconds:07.4f}"


def parse_sexagesimal(text: str, hours: bool) -> float:
    """Inverse of format_sexagesimal (also accepts plain degrees), in degrees."""
    text = text.strip()
    parts = text.lstrip("+-").replace(":", " ").split(" ") if hours else (
        text.lstrip("+-").split(".", 2))
    if len(parts) != 3:
        return float(text)
    value = float(parts[0]) + float(parts[1]) / 60 + float(parts[2]) / 3600
    return (-value if text.startswith("-") else value) * (15 if hours else 1)


def read_skymodel(path: str) -> list[dict[str, Any]]:
    """Point sources of a makesourcedb sky model with columns Name, Type, Ra, Dec, I,
    ReferenceFrequency, SpectralIndex (the format `calibrator_skymodel` writes)."""
    sources: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line or line.startswith("#") or line.upper().startswith("FORMAT"):
                continue
            fields = [f.strip() for f in line.split(",", 6)]
            if len(fields) != 7 or fields[1].upper() != "POINT":
                raise ValueError(f"{path}: expected 'name, POINT, ra, dec, I, reffreq, "
                                 f"[spectral index]', got {line!r}")
            index = fields[6].strip("[]").strip()
            sources.append({"name": fields[0], "ra_deg": parse_sexagesimal(fields[2], True),
                            "dec_deg": parse_sexagesimal(fields[3], False),
                            "flux_jy": float(fields[4]), "reference_hz": float(fields[5]),
                            "spectral_index": float(index) if index else 0.0})
    if not sources:
        raise ValueError(f"{path}: no sources")
    return sources


def radec_to_lm(ra: float, dec: float, ra0: float, dec0: float) -> tuple[float, float]:
    """(RA, Dec) -> direction cosines (l east, m north) around (ra0, dec0), radians."""
    dra = ra - ra0
    return (math.cos(dec) * math.sin(dra),
            math.sin(dec) * math.cos(dec0) - math.cos(dec) * math.sin(dec0) * math.cos(dra))


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
    n = len(stations)

    def fill(name: str, **columns: Any) -> None:
        with ct.table(ms.getkeyword(name), readonly=False, ack=False) as sub:
            sub.addrows(len(next(iter(columns.values()))))
            for column, value in columns.items():
                sub.putcol(column, value)

    fill("ANTENNA", NAME=[s[0] for s in STATIONS], STATION=["LOFAR"] * n,
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
    fill("OBSERVATION", TELESCOPE_NAME=["LOFAR"], OBSERVER=["cwlgen"], PROJECT=["tiny_calibrator"],
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

TASK_PACKAGES = ("numpy", "python-casacore")


@task(
    container=RADIO_IMAGE,
    resources=Resources(cores=1, ram="256 MiB", outdir="1 MiB", time_limit="2 min"),
)
def calibrator_skymodel() -> File:
    """Write the calibrator field (SOURCES) as a makesourcedb sky model, `calibrator.skymodel`.

    The same file drives the synthesis (the true sky) and DP3's model prediction, as a
    calibrator's sky model does in prefactor.
    """
    ra0, dec0 = (math.radians(a) for a in PHASE_CENTRE_DEG)
    lines = ["FORMAT = Name, Type, Ra, Dec, I, ReferenceFrequency='150e6', SpectralIndex='[]'",
             ""]
    for name, east, north, flux, alpha in SOURCES:
        ra, dec = lm_to_radec(math.radians(east / 60), math.radians(north / 60), ra0, dec0)
        lines.append(f"{name}, POINT, {format_sexagesimal(math.degrees(ra), True)}, "
                     f"{format_sexagesimal(math.degrees(dec), False)}, {flux}, 150e6, [{alpha}]")
    with open("calibrator.skymodel", "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return File("calibrator.skymodel")


@task(
    container=RADIO_IMAGE,
    packages=TASK_PACKAGES,
    resources=Resources(cores=1, ram="512 MiB", outdir="64 MiB", time_limit="10 min"),
)
def synthesise_subband(subband: int, skymodel: File, seed: int = 1) -> Synthetic:
    """Synthesise one LOFAR HBA subband of the calibrator field, corrupted by station gains.

    Every visibility is `g_p conj(g_q) V_pq + noise` with the station gains
    `g = amplitude * exp(i (2 pi nu clock + TEC_PHASE TEC / nu))` of STATIONS, the sky of the
    sky model file, Gaussian noise and an RFI burst. Writes `sbNNN.MS` (16 channels,
    30 x 120 s, XX XY YX YY) and `sbNNN-truth.json`. Every name carries the subband (Toil with
    --bypass-file-store copies all jobs' outputs into one folder, where equal names collide).

    Args:
        subband: LOFAR subband number; the frequency is 100 MHz + subband x 195.3125 kHz.
        skymodel: the sky model (makesourcedb, point sources) of the true sky.
        seed: seed of the noise and the RFI.
    """
    import casacore.tables as ct
    import numpy as np

    rng = np.random.default_rng([seed, subband])
    ra0, dec0 = (math.radians(a) for a in PHASE_CENTRE_DEG)
    width = SUBBAND_WIDTH_HZ / N_CHANNELS
    freqs = 100e6 + subband * SUBBAND_WIDTH_HZ + (np.arange(N_CHANNELS) + 0.5) * width
    centre = float(freqs.mean())
    stations = station_positions()
    ant1, ant2 = np.triu_indices(len(STATIONS), 1)
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

    # V = sum_k S_k exp(+2 pi i (u l + v m + w (n - 1)) / lambda): the sign wsclean and DP3 use
    u, v, w = (uvw[:, i, None] * freqs[None, :] / SPEED_OF_LIGHT for i in range(3))
    stokes_i = np.zeros((n_rows, N_CHANNELS), complex)
    sources = read_skymodel(skymodel.path)
    for source in sources:
        dl, dm = radec_to_lm(math.radians(source["ra_deg"]), math.radians(source["dec_deg"]),
                             ra0, dec0)
        dn = math.sqrt(1 - dl * dl - dm * dm)
        flux = source["flux_jy"] * (freqs / source["reference_hz"]) ** source["spectral_index"]
        stokes_i += flux[None, :] * np.exp(2j * math.pi * (u * dl + v * dm + w * (dn - 1)))
    gains = np.array([amplitude * np.exp(1j * station_phase(clock, tec, freqs))
                      for _, _, _, amplitude, clock, tec in STATIONS])   # station, channel
    corrupted = gains[rows_ant1] * np.conj(gains[rows_ant2]) * stokes_i
    data = np.zeros((n_rows, N_CHANNELS, N_CORR), np.complex64)
    data[:, :, 0] = data[:, :, 3] = corrupted                   # unpolarised: XX = YY = I
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
                   "phase_centre_deg": list(PHASE_CENTRE_DEG), "noise_jy": NOISE_JY,
                   "sources": sources,
                   "rfi": {"timesteps": list(RFI_TIMESTEPS), "channels": list(RFI_CHANNELS),
                           "amplitude_jy": RFI_AMPLITUDE_JY},
                   "stations": [{"name": name, "amplitude": amplitude, "clock_ns": clock,
                                 "tec": tec} for name, _, _, amplitude, clock, tec in STATIONS]},
                  fh, indent=1)
    return Synthetic(ms=Directory(path), truth=File(truth_path))


def fit_clock_tec(freqs: FloatArray, phases: FloatArray, clock_range_ns: float = 50.0,
                  tec_range: float = 0.5) -> tuple[float, float, float]:
    """Least-squares (clock ns, TEC TECU, rms residual rad) of wrapped phases over frequency.

    Phase wraps make the problem non-linear, and over 120-180 MHz clock and TEC are nearly
    degenerate (10 ns of clock look much like 0.16 TECU). A grid search on the unit circle
    (0.25 ns x 0.0025 TECU, one matrix product) finds candidates; the 20 best are refined by
    Gauss-Newton steps on the wrapped residuals and the one with the smallest residual wins.
    NaN phases (flagged) are left out.
    """
    import numpy as np

    good = np.isfinite(phases)
    nu, observed = np.asarray(freqs, float)[good], np.asarray(phases, float)[good]
    if nu.size < 3:
        raise ValueError("fewer than 3 unflagged frequencies: cannot separate clock and TEC")
    basis = np.stack([2 * math.pi * 1e-9 * nu, TEC_PHASE / nu], axis=1)   # per ns, per TECU
    clocks = np.arange(-clock_range_ns, clock_range_ns + 1e-9, 0.25)
    tecs = np.arange(-tec_range, tec_range + 1e-9, 0.0025)
    clock_terms = np.exp(-1j * clocks[:, None] * basis[None, :, 0])            # clock, freq
    tec_terms = np.exp(-1j * tecs[:, None] * basis[None, :, 1]) * np.exp(1j * observed)
    score = np.real(clock_terms @ tec_terms.T)                                 # clock, tec
    best_tec = np.argmax(score, axis=1)
    candidates = np.argsort(score[np.arange(len(clocks)), best_tec])[-20:]

    def refine(estimate: FloatArray) -> tuple[FloatArray, float]:
        for _ in range(20):
            residual = np.angle(np.exp(1j * (observed - basis @ estimate)))
            step = np.linalg.lstsq(basis, residual, rcond=None)[0]
            estimate = estimate + step
            if abs(step[0]) < 1e-6 and abs(step[1]) < 1e-8:
                break
        residual = np.angle(np.exp(1j * (observed - basis @ estimate)))
        return estimate, float(np.sqrt(np.mean(residual ** 2)))

    fits = [refine(np.array([clocks[c], tecs[best_tec[c]]])) for c in candidates]
    estimate, rms = min(fits, key=lambda fit: fit[1])
    return float(estimate[0]), float(estimate[1]), rms


@task(
    container=RADIO_IMAGE,
    packages=(*TASK_PACKAGES, "losoto"),
    resources=Resources(cores=1, ram="512 MiB", outdir="16 MiB", time_limit="5 min"),
)
def separate_clock_tec(solutions: File, reference_station: str = "CS001HBA0") -> File:
    """Separate the gathered phase solutions into a clock delay and a TEC per station.

    Reads `sol000/phase000` of the gathered h5parm (all subbands), refers every station's phase
    to `reference_station`, and fits `2 pi nu clock + TEC_PHASE TEC / nu` across all frequencies
    per time slot and polarisation (see fit_clock_tec). Writes a copy,
    `calibrator-solutions.h5`, with two new soltabs DP3 applies as they are: `clock000`
    (seconds) and `tec000` (TECU), axes time, ant, pol. Prints each station's fit and residual.
    LoSoTo's own CLOCKTEC (tuned for LOFAR's 200+ subbands) does not do this job on four
    subbands: it took 49 s here and returned, e.g., -119.6 ns for a clock of 12 ns.

    Args:
        solutions: the gathered h5parm (DP3 gaincal, caltype diagonal: amplitude000, phase000).
        reference_station: station whose phase is zero by definition.
    """
    import shutil

    import numpy as np
    from losoto.h5parm import h5parm

    out = "calibrator-solutions.h5"
    shutil.copyfile(solutions.path, out)
    h5 = h5parm(out, readonly=False)
    try:
        solset = h5.getSolset("sol000")
        phase = solset.getSoltab("phase000")
        axes = phase.getAxesNames()
        if sorted(axes) != ["ant", "freq", "pol", "time"]:
            raise ValueError(f"{solutions.basename}: phase000 has axes {axes}, "
                             "expected time, freq, ant, pol (DP3 gaincal, caltype diagonal)")
        values = np.transpose(phase.getValues(retAxesVals=False),
                              [axes.index(a) for a in ("time", "freq", "ant", "pol")])
        weights = np.transpose(phase.getValues(weight=True, retAxesVals=False),
                               [axes.index(a) for a in ("time", "freq", "ant", "pol")])
        values = np.where(weights > 0, values, np.nan)
        freqs, stations = phase.getAxisValues("freq"), list(phase.getAxisValues("ant"))
        times, pols = phase.getAxisValues("time"), phase.getAxisValues("pol")
        if reference_station not in stations:
            raise ValueError(f"reference station {reference_station!r} is not among "
                             f"{', '.join(stations)}")
        ref = stations.index(reference_station)
        referred = values - values[:, :, ref:ref + 1, :]
        shape = (len(times), len(stations), len(pols))
        clock_ns, tec, rms = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        for t in range(len(times)):
            for a in range(len(stations)):
                for p in range(len(pols)):
                    if a != ref:
                        clock_ns[t, a, p], tec[t, a, p], rms[t, a, p] = fit_clock_tec(
                            freqs, referred[t, :, a, p])
        for name, kind, vals in (("clock000", "clock", clock_ns * 1e-9), ("tec000", "tec", tec)):
            solset.makeSoltab(kind, name, axesNames=["time", "ant", "pol"],
                              axesVals=[times, stations, pols], vals=vals,
                              weights=np.ones(shape))
    finally:
        h5.close()
    print(f"clock/TEC fitted over {len(freqs)} frequencies "
          f"({freqs.min() / 1e6:.1f}-{freqs.max() / 1e6:.1f} MHz), reference {reference_station}")
    for a, name in enumerate(stations):
        print(f"  {name}: clock {np.median(clock_ns[:, a]):+8.3f} ns  TEC "
              f"{np.median(tec[:, a]):+8.4f} TECU  residual {np.max(rms[:, a]):.3f} rad")
    return File(out)


@tool(
    "aoflagger",
    arguments=[Arg(prefix="-j", value_from="$(runtime.cores)", position=0)],
    container="kernsuite/aoflagger",
    resources=Resources(cores=1, ram="1 GiB", time_limit="10 min"),
)
def aoflagger(
    ms: Annotated[Directory, Arg(position=10, inplace=True, load_listing="no_listing")],
) -> Annotated[Directory, Out(glob="$(inputs.ms.basename)")]:
    """Flag RFI with aoflagger (its LOFAR strategy), writing the FLAG column in place.

    Args:
        ms: the Measurement Set; updated in place (InplaceUpdateRequirement), never copied.
    """
    raise NotImplementedError


@tool(
    "DP3.py",
    arguments=["steps=[avg]", "avg.type=averager", "msout=$(inputs.msin.nameroot)_avg.MS",
               "msout.overwrite=true", "numthreads=$(runtime.cores)"],
    container=RADIO_IMAGE,
    env={"OPENBLAS_NUM_THREADS": "1"},  # DP3.py aborts if OpenBLAS starts its own threads
    resources=Resources(cores=1, ram="1 GiB", outdir="256 MiB", time_limit="10 min"),
)
def dp3_average(
    msin: Annotated[Directory, Arg(prefix="msin=", separate=False, load_listing="no_listing")],
    freqstep: Annotated[int, Arg(prefix="avg.freqstep=", separate=False)] = 2,
) -> Annotated[Directory, Out(glob="$(inputs.msin.nameroot)_avg.MS")]:
    """Average a Measurement Set in frequency with DP3 into a new MS, `<name>_avg.MS`.

    Args:
        msin: the flagged Measurement Set (only read).
        freqstep: channels averaged into one.
    """
    raise NotImplementedError


@tool(
    "DP3.py",
    arguments=["msout=", "steps=[cal]", "cal.type=gaincal", "cal.caltype=diagonal",
               "cal.parmdb=$(inputs.msin.nameroot).h5", "numthreads=$(runtime.cores)"],
    container=RADIO_IMAGE,
    env={"OPENBLAS_NUM_THREADS": "1"},
    resources=Resources(cores=1, ram="1 GiB", outdir="16 MiB", time_limit="10 min"),
)
def dp3_gaincal(
    msin: Annotated[Directory, Arg(prefix="msin=", separate=False, load_listing="no_listing")],
    skymodel: Annotated[File, Arg(prefix="cal.sourcedb=", separate=False)],
    solint: Annotated[int, Arg(prefix="cal.solint=", separate=False)] = 10,
    nchan: Annotated[int, Arg(prefix="cal.nchan=", separate=False)] = 1,
) -> Annotated[File, Out(glob="$(inputs.msin.nameroot).h5")]:
    """Solve for diagonal station gains (XX, YY) against the sky model with DP3's gaincal.

    DP3 predicts the model visibilities from the makesourcedb text file itself and writes the
    solutions (`amplitude000`, `phase000`; axes time, freq, ant, pol) into `<name>.h5`; the MS
    is only read (`msout=` writes nothing).

    Args:
        msin: the averaged Measurement Set.
        skymodel: the calibrator's sky model (makesourcedb format).
        solint: timeslots per solution.
        nchan: channels per solution.
    """
    raise NotImplementedError


@tool(
    "H5parm_collector.py",
    arguments=[Arg(prefix="-o", value_from="gathered.h5", position=0)],
    container=RADIO_IMAGE,
    resources=Resources(cores=1, ram="512 MiB", outdir="16 MiB", time_limit="5 min"),
)
def gather_solutions(
    h5parms: Annotated[list[File], Arg(position=1)],
) -> Annotated[File, Out(glob="gathered.h5")]:
    """Gather the subbands' h5parms into one, `gathered.h5` (LoSoTo's collector; the soltabs
    are joined along frequency).

    Args:
        h5parms: one h5parm per subband.
    """
    raise NotImplementedError


SMOOTH_PARSET = """\
[smooth_amplitude]
operation = SMOOTH
soltab = sol000/amplitude000
axesToSmooth = [time]
mode = median
"""


@tool(
    "losoto",
    arguments=[Arg(position=2, value_from="smooth.parset")],
    files={"smooth.parset": SMOOTH_PARSET},
    container=RADIO_IMAGE,
    env={"MPLBACKEND": "Agg"},
    resources=Resources(cores=1, ram="512 MiB", time_limit="5 min"),
)
def smooth_amplitudes(
    h5parm: Annotated[File, Arg(position=1, inplace=True)],
) -> Annotated[File, Out(glob="$(inputs.h5parm.basename)")]:
    """Replace each amplitude solution by its median over time with LoSoTo (as prefactor's
    calibrator smooths its amplitudes); LoSoTo rewrites the h5parm in place.

    Args:
        h5parm: the solutions; updated in place (InplaceUpdateRequirement).
    """
    raise NotImplementedError


@tool(
    "DP3.py",
    arguments=["msout=$(inputs.msin.nameroot)_cal.MS", "msout.overwrite=true", "steps=[apply]",
               "apply.type=applycal", "apply.steps=[amplitude,clock,tec]",
               "apply.amplitude.correction=amplitude000", "apply.clock.correction=clock000",
               "apply.tec.correction=tec000", "numthreads=$(runtime.cores)"],
    container=RADIO_IMAGE,
    env={"OPENBLAS_NUM_THREADS": "1"},
    resources=Resources(cores=1, ram="1 GiB", outdir="256 MiB", time_limit="10 min"),
)
def dp3_applycal(
    msin: Annotated[Directory, Arg(prefix="msin=", separate=False, load_listing="no_listing")],
    solutions: Annotated[File, Arg(prefix="apply.parmdb=", separate=False)],
) -> Annotated[Directory, Out(glob="$(inputs.msin.nameroot)_cal.MS")]:
    """Correct a Measurement Set with the smoothed amplitudes and the separated clock and TEC
    (DP3 applycal) into a new MS, `<name>_cal.MS`.

    Args:
        msin: the averaged Measurement Set (only read).
        solutions: the h5parm with amplitude000, clock000 and tec000.
    """
    raise NotImplementedError


@tool(
    "wsclean",
    arguments=[
        "-no-update-model-required",
        Arg(prefix="-temp-dir", value_from="$(runtime.tmpdir)"),
        Arg(prefix="-j", value_from="$(runtime.cores)"),
    ],
    container="kernsuite/wsclean",
    resources=Resources(cores=1, ram="1 GiB", tmpdir="256 MiB", time_limit="10 min"),
)
def wsclean_all(
    ms: Annotated[list[Directory], Arg(position=100, load_listing="no_listing")],
    name: Annotated[str, Arg(prefix="-name")],
    size: Annotated[list[int], Arg(prefix="-size")] = [128, 128],  # noqa: B006
    scale: Annotated[str, Arg(prefix="-scale")] = "1amin",
    niter: Annotated[int, Arg(prefix="-niter")] = 500,
    mgain: Annotated[float, Arg(prefix="-mgain")] = 0.8,
    padding: Annotated[float, Arg(prefix="-padding")] = 2.0,
) -> Annotated[File, Out(glob="$(inputs.name)-image.fits", format=FITS)]:
    """Image all subbands together (multi-frequency synthesis) with wsclean; the MSs are only
    read. `mgain < 1` turns on major cycles and padding 2 keeps the flux at the field's edge
    (see TINY_LOFAR.md).

    Args:
        ms: the Measurement Sets, one per subband.
        name: prefix of the image files.
        size: image width and height in pixels.
        scale: pixel size, with unit.
        niter: maximum number of clean iterations.
        mgain: fraction of the peak cleaned per major cycle.
        padding: padding factor of the gridded image.
    """
    raise NotImplementedError


def referred_phases(h5: Any, reference_station: str
                    ) -> tuple[FloatArray, FloatArray, list[str], FloatArray]:
    """(freqs, phases[time, freq, ant, pol] referred to the station, stations, amplitudes
    [time, freq, ant, pol]) of an open h5parm's sol000."""
    import numpy as np

    solset = h5.getSolset("sol000")
    out: list[FloatArray] = []
    for name in ("phase000", "amplitude000"):
        soltab = solset.getSoltab(name)
        axes = soltab.getAxesNames()
        order = [axes.index(a) for a in ("time", "freq", "ant", "pol")]
        values = np.transpose(soltab.getValues(retAxesVals=False), order)
        weights = np.transpose(soltab.getValues(weight=True, retAxesVals=False), order)
        out.append(np.where(weights > 0, values, np.nan))
        freqs, stations = soltab.getAxisValues("freq"), list(soltab.getAxisValues("ant"))
    if reference_station not in stations:
        raise ValueError(f"reference station {reference_station!r} is not among "
                         f"{', '.join(stations)}")
    ref = stations.index(reference_station)
    referred = np.angle(np.exp(1j * (out[0] - out[0][:, :, ref:ref + 1, :])))
    return freqs, referred, stations, out[1]


def soltab_median(h5: Any, name: str) -> FloatArray:
    """Median over time of a (time, ant, pol) soltab of sol000, as [ant, pol]."""
    import numpy as np

    soltab = h5.getSolset("sol000").getSoltab(name)
    axes = soltab.getAxesNames()
    values: FloatArray = np.transpose(soltab.getValues(retAxesVals=False),
                                      [axes.index(a) for a in ("time", "ant", "pol")])
    return np.median(values, axis=0)


class PlotAxes(Protocol):
    """The matplotlib Axes methods the plots call. matplotlib's own annotations leave
    `**kwargs` untyped, which pyright --strict reports at every call; seen through this
    protocol the calls are fully typed for mypy and pyright alike."""

    def plot(self, *args: Any, **kwargs: Any) -> object: ...
    def set_title(self, label: str, *, fontsize: float) -> object: ...
    def set_xlabel(self, xlabel: str) -> object: ...
    def set_ylabel(self, ylabel: str) -> object: ...
    def set_ylim(self, bottom: float, top: float) -> object: ...
    def legend(self, *, fontsize: float, loc: str) -> object: ...
    def set_visible(self, b: bool) -> None: ...


class PlotFigure(Protocol):
    """The matplotlib Figure methods the plots call (see PlotAxes)."""

    def suptitle(self, t: str) -> object: ...
    def tight_layout(self) -> None: ...
    def savefig(self, fname: str, *, dpi: int) -> None: ...


def new_grid(rows: int, columns: int,
             figsize: tuple[float, float]) -> tuple[PlotFigure, list[list[PlotAxes]]]:
    """A figure with rows x columns Axes sharing their x and y scales, made without pyplot:
    no global figure state to close, no GUI backend to choose (savefig renders with Agg)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize)
    grid = figure.subplots(rows, columns, sharex=True, sharey=True, squeeze=False)
    return figure, [list(row) for row in grid]


@task(
    container=RADIO_IMAGE,
    packages=(*TASK_PACKAGES, "losoto", "matplotlib"),
    env={"MPLBACKEND": "Agg"},
    resources=Resources(cores=1, ram="512 MiB", outdir="16 MiB", time_limit="5 min"),
)
def plot_solutions(solutions: File, reference_station: str = "CS001HBA0") -> list[File]:
    """Plot the solutions: `solutions-phase.png` (each station's phase against frequency,
    referred to the reference station, with its fitted clock + TEC curve) and
    `solutions-amplitude.png` (amplitudes against frequency, per polarisation).

    Args:
        solutions: the h5parm with phase000, amplitude000, clock000 and tec000.
        reference_station: station the phases are referred to.
    """
    import numpy as np
    from losoto.h5parm import h5parm

    h5 = h5parm(solutions.path)
    try:
        freqs, phases, stations, amplitudes = referred_phases(h5, reference_station)
        clock_ns, tec = soltab_median(h5, "clock000") * 1e9, soltab_median(h5, "tec000")
    finally:
        h5.close()
    mhz = freqs / 1e6
    fine = np.linspace(float(freqs.min()), float(freqs.max()), 400)
    columns = 3
    rows = math.ceil(len(stations) / columns)
    outputs: list[File] = []
    for kind in ("phase", "amplitude"):
        fig, axes = new_grid(rows, columns, figsize=(4.2 * columns, 3.0 * rows))
        for a, name in enumerate(stations):
            ax = axes[a // columns][a % columns]
            for p, (pol, colour) in enumerate((("XX", "tab:blue"), ("YY", "tab:orange"))):
                values = phases if kind == "phase" else amplitudes
                ax.plot(np.tile(mhz, values.shape[0]), values[:, :, a, p].ravel(), ".",
                        color=colour, markersize=6, label=pol)
                if kind == "phase":
                    model = np.angle(np.exp(1j * station_phase(clock_ns[a, p], tec[a, p], fine)))
                    model[1:][np.abs(np.diff(model)) > math.pi] = np.nan   # no line at wraps
                    ax.plot(fine / 1e6, model, "-", color=colour, linewidth=0.8)
            if kind == "phase":
                ax.set_title(f"{name}: {np.mean(clock_ns[a]):+.2f} ns, "
                             f"{np.mean(tec[a]):+.4f} TECU", fontsize=10)
                ax.set_ylim(-math.pi * 1.05, math.pi * 1.05)
            else:
                ax.set_title(f"{name}: {np.nanmean(amplitudes[:, :, a]):.3f}", fontsize=10)
            if a == 0:
                ax.legend(fontsize=8, loc="best")
            if a % columns == 0:
                ax.set_ylabel("phase (rad)" if kind == "phase" else "amplitude")
            if a // columns == rows - 1:
                ax.set_xlabel("frequency (MHz)")
        for a in range(len(stations), rows * columns):
            axes[a // columns][a % columns].set_visible(False)
        title = (f"phase solutions referred to {reference_station}, with the fitted clock + TEC"
                 if kind == "phase" else "amplitude solutions (median over time)")
        fig.suptitle(title)
        fig.tight_layout()
        path = f"solutions-{kind}.png"
        fig.savefig(path, dpi=90)
        outputs.append(File(path))
    return outputs


def match_sources(image_path: str, sources: list[dict[str, Any]]) -> list[SourceFlux]:
    """Match each source (name, ra_deg, dec_deg, expected flux_jy) to the nearest of the
    image's brightest peaks."""
    pixels, header = read_fits(image_path)
    peaks = find_peaks(pixels, count=len(sources) + 3)
    if not peaks:
        raise ValueError(f"{image_path} has no finite pixels")
    found = [pixel_to_radec(header, x, y) for x, y, _ in peaks]
    matches: list[SourceFlux] = []
    for source in sources:
        ra, dec = math.radians(source["ra_deg"]), math.radians(source["dec_deg"])
        distances = [math.degrees(angular_distance(ra, dec, *radec)) * 60 for radec in found]
        best = min(range(len(peaks)), key=distances.__getitem__)
        matches.append(SourceFlux(
            name=source["name"], true_flux_jy=round(source["flux_jy"], 4),
            found_flux_jy=round(peaks[best][2], 4),
            flux_error=round(peaks[best][2] / source["flux_jy"] - 1, 4),
            position_error_arcmin=round(distances[best], 3)))
    return matches


def format_check(check: CalibrationCheck) -> str:
    """The recovered-vs-injected table, as printed by the check and the demo."""
    lines = [f"station solutions (tolerances: amplitude {100 * check.amplitude_tolerance:.1f} %, "
             f"clock {check.clock_tolerance_ns} ns, TEC {check.tec_tolerance} TECU)",
             f"  {'station':10} {'amp true':>8} {'found':>7} {'error':>7}   {'clock ns':>8} "
             f"{'found':>8} {'error':>7}   {'TEC':>7} {'found':>8} {'error':>8}"]
    for s in check.stations:
        lines.append(
            f"  {s.station:10} {s.true_amplitude:8.3f} {s.found_amplitude:7.4f} "
            f"{100 * s.amplitude_error:+6.2f}%   {s.true_clock_ns:8.3f} {s.found_clock_ns:8.3f} "
            f"{s.clock_error_ns:+7.3f}   {s.true_tec:7.4f} {s.found_tec:8.5f} {s.tec_error:+8.5f}")
    lines.append(f"image sources at {check.frequency_mhz} MHz (tolerances: flux "
                 f"{100 * check.flux_tolerance:.0f} %, position "
                 f"{check.position_tolerance_arcmin} arcmin)")
    lines.append(f"  {'source':6} {'true Jy':>8}   {'uncorrected':>11} {'error':>7} "
                 f"{'offset':>8}   {'corrected':>9} {'error':>7} {'offset':>8}")
    for before, after in zip(check.uncorrected, check.corrected, strict=True):
        lines.append(
            f"  {after.name:6} {after.true_flux_jy:8.3f}   {before.found_flux_jy:11.3f} "
            f"{100 * before.flux_error:+6.1f}% {before.position_error_arcmin:7.2f}'   "
            f"{after.found_flux_jy:9.3f} {100 * after.flux_error:+6.1f}% "
            f"{after.position_error_arcmin:7.2f}'")
    return "\n".join(lines)


@task(
    container=RADIO_IMAGE,
    packages=(*TASK_PACKAGES, "losoto"),
    resources=Resources(cores=1, ram="512 MiB", time_limit="5 min"),
)
def check_calibration(
    solutions: File,
    truths: list[File],
    flagged: Annotated[list[Directory], Arg(load_listing="no_listing")],
    corrected: File,
    uncorrected: File,
    reference_station: str = "CS001HBA0",
    amplitude_tolerance: float = 0.01,
    clock_tolerance_ns: float = 0.05,
    tec_tolerance: float = 0.001,
    flux_tolerance: float = 0.10,
    position_tolerance_arcmin: float = 1.5,
) -> CalibrationCheck:
    """Compare what calibration recovered with what was injected; fail unless it matches.

    Per station and polarisation: the smoothed amplitude (median over time and frequency), and
    the clock and TEC (median over time) against the injected values; the RFI burst must be
    flagged in every subband. In the images: each sky-model source is matched to the nearest
    bright peak; its expected flux is the mean over the subbands of its power law (the
    multi-frequency image's flux). The corrected image must recover every source within the
    flux and position tolerances, and the uncorrected image must not (or the corruption was
    too weak to prove anything). Prints the table and raises unless all of that holds.

    Args:
        solutions: the applied h5parm (amplitude000 smoothed, clock000, tec000).
        truths: the `sbNNN-truth.json` of every subband.
        flagged: the flagged Measurement Sets (for the RFI burst).
        corrected: the image of the calibrated data.
        uncorrected: the image of the same data without calibration.
        reference_station: station the clock and TEC are relative to.
        amplitude_tolerance: largest accepted relative amplitude error.
        clock_tolerance_ns: largest accepted clock error.
        tec_tolerance: largest accepted TEC error (TECU).
        flux_tolerance: largest accepted relative flux error in the corrected image.
        position_tolerance_arcmin: largest accepted position error in the corrected image.
    """
    import numpy as np
    from losoto.h5parm import h5parm

    injected: list[dict[str, Any]] = []
    for truth in truths:
        with open(truth.path, encoding="utf-8") as fh:
            injected.append(json.load(fh))
    h5 = h5parm(solutions.path)
    try:
        _, _, stations, amplitudes = referred_phases(h5, reference_station)
        clock_ns, tec = soltab_median(h5, "clock000") * 1e9, soltab_median(h5, "tec000")
    finally:
        h5.close()
    true_stations: dict[str, dict[str, Any]] = {s["name"]: s for s in injected[0]["stations"]}
    rows: list[StationSolution] = []
    problems: list[str] = []
    for a, name in enumerate(stations):
        true = true_stations[name]
        true_clock = true["clock_ns"] - true_stations[reference_station]["clock_ns"]
        true_tec = true["tec"] - true_stations[reference_station]["tec"]
        amplitude = np.nanmedian(amplitudes[:, :, a, :], axis=(0, 1))        # per pol
        amplitude_errors = amplitude / true["amplitude"] - 1
        clock_errors, tec_errors = clock_ns[a] - true_clock, tec[a] - true_tec
        row = StationSolution(
            station=name, true_amplitude=true["amplitude"],
            found_amplitude=round(float(amplitude.mean()), 5),
            amplitude_error=round(float(amplitude_errors[np.argmax(np.abs(amplitude_errors))]),
                                  5),
            true_clock_ns=true_clock, found_clock_ns=round(float(clock_ns[a].mean()), 4),
            clock_error_ns=round(float(clock_errors[np.argmax(np.abs(clock_errors))]), 4),
            true_tec=true_tec, found_tec=round(float(tec[a].mean()), 6),
            tec_error=round(float(tec_errors[np.argmax(np.abs(tec_errors))]), 6))
        rows.append(row)
        if abs(row.amplitude_error) > amplitude_tolerance:
            problems.append(f"{name} amplitude off by {100 * row.amplitude_error:+.2f} %")
        if abs(row.clock_error_ns) > clock_tolerance_ns:
            problems.append(f"{name} clock off by {row.clock_error_ns:+.3f} ns")
        if abs(row.tec_error) > tec_tolerance:
            problems.append(f"{name} TEC off by {row.tec_error:+.5f} TECU")

    mean_freq = float(np.mean([t["frequency_hz"] for t in injected]))
    sources: list[dict[str, Any]] = []
    for source in injected[0]["sources"]:
        fluxes = [source["flux_jy"] * (t["frequency_hz"] / source["reference_hz"])
                  ** source["spectral_index"] for t in injected]
        sources.append({**source, "flux_jy": float(np.mean(fluxes))})
    after = match_sources(corrected.path, sources)
    before = match_sources(uncorrected.path, sources)

    def good(match: SourceFlux) -> bool:
        return (abs(match.flux_error) <= flux_tolerance
                and match.position_error_arcmin <= position_tolerance_arcmin)

    problems += [f"source {m.name} not recovered in the corrected image" for m in after
                 if not good(m)]
    if all(good(m) for m in before):
        problems.append("the uncorrected image already recovers every source: the injected "
                        "corruption proves nothing")
    for observation, ms in zip(injected, flagged, strict=True):
        rfi = observation.get("rfi")
        if rfi:
            _, burst, _ = flag_summary(ms.path, tuple(rfi["timesteps"]), tuple(rfi["channels"]))
            if burst < 1.0:
                problems.append(f"{ms.basename}: RFI burst only {100 * burst:.0f} % flagged")
    check = CalibrationCheck(
        frequency_mhz=round(mean_freq / 1e6, 3), stations=rows, corrected=after,
        uncorrected=before, amplitude_tolerance=amplitude_tolerance,
        clock_tolerance_ns=clock_tolerance_ns, tec_tolerance=tec_tolerance,
        flux_tolerance=flux_tolerance, position_tolerance_arcmin=position_tolerance_arcmin)
    print(format_check(check))
    if problems:
        raise ValueError("calibration not proven: " + "; ".join(problems))
    return check


# --- the workflow -------------------------------------------------------------------------------

@workflow
def tiny_calibrator(
    subbands: list[int] = list(DEFAULT_SUBBANDS),  # noqa: B006
    seed: int = 1,
    freqstep: int = 2,
    solint: int = 10,
    reference_station: str = "CS001HBA0",
    amplitude_tolerance: float = 0.01,
    clock_tolerance_ns: float = 0.05,
    tec_tolerance: float = 0.001,
    flux_tolerance: float = 0.10,
    position_tolerance_arcmin: float = 1.5,
) -> TinyCalibrator:
    """Calibrate a synthetic LOFAR calibrator observation and prove the solutions right.

    Per subband (a scatter): synthesise (gains, noise, RFI), flag in place, average, solve for
    the gains against the sky model. Then gather the solutions, separate clock and TEC, smooth
    the amplitudes, plot, apply per subband, image corrected and uncorrected data, and check
    every station's amplitude, clock and TEC and the images against the truth.

    Args:
        subbands: LOFAR subband numbers, one Measurement Set each (irregularly spaced).
        seed: seed of the noise and RFI.
        freqstep: channels averaged into one by DP3.
        solint: timeslots per gain solution.
        reference_station: station the phases, clocks and TECs are relative to.
        amplitude_tolerance: largest accepted relative amplitude error.
        clock_tolerance_ns: largest accepted clock error (ns).
        tec_tolerance: largest accepted TEC error (TECU).
        flux_tolerance: largest accepted relative flux error in the corrected image.
        position_tolerance_arcmin: largest accepted position error in the corrected image.
    """
    skymodel = calibrator_skymodel()
    synthetic = synthesise_subband.map(subband=subbands, skymodel=skymodel, seed=seed)
    flagged = aoflagger.map(ms=synthetic.ms)
    averaged = dp3_average.map(msin=flagged, freqstep=freqstep)
    solved = dp3_gaincal.map(msin=averaged, skymodel=skymodel, solint=solint)
    gathered = gather_solutions(h5parms=solved)
    separated = separate_clock_tec(solutions=gathered, reference_station=reference_station)
    solutions = smooth_amplitudes(h5parm=separated)
    plots = plot_solutions(solutions=solutions, reference_station=reference_station)
    calibrated = dp3_applycal.map(msin=averaged, solutions=solutions)
    corrected = wsclean_all(ms=calibrated, name="corrected")
    uncorrected = wsclean_all(ms=averaged, name="uncorrected")
    check = check_calibration(
        solutions=solutions, truths=synthetic.truth, flagged=flagged,
        corrected=corrected, uncorrected=uncorrected,
        reference_station=reference_station, amplitude_tolerance=amplitude_tolerance,
        clock_tolerance_ns=clock_tolerance_ns, tec_tolerance=tec_tolerance,
        flux_tolerance=flux_tolerance, position_tolerance_arcmin=position_tolerance_arcmin)
    return TinyCalibrator(solutions=solutions, plots=plots, corrected_image=corrected,
                          uncorrected_image=uncorrected, check=check)
