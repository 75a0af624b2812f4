"""Compile-time benchmark for cwlgen (issue 2, item 9).

One run measures, for a chain and a wide fan of N steps:

  (a) cwlgen's full compile: decorate + trace + checks + emit + YAML text
      (`cwlgen.compile(wf).texts()`, with fresh definitions every repeat so no IR is cached);
  (b) the floor: ruamel.yaml's fastest dumper (`YAML(typ="safe", pure=False)`, C emitter from
      ruamel.yaml.clib) writing the very same dicts (`compiled.documents`);
  (c) the peer: building the same documents with cwl-utils' object model
      (`cwl_utils.parser.cwl_v1_2`), `.save()`, and YAML text, once with cwl-utils' own
      `cwl_utils.utils.yaml_dumps` and once with the fast dumper of (b);
  peak memory of (a) in a fresh subprocess per shape and N;
  (d) `cwlgen check` (the CLI, as a subprocess) on a generated 200-step module against
      `cwltool --validate` on its compiled CWL (folder layout and packed), for a good module and
      a miswired one (a File wired into an int), asserting both tools give the same verdict.

Targets (from the issue) are printed as PASS/FAIL at the end. Timings are wall clock
(`time.perf_counter`), best of k repeats. `--quick` runs smaller sizes in under a minute.

Usage:  .venv/bin/python benchmarks/compile.py [--quick] [--no-cwltool] [--json FILE]
"""

# mypy: disable-error-code="empty-body"
from __future__ import annotations

import argparse
import functools
import gc
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import ruamel.yaml

import cwlgen
from cwlgen import Arg, File, stdout, tool, workflow

SHAPES = ("chain", "fan")
BIN = Path(sys.executable).parent


# --------------------------------------------------------------------------------------------
# the workloads, written the way a user would (fresh definitions each time: no cached IR)


def fresh_tools() -> tuple[Any, Any]:
    """New @tool definitions for `cat` (one file) and `gather` (a list of files)."""

    def cat(text: Annotated[File, Arg(position=1)]) -> Annotated[File, stdout("out.txt")]:
        """Copy a file."""

    def gather(
        files: Annotated[list[File], Arg(position=1)],
    ) -> Annotated[File, stdout("all.txt")]:
        """Concatenate files."""

    cat.__qualname__ = "cat"
    gather.__qualname__ = "gather"
    return tool("cat")(cat), tool("cat")(gather)


def fresh_workflow(shape: str, n: int) -> Any:
    """A new @workflow: a chain of n `cat` steps, or n `cat` steps on the same input gathered
    by one step taking all n results as a list (MultipleInputFeatureRequirement)."""
    cat, gather = fresh_tools()

    if shape == "chain":

        def chain(text: File) -> File:
            """A chain of copies."""
            x = text
            for _ in range(n):
                x = cat(text=x)
            return x

        body: Callable[..., Any] = chain
    else:

        def fan(text: File) -> File:
            """Many copies of one file, concatenated."""
            gathered: File = gather(files=[cat(text=text) for _ in range(n)])
            return gathered

        body = fan
    body.__qualname__ = body.__name__
    return workflow(body)


def cwlgen_compile(shape: str, n: int) -> Any:
    """(a): everything `cwlgen build` does short of writing files."""
    compiled = cwlgen.compile(fresh_workflow(shape, n))
    compiled.texts()
    return compiled


# --------------------------------------------------------------------------------------------
# (b) the floor


def fast_yaml() -> ruamel.yaml.YAML:
    yaml = ruamel.yaml.YAML(typ="safe", pure=False)
    yaml.default_flow_style = False
    return yaml


def floor_dump(documents: dict[str, dict[str, Any]]) -> dict[str, str]:
    yaml = fast_yaml()
    out = {}
    for path, doc in documents.items():
        stream = io.StringIO()
        yaml.dump(doc, stream)
        out[path] = stream.getvalue()
    return out


# --------------------------------------------------------------------------------------------
# (c) the peer: cwl-utils' object model, the same documents (verified by same_documents)


