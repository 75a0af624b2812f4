"""Input values for a run: check them against the workflow's CWL types *before* anything runs,
and turn them into a CWL job (a JSON-like dict).

Values come from three places, merged in this order (later wins): a YAML/JSON job file
(CWL syntax, paths relative to the file), `--input name=value` pairs on the command line
(parsed according to the input's type), and Python keyword arguments (`File`, `pathlib.Path`,
enums, attrs/dataclass records, lists...). Every problem becomes an `InputError` whose lines are
CG5xx diagnostics naming the input. Reading job files and `--input` pairs is `job_files`.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import math
import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from cwlgen.dsl.typemap import attrs_field_names
from cwlgen.errors import InputError
from cwlgen.ir import InputPort, Process
from cwlgen.ir import types as t
from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.location import SourceLocation, display_path
from cwlgen.runtime.paths import Directory, File


class _Mismatch(Exception):
    """A value does not fit a type; `where` is the path inside the value (`[2].name`)."""

    def __init__(self, where: str, expected: t.CwlType, value: Any) -> None:
        super().__init__(where)
        self.where = where
        self.expected = expected
        self.value = value


class _Missing(Exception):
    """A File or Directory does not exist."""

    def __init__(self, where: str, what: str, path: str) -> None:
        super().__init__(path)
        self.where = where
        self.what = what
        self.path = path


def describe(value: Any) -> str:
    """A short rendering of a value for messages: `'abc' (str)`."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def _is_remote(location: str) -> bool:
    scheme = urlparse(location).scheme
    return len(scheme) > 1 and scheme != "file"


def _local_path(location: str, base_dir: Path) -> str:
    if location.startswith("file://"):
        return unquote(urlparse(location).path)
    path = Path(os.path.expanduser(location))
    return str(path if path.is_absolute() else (base_dir / path).absolute())


def _path_object(value: Any, cls: str, base_dir: Path, where: str, check: bool) -> dict[str, Any]:
    """A CWL File/Directory object with an absolute local path (or a remote location)."""
    expected = t.FILE if cls == "File" else t.DIRECTORY
    obj: dict[str, Any]
    if isinstance(value, (File, Directory)):
        if value.cwl_class != cls:
            raise _Mismatch(where, expected, value)
        obj = value.to_cwl()
    elif isinstance(value, (str, os.PathLike)) and not isinstance(value, bool):
        obj = {"class": cls, "location": os.fspath(value)}
    elif isinstance(value, Mapping) and value.get("class") in ("File", "Directory"):
        if value.get("class") != cls:
            raise _Mismatch(where, expected, value)
        obj = dict(value)
    else:
        raise _Mismatch(where, expected, value)
    location = obj.pop("path", None) or obj.pop("location", None)
    if location is None:
        if cls == "File" and "contents" in obj:
            return obj  # a file literal
        if cls == "Directory" and "listing" in obj:
            return obj
        raise _Mismatch(where, expected, value)
    if not isinstance(location, str):
        raise _Mismatch(where, expected, value)
    if _is_remote(location):
        obj["location"] = location
    else:
        path = _local_path(location, base_dir)
        if check:
            kind_ok = os.path.isfile(path) if cls == "File" else os.path.isdir(path)
            if not kind_ok:
                what = "file" if cls == "File" else "directory"
                if os.path.exists(path):
                    what += f" (it is a {'directory' if os.path.isdir(path) else 'file'})"
                raise _Missing(where, what, display_path(path))
        obj["path"] = path
    secondary = obj.get("secondaryFiles")
    if secondary:
        obj["secondaryFiles"] = [
            _path_object(sf, sf.get("class", "File") if isinstance(sf, Mapping) else
                         (sf.cwl_class if isinstance(sf, (File, Directory)) else "File"),
                         base_dir, f"{where}.secondaryFiles[{i}]", check)
            for i, sf in enumerate(secondary)
        ]
    return obj


