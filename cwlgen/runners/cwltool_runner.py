"""cwltool, the default runner: one machine, no extra install.

Resume uses cwltool's job cache: with `cache`, every job's outputs are kept under
`<cache>/cwltool/<hash of the job's command line and inputs>`, so a rerun with the same cache
reuses each job that finished and re-executes only the rest.
"""

from __future__ import annotations

from cwlgen.runners.command_lines import cwltool_argv
from cwlgen.runners.cwltool_log import CwltoolLogParser
from cwlgen.runners.request import RunRequest
from cwlgen.runners.state import RunState


class CwltoolEngine:
    """Runs a request with cwltool on this machine."""

    name = "cwltool"

    def argv(self, req: RunRequest) -> list[str]:
        """cwltool's command line for `req` (see `command_lines.cwltool_argv`)."""
        return cwltool_argv(
            req.workflow, req.job, req.outdir, extra_args=req.extra_args,
            container=req.container,
            cache=req.cache / "cwltool" if req.cache is not None else None,
            parallel=req.parallel)

    def parser(self, state: RunState) -> CwltoolLogParser:
        """A parser of cwltool's log."""
        return CwltoolLogParser(state)

    def prepare(self, req: RunRequest) -> None:
        """Create the job cache folder."""
        if req.cache is not None:
            (req.cache / "cwltool").mkdir(parents=True, exist_ok=True)

    def cleanup(self, req: RunRequest, success: bool) -> None:
        """Nothing: the job cache is what a rerun reuses."""
        return None
