"""The README demo: compile a typed workflow to CWL, validate it, run it with cwltool, and
show a miswired workflow rejected by `cwlgen check` and by mypy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def step(title: str, *cmd: str, expect_fail: bool = False, cwd: Path | None = None) -> str:
    print(f"\n$ {' '.join(cmd)}    # {title}", flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    out = (proc.stdout + proc.stderr).strip()
    print(out)
    if (proc.returncode != 0) != expect_fail:
        sys.exit(f"demo failed: {' '.join(cmd)} exited {proc.returncode}")
    return proc.stdout


def main() -> None:
    os.chdir(HERE.parent)
    work = Path(tempfile.mkdtemp(prefix="cwlgen-demo-"))
    try:
        out = work / "cwl"
        step("compile to CWL v1.2", str(BIN / "cwlgen"), "build",
             "examples/wordcount.py:split_and_rank", "-o", str(out))
        step("cwltool validates it", str(BIN / "cwltool"), "--validate", "--quiet",
             str(out / "split_and_rank.cwl"))
        text = work / "poem.txt"
        text.write_text("the quick brown fox\njumps over\nthe lazy dog today again\n")
        result = step("run it with cwltool", str(BIN / "cwltool"), "--no-container", "--quiet",
                      "--outdir", str(work / "results"), str(out / "split_and_rank.cwl"),
                      "--text", str(text))
        ranking = Path(json.loads(result)["out"]["path"]).read_text()
        print("ranking (words per line, most first):\n" + ranking)
        step("a miswired workflow is rejected at the user's file:line", str(BIN / "cwlgen"),
             "check", "examples/miswired.py", expect_fail=True)
        step("... and by mypy", str(BIN / "mypy"), "--strict", "examples/miswired.py",
             expect_fail=True)
        print("\ndemo OK")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
