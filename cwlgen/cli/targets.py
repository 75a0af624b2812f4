"""Loading `FILE_OR_MODULE[:OBJECT]` targets and finding the definitions in a module.

Import failures become a `TargetError` naming the user's file and line, never a traceback.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os
import sys
import sysconfig
from pathlib import Path
from types import ModuleType
from typing import Any

from cwlgen.dsl.definition import Definition
from cwlgen.errors import TargetError
from cwlgen.ir.diagnostics import Diagnostic
from cwlgen.ir.frames import user_traceback_line
from cwlgen.ir.location import SourceLocation, display_path
from cwlgen.messages import format_message, message_text

ALL_KINDS = ("workflow", "tool", "task")

# the standard library and installed packages: never the user's line in an import error
_LIBRARY_DIRS = tuple(sorted({
    os.path.join(p, "") for key in ("stdlib", "platstdlib", "purelib", "platlib")
    if (p := sysconfig.get_paths().get(key))
}))


PROJECT_MARKERS = ("pyproject.toml", ".git")


def project_root(path: Path) -> Path | None:
    """The nearest folder above `path` holding pyproject.toml or .git: the project a file
    belongs to, whatever the working directory."""
    for folder in path.parents:
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return None


def _module_name_for(path: Path) -> tuple[str, Path]:
    """(dotted module name, sys.path root) for a .py file: relative to its project's root
    (the folder holding pyproject.toml or .git), so `pipelines/lofar.py` is
    `pipelines.lofar` from any working directory; else relative to the working directory
    when inside it; else its bare stem."""
    path = path.resolve()
    for root in (project_root(path), Path.cwd().resolve()):
        if root is None:
            continue
        try:
            rel = path.relative_to(root)
        except ValueError:
            continue
        parts = list(rel.with_suffix("").parts)
        if all(p.isidentifier() for p in parts):
            return ".".join(parts), root
    return path.stem, path.parent


class TargetLoadError(TargetError):
    """A target that cannot be loaded, with its registry code; `usage` marks a command line
    that names something wrong (a missing file or object, several workflows where one is
    needed), which `cwlgen check` reports with exit status 2."""

    def __init__(self, code: str, text: str, *, usage: bool,
                 diagnostic: Diagnostic | None = None) -> None:
        super().__init__(text)
        self.code = code
        self.usage = usage
        # the same problem as a diagnostic object, for `cwlgen check`'s machine formats
        self.diagnostic = diagnostic or Diagnostic(code=code, message=text, loc=None)


def target_error(code: str, where: str | None = None, variant: str | None = None, *,
                 usage: bool | None = None, **fields: object) -> TargetLoadError:
    """A TargetLoadError whose text comes from the message registry, formatted like a
    diagnostic (`path:line: error[CODE]: message`); a usage error by default when nothing
    of that name exists (CG002)."""
    found = Diagnostic(code=code, message=message_text(code, variant, **fields),
                       loc=_location(where))
    return TargetLoadError(code, format_message(code, where, variant, **fields),
                           usage=code == "CG002" if usage is None else usage, diagnostic=found)


def _location(where: str | None) -> SourceLocation | None:
    """`path:line` (or a bare path, line 0) as a SourceLocation."""
    if not where:
        return None
    path, sep, line = where.rpartition(":")
    if sep and line.isdigit():
        return SourceLocation(path=path, line=int(line))
    return SourceLocation(path=where, line=0)


def _import_failure(exc: BaseException, what: str) -> TargetLoadError:
    """CG001 at the user's line that failed (a syntax error, a missing module, an exception
    raised at import time), never cwlgen's or a library's."""
    if isinstance(exc, SystemExit):
        found = user_traceback_line(exc, skip=_LIBRARY_DIRS)
        where = f"{display_path(found[0])}:{found[1]}" if found else what
        return target_error("CG001", where, "exited", what=what, status=exc.code)
    if isinstance(exc, SyntaxError):
        where = f"{display_path(exc.filename or what)}:{exc.lineno or 0}"
        return target_error("CG001", where, "syntax", what=what, detail=exc.msg)
    found = user_traceback_line(exc, skip=_LIBRARY_DIRS)
    where = f"{display_path(found[0])}:{found[1]}" if found else what
    hint = ""
    if isinstance(exc, ModuleNotFoundError):
        hint = f"; install the module '{exc.name}' or fix the import"
    return target_error("CG001", where, "raised", what=what,
                        exc_type=type(exc).__name__, exc=exc, hint=hint)


def _import_dotted(name: str, path: Path) -> ModuleType | None:
    """Import `pkg.mod` normally; None when that finds something else than `path` (a folder
    named like a standard module, e.g. `pipes/`), so the caller loads the file directly."""
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not (name == exc.name or name.startswith(f"{exc.name}.")):
            raise
        return None
    return module if _is_file_of(module, path) else None


def load_module(spec: str) -> ModuleType:
    """Import a module given as a file path or a dotted name. What it prints while being
    imported goes to stderr: stdout carries only results (`cwlgen run ... > out.json`)."""
    with contextlib.redirect_stdout(sys.stderr):
        return _load_module(spec)


def _load_module(spec: str) -> ModuleType:
    if not spec.strip():
        raise target_error("CG002", None, "no_module", spec=spec)
    looks_like_file = spec.endswith(".py") or os.sep in spec or os.path.exists(spec)
    if looks_like_file:
        return _load_file(spec)
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    try:
        return importlib.import_module(spec)
    except ModuleNotFoundError as exc:
        if exc.name == spec or spec.startswith(f"{exc.name}."):
            raise target_error("CG002", None, "no_module", spec=spec) from None
        raise _import_failure(exc, spec) from None
    except (Exception, SystemExit) as exc:
        raise _import_failure(exc, spec) from None


def _load_file(spec: str) -> ModuleType:
    """Import a .py file under the module name it has from the working directory."""
    path = Path(spec)
    if path.is_dir():
        raise target_error("CG002", None, "is_folder", path=spec)
    if not path.is_file():
        raise target_error("CG002", None, "no_file", path=spec)
    if path.suffix != ".py":
        raise target_error("CG002", None, "not_python", path=spec)
    name, root = _module_name_for(path)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    loaded = sys.modules.get(name)
    if loaded is not None and _is_file_of(loaded, path):
        return loaded
    try:
        if "." in name:
            module = _import_dotted(name, path)
            if module is not None:
                return module
        if name in sys.modules:
            # another module already has this name (a file called json.py, say): load
            # the user's file beside it instead of replacing it for the whole process
            name = f"cwlgen_target_{name}"
        module_spec = importlib.util.spec_from_file_location(name, path)
        assert module_spec is not None and module_spec.loader is not None
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        module_spec.loader.exec_module(module)
        return module
    except (Exception, SystemExit) as exc:  # sys.exit() at import is a failure too
        sys.modules.pop(name, None)
        raise _import_failure(exc, spec) from None


def _is_file_of(module: ModuleType, path: Path) -> bool:
    """Whether `module` was loaded from the file `path`."""
    filename = getattr(module, "__file__", None)
    return bool(filename) and Path(filename or "").resolve() == path.resolve()


def definitions_in(module: ModuleType) -> list[Definition[..., Any]]:
    """Tools, tasks and workflows defined (not merely imported) in `module`, in file order."""
    found = []
    for value in vars(module).values():
        if isinstance(value, Definition) and value.func.__module__ == module.__name__:
            found.append(value)
    found.sort(key=lambda d: getattr(getattr(d.func, "__code__", None), "co_firstlineno", 0))
    return found


def split_target(target: str) -> tuple[str, str | None]:
    """'pipelines/x.py:wf' -> ('pipelines/x.py', 'wf'); a Windows drive colon is kept."""
    head, sep, tail = target.rpartition(":")
    if sep and tail.isidentifier() and head and not (len(head) == 1 and head.isalpha()):
        return head, tail
    return target, None


def load_target(target: str, *, kinds: tuple[str, ...] = ALL_KINDS
                ) -> list[Definition[..., Any]]:
    """The definitions a target names: one object, or every workflow of a module (every tool
    or task if it has no workflow)."""
    spec, obj_name = split_target(target)
    module = load_module(spec)
    if obj_name is not None:
        return [_named_definition(module, spec, obj_name, kinds)]
    found = definitions_in(module)
    workflows = [d for d in found if d.kind == "workflow" and "workflow" in kinds]
    chosen = workflows or [d for d in found if d.kind in kinds]
    if not chosen:
        raise target_error("CG003", None, "nothing_defined", spec=spec,
                           kinds=" / ".join("@" + k for k in kinds))
    return chosen


def _named_definition(module: ModuleType, spec: str, obj_name: str,
                      kinds: tuple[str, ...]) -> Definition[..., Any]:
    """The object `spec:obj_name`: CG002 (with a suggestion) when it does not exist, CG003
    when it is not a definition of one of `kinds`."""
    obj = getattr(module, obj_name, None)
    if obj is None:
        names = [d.name for d in definitions_in(module)]
        import difflib  # only when suggesting a name

        close = difflib.get_close_matches(obj_name, names, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else (
            f"; it defines {', '.join(names)}" if names else "")
        raise target_error("CG002", None, "no_object", spec=spec, name=obj_name, hint=hint)
    if not isinstance(obj, Definition) or obj.kind not in kinds:
        raise target_error("CG003", None, "not_definition", usage=True, spec=spec, name=obj_name,
                           kinds=" / ".join("@" + k for k in kinds))
    return obj


def load_one(target: str, *, kinds: tuple[str, ...] = ALL_KINDS) -> Definition[..., Any]:
    """The one definition a command acts on (run, resources, a determinism run): CG003 when
    the target is a module with several workflows, naming the first as an example."""
    defs = load_target(target, kinds=kinds)
    if len(defs) > 1:
        names = ", ".join(d.name for d in defs)
        raise target_error("CG003", None, "several_workflows", usage=True, spec=target,
                           names=names, example=f"{target}:{defs[0].name}")
    return defs[0]
