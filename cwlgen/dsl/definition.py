"""The common base of @tool, @task and @workflow definitions: a typed callable that, inside a
workflow being traced, records a step; its IR is built lazily on first use and cached.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Generic, Literal, ParamSpec, TypeVar, overload

from cwlgen.dsl.interface import Interface, read_interface
from cwlgen.dsl.tracing import Promise, record_call
from cwlgen.ir import Process

P = ParamSpec("P")
Q = ParamSpec("Q")  # any parameters, in the self-types of .map's overloads
# covariant: a definition returning a NamedTuple is a Definition[..., tuple[Any, ...]], which
# .map's overloads rely on (a bound TypeVar in a self-type is not checked through subclasses)
R = TypeVar("R", covariant=True)
ScatterMethod = Literal["dotproduct", "nested_crossproduct", "flat_crossproduct"]


# How a definition shows itself in Jupyter, installed by cwlgen.pictures (imported by
# `import cwlgen`): the display compiles, and the compiler imports the DSL, not the reverse.
_display: Callable[[Definition[Any, Any]], dict[str, str]] | None = None


def set_display(show: Callable[[Definition[Any, Any]], dict[str, str]]) -> None:
    """Install the notebook display of definitions (a MIME type -> content mapping)."""
    global _display
    _display = show


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

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Jupyter's display: the typed signature, the picture, the CWL on demand."""
        return _display(self) if _display is not None else {"text/plain": repr(self)}

    def _repr_html_(self) -> str | None:
        return self._repr_mimebundle_().get("text/html")

    @property
    def interface(self) -> Interface:
        """Inputs, outputs and docs read from the signature (once, cached)."""
        if self._interface is None:
            self._interface = read_interface(self.func, kind=self.kind, func_name=self.name)
        return self._interface

    def process_ir(self) -> Process:
        """The IR of this tool or workflow (built once; diagnostics ride inside it)."""
        if self._ir is None:
            self._ir = self._build_ir()
        return self._ir

    def _build_ir(self) -> Process:
        raise NotImplementedError

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        result: R = record_call(self, args, kwargs)
        return result

    # The static result of .map (what the editor sees): a list of the declared output; the
    # NamedTuple a multi-output definition returns, with every field a list (spelled Any: the
    # field types cannot be rewritten generically); None for a definition without outputs;
    # and for nested_crossproduct a list nested once per scattered argument (spelled list[Any]:
    # the signature does not say how many arguments are lists).
    @overload
    def map(
        self: Definition[Q, None], *, method: ScatterMethod = ..., batch: int | None = ...,
        **kwargs: Any,
    ) -> None: ...

    @overload
    def map(
        self: Definition[Q, tuple[Any, ...]], *, method: ScatterMethod = ...,
        batch: int | None = ..., **kwargs: Any,
    ) -> Any: ...

    @overload
    def map(
        self, *, method: Literal["nested_crossproduct"], batch: int | None = ..., **kwargs: Any
    ) -> list[Any]: ...

    @overload
    def map(
        self, *, method: Literal["dotproduct", "flat_crossproduct"] = ...,
        batch: int | None = ..., **kwargs: Any,
    ) -> list[R]: ...

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
