"""The CWL type algebra: types as frozen values, CWL's assignability rules, value checks.

cwlgen is deliberately a little stricter than cwltool's static checker (which only *warns*):
an optional source never feeds a required sink, an enum only feeds an enum with all of its
symbols, and a File only feeds a File whose required secondary files it provides.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Union

from cwlgen.ir.frozen import frozen

PRIMITIVES = ("File", "Directory", "string", "int", "long", "float", "double", "boolean", "Any")


@frozen
class Prim:
    """A primitive CWL type, including File, Directory and Any."""

    name: str

    def __str__(self) -> str:
        return self.name


@frozen
class Array:
    """CWL `array` of `items`."""
    items: CwlType

    def __str__(self) -> str:
        inner = str(self.items)
        return f"({inner})[]" if isinstance(self.items, Optional) else f"{inner}[]"


@frozen
class Optional:
    """`T?` in CWL: the union of null and `inner`."""

    inner: CwlType

    def __str__(self) -> str:
        return f"{self.inner}?"


@frozen
class Enum:
    """A CWL enum: a named set of string symbols. `named`: declared once in the document's
    SchemaDefRequirement and referenced by `name` (a class marked `@cwlgen.schema`)."""
    name: str
    symbols: tuple[str, ...]
    named: bool = False

    def __str__(self) -> str:
        return f"enum {self.name}"


@frozen
class Field:
    """One field of a record type; `binding` holds the CWL inputBinding keys of a field
    annotated with `Arg(...)` (empty: the field is not bound), `format` and
    `secondary_files` (with `secondary_required`, as on an InputPort) what its Arg says of
    a File field."""
    name: str
    type: CwlType
    doc: str | None = None
    binding: tuple[tuple[str, Any], ...] = ()
    format: str | None = None
    secondary_files: tuple[str, ...] = ()
    secondary_required: tuple[tuple[str, bool | str], ...] = ()
    # the CWL outputBinding keys of a field annotated with `Out(...)` (glob, loadContents,
    # outputEval, loadListing): a tool's output record built field by field
    output_binding: tuple[tuple[str, Any], ...] = ()


@frozen
class Record:
    """A CWL record: a named list of typed fields. `named` as for Enum."""
    name: str
    fields: tuple[Field, ...]
    named: bool = False

    def __str__(self) -> str:
        return f"record {self.name}"


@frozen
class OneOf:
    """A union of several non-null CWL types (`int | str`, `File | Directory`); a union
    that may also be null is `Optional(OneOf(...))`."""

    members: tuple[CwlType, ...]

    def __str__(self) -> str:
        return " | ".join(str(m) for m in self.members)


CwlType = Union[Prim, Array, Optional, Enum, Record, OneOf]

FILE = Prim("File")
DIRECTORY = Prim("Directory")
STRING = Prim("string")
INT = Prim("int")
FLOAT = Prim("float")
BOOLEAN = Prim("boolean")
ANY = Prim("Any")
LONG = Prim("long")
DOUBLE = Prim("double")
NULL = Prim("null")  # `None` alone: a parameter that only ever holds null


def strip_optional(t: CwlType) -> CwlType:
    """`t` without its outer optional (`T | None` -> `T`)."""
    return t.inner if isinstance(t, Optional) else t


#: (source, sink) pairs of numbers a wider sink accepts (every int is a valid long, every
#: float a valid double); the narrowing direction stays an error
_WIDENING = {("int", "long"), ("float", "double")}


def assignable(src: CwlType, dst: CwlType) -> bool:
    """Whether a value of type `src` may flow into a parameter of type `dst`."""
    if src == NULL:
        return isinstance(dst, Optional) or dst in (NULL, ANY)
    if isinstance(dst, Optional):
        return assignable(strip_optional(src), dst.inner)
    if isinstance(src, Optional):
        return False
    if isinstance(src, OneOf):  # every member must fit
        return all(assignable(m, dst) for m in src.members)
    if isinstance(dst, OneOf):  # some member must accept it
        return any(assignable(src, m) for m in dst.members)
    if isinstance(src, Prim) and src.name == "Any":
        return True
    if isinstance(dst, Prim):
        if dst.name == "Any":
            return True
        if isinstance(src, Prim) and (src.name, dst.name) in _WIDENING:
            return True
        return isinstance(src, Prim) and src.name == dst.name
    if isinstance(dst, Array):
        return isinstance(src, Array) and assignable(src.items, dst.items)
    if isinstance(dst, Enum):
        return isinstance(src, Enum) and set(src.symbols) <= set(dst.symbols)
    if isinstance(dst, Record):
        if not isinstance(src, Record):
            return False
        have = {f.name: f.type for f in src.fields}
        for field in dst.fields:
            if field.name in have:
                if not assignable(have[field.name], field.type):
                    return False
            elif not isinstance(field.type, Optional):
                return False
        return True
    return False  # pragma: no cover - the union above is exhaustive


def nullable_mismatch(src: CwlType, dst: CwlType) -> bool:
    """True when `src` would fit `dst` but for being optional (a distinct, clearer error)."""
    return isinstance(src, Optional) and not isinstance(dst, Optional) and assignable(
        src.inner, dst
    )


def depth(t: CwlType) -> int:
    """How many array levels wrap `t` (through optionals)."""
    t = strip_optional(t)
    return 1 + depth(t.items) if isinstance(t, Array) else 0


#: The values of CWL `int` (32-bit) and `long` (64-bit); cwltool rejects others.
INT_RANGES = {"int": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


def int_in_range(value: int, name: str = "int") -> bool:
    """Whether `value` fits CWL type `name` ("int" or "long"): the one range check."""
    low, high = INT_RANGES[name]
    return low <= value <= high


def check_value(value: Any, t: CwlType) -> bool:
    """Whether a plain JSON-like Python value (as CWL would see it) is a valid `t`."""
    if isinstance(t, Optional):
        return value is None or check_value(value, t.inner)
    if t == NULL:
        return value is None
    if value is None:
        return False  # null is valid only where the type is optional, even for Any
    if isinstance(t, OneOf):
        return any(check_value(value, m) for m in t.members)
    if isinstance(t, Prim):
        name = t.name
        if name == "Any":
            return True
        if name == "string":
            return isinstance(value, str)
        if name == "boolean":
            return isinstance(value, bool)
        if name in ("int", "long"):
            return isinstance(value, int) and not isinstance(value, bool) and int_in_range(
                value, name
            )
        if name in ("float", "double"):
            return (
                isinstance(value, (int, float))
                and not isinstance(value, bool)
                and math.isfinite(float(value))
            )
        if name in ("File", "Directory"):
            return isinstance(value, Mapping) and value.get("class") == name
        return False
    if isinstance(t, Array):
        return isinstance(value, (list, tuple)) and all(check_value(v, t.items) for v in value)
    if isinstance(t, Enum):
        return isinstance(value, str) and value in t.symbols
    if isinstance(t, Record):
        if not isinstance(value, Mapping):
            return False
        names = {f.name for f in t.fields}
        if set(value) - names:
            return False
        return all(check_value(value.get(f.name), f.type) for f in t.fields)
    return False  # pragma: no cover


def named_types(types: list[CwlType]) -> list[Enum | Record]:
    """The SchemaDef (named) types used by `types`, each once, every type after the named
    types its fields use (schema-salad needs a name defined before it is referenced)."""
    found: list[Enum | Record] = []

    def visit(t: CwlType) -> None:
        if isinstance(t, Optional):
            visit(t.inner)
        elif isinstance(t, Array):
            visit(t.items)
        elif isinstance(t, OneOf):
            for m in t.members:
                visit(m)
        elif isinstance(t, (Enum, Record)):
            if isinstance(t, Record):
                for f in t.fields:
                    visit(f.type)
            if t.named and t not in found:
                found.append(t)

    for t in types:
        visit(t)
    return found


def walk(t: CwlType) -> list[CwlType]:
    """`t` and every type nested in it, outermost first."""
    out: list[CwlType] = [t]
    if isinstance(t, (Optional,)):
        out += walk(t.inner)
    elif isinstance(t, Array):
        out += walk(t.items)
    elif isinstance(t, Record):
        for f in t.fields:
            out += walk(f.type)
    elif isinstance(t, OneOf):
        for m in t.members:
            out += walk(m)
    return out


def mentions(t: CwlType, name: str) -> bool:
    """Whether the primitive `name` (e.g. "File") occurs anywhere inside `t`."""
    return any(isinstance(x, Prim) and x.name == name for x in walk(t))


def picked_type(sources: list[CwlType], method: str) -> CwlType:
    """What CWL pickValue yields from these sources: the non-null item type (`T`), or a list
    of them for `all_non_null`. One source that is a list picks among its items."""
    if len(sources) == 1 and isinstance(strip_optional(sources[0]), Array):
        items = strip_optional(strip_optional(sources[0]).items)  # type: ignore[union-attr]
    else:
        items = strip_optional(sources[0]) if sources else ANY
    return Array(items) if method == "all_non_null" else items


def flattened_type(sources: list[CwlType]) -> CwlType:
    """What CWL `linkMerge: merge_flattened` yields: one list of the sources' items (a list
    source contributes its items, any other source itself)."""
    first = strip_optional(sources[0]) if sources else ANY
    return Array(first.items if isinstance(first, Array) else sources[0])
