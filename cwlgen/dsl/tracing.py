"""Tracing: while a workflow body runs under a `Builder`, calls record steps and return
inert, typed `Promise`s instead of doing any work.
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from types import FrameType
from typing import Any, Protocol

from cwlgen.dsl.typemap import NotAValue, identifier_field, to_cwl_value
from cwlgen.dsl.values import Condition, Promise, Wiring
from cwlgen.dsl.when import condition_inputs, conditional_type, field_value_from
from cwlgen.errors import UsageError
from cwlgen.ir import NO_DEFAULT, Process, Step, StepInput, StepOutputRef
from cwlgen.ir import types as t
from cwlgen.ir.cwl import needs_javascript
from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.frames import caller_frame, keyword_positions, location_of_frame
from cwlgen.ir.frozen import evolve
from cwlgen.ir.location import SourceLocation

SCATTER_METHODS = ("dotproduct", "nested_crossproduct", "flat_crossproduct")


class Builder:
    """Collects the steps and diagnostics of one workflow being traced."""

    def __init__(self, name: str, reserved: set[str]) -> None:
        self.name = name
        self.steps: list[Step] = []
        self.diagnostics: list[Diagnostic] = []
        self._taken = set(reserved)
        self._counts: dict[str, int] = {}

    def new_step_id(self, base: str) -> str:
        """A step id not used yet in this workflow: `base`, else `base_2`, `base_3`..."""
        n = self._counts.get(base, 0)
        while True:
            n += 1
            candidate = base if n == 1 else f"{base}_{n}"
            if candidate not in self._taken:
                self._counts[base] = n
                self._taken.add(candidate)
                return candidate


_current: contextvars.ContextVar[Builder | None] = contextvars.ContextVar(
    "cwlgen_builder", default=None
)
_tracing_stack: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "cwlgen_tracing_stack", default=()
)


_waiting: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "cwlgen_waiting", default=()
)

# How deeply workflow traces nest on the Python stack: a call to a workflow not traced yet
# traces it on the spot up to this depth; deeper, the trace is suspended (`NeedsTrace`) and
# the callee is traced first by the loop in `Definition.process_ir`, so user nesting of any
# depth never reaches Python's recursion limit.
NEST_ON_STACK = 24


class NeedsTrace(BaseException):  # noqa: N818 - a signal, not an error
    """A deep trace met a workflow not traced yet: trace that first, then this again.

    A BaseException, so that a user's `except Exception` in a body does not swallow it.
    """

    def __init__(self, callee: Any) -> None:
        super().__init__(getattr(callee, "name", "?"))
        self.callee = callee


def current_builder() -> Builder | None:
    """The workflow being traced, or None outside tracing."""
    return _current.get()


def is_being_traced(key: str) -> bool:
    """Whether the workflow `key` is being traced right now (an enclosing call): calling it
    again would recurse."""
    return _current.get() is not None and key in tracing_path()


def tracing_path() -> tuple[str, ...]:
    """Keys of the workflows being traced, outermost first (with those suspended while a
    workflow they call is traced first)."""
    return _waiting.get() + _tracing_stack.get()


class waiting_for:  # noqa: N801 - used as `with waiting_for(keys):`, like a function
    """Trace with the workflows `keys` (outermost first) suspended above: they count as
    being traced, so a call back into one is still the recursion CG301 reports. (A class,
    not a generator context manager: entered for every definition traced.)"""

    __slots__ = ("_keys", "_stack_token", "_token")

    def __init__(self, keys: tuple[str, ...]) -> None:
        self._keys = keys

    def __enter__(self) -> None:
        outer = _waiting.get() + _tracing_stack.get()
        self._token = _waiting.set(outer + self._keys)
        self._stack_token = _tracing_stack.set(())

    def __exit__(self, *exc: object) -> None:
        _tracing_stack.reset(self._stack_token)
        _waiting.reset(self._token)


class tracing:  # noqa: N801 - used as `with tracing(builder, key):`
    """Trace the workflow `key` into `builder`: calls made inside record steps there."""

    __slots__ = ("_builder", "_key", "_stack_token", "_token")

    def __init__(self, builder: Builder, key: str) -> None:
        self._builder, self._key = builder, key

    def __enter__(self) -> Builder:
        self._token = _current.set(self._builder)
        self._stack_token = _tracing_stack.set((*_tracing_stack.get(), self._key))
        return self._builder

    def __exit__(self, *exc: object) -> None:
        _tracing_stack.reset(self._stack_token)
        _current.reset(self._token)


class Callee(Protocol):
    """What tracing needs of a called definition (`cwlgen.dsl.definition.Definition`)."""

    name: str

    def process_ir(self) -> Process:
        """The IR of the called tool or workflow."""

    def ir_built(self) -> bool:
        """Whether `process_ir` is ready without tracing anything."""
    def shape_result(self, promises: list[Promise]) -> Any:
        """Output promises arranged as the function's return annotation says."""


def _arg_depth(value: Any) -> int:
    """Array depth of a literal value (lists of lists ...)."""
    d = 0
    while isinstance(value, (list, tuple)) and value:
        d += 1
        value = value[0]
    return d


