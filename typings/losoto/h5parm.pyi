"""Partial stub: every attribute is Any (the library ships no types)."""

from typing import Any


def __getattr__(name: str) -> Any: ...
