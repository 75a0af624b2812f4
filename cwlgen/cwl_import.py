"""Facade for hand-written CWL: check it with the same passes as Python sources, and import it
into DSL source (load -> refuse what the DSL cannot express -> write Python -> compile that
Python back to prove it works -> move it into place). Nothing is written on failure.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path

from cwlgen.checks import run_checks
from cwlgen.dsl.cwl_load import Loaded, load_cwl
from cwlgen.dsl.cwl_read import CwlReadError, Position
from cwlgen.errors import CompileError
from cwlgen.ir import Process, Workflow
from cwlgen.ir.diagnostics import Diagnostic, diag, sorted_diagnostics
from cwlgen.ir.frozen import evolve, frozen
from cwlgen.ir.location import SourceLocation
from cwlgen.messages import format_line, message_text


@frozen
class ImportProblem:
    """One reason a document cannot be imported, at `file.cwl:line:col`."""

    code: str
    message: str
    position: Position | None

    def render(self) -> str:
        return format_line(self.code, self.message, str(self.position) if self.position
                           else None)


class ImportFailed(Exception):
    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("\n".join(p.render() for p in problems))
        self.problems = problems


def _problem(code: str, position: Position | None, **fields: object) -> ImportProblem:
    return ImportProblem(code, message_text(code, None, **fields), position)


def read_error(exc: CwlReadError) -> ImportProblem:
    return _problem("CG701", exc.position, reason=exc.message)


def check_cwl(path: str) -> list[Diagnostic]:
    """Every diagnostic for one hand-written CWL document (each process of a `$graph`
    unless `#id` names one), at its `file.cwl:LINE`s."""
    from cwlgen.dsl.cwl_load import load_process
    from cwlgen.dsl.cwl_read import _local_uri, read_uri, select

    try:
        uri, fragment = _local_uri(path)
        loaded = read_uri(uri)
        items = [select(loaded, uri, fragment)] if fragment or not isinstance(
            loaded, list) else loaded
        found: list[Diagnostic] = []
        for obj in items:
            loaded = load_process(obj, uri)
            found += [diag("CG701", SourceLocation(path=e.position.path, line=e.position.line,
                                                    col=e.position.col)
                           if e.position else None, reason=e.construct)
                      for e in loaded.errors]
            found += run_checks(loaded.process)
    except CwlReadError as exc:
        pos = exc.position
        return [diag("CG701", SourceLocation(path=pos.path, line=pos.line, col=pos.col) if pos else
                     SourceLocation(path=path, line=1), reason=exc.message)]
    return sorted_diagnostics([_as_cwltool_sees_it(d) for d in found])


# cwlgen is stricter than cwltool on purpose for the CWL it writes; on hand-written CWL these
# are only warnings, so that `cwlgen check` agrees with `cwltool --validate` on what is valid
# (cwltool never reads expressions when validating: CG606 only fails once a run evaluates it)
_CWLTOOL_WARNS = {"CG202", "CG303", "CG606"}


def _as_cwltool_sees_it(d: Diagnostic) -> Diagnostic:
    return evolve(d, severity="warning") if d.code in _CWLTOOL_WARNS else d


def load_for_import(target: str, *, drop_metadata: bool = False,
                    dropped: list[str] | None = None) -> Loaded:
    """Load `target`; raise ImportFailed naming every construct the DSL cannot express.

    With `drop_metadata`, document metadata (`$schemas`, `s:author`, ...) is left out, each
    one described in `dropped`."""
    try:
        loaded = load_cwl(target)
    except CwlReadError as exc:
        raise ImportFailed([read_error(exc)]) from None
    problems = [_problem("CG701", e.position, reason=e.construct) for e in loaded.errors]
    problems += [_problem("CG702", g.position, construct=g.construct) for g in loaded.gaps]
    if drop_metadata:
        loaded = evolve(loaded, process=_without_metadata(loaded.process, dropped, {}))
    problems += [
        ImportProblem(d.code, d.message, Position(d.loc.path, d.loc.line, 1) if d.loc else None)
        for d in run_checks(loaded.process) if d.severity == "error" and d.code != "CG202"
    ]  # an optional value into a required parameter is written `assume_not_null(value)`
    if problems:
        unique = list(dict.fromkeys(problems))
        unique.sort(key=lambda p: (p.position.path, p.position.line, p.position.col)
                    if p.position else ("", 0, 0))
        raise ImportFailed(unique)
    return loaded


def _without_metadata(process: Process, dropped: list[str] | None,
                      done: dict[str, Process]) -> Process:
    """`process` and everything it runs without `$schemas` and metadata fields (what
    `--drop-metadata` asks for), each one left out described in `dropped`."""
    if process.key in done:
        return done[process.key]
    if dropped is not None:
        where = f"{process.loc.path}:{process.loc.line}: " if process.loc else ""
        dropped += [f"{where}warning: dropped $schemas {o.name}" for o in process.schemas]
        dropped += [f"{where}warning: dropped metadata field '{k}'"
                    for k, _ in process.metadata]
    out = evolve(process, schemas=(), metadata=())
    if isinstance(out, Workflow):
        out = evolve(out, steps=tuple(evolve(s, process=_without_metadata(s.process, dropped,
                                                                          done))
                                      for s in out.steps))
    done[process.key] = out
    return out


def import_cwl(target: str, out_path: str | os.PathLike[str], *, drop_metadata: bool = False,
               dropped: list[str] | None = None) -> str:
    """Write the Python for `target` to `out_path`; return the root function's name.

    The module is compiled back before it is moved into place, so a failure leaves nothing.
    """
    from cwlgen.backend.pysource import write_python

    loaded = load_for_import(target, drop_metadata=drop_metadata, dropped=dropped)
    out = Path(out_path)
    folder = out.resolve().parent
    text, name = write_python(loaded.process, out_dir=str(folder),
                              source_label=_label(target))
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".cwlgen-import-", suffix=".py", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        verify(tmp, name, target)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return name


def _label(target: str) -> str:
    base, _, frag = target.partition("#")
    name = os.path.basename(base)
    return f"{name}#{frag}" if frag else name


def verify(path: str, name: str, target: str) -> None:
    """Import the written module and compile its root: it must build back."""
    from cwlgen.compiler import compile as compile_cwl

    module_name = f"_cwlgen_import_{abs(hash(path))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
        compile_cwl(getattr(module, name))
    except CompileError as exc:
        raise ImportFailed([_problem("CG703", None, what=_label(target),
                                     error=exc.diagnostics[0].message if exc.diagnostics
                                     else str(exc))]) from None
    except Exception as exc:  # noqa: BLE001 - any failure of generated code is our bug
        raise ImportFailed([_problem("CG703", None, what=_label(target),
                                     error=f"{type(exc).__name__}: {exc}")]) from None
    finally:
        sys.modules.pop(module_name, None)


__all__ = ["ImportFailed", "ImportProblem", "check_cwl", "import_cwl", "load_for_import"]
