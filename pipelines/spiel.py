"""Spiel: simulate a radio-telescope observation and image it, as the EOSC LOFAR pilot did in
CWL in 2018 (after Stimela's simulation example), to generate training sets for neural networks.

One run draws random observation parameters from a seed (a Python task), creates an empty
Measurement Set (simms), makes a random sky model (a Python task), simulates visibilities into
the MS *in place* (MeqTrees turbo-sim), images it with wsclean (dirty, restored, model, residual,
PSF) and restores the sky model onto a FITS image (tigger-restore). Every output is named after
the run, so the runs of `spiel_multi` (the whole workflow scattered over a list of seeds, 100 to
1000 for a training set) never collide; the 2018 version needed nine `mv` steps for that.

The 2018 steps were `python -c` scripts with JavaScript-interpolated values (`$(inputs.x)`,
`Math.sqrt`); here they are Python tasks, and no JavaScript is emitted at all.
"""

from __future__ import annotations

import json
import math
import random
from typing import Annotated, NamedTuple

from cwlgen import Arg, Directory, File, Out, Resources, task, tool, workflow

FITS = "iana:image/fits"
PYTHON = "python:3.12-slim"  # the tasks need only the standard library


# --- parameters and sky model (Python tasks) -----------------------------------------------------

class Parameters(NamedTuple):
    name: str
    dec: float
    synthesis: float
    dfreq: float
    flux_scale: float
    noise_stddev: float
    settings: File


@task(container=PYTHON, resources=Resources(cores=1, ram="128 MiB", time_limit="5 min"))
def random_parameters(
    random_seed: int,
    telescope: str,
    ra: float,
    dec_min: float,
    dec_max: float,
    synthesis_min: float,
    synthesis_max: float,
    dfreq_min: float,
    dfreq_max: float,
    flux_scale_min: float,
    flux_scale_max: float,
    sefd: float,
    dtime: float,
) -> Parameters:
    """Draw the random parameters of one simulated observation from its seed.

    Deterministic: the same seed gives the same parameters. Also writes them, with the fixed
    ones, to `<name>-settings.json` (2018: a separate `write_settings` step).

    Args:
        random_seed: seed of this run; also names its outputs.
        telescope: telescope name known to simms.
        ra: right ascension of the phase centre (deg).
        dec_min: lowest declination drawn (deg).
        dec_max: highest declination drawn (deg).
        synthesis_min: shortest synthesis time drawn (h).
        synthesis_max: longest synthesis time drawn (h).
        dfreq_min: narrowest channel drawn (Hz).
        dfreq_max: widest channel drawn (Hz).
        flux_scale_min: log10 of the faintest flux scale drawn.
        flux_scale_max: log10 of the brightest flux scale drawn.
        sefd: system equivalent flux density (Jy).
        dtime: integration time (s).
    """
    rng = random.Random(random_seed)
    dec = rng.uniform(dec_min, dec_max)
    synthesis = rng.uniform(synthesis_min, synthesis_max)
    dfreq = float(int(rng.uniform(dfreq_min, dfreq_max)))
    flux_scale = 10 ** rng.uniform(flux_scale_min, flux_scale_max)
    noise_stddev = sefd / math.sqrt(2 * dtime * dfreq)
    name = f"spiel-{random_seed:05d}"
    settings = {
        "seed": random_seed, "telescope": telescope, "ra": ra, "dec": dec,
        "synthesis": synthesis, "dtime": dtime, "dfreq": dfreq, "flux_scale": flux_scale,
        "sefd": sefd, "noise_stddev": noise_stddev,
    }
    with open(f"{name}-settings.json", "w", encoding="utf-8") as handle:
        json.dump(settings, handle, indent=1, sort_keys=True)
    return Parameters(name=name, dec=dec, synthesis=synthesis, dfreq=dfreq,
                      flux_scale=flux_scale, noise_stddev=noise_stddev,
                      settings=File(f"{name}-settings.json"))


