"""The common base of @tool, @task and @workflow definitions: a typed callable that, inside a
workflow being traced, records a step; its IR is built lazily on first use and cached.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

from cwlgen.dsl.bodies import not_a_function
from cwlgen.dsl.interface import Interface, read_interface
from cwlgen.dsl.tracing import Promise, record_call
from cwlgen.ir import Process, Tool

P = ParamSpec("P")
R = TypeVar("R")


class Definition(Generic[P, R]):
    """A decorated function. Calling it inside a @workflow adds a step and returns promises
    typed as the function's return annotation (so mypy checks the wiring)."""

    kind = "definition"

    def __init__(self, func: Callable[P, R]) -> None:
        self.func = func
        self.name: str = func.__name__
        self.key = f"{func.__module__}:{func.__qualname__}"
        functools.update_wrapper(self, func)
        self._interface: Interface | None = None
        self._ir: Process | None = None

    def __repr__(self) -> str:
        return f"<cwlgen {self.kind} {self.key}>"

    @property
    def interface(self) -> Interface:
        """Inputs, outputs and docs read from the signature (once, cached)."""
        if self._interface is None:
            self._interface = read_interface(self.func, kind=self.kind, func_name=self.name)
        return self._interface

    def process_ir(self) -> Process:
        """The IR of this tool or workflow (built once; diagnostics ride inside it)."""
        if self._ir is None:
            wrong = not_a_function(self.func, self.kind)
            if wrong is not None:  # a class, say: nothing to read a signature from
                return Tool(key=self.key, name=self.name, loc=wrong.loc, diagnostics=(wrong,))
            self._ir = self._build_ir()
        return self._ir

    def _build_ir(self) -> Process:
        raise NotImplementedError

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        result: R = record_call(self, args, kwargs)
        return result

    def map(self, *, method: str = "dotproduct", batch: int | None = None, **kwargs: Any) -> Any:
        """Scatter: run once per item of every argument given a list where the parameter takes
        one item. `method` is dotproduct (default), nested_crossproduct or flat_crossproduct;
        `batch=K` groups K items into one job (fewer, larger jobs for tiny tasks)."""
        return record_call(self, (), kwargs, scatter=True, method=method, batch=batch)

    def shape_result(self, promises: list[Promise]) -> Any:
        """Arrange output promises the way the function's return annotation promises."""
        iface = self.interface
        if iface.return_class is not None:
            if len(promises) == len(iface.return_class._fields):  # type: ignore[attr-defined]
                return iface.return_class(*promises)
            return tuple(promises)
        if not iface.output_names:
            return None
        return promises[0] if promises else None
