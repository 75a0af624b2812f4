"""The common base of @tool, @task and @workflow definitions: a typed callable that, inside a
workflow being traced, records a step; its IR is built lazily on first use and cached.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, Literal, ParamSpec, TypeVar, overload

from cwlgen.dsl.bodies import not_a_function
from cwlgen.dsl.conditions import CwlCondition
from cwlgen.dsl.interface import Interface, read_interface
from cwlgen.dsl.step_options import StepOptions, step_options
from cwlgen.dsl.tracing import NeedsTrace, is_being_traced, record_call, waiting_for
from cwlgen.dsl.values import Condition, Promise
from cwlgen.ir import Process, Tool

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
        """The IR of this tool or workflow (built once; diagnostics ride inside it).

        Deeply nested subworkflows are traced innermost first by a loop, not by recursion:
        a trace that meets a workflow not traced yet is suspended (`NeedsTrace`), the callee
        is traced, then the suspended one again from its start (it records nothing before).
        """
        if self._ir is not None:
            return self._ir
        wrong = not_a_function(self.func, self.kind)
        if wrong is not None:  # a class, say: nothing to read a signature from
            return Tool(key=self.key, name=self.name, loc=wrong.loc, diagnostics=(wrong,))
        pending: list[Definition[Any, Any]] = [self]
        keys = [self.key]  # pending's keys, kept beside it: no Python loop per attempt
        while pending:
            current = pending[-1]
            if current._ir is not None:
                pending.pop()
                keys.pop()
                continue
            try:
                with waiting_for(tuple(keys[:-1])):
                    current._ir = current._build_or_refuse()
            except NeedsTrace as need:
                pending.append(need.callee)
                keys.append(need.callee.key)
                continue
            pending.pop()
            keys.pop()
        assert self._ir is not None
        return self._ir

    def _build_or_refuse(self) -> Process:
        """The IR, or (for what is not a function) a tool carrying only the error."""
        wrong = not_a_function(self.func, self.kind)
        if wrong is not None:
            return Tool(key=self.key, name=self.name, loc=wrong.loc, diagnostics=(wrong,))
        return self._build_ir()

    def ir_built(self) -> bool:
        """Whether the IR is built already (tracing a call needs no nested trace)."""
        return self._ir is not None

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

    def when(self, condition: Condition | CwlCondition | bool, /) -> Conditional[P, R]:
        """Run this step only when `condition` holds: a bool result or workflow input
        (CWL `when: $(inputs.flag)`, no JavaScript), or a comparison such as `n < 1`, combined
        with all_of/any_of/not_/is_null, or CWL text (`cwl_condition("$(...)")`). Call the
        result like the definition itself (or `.map(...)` it); its outputs may be null
        (`R | None`): a skipped step yields null."""
        return Conditional(self, condition)

    def with_hints(
        self, *hints: Mapping[str, Any], requirements: Iterable[Mapping[str, Any]] = ()
    ) -> StepOptions[P, R]:
        """This definition with CWL requirements/hints on the one step the next call
        records (step-level, overriding the workflow's): e.g.
        `align.with_hints({"class": "ResourceRequirement", "ramMin": 16000})(reads=r)`."""
        return step_options(self, hints, requirements)

    def with_inputs(self, **values: Any) -> StepOptions[P, R]:
        """This definition with step inputs it does not declare, on the one step the next
        call records: only that step's `value_from` (and `when`) expressions read them, as
        `inputs.NAME` (CWL allows undeclared step inputs), e.g.
        `echo.with_inputs(a=x, b=y)(c=value_from("$(inputs.a + inputs.b)", type=int))`."""
        return step_options(self, (), (), inputs=values)

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


class Conditional(Generic[P, R]):
    """`definition.when(condition)`: calling it records a conditional step whose outputs
    are optional, so mypy and the checker both see `R | None`."""

    def __init__(self, definition: Definition[P, R], condition: Any) -> None:
        self.definition = definition
        self.condition = condition

    def __repr__(self) -> str:
        return f"<cwlgen conditional {self.definition.key}>"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R | None:
        if is_being_traced(self.definition.key):  # a workflow calling itself: CG301 there
            return self.definition(*args, **kwargs)
        result: R | None = record_call(self.definition, args, kwargs, condition=self.condition)
        return result

    def map(self, *, method: str = "dotproduct", batch: int | None = None, **kwargs: Any) -> Any:
        """Conditional scatter: the condition is tested once per item (each item of a
        scattered argument is what the condition sees); outputs are lists of `R | None`."""
        return record_call(self.definition, (), kwargs, scatter=True, method=method,
                           batch=batch, condition=self.condition)