@task(container=PYTHON, resources=Resources(cores=1, ram="256 MiB", time_limit="5 min"))
def make_skymodel(
    name: str,
    random_seed: int,
    ra: float,
    dec: float,
    freq0: float,
    dfreq: float,
    flux_scale: float,
    sefd: float,
    dtime: float,
    nant: int,
    nsrc: int = 100,
    fov: float = 1.0,
    pb_fwhm: float = 0.25,
) -> File:
    """Make a random sky model (Tigger LSM text) of `nsrc` point sources.

    Fluxes follow a Pareto distribution scaled to the thermal noise of the array; positions
    cluster in the primary beam (Gaussian of FWHM `pb_fwhm`), or fill the field of view
    uniformly when `pb_fwhm` is 0; spectral indices scatter around -0.7.

    Args:
        name: name of this run (the file is `<name>-skymodel.txt`).
        random_seed: seed of this run.
        ra: right ascension of the phase centre (deg).
        dec: declination of the phase centre (deg).
        freq0: reference frequency (Hz).
        dfreq: channel width (Hz).
        flux_scale: flux scale relative to the noise.
        sefd: system equivalent flux density (Jy).
        dtime: integration time (s).
        nant: number of antennas.
        nsrc: number of sources.
        fov: field of view (deg), used when pb_fwhm is 0.
        pb_fwhm: primary beam FWHM (deg).
    """
    rng = random.Random(random_seed * 7919 + 1)
    baselines = nant * (nant - 1) / 2
    noise = sefd / math.sqrt(2 * dtime * dfreq * baselines)
    path = f"{name}-skymodel.txt"
    with open(path, "w", encoding="utf-8") as model:
        model.write("#format: name ra_d dec_d i freq0 spi\n")
        for index in range(nsrc):
            flux = (rng.paretovariate(8.0) - 1.0) * noise * flux_scale
            if pb_fwhm:
                src_ra = ra + rng.gauss(0.0, pb_fwhm / 2)
                src_dec = dec + rng.gauss(0.0, pb_fwhm / 2)
            else:
                src_ra = rng.uniform(ra - fov / 2, ra + fov / 2)
                src_dec = rng.uniform(dec - fov / 2, dec + fov / 2)
            spi = rng.gauss(-0.7, 0.01)
            model.write(f"src{index:04d} {src_ra:.6f} {src_dec:.6f} {flux:.4g} {freq0:.6g} "
                        f"{spi:.3f}\n")
    return File(path)


# --- tools -------------------------------------------------------------------------------------