def peer_documents(shape: str, n: int) -> dict[str, dict[str, Any]]:
    """Build the folder layout of the same workflow with cwl-utils objects and save() them."""
    from cwl_utils.parser import cwl_v1_2 as c

    cat = c.CommandLineTool(
        id="cat", cwlVersion="v1.2", label="Copy a file.", baseCommand=["cat"],
        inputs=[c.CommandInputParameter(
            id="text", type_="File", inputBinding=c.CommandLineBinding(position=1))],
        outputs=[c.CommandOutputParameter(
            id="out", type_="File", outputBinding=c.CommandOutputBinding(glob="out.txt"))],
        stdout="out.txt",
    )
    tools = {"cat.cwl": cat}
    requirements = None
    steps = []
    if shape == "chain":
        prev = "text"
        for i in range(n):
            sid = "cat" if i == 0 else f"cat_{i + 1}"
            steps.append(c.WorkflowStep(
                id=sid, run="cat.cwl", out=["out"],
                in_=[c.WorkflowStepInput(id="text", source=prev)]))
            prev = f"{sid}/out"
        final, label = prev, "A chain of copies."
    else:
        sources = []
        for i in range(n):
            sid = "cat" if i == 0 else f"cat_{i + 1}"
            steps.append(c.WorkflowStep(
                id=sid, run="cat.cwl", out=["out"],
                in_=[c.WorkflowStepInput(id="text", source="text")]))
            sources.append(f"{sid}/out")
        steps.append(c.WorkflowStep(
            id="gather", run="gather.cwl", out=["out"],
            in_=[c.WorkflowStepInput(id="files", source=sources, linkMerge="merge_nested")]))
        tools["gather.cwl"] = c.CommandLineTool(
            id="gather", cwlVersion="v1.2", label="Concatenate files.", baseCommand=["cat"],
            inputs=[c.CommandInputParameter(
                id="files", type_=c.CommandInputArraySchema(items="File", type_="array"),
                inputBinding=c.CommandLineBinding(position=1))],
            outputs=[c.CommandOutputParameter(
                id="out", type_="File", outputBinding=c.CommandOutputBinding(glob="all.txt"))],
            stdout="all.txt",
        )
        requirements = [c.MultipleInputFeatureRequirement()]
        final, label = "gather/out", "Many copies of one file, concatenated."
    wf = c.Workflow(
        id=shape, cwlVersion="v1.2", label=label, requirements=requirements,
        inputs=[c.WorkflowInputParameter(id="text", type_="File")],
        outputs=[c.WorkflowOutputParameter(id="out", type_="File", outputSource=final)],
        steps=steps,
    )
    docs = {f"{shape}.cwl": wf.save(top=True)}
    for path, process in tools.items():
        docs[path] = process.save(top=True)
    return docs


def peer_roundtrip(shape: str, n: int) -> None:
    """(c) with cwl-utils' own YAML helper (`cwl_utils.utils.yaml_dumps`)."""
    from cwl_utils.utils import yaml_dumps

    for doc in peer_documents(shape, n).values():
        yaml_dumps(doc)


def peer_fast(shape: str, n: int) -> None:
    """(c) with the fast dumper of (b): the peer's best case."""
    floor_dump(peer_documents(shape, n))


def _as_map(entries: Any, shorthand: str) -> dict[str, Any]:
    """A CWL id-list or id-map as {id: entry}, `id: value` shorthands expanded."""
    items = entries.items() if isinstance(entries, dict) else (
        (e["id"], {k: v for k, v in e.items() if k != "id"}) for e in entries)
    out = {}
    for name, entry in items:
        entry = dict(entry) if isinstance(entry, dict) else {shorthand: entry}
        kind = entry.get("type")
        if isinstance(kind, dict) and kind.get("type") == "array":
            entry["type"] = f"{kind['items']}[]"
        out[name] = entry
    return out