def record_call(
    defn: Callee,
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    *,
    scatter: bool = False,
    method: str = "dotproduct",
    batch: int | None = None,
    condition: Any = None,
    extra_inputs: Mapping[str, Any] | None = None,
) -> Any:
    """Record one call of `defn` in the current workflow and return promises for its outputs.
    `extra_inputs` (`.with_inputs(...)`) are step inputs `defn` does not declare."""
    builder = _current.get()
    if builder is None:
        raise UsageError(
            f"'{defn.name}' was called outside a @workflow; tools and workflows only describe "
            "work. Use cwlgen.compile(...) to get CWL, or cwlgen.run(...) to run it"
        )
    if not defn.ir_built():
        path = tracing_path()
        if len(path) >= NEST_ON_STACK and getattr(defn, "key", None) not in path:
            raise NeedsTrace(defn)  # (before locating the call: this attempt is dropped)
    frame = caller_frame()
    loc = location_of_frame(frame) if frame is not None else None
    process = defn.process_ir()
    step_id = builder.new_step_id(defn.name)
    problems = builder.diagnostics
    if args:
        first = process.inputs[0].name if process.inputs else "name"
        problems.append(diag("CG205", loc, callee=defn.name, count=len(args), example=first))
    if scatter and method not in SCATTER_METHODS:
        problems.append(diag("CG210", loc, method=method, callee=defn.name,
                             choices=", ".join(SCATTER_METHODS)))
        method = "dotproduct"
    step_inputs = _step_inputs(defn.name, process, kwargs, scatter, frame, loc, problems)
    if batch is not None and (isinstance(batch, bool) or not isinstance(batch, int) or batch < 1):
        problems.append(diag("CG212", loc, batch=repr(batch), callee=defn.name))
        batch = None
    for name, value in (extra_inputs or {}).items():
        if process.input(name) is not None:
            problems.append(diag("CG214", loc, callee=defn.name, param=name))
            continue
        # no parameter type: only each(...) scatters it
        extra_input = _step_input(defn.name, name, value, None, scatter, loc, problems)
        if extra_input is not None:
            step_inputs += (evolve(extra_input, extra=True),)
    when = None
    if condition is not None:
        extra, when = condition_inputs(defn.name, process, condition, step_inputs, loc, problems,
                                       scatter=scatter)
        step_inputs += extra
    # a condition tested per item scatters the list it reads, so count after it
    n_scattered = sum(1 for s in step_inputs if s.scattered)
    if scatter and n_scattered == 0:
        problems.append(diag("CG209", loc, callee=defn.name))
    builder.steps.append(Step(
        id=step_id,
        process=process,
        inputs=step_inputs,
        scatter_method=method if n_scattered > 1 or (n_scattered and method != "dotproduct")
        else ("dotproduct" if n_scattered else None),
        positional_args=len(args),
        batch=batch if n_scattered else None,
        when=when,
        loc=loc,
    ))
    levels = 0
    if n_scattered:
        levels = n_scattered if method == "nested_crossproduct" else 1
    return defn.shape_result(_output_promises(process, step_id, levels, loc,
                                              conditional=when is not None))


def _step_inputs(
    callee: str,
    process: Process,
    kwargs: Mapping[str, Any],
    scatter: bool,
    frame: FrameType | None,
    loc: SourceLocation | None,
    problems: list[Diagnostic],
) -> tuple[StepInput, ...]:
    """The step's inputs, one per keyword argument, each located at its own line (and
    column, where Python tells)."""
    where = keyword_positions(frame) if loc is not None and frame is not None else {}
    step_inputs: list[StepInput] = []
    for name, value in kwargs.items():
        param = process.input(name)
        arg_loc = loc
        if loc is not None and name in where:
            line, col = where[name]
            arg_loc = SourceLocation(path=loc.path, line=line, col=col)
        cwl_name = param.name if param is not None else name  # Arg(name=...) renames
        step_input = _step_input(callee, cwl_name, value, param.type if param else None,
                                 scatter, arg_loc, problems)
        if step_input is not None:
            step_inputs.append(step_input)
    return tuple(step_inputs)


def _output_promises(
    process: Process, step_id: str, levels: int, loc: SourceLocation | None,
    *, conditional: bool = False,
) -> list[Promise]:
    """A promise per output of the step (optional when the step is conditional: a skipped
    step yields null), wrapped in one list level per scatter level."""
    promises = []
    for port in process.outputs:
        out_type: t.CwlType = conditional_type(port.type) if conditional else port.type
        for _ in range(levels):
            out_type = t.Array(out_type)
        ref = StepOutputRef(step=step_id, output=port.name, type=out_type, loc=loc)
        promises.append(Promise(ref, out_type, loc, f"output '{port.name}' of step '{step_id}'"))
    return promises