@tool(
    "simms",
    arguments=[
        Arg(prefix="--name", value_from="$(inputs.name).MS"),
        Arg(prefix="--ra", value_from="$(inputs.ra)deg"),
        Arg(prefix="--dec", value_from="$(inputs.dec)deg"),
    ],
    container="kernsuite/simms",
    env={"USER": "spiel"},  # simms reads $USER, which CWL runners do not pass on
    resources=Resources(cores=1, ram="2 GiB", outdir="4 GiB", time_limit="30 min"),
)
def simms(
    antennas: Annotated[Directory, Arg(position=100, load_listing="no_listing")],
    name: Annotated[str, Arg(bind=False)],
    ra: Annotated[float, Arg(bind=False)],
    dec: Annotated[float, Arg(bind=False)],
    synthesis: Annotated[float, Arg(prefix="--synthesis-time")],
    dfreq: Annotated[float, Arg(prefix="--dfreq")],
    telescope: Annotated[str, Arg(prefix="--tel")] = "meerkat",
    dtime: Annotated[float, Arg(prefix="--dtime")] = 10.0,
    freq0: Annotated[float, Arg(prefix="--freq0")] = 1.285e9,
    nchan: Annotated[int, Arg(prefix="--nchan")] = 1,
    table_type: Annotated[str, Arg(prefix="--type")] = "casa",
) -> Annotated[Directory, Out(glob="$(inputs.name).MS")]:
    """Create an empty Measurement Set for an observation with the given array.

    Args:
        antennas: antenna table (a casacore table) of the array.
        name: name of the Measurement Set (without `.MS`).
        ra: right ascension of the phase centre (deg).
        dec: declination of the phase centre (deg).
        synthesis: synthesis time (h).
        dfreq: channel width (Hz).
        telescope: telescope name.
        dtime: integration time (s).
        freq0: frequency of the first channel (Hz).
        nchan: number of channels.
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
        Arg(position=3, value_from="oms_gain_models.err-gain.error_model=SineError"),
        Arg(position=3, value_from="oms_gain_models.err-phase.error_model=SineError"),
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
    output_column: Annotated[str, Arg(position=3, prefix="ms_sel.output_column=",
                                      separate=False)] = "DATA",
    gain_errors: Annotated[int, Arg(position=3, prefix="me.g_enable=", separate=False)] = 1,
    gainamp_min_error: Annotated[float, Arg(
        position=3, prefix="oms_gain_models.err-gain.minval=", separate=False)] = 0.9,
    gainamp_max_error: Annotated[float, Arg(
        position=3, prefix="oms_gain_models.err-gain.maxval=", separate=False)] = 1.2,
    gainphase_min_error: Annotated[float, Arg(
        position=3, prefix="oms_gain_models.err-phase.minval=", separate=False)] = 2.0,
    gainphase_max_error: Annotated[float, Arg(
        position=3, prefix="oms_gain_models.err-phase.maxval=", separate=False)] = 10.0,
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
        output_column: column the visibilities are written to.
        gain_errors: 1 to apply time-variable gain errors, 0 not to.
        gainamp_min_error: smallest gain amplitude (1 is no error).
        gainamp_max_error: largest gain amplitude.
        gainphase_min_error: smallest gain phase error (deg).
        gainphase_max_error: largest gain phase error (deg).
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
    ],
    container="kernsuite/wsclean",
    resources=Resources(cores=4, ram="8 GiB", tmpdir="4 GiB", time_limit="4h"),
)
def wsclean(
    ms: Annotated[Directory, Arg(position=100, load_listing="no_listing")],
    name: Annotated[str, Arg(prefix="-name")],
    size: Annotated[list[int], Arg(prefix="-size")],
    scale: Annotated[str, Arg(prefix="-scale")] = "1.6asec",
    niter: Annotated[int, Arg(prefix="-niter")] = 100000,
    mgain: Annotated[float, Arg(prefix="-mgain")] = 1.0,
    column: Annotated[str, Arg(prefix="-data-column")] = "DATA",
    weight: Annotated[str, Arg(prefix="-weight")] = "uniform",
    auto_mask: Annotated[float, Arg(prefix="-auto-mask")] = 5.0,
    auto_threshold: Annotated[float, Arg(prefix="-auto-threshold")] = 0.125,
) -> Images:
    """Image the simulated visibilities: dirty, restored (cleaned), model, residual and PSF.

    Args:
        ms: the simulated Measurement Set (only read).
        name: prefix of the image files.
        size: image width and height in pixels.
        scale: pixel size, with unit.
        niter: maximum clean iterations.
        mgain: major-cycle gain.
        column: data column imaged.
        weight: visibility weighting.
        auto_mask: sigma level of the automatic clean mask.
        auto_threshold: sigma level cleaning stops at.
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
    true_sky: File


