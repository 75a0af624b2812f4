"""`cwlgen.run(wf, runner=..., **inputs)`: compile, check the inputs, run, return typed outputs.

The Python API and the `cwlgen run` command share `run_workflow`, which compiles into a build
folder it manages (`.cwlgen/build/<name>/` by default: the CWL documents, `job.json` and the
runner's log), checks every input against the workflow's CWL types before anything starts,
runs the engine and converts the output object back to Python values of the declared return
type (see `outputs`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from cwlgen.compiler import Compiled, compile
from cwlgen.dsl.definition import Definition
from cwlgen.errors import UsageError
from cwlgen.ir import Process
from cwlgen.ir.frozen import define
from cwlgen.ir.location import SourceLocation
from cwlgen.output_files import check_folder_path, ensure_folder, remove_stale
from cwlgen.runners.engines import engine
from cwlgen.runners.execute import execute
from cwlgen.runners.inputs import engine_job, make_job
from cwlgen.runners.job_files import load_job_file
from cwlgen.runners.outputs import typed_outputs
from cwlgen.runners.report import raise_for_failure
from cwlgen.runners.request import RunRequest, RunResult

BUILD_ROOT = Path(".cwlgen") / "build"
OUT_ROOT = Path("cwlgen-out")


@define
class Outcome:
    """A finished run: the typed value, the raw CWL output object and the runner's record."""

    value: Any
    result: RunResult
    compiled: Compiled
    build_dir: Path


def prepare_build(compiled: Compiled, build_dir: Path, job: Mapping[str, Any]) -> tuple[Path, Path]:
    """Write the CWL documents and the job into `build_dir`; (main document, job file)."""
    compiled.write(build_dir, what="build folder (--build-dir)")
    remove_stale(build_dir, set(compiled.texts()))
    job_path = build_dir / "job.json"
    # UTF-8, not ASCII escapes: cwltool reads "\\ud83d\\ude00" as two lone surrogates
    job_path.write_text(json.dumps(engine_job(job), indent=2, sort_keys=True,
                                   ensure_ascii=False) + "\n", encoding="utf-8")
    return build_dir / compiled.main, job_path


def gather_inputs(
    root: Process,
    inputs: Mapping[str, Any] | None,
    job_file: str | os.PathLike[str] | None,
    input_origins: Mapping[str, SourceLocation | str] | None,
    *,
    reported: Collection[str] = (),
    problems_so_far: Sequence[str] = (),
) -> dict[str, Any]:
    """The CWL job from a job file and keyword values (these win), checked against the
    inputs' types; an InputError lists every problem (with `problems_so_far` first, see
    make_job), at the job file's lines."""
    values: dict[str, Any] = {}
    base_dirs: dict[str, Path] = {}
    origins: dict[str, SourceLocation | str] = {}
    if job_file is not None:
        file_values, lines = load_job_file(job_file)
        values.update(file_values)
        base = Path(job_file).resolve().parent
        base_dirs.update({k: base for k in file_values})
        origins.update(lines)
    for name, value in (inputs or {}).items():
        values[name] = value
        base_dirs.pop(name, None)
        origins.pop(name, None)
    if input_origins:
        origins.update(input_origins)
    return make_job(root, values, base_dirs=base_dirs, origins=origins, reported=reported,
                    problems_so_far=problems_so_far)


def run_workflow(
    target: Any,
    *,
    runner: str = "cwltool",
    inputs: Mapping[str, Any] | None = None,
    job_file: str | os.PathLike[str] | None = None,
    input_origins: Mapping[str, SourceLocation | str] | None = None,
    outdir: str | os.PathLike[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
    batch_system: str | None = None,
    parallel: bool = False,
    container: str | None = None,
    runner_args: Sequence[str] = (),
    build_dir: str | os.PathLike[str] | None = None,
    progress: bool | IO[str] = True,
    live: bool | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    report: str | os.PathLike[str] | None = None,
) -> Outcome:
    """Compile `target`, run it and return an `Outcome`; raise InputError (bad inputs, before
    running) or RunError (a step failed: which one, its command line, its stderr)."""
    if not isinstance(target, Definition):
        raise UsageError(f"cannot run {target!r}: expected a function decorated with @tool, "
                         "@task or @workflow")
    eng = engine(runner)  # reject an unknown runner before compiling
    if batch_system is not None and runner != "toil":
        raise UsageError("batch_system= needs runner='toil' (cwltool runs on this machine "
                         "only)")
    compiled = compile(target)
    root = compiled.root
    job = gather_inputs(root, inputs, job_file, input_origins)
    folder = Path(build_dir) if build_dir is not None else BUILD_ROOT / root.name
    out = Path(outdir) if outdir is not None else OUT_ROOT / root.name
    places = {"build folder (--build-dir)": folder, "output folder (--outdir)": out}
    if cache is not None:
        places["cache folder (--cache)"] = Path(cache)
    for what, place in places.items():  # all checked before anything is written
        check_folder_path(place, what)
    for what, place in places.items():
        ensure_folder(place, what)
    folder = folder.absolute()
    main, job_path = prepare_build(compiled, folder, job)
    request = RunRequest(
        process=compiled.lowered, workflow=main, job=job_path,
        outdir=out.absolute(),
        build_dir=folder, cache=Path(cache).absolute() if cache is not None else None,
        parallel=parallel, batch_system=batch_system, container=container,
        extra_args=tuple(runner_args), stream=progress if not isinstance(progress, bool) else None,
        live=live, quiet=progress is False, env=env, written=root,
        report=Path(report).absolute() if report is not None else None,
    )
    result = execute(eng, request)
    if check:
        raise_for_failure(result, runner)
    value = typed_outputs(target, result.outputs) if result.returncode == 0 else None
    return Outcome(value=value, result=result, compiled=compiled, build_dir=folder)


def run(
    target: Any,
    runner: str = "cwltool",
    *,
    outdir: str | os.PathLike[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
    batch_system: str | None = None,
    parallel: bool = False,
    container: str | None = None,
    runner_args: Sequence[str] = (),
    inputs: Mapping[str, Any] | None = None,
    job_file: str | os.PathLike[str] | None = None,
    progress: bool | IO[str] = True,
    report: str | os.PathLike[str] | None = None,
    **kwargs: Any,
) -> Any:
    """Run a workflow, tool or task with cwltool (default) or Toil and return its outputs as
    Python values of its declared return type.

    Inputs are keyword arguments (`cwlgen.run(wf, texts=[File("a.txt")])`); an input whose
    name clashes with a parameter of this function goes in `inputs={...}`. `cache=DIR` makes
    a rerun reuse every job that finished (resume); `runner="toil", batch_system="slurm"`
    runs on a cluster. `report="report.html"` writes the run report (a timeline of every
    job, resources asked for against used, failures), also when the run fails."""
    merged = {**(inputs or {}), **kwargs}
    return run_workflow(
        target, runner=runner, inputs=merged, job_file=job_file, outdir=outdir, cache=cache,
        batch_system=batch_system, parallel=parallel, container=container,
        runner_args=runner_args, progress=progress, report=report,
    ).value
