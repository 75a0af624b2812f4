"""IR types -> CWL type syntax.

CWL's shorthand (`File[]`, `File?`, `File[]?`) is only expanded in a `type` field, not inside
`items`, so nested types are written out in full there.
"""

from __future__ import annotations

from typing import Any, Literal

from cwlgen.ir import types as t

#: Which record-field bindings a place in a document can hold: a CommandLineTool's inputs
#: their `inputBinding`, its outputs their `outputBinding`, workflow and ExpressionTool
#: ports neither (one Python record class serves all of them; CWL rejects the others).
Bindings = Literal["input", "output", "none", "both"]


def cwl_type(tp: t.CwlType, *, shorthand: bool = True, bindings: Bindings = "both") -> Any:
    """A CWL type as written in a document (a string, or a dict for arrays, enums, records);
    record fields keep the `bindings` their place can hold."""
    if isinstance(tp, t.Prim):
        return tp.name
    if isinstance(tp, t.Optional):
        if isinstance(tp.inner, t.OneOf):
            return ["null", *(cwl_type(m, shorthand=False, bindings=bindings)
                              for m in tp.inner.members)]
        inner = cwl_type(tp.inner, shorthand=shorthand, bindings=bindings)
        if shorthand and isinstance(inner, str):
            return inner + "?"
        return ["null", inner]
    if isinstance(tp, t.OneOf):
        return [cwl_type(m, shorthand=False, bindings=bindings) for m in tp.members]
    if isinstance(tp, t.Array):
        if shorthand and isinstance(tp.items, t.Prim):
            return tp.items.name + "[]"
        return {"type": "array", "items": cwl_type(tp.items, shorthand=False,
                                                   bindings=bindings)}
    if isinstance(tp, (t.Enum, t.Record)) and tp.named:
        return named_ref(tp.name)  # declared in the document's SchemaDefRequirement
    if isinstance(tp, t.Enum):
        return {"type": "enum", "symbols": list(tp.symbols)}
    if isinstance(tp, t.Record):
        return {"type": "record", "fields": [field_dict(f, bindings=bindings)
                                             for f in tp.fields]}
    raise TypeError(f"not a CWL type: {tp!r}")  # pragma: no cover


def named_ref(name: str) -> str:
    """How a named (SchemaDef) type is defined and referred to: `#Name`, the same id in
    every process of a packed `$graph`. The folder layout moves the definitions into one
    shared file and refers to them as `schemas.yml#Name` (see backend/layout.py), since
    a type's id includes its document and two documents must share one definition."""
    return f"#{name}"


def secondary_files(patterns: tuple[str, ...],
                    required: tuple[tuple[str, bool | str], ...]) -> list[Any]:
    """CWL `secondaryFiles`: a bare pattern, or `{pattern, required}` where `required:` is
    said (a flag or an expression)."""
    said = dict(required)
    return [{"pattern": p, "required": said[p]} if p in said else p for p in patterns]


def field_dict(f: t.Field, *, bindings: Bindings = "both") -> dict[str, Any]:
    """One field of a record type, with its format, secondaryFiles and inputBinding when it
    has them (and its place can hold it)."""
    out: dict[str, Any] = {"name": f.name, "type": cwl_type(f.type, bindings=bindings)}
    if f.format:
        out["format"] = f.format
    if f.secondary_files:
        out["secondaryFiles"] = secondary_files(f.secondary_files, f.secondary_required)
    if f.binding and bindings in ("input", "both"):
        out["inputBinding"] = dict(f.binding)
    if f.output_binding and bindings in ("output", "both"):  # a tuple of globs: a list
        out["outputBinding"] = {k: list(v) if isinstance(v, tuple) else v
                                for k, v in f.output_binding}
    return out


def schema_def(types: list[t.CwlType]) -> dict[str, Any] | None:
    """SchemaDefRequirement declaring every named type `types` use, or None."""
    named = t.named_types(types)
    if not named:
        return None
    defs: list[dict[str, Any]] = []
    for nt in named:
        if isinstance(nt, t.Enum):
            defs.append({"name": named_ref(nt.name), "type": "enum",
                         "symbols": list(nt.symbols)})
        else:
            defs.append({"name": named_ref(nt.name), "type": "record",
                         "fields": [field_dict(f) for f in nt.fields]})
    return {"class": "SchemaDefRequirement", "types": defs}
