"""`definition.with_hints(...)`: requirements and hints on one step only (CWL step-level
`requirements`/`hints`, which override the workflow's and the process's own), e.g. more
memory for one call of a tool, or a different container for one step."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Generic, ParamSpec, TypeVar

from cwlgen.dsl.requirements import WORKFLOW_MANAGED, check_extra_requirements, freeze
from cwlgen.dsl.tracing import current_builder, record_call
from cwlgen.ir.frozen import evolve

P = ParamSpec("P")
R = TypeVar("R")


class StepOptions(Generic[P, R]):
    """A definition with step-level requirements and hints: call it (or `.map(...)` it, or
    `.when(...)` it) exactly like the definition; the step it records carries them."""

    def __init__(self, definition: Any, hints: tuple[Any, ...],
                 requirements: tuple[Any, ...], condition: Any = None,
                 inputs: Mapping[str, Any] | None = None) -> None:
        self.definition = definition
        self.hints = hints
        self.requirements = requirements
        self.condition = condition
        self.inputs = dict(inputs or {})

    def __repr__(self) -> str:
        return f"<cwlgen step options {self.definition.key}>"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        result: R = self._record(lambda: record_call(self.definition, args, kwargs,
                                                     condition=self.condition,
                                                     extra_inputs=self.inputs))
        return result

    def map(self, *, method: str = "dotproduct", batch: int | None = None, **kwargs: Any) -> Any:
        """Scatter, as `definition.map(...)`, with this step's requirements and hints."""
        return self._record(lambda: record_call(self.definition, (), kwargs, scatter=True,
                                                method=method, batch=batch,
                                                condition=self.condition,
                                                extra_inputs=self.inputs))

    def when(self, condition: Any, /) -> StepOptions[P, R | None]:
        """A conditional step with these requirements and hints (see `Definition.when`)."""
        return StepOptions(self.definition, self.hints, self.requirements,
                           condition, self.inputs)

    def with_inputs(self, **values: Any) -> StepOptions[P, R]:
        """These options plus step inputs the definition does not declare (see
        `Definition.with_inputs`)."""
        return StepOptions(self.definition, self.hints, self.requirements, self.condition,
                           {**self.inputs, **values})

    def with_hints(self, *hints: Mapping[str, Any],
                   requirements: Iterable[Mapping[str, Any]] = ()) -> StepOptions[P, R]:
        """These options plus step-level requirements and hints."""
        return StepOptions(self.definition, self.hints + tuple(hints),
                           self.requirements + tuple(requirements), self.condition,
                           self.inputs)

    def _record(self, call: Any) -> Any:
        builder = current_builder()
        before = len(builder.steps) if builder is not None else 0
        result = call()
        if builder is not None and len(builder.steps) > before:
            step = builder.steps[-1]
            loc = step.loc
            for entries, which in ((self.requirements, "requirements"), (self.hints, "hints")):
                builder.diagnostics.extend(check_extra_requirements(
                    entries, f"step {which}", self.definition.name, loc, WORKFLOW_MANAGED))
            if self.requirements or self.hints:
                builder.steps[-1] = evolve(
                    step, extra_requirements=freeze(self.requirements),
                    extra_hints=freeze(self.hints))
        return result


def step_options(definition: Any, hints: Iterable[Mapping[str, Any]],
                 requirements: Iterable[Mapping[str, Any]],
                 inputs: Mapping[str, Any] | None = None) -> StepOptions[Any, Any]:
    """The `with_hints`/`with_inputs` of `definition` (see Definition.with_hints; the
    definition module imports this one, so the definition is typed there)."""
    return StepOptions(definition, tuple(hints), tuple(requirements), inputs=inputs)