@workflow
def spiel(
    random_seed: int,
    antennas: Annotated[Directory, Arg(load_listing="no_listing")],
    config: File,
    telescope: str = "meerkat",
    nant: int = 16,
    ra: float = 266.363244382,
    dec_min: float = -60.0,
    dec_max: float = 0.0,
    synthesis_min: float = 2.0,
    synthesis_max: float = 12.0,
    dtime: float = 10.0,
    freq0: float = 1.285e9,
    dfreq_min: float = 8.0e5,
    dfreq_max: float = 8.5e6,
    nchan: int = 1,
    sefd: float = 520.0,
    flux_scale_min: float = -5.0,
    flux_scale_max: float = 0.5,
    nsrc: int = 100,
    pb_fwhm: float = 0.25,
    gain_errors: int = 1,
    size_x: int = 256,
    size_y: int = 256,
    scale: str = "1.6asec",
    niter: int = 100000,
) -> Simulation:
    """Simulate and image one random observation; every output is named after the seed.

    Args:
        random_seed: seed of this run.
        antennas: antenna table of the array.
        config: MeqTrees TDL configuration profiles.
        telescope: telescope name known to simms.
        nant: number of antennas.
        ra: right ascension of the phase centre (deg).
        dec_min: lowest declination drawn (deg).
        dec_max: highest declination drawn (deg).
        synthesis_min: shortest synthesis time drawn (h).
        synthesis_max: longest synthesis time drawn (h).
        dtime: integration time (s).
        freq0: frequency of the first channel (Hz).
        dfreq_min: narrowest channel drawn (Hz).
        dfreq_max: widest channel drawn (Hz).
        nchan: number of channels.
        sefd: system equivalent flux density (Jy).
        flux_scale_min: log10 of the faintest flux scale drawn.
        flux_scale_max: log10 of the brightest flux scale drawn.
        nsrc: sources in the sky model.
        pb_fwhm: primary beam FWHM (deg).
        gain_errors: 1 to simulate gain errors, 0 not to.
        size_x: image width (pixels).
        size_y: image height (pixels).
        scale: pixel size, with unit.
        niter: maximum clean iterations.
    """
    params = random_parameters(
        random_seed=random_seed, telescope=telescope, ra=ra, dec_min=dec_min, dec_max=dec_max,
        synthesis_min=synthesis_min, synthesis_max=synthesis_max, dfreq_min=dfreq_min,
        dfreq_max=dfreq_max, flux_scale_min=flux_scale_min, flux_scale_max=flux_scale_max,
        sefd=sefd, dtime=dtime,
    )
    empty = simms(antennas=antennas, name=params.name, telescope=telescope, ra=ra,
                  dec=params.dec, synthesis=params.synthesis, dtime=dtime, freq0=freq0,
                  dfreq=params.dfreq, nchan=nchan)
    sky = make_skymodel(name=params.name, random_seed=random_seed, ra=ra, dec=params.dec,
                        freq0=freq0, dfreq=params.dfreq, flux_scale=params.flux_scale,
                        sefd=sefd, dtime=dtime, nant=nant, nsrc=nsrc, pb_fwhm=pb_fwhm)
    visibilities = simulate(ms=empty, config=config, skymodel=sky,
                            noise_stddev=params.noise_stddev, gain_errors=gain_errors)
    images = wsclean(ms=visibilities, name=params.name, size=[size_x, size_y], scale=scale,
                     niter=niter)
    true_sky = restore(image=images.dirty, skymodel=sky, name=params.name)
    return Simulation(settings=params.settings, skymodel=sky, visibilities=visibilities,
                      dirty=images.dirty, restored=images.restored, model=images.model,
                      residual=images.residual, psf=images.psf, true_sky=true_sky)


class Simulations(NamedTuple):
    settings: list[File]
    skymodel: list[File]
    visibilities: list[Directory]
    dirty: list[File]
    restored: list[File]
    model: list[File]
    residual: list[File]
    psf: list[File]
    true_sky: list[File]


@workflow
def spiel_multi(
    random_seeds: list[int],
    antennas: Annotated[Directory, Arg(load_listing="no_listing")],
    config: File,
    telescope: str = "meerkat",
    nant: int = 16,
    ra: float = 266.363244382,
    nsrc: int = 100,
    size_x: int = 256,
    size_y: int = 256,
    scale: str = "1.6asec",
    niter: int = 100000,
) -> Simulations:
    """A training set: the whole `spiel` workflow scattered over a list of seeds.

    Args:
        random_seeds: one seed per simulated observation (100 to 1000 for a training set).
        antennas: antenna table of the array.
        config: MeqTrees TDL configuration profiles.
        telescope: telescope name known to simms.
        nant: number of antennas.
        ra: right ascension of the phase centre (deg).
        nsrc: sources per sky model.
        size_x: image width (pixels).
        size_y: image height (pixels).
        scale: pixel size, with unit.
        niter: maximum clean iterations.
    """
    runs = spiel.map(random_seed=random_seeds, antennas=antennas, config=config,
                     telescope=telescope, nant=nant, ra=ra, nsrc=nsrc, size_x=size_x,
                     size_y=size_y, scale=scale, niter=niter)
    return Simulations(settings=runs.settings, skymodel=runs.skymodel,
                       visibilities=runs.visibilities, dirty=runs.dirty,
                       restored=runs.restored, model=runs.model, residual=runs.residual,
                       psf=runs.psf, true_sky=runs.true_sky)
