"""The engines that run compiled CWL, behind one small interface: how to build the command
line, how to read the log, and how to prepare and clean up the engine's own state."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from cwlgen.errors import UsageError
from cwlgen.runners.request import RunRequest
from cwlgen.runners.state import RunState

RUNNERS = ("cwltool", "toil")


class Parser(Protocol):
    """Turns an engine's log lines into `RunState` updates."""

    def feed(self, line: str) -> None:
        """Read one line of the engine's stderr."""


class Engine(Protocol):
    """One engine (see `cwltool_runner`, `toil_runner`)."""

    name: str

    def argv(self, req: RunRequest) -> list[str]:
        """The command line that runs `req`."""

    def parser(self, state: RunState) -> Parser:
        """A parser of this engine's log that updates `state`."""

    def prepare(self, req: RunRequest) -> None:
        """Get the engine's state (cache, job store) ready before it starts."""

    def cleanup(self, req: RunRequest, success: bool) -> None:
        """Remove what the engine leaves behind that a rerun does not need."""


def engine(name: str) -> Engine:
    """The engine called `name`; a UsageError naming the choices for an unknown one."""
    if name == "cwltool":
        from cwlgen.runners.cwltool_runner import CwltoolEngine

        return CwltoolEngine()
    if name == "toil":
        from cwlgen.runners.toil_runner import ToilEngine

        return ToilEngine()
    raise UsageError(f"unknown runner '{name}'; use one of {', '.join(RUNNERS)}")


def run_env(extra: Mapping[str, str] | None) -> dict[str, str]:
    """The engine's environment: ours, with this Python's bin folder first on PATH (Toil
    starts `_toil_worker` by name, also on Slurm nodes, which inherit PATH)."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    parts = env.get("PATH", "").split(os.pathsep)
    if bindir not in parts:
        env["PATH"] = os.pathsep.join([bindir, *[p for p in parts if p]])
    env.setdefault("PYTHONUNBUFFERED", "1")
    if extra:
        env.update(extra)
    return env
