"""cwltool started as a fork of cwlgen's process (cwlgen.runners.forked): it behaves as the
`python -c` it replaces (exit codes, output, environment, exit handlers, import path), and
`cwlgen run` through it gives the same outputs as plain cwltool, with a pipeline folder that
holds a module named like one of cwltool's."""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import textwrap
import threading
import types
from pathlib import Path

import pytest

import cwlgen._startup
from cwlgen.runners.forked import ForkedProcess, can_fork, fork_python

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


def _run(main, args=(), env=None):  # type: ignore[no-untyped-def]
    proc = fork_python(main, list(args), ["test"], dict(env or os.environ), lambda: None)
    out, err = proc.stdout.read(), proc.stderr.read()
    code = proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    return code, out, err


def test_the_child_runs_main_with_its_arguments_and_exit_code() -> None:
    def main(args: list[str]) -> int:
        print("out:", " ".join(args), sys.argv[1:] == args)
        print("err line", file=sys.stderr)
        return 3

    code, out, err = _run(main, ["a", "b"])
    assert (code, out, err) == (3, "out: a b True\n", "err line\n")


def test_system_exit_uncaught_errors_and_the_environment() -> None:
    def exits(args: list[str]) -> int:
        sys.exit(5)

    def fails(args: list[str]) -> int:
        raise ValueError("boom")

    def env(args: list[str]) -> int:
        print(os.environ.get("CWLGEN_TEST_VAR"), os.environ.get("HOME"))
        return 0

    assert _run(exits)[0] == 5
    code, _, err = _run(fails)
    assert code == 1 and "ValueError: boom" in err and "Traceback" in err
    assert _run(env, env={"CWLGEN_TEST_VAR": "x"})[1] == "x None\n"


def test_the_parents_exit_handlers_do_not_run_in_the_child(tmp_path: Path) -> None:
    marker = tmp_path / "parent-handler-ran"
    handler = marker.touch
    atexit.register(handler)
    try:
        def own_handler(args: list[str]) -> int:
            atexit.register(lambda: print("child handler"))
            return 0

        code, out, _ = _run(own_handler)
    finally:
        atexit.unregister(handler)
    assert code == 0 and out == "child handler\n"
    assert not marker.exists()


