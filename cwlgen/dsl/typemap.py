"""Python annotations -> CWL types, and Python values -> CWL (JSON-like) values."""

from __future__ import annotations

import enum
import os
import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

from cwlgen.dsl.schema import is_schema
from cwlgen.dsl.spec import Arg, Out, SecondaryFile, WideNumber
from cwlgen.ir import types as t
from cwlgen.ir.cwl import binding_dict
from cwlgen.runtime.paths import Directory, File


class UnsupportedType(Exception):
    """Raised with a readable rendering of the offending annotation."""


def type_name(tp: Any) -> str:
    """How a Python annotation is written in a message."""
    # `list[int]` passes isinstance(..., type) before Python 3.11; its repr is the spelling
    if isinstance(tp, type) and get_origin(tp) is None:
        return tp.__qualname__
    return repr(tp).replace("typing.", "")


def is_record_class(tp: Any) -> bool:
    """Whether `tp` is an attrs or dataclass class (a CWL record)."""
    return isinstance(tp, type) and (attrs_field_names(tp) is not None
                                     or hasattr(tp, "__dataclass_fields__"))


def attrs_field_names(cls: type) -> list[str] | None:
    """The field names of a user's attrs class (None for any other class), read from the
    class itself as attrs.fields does, so attrs is never imported for it."""
    fields = getattr(cls, "__attrs_attrs__", None) if isinstance(cls, type) else None
    return None if fields is None else [a.name for a in fields]


def to_cwl_type(tp: Any, *, hint_name: str = "value") -> t.CwlType:
    """The CWL type of a (non-Annotated) Python annotation; raises UnsupportedType."""
    origin = get_origin(tp)
    if origin is typing.Annotated:
        base, *extras = get_args(tp)
        wide = next((e for e in extras if isinstance(e, WideNumber)), None)
        if wide is not None:
            if (base, wide.cwl) not in ((int, "long"), (float, "double")):
                raise UnsupportedType(f"{type_name(base)} marked {wide.cwl} (use Long for an "
                                      "int, Double for a float)")
            return t.LONG if wide.cwl == "long" else t.DOUBLE
        return to_cwl_type(base, hint_name=hint_name)
    if tp is Any:
        return t.ANY
    if tp is None or tp is type(None):
        return t.NULL
    if tp is File:
        return t.FILE
    if tp is Directory:
        return t.DIRECTORY
    if tp is bool:
        return t.BOOLEAN
    if tp is int:
        return t.INT
    if tp is float:
        return t.FLOAT
    if tp is str:
        return t.STRING
    if origin in (Union, types.UnionType):
        members = get_args(tp)
        non_null = [m for m in members if m is not type(None)]
        if len(non_null) == 1 and len(members) == 2:
            inner = to_cwl_type(non_null[0], hint_name=hint_name)
            if isinstance(inner, t.Optional):
                return inner
            return t.Optional(inner)
        return _union(tp, non_null, len(non_null) < len(members), hint_name)
    if origin is list:
        (item,) = get_args(tp) or (None,)
        if item is None:
            raise UnsupportedType("list without an item type (write list[T])")
        return t.Array(to_cwl_type(item, hint_name=hint_name))
    if origin is Literal:
        symbols = get_args(tp)
        if not symbols or not all(isinstance(s, str) for s in symbols):
            raise UnsupportedType(f"{type_name(tp)} (Literal choices must be strings)")
        return t.Enum(name=hint_name, symbols=tuple(symbols))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return t.Enum(name=tp.__name__, symbols=enum_symbols(tp), named=is_schema(tp))
    if is_record_class(tp):
        return record_type(tp)
    if tp is list:
        raise UnsupportedType("list without an item type (write list[T])")
    raise UnsupportedType(type_name(tp))


def _union(tp: Any, non_null: list[Any], nullable: bool, hint_name: str) -> t.CwlType:
    """`int | str` -> OneOf; `int | str | None` -> Optional(OneOf). Members are distinct
    CWL types (`Literal` members, which would merge into one anonymous enum, are refused)."""
    found: list[t.CwlType] = []
    for member in non_null:
        cwl = to_cwl_type(member, hint_name=hint_name)
        for one in cwl.members if isinstance(cwl, t.OneOf) else (cwl,):
            if isinstance(one, (t.Optional, t.Enum)) and get_origin(member) is Literal:
                raise UnsupportedType(f"{type_name(tp)} (a Literal inside a union; use an Enum "
                                      "class, or one Literal with every choice)")
            if one not in found:
                found.append(one)
    union: t.CwlType = t.OneOf(tuple(found)) if len(found) > 1 else found[0]
    return t.Optional(union) if nullable else union


def enum_symbols(cls: type[enum.Enum]) -> tuple[str, ...]:
    """String values if every member has one, else member names."""
    members = list(cls)
    if all(isinstance(m.value, str) for m in members):
        return tuple(m.value for m in members)
    return tuple(m.name for m in members)


def record_fields(cls: type) -> list[tuple[str, Any]]:
    """(name, annotation) of each field of an attrs class or dataclass, in order."""
    hints = typing.get_type_hints(cls, include_extras=True)
    attrs_names = attrs_field_names(cls)
    if attrs_names is not None:
        names = attrs_names
    else:
        import dataclasses  # only for a user's dataclass: `import cwlgen` stays fast

        names = [f.name for f in dataclasses.fields(cls)]
    missing = [n for n in names if n not in hints]
    if missing:
        raise UnsupportedType(f"record {cls.__qualname__} (field '{missing[0]}' has no annotation)")
    return [(n, hints[n]) for n in names]


