"""cwltool, the default runner: one machine, no extra install.

Resume uses cwltool's job cache: with `cache`, every job's outputs are kept under
`<cache>/cwltool/<hash of the job's command line and inputs>`, so a rerun with the same cache
reuses each job that finished and re-executes only the rest.
"""

from __future__ import annotations

import sys

from cwlgen.runners import RunRequest
from cwlgen.runners.progress import CwltoolLogParser, RunState


class CwltoolEngine:
    name = "cwltool"

    def argv(self, req: RunRequest) -> list[str]:
        # not `python -m cwltool`: its __main__ drops the exit status (a failed run exits 0)
        # the user's arguments first, so an option taking several values cannot swallow ours
        argv = [sys.executable, "-c", "import sys; from cwltool.main import run; sys.exit(run())",
                *req.extra_args, "--disable-color", "--outdir", str(req.outdir)]
        if req.container is None:
            argv.append("--no-container")
        elif req.container != "docker":
            argv.append(f"--{req.container}")  # --podman, --singularity
        if req.cache is not None:
            argv += ["--cachedir", str(req.cache / "cwltool")]
        if req.parallel:
            argv.append("--parallel")
        argv += [str(req.workflow), str(req.job)]
        return argv

    def parser(self, state: RunState) -> CwltoolLogParser:
        return CwltoolLogParser(state)

    def prepare(self, req: RunRequest) -> None:
        if req.cache is not None:
            (req.cache / "cwltool").mkdir(parents=True, exist_ok=True)

    def cleanup(self, req: RunRequest, success: bool) -> None:
        return None
