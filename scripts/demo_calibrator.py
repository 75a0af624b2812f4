"""The tiny calibrator demo (`make demo-calibrator`): run pipelines/tiny_calibrator.py for real
and print what calibration recovered against what was injected.

Four synthetic subbands (120-180 MHz) corrupted by per-station amplitudes, clocks and TECs ->
aoflagger (in place) -> DP3 average -> DP3 gaincal against the sky model -> LoSoTo's collector
-> clock/TEC separation -> LoSoTo amplitude smoothing (in place) -> plots -> DP3 applycal ->
wsclean, corrected and uncorrected -> the check. The check step fails the run unless the
solutions and the corrected image are within tolerance and the uncorrected image is not.

    .venv/bin/python scripts/demo_calibrator.py                       # cwltool (default)
    .venv/bin/python scripts/demo_calibrator.py --runner toil         # Toil, single machine
    .venv/bin/python scripts/demo_calibrator.py --runner toil --batch-system slurm
    .venv/bin/python scripts/demo_calibrator.py --keep /tmp/cal       # keep images and plots

Needs wsclean and aoflagger (Debian) and `pip install 'cwlgen[radio]'` (python-casacore, dp3,
losoto, numpy, matplotlib) in this Python's environment; jobs find `python3`, `DP3.py`,
`H5parm_collector.py` and `losoto` through this Python's bin folder, which cwlgen.run puts
first on PATH.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import cwlgen  # noqa: E402
from cwlgen import RunError  # noqa: E402

COMMANDS = ("wsclean", "aoflagger", "DP3.py", "H5parm_collector.py", "losoto")
MODULES = ("numpy", "casacore", "losoto", "matplotlib")


def missing_tools() -> list[str]:
    """What the jobs need and this machine lacks (PATH as the jobs will see it)."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    absent = [c for c in COMMANDS if shutil.which(c, path=path) is None]
    for module in MODULES:
        try:
            __import__(module)
        except ImportError:
            absent.append(f"Python module {module}")
    return absent


def runner_options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {"runner": args.runner}
    if args.runner == "toil":
        # aoflagger and LoSoTo update in place: Toil supports that only outside its file store
        options["runner_args"] = ["--bypass-file-store"]
        options["batch_system"] = args.batch_system
    return options


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runner", choices=("cwltool", "toil"), default="cwltool")
    parser.add_argument("--batch-system", default="single_machine",
                        help="Toil batch system (single_machine, slurm, ...)")
    parser.add_argument("--keep", type=Path, help="keep outputs and build files in this folder")
    args = parser.parse_args(argv)

    absent = missing_tools()
    if absent:
        print(f"demo-calibrator needs: {', '.join(absent)} (apt-get install wsclean aoflagger "
              "casacore-data; pip install 'cwlgen[radio]')", file=sys.stderr)
        return 2
    from pipelines.tiny_calibrator import format_check, tiny_calibrator

    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="cwlgen-cal-"))
    work.mkdir(parents=True, exist_ok=True)
    old = Path.cwd()
    os.chdir(work)  # cwlgen.run keeps its build folder (.cwlgen/build) under the working dir
    try:
        print(f"== tiny_calibrator with {args.runner}"
              + (f" ({args.batch_system})" if args.runner == "toil" else ""), flush=True)
        start = time.perf_counter()
        out = cwlgen.run(tiny_calibrator, outdir=work / "out", **runner_options(args))
        took = time.perf_counter() - start
    except RunError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        os.chdir(old)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(format_check(out.check))
    print("outputs: " + ", ".join(Path(f.path).name for f in
                                  [out.solutions, *out.plots, out.corrected_image,
                                   out.uncorrected_image]))
    print(f"\ndemo-calibrator OK: tiny_calibrator took {took:.1f} s with {args.runner}"
          + (f"; outputs in {work / 'out'}" if args.keep else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
