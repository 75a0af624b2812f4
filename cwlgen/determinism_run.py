"""Dynamic determinism check (`cwlgen check --determinism TARGET --inputs job.yml`): run the
compiled workflow twice with cwltool on the same inputs and report every step whose outputs
differ, naming the step (at the user's file:line) and the output.

How the outputs of *every* step are observed: the workflow is compiled once more with each
step output (inside subworkflows too, recursively) also exposed as an extra workflow output, a
"probe". An ordinary cwltool run then reports all step outputs in its output object. This
needs no cwltool internals, log parsing or provenance bundles, and works with any CWL runner.
Files and directories are compared by content (sha256 of every file), other values as JSON.

A step is reported as
- CG410 (error) when an output differs although all its inputs were equal: the step itself
  is non-deterministic;
- CG411 (warning) when an input differed too (the difference came from upstream);
- CG412 (warning) when the step declares deterministic=False, so the difference is expected.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from cwlgen.backend.layout import folder_documents
from cwlgen.backend.yamlio import dump
from cwlgen.compiler import compile as compile_definition
from cwlgen.dsl.definition import Definition
from cwlgen.errors import RunError, UsageError
from cwlgen.ir import Process, Step, StepOutputRef, Tool, Workflow, WorkflowOutput
from cwlgen.ir import types as t
from cwlgen.ir.diagnostics import Diagnostic, diag, sorted_diagnostics
from cwlgen.lower import lower_python_tasks

PROBE_PREFIX = "cwlgen_probe_"
CWLTOOL = "import sys; from cwltool.main import run; sys.exit(run())"


@attrs.frozen
class Probe:
    """One step output exposed as workflow output `name`."""

    name: str
    path: tuple[str, ...]  # step ids from the root workflow down to the step
    output: str


def _levels(step: Step) -> int:
    if not step.scatter:
        return 0
    return len(step.scatter) if step.scatter_method == "nested_crossproduct" else 1


def _wrap(tp: t.CwlType, levels: int) -> t.CwlType:
    for _ in range(levels):
        tp = t.Array(tp)
    return tp


def instrument(wf: Workflow) -> tuple[Workflow, list[Probe]]:
    """`wf` with every step output (recursively) also exposed as a workflow output."""
    memo: dict[str, tuple[Workflow, list[Probe]]] = {}
    return _instrument(wf, memo)


def _instrument(
    wf: Workflow, memo: dict[str, tuple[Workflow, list[Probe]]]
) -> tuple[Workflow, list[Probe]]:
    if wf.key in memo:
        return memo[wf.key]
    taken = {p.name for p in wf.inputs} | {o.name for o in wf.outputs} | {s.id for s in wf.steps}
    counter = 0

    def fresh() -> str:
        nonlocal counter
        while True:
            counter += 1
            name = f"{PROBE_PREFIX}{counter}"
            if name not in taken:
                taken.add(name)
                return name

    steps: list[Step] = []
    extra: list[WorkflowOutput] = []
    probes: list[Probe] = []
    for step in wf.steps:
        process: Process = step.process
        levels = _levels(step)
        if isinstance(process, Workflow):
            inner, inner_probes = _instrument(process, memo)
            step = attrs.evolve(step, process=inner)
            inner_types = {o.name: o.type for o in inner.outputs}
            for ip in inner_probes:
                name = fresh()
                tp = _wrap(inner_types[ip.name], levels)
                extra.append(WorkflowOutput(name=name, type=tp, source=StepOutputRef(
                    step=step.id, output=ip.name, type=tp)))
                probes.append(Probe(name=name, path=(step.id, *ip.path), output=ip.output))
        for port in process.outputs:
            name = fresh()
            tp = _wrap(port.type, levels)
            extra.append(WorkflowOutput(name=name, type=tp, source=StepOutputRef(
                step=step.id, output=port.name, type=tp)))
            probes.append(Probe(name=name, path=(step.id,), output=port.name))
        steps.append(step)
    result = attrs.evolve(wf, steps=tuple(steps), outputs=wf.outputs + tuple(extra))
    memo[wf.key] = (result, probes)
    return result, probes


def _sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(value: Any) -> Any:
    """A JSON value that is equal for equal outputs: files by content, not by location."""
    if isinstance(value, list):
        return [fingerprint(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("class") == "File":
        return {"File": _sha256_file(value["path"]),
                "secondaryFiles": [fingerprint(s) for s in value.get("secondaryFiles", [])]}
    if value.get("class") == "Directory":
        root = value["path"]
        listing = []
        for folder, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(folder, name)
                listing.append([os.path.relpath(full, root), _sha256_file(full)])
        return {"Directory": listing}
    return {k: fingerprint(v) for k, v in sorted(value.items())}


def digest(value: Any) -> str:
    text = json.dumps(fingerprint(value), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _run_cwltool(
    main: Path, job: Path, outdir: Path, extra: Sequence[str]
) -> subprocess.Popen[str]:
    outdir.mkdir(parents=True)
    tmp = outdir.parent / f"{outdir.name}-tmp"
    tmp.mkdir()
    argv = [sys.executable, "-c", CWLTOOL, "--disable-color", "--outdir", str(outdir),
            "--tmpdir-prefix", f"{tmp}/", "--tmp-outdir-prefix", f"{tmp}/", *extra,
            str(main), str(job)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_twice(
    defn: Definition[Any, Any],
    job: str | os.PathLike[str],
    *,
    workdir: str | os.PathLike[str] | None = None,
    cwltool_args: Sequence[str] = ("--no-container",),
) -> tuple[Workflow, list[Probe], list[dict[str, Any]]]:
    """Compile `defn` with probes, run it twice (in parallel) with cwltool on `job`, and
    return (instrumented workflow, probes, [outputs of run 1, outputs of run 2])."""
    compiled = compile_definition(defn)  # raises CompileError with every problem
    root = compiled.root
    if not isinstance(root, Workflow):
        raise UsageError(f"--determinism needs a @workflow; '{defn.name}' is a {defn.kind}")
    probed, probes = instrument(root)
    main_name, documents = folder_documents(lower_python_tasks(probed))
    base = Path(workdir) if workdir is not None else Path(
        tempfile.mkdtemp(prefix="cwlgen-determinism-"))
    cwl_dir = base / "cwl"
    cwl_dir.mkdir(parents=True, exist_ok=True)
    for rel, doc in documents.items():
        (cwl_dir / rel).write_text(dump(doc, f"Generated by cwlgen from {root.key} with "
                                            "determinism probes."), encoding="utf-8")
    job_path = Path(job).resolve()
    procs = [_run_cwltool(cwl_dir / main_name, job_path, base / f"run{i}", cwltool_args)
             for i in (1, 2)]
    results = []
    for i, proc in enumerate(procs, 1):
        out, err = proc.communicate()
        if proc.returncode != 0:
            tail = "\n".join(err.strip().splitlines()[-25:])
            raise RunError(f"cwltool failed on run {i} of the determinism check (exit "
                           f"{proc.returncode}):\n{tail}")
        results.append(json.loads(out))
    return probed, probes, results


def compare(
    wf: Workflow, probes: list[Probe], runs: Sequence[Mapping[str, Any]]
) -> list[Diagnostic]:
    """Diagnostics for every step output that differs between two runs."""
    digests: dict[tuple[tuple[str, ...], str], tuple[str, str]] = {}
    for probe in probes:
        digests[(probe.path, probe.output)] = (digest(runs[0].get(probe.name)),
                                               digest(runs[1].get(probe.name)))
    problems: list[Diagnostic] = []
    _compare(wf, (), {}, digests, problems)
    return sorted_diagnostics(problems)


def _compare(
    wf: Workflow,
    prefix: tuple[str, ...],
    changed_inputs: Mapping[str, str],
    digests: Mapping[tuple[tuple[str, ...], str], tuple[str, str]],
    problems: list[Diagnostic],
) -> None:
    """`changed_inputs`: workflow input name -> what upstream output made it differ."""

    def changed(step: Step) -> dict[str, str]:
        """step input name -> the upstream difference that reached it."""
        out: dict[str, str] = {}
        for step_input in step.inputs:
            for source in step_input.sources:
                if isinstance(source, StepOutputRef):
                    first, second = digests.get(((*prefix, source.step), source.output),
                                                 ("", ""))
                    if first != second:
                        out[step_input.name] = (f"output '{source.output}' of step "
                                                f"'{'/'.join((*prefix, source.step))}'")
                elif source.name in changed_inputs:
                    out[step_input.name] = changed_inputs[source.name]
        return out

    for step in wf.steps:
        inputs_changed = changed(step)
        if isinstance(step.process, Workflow):
            _compare(step.process, (*prefix, step.id), inputs_changed, digests, problems)
            continue
        name = "/".join((*prefix, step.id))
        for port in step.process.outputs:
            first, second = digests.get(((*prefix, step.id), port.name), ("", ""))
            if first == second:
                continue
            if inputs_changed:
                param, cause = sorted(inputs_changed.items())[0]
                problems.append(diag("CG411", step.loc, step=name, output=port.name,
                                     input=param, cause=cause))
            elif isinstance(step.process, Tool) and not step.process.deterministic:
                problems.append(diag("CG412", step.loc, step=name, output=port.name))
            else:
                problems.append(diag("CG410", step.loc, step=name, output=port.name,
                                     first=first, second=second))


def check_determinism_run(
    defn: Definition[Any, Any],
    job: str | os.PathLike[str],
    *,
    cwltool_args: Sequence[str] = ("--no-container",),
) -> list[Diagnostic]:
    """Run `defn` twice with cwltool on `job`; a diagnostic per differing step output."""
    with tempfile.TemporaryDirectory(prefix="cwlgen-determinism-") as tmp:
        probed, probes, runs = run_twice(defn, job, workdir=tmp, cwltool_args=cwltool_args)
        return compare(probed, probes, runs)
