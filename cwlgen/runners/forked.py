"""cwltool started as a fork of this process instead of a new Python (Linux).

`cwlgen run` has compiled the workflow and read the job by the time cwltool starts; a new
interpreter would then pay Python's start-up and import again every module cwlgen already
holds (the standard library, ruamel.yaml, ...). Forking skips both: measured on a 3-step
workflow, cwltool's process needs ~170 ms less CPU, which is what keeps `cwlgen run` within 5%
of plain cwltool (issue 14). The child behaves as `python -c CWLTOOL_MAIN` would: the same
process group, death signal, environment, stdin/stdout/stderr, `sys.path` as Python set it up
(a pipeline's folder, put in front by target loading, is removed, and modules imported from
such folders are forgotten, so none can shadow one of cwltool's), no other file descriptor of
the parent, no handler on the root logger, its own exit handlers only.

A fork is used only where it is safe: on Linux, with no other thread running (a thread
holding a lock at the fork would leave it locked in the child: Jupyter kernels and
pytest-xdist workers run threads, so they start a new interpreter as before), when cwltool is
not imported in this process yet (its logger would still write to the streams it found
then), and when no PYTHON* variable is set for the engine alone (it would change how an
interpreter starts).
`CWLGEN_FORK_ENGINE=0` always starts a new interpreter.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import locale
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from typing import IO, NoReturn

import cwlgen._startup


def can_fork(extra_env: Mapping[str, str] | None) -> bool:
    """Whether the engine may be started as a fork of this process (see the module doc)."""
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and os.environ.get("CWLGEN_FORK_ENGINE", "1") != "0"
        and threading.active_count() == 1
        # a cwltool imported here already (a test run, a notebook that validated CWL) has
        # bound its log handler and default streams to this process's sys.stderr objects
        and "cwltool" not in sys.modules
        and not any(k.startswith("PYTHON") and k != "PYTHONUNBUFFERED"
                    for k in (extra_env or {}))
    )


class ForkedProcess:
    """What the engine loop uses of a `subprocess.Popen`, for a forked child."""

    def __init__(self, pid: int, args: list[str], stdout: IO[str], stderr: IO[str]) -> None:
        self.pid = pid
        self.args = args
        self.stdout = stdout
        self.stderr = stderr
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit code if the child has ended, else None."""
        if self.returncode is None:
            self._reap(os.WNOHANG)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the child (subprocess.TimeoutExpired after `timeout` seconds)."""
        if timeout is None:
            while self.returncode is None:
                self._reap(0)
            return self.returncode
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(self.args, timeout)
            time.sleep(0.05)
        assert self.returncode is not None
        return self.returncode

    def _reap(self, flags: int) -> None:
        try:
            pid, status = os.waitpid(self.pid, flags)
        except ChildProcessError:  # reaped elsewhere: its status is lost
            self.returncode = 1
            return
        if pid:
            self.returncode = os.waitstatus_to_exitcode(status)


def fork_python(main: Callable[[list[str]], int], args: list[str], shown: list[str],
                env: Mapping[str, str], before: Callable[[], None]) -> ForkedProcess:
    """Run `main(args)` in a forked child with `env` as its environment, stdin from
    /dev/null, stdout and stderr piped back as text; `before` runs first in the child (as a
    `preexec_fn`). `shown` is the equivalent command line (for messages)."""
    encoding = locale.getpreferredencoding(False)
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    ready_r, ready_w = os.pipe()  # closed by the child once `before` has run
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        if stream is not None:
            stream.flush()
    gc.freeze()  # the child's collector leaves the inherited objects (and their pages) alone
    try:
        pid = os.fork()
    finally:
        gc.unfreeze()
    if pid == 0:
        os.close(ready_r)
        _child(main, args, env, encoding, (out_r, out_w, err_r, err_w, ready_w), before)
    os.close(out_w)
    os.close(err_w)
    os.close(ready_w)
    # as Popen returns after its preexec_fn: the child's process group exists from here on
    # (the watchdog joins it at once)
    os.read(ready_r, 1)
    os.close(ready_r)
    return ForkedProcess(
        pid, shown,
        open(out_r, encoding=encoding, errors="replace"),  # noqa: SIM115 - the caller closes
        open(err_r, encoding=encoding, errors="replace"),  # noqa: SIM115
    )


def _child(main: Callable[[list[str]], int], args: list[str], env: Mapping[str, str],
           encoding: str, fds: tuple[int, int, int, int, int], before: Callable[[], None]
           ) -> NoReturn:
    """The forked child: become the engine's process, run it, exit; never returns (nor
    runs the parent's `finally` blocks or exit handlers)."""
    code = 1
    inherited: list[IO[str] | None] = []
    try:
        out_r, out_w, err_r, err_w, ready_w = fds
        os.close(out_r)
        os.close(err_r)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        for fd in (null, out_w, err_w):
            os.close(fd)
        inherited = [sys.stdout, sys.stderr]  # what a cwltool imported earlier may hold
        sys.stdin = open(0, encoding=encoding, closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", encoding=encoding, buffering=1, closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding=encoding, errors="backslashreplace",  # noqa: SIM115
                          buffering=1, closefd=False)
        try:
            before()
        finally:
            os.close(ready_w)
        atexit._clear()  # the parent's exit handlers are not the engine's
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        os.environ.clear()
        os.environ.update(env)
        tempfile.tempdir = None
        _fresh_import_path()
        _fresh_process_state()
        sys.argv = ["cwltool", *args]
        code = main(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
    except KeyboardInterrupt:
        code = 128 + signal.SIGINT
    except BaseException:  # noqa: BLE001 - reported on stderr like an uncaught error
        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()
            for stream in [sys.stdout, sys.stderr, *inherited]:
                if stream is not None:
                    stream.flush()
        finally:
            os._exit(code)


def _fresh_process_state() -> None:
    """What a new process starts without: the parent's other file descriptors (closed, as
    Popen's close_fds does, so no pipe or file of the parent stays open in the engine and its
    jobs) and handlers on the root logger (a program's own log file would otherwise also get
    cwltool's records)."""
    os.closerange(3, 1 << 20)
    logging = sys.modules.get("logging")
    if logging is not None:
        root = logging.getLogger()
        root.handlers.clear()
        root.setLevel(logging.WARNING)


def _fresh_import_path() -> None:
    """`sys.path` as a new `python -c` has it (the interpreter's own path, with '' for the
    working directory first), and every module imported from elsewhere (a pipeline's own
    modules) forgotten."""
    startup = list(cwlgen._startup.PATH)
    sys.path[:] = ["", *startup[1:]]
    roots = tuple(os.path.join(os.path.abspath(p), "") for p in startup[1:] if p)
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and not os.path.abspath(path).startswith(roots):
            del sys.modules[name]
    importlib.invalidate_caches()
