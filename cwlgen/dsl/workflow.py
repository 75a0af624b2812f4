"""`@workflow`: a typed function whose body wires calls together; tracing it yields the IR."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ParamSpec, TypeVar, overload

from cwlgen.dsl.definition import Definition
from cwlgen.dsl.ontology import (
    check_format_prefixes,
    read_metadata,
    read_namespaces,
    read_schemas,
)
from cwlgen.dsl.requirements import WORKFLOW_MANAGED, check_extra_requirements, freeze
from cwlgen.dsl.tracing import (
    Builder,
    current_builder,
    is_being_traced,
    tracing,
    tracing_path,
)
from cwlgen.dsl.values import Condition, Promise, Wiring
from cwlgen.errors import CwlgenError, MisuseError
from cwlgen.ir import NO_DEFAULT, StepOutputRef, Workflow, WorkflowInputRef, WorkflowOutput
from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.frames import caller_location, user_traceback_location
from cwlgen.ir.location import SourceLocation

P = ParamSpec("P")
R = TypeVar("R")


class WorkflowDef(Definition[P, R]):
    """A workflow: calling it inside another workflow adds it as a subworkflow step."""

    kind = "workflow"
    requirements: tuple[Any, ...] = ()  # @workflow(requirements=..., hints=...), as written
    hints: tuple[Any, ...] = ()
    namespaces: Mapping[str, str] | None = None
    schemas: tuple[str, ...] = ()
    metadata: Mapping[str, Any] | None = None
    options_loc: SourceLocation | None = None

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if is_being_traced(self.key):
            builder = current_builder()
            assert builder is not None
            path = " -> ".join([k.rsplit(":", 1)[-1] for k in tracing_path()] + [self.name])
            loc = caller_location()
            builder.diagnostics.append(diag("CG301", loc, func=self.name, path=path))
            # typed placeholders, so the rest of the body traces without follow-on errors
            placeholders = [
                Promise(StepOutputRef(step=self.name, output=o.name, type=o.type, loc=loc),
                        o.type, loc, f"output '{o.name}' of '{self.name}'")
                for o in self.interface.outputs
            ]
            return self.shape_result(placeholders)  # type: ignore[no-any-return]
        return super().__call__(*args, **kwargs)

    def _build_ir(self) -> Workflow:
        iface = self.interface
        builder = Builder(self.name, {p.name for p in iface.inputs} | set(iface.output_names))
        problems: list[Diagnostic] = list(iface.diagnostics)
        promises = {  # keyed by the Python parameter name (Arg(name=...) renames)
            port.python_name or port.name: Promise(
                WorkflowInputRef(name=port.name, type=port.type), port.type, port.loc,
                f"workflow input '{port.name}'")
            for port in iface.inputs
        }
        result: Any = None
        traced = False
        if not any(d.severity == "error" for d in iface.diagnostics):
            try:
                with tracing(builder, self.key):
                    result = self.func(**promises)  # type: ignore[arg-type,call-arg]
                traced = True
            except MisuseError as exc:
                problems.append(diag(exc.code, user_traceback_location(exc) or iface.site.at(),
                                     variant=exc.variant, **exc.fields))
            except CwlgenError as exc:
                problems.append(diag("CG113", user_traceback_location(exc) or iface.site.at(),
                                     func=self.name, exc=str(exc)))
            except Exception as exc:  # user code failed while tracing
                problems.append(diag("CG113", user_traceback_location(exc) or iface.site.at(),
                                     func=self.name, exc=f"{type(exc).__name__}: {exc}"))
        outputs = self._outputs(result, problems) if traced else ()
        said = self.options_loc or iface.site.at()
        for entries, which in ((self.requirements, "requirements"), (self.hints, "hints")):
            problems += check_extra_requirements(entries, which, self.name, said,
                                                 WORKFLOW_MANAGED)
        namespaces = read_namespaces(self.namespaces, self.name, said, problems)
        schemas = read_schemas(self.schemas, self.func.__code__.co_filename, self.name, said,
                               problems)
        check_format_prefixes(iface.inputs, namespaces, self.name, problems)
        metadata = read_metadata(self.metadata, namespaces, self.name, said, problems)
        return Workflow(
            key=self.key,
            name=self.name,
            label=iface.doc.label,
            doc=iface.doc.doc,
            inputs=iface.inputs,
            outputs=outputs,
            steps=tuple(builder.steps),
            extra_requirements=freeze(self.requirements),
            extra_hints=freeze(self.hints),
            namespaces=namespaces,
            schemas=schemas,
            metadata=metadata,
            loc=iface.site.at(),
            diagnostics=tuple(problems + builder.diagnostics),
        )

    def _outputs(self, result: Any, problems: list[Diagnostic]) -> tuple[WorkflowOutput, ...]:
        iface = self.interface
        where = iface.site.returns()
        declared = {o.name: o for o in iface.outputs}
        if not iface.output_names:
            if result is not None:
                problems.append(diag("CG208", where, func=self.name, expected="None "
                                     "(it declares no outputs)", got=_describe(result)))
            return ()
        if iface.return_class is not None:
            cls = iface.return_class
            if not isinstance(result, tuple) or len(result) != len(iface.output_names):
                problems.append(diag("CG208", where, func=self.name,
                                     expected=f"{cls.__name__}(...)", got=_describe(result)))
                return ()
            values = dict(zip(iface.output_names, result, strict=True))
        else:
            values = {"out": result}
        outputs = []
        for name in iface.output_names:
            if name not in declared:
                continue
            value = values[name]
            port = declared[name]
            if (
                isinstance(value, (list, tuple))
                and value
                and all(isinstance(v, Promise) for v in value)
            ):
                outputs.append(WorkflowOutput(name=name, type=port.type, source=None,
                                              merged=tuple(v._source for v in value), loc=where))
                continue
            if isinstance(value, Condition):
                problems.append(diag("CG602", where, variant="returned", func=self.name,
                                     expr=value.describe(), output=name))
                continue
            if isinstance(value, Wiring) and value._pick is not None and value._default is \
                    NO_DEFAULT and value._value_from is None:
                sources = tuple(p._source for p in value._promises)
                flattened = value._link_merge == "merge_flattened"
                merged = sources if len(sources) > 1 or flattened else ()
                outputs.append(WorkflowOutput(
                    name=name, type=port.type, source=None if merged else sources[0],
                    merged=merged, pick_value=value._pick,
                    link_merge="merge_flattened" if flattened else "merge_nested", loc=where))
                continue
            if isinstance(value, Wiring) and value._link_merge == "merge_flattened":
                outputs.append(WorkflowOutput(
                    name=name, type=port.type, source=None,
                    merged=tuple(p._source for p in value._promises),
                    link_merge="merge_flattened", loc=where))
                continue
            if isinstance(value, Wiring) or (isinstance(value, Promise) and value._path):
                problems.append(diag("CG609", where, what=_describe(value), output=name,
                                     func=self.name))
                continue
            if not isinstance(value, Promise):
                problems.append(diag("CG208", where, func=self.name,
                                     expected=f"a step result or workflow input for '{name}'",
                                     got=_describe(value)))
                continue
            outputs.append(WorkflowOutput(name=name, type=port.type, source=value._source,
                                          loc=where))
        return tuple(outputs)


def _describe(value: Any) -> str:
    if isinstance(value, (Promise, Wiring)):
        return value._label
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


@overload
def workflow(func: Callable[P, R], /) -> WorkflowDef[P, R]: ...


@overload
def workflow(
    *, requirements: Iterable[Mapping[str, Any]] = (), hints: Iterable[Mapping[str, Any]] = (),
    namespaces: Mapping[str, str] | None = None, schemas: Iterable[str] = (),
    metadata: Mapping[str, Any] | None = None,
) -> Callable[[Callable[P, R]], WorkflowDef[P, R]]: ...


def workflow(
    func: Callable[P, R] | None = None,
    /,
    *,
    requirements: Iterable[Mapping[str, Any]] = (),
    hints: Iterable[Mapping[str, Any]] = (),
    namespaces: Mapping[str, str] | None = None,
    schemas: Iterable[str] = (),
    metadata: Mapping[str, Any] | None = None,
) -> WorkflowDef[P, R] | Callable[[Callable[P, R]], WorkflowDef[P, R]]:
    """Declare a workflow from a typed function whose body calls tools, tasks and workflows
    with keyword arguments. The body runs once, at compile time, on promises.

    `@workflow(requirements=[...], hints=[...])` adds CWL requirement objects to the
    Workflow document, which CWL passes down to every step (e.g. a DockerRequirement hint
    for all tools); the feature requirements cwlgen adds itself are refused (CG130).
    `namespaces`/`schemas`/`metadata` as for `@tool`."""
    if func is not None:
        return WorkflowDef(func)
    loc = caller_location()
    reqs, hint_list = tuple(requirements), tuple(hints)

    ns, schema_list = (dict(namespaces) if namespaces else None), tuple(schemas)
    meta = dict(metadata) if metadata else None

    def decorate(f: Callable[P, R]) -> WorkflowDef[P, R]:
        defn = WorkflowDef(f)
        defn.requirements, defn.hints, defn.options_loc = reqs, hint_list, loc
        defn.namespaces, defn.schemas, defn.metadata = ns, schema_list, meta
        return defn

    return decorate
