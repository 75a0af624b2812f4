"""Toil (`toil-cwl-runner`): the same CWL on one machine (`single_machine`) or a cluster
(`slurm`, `kubernetes`, ...), installed with `pip install 'cwlgen[toil]'`.

Toil keeps its state in a job store. With a cache folder the job store lives at
`<cache>/toil/<workflow>.jobstore`, next to a key file holding a hash of the compiled CWL and
the inputs: a rerun with the same key adds `--restart`, so Toil re-executes only the jobs that
did not finish; a different key (changed workflow or inputs) starts afresh. Toil deletes the
job store when the run succeeds. Without a cache folder the job store lives in the build
folder and is always deleted. Either way it is on the same filesystem as the build folder,
which on a cluster must be one that every node sees.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from cwlgen.checks import all_processes
from cwlgen.ir import Process, Tool, Workflow
from cwlgen.runners.command_lines import toil_argv
from cwlgen.runners.request import RunRequest
from cwlgen.runners.state import RunState
from cwlgen.runners.toil_log import ToilLogParser

BATCH_SYSTEMS = ("single_machine", "slurm", "lsf", "grid_engine", "htcondor", "torque",
                 "kubernetes", "aws_batch", "mesos")


def job_store(req: RunRequest) -> Path:
    """Where Toil keeps its state for `req`: in the cache folder (resumable) or the build."""
    if req.cache is not None:
        return req.cache / "toil" / f"{req.process.name}.jobstore"
    return req.build_dir / "toil.jobstore"


def run_key(req: RunRequest) -> str:
    """A hash of everything that decides what the jobs do: the CWL documents and the job."""
    h = hashlib.sha256()
    for f in sorted(req.workflow.parent.glob("*.cwl")):
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    h.update(req.job.read_bytes())
    h.update((req.batch_system or "single_machine").encode())
    return h.hexdigest()


def needs_bypass(process: Process) -> bool:
    """Toil runs InplaceUpdateRequirement only with --bypass-file-store (jobs then share
    the filesystem instead of Toil's file store); add it when some tool updates in place.

    Caveat measured with Toil 9.6: in that mode scattered jobs whose outputs have the same
    file name overwrite each other in the output folder, so such steps must name their
    outputs after an input (docs/running.md)."""
    return any(
        isinstance(p, Tool) and any(i.staging is not None and i.staging.inplace for i in p.inputs)
        for p in all_processes(process)
    )


def bypass_collisions(process: Process) -> list[str]:
    """Scattered command-line steps whose outputs have a fixed file name: with
    --bypass-file-store Toil 9.6 lets the copies overwrite each other."""
    found = []
    for p in all_processes(process):
        if not isinstance(p, Workflow):
            continue
        for step in p.steps:
            tool = step.process
            if not step.scatter or not isinstance(tool, Tool) or tool.python is not None:
                continue
            fixed = [o.name for o in tool.outputs
                     if o.glob and "$(" not in o.glob and "${" not in o.glob]
            if fixed:
                found.append(
                    f"step '{p.name}/{step.id}' is scattered and its output(s) "
                    f"{', '.join(fixed)} have a fixed file name; under Toil's "
                    "--bypass-file-store (needed for in-place updates) the jobs overwrite "
                    "each other's files: name them after an input, e.g. "
                    "Out(glob=\"$(inputs.ms.nameroot).fits\")")
    return found


class ToilEngine:
    """Runs a request with toil-cwl-runner, on this machine or a cluster's batch system."""

    name = "toil"

    def __init__(self) -> None:
        self.restart = False

    def prepare(self, req: RunRequest) -> None:
        """Warn about outputs that would collide; keep the job store for a rerun of the same
        workflow and inputs (then restart it), otherwise start afresh."""
        if needs_bypass(req.process) and not req.quiet:
            for warning in bypass_collisions(req.process):
                print(f"[cwlgen] warning: {warning}", file=req.stream or sys.stderr)
        store = job_store(req)
        key_file = store.with_suffix(".key")
        key = run_key(req)
        self.restart = False
        if store.exists():
            same = req.cache is not None and key_file.exists() and key_file.read_text() == key
            if same:
                self.restart = True
            else:
                shutil.rmtree(store, ignore_errors=True)
        store.parent.mkdir(parents=True, exist_ok=True)
        if req.cache is not None:
            key_file.write_text(key)

    def argv(self, req: RunRequest) -> list[str]:
        """toil-cwl-runner's command line for `req` (see `command_lines.toil_argv`)."""
        return toil_argv(
            req.workflow, req.job, req.outdir, job_store=job_store(req),
            batch_system=req.batch_system, extra_args=req.extra_args,
            container=req.container, keep_store_on_failure=req.cache is not None,
            restart=self.restart, bypass_file_store=needs_bypass(req.process))

    def parser(self, state: RunState) -> ToilLogParser:
        """A parser of Toil's log."""
        return ToilLogParser(state)

    def cleanup(self, req: RunRequest, success: bool) -> None:
        """Delete the job store unless a failed run may be resumed from it."""
        store = job_store(req)
        if success or req.cache is None:
            shutil.rmtree(store, ignore_errors=True)
            store.with_suffix(".key").unlink(missing_ok=True)