def test_the_child_imports_as_a_new_python_would(tmp_path: Path) -> None:
    (tmp_path / "user_only_module.py").write_text("X = 1\n", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        import user_only_module  # noqa: F401

        def path_info(args: list[str]) -> int:
            print(json.dumps([sys.path[0], str(tmp_path) in sys.path,
                              "user_only_module" in sys.modules]))
            return 0

        code, out, _ = _run(path_info)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("user_only_module", None)
    assert code == 0
    assert json.loads(out) == ["", str(tmp_path) in cwlgen._startup.PATH, False]


def test_wait_with_a_timeout_and_poll() -> None:
    def sleeps(args: list[str]) -> int:
        import time

        time.sleep(0.5)
        return 0

    proc = fork_python(sleeps, [], ["test"], dict(os.environ), lambda: None)
    assert isinstance(proc, ForkedProcess) and proc.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        proc.wait(timeout=0.05)
    assert proc.wait() == 0 and proc.poll() == 0
    proc.stdout.close()
    proc.stderr.close()


def test_no_fork_with_threads_running_or_when_turned_off(
        monkeypatch: pytest.MonkeyPatch) -> None:
    if threading.active_count() > 1:
        pytest.skip("this test process runs threads (pytest-xdist)")
    for name in [m for m in sys.modules if m == "cwltool" or m.startswith("cwltool.")]:
        monkeypatch.delitem(sys.modules, name)
    assert can_fork(None)
    monkeypatch.setitem(sys.modules, "cwltool", types.ModuleType("cwltool"))
    assert not can_fork(None)  # its logger holds this process's streams
    monkeypatch.delitem(sys.modules, "cwltool")
    assert not can_fork({"PYTHONPATH": "/elsewhere"})
    monkeypatch.setenv("CWLGEN_FORK_ENGINE", "0")
    assert not can_fork(None)
    monkeypatch.delenv("CWLGEN_FORK_ENGINE")
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert not can_fork(None)
    finally:
        stop.set()
        worker.join()


PIPELINE = '''\
"""Two copies."""
# mypy: disable-error-code="empty-body"
from typing import Annotated

from cwlgen import Arg, File, stdout, tool, workflow


@tool("cat")
def cat(text: Annotated[File, Arg(position=1)]) -> Annotated[File, stdout("out.txt")]:
    """Copy a file."""


@workflow
def copies(text: File) -> File:
    """Two copies."""
    return cat(text=cat(text=text))
'''


@pytest.mark.parametrize("fork", ["1", "0"])
def test_cwlgen_run_gives_cwltools_outputs_beside_a_shadowing_module(
        tmp_path: Path, fork: str) -> None:
    """The pipeline's folder holds `coloredlogs.py`, which cwltool imports and cwlgen does
    not: the forked cwltool must not pick it up (a new `python -c` would not)."""
    sub = tmp_path / "pipeline"
    sub.mkdir()
    (sub / "wf.py").write_text(PIPELINE, encoding="utf-8")
    (sub / "coloredlogs.py").write_text("raise ImportError('the user module was imported')\n",
                                        encoding="utf-8")
    (tmp_path / "in.txt").write_text("hello\n", encoding="utf-8")
    (tmp_path / "job.yml").write_text("text: {class: File, path: in.txt}\n", encoding="utf-8")
    env = dict(os.environ, CWLGEN_FORK_ENGINE=fork)
    ours = subprocess.run(
        [sys.executable, "-m", "cwlgen", "run", "pipeline/wf.py:copies", "job.yml",
         "--outdir", "out", "--progress", "plain"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert ours.returncode == 0, ours.stderr
    assert json.loads(ours.stdout)["out"]["checksum"] == (
        "sha1$f572d396fae9206628714fb2ce00f72e94f2258f")  # sha1 of "hello\n"
    assert (tmp_path / "out" / "out.txt").read_text(encoding="utf-8") == "hello\n"
    assert "2/2 steps done" in ours.stderr
    log = (tmp_path / ".cwlgen" / "build" / "copies" / "cwltool.log").read_text(
        encoding="utf-8")
    assert "[workflow ] completed success" in log
    plain = subprocess.run(
        [sys.executable, "-c", textwrap.dedent("""
            import sys; from cwltool.main import run; sys.exit(run())"""),
         "--no-container", "--quiet", "--outdir", "plain-out",
         ".cwlgen/build/copies/copies.cwl", "job.yml"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert plain.returncode == 0, plain.stderr
    assert (tmp_path / "plain-out" / "out.txt").read_text(encoding="utf-8") == "hello\n"


def test_cwltools_main_in_the_child() -> None:
    """What the engine loop forks: cwltool's `run` (here imported in the child only, as
    in `cwlgen run`), its exit code and output."""
    from cwlgen.runners.execute import _cwltool_main

    code, out, err = _run(_cwltool_main, ["--version"])
    assert code == 0, err
    assert out.split()[0] in {"cwltool", "-c"} and out.split()[1][0].isdigit()


def test_the_child_keeps_no_other_descriptor_nor_the_root_loggers_handlers(
        tmp_path: Path) -> None:
    import logging

    user_log = tmp_path / "user.log"
    handler = logging.FileHandler(user_log)
    logging.getLogger().addHandler(handler)
    keep_r, keep_w = os.pipe()
    try:
        def probe(args: list[str]) -> int:
            logging.getLogger("cwltool").warning("engine record")
            try:
                os.fstat(keep_w)
                print("pipe open")
            except OSError:
                print("pipe closed")
            return 0

        code, out, _ = _run(probe)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
        os.close(keep_r)
        os.close(keep_w)
    assert (code, out) == (0, "pipe closed\n")
    assert "engine record" not in user_log.read_text(encoding="utf-8")
