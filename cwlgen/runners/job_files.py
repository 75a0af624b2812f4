"""Input values as people write them: a YAML/JSON job file (CWL syntax; each value remembers
its line, so a bad one is reported there) and `--input name=value` pairs on the command line,
parsed according to each input's type."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cwlgen.errors import InputError
from cwlgen.ir import Process
from cwlgen.ir import types as t
from cwlgen.ir.location import SourceLocation, display_path
from cwlgen.messages import format_message


def load_job_file(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, SourceLocation]]:
    """(values, where each was written) from a YAML or JSON job file; relative paths in it are
    resolved against the file's folder by `make_job` (pass `base_dirs`)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    shown = display_path(os.fspath(path))
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(format_message("CG505", variant="unreadable", path=shown,
                                        reason=exc.strerror or str(exc))) from None
    except UnicodeDecodeError as exc:
        raise InputError(format_message("CG505", variant="unreadable", path=shown,
                                        reason=f"it is not UTF-8 text (byte {exc.start})")
                         ) from None
    yaml = YAML(typ="rt")
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        raise InputError(format_message("CG505", variant="bad_yaml", path=shown,
                                        error=exc)) from None
    if data is None:
        return {}, {}
    if not isinstance(data, Mapping):
        raise InputError(format_message("CG505", variant="not_mapping", path=shown,
                                        got=type(data).__name__))
    values = {str(k): _plain(v) for k, v in data.items()}
    lines: dict[str, SourceLocation] = {}
    lc = getattr(data, "lc", None)
    for key in data:
        try:
            line = lc.key(key)[0] + 1 if lc is not None else 0
        except (KeyError, TypeError, AttributeError):
            line = 0
        lines[str(key)] = SourceLocation(path=shown, line=line)
    return values, lines


def _plain(value: Any) -> Any:
    """ruamel's round-trip containers as plain dicts/lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def parse_pairs(pairs: Sequence[str], process: Process,
                problems: list[str] | None = None) -> dict[str, Any]:
    """`--input name=value` pairs as Python values of each input's type. A list input may be
    given several times (`--input f=a.txt --input f=b.txt`) or as YAML (`f=[a.txt, b.txt]`).
    Problems raise one InputError listing all of them, or, when a `problems` list is given,
    are appended to it (and the inputs they concern are left out of the result)."""
    ports = {p.name: p for p in process.inputs}
    collect = problems is not None
    problems = problems if problems is not None else []
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            problems.append(format_message("CG506", pair=pair))
            continue
        port = ports.get(name)
        if port is None:
            out[name] = text  # make_job reports the unknown name with a suggestion
            continue
        try:
            value = _parse_text(text, port.type)
        except ValueError as exc:
            problems.append(format_message("CG503", name=name, func=process.name,
                                           expected=port.type, got=f"--input {pair}: {exc}"))
            continue
        base = t.strip_optional(port.type)
        if isinstance(base, t.Array) and not text.lstrip().startswith("["):
            out.setdefault(name, [])
            if isinstance(out[name], list):
                out[name].extend(value if isinstance(value, list) else [value])
        else:
            out[name] = value
    if problems and not collect:
        err = InputError("\n".join(problems))
        # a pair not written NAME=VALUE is a usage error (exit 2), a bad value is not
        err.usage = all("[CG506]" in p for p in problems)  # type: ignore[attr-defined]
        raise err
    return out


def _parse_text(text: str, typ: t.CwlType) -> Any:
    if isinstance(typ, t.Optional):
        if text.strip().lower() in ("null", "none", "~"):
            return None
        return _parse_text(text, typ.inner)
    if isinstance(typ, t.Prim):
        name = typ.name
        if name in ("File", "Directory", "string"):
            return text
        if name in ("int", "long"):
            try:
                return int(text)
            except ValueError:
                raise ValueError(f"'{text}' is not a whole number") from None
        if name in ("float", "double"):
            try:
                return float(text)
            except ValueError:
                raise ValueError(f"'{text}' is not a number") from None
        if name == "boolean":
            low = text.strip().lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError(f"'{text}' is not true or false")
        return _yaml_value(text)
    if isinstance(typ, t.Array):
        if text.lstrip().startswith("["):
            return _yaml_value(text)
        return _parse_text(text, typ.items)
    if isinstance(typ, t.Enum):
        return text
    return _yaml_value(text)


def _yaml_value(text: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return _plain(YAML(typ="safe").load(text))
    except YAMLError as exc:
        raise ValueError(f"'{text}' is not valid YAML: {exc}") from None