def _normal(doc: dict[str, Any]) -> dict[str, Any]:
    """One process document in a canonical shape, so two writers' output can be compared."""
    out = {k: v for k, v in doc.items() if k != "id"}
    out["inputs"] = _as_map(doc["inputs"], "type")
    out["outputs"] = _as_map(doc["outputs"], "type")
    if "steps" in doc:
        steps = _as_map(doc["steps"], "run")
        for step in steps.values():
            step["in"] = _as_map(step["in"], "source")
        out["steps"] = steps
    return out


def same_documents(shape: str, n: int = 3) -> None:
    """Check, once and untimed, that (a) and (c) describe the same CWL."""
    ours = {path: _normal(doc) for path, doc in cwlgen.compile(
        fresh_workflow(shape, n)).documents.items()}
    theirs = {path: _normal(doc) for path, doc in peer_documents(shape, n).items()}
    if ours != theirs:
        raise SystemExit(f"benchmark bug: peer documents differ for {shape}:\n"
                         f"cwlgen:    {json.dumps(ours, sort_keys=True)}\n"
                         f"cwl-utils: {json.dumps(theirs, sort_keys=True)}")


# --------------------------------------------------------------------------------------------
# timing helpers


def best_of(k: int, fns: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """Best of k wall-clock times of each function. The functions take turns within every
    round, so a burst of load from other processes hits all of them, not one column."""
    best = {name: float("inf") for name in fns}
    for _ in range(k):
        for name, fn in fns.items():
            gc.collect()
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def run_cmd(cmd: list[str], cwd: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    return elapsed, proc.returncode, proc.stdout + proc.stderr


def tool_cmd(name: str) -> list[str]:
    exe = BIN / name
    if exe.exists():
        return [str(exe)]
    found = shutil.which(name)
    if found:
        return [found]
    if name == "cwlgen":
        return [sys.executable, "-m", "cwlgen"]
    raise SystemExit(f"{name} not found next to {sys.executable} or on PATH")


# --------------------------------------------------------------------------------------------
# memory: one fresh process per shape and N


def peak_rss_mb() -> float:
    """This process's peak resident set. Linux's VmHWM, because ru_maxrss survives execve and
    would report the (larger) benchmark parent's peak in a fresh child."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_child(shape: str, n: int) -> None:
    """Runs in a subprocess: peak RSS of one full compile, then tracemalloc's peak of another."""
    rss_before = peak_rss_mb()
    cwlgen_compile(shape, n)
    rss_after = peak_rss_mb()
    gc.collect()
    tracemalloc.start()
    cwlgen_compile(shape, n)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"rss_imports_mb": rss_before, "rss_peak_mb": rss_after,
                      "traced_peak_mb": peak / 2**20}))


def measure_memory(shape: str, n: int) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, __file__, "--memory-child", shape, str(n)],
        capture_output=True, text=True, check=True,
    )
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------------------------
# (d) cwlgen check vs cwltool --validate


def check_module_source(steps: int, miswire: int | None) -> tuple[str, int | None]:
    """A module with a chain alternating `cat` and `head -n`; `miswire` makes that step (a head
    step) receive a File as its int `lines`. Returns (source, line of the miswired call)."""
    head = textwrap.dedent('''\
        """A generated chain for benchmarks/compile.py (cwlgen check vs cwltool --validate)."""
        # mypy: disable-error-code="empty-body"
        from typing import Annotated

        from cwlgen import Arg, File, stdout, tool, workflow


        @tool("cat")
        def cat(text: Annotated[File, Arg(position=1)]) -> Annotated[File, stdout("out.txt")]:
            """Copy a file."""


        @tool("head")
        def head(
            text: Annotated[File, Arg(position=2)],
            lines: Annotated[int, Arg(prefix="-n", position=1)] = 10,
        ) -> Annotated[File, stdout("head.txt")]:
            """The first lines of a file."""


        @workflow
        def pipeline(text: File) -> File:
            """A long chain."""
            x0 = text
        ''')
    body = []
    bad_line = None
    first_line = head.count("\n") + 1
    for i in range(1, steps + 1):
        if i % 2:
            body.append(f"    x{i} = cat(text=x{i - 1})")
        elif i == miswire:
            body.append(f"    x{i} = head(text=x{i - 1}, lines=x{i - 2})  # File into int")
            bad_line = first_line + i - 1
        else:
            body.append(f"    x{i} = head(text=x{i - 1}, lines=1000)")
    body.append(f"    return x{steps}")
    return head + "\n".join(body) + "\n", bad_line


