"""The command lines that start cwltool and Toil, built in this one place so that every run
(`cwlgen.run`, `cwlgen run`, the determinism check) starts an engine the same way.

In both, the user's own arguments come first: an option taking several values
(`--preserve-environment A B`) would otherwise swallow ours and the workflow path.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from cwlgen.errors import RunError

# not `python -m cwltool`: its __main__ drops the exit status (a failed run exits 0)
CWLTOOL_MAIN = "import sys; from cwltool.main import run; sys.exit(run())"

# cwltool and Toil refuse input file names with spaces, '#', '?', quotes, non-ASCII and more
# ("contains illegal characters"); staged by URI they arrive intact, so accept every name
RELAX_PATHS = ("--relax-path-checks",)


def cwltool_prefix() -> list[str]:
    """How every cwltool command line starts: this Python running cwltool's `run`."""
    return [sys.executable, "-c", CWLTOOL_MAIN]


def container_flags(container: str | None) -> list[str]:
    """None: run tools on the host; "docker": the engines' default; else --podman etc."""
    if container is None:
        return ["--no-container"]
    if container != "docker":
        return [f"--{container}"]
    return []


def cwltool_argv(
    workflow: Path,
    job: Path,
    outdir: Path,
    *,
    extra_args: Sequence[str] = (),
    container: str | None = None,
    cache: Path | None = None,
    parallel: bool = False,
    tmpdir: Path | None = None,
) -> list[str]:
    """cwltool run by this Python; `cache` keeps job results for a rerun (resume), `tmpdir`
    holds cwltool's temporary folders (default: the system's)."""
    argv = [*cwltool_prefix(), *extra_args, "--disable-color",
            "--outdir", str(outdir)]
    if tmpdir is not None:
        argv += ["--tmpdir-prefix", f"{tmpdir}/", "--tmp-outdir-prefix", f"{tmpdir}/"]
    argv += [*RELAX_PATHS, *container_flags(container)]
    if cache is not None:
        argv += ["--cachedir", str(cache)]
    if parallel:
        argv.append("--parallel")
    return [*argv, str(workflow), str(job)]


def toil_argv(
    workflow: Path,
    job: Path,
    outdir: Path,
    *,
    job_store: Path,
    batch_system: str | None = None,
    extra_args: Sequence[str] = (),
    container: str | None = None,
    keep_store_on_failure: bool = False,
    restart: bool = False,
    bypass_file_store: bool = False,
    stats: bool = False,
) -> list[str]:
    """toil-cwl-runner with its job store at `job_store`; `keep_store_on_failure` lets a
    rerun `restart` it (resume). `stats` makes Toil measure every job (for the run report);
    Toil then keeps the job store, and the engine's cleanup deletes it once it is read."""
    argv = [tool_path("toil-cwl-runner"), *extra_args,
            "--batchSystem", batch_system or "single_machine",
            "--jobStore", str(job_store),
            "--outdir", str(outdir),
            "--clean", "onSuccess" if keep_store_on_failure else "always",
            "--disableProgress", *RELAX_PATHS, *container_flags(container)]
    if restart:
        argv.append("--restart")
    if stats:  # Toil keeps the job store for its statistics anyway: say so, not a warning
        argv[argv.index("--clean", len(extra_args)) + 1] = "never"
        argv.append("--stats")
    if bypass_file_store and "--bypass-file-store" not in extra_args:
        argv.append("--bypass-file-store")
    return [*argv, str(workflow), str(job)]


def tool_path(name: str) -> str:
    """An executable installed next to this Python (the venv's bin), else found on PATH."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    if found is None:
        raise RunError(f"'{name}' is not installed; install it with "
                       f"`pip install 'cwlgen[toil]'`" if "toil" in name else
                       f"'{name}' is not installed")
    return found