def engine_job(value: Any) -> Any:
    """The job as an engine reads it: each local `path` becomes a file:// `location` URI,
    percent-encoded, so a name like `a%20b.txt` or `a#b.txt` reaches the tool as itself
    (cwltool reads a bare `path` as a URI: it decodes `%20` and cuts at `#`)."""
    if isinstance(value, list):
        return [engine_job(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: engine_job(v) for k, v in value.items()}
    if out.get("class") in ("File", "Directory") and isinstance(out.get("path"), str):
        out["location"] = Path(out.pop("path")).as_uri()
    return out


def _record_items(value: Any) -> Mapping[str, Any] | None:
    if isinstance(value, Mapping):
        return value
    cls = type(value)
    attrs_names = attrs_field_names(cls)
    if attrs_names is not None:
        return {name: getattr(value, name) for name in attrs_names}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return value._asdict()  # type: ignore[no-any-return]
    return None


def convert(value: Any, typ: t.CwlType, *, base_dir: Path, where: str = "",
            check_paths: bool = True) -> Any:
    """`value` (Python or CWL-style) as the CWL value of type `typ`; raises on mismatch."""
    if isinstance(typ, t.Optional):
        if value is None:
            return None
        return convert(value, typ.inner, base_dir=base_dir, where=where, check_paths=check_paths)
    if typ == t.NULL and value is None:
        return None
    if value is None:
        raise _Mismatch(where, typ, value)
    if isinstance(typ, t.OneOf):  # the first member the value fits
        for member in typ.members:
            try:
                return convert(value, member, base_dir=base_dir, where=where,
                               check_paths=check_paths)
            except _Mismatch:
                continue
        raise _Mismatch(where, typ, value)
    if isinstance(typ, t.Prim):
        return _convert_prim(value, typ, base_dir, where, check_paths)
    if isinstance(typ, t.Array):
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
            raise _Mismatch(where, typ, value)
        return [
            convert(v, typ.items, base_dir=base_dir, where=f"{where}[{i}]",
                    check_paths=check_paths)
            for i, v in enumerate(value)
        ]
    if isinstance(typ, t.Enum):
        symbol = value
        if isinstance(value, enum.Enum):
            symbol = value.value if value.value in typ.symbols else value.name
        if isinstance(symbol, str) and symbol in typ.symbols:
            return symbol
        raise _Mismatch(where, typ, value)
    if isinstance(typ, t.Record):
        return _convert_record(value, typ, base_dir, where, check_paths)
    raise _Mismatch(where, typ, value)  # pragma: no cover - the union is exhaustive


def _convert_prim(value: Any, typ: t.Prim, base_dir: Path, where: str, check: bool) -> Any:
    """A value of a primitive CWL type (File and Directory included)."""
    name = typ.name
    if name in ("File", "Directory"):
        return _path_object(value, name, base_dir, where, check)
    if name == "Any":
        return _any_value(value, base_dir, where, check)
    if name == "string" and isinstance(value, str):
        return value
    if name == "string" and isinstance(value, enum.Enum) and isinstance(value.value, str):
        return value.value
    if name in ("int", "long") and isinstance(value, int) and not isinstance(value, bool):
        if not t.int_in_range(value, name):
            raise _Mismatch(where, typ, value)  # CWL ints are 32/64-bit: cwltool refuses more
        return value
    if name in ("float", "double") and isinstance(value, (int, float)) and not isinstance(
        value, bool
    ) and math.isfinite(float(value)):
        return value
    if name == "boolean" and isinstance(value, bool):
        return value
    raise _Mismatch(where, typ, value)


def _convert_record(value: Any, typ: t.Record, base_dir: Path, where: str, check: bool) -> Any:
    """A record from a mapping, attrs/dataclass instance or NamedTuple; no unknown fields."""
    items = _record_items(value)
    if items is None:
        raise _Mismatch(where, typ, value)
    names = {f.name for f in typ.fields}
    extra = sorted(set(items) - names)
    if extra:
        raise _Mismatch(f"{where}.{extra[0]}", typ, value)
    out = {}
    for field in typ.fields:
        if field.name in items:
            out[field.name] = convert(items[field.name], field.type, base_dir=base_dir,
                                      where=f"{where}.{field.name}",
                                      check_paths=check)
        elif not isinstance(field.type, t.Optional):
            raise _Mismatch(f"{where}.{field.name}", field.type, None)
    return out


def _any_value(value: Any, base_dir: Path, where: str, check: bool) -> Any:
    if isinstance(value, (File, Directory)):
        return _path_object(value, value.cwl_class, base_dir, where, check)
    if isinstance(value, Mapping) and value.get("class") in ("File", "Directory"):
        return _path_object(value, str(value["class"]), base_dir, where, check)
    if isinstance(value, enum.Enum):
        return value.value if isinstance(value.value, (str, int, float)) else value.name
    if isinstance(value, (list, tuple)):
        return [_any_value(v, base_dir, f"{where}[{i}]", check) for i, v in enumerate(value)]
    items = _record_items(value) if not isinstance(value, (str, int, float, bool)) else None
    if items is not None:
        return {str(k): _any_value(v, base_dir, f"{where}.{k}", check) for k, v in items.items()}
    if isinstance(value, os.PathLike):
        return _path_object(value, "File", base_dir, where, check)
    return value


def make_job(
    process: Process,
    values: Mapping[str, Any],
    *,
    base_dirs: Mapping[str, Path] | None = None,
    origins: Mapping[str, SourceLocation | str] | None = None,
    check_paths: bool = True,
    reported: Collection[str] = (),
    problems_so_far: Sequence[str] = (),
    require_all: bool = True,
) -> dict[str, Any]:
    """The CWL job for `process` from Python/CWL values; raise InputError listing every problem
    (`require_all=False`: a missing input is no problem, e.g. for a resources plan).

    `base_dirs` maps an input to the folder its relative paths are relative to (default: the
    working directory); `origins` says where a value was given (a job file line, `--input`).
    `problems_so_far` are already-printed problems found earlier (a command line's values that
    did not parse, for the inputs named in `reported`): they head the one InputError, so that
    every problem is reported at once, and those inputs do not count as missing."""
    problems: list[Diagnostic] = []
    base_dirs = base_dirs or {}
    origins = origins or {}
    ports = {p.name: p for p in process.inputs}
    func = process.name
    job: dict[str, Any] = {}

    def where(name: str) -> SourceLocation | None:
        origin = origins.get(name)
        return origin if isinstance(origin, SourceLocation) else None

    for name, value in values.items():
        port = ports.get(name)
        if port is None:
            close = difflib.get_close_matches(name, list(ports), n=1)
            suggestion = f"; did you mean '{close[0]}'?" if close else (
                f"; its inputs are {', '.join(ports)}" if ports else "; it takes no inputs")
            problems.append(diag("CG501", where(name), func=func, name=name,
                                 suggestion=suggestion))
            continue
        base = base_dirs.get(name, Path.cwd())
        try:
            job[name] = convert(value, port.type, base_dir=base, check_paths=check_paths)
        except _Mismatch as exc:
            problems.append(_mismatch_diag(exc, port, func, value, where(name)))
        except _Missing as exc:
            label = f"{name}{exc.where}" if exc.where else name
            problems.append(diag("CG504", where(name), name=label, func=func, what=exc.what,
                                 path=exc.path))
    for port in process.inputs:
        if (port.name not in values and port.name not in reported and port.required
                and require_all):
            problems.append(diag("CG502", None, name=port.name, func=func, type=port.type,
                                 how=_how_to_give(port)))
    if problems or problems_so_far:
        err = InputError("\n".join([*problems_so_far, *(d.render() for d in problems)]))
        # only command-line pairs not written NAME=VALUE (and the inputs they therefore
        # miss) make it a usage error (exit 2); a bad value anywhere is a data error (1)
        err.usage = (bool(problems_so_far)  # type: ignore[attr-defined]
                     and all("[CG506]" in p for p in problems_so_far)
                     and all(d.code == "CG502" for d in problems))
        raise err
    return job


def _how_to_give(port: InputPort) -> str:
    return (f"pass {port.name}=... to cwlgen.run, '--input {port.name}=VALUE', or put "
            f"'{port.name}:' in the inputs file")


def _mismatch_diag(exc: _Mismatch, port: InputPort, func: str, value: Any,
                   src: SourceLocation | None) -> Diagnostic:
    if exc.where:
        got = f"{port.name}{exc.where} is {describe(exc.value)}, not {exc.expected}"
    else:
        got = f"got {describe(value)}"
    return diag("CG503", src, name=port.name, func=func, expected=port.type, got=got)
