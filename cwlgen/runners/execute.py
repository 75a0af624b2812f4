"""Running an engine as a subprocess: start it, stream its log through the engine's parser into
the display, keep the full log on disk, and read the output object it prints.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import IO, Any

from cwlgen.errors import RunError
from cwlgen.runners.command_lines import cwltool_prefix
from cwlgen.runners.display import Display, NullDisplay, final_table, make_display
from cwlgen.runners.engines import Engine, run_env
from cwlgen.runners.forked import ForkedProcess, can_fork, fork_python
from cwlgen.runners.request import RunRequest, RunResult
from cwlgen.runners.run_report import expect_jobs, sampling, write_run_report
from cwlgen.runners.state import RunState
from cwlgen.runners.steps import StepIndex


def execute(eng: Engine, req: RunRequest) -> RunResult:
    """Run the engine to completion, showing progress; never raises for a failed workflow
    (the caller decides), only for a runner that cannot start."""
    state = RunState(StepIndex(req.process), eng.name)
    planned = expect_jobs(req, state)
    req.build_dir.mkdir(parents=True, exist_ok=True)
    req.outdir.mkdir(parents=True, exist_ok=True)
    log_path = req.build_dir / f"{eng.name}.log"
    eng.prepare(req)
    argv = eng.argv(req)
    stream = req.stream if req.stream is not None else sys.stderr
    display: Display = NullDisplay() if req.quiet else make_display(
        req.stream, f"{req.process.name} ({eng.name})", req.live)
    with open(log_path, "w", encoding="utf-8") as log:
        log.write("$ " + " ".join(argv) + "\n")
        with sampling(req, eng.name) as sampled:
            code, printed = _follow(eng, argv, req, log, state, display)
    report = write_run_report(req, eng.name, state, argv, log_path, sampled, planned)
    eng.cleanup(req, code == 0)
    if not req.quiet:
        from rich.console import Console

        Console(file=stream).print(final_table(state))
    if report is not None and not req.quiet:
        print(f"[cwlgen] run report: {report}", file=stream)
    outputs = _output_object(printed, code == 0, eng.name, log_path)
    return RunResult(outputs=outputs, state=state, log_path=log_path, outdir=req.outdir,
                     returncode=code, report=report)


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal (SIGTERM, SIGHUP) after every job was stopped."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _own_group() -> None:
    """In the engine's process, before it starts: lead a new process group (in cwlgen's
    session, so the watchdog can join it), and get SIGTERM when cwlgen dies, even by SIGKILL
    (Linux prctl PR_SET_PDEATHSIG)."""
    os.setpgid(0, 0)
    try:
        # the running program's own symbols, libc's among them: no `find_library`, which
        # starts `ldconfig -p` (a process, in every run) to find the file
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError, TypeError):
        pass


# A watchdog in the engine's process group: when cwlgen dies (even by SIGKILL, which it
# cannot catch) the kernel sends it SIGTERM and it kills the whole group, the jobs the engine
# started included (cwltool does not always stop them itself).
WATCHDOG = """\
import ctypes, os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, lambda *_: os.killpg(0, signal.SIGKILL))
try:
    ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)
except Exception:
    pass
if os.getppid() != int(sys.argv[1]):
    os.killpg(0, signal.SIGKILL)
while True:
    signal.pause()
"""


def _start_watchdog(group: int) -> subprocess.Popen[bytes] | None:
    """The watchdog process (see WATCHDOG), in process group `group`."""
    try:
        return subprocess.Popen(
            # -S: no site-packages to scan, only the standard library is needed
            [sys.executable, "-S", "-c", WATCHDOG, str(os.getpid())], stdin=subprocess.DEVNULL,
            preexec_fn=lambda: os.setpgid(0, group),  # noqa: PLW1509
        )
    except OSError:
        return None


def _end_group(group: int, watchdog: subprocess.Popen[bytes] | None) -> None:
    """Kill what is left of the engine's process group (the watchdog, stray jobs)."""
    with contextlib.suppress(OSError):
        os.killpg(group, signal.SIGKILL)
    if watchdog is not None:
        watchdog.wait()


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGTERM and SIGHUP raise `Interrupted` in the main thread (as Ctrl-C raises
    KeyboardInterrupt), so every way of stopping cwlgen stops the engine first."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _follow(eng: Engine, argv: list[str], req: RunRequest, log: IO[str], state: RunState,
            display: Display) -> tuple[int, str]:
    """Start the engine and feed its stderr to `log` and `parser` until it exits; (exit
    code, what it printed on stdout). The engine runs in its own process group: Ctrl-C,
    SIGTERM or SIGHUP to cwlgen stop the whole group (the engine and every job it started)
    before the interrupt propagates, and the engine dies with cwlgen if cwlgen is killed."""
    with _signals_raise():
        return _follow_engine(eng, argv, req, log, state, display)


def _follow_engine(eng: Engine, argv: list[str], req: RunRequest, log: IO[str],
                   state: RunState, display: Display) -> tuple[int, str]:
    proc: subprocess.Popen[str] | ForkedProcess
    try:
        if argv[:3] == cwltool_prefix() and can_fork(req.env):
            proc = fork_python(_cwltool_main, argv[3:], argv, run_env(req.env), _own_group)
        else:
            proc = subprocess.Popen(
                argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL, text=True, errors="replace", env=run_env(req.env),
                bufsize=1, preexec_fn=_own_group,  # noqa: PLW1509
            )
    except OSError as exc:
        raise RunError(f"cannot start {eng.name}: {exc}") from None
    watchdog = _start_watchdog(proc.pid)
    try:
        return _read_engine(eng, proc, state, display, log)
    finally:
        _end_group(proc.pid, watchdog)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _cwltool_main(args: list[str]) -> int:
    """cwltool's `run` (what CWLTOOL_MAIN calls), in a forked engine process."""
    from cwltool.main import run

    code: int = run(args)
    return code


def _read_engine(eng: Engine, proc: subprocess.Popen[str] | ForkedProcess, state: RunState,
                 display: Display, log: IO[str]) -> tuple[int, str]:
    assert proc.stdout is not None and proc.stderr is not None
    out_chunks: list[str] = []
    reader = threading.Thread(target=_read_all, args=(proc.stdout, out_chunks), daemon=True)
    reader.start()
    parser = eng.parser(state)
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
    return code, "".join(out_chunks)


def _output_object(printed: str, success: bool, name: str, log_path: Path) -> dict[str, Any]:
    """The output object the engine printed on stdout ({} when it printed none)."""
    text = printed.strip()
    if not text:
        return {}
    try:
        # cwltool prints the output object; anything before the first '{' is noise
        outputs: dict[str, Any] = json.loads(text[text.index("{"):])
    except (ValueError, json.JSONDecodeError):
        if success:
            raise RunError(f"{name} printed no output object; see {log_path}") from None
        return {}
    return outputs


def _read_all(stream: IO[str], into: list[str]) -> None:
    into.append(stream.read())


def _stop(proc: subprocess.Popen[str] | ForkedProcess) -> None:
    """Stop the engine's whole process group: SIGINT and SIGTERM (the engines stop their
    jobs and keep finished ones in the cache), then SIGKILL for whatever is left."""
    for sig, wait in ((signal.SIGINT, 5.0), (signal.SIGTERM, 5.0)):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
        except OSError:
            break
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)  # jobs the engine left behind
    if proc.poll() is None:
        proc.wait()
