"""What a run is given (`RunRequest`) and what it gives back (`RunResult`), for every engine."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from cwlgen.ir import Process
from cwlgen.ir.frozen import define, frozen
from cwlgen.runners.state import RunState


@frozen(kw_only=True)
class RunRequest:
    """One run: the compiled main document, its job, and where things go."""

    process: Process  # the process as emitted (after lowering): what the engine reports on
    workflow: Path
    job: Path
    outdir: Path
    build_dir: Path
    cache: Path | None = None
    parallel: bool = False
    batch_system: str | None = None
    container: str | None = None  # None: run tools on the host (--no-container)
    extra_args: tuple[str, ...] = ()
    stream: IO[str] | None = None  # where progress goes (default: stderr); None+quiet: nowhere
    live: bool | None = None  # force the live display on/off (default: when a terminal)
    quiet: bool = False
    env: Mapping[str, str] | None = None
    written: Process | None = None  # the process before lowering: how many jobs to expect
    report: Path | None = None  # write the HTML run report here


@define
class RunResult:
    """A finished engine run: its output object (CWL JSON), what happened, where its log is."""

    outputs: dict[str, Any]
    state: RunState
    log_path: Path
    outdir: Path
    returncode: int
    report: Path | None = None  # the HTML run report, when one was asked for
