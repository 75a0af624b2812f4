"""IR types -> CWL type syntax.

CWL's shorthand (`File[]`, `File?`, `File[]?`) is only expanded in a `type` field, not inside
`items`, so nested types are written out in full there.
"""

from __future__ import annotations

from typing import Any

from cwlgen.ir import types as t


def cwl_type(tp: t.CwlType, *, shorthand: bool = True) -> Any:
    """A CWL type as written in a document (a string, or a dict for arrays, enums, records)."""
    if isinstance(tp, t.Prim):
        return tp.name
    if isinstance(tp, t.Optional):
        if isinstance(tp.inner, t.OneOf):
            return ["null", *(cwl_type(m, shorthand=False) for m in tp.inner.members)]
        inner = cwl_type(tp.inner, shorthand=shorthand)
        if shorthand and isinstance(inner, str):
            return inner + "?"
        return ["null", inner]
    if isinstance(tp, t.OneOf):
        return [cwl_type(m, shorthand=False) for m in tp.members]
    if isinstance(tp, t.Array):
        if shorthand and isinstance(tp.items, t.Prim):
            return tp.items.name + "[]"
        return {"type": "array", "items": cwl_type(tp.items, shorthand=False)}
    if isinstance(tp, t.Enum):
        return {"type": "enum", "symbols": list(tp.symbols)}
    if isinstance(tp, t.Record):
        return {
            "type": "record",
            "fields": [{"name": f.name, "type": cwl_type(f.type)} for f in tp.fields],
        }
    raise TypeError(f"not a CWL type: {tp!r}")  # pragma: no cover
