"""Helpers for pytest users testing their own cwlgen pipelines.

    from cwlgen.testing import assert_compiles, preview_argv

    def test_pipeline_compiles():
        assert_compiles(calibrate)                      # errors (and warnings) name file:line

    def test_bwa_binds_its_options():
        argv = preview_argv(bwa_mem, reads=File("r.fq"), threads=4)
        assert argv[:4] == ["bwa", "mem", "-t", "4"]

`preview_argv` asks cwltool itself to build the command line (its own binding, sorting and
parameter-reference code) without running anything, so a test sees exactly what a run would
execute.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["assert_compiles", "preview_argv"]


def assert_compiles(obj: Any, *, warnings_as_errors: bool = False, validate: bool = True) -> None:
    """Fail (AssertionError listing every diagnostic at its file:line) unless `obj`, a
    @tool/@task/@workflow, compiles to CWL that cwltool accepts. With `warnings_as_errors`,
    warnings fail too; `validate=False` skips cwltool's validation (faster)."""
    from cwlgen.backend.validate import validate_file
    from cwlgen.compiler import compile
    from cwlgen.errors import CompileError, ValidationError

    try:
        compiled = compile(obj)
    except CompileError as exc:
        raise AssertionError(f"{_name(obj)} does not compile:\n{exc}") from None
    if warnings_as_errors and compiled.warnings:
        raise AssertionError(f"{_name(obj)} compiles with warnings:\n"
                             + "\n".join(w.render() for w in compiled.warnings))
    if validate:
        with tempfile.TemporaryDirectory(prefix="cwlgen-test-") as tmp:
            compiled.write(tmp)
            try:
                validate_file(Path(tmp) / compiled.main)
            except ValidationError as exc:
                raise AssertionError(f"cwltool rejects the CWL of {_name(obj)}:\n{exc}") \
                    from None


def preview_argv(tool: Any, **inputs: Any) -> list[str]:
    """The command line cwltool would run for `tool` (a @tool or @task) given `inputs` (Python
    values, as for `cwlgen.run`), built by cwltool without running it.

    Input files must exist, as for a run. cwltool stages each input under a random folder;
    the argv names it by the input's own absolute path instead, and the job's output and
    temporary folders as `$(runtime.outdir)` and `$(runtime.tmpdir)`, so tests can compare.
    stdin/stdout redirections are not part of argv. Input errors raise cwlgen.InputError
    listing every problem; a workflow is a UsageError (its steps' command lines depend on
    upstream outputs)."""
    from cwlgen.compiler import compile
    from cwlgen.errors import InputError, UsageError
    from cwlgen.runners.inputs import make_job

    compiled = compile(tool)
    process = compiled.root
    if process.kind == "workflow":
        raise UsageError(
            f"preview_argv needs a tool or task, but {_name(tool)} is a workflow: preview "
            "its steps' tools one by one")
    job = _with_locations(make_job(process, inputs))
    with tempfile.TemporaryDirectory(prefix="cwlgen-argv-") as tmp:
        compiled.write(Path(tmp) / "cwl")
        try:
            return _cwltool_command_line(Path(tmp) / "cwl" / compiled.main, job, Path(tmp))
        except Exception as exc:  # cwltool's own input checks (schema-salad, expressions)
            if isinstance(exc, AssertionError):
                raise
            raise InputError(f"cwltool cannot build the command line of {_name(tool)}: "
                             f"{exc}") from exc


def _cwltool_command_line(path: Path, job: dict[str, Any], scratch: Path) -> list[str]:
    from cwltool.context import LoadingContext, RuntimeContext
    from cwltool.load_tool import load_tool
    from cwltool.workflow import default_make_tool

    for name in ("cwltool", "salad"):
        logging.getLogger(name).setLevel(logging.ERROR)
    loading = LoadingContext({"strict": True})
    loading.construct_tool_object = default_make_tool
    process = load_tool(path.resolve().as_uri(), loading)
    (scratch / "out").mkdir()
    runtime = RuntimeContext({
        "outdir": str(scratch / "out"),
        "tmpdir_prefix": str(scratch / "tmp"),
        "stagedir": str(scratch / "stage"),
        "basedir": str(Path.cwd()),
        "use_container": False,
    })
    for job_item in process.job(job, lambda _out, _status: None, runtime):
        command_line = getattr(job_item, "command_line", None)
        if command_line is not None:
            return _readable([str(arg) for arg in command_line], job_item)
    raise AssertionError(f"cwltool built no command line for {path.name}")


def _readable(argv: list[str], job: Any) -> list[str]:
    """cwltool's argv with its per-run random folders named: a staged input's path becomes the
    input's own path, the job's output and temporary folders `$(runtime.outdir)` and
    `$(runtime.tmpdir)`."""
    swaps: list[tuple[str, str]] = []
    for _location, entry in job.pathmapper.items():
        if entry.target and entry.resolved and not entry.resolved.startswith("_:"):
            swaps.append((entry.target, entry.resolved))
    builder = job.builder
    swaps += [(builder.outdir, "$(runtime.outdir)"), (builder.tmpdir, "$(runtime.tmpdir)")]
    swaps.sort(key=lambda pair: len(pair[0]), reverse=True)  # longest (innermost) first
    out = []
    for arg in argv:
        for old, new in swaps:
            if old and old in arg:
                arg = arg.replace(old, new)
        out.append(arg)
    return out


def _with_locations(value: Any) -> Any:
    """The job with each File/Directory `path` turned into the `location` URI that cwltool's
    Python API expects (its command-line loader does this for job files)."""
    if isinstance(value, list):
        return [_with_locations(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _with_locations(v) for k, v in value.items()}
    if out.get("class") in ("File", "Directory") and "path" in out:
        out["location"] = Path(out.pop("path")).as_uri()
    return out


def _name(obj: Any) -> str:
    return str(getattr(obj, "name", None) or obj)
