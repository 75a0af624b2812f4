"""Running compiled CWL with an engine (cwltool, Toil) as a subprocess.

This module owns what every runner shares: the `RunRequest` (what to run, where), the
`RunResult` (outputs as CWL JSON plus the per-step record), and `execute`, which starts the
engine, streams its log through a parser into the progress display, keeps the full log on disk
and parses the output object it prints. Each engine module (`cwltool_runner`, `toil_runner`)
only says how to build its command line, how to read its log, and how to prepare/clean its
state (cache, job store).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, Protocol

import attrs

from cwlgen.errors import RunError
from cwlgen.ir import Process
from cwlgen.runners.progress import (
    RunState,
    StepIndex,
    failure_report,
    final_table,
    make_display,
)

RUNNERS = ("cwltool", "toil")


@attrs.frozen(kw_only=True)
class RunRequest:
    """One run: the compiled main document, its job, and where things go."""

    process: Process
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


@attrs.define
class RunResult:
    outputs: dict[str, Any]
    state: RunState
    log_path: Path
    outdir: Path
    returncode: int


class Parser(Protocol):
    def feed(self, line: str) -> None: ...


class Engine(Protocol):
    name: str

    def argv(self, req: RunRequest) -> list[str]: ...

    def parser(self, state: RunState) -> Parser: ...

    def prepare(self, req: RunRequest) -> None: ...

    def cleanup(self, req: RunRequest, success: bool) -> None: ...


def engine(name: str) -> Engine:
    if name == "cwltool":
        from cwlgen.runners.cwltool_runner import CwltoolEngine

        return CwltoolEngine()
    if name == "toil":
        from cwlgen.runners.toil_runner import ToilEngine

        return ToilEngine()
    from cwlgen.errors import UsageError

    raise UsageError(f"unknown runner '{name}'; use one of {', '.join(RUNNERS)}")


def tool_path(name: str) -> str:
    """An executable installed next to this Python (the venv's bin), else found on PATH."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    import shutil

    found = shutil.which(name)
    if found is None:
        raise RunError(f"'{name}' is not installed; install it with "
                       f"`pip install 'cwlgen[toil]'`" if "toil" in name else
                       f"'{name}' is not installed")
    return found


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


def execute(eng: Engine, req: RunRequest) -> RunResult:
    """Run the engine to completion, showing progress; never raises for a failed workflow
    (the caller decides), only for a runner that cannot start."""
    state = RunState(StepIndex(req.process), eng.name)
    parser = eng.parser(state)
    req.build_dir.mkdir(parents=True, exist_ok=True)
    req.outdir.mkdir(parents=True, exist_ok=True)
    log_path = req.build_dir / f"{eng.name}.log"
    eng.prepare(req)
    argv = eng.argv(req)
    stream = req.stream if req.stream is not None else sys.stderr
    display = _NullDisplay() if req.quiet else make_display(
        stream, f"{req.process.name} ({eng.name})", req.live)
    out_chunks: list[str] = []
    with open(log_path, "w", encoding="utf-8") as log:
        log.write("$ " + " ".join(argv) + "\n")
        try:
            proc = subprocess.Popen(
                argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                text=True, errors="replace", env=run_env(req.env), bufsize=1,
            )
        except OSError as exc:
            raise RunError(f"cannot start {eng.name}: {exc}") from None
        assert proc.stdout is not None and proc.stderr is not None
        reader = threading.Thread(target=_read_all, args=(proc.stdout, out_chunks), daemon=True)
        reader.start()
        try:
            with display:
                for line in proc.stderr:
                    log.write(line)
                    parser.feed(line)
                    if state.changed:
                        state.changed = False
                        display.update(state)
                code = proc.wait()
                reader.join()
                state.finish(code == 0)
                display.update(state)
        except KeyboardInterrupt:
            _stop(proc)
            raise
    eng.cleanup(req, code == 0)
    if not req.quiet:
        from rich.console import Console

        Console(file=stream).print(final_table(state))
    text = "".join(out_chunks).strip()
    outputs: dict[str, Any] = {}
    if text:
        try:
            # cwltool prints the output object; anything before the first '{' is noise
            outputs = json.loads(text[text.index("{"):])
        except (ValueError, json.JSONDecodeError):
            if code == 0:
                raise RunError(f"{eng.name} printed no output object; see {log_path}") from None
    return RunResult(outputs=outputs, state=state, log_path=log_path, outdir=req.outdir,
                     returncode=code)


def raise_for_failure(result: RunResult, runner: str) -> None:
    """A RunError naming the failed step, its command and stderr tail (CG507)."""
    if result.returncode == 0:
        return
    from cwlgen.ir.diagnostics import diag

    report = failure_report(result.state, str(result.log_path))
    failed = result.state.failed_steps()
    step = failed[0] if failed else "?"
    head = diag("CG507", None, step=step, detail=f" under {runner}").render()
    if not failed:
        head = f"error[CG507]: the {runner} run failed (exit code {result.returncode})"
        if not result.state.errors:
            tail = result.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
            report = "\n".join(["  " + line for line in tail[-10:]] + [report])
    err = RunError(f"{head}\n{report}")
    err.result = result  # type: ignore[attr-defined]
    raise err


def _read_all(stream: IO[str], into: list[str]) -> None:
    into.append(stream.read())


def _stop(proc: subprocess.Popen[str]) -> None:
    try:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    except (subprocess.TimeoutExpired, OSError):
        proc.kill()
        proc.wait()


class _NullDisplay:
    def __enter__(self) -> _NullDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, state: RunState) -> None:
        return None