def miswire_cwl(doc: dict[str, Any], step_index: int) -> None:
    """Hand-miswire compiled CWL the same way: step `step_index` (1-based, a head step) gets
    the File output of the step two before it as its int `lines`."""
    steps = doc["steps"]
    ids = list(steps)
    target, source = ids[step_index - 1], ids[step_index - 3]
    steps[target]["in"]["lines"] = f"{source}/out"


def write_yaml(path: Path, doc: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        fast_yaml().dump(doc, f)


def bench_check(steps: int, repeats: int, tmp: Path) -> dict[str, Any]:
    miswire = steps // 2 if (steps // 2) % 2 == 0 else steps // 2 + 1
    good_src, _ = check_module_source(steps, None)
    bad_src, bad_line = check_module_source(steps, miswire)
    (tmp / "good.py").write_text(good_src, encoding="utf-8")
    (tmp / "bad.py").write_text(bad_src, encoding="utf-8")
    cwlgen_cmd = tool_cmd("cwlgen")
    cwltool_cmd = tool_cmd("cwltool")
    out: dict[str, Any] = {"steps": steps}

    def time_check(module: str) -> tuple[float, int, str]:
        runs = [run_cmd([*cwlgen_cmd, "check", module], tmp) for _ in range(repeats)]
        return min(r[0] for r in runs), runs[0][1], runs[0][2]

    out["check_good_s"], out["check_good_rc"], _ = time_check("good.py")
    out["check_bad_s"], out["check_bad_rc"], bad_text = time_check("bad.py")
    out["check_bad_names_line"] = f"bad.py:{bad_line}: error[CG201]" in bad_text
    out["import_s"] = min(
        run_cmd([sys.executable, "-c", "import cwlgen.cli"], tmp)[0] for _ in range(repeats))

    # the good module's CWL, both layouts, through the CLI; then the hand-miswired copies
    for layout, extra in (("folder", []), ("packed", ["--pack"])):
        rc = run_cmd([*cwlgen_cmd, "build", "good.py:pipeline", "-o", f"cwl-{layout}", *extra],
                     tmp)[1]
        if rc != 0:
            raise SystemExit(f"cwlgen build failed for the {layout} layout")
    folder, packed = tmp / "cwl-folder", tmp / "cwl-packed"
    bad_folder, bad_packed = tmp / "bad-folder", tmp / "bad-packed"
    shutil.copytree(folder, bad_folder)
    shutil.copytree(packed, bad_packed)
    yaml = fast_yaml()
    doc = yaml.load((folder / "pipeline.cwl").read_text(encoding="utf-8"))
    miswire_cwl(doc, miswire)
    write_yaml(bad_folder / "pipeline.cwl", doc)
    doc = yaml.load((packed / "pipeline.cwl").read_text(encoding="utf-8"))
    main = next(p for p in doc["$graph"] if p["id"] in ("main", "#main"))
    miswire_cwl(main, miswire)
    write_yaml(bad_packed / "pipeline.cwl", doc)
    for name, path in (("folder", folder), ("packed", packed),
                       ("bad_folder", bad_folder), ("bad_packed", bad_packed)):
        elapsed, rc, text = run_cmd([*cwltool_cmd, "--validate", str(path / "pipeline.cwl")],
                                    tmp)
        out[f"cwltool_{name}_s"], out[f"cwltool_{name}_rc"] = elapsed, rc
        if name.startswith("bad"):
            out[f"cwltool_{name}_says_incompatible"] = "incompatible" in text.lower()
    return out


# --------------------------------------------------------------------------------------------
# the report


def phase_breakdown(shape: str, n: int) -> dict[str, float] | None:
    """Where (a)'s time goes, through the compiler's own stages (informational only)."""
    try:
        from cwlgen.backend.layout import folder_documents
        from cwlgen.checks import run_checks
        from cwlgen.compiler import Compiled
    except ImportError:  # the internals moved: skip rather than break the benchmark
        return None
    gc.collect()
    t0 = time.perf_counter()
    wf = fresh_workflow(shape, n)
    root = wf.process_ir()
    t1 = time.perf_counter()
    diagnostics = run_checks(root)
    t2 = time.perf_counter()
    main, docs = folder_documents(root)
    t3 = time.perf_counter()
    Compiled(root, main, docs, diagnostics, False).texts()
    t4 = time.perf_counter()
    return {"trace": t1 - t0, "checks": t2 - t1, "emit": t3 - t2, "yaml": t4 - t3}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (~30 s)")
    parser.add_argument("--no-cwltool", action="store_true", help="skip (d)")
    parser.add_argument("--json", metavar="FILE", help="also write the raw numbers here")
    parser.add_argument("--memory-child", nargs=2, metavar=("SHAPE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child[0], int(args.memory_child[1]))
        return 0

    sizes, repeats, check_steps = (
        ((100, 200, 1000), {100: 3, 200: 3, 1000: 2}, 50) if args.quick
        else ((100, 1000, 5000), {100: 7, 1000: 5, 5000: 3}, 200)
    )
    big, mid = sizes[-1], sizes[-2]
    assert big == 5 * mid, "the linearity target compares N with N/5"
    started = time.perf_counter()
    if fast_yaml().Emitter.__name__ != "CEmitter":
        print("warning: ruamel.yaml.clib is missing; the floor (b) is the pure-Python dumper")
    for shape in SHAPES:
        same_documents(shape)

    rows: dict[tuple[str, int], dict[str, float]] = {}
    for shape in SHAPES:
        for n in sizes:
            k = repeats[n]
            docs = cwlgen.compile(fresh_workflow(shape, n)).documents
            row = best_of(k, {
                "a": functools.partial(cwlgen_compile, shape, n),
                "b": functools.partial(floor_dump, docs),
                "c_rt": functools.partial(peer_roundtrip, shape, n),
                "c_fast": functools.partial(peer_fast, shape, n),
            })
            row.update(measure_memory(shape, n))
            rows[shape, n] = row
            print(f"  measured {shape} N={n} ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr)

    sys.stderr.flush()
    print(f"\ncwlgen compile benchmark (python {sys.version.split()[0]}, ruamel.yaml "
          f"{ruamel.yaml.__version__}, {os.cpu_count()} cpus, load average "
          f"{os.getloadavg()[0]:.1f}); seconds, best of k\n")
    head = (f"{'shape':6} {'N':>5} {'(a) cwlgen':>10} {'(b) floor':>10} {'(c) peer':>9} "
            f"{'(c) fast':>9} {'a/b':>5} {'c/a':>5} {'cfast/a':>7} {'RSS MB':>7} "
            f"{'traced MB':>9}")
    print(head)
    print("-" * len(head))
    for (shape, n), r in rows.items():
        print(f"{shape:6} {n:>5} {r['a']:>10.3f} {r['b']:>10.3f} {r['c_rt']:>9.3f} "
              f"{r['c_fast']:>9.3f} {r['a'] / r['b']:>5.2f} {r['c_rt'] / r['a']:>5.1f} "
              f"{r['c_fast'] / r['a']:>7.1f} {r['rss_peak_mb']:>7.0f} "
              f"{r['traced_peak_mb']:>9.1f}")
    print("\n(a) cwlgen.compile(wf).texts() with fresh definitions; (b) YAML(typ='safe', "
          "pure=False)\n    dumping (a)'s dicts; (c) cwl-utils objects + save() + "
          "cwl_utils.utils.yaml_dumps;\n    (c) fast: the same with (b)'s dumper. RSS: peak "
          "resident set of a fresh process\n    compiling once (imports included: "
          f"{rows[SHAPES[0], sizes[0]]['rss_imports_mb']:.0f} MB before compiling); "
          "traced: tracemalloc peak of one compile.")
    for shape in SHAPES:
        phases = phase_breakdown(shape, big)
        if phases:
            print(f"    {shape} N={big} phases: " + ", ".join(
                f"{k} {v:.3f}" for k, v in phases.items()))

    results: dict[str, Any] = {"sizes": sizes,
                               "rows": {f"{s}/{n}": r for (s, n), r in rows.items()}}
    targets: list[tuple[str, bool]] = []
    for shape in SHAPES:
        r, rm = rows[shape, big], rows[shape, mid]
        lin = r["a"] / rm["a"]
        print(f"    {shape}: linearity (a) N={big} / N={mid} = {lin:.2f} for x{big // mid} "
              f"the steps (the floor (b) alone: {r['b'] / rm['b']:.2f})")
        targets += [
            (f"{shape}: (a)/(b) = {r['a'] / r['b']:.2f} <= 1.5 at N={big}",
             r["a"] / r["b"] <= 1.5),
            (f"{shape}: (c)/(a) = {r['c_rt'] / r['a']:.1f} >= 3 at N={big} "
             "(cwl-utils' own yaml_dumps)", r["c_rt"] / r["a"] >= 3),
            (f"{shape}: (c fast)/(a) = {r['c_fast'] / r['a']:.1f} >= 3 at N={big} "
             "(peer given the fast dumper)", r["c_fast"] / r["a"] >= 3),
            (f"{shape}: linearity {lin:.2f} <= 6 (N={big} vs N={mid})", lin <= 6),
            (f"{shape}: peak RSS {r['rss_peak_mb']:.0f} MB < 500 MB at N={big}",
             r["rss_peak_mb"] < 500),
        ]

    sys.stdout.flush()
    if not args.no_cwltool:
        with tempfile.TemporaryDirectory(prefix="cwlgen-bench-") as tmp:
            d = bench_check(check_steps, 3, Path(tmp))
        results["check"] = d
        print(f"\n(d) a {d['steps']}-step chain: `cwlgen check` (CLI, best of 3) vs "
              "`cwltool --validate` (once)\n")
        print(f"{'':30} {'seconds':>8} {'exit':>5}")
        print(f"{'cwlgen check good.py':30} {d['check_good_s']:>8.2f} {d['check_good_rc']:>5}")
        print(f"{'cwlgen check bad.py':30} {d['check_bad_s']:>8.2f} {d['check_bad_rc']:>5}")
        print(f"{'  import cwlgen.cli alone':30} {d['import_s']:>8.2f}")
        for name in ("folder", "packed", "bad_folder", "bad_packed"):
            print(f"{'cwltool --validate ' + name:30} {d[f'cwltool_{name}_s']:>8.2f} "
                  f"{d[f'cwltool_{name}_rc']:>5}")
        same = (d["check_good_rc"] == 0 and d["cwltool_folder_rc"] == 0
                and d["cwltool_packed_rc"] == 0 and d["check_bad_rc"] == 1
                and d["cwltool_bad_folder_rc"] != 0 and d["cwltool_bad_packed_rc"] != 0
                and d["cwltool_bad_folder_says_incompatible"]
                and d["cwltool_bad_packed_says_incompatible"])
        speed_folder = d["cwltool_folder_s"] / d["check_good_s"]
        speed_packed = d["cwltool_packed_s"] / d["check_good_s"]
        print(f"\n    speed-up on the good module: x{speed_folder:.1f} vs folder, "
              f"x{speed_packed:.1f} vs packed")
        targets += [
            ("(d) same verdicts: good accepted by both, miswired rejected by both "
             "(cwlgen: CG201 at the line; cwltool: 'incompatible')",
             same and d["check_bad_names_line"]),
            (f"(d) cwlgen check x{speed_folder:.1f} faster than cwltool --validate "
             f"(folder) >= 20", speed_folder >= 20),
            (f"(d) cwlgen check x{speed_packed:.1f} faster than cwltool --validate "
             f"(packed) >= 20", speed_packed >= 20),
        ]

    print("\ntargets:")
    for text, ok in targets:
        print(f"  {verdict(ok)}  {text}")
    results["targets"] = {text: ok for text, ok in targets}
    print(f"\ntotal benchmark time {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if all(ok for _, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