def _step_input(
    callee: str,
    name: str,
    value: Any,
    param_type: t.CwlType | None,
    scatter: bool,
    loc: SourceLocation | None,
    problems: list[Diagnostic],
) -> StepInput | None:
    param_depth = t.depth(param_type) if param_type is not None else 0
    can_scatter = scatter and param_type is not None and t.strip_optional(param_type) != t.ANY
    if isinstance(value, Wiring):
        if value._each and not scatter:
            problems.append(diag("CG607", loc, variant="each_not_mapped" if value._value_from
                                 else "each_arg_not_mapped", param=name, callee=callee))
            return StepInput(name=name, loc=loc)
        return _wiring_input(name, value, param_type, can_scatter, loc)
    if isinstance(value, Condition):
        problems.append(diag("CG602", loc, variant="argument", param=name, callee=callee,
                             expr=value.describe()))
        return StepInput(name=name, loc=loc)
    if isinstance(value, Promise):
        scattered = (  # a list that may be null is scattered too; the checks report it
            can_scatter
            and isinstance(t.strip_optional(value._type), t.Array)
            and t.depth(value._type) > param_depth
        )
        if value._path:
            return StepInput(name=name, sources=(value._source,), scattered=scattered,
                             value_from=field_value_from(value._path), type=value._type,
                             loc=loc)
        return StepInput(name=name, sources=(value._source,), scattered=scattered, loc=loc)
    if isinstance(value, (list, tuple)) and any(_assumed(v) for v in value) and all(
            isinstance(v, Promise) or _assumed(v) for v in value):
        # [assume_not_null(a), b]: several sources, some taken as never null
        items = [v._type for v in value]
        item_depth = max(t.depth(i) for i in items)
        promises = [v._promises[0] if isinstance(v, Wiring) else v for v in value]
        bases = tuple(dict.fromkeys(t.strip_optional(i) for i in items))
        item: t.CwlType = bases[0] if len(bases) == 1 else t.OneOf(bases)
        if any(isinstance(i, t.Optional) for i in items):
            item = t.Optional(item)
        return StepInput(name=name, sources=tuple(p._source for p in promises), merge=True,
                         type=t.Array(item),
                         scattered=can_scatter and item_depth + 1 > param_depth, loc=loc)
    if isinstance(value, (list, tuple)) and any(isinstance(v, Promise) for v in value):
        if not all(isinstance(v, Promise) for v in value):
            base = t.strip_optional(param_type) if param_type is not None else None
            problems.append(diag("CG211", loc, param=name, callee=callee,
                                 what="step results and literal values",
                                 expected=base.items if isinstance(base, t.Array) else
                                 (param_type if param_type is not None else "?")))
            return StepInput(name=name, loc=loc)  # given (no CG204), already reported
        item_depth = max(t.depth(v._type) for v in value)
        scattered = can_scatter and item_depth + 1 > param_depth
        return StepInput(name=name, sources=tuple(v._source for v in value), merge=True,
                         scattered=scattered, loc=loc)
    try:
        literal = to_cwl_value(value)
    except NotAValue as exc:
        problems.append(diag("CG206", loc, param=name, callee=callee,
                             expected=param_type if param_type is not None else "a value",
                             value=f"of type {exc} (not a CWL value)"))
        return StepInput(name=name, loc=loc)  # given (no CG204), already reported
    if isinstance(literal, str) and needs_javascript(literal):
        problems.append(diag("CG607", loc, variant="literal_js", param=name, callee=callee,
                             value=repr(literal)))
        return StepInput(name=name, loc=loc)
    field = identifier_field(literal)
    if field:
        problems.append(diag("CG116", loc, param=name, func=callee, field=field))
    scattered = can_scatter and _arg_depth(literal) > param_depth and isinstance(literal, list)
    return StepInput(name=name, default=literal if literal is not None else None,
                     scattered=scattered, loc=loc)



def _assumed(value: Any) -> bool:
    """Whether `value` is `assume_not_null(x)`: x itself, taken as never null."""
    return isinstance(value, Wiring) and len(value._promises) == 1 and \
        value._link_merge is None and value._pick is None and value._value_from is None \
        and value._default is NO_DEFAULT and not value._each \
        and value._type == t.strip_optional(value._promises[0]._type)


def _wiring_input(
    name: str, value: Wiring, param_type: t.CwlType | None, can_scatter: bool,
    loc: SourceLocation | None,
) -> StepInput:
    """A step input computed at the step: pick_value, or_default, merge_flattened,
    value_from."""
    param_depth = t.depth(param_type) if param_type is not None else 0
    scattered = value._each or (  # each(...), value_from(..., each=True): said explicitly
        can_scatter and isinstance(t.strip_optional(value._type), t.Array)
        and t.depth(value._type) > param_depth)
    return StepInput(
        name=name,
        sources=tuple(p._source for p in value._promises),
        default=value._default,
        merge=value._link_merge is not None,
        link_merge=value._link_merge or "merge_nested",
        pick_value=value._pick,
        value_from=value._value_from,
        # each(x) passes x's items unchanged: typed by its source (or literal), as a plain one
        type=None if value._each and value._value_from is None else value._type,
        scattered=scattered,
        load_contents=value._load_contents,
        loc=loc,
    )
