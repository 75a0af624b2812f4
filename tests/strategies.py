"""Shared Hypothesis strategies.

- `cwl_types()` / `type_pairs()`: IR types of the CWL type algebra (for the differential test
  against cwltool's static checker).
- `modules()`: the source text of a random Python module that declares enums, records, typed
  @tool and @workflow definitions wired together (mostly well, sometimes not): for the
  "compiles to valid CWL or raises CompileError" property (defined in module_strategies.py,
  re-exported here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from module_strategies import (
    SYMBOLS,
    PyType,
    ToolSpec,
    modules,
    optional,
    py_types,
    tool_specs,
    workflow_source,
)

from cwlgen.ir import types as t
from cwlgen.ir.frozen import evolve

# --- IR types -----------------------------------------------------------------------------

FIELD_NAMES = ("x", "y", "z")
PRIMS = [t.FILE, t.DIRECTORY, t.STRING, t.INT, t.FLOAT, t.BOOLEAN, t.ANY]


def enums() -> st.SearchStrategy[t.Enum]:
    return st.lists(st.sampled_from(SYMBOLS), min_size=1, max_size=3, unique=True).map(
        lambda syms: t.Enum("E", tuple(syms)))


def _records(children: st.SearchStrategy[t.CwlType]) -> st.SearchStrategy[t.Record]:
    return st.lists(st.tuples(st.sampled_from(FIELD_NAMES), children), min_size=1, max_size=3,
                    unique_by=lambda f: f[0]).map(
        lambda fs: t.Record("R", tuple(t.Field(n, ty) for n, ty in fs)))


def cwl_types(max_leaves: int = 6) -> st.SearchStrategy[t.CwlType]:
    """Any IR type: primitives, enums, optionals, arrays (nested) and records."""
    leaves: st.SearchStrategy[t.CwlType] = st.one_of(st.sampled_from(PRIMS), enums())
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            children.map(optional),
            children.map(t.Array),
            _records(children),
        ),
        max_leaves=max_leaves,
    )


def _mutate(tp: t.CwlType, draw: Callable[[st.SearchStrategy[Any]], Any]) -> t.CwlType:
    """A type close to `tp`: the interesting cases for assignability."""
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return optional(tp)
    if choice == 1:
        return t.strip_optional(tp)
    if choice == 2:
        return t.Array(tp)
    if choice == 3:
        return t.ANY if draw(st.booleans()) else t.Optional(t.ANY)
    if choice == 4 and isinstance(t.strip_optional(tp), t.Array):
        inner = t.strip_optional(tp)
        assert isinstance(inner, t.Array)
        return t.Array(_mutate(inner.items, draw))
    if choice == 5 and isinstance(tp, t.Enum):
        return draw(enums())
    if choice == 6 and isinstance(tp, t.Record):
        fields = list(tp.fields)
        i = draw(st.integers(0, len(fields) - 1))
        action = draw(st.integers(0, 2))
        if action == 0:
            fields[i] = evolve(fields[i], type=_mutate(fields[i].type, draw))
        elif action == 1:
            del fields[i]
        else:
            unused = [n for n in FIELD_NAMES if n not in {f.name for f in fields}]
            if unused:
                fields.append(t.Field(unused[0], draw(cwl_types(3))))
        return t.Record("R", tuple(fields)) if fields else tp
    if choice == 7 and isinstance(tp, t.Optional):
        return optional(_mutate(tp.inner, draw))
    if choice == 8:
        return draw(cwl_types(3))
    return tp


@st.composite
def type_pairs(draw: Callable[[st.SearchStrategy[Any]], Any]) -> tuple[t.CwlType, t.CwlType]:
    """(source, sink): independent types, or a sink derived from the source by a small change
    (so assignable and nearly-assignable pairs are common)."""
    src = draw(cwl_types())
    if draw(st.integers(0, 3)) == 0:
        return src, draw(cwl_types())
    sink = src
    for _ in range(draw(st.integers(1, 3))):
        sink = _mutate(sink, draw)
    if draw(st.booleans()):
        return src, sink
    return sink, src


__all__ = [
    "FIELD_NAMES",
    "PRIMS",
    "SYMBOLS",
    "PyType",
    "ToolSpec",
    "cwl_types",
    "enums",
    "modules",
    "py_types",
    "tool_specs",
    "type_pairs",
    "workflow_source",
]
