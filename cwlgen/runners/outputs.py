"""The engine's output object (CWL JSON) as the Python value the function's return annotation
promises: `File`/`Directory` objects with local paths, records as instances of their class,
enums as members, a `NamedTuple` for several outputs.

This is the runners' one reader of CWL output JSON. It is more lenient than the job shim's
(`cwlgen.runtime.shim.from_json`): an enum is matched by value or name, and a union of several
types is read generically, because an engine's output object is not ours to trust. Issue 8
asks for a single conversion in `cwlgen/runtime/`; until it exists, `from_cwl` here is the
adapter every runner path (`run`, `cwlgen run`) goes through."""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, Union, get_args, get_origin

from cwlgen.dsl.definition import Definition
from cwlgen.dsl.typemap import is_record_class, record_fields
from cwlgen.runtime.paths import Directory, File


def typed_outputs(defn: Definition[Any, Any], outputs: Mapping[str, Any]) -> Any:
    """The runner's output object as the value the function's return annotation promises."""
    iface = defn.interface
    if not iface.output_names:
        return None
    try:
        hints = typing.get_type_hints(defn.func, include_extras=True)
    except Exception:  # annotations that do not resolve were reported at compile time
        hints = {}
    if iface.return_class is not None:
        try:
            field_hints = typing.get_type_hints(iface.return_class, include_extras=True)
        except Exception:
            field_hints = {}
        values = [from_cwl(outputs.get(n), field_hints.get(n, Any)) for n in iface.output_names]
        return iface.return_class(*values)
    return from_cwl(outputs.get(iface.output_names[0]), hints.get("return", Any))


def from_cwl(value: Any, tp: Any) -> Any:
    """One CWL value as a Python value of annotation `tp`."""
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    if value is None:
        return None
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        members = [m for m in get_args(tp) if m is not type(None)]
        return from_cwl(value, members[0]) if len(members) == 1 else _generic(value)
    if tp in (File, Directory):
        return _path_value(value)
    if origin is list:
        (item,) = get_args(tp) or (Any,)
        return [from_cwl(v, item) for v in value] if isinstance(value, list) else value
    if origin is Literal or tp is str or tp is bool:
        return value
    if tp is int:
        return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
            else value
    if tp is float:
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
            else value
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        for member in tp:
            if member.value == value or member.name == value:
                return member
        return value
    if is_record_class(tp) and isinstance(value, Mapping):
        kwargs = {name: from_cwl(value.get(name), ftp) for name, ftp in record_fields(tp)}
        return tp(**kwargs)
    return _generic(value)


def _path_value(value: Any) -> Any:
    if isinstance(value, Mapping) and value.get("class") in ("File", "Directory"):
        return File.from_cwl(value)
    return value


def _generic(value: Any) -> Any:
    if isinstance(value, Mapping):
        if value.get("class") in ("File", "Directory"):
            return File.from_cwl(value)
        return {k: _generic(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_generic(v) for v in value]
    return value
