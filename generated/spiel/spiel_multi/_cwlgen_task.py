"""Spiel: simulate a radio-telescope observation and image it, as the EOSC LOFAR pilot did in
CWL in 2018 (after Stimela's simulation example), to generate training sets for neural networks.

One run draws random observation parameters from a seed (a Python task), creates an empty
Measurement Set (simms), makes a random sky model (a Python task), simulates visibilities into
the MS *in place* (MeqTrees turbo-sim), images it with wsclean (dirty, restored, model, residual,
PSF), images the PSF alone on a grid twice as large (`make_bigpsf`) and restores the sky model
onto a FITS image (tigger-restore). Every output is named after
the run, so the runs of `spiel_multi` (the whole workflow scattered over a list of seeds, 100 to
1000 for a training set) never collide; the 2018 version needed nine `mv` steps for that.
Every setting of 2018's `multi.cwl` is an input, grouped into four typed records
(`Observation`, `SkySettings`, `GainErrors`, `Imaging`) with the 2018 defaults.

The 2018 steps were `python -c` scripts with JavaScript-interpolated values (`$(inputs.x)`,
`Math.sqrt`); here they are Python tasks, and no JavaScript is emitted at all.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from typing import Annotated, NamedTuple

from cwlgen import Arg, Directory, File, Out, Resources, task, tool, workflow

FITS = "iana:image/fits"
PYTHON = "python:3.12-slim"  # the tasks need only the standard library
CWLGEN_PYTHON = "3.12"  # the python3 of that image, for every task here


# --- settings: the 36 inputs of 2018's multi.cwl, grouped --------------------------------------
# Defaults are the values of the job the 2018 Makefile ran (jobs/meerkat16_oleg_flux100.yaml);
# the four gain/phase periods, which multi.cwl did not expose, default to 2018 simulator.cwl's.
# Field names are 2018's, so a 2018 job file maps key for key into these records.

@dataclass(frozen=True)
class Observation:
    """The simulated observation: array, pointing, time and frequency setup.

    Attributes:
        telescope: telescope name known to simms.
        nant: number of antennas (for the noise estimate of the sky model).
        ra: right ascension of the phase centre (deg).
        dec_min: one end of the declination range drawn (deg).
        dec_max: the other end of the declination range drawn (deg).
        synthesis_min: shortest synthesis time drawn (h).
        synthesis_max: longest synthesis time drawn (h).
        dtime: integration time (s).
        freq0: frequency of the first channel (Hz).
        dfreq_min: narrowest channel width drawn (Hz).
        dfreq_max: widest channel width drawn (Hz).
        nchan: number of channels.
        sefd: system equivalent flux density (Jy).
    """

    telescope: str = "meerkat"
    nant: int = 16
    ra: float = 63.36
    dec_min: float = -55.0
    dec_max: float = -65.0
    synthesis_min: float = 7.5
    synthesis_max: float = 8.0
    dtime: float = 10.0
    freq0: float = 1049833007.8125
    dfreq_min: float = 200e6
    dfreq_max: float = 300e6
    nchan: int = 1
    sefd: float = 520.0


@dataclass(frozen=True)
class SkySettings:
    """The random sky model.

    Attributes:
        nsrc: number of point sources.
        fov: field of view (deg) filled uniformly when pb_fwhm is 0.
        pb_fwhm: primary beam FWHM (deg) the sources cluster in.
        randomise_pos: recorded in the settings file (2018's sky model ignored it too).
        flux_scale_min: lowest flux scale drawn (uniformly, as 2018's randomize.cwl did).
        flux_scale_max: highest flux scale drawn.
    """

    nsrc: int = 100
    fov: float = 1.0
    pb_fwhm: float = 0.25
    randomise_pos: bool = True
    flux_scale_min: float = 100.0
    flux_scale_max: float = 100.0


@dataclass(frozen=True)
class GainErrors:
    """Time-variable station gain errors of the simulation (MeqTrees SineError models).

    Attributes:
        gain_errors: 1 to simulate gain errors, 0 not to.
        gainamp_min_error: smallest gain amplitude (1 is no error).
        gainamp_max_error: largest gain amplitude.
        gainphase_min_error: smallest phase error (deg).
        gainphase_max_error: largest phase error (deg).
        gainamp_min_period: shortest period of the amplitude error (h).
        gainamp_max_period: longest period of the amplitude error (h).
        gainphase_min_period: shortest period of the phase error (h).
        gainphase_max_period: longest period of the phase error (h).
    """

    gain_errors: int = 0
    gainamp_min_error: float = 1.0
    gainamp_max_error: float = 1.0
    gainphase_min_error: float = 2.0
    gainphase_max_error: float = 10.0
    gainamp_min_period: float = 1.0
    gainamp_max_period: float = 2.0
    gainphase_min_period: float = 1.0
    gainphase_max_period: float = 2.0


@dataclass(frozen=True)
class Imaging:
    """wsclean's settings for the images (the big PSF is twice size_x by size_y).

    Attributes:
        size_x: image width (pixels).
        size_y: image height (pixels).
        scale: pixel size, with unit.
        niter: maximum clean iterations.
        mgain: major-cycle gain.
        weight: visibility weighting.
        auto_mask: sigma level of the automatic clean mask.
        auto_threshold: sigma level cleaning stops at.
    """

    size_x: int = 256
    size_y: int = 256
    scale: str = "1.6asec"
    niter: int = 100000000
    mgain: float = 1.0
    weight: str = "uniform"
    auto_mask: float = 5.0
    auto_threshold: float = 0.125


# --- parameters and sky model (Python tasks) -----------------------------------------------------

class Parameters(NamedTuple):
    name: str
    dec: float
    synthesis: float
    dfreq: float
    flux_scale: float
    noise_stddev: float
    bigpsf_size: list[int]
    settings: File


@task(container=PYTHON, resources=Resources(cores=1, ram="128 MiB", time_limit="5 min"))
def random_parameters(
    random_seed: int,
    observation: Observation,
    sky: SkySettings,
    imaging: Imaging,
) -> Parameters:
    """Draw the random parameters of one simulated observation from its seed, and compute the
    values 2018 computed in JavaScript (the noise per visibility, the big PSF's size).

    Deterministic: the same seed gives the same parameters. Also writes them, with the fixed
    ones, to `<name>-settings.json` (2018: a separate `write_settings` step).

    Args:
        random_seed: seed of this run; also names its outputs.
        observation: the observation's settings and ranges.
        sky: the sky model's settings and flux-scale range.
        imaging: the image size (the big PSF is twice as large).
    """
    rng = random.Random(random_seed)
    dec = rng.uniform(observation.dec_min, observation.dec_max)
    synthesis = rng.uniform(observation.synthesis_min, observation.synthesis_max)
    dfreq = float(int(rng.uniform(observation.dfreq_min, observation.dfreq_max)))
    flux_scale = rng.uniform(sky.flux_scale_min, sky.flux_scale_max)
    noise_stddev = observation.sefd / math.sqrt(2 * observation.dtime * dfreq)
    name = f"spiel-{random_seed:05d}"
    settings = {
        "seed": random_seed, "telescope": observation.telescope, "ra": observation.ra,
        "dec": dec, "synthesis": synthesis, "dtime": observation.dtime,
        "freq0": observation.freq0, "dfreq": dfreq, "nchan": observation.nchan,
        "nant": observation.nant, "flux_scale": flux_scale, "sefd": observation.sefd,
        "noise_stddev": noise_stddev, "fov": sky.fov, "pb_fwhm": sky.pb_fwhm,
        "nsrc": sky.nsrc, "randomise_pos": sky.randomise_pos,
    }
    with open(f"{name}-settings.json", "w", encoding="utf-8") as handle:
        json.dump(settings, handle, indent=1, sort_keys=True)
    return Parameters(name=name, dec=dec, synthesis=synthesis, dfreq=dfreq,
                      flux_scale=flux_scale, noise_stddev=noise_stddev,
                      bigpsf_size=[2 * imaging.size_x, 2 * imaging.size_y],
                      settings=File(f"{name}-settings.json"))


@task(container=PYTHON, resources=Resources(cores=1, ram="256 MiB", time_limit="5 min"))
def make_skymodel(
    name: str,
    random_seed: int,
    dec: float,
    dfreq: float,
    flux_scale: float,
    observation: Observation,
    sky: SkySettings,
) -> File:
    """Make a random sky model (Tigger LSM text) of `sky.nsrc` point sources.

    Fluxes follow a Pareto distribution scaled by the flux scale and 2018's noise estimate
    `sqrt(2 S_rms)`, `S_rms = sefd / sqrt(2 dtime dfreq nbaselines)`; positions cluster in the
    primary beam (Gaussian of FWHM `pb_fwhm`), or fill the field of view uniformly when
    `pb_fwhm` is 0; spectral indices scatter around -0.7.

    Args:
        name: name of this run (the file is `<name>-skymodel.txt`).
        random_seed: seed of this run.
        dec: declination of the phase centre (deg).
        dfreq: channel width (Hz).
        flux_scale: flux scale drawn for this run.
        observation: the observation (ra, freq0, sefd, dtime, nant).
        sky: the sky model's settings.
    """
    rng = random.Random(random_seed * 7919 + 1)
    ra = observation.ra
    baselines = observation.nant * (observation.nant - 1) / 2
    s_rms = observation.sefd / math.sqrt(2 * observation.dtime * dfreq * baselines)
    noise = math.sqrt(2 * s_rms)     # 2018's estimate (its comment: visibilities are complex)
    path = f"{name}-skymodel.txt"
    with open(path, "w", encoding="utf-8") as model:
        model.write("#format: name ra_d dec_d i freq0 spi\n")
        for index in range(sky.nsrc):
            flux = (rng.paretovariate(8.0) - 1.0) * noise * flux_scale
            if sky.pb_fwhm:
                src_ra = ra + rng.gauss(0.0, sky.pb_fwhm / 2)
                src_dec = dec + rng.gauss(0.0, sky.pb_fwhm / 2)
            else:
                src_ra = rng.uniform(ra - sky.fov / 2, ra + sky.fov / 2)
                src_dec = rng.uniform(dec - sky.fov / 2, dec + sky.fov / 2)
            spi = rng.gauss(-0.7, 0.01)
            model.write(f"src{index:04d} {src_ra:.6f} {src_dec:.6f} {flux:.4g} "
                        f"{observation.freq0:.6g} {spi:.3f}\n")
    return File(path)


# --- tools -------------------------------------------------------------------------------------

@tool(
    "simms",
    arguments=[
        Arg(prefix="--name", value_from="$(inputs.name).MS"),
        Arg(prefix="--ra", value_from="$(inputs.observation.ra)deg"),
        Arg(prefix="--dec", value_from="$(inputs.dec)deg"),
        Arg(prefix="--tel", value_from="$(inputs.observation.telescope)"),
        Arg(prefix="--dtime", value_from="$(inputs.observation.dtime)"),
        Arg(prefix="--freq0", value_from="$(inputs.observation.freq0)"),
        Arg(prefix="--nchan", value_from="$(inputs.observation.nchan)"),
    ],
    container="kernsuite/simms",
    env={"USER": "spiel"},  # simms reads $USER, which CWL runners do not pass on
    resources=Resources(cores=1, ram="2 GiB", outdir="4 GiB", time_limit="30 min"),
)
def simms(
    antennas: Annotated[Directory, Arg(position=100, load_listing="no_listing")],
    name: Annotated[str, Arg(bind=False)],
    dec: Annotated[float, Arg(bind=False)],
    synthesis: Annotated[float, Arg(prefix="--synthesis-time")],
    dfreq: Annotated[float, Arg(prefix="--dfreq")],
    observation: Annotated[Observation, Arg(bind=False)],
    table_type: Annotated[str, Arg(prefix="--type")] = "casa",
) -> Annotated[Directory, Out(glob="$(inputs.name).MS")]:
    """Create an empty Measurement Set for an observation with the given array.

    Args:
        antennas: antenna table (a casacore table) of the array.
        name: name of the Measurement Set (without `.MS`).
        dec: declination of the phase centre (deg).
        synthesis: synthesis time (h).
        dfreq: channel width (Hz).
        observation: telescope, right ascension, integration time, first frequency, channels.
        table_type: format of the antenna table.
    """
    raise NotImplementedError


@tool(
    "meqtree-pipeliner.py",
    arguments=[
        Arg(prefix="--mt", value_from="$(runtime.cores)", position=0),
        Arg(position=2, value_from="[sim]"),
        Arg(position=3, value_from="sim_mode=sim only"),
        Arg(position=3, value_from="ms_sel.input_column=DATA"),
        Arg(position=3, value_from="ms_sel.field_index=0"),
        Arg(position=3, value_from="ms_sel.ddid_index=0"),
        Arg(position=3, value_from="me.use_smearing=0"),
        Arg(position=3, value_from="me.g_enable=$(inputs.gains.gain_errors)"),
        Arg(position=3, value_from="oms_gain_models.err-gain.error_model=SineError"),
        Arg(position=3, value_from="oms_gain_models.err-gain.max_period="
                                   "$(inputs.gains.gainamp_max_period)"),
        Arg(position=3, value_from="oms_gain_models.err-gain.min_period="
                                   "$(inputs.gains.gainamp_min_period)"),
        Arg(position=3, value_from="oms_gain_models.err-gain.maxval="
                                   "$(inputs.gains.gainamp_max_error)"),
        Arg(position=3, value_from="oms_gain_models.err-gain.minval="
                                   "$(inputs.gains.gainamp_min_error)"),
        Arg(position=3, value_from="oms_gain_models.err-phase.error_model=SineError"),
        Arg(position=3, value_from="oms_gain_models.err-phase.max_period="
                                   "$(inputs.gains.gainphase_max_period)"),
        Arg(position=3, value_from="oms_gain_models.err-phase.min_period="
                                   "$(inputs.gains.gainphase_min_period)"),
        Arg(position=3, value_from="oms_gain_models.err-phase.maxval="
                                   "$(inputs.gains.gainphase_max_error)"),
        Arg(position=3, value_from="oms_gain_models.err-phase.minval="
                                   "$(inputs.gains.gainphase_min_error)"),
        Arg(position=5, value_from="=_simulate_MS"),
    ],
    container="kernsuite/meqtrees",
    resources=Resources(cores=4, ram="4 GiB", time_limit="4h"),
)
def simulate(
    ms: Annotated[Directory, Arg(position=3, prefix="ms_sel.msname=", separate=False,
                                 inplace=True, load_listing="no_listing")],
    config: Annotated[File, Arg(position=1, prefix="-c")],
    skymodel: Annotated[File, Arg(position=3, prefix="tiggerlsm.filename=", separate=False)],
    noise_stddev: Annotated[float, Arg(position=3, prefix="noise_stddev=", separate=False)],
    gains: Annotated[GainErrors, Arg(bind=False)] = GainErrors(),
    output_column: Annotated[str, Arg(position=3, prefix="ms_sel.output_column=",
                                      separate=False)] = "DATA",
    script: Annotated[str, Arg(position=4)] = (
        "/usr/lib/python3/dist-packages/Cattery/Siamese/turbo-sim.py"
    ),
) -> Annotated[Directory, Out(glob="$(inputs.ms.basename)")]:
    """Simulate visibilities of a sky model, with noise and gain errors, into the MS in place.

    Args:
        ms: the (empty) Measurement Set; its data column is written in place.
        config: MeqTrees TDL configuration profiles.
        skymodel: sky model to simulate (Tigger LSM).
        noise_stddev: thermal noise per visibility (Jy).
        gains: whether and how large the sinusoidal gain errors are, and their periods.
        output_column: column the visibilities are written to.
        script: the turbo-sim TDL script.
    """
    raise NotImplementedError


class Images(NamedTuple):
    dirty: Annotated[File, Out(glob="$(inputs.name)-dirty.fits", format=FITS)]
    restored: Annotated[File, Out(glob="$(inputs.name)-image.fits", format=FITS)]
    model: Annotated[File, Out(glob="$(inputs.name)-model.fits", format=FITS)]
    residual: Annotated[File, Out(glob="$(inputs.name)-residual.fits", format=FITS)]
    psf: Annotated[File, Out(glob="$(inputs.name)-psf.fits", format=FITS)]


@tool(
    "wsclean",
    arguments=[
        "-make-psf", "-no-update-model-required",
        Arg(prefix="-temp-dir", value_from="$(runtime.tmpdir)"),
        Arg(prefix="-j", value_from="$(runtime.cores)"),
        Arg(prefix="-size", value_from="$(inputs.imaging.size_x)", position=1),
        Arg(value_from="$(inputs.imaging.size_y)", position=2),
        Arg(prefix="-scale", value_from="$(inputs.imaging.scale)", position=3),
        Arg(prefix="-niter", value_from="$(inputs.imaging.niter)", position=3),
        Arg(prefix="-mgain", value_from="$(inputs.imaging.mgain)", position=3),
        Arg(prefix="-weight", value_from="$(inputs.imaging.weight)", position=3),
        Arg(prefix="-auto-mask", value_from="$(inputs.imaging.auto_mask)", position=3),
        Arg(prefix="-auto-threshold", value_from="$(inputs.imaging.auto_threshold)",
            position=3),
    ],
    container="kernsuite/wsclean",
    resources=Resources(cores=4, ram="8 GiB", tmpdir="4 GiB", time_limit="4h"),
)
def wsclean(
    ms: Annotated[Directory, Arg(position=100, load_listing="no_listing")],
    name: Annotated[str, Arg(prefix="-name", position=3)],
    imaging: Annotated[Imaging, Arg(bind=False)] = Imaging(),
    column: Annotated[str, Arg(prefix="-data-column", position=3)] = "DATA",
) -> Images:
    """Image the simulated visibilities: dirty, restored (cleaned), model, residual and PSF.

    Args:
        ms: the simulated Measurement Set (only read).
        name: prefix of the image files.
        imaging: size, pixel scale, clean and weighting settings.
        column: data column imaged.
    """
    raise NotImplementedError


@tool(
    "wsclean",
    arguments=[
        "-make-psf-only", "-no-update-model-required",
        Arg(prefix="-name", value_from="$(inputs.name)-bigpsf"),
        Arg(prefix="-scale", value_from="$(inputs.imaging.scale)"),
        Arg(prefix="-temp-dir", value_from="$(runtime.tmpdir)"),
        Arg(prefix="-j", value_from="$(runtime.cores)"),
    ],
    container="kernsuite/wsclean",
    resources=Resources(cores=4, ram="8 GiB", tmpdir="4 GiB", time_limit="4h"),
)
def make_bigpsf(
    ms: Annotated[Directory, Arg(position=100, load_listing="no_listing")],
    name: Annotated[str, Arg(bind=False)],
    size: Annotated[list[int], Arg(prefix="-size")],
    imaging: Annotated[Imaging, Arg(bind=False)] = Imaging(),
) -> Annotated[File, Out(glob="$(inputs.name)-bigpsf-psf.fits", format=FITS)]:
    """Image only the PSF, on a grid twice the images' size (training sets need the PSF's
    sidelobes beyond the image): `<name>-bigpsf-psf.fits`.

    Args:
        ms: the simulated Measurement Set (only read).
        name: name of this run.
        size: width and height of the PSF image (pixels).
        imaging: the images' settings (their pixel scale).
    """
    raise NotImplementedError


@tool(
    "tigger-restore",
    arguments=["--clear", "-b", "0",
               Arg(position=3, value_from="$(inputs.name)-skymodel.fits")],
    container="kernsuite/tigger",
    resources=Resources(cores=1, ram="1 GiB", time_limit="15 min"),
)
def restore(
    image: Annotated[File, Arg(position=1)],
    skymodel: Annotated[File, Arg(position=2)],
    name: Annotated[str, Arg(bind=False)],
) -> Annotated[File, Out(glob="$(inputs.name)-skymodel.fits", format=FITS)]:
    """Restore the sky model onto an empty copy of an image: the true sky, pixelised.

    Args:
        image: an image giving the grid (the dirty image).
        skymodel: the sky model that was simulated.
        name: name of this run.
    """
    raise NotImplementedError


# --- workflows ---------------------------------------------------------------------------------

class Simulation(NamedTuple):
    settings: File
    skymodel: File
    visibilities: Directory
    dirty: File
    restored: File
    model: File
    residual: File
    psf: File
    bigpsf: File
    true_sky: File


@workflow
def spiel(
    random_seed: int,
    antennas: Annotated[Directory, Arg(load_listing="no_listing")],
    config: File,
    column: str = "DATA",
    observation: Observation = Observation(),  # noqa: B008 (frozen: a safe default)
    sky: SkySettings = SkySettings(),  # noqa: B008
    gains: GainErrors = GainErrors(),  # noqa: B008
    imaging: Imaging = Imaging(),  # noqa: B008
) -> Simulation:
    """Simulate and image one random observation; every output is named after the seed.

    Args:
        random_seed: seed of this run.
        antennas: antenna table of the array.
        config: MeqTrees TDL configuration profiles.
        column: data column the simulation writes and wsclean images.
        observation: array, pointing, time and frequency setup, and their random ranges.
        sky: the random sky model's settings.
        gains: the simulated gain errors.
        imaging: wsclean's settings.
    """
    params = random_parameters(random_seed=random_seed, observation=observation, sky=sky,
                               imaging=imaging)
    empty = simms(antennas=antennas, name=params.name, dec=params.dec,
                  synthesis=params.synthesis, dfreq=params.dfreq, observation=observation)
    model = make_skymodel(name=params.name, random_seed=random_seed, dec=params.dec,
                          dfreq=params.dfreq, flux_scale=params.flux_scale,
                          observation=observation, sky=sky)
    visibilities = simulate(ms=empty, config=config, skymodel=model,
                            noise_stddev=params.noise_stddev, gains=gains,
                            output_column=column)
    images = wsclean(ms=visibilities, name=params.name, imaging=imaging, column=column)
    bigpsf = make_bigpsf(ms=visibilities, name=params.name, size=params.bigpsf_size,
                         imaging=imaging)
    true_sky = restore(image=images.dirty, skymodel=model, name=params.name)
    return Simulation(settings=params.settings, skymodel=model, visibilities=visibilities,
                      dirty=images.dirty, restored=images.restored, model=images.model,
                      residual=images.residual, psf=images.psf, bigpsf=bigpsf,
                      true_sky=true_sky)


class Simulations(NamedTuple):
    settings: list[File]
    skymodel: list[File]
    visibilities: list[Directory]
    dirty: list[File]
    restored: list[File]
    model: list[File]
    residual: list[File]
    psf: list[File]
    bigpsf: list[File]
    true_sky: list[File]


@workflow
def spiel_multi(
    random_seeds: list[int],
    antennas: Annotated[Directory, Arg(load_listing="no_listing")],
    config: File,
    column: str = "DATA",
    observation: Observation = Observation(),  # noqa: B008
    sky: SkySettings = SkySettings(),  # noqa: B008
    gains: GainErrors = GainErrors(),  # noqa: B008
    imaging: Imaging = Imaging(),  # noqa: B008
) -> Simulations:
    """A training set: the whole `spiel` workflow scattered over a list of seeds.

    Every setting of 2018's multi.cwl is here, grouped: `observation`, `sky`, `gains`,
    `imaging`, plus `random_seeds`, `antennas`, `config` and `column`.

    Args:
        random_seeds: one seed per simulated observation (100 to 1000 for a training set).
        antennas: antenna table of the array.
        config: MeqTrees TDL configuration profiles.
        column: data column the simulation writes and wsclean images.
        observation: array, pointing, time and frequency setup, and their random ranges.
        sky: the random sky model's settings.
        gains: the simulated gain errors.
        imaging: wsclean's settings.
    """
    runs = spiel.map(random_seed=random_seeds, antennas=antennas, config=config, column=column,
                     observation=observation, sky=sky, gains=gains, imaging=imaging)
    return Simulations(settings=runs.settings, skymodel=runs.skymodel,
                       visibilities=runs.visibilities, dirty=runs.dirty,
                       restored=runs.restored, model=runs.model, residual=runs.residual,
                       psf=runs.psf, bigpsf=runs.bigpsf, true_sky=runs.true_sky)