def record_type(cls: type) -> t.Record:
    """The CWL record type of an attrs or dataclass class; a field annotated with `Arg(...)`
    gets that command-line binding (CWL record fields carry inputBinding)."""
    fields = []
    for name, tp in record_fields(cls):
        binding: tuple[tuple[str, Any], ...] = ()
        fmt: str | None = None
        patterns: tuple[str, ...] = ()
        required: tuple[tuple[str, bool | str], ...] = ()
        collected: tuple[tuple[str, Any], ...] = ()
        if get_origin(tp) is typing.Annotated:
            extras = get_args(tp)[1:]
            args = [e for e in extras if isinstance(e, Arg)]
            outs = [e for e in extras if isinstance(e, Out)]
            if (args and not _field_only(args[0])) or (outs and not _field_out(outs[0])) or \
                    (args and outs):
                # staging, streaming and the like on a field: refuse rather than drop them
                raise UnsupportedType(
                    f"record {cls.__qualname__} (field '{name}' carries Out(...) or Arg "
                    "options a record field cannot have; record fields hold only "
                    "position/prefix/separate/item_separator/shell_quote/value_from, "
                    "format and secondary_files in an Arg, or glob/load_contents/"
                    "output_eval/load_listing, format and secondary_files in an Out)"
                )
            if args:
                binding = tuple(binding_dict(args[0].binding(args[0].position)).items())
                fmt = args[0].format
                patterns, required = _field_secondary(args[0], cls, name)
            if outs:
                out = outs[0]
                collected = tuple((k, v) for k, v in (
                    ("glob", tuple(out.glob) if isinstance(out.glob, list) else out.glob),
                    ("loadContents", out.load_contents or None),
                    ("loadListing", out.load_listing), ("outputEval", out.output_eval))
                    if v is not None)
                fmt = out.format
                patterns, required = _field_secondary(out, cls, name)
        fields.append(t.Field(name=name, type=to_cwl_type(tp, hint_name=name),
                              binding=binding, format=fmt, secondary_files=patterns,
                              secondary_required=required, output_binding=collected))
    return t.Record(name=cls.__name__, fields=tuple(fields), named=is_schema(cls))


def _field_only(arg: Arg) -> bool:
    """Whether an Arg on a record field asks only for what a CWL record field can hold: a
    command-line binding, a format, secondary files."""
    return arg == Arg(position=arg.position, prefix=arg.prefix, separate=arg.separate,
                      item_separator=arg.item_separator, shell_quote=arg.shell_quote,
                      value_from=arg.value_from, format=arg.format,
                      secondary_files=arg.secondary_files)


def _field_out(out: Out) -> bool:
    """Whether an Out on a record field asks only for what a CWL output record field can
    hold: an outputBinding, a format, secondary files."""
    return out == Out(glob=out.glob, load_contents=out.load_contents,
                      output_eval=out.output_eval, load_listing=out.load_listing,
                      format=out.format, secondary_files=out.secondary_files)


def _field_secondary(arg: Arg | Out, cls: type, name: str) -> tuple[
        tuple[str, ...], tuple[tuple[str, bool | str], ...]]:
    """A field's `secondary_files=` as (patterns, (pattern, required) where said)."""
    patterns: list[str] = []
    required: list[tuple[str, bool | str]] = []
    for item in arg.secondary_files:
        pattern = item if isinstance(item, str) else item.pattern
        if not isinstance(pattern, str) or not pattern:
            raise UnsupportedType(f"record {cls.__qualname__} (field '{name}' has secondary "
                                  f"file {item!r}, which is not a pattern)")
        patterns.append(pattern)
        if isinstance(item, SecondaryFile) and item.required is not None:
            required.append((pattern, item.required))
    return tuple(patterns), tuple(required)


_IDENTIFIER_FIELDS = ("id", "name")


def identifier_field(value: Any) -> str | None:
    """A mapping key inside a literal CWL value that schema-salad treats as an identifier
    (and so silently turns into a URI when it loads a document holding the value)."""
    if isinstance(value, dict):
        if value.get("class") not in ("File", "Directory"):
            for key in _IDENTIFIER_FIELDS:
                if key in value:
                    return key
        for item in value.values():
            found = identifier_field(item)
            if found:
                return found
    elif isinstance(value, list):
        for item in value:
            found = identifier_field(item)
            if found:
                return found
    return None


class NotAValue(Exception):
    """The object cannot be written into CWL as a literal value."""


def to_cwl_value(value: Any) -> Any:
    """A Python value as CWL sees it (JSON-like): Files become File objects, etc."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, (File, Directory)):
        return value.to_cwl()
    if isinstance(value, enum.Enum):
        cls = type(value)
        symbols = enum_symbols(cls)
        return value.value if symbols and value.value in symbols else value.name
    if isinstance(value, (list, tuple)):
        return [to_cwl_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_cwl_value(v) for k, v in value.items()}
    if is_record_class(type(value)):
        import dataclasses  # only for a user's dataclass

        attrs_names = attrs_field_names(type(value))
        names = (attrs_names if attrs_names is not None
                 else [f.name for f in dataclasses.fields(value)])
        # an absent optional field is null; writing `name: null` would also trip schema-salad
        return {n: to_cwl_value(v) for n in names if (v := getattr(value, n)) is not None}
    if isinstance(value, os.PathLike):
        return File(value).to_cwl()
    raise NotAValue(type_name(type(value)))
