"""`@cwlgen.schema`: declare a record or Enum class once per document
(SchemaDefRequirement) and refer to it by name, as hand-written CWL does."""

from __future__ import annotations

from typing import Any, TypeVar

C = TypeVar("C", bound=type)

#: the attribute `@schema` sets on a class
MARK = "__cwlgen_schema__"


def schema(cls: C) -> C:
    """Mark an attrs/dataclass record or an Enum class as a named CWL type: every document
    that uses it declares it in SchemaDefRequirement under the class name, and its
    parameters refer to it by that name (nested records are declared too)."""
    setattr(cls, MARK, True)
    return cls


def is_schema(cls: Any) -> bool:
    """Whether `cls` was marked with `@schema` (itself, not a subclass)."""
    return isinstance(cls, type) and bool(cls.__dict__.get(MARK, False))
