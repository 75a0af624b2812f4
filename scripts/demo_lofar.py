"""The tiny LOFAR demo (`make demo-lofar`): run pipelines/tiny_lofar.py for real and show what
came out.

1. `tiny_lofar` over three synthetic subbands (python-casacore -> aoflagger in place -> DP3
   average -> wsclean -> source check), then a table of the recovered sources against the
   injected truth, with the tolerances the check step applied;
2. `real_ms_chain` on the real LOFAR test MS of DP3 (`../shared/data/tNDPPP-generic.MS.tgz`,
   unpacked into a temporary folder, never into shared/): flag -> average -> image, then
   the image statistics.

    .venv/bin/python scripts/demo_lofar.py                       # cwltool (default)
    .venv/bin/python scripts/demo_lofar.py --runner toil         # Toil, single machine
    .venv/bin/python scripts/demo_lofar.py --runner toil --batch-system slurm
    .venv/bin/python scripts/demo_lofar.py --keep /tmp/lofar     # keep the images and logs

Needs wsclean and aoflagger (Debian), and `pip install 'cwlgen[radio]'` (python-casacore, dp3,
numpy) in this Python's environment; jobs find `python3` and `DP3.py` through this Python's bin
folder, which cwlgen.run puts first on PATH.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
REAL_MS_TGZ = REPO.parent / "shared" / "data" / "tNDPPP-generic.MS.tgz"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import cwlgen  # noqa: E402
from cwlgen import Directory, RunError  # noqa: E402


def missing_tools() -> list[str]:
    """What the jobs need and this machine lacks (PATH as the jobs will see it)."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    absent = [c for c in ("wsclean", "aoflagger", "DP3.py") if shutil.which(c, path=path) is None]
    for module in ("numpy", "casacore"):
        try:
            __import__(module)
        except ImportError:
            absent.append(f"Python module {module}")
    return absent


def runner_options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {"runner": args.runner}
    if args.runner == "toil":
        # aoflagger updates the MS in place: Toil supports that only outside its file store
        options["runner_args"] = ["--bypass-file-store"]
        options["batch_system"] = args.batch_system
    return options


def sources_table(checks: list[Any]) -> str:
    head = (f"{'subband':>7} {'MHz':>8} {'src':>3} {'true Jy':>8} {'found Jy':>8} "
            f"{'flux err':>8} {'pos err':>8} {'ok':>3}")
    lines = [head, "-" * len(head)]
    for check in checks:
        for s in check.sources:
            good = (s.position_error_arcmin <= check.position_tolerance_arcmin
                    and abs(s.flux_error) <= check.flux_tolerance)
            lines.append(f"{check.subband:>7} {check.frequency_mhz:>8.3f} {s.name:>3} "
                         f"{s.true_flux_jy:>8.3f} {s.found_flux_jy:>8.3f} "
                         f"{100 * s.flux_error:>+7.1f}% {s.position_error_arcmin:>7.3f}' "
                         f"{'yes' if good else 'NO':>3}")
    first = checks[0]
    lines.append(f"tolerances: position {first.position_tolerance_arcmin}', flux "
                 f"{100 * first.flux_tolerance:.0f}%")
    for check in checks:
        lines.append(f"subband {check.subband}: RFI burst {100 * check.rfi_flagged_fraction:.0f}% "
                     f"flagged ({100 * check.flagged_fraction:.1f}% of all visibilities), "
                     f"channels {check.channels_in} -> {check.channels_out}, residual rms "
                     f"{1000 * check.image_rms_jy:.1f} mJy/beam")
    return "\n".join(lines)


def run_synthetic(args: argparse.Namespace, work: Path) -> float:
    from pipelines.tiny_lofar import tiny_lofar

    print(f"== tiny_lofar: {len(args.subbands)} synthetic subbands with {args.runner}", flush=True)
    start = time.perf_counter()
    out = cwlgen.run(tiny_lofar, outdir=work / "synthetic", subbands=args.subbands,
                     **runner_options(args))
    took = time.perf_counter() - start
    print(sources_table(out.checks))
    print("images: " + ", ".join(Path(i.path).name for i in out.images))
    print(f"tiny_lofar took {took:.1f} s\n", flush=True)
    return took


def run_real(args: argparse.Namespace, work: Path) -> float:
    from pipelines.tiny_lofar import flag_summary, real_ms_chain

    if not REAL_MS_TGZ.is_file():
        print(f"== real_ms_chain skipped: {REAL_MS_TGZ} is not there")
        return 0.0
    data = work / "real-data"
    data.mkdir()
    with tarfile.open(REAL_MS_TGZ) as archive:
        archive.extractall(data, filter="data")
    ms = data / "tNDPPP-generic.MS"
    before = flag_summary(str(ms))[0]
    print(f"== real_ms_chain: {REAL_MS_TGZ.name} (unpacked into {data}) with {args.runner}",
          flush=True)
    start = time.perf_counter()
    out = cwlgen.run(real_ms_chain, outdir=work / "real", ms=Directory(str(ms)),
                     **runner_options(args))
    took = time.perf_counter() - start
    s = out.stats
    print(f"flagged: {100 * before:.1f}% before, {100 * s.flagged_fraction:.1f}% after aoflagger "
          "(in place; its LOFAR strategy replaces the existing flags)")
    print(f"channels {s.channels_in} -> {s.channels_out} (DP3), image {s.width}x{s.height} at "
          f"{s.frequency_mhz:.3f} MHz, {100 * s.finite_fraction:.0f}% finite pixels")
    print(f"image min {1e6 * s.min_jy:.1f}, max {1e6 * s.max_jy:.1f}, mean {1e6 * s.mean_jy:.2f}, "
          f"residual rms {1e6 * s.rms_jy:.1f} uJy/beam; peak at RA {s.peak_ra_deg:.4f}, "
          f"Dec {s.peak_dec_deg:.4f} deg")
    print(f"image: {Path(out.image.path).name}")
    print(f"real_ms_chain took {took:.1f} s", flush=True)
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runner", choices=("cwltool", "toil"), default="cwltool")
    parser.add_argument("--batch-system", default="single_machine",
                        help="Toil batch system (single_machine, slurm, ...)")
    parser.add_argument("--subbands", type=int, nargs="+", default=[100, 200, 300])
    parser.add_argument("--keep", type=Path, help="keep outputs and build files in this folder")
    parser.add_argument("--skip-real", action="store_true", help="only the synthetic subbands")
    args = parser.parse_args(argv)

    absent = missing_tools()
    if absent:
        print(f"demo-lofar needs: {', '.join(absent)} (apt-get install wsclean aoflagger "
              "casacore-data; pip install 'cwlgen[radio]')", file=sys.stderr)
        return 2
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="cwlgen-lofar-"))
    work.mkdir(parents=True, exist_ok=True)
    old = Path.cwd()
    os.chdir(work)  # cwlgen.run keeps its build folder (.cwlgen/build) under the working dir
    try:
        took = run_synthetic(args, work)
        if not args.skip_real:
            took += run_real(args, work)
    except RunError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        os.chdir(old)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\ndemo-lofar OK ({took:.1f} s of pipeline runs)"
          + (f"; outputs in {work}" if args.keep else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
