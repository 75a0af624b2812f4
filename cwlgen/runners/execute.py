"""Running an engine as a subprocess: start it, stream its log through the engine's parser into
the display, keep the full log on disk, and read the output object it prints.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from cwlgen.errors import RunError
from cwlgen.runners.display import Display, NullDisplay, final_table, make_display
from cwlgen.runners.engines import Engine, run_env
from cwlgen.runners.request import RunRequest, RunResult
from cwlgen.runners.state import RunState
from cwlgen.runners.steps import StepIndex


def execute(eng: Engine, req: RunRequest) -> RunResult:
    """Run the engine to completion, showing progress; never raises for a failed workflow
    (the caller decides), only for a runner that cannot start."""
    state = RunState(StepIndex(req.process), eng.name)
    req.build_dir.mkdir(parents=True, exist_ok=True)
    req.outdir.mkdir(parents=True, exist_ok=True)
    log_path = req.build_dir / f"{eng.name}.log"
    eng.prepare(req)
    argv = eng.argv(req)
    stream = req.stream if req.stream is not None else sys.stderr
    display: Display = NullDisplay() if req.quiet else make_display(
        stream, f"{req.process.name} ({eng.name})", req.live)
    with open(log_path, "w", encoding="utf-8") as log:
        log.write("$ " + " ".join(argv) + "\n")
        code, printed = _follow(eng, argv, req, log, state, display)
    eng.cleanup(req, code == 0)
    if not req.quiet:
        from rich.console import Console

        Console(file=stream).print(final_table(state))
    outputs = _output_object(printed, code == 0, eng.name, log_path)
    return RunResult(outputs=outputs, state=state, log_path=log_path, outdir=req.outdir,
                     returncode=code)


def _follow(eng: Engine, argv: list[str], req: RunRequest, log: IO[str], state: RunState,
            display: Display) -> tuple[int, str]:
    """Start the engine and feed its stderr to `log` and `parser` until it exits; (exit
    code, what it printed on stdout). Ctrl-C stops the engine before it propagates."""
    try:
        proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            text=True, errors="replace", env=run_env(req.env), bufsize=1,
        )
    except OSError as exc:
        raise RunError(f"cannot start {eng.name}: {exc}") from None
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


def _stop(proc: subprocess.Popen[str]) -> None:
    try:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    except (subprocess.TimeoutExpired, OSError):
        proc.kill()
        proc.wait()
