"""Python-task benchmark (issue 14, target 2): modules read and analysed once, emitted size.

One run writes a module of 20·T lines holding T distinct `@task` functions (plus a workflow
calling each once), imports it in a fresh interpreter and measures there, in CPU time
(`time.process_time`, so machine load does not distort it):

  (a) tracing the workflow (`to_ir`), and tracing plus every check (`run_checks`: the
      determinism and Python-version passes included) for T = 25, 50, 100, 200: the issue's
      trace numbers were 0.05 / 0.18 / 0.97 / 4.1 s (quadratic: each task re-read and
      re-parsed its module); target: T = 200 traced in <= 0.3 s, growing linearly;
  (b) the emitted size (folder layout, all files) of 50 tasks from one 1,000-line module;
      target <= 200 kB (3.4 MB when every task document carried the module and the runner).

Usage:  .venv/bin/python benchmarks/tasks.py [--quick] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

TRACE_LIMIT_S = 0.3
SIZE_LIMIT = 200_000


def module_text(tasks: int, lines: int) -> str:
    """A module of about `lines` lines with `tasks` distinct tasks and a workflow using all."""
    head = "from cwlgen import task, workflow\n\n\n"
    per_task = max(6, (lines - 10) // tasks)
    body = []
    for i in range(tasks):
        filler = "".join(f"    y = y + {j}  # arithmetic, line {j}\n" for j in range(per_task - 5))
        body.append(f"@task\ndef t{i}(x: int) -> int:\n    y = x\n{filler}    return y\n\n\n")
    calls = "".join(f"    v = t{i}(x=v)\n" for i in range(tasks))
    flow = f"@workflow\ndef wf(x: int) -> int:\n    v = x\n{calls}    return v\n"
    return head + "".join(body) + flow


_MEASURE = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    import cwlgen
    import bench_mod
    from cwlgen.checks import run_checks
    from cwlgen.compiler import to_ir
    start = time.process_time()
    ir = to_ir(bench_mod.wf)
    traced = time.process_time() - start
    run_checks(ir)
    checked = time.process_time() - start
    size = 0
    if sys.argv[2] == "size":
        out = Path(sys.argv[1]) / "out"
        cwlgen.compile(bench_mod.wf).write(out)
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(json.dumps({"trace_s": traced, "checked_s": checked, "size": size}))
""")


def measure(tasks: int, lines: int, size: bool = False) -> dict[str, Any]:
    """Trace and trace+check CPU seconds (and emitted bytes) for one generated module, in a fresh
    interpreter so no cache of an earlier run helps."""
    with tempfile.TemporaryDirectory(prefix="cwlgen-tasks-") as tmp:
        Path(tmp, "bench_mod.py").write_text(module_text(tasks, lines))
        done = subprocess.run([sys.executable, "-c", _MEASURE, tmp, "size" if size else "-"],
                              capture_output=True, text=True, check=True)
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="T = 25, 100, 200 once each")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    sizes = (25, 100, 200) if args.quick else (25, 50, 100, 200)
    repeats = 1 if args.quick else 3
    rows = []
    for t in sizes:
        runs = [measure(t, 20 * t) for _ in range(repeats)]
        best = min(r["trace_s"] for r in runs)
        checked = min(r["checked_s"] for r in runs)
        rows.append({"tasks": t, "lines": 20 * t, "trace_s": round(best, 4),
                     "trace_and_checks_s": round(checked, 4)})
        print(f"{t:3} tasks in a {20 * t:5}-line module: trace {best:6.3f} s CPU, "
              f"trace + every check {checked:6.3f} s CPU", flush=True)
    t200 = rows[-1]["trace_s"]
    growth = rows[-1]["trace_s"] / max(rows[0]["trace_s"], 1e-6)
    print(f"  growth T=25 -> T=200 (8x the tasks, 8x the lines): {growth:.1f}x")
    emitted = measure(50, 1000, size=True)["size"]
    print(f"emitted size of 50 tasks from one 1,000-line module: {emitted / 1000:.1f} kB")
    ok_trace = t200 <= TRACE_LIMIT_S
    ok_size = emitted <= SIZE_LIMIT
    print(f"target: T=200 tasks in a 4,000-line module trace in <= {TRACE_LIMIT_S} s: "
          f"{t200:.3f} s {'PASS' if ok_trace else 'FAIL'}")
    print(f"target: 50 tasks from a 1,000-line module emit <= {SIZE_LIMIT // 1000} kB: "
          f"{emitted / 1000:.1f} kB {'PASS' if ok_size else 'FAIL'}")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"trace": rows, "size_50x1000": emitted, "trace_limit_s": TRACE_LIMIT_S,
             "size_limit": SIZE_LIMIT}, indent=2) + "\n")
    return 0 if ok_trace and ok_size else 1


if __name__ == "__main__":
    sys.exit(main())
