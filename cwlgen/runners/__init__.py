"""Everything that executes compiled workflows.

- `api`: `run()` / `run_workflow()`: compile, check the inputs, run an engine, typed outputs;
- `local`: `run_local()` / `run_job()`: Python tasks in-process, with CWL's semantics;
- `determinism`: run a workflow twice and name each step whose outputs differ;
- `command_lines`: the one place that builds cwltool's and Toil's command lines;
- `engines`, `cwltool_runner`, `toil_runner`, `execute`: starting an engine and following it;
- `steps`, `state`, `cwltool_log`, `toil_log`: what the engine's log says about each step;
- `display`, `report`: the live/plain progress, the final table and the failure report;
- `inputs`, `job_files`, `outputs`: Python values <-> the CWL job and output objects.

Import the public names from here (`from cwlgen.runners import run_workflow`).
"""

from typing import TYPE_CHECKING, Any

from cwlgen.runners.api import Outcome, run, run_workflow
from cwlgen.runners.engines import RUNNERS
from cwlgen.runners.inputs import make_job
from cwlgen.runners.job_files import load_job_file, parse_pairs
from cwlgen.runners.report import raise_for_failure
from cwlgen.runners.toil_runner import BATCH_SYSTEMS

if TYPE_CHECKING:
    from cwlgen.runners.determinism import check_determinism_run
    from cwlgen.runners.local import run_job, run_local

# imported on first use: `cwlgen run` needs neither (issue 14: its CPU over cwltool's)
_LAZY = {"check_determinism_run": "cwlgen.runners.determinism",
         "run_job": "cwlgen.runners.local", "run_local": "cwlgen.runners.local"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cwlgen.runners' has no attribute {name!r}")


__all__ = [
    "BATCH_SYSTEMS",
    "RUNNERS",
    "Outcome",
    "check_determinism_run",
    "load_job_file",
    "make_job",
    "parse_pairs",
    "raise_for_failure",
    "run",
    "run_job",
    "run_local",
    "run_workflow",
]
