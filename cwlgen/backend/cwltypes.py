"""IR types -> CWL type syntax (shorthand `File[]?` where CWL allows it)."""

from __future__ import annotations

from typing import Any

from cwlgen.ir import types as t


def cwl_type(tp: t.CwlType) -> Any:
    if isinstance(tp, t.Prim):
        return tp.name
    if isinstance(tp, t.Optional):
        inner = cwl_type(tp.inner)
        if isinstance(inner, str):
            return inner + "?"
        return ["null", inner]
    if isinstance(tp, t.Array):
        items = cwl_type(tp.items)
        if isinstance(items, str) and not items.endswith("?"):
            return items + "[]"
        return {"type": "array", "items": items}
    if isinstance(tp, t.Enum):
        return {"type": "enum", "symbols": list(tp.symbols)}
    if isinstance(tp, t.Record):
        return {
            "type": "record",
            "fields": [{"name": f.name, "type": cwl_type(f.type)} for f in tp.fields],
        }
    raise TypeError(f"not a CWL type: {tp!r}")  # pragma: no cover
