"""Signature -> interface: read a decorated function's parameters and return annotation into
IR ports, collecting every problem as a diagnostic that points at the user's own line.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple, get_args, get_origin

from cwlgen.dsl.docstrings import ParsedDoc, parse_docstring
from cwlgen.dsl.function_nodes import function_node
from cwlgen.dsl.spec import (
    Arg,
    Out,
    Resources,
    ResourceValueError,
    SecondaryFile,
    WideNumber,
    is_expression,
    parse_seconds,
    parse_size_mib,
)
from cwlgen.dsl.typemap import (
    NotAValue,
    UnsupportedType,
    identifier_field,
    to_cwl_type,
    to_cwl_value,
    type_name,
)
from cwlgen.ir import NO_DEFAULT, Binding, InputPort, OutputPort, Package, ResourceSpec, Staging
from cwlgen.ir import types as t
from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.frozen import frozen
from cwlgen.ir.location import SourceLocation, display_path

IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
#: what an explicit CWL name (`Arg(name=...)`) may be: `in`, `def`, `args.py`, `out-dir`
CWL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")


@frozen
class FunctionSite:
    """Where a function and each of its parameters are written in the user's file."""

    path: str
    def_line: int
    param_lines: Mapping[str, int]
    return_line: int

    def at(self, line: int | None = None) -> SourceLocation:
        """Line `line` of the function's file (the `def` line by default)."""
        return SourceLocation(path=self.path, line=line or self.def_line)

    def param(self, name: str) -> SourceLocation:
        """The line of parameter `name`."""
        return self.at(self.param_lines.get(name))

    def returns(self) -> SourceLocation:
        """The line of the return annotation."""
        return self.at(self.return_line)


def function_site(func: Callable[..., Any]) -> FunctionSite:
    """Locate `func`'s `def` line and its parameters with `ast` (falls back to the code object)."""
    code = func.__code__
    path = display_path(code.co_filename)
    first = code.co_firstlineno
    found = function_node(func)
    if found is None:
        return FunctionSite(path, first, {}, first)
    node, offset = found
    args = node.args
    params = {a.arg: a.lineno + offset for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    if args.vararg:
        params[args.vararg.arg] = args.vararg.lineno + offset
    if args.kwarg:
        params[args.kwarg.arg] = args.kwarg.lineno + offset
    ret = (node.returns.lineno if node.returns else node.lineno) + offset
    return FunctionSite(path, node.lineno + offset, params, ret)


def split_annotated(tp: Any) -> tuple[Any, list[Any]]:
    """(base type, metadata) of a possibly Annotated annotation; nested Annotated flattened."""
    if isinstance(tp, type) and not isinstance(tp, types.GenericAlias):
        return tp, []  # a plain class (`File`, `int`): the common case, no typing calls
    extras: list[Any] = []
    while get_origin(tp) is typing.Annotated:
        args = get_args(tp)
        tp, extras = args[0], [*extras, *args[1:]]
    wide = [e for e in extras if isinstance(e, WideNumber)]
    if wide:  # `Long`/`Double` are part of the type, not metadata: keep them on the base
        tp = typing.Annotated[tp, wide[0]]
        extras = [e for e in extras if not isinstance(e, WideNumber)]
    # Annotated inside Optional: `Annotated[File, Arg()] | None` keeps its Arg/Out
    if get_origin(tp) in (typing.Union, types.UnionType):
        members = get_args(tp)
        inner = [m for m in members if m is not type(None)]
        if len(members) == 2 and len(inner) == 1 and get_origin(inner[0]) is typing.Annotated:
            base, more = split_annotated(inner[0])
            return typing.Optional[base], [*extras, *more]  # noqa: UP045 - a runtime value
    return tp, extras


def resolve_hints(func: Callable[..., Any]) -> tuple[dict[str, Any], str | None]:
    """Type hints with Annotated extras kept; on failure, the error text."""
    try:
        return _type_hints(_annotations_only(func)), None
    except Exception as exc:  # NameError for an undefined forward reference, etc.
        return {}, f"{type(exc).__name__}: {exc}"


# annotation text -> its code: `typing.get_type_hints` compiles every string annotation each
# time it reads one (a module with `from __future__ import annotations` has only strings)
_annotation_code: dict[str, types.CodeType] = {}
# classes get_type_hints refuses as annotations ("Plain typing.Generic is not valid")
_NOT_PLAIN_CLASSES = (typing.Generic, typing.Protocol)


def _type_hints(target: Any) -> dict[str, Any]:
    """`typing.get_type_hints(target, include_extras=True)`, with a shortcut for a string
    annotation naming a plain class (`File`, `int`) or None, the common case: evaluated from
    code compiled once per process, to the value get_type_hints gives for it. Every other
    annotation (and any that fails to evaluate) is read by get_type_hints itself."""
    if not isinstance(target, types.SimpleNamespace):
        return typing.get_type_hints(target, include_extras=True)
    annotations: dict[str, Any] = target.__annotations__
    hints: dict[str, Any] = {}
    for name, value in annotations.items():
        evaluated = value
        if isinstance(value, str):
            code = _annotation_code.get(value)
            try:
                if code is None:
                    if len(value) > 200:
                        break
                    code = _annotation_code[value] = compile(value, "<string>", "eval",
                                                             dont_inherit=True)
                evaluated = eval(code, target.__globals__)  # noqa: S307 - as get_type_hints
            except Exception:  # get_type_hints below says what is wrong, as before
                break
        if evaluated is None:
            hints[name] = type(None)
        elif isinstance(evaluated, type) and not isinstance(evaluated, types.GenericAlias) \
                and evaluated not in _NOT_PLAIN_CLASSES:  # (list[int] is a type in 3.10)
            hints[name] = evaluated
        else:
            break
    else:
        return hints
    return typing.get_type_hints(target, include_extras=True)


def _annotations_only(func: Callable[..., Any]) -> Any:
    """`func` without its defaults, as get_type_hints sees it: before Python 3.11 a None
    default silently turned `name: str = None` into `str | None`, hiding the mistake CG106
    reports. Annotations are read in the unwrapped function's globals, as Python does."""
    if not inspect.isfunction(inspect.unwrap(func)):
        return func  # a class: its fields' hints never get the implicit Optional
    unwrapped = inspect.unwrap(func)
    return types.SimpleNamespace(__annotations__=getattr(func, "__annotations__", {}),
                                 __globals__=getattr(unwrapped, "__globals__", {}))


def _first(extras: Iterable[Any], cls: type) -> Any:
    for e in extras:
        if isinstance(e, cls):
            return e
    return None


@frozen
class Interface:
    """What a signature says: input and output ports, docs, where each was written, and
    the diagnostics found while reading it."""
    inputs: tuple[InputPort, ...]
    outputs: tuple[OutputPort, ...]
    output_names: tuple[str, ...]
    return_class: type | None  # the NamedTuple class of multiple outputs
    doc: ParsedDoc
    site: FunctionSite
    diagnostics: tuple[Diagnostic, ...]


def read_interface(
    func: Callable[..., Any], *, kind: str, func_name: str
) -> Interface:
    """Read inputs and outputs of `func`. `kind` is "tool", "task" or "workflow"."""
    site = function_site(func)
    doc = parse_docstring(func.__doc__)
    hints, hint_error = resolve_hints(func)
    problems: list[Diagnostic] = []
    if hint_error:
        problems.append(
            diag("CG112", site.at(), variant="unresolved_annotations", func=func_name,
                 error=hint_error)
        )
    inputs: list[InputPort] = []
    for index, param in enumerate(parameters(func)):
        port = _read_param(param, index, hints, kind, func_name, site, doc, problems)
        if port is not None:
            inputs.append(port)
    outputs, names, return_class = _read_returns(func, hints, kind, func_name, site, doc, problems)
    _check_ids(inputs, outputs, func_name, kind, problems)
    return Interface(tuple(inputs), tuple(outputs), names, return_class, doc, site,
                     tuple(problems))


class Param(NamedTuple):
    """What the interface reads of a parameter (as `inspect.Parameter` has it)."""

    name: str
    kind: inspect._ParameterKind
    default: Any


_P = inspect.Parameter


def parameters(func: Callable[..., Any]) -> list[Param]:
    """`inspect.signature(func).parameters`, in order, as name, kind and default: read from
    the code object for a plain function (what `inspect` does, without building a Signature
    of validated Parameters per definition); anything else (a wrapper, a class) by `inspect`."""
    if type(func) is not types.FunctionType or hasattr(func, "__wrapped__") \
            or hasattr(func, "__signature__"):
        return [Param(p.name, p.kind, p.default)
                for p in inspect.signature(func).parameters.values()]
    code = func.__code__
    names, positional, keyword_only = code.co_varnames, code.co_argcount, code.co_kwonlyargcount
    defaults = func.__defaults__ or ()
    keyword_defaults = func.__kwdefaults__ or {}
    first_default = positional - len(defaults)
    found = [Param(name, _P.POSITIONAL_ONLY if i < code.co_posonlyargcount
                   else _P.POSITIONAL_OR_KEYWORD,
                   defaults[i - first_default] if i >= first_default else _P.empty)
             for i, name in enumerate(names[:positional])]
    after = positional + keyword_only
    if code.co_flags & inspect.CO_VARARGS:
        found.append(Param(names[after], _P.VAR_POSITIONAL, _P.empty))
        after += 1
    found += [Param(name, _P.KEYWORD_ONLY, keyword_defaults.get(name, _P.empty))
              for name in names[positional:positional + keyword_only]]
    if code.co_flags & inspect.CO_VARKEYWORDS:
        found.append(Param(names[after], _P.VAR_KEYWORD, _P.empty))
    return found


def _read_param(
    param: Param,
    index: int,
    hints: Mapping[str, Any],
    kind: str,
    func_name: str,
    site: FunctionSite,
    doc: ParsedDoc,
    problems: list[Diagnostic],
) -> InputPort | None:
    """One parameter -> an input port (None, with a diagnostic, when it cannot be one)."""
    name = param.name
    where = site.param(name)
    if param.kind in (_P.VAR_POSITIONAL, _P.VAR_KEYWORD, _P.POSITIONAL_ONLY):
        kinds = {
            _P.VAR_POSITIONAL: "*args",
            _P.VAR_KEYWORD: "**kwargs",
            _P.POSITIONAL_ONLY: "positional-only",
        }
        problems.append(diag("CG110", where, param=name, func=func_name, kind=kinds[param.kind]))
        return None
    if name not in hints:
        problems.append(diag("CG101", where, param=name, func=func_name))
        return None
    base, extras = split_annotated(hints[name])
    arg: Arg | None = _first(extras, Arg)
    if _first(extras, Out) is not None:
        problems.append(diag("CG112", where, variant="out_on_input", param=name, func=func_name))
    cwl_type = _cwl_type(base, name, f"parameter '{name}'", func_name, where, problems)
    if cwl_type is None:
        return None
    _check_union(cwl_type, base, f"parameter '{name}'", kind, func_name, where, problems)
    if kind == "task":
        _check_task_record_bindings(cwl_type, name, func_name, where, problems)
    default = _read_default(param, base, cwl_type, func_name, where, problems)
    field = identifier_field(default) if default is not NO_DEFAULT else None
    if field:
        problems.append(diag("CG116", where, param=name, func=func_name, field=field))
    _warn_cwltool_list_bugs(name, cwl_type, default, func_name, where, problems)
    arg = arg or Arg()
    binding = None
    staging = None
    if kind == "tool":
        binding = _binding(name, index, cwl_type, arg, func_name, where, problems)
        staging = _staging(name, cwl_type, arg, func_name, where, problems)
    cwl_name = name
    if arg.name is not None and arg.name != name:
        if kind == "task":  # the task shim calls the function by its parameter names
            problems.append(diag("CG112", where, variant="renamed_not_tool", param=name,
                                 name=repr(arg.name), func=func_name, kind=kind))
        else:
            cwl_name = arg.name
    patterns, required = secondary_patterns(arg.secondary_files, func_name, where, problems)
    item_binding = None
    if arg.items is not None:
        if kind != "tool" or not isinstance(t.strip_optional(cwl_type), t.Array):
            problems.append(diag("CG112", where, variant="items_not_list", param=name,
                                 func=func_name, type=cwl_type))
        else:
            item_binding = arg.items.binding(arg.items.position)
    return InputPort(
        name=cwl_name,
        python_name=name if cwl_name != name else None,
        type=cwl_type,
        default=default,
        doc=arg.doc or doc.params.get(name),
        binding=binding,
        format=arg.format,
        secondary_files=patterns,
        secondary_required=required,
        load_listing=arg.load_listing,
        load_contents=arg.load_contents,
        staging=staging,
        streamable=arg.streamable,
        item_binding=item_binding,
        loc=where,
    )


def secondary_patterns(
    items: Iterable[Any], func_name: str, where: SourceLocation, problems: list[Diagnostic]
) -> tuple[tuple[str, ...], tuple[tuple[str, bool | str], ...]]:
    """`secondary_files=` entries -> (patterns, (pattern, required) for those that say
    `required`); an entry that is neither a pattern nor a SecondaryFile is CG112."""
    patterns: list[str] = []
    required: list[tuple[str, bool | str]] = []
    for item in items:
        if isinstance(item, str) and item:
            patterns.append(item)
        elif isinstance(item, SecondaryFile) and isinstance(item.pattern, str) and item.pattern \
                and (item.required is None or isinstance(item.required, (bool, str))):
            patterns.append(item.pattern)
            if item.required is not None:
                required.append((item.pattern, item.required))
        else:
            problems.append(diag("CG112", where, variant="bad_secondary_file", item=repr(item),
                                 func=func_name))
    return tuple(patterns), tuple(required)


_SCALARS = (t.STRING, t.INT, t.LONG, t.FLOAT, t.DOUBLE, t.BOOLEAN)


def _check_union(
    cwl_type: t.CwlType,
    base: Any,
    what: str,
    kind: str,
    func_name: str,
    where: SourceLocation,
    problems: list[Diagnostic],
) -> None:
    """CG135: a Python task's shim converts values by their annotation, so a task's unions
    may only join scalars (`int | str`); a File or record inside a union would arrive as
    raw CWL JSON."""
    if kind != "task":
        return
    for sub in t.walk(cwl_type):
        if isinstance(sub, t.OneOf):
            odd = [m for m in sub.members if m not in _SCALARS]
            if odd:
                problems.append(diag("CG135", where, what=what, func=func_name,
                                     pytype=type_name(base), member=odd[0],
                                     hint="a @task union may only join str, int, float "
                                          "and bool; split the task, or use a @tool"))
                return


def _fields_collected(cwl_type: t.CwlType) -> bool:
    """Whether an output is a record whose fields say where they come from (`Out(glob=...)`
    on the fields: CWL builds the record field by field)."""
    base = t.strip_optional(cwl_type)
    return isinstance(base, t.Record) and any(f.output_binding for f in base.fields)


def _check_task_record_bindings(
    cwl_type: t.CwlType, name: str, func_name: str, where: SourceLocation,
    problems: list[Diagnostic],
) -> None:
    """CG136: CWL binds a record's fields even when the parameter itself is not bound, so a
    task's job (which reads its inputs from a file, not its command line) cannot take one."""
    for sub in t.walk(cwl_type):
        if isinstance(sub, t.Record):
            bound = next((f for f in sub.fields
                          if f.binding or f.format or f.secondary_files
                          or f.output_binding), None)
            if bound is not None:
                what = ("a command-line binding" if bound.binding else
                        "an output binding" if bound.output_binding
                        else "a format or secondary files")
                problems.append(diag("CG136", where, param=name, func=func_name,
                                     record=sub.name, field=bound.name, what=what))
                return


def _cwl_type(
    base: Any,
    name: str,
    what: str,
    func_name: str,
    where: SourceLocation,
    problems: list[Diagnostic],
) -> t.CwlType | None:
    """The CWL type of annotation `base`; None, reported (CG102), when it has none."""
    try:
        return to_cwl_type(base, hint_name=name)
    except UnsupportedType as exc:
        problems.append(diag("CG102", where, what=what, func=func_name, pytype=str(exc)))
        return None


def _read_default(
    param: Param,
    base: Any,
    cwl_type: t.CwlType,
    func_name: str,
    where: SourceLocation,
    problems: list[Diagnostic],
) -> Any:
    """The parameter's default as a CWL value (NO_DEFAULT when it has none); a default that
    is no CWL value, or not one of the parameter's type, is reported (CG106)."""
    if param.default is _P.empty:
        return NO_DEFAULT
    name = param.name
    try:
        default = to_cwl_value(param.default)
    except NotAValue:
        shown = repr(param.default)
        if " at 0x" in shown:  # no memory addresses: messages are stable across runs
            shown = f"<{type(param.default).__qualname__} object>"
        problems.append(diag("CG106", where, value=shown, param=name,
                             func=func_name, type=cwl_type, hint=""))
        return None  # keep the parameter optional: one error, not a cascade
    if not t.check_value(default, cwl_type):
        hint = f"; annotate it '{type_name(base)} | None'" if default is None else ""
        problems.append(diag("CG106", where, value=repr(param.default), hint=hint,
                             param=name, func=func_name, type=cwl_type))
    return default


def _staging(
    name: str,
    cwl_type: t.CwlType,
    arg: Arg,
    func_name: str,
    where: SourceLocation,
    problems: list[Diagnostic],
) -> Staging | None:
    """How a tool input is staged into the working directory (only Files and Directories
    can be, or a list of them under their own names: CG114 otherwise)."""
    if not (arg.stage or arg.stage_as is not None or arg.writable or arg.inplace):
        return None
    staged_type = t.strip_optional(cwl_type)
    files = ("File", "Directory")
    listed = isinstance(staged_type, t.Array) and isinstance(staged_type.items, t.Prim) and \
        staged_type.items.name in files and not arg.inplace and arg.stage_as is None
    if not listed and (not isinstance(staged_type, t.Prim) or staged_type.name not in files
                       or not (arg.stage_as is None or arg.stage_as)):
        how = ("in place" if arg.inplace else f"as {arg.stage_as!r}" if arg.stage_as is not None
               else "writable" if arg.writable else "into the working directory")
        problems.append(diag("CG114", where, param=name, func=func_name, how=how,
                             type=cwl_type))
        return None
    return Staging(name=arg.stage_as, writable=arg.writable or arg.inplace, inplace=arg.inplace)


def _warn_cwltool_list_bugs(
    name: str,
    cwl_type: t.CwlType,
    default: Any,
    func_name: str,
    where: SourceLocation,
    problems: list[Diagnostic],
) -> None:
    """cwltool mishandles lists of enums/records given a default, or declared optional."""
    base = t.strip_optional(cwl_type)
    if not (isinstance(base, t.Array) and isinstance(base.items, (t.Enum, t.Record))):
        return
    if default is not NO_DEFAULT and default is not None:
        problems.append(diag("CG115", where, param=name, func=func_name, type=cwl_type,
                             what=" with a default"))
    elif isinstance(cwl_type, t.Optional):
        problems.append(diag("CG115", where, param=name, func=func_name, type=cwl_type,
                             what=" (optional)"))


def _binding(
    name: str,
    index: int,
    cwl_type: t.CwlType,
    arg: Arg,
    func_name: str,
    where: SourceLocation,
    problems: list[Diagnostic],
) -> Binding | None:
    if not arg.bind or arg.stdin:
        if arg.stdin and cwl_type != t.FILE:  # not File?: `$(inputs.x.path)` fails on null
            problems.append(diag("CG112", where, variant="stdin_not_file", param=name,
                                 func=func_name, type=cwl_type))
        return None
    base = t.strip_optional(cwl_type)
    if base == t.BOOLEAN and arg.prefix is None and arg.value_from is None:
        problems.append(diag("CG105", where, param=name, func=func_name))
        return None
    return arg.binding(arg.position if arg.position is not None else index + 1)


def _is_namedtuple(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields")


def _read_returns(
    func: Callable[..., Any],
    hints: Mapping[str, Any],
    kind: str,
    func_name: str,
    site: FunctionSite,
    doc: ParsedDoc,
    problems: list[Diagnostic],
) -> tuple[list[OutputPort], tuple[str, ...], type | None]:
    where = site.returns()
    if "return" not in hints:
        if inspect.signature(func).return_annotation is inspect.Signature.empty:
            problems.append(diag("CG103", where, func=func_name))
        return [], (), None
    ret = hints["return"]
    if ret is None or ret is type(None):
        return [], (), None
    base, extras = split_annotated(ret)
    if _is_namedtuple(base):
        field_hints, err = resolve_hints(base)
        if err:
            problems.append(diag("CG112", where, variant="unresolved_fields",
                                 record=base.__qualname__, error=err))
            return [], (), base
        outputs = []
        for field in base._fields:
            if field not in field_hints:
                problems.append(diag("CG101", where, param=field, func=base.__qualname__))
                continue
            port = _read_output(field, field_hints[field], kind, func_name, where, doc, problems)
            if port is not None:
                outputs.append(port)
        return outputs, tuple(base._fields), base
    port = _read_output("out", ret, kind, func_name, where, doc, problems)
    return ([port] if port else []), ("out",), None


def _read_output(
    name: str,
    annotation: Any,
    kind: str,
    func_name: str,
    where: SourceLocation,
    doc: ParsedDoc,
    problems: list[Diagnostic],
) -> OutputPort | None:
    base, extras = split_annotated(annotation)
    out: Out = _first(extras, Out) or Out()
    if _first(extras, Arg) is not None:
        problems.append(diag("CG112", where, variant="arg_on_output", output=name, func=func_name))
    cwl_type = _cwl_type(base, name, f"output '{name}'", func_name, where, problems)
    if cwl_type is None:
        return None
    _check_union(cwl_type, base, f"output '{name}'", kind, func_name, where, problems)
    if kind == "tool":
        if out.stream is not None:
            if cwl_type != t.FILE:
                problems.append(diag("CG111", where, output=name, func=func_name,
                                     stream=out.stream, type=cwl_type))
        elif out.output_json:
            pass  # from cwl.output.json; a glob beside it is read when the tool writes none
        elif out.glob is None and out.output_eval is None and not _fields_collected(cwl_type):
            problems.append(diag("CG104", where, output=name, func=func_name, type=cwl_type))
    elif out.glob is not None or out.stream is not None or out.output_json or \
            out.load_listing is not None:
        problems.append(diag("CG112", where, variant="collected_output", output=name, kind=kind,
                             func=func_name))
    patterns, required = secondary_patterns(out.secondary_files, func_name, where, problems)
    return OutputPort(
        name=name,
        type=cwl_type,
        glob=out.filename if out.stream else out.glob if not isinstance(out.glob, list)
        else None,
        globs=tuple(out.glob) if isinstance(out.glob, list) and not out.stream else (),
        load_contents=out.load_contents,
        output_eval=out.output_eval,
        stream=out.stream,
        format=out.format,
        secondary_files=patterns,
        secondary_required=required,
        streamable=out.streamable,
        from_output_json=out.output_json,
        load_listing=out.load_listing,
        doc=out.doc or doc.returns.get(name),
        loc=where,
    )


def _check_ids(
    inputs: list[InputPort],
    outputs: list[OutputPort],
    func_name: str,
    kind: str,
    problems: list[Diagnostic],
) -> None:
    """CG107 for a name CWL cannot hold, CG108 for one name given twice. A tool input
    renamed on purpose (`filelist_in: Annotated[File, Arg(name="filelist")]`) may share its
    CWL name with an output, as CWL tools may (the inputs and outputs of a tool are two
    lists, and its expressions only see `inputs.`): the Python names still differ."""
    renamed_on_purpose = {p.name for p in inputs if p.python_name is not None} \
        if kind == "tool" else set()
    seen: dict[str, str] = {}
    for what, ports in (("input", inputs), ("output", outputs)):
        for port in ports:
            renamed = isinstance(port, InputPort) and port.python_name is not None
            if not (CWL_NAME if renamed else IDENTIFIER).match(port.name):
                problems.append(diag("CG107", port.loc, name=port.name, what=what,
                                     func=func_name))
            if port.name in seen and not (what == "output" and seen[port.name] == "input"
                                          and port.name in renamed_on_purpose):
                problems.append(diag("CG108", port.loc, name=port.name, first=seen[port.name],
                                     second=what, func=func_name))
            seen[port.name] = what


def read_resources(
    resources: Resources | None, func_name: str, where: SourceLocation, problems: list[Diagnostic]
) -> ResourceSpec | None:
    """`Resources(...)` -> normalised ResourceSpec (CG109 when it is not valid)."""
    if resources is None:
        return None
    if not isinstance(resources, Resources):
        problems.append(diag("CG109", where, variant="not_resources", func=func_name,
                             got=type(resources).__name__))
        return None
    values: dict[str, Any] = {}
    exact: dict[str, float | str] = {}
    try:
        for field, cwl in (("cores", "coresMin"), ("cores_max", "coresMax")):
            raw = getattr(resources, field)
            if is_expression(raw):
                exact[cwl] = raw
            elif raw is not None:
                if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw <= 0:
                    raise ResourceValueError("cores", what=field, value=repr(raw))
                if field == "cores":
                    values["cores"] = raw
                else:
                    exact[cwl] = raw
        for field, key, cwl in (("ram", "ram_mib", "ramMin"), ("tmpdir", "tmpdir_mib",
                                                                "tmpdirMin"),
                                ("outdir", "outdir_mib", "outdirMin")):
            for name, cwl_name in ((field, cwl), (f"{field}_max", cwl[:-3] + "Max")):
                raw = getattr(resources, name)
                if raw is None:
                    continue
                if is_expression(raw):
                    exact[cwl_name] = raw
                    continue
                mib = parse_size_mib(raw, name)  # whole MiB, rounded up as CWL says
                if name == field:
                    values[key] = mib
                else:
                    exact[cwl_name] = mib
        for field, cwl in (("cores", "cores"), ("ram", "ram"), ("tmpdir", "tmpdir"),
                           ("outdir", "outdir")):
            low = exact.get(f"{cwl}Min", values.get("cores" if field == "cores" else
                                                    f"{field}_mib"))
            high = exact.get(f"{cwl}Max")
            if isinstance(low, (int, float)) and isinstance(high, (int, float)) and high < low:
                raise ResourceValueError("max_below_min", what=f"{field}_max",
                                         value=f"{high!r} < {low!r}")
        if is_expression(resources.time_limit):
            values["time_limit_cwl"] = resources.time_limit
        elif resources.time_limit is not None and not isinstance(resources.time_limit, bool) \
                and resources.time_limit == 0:
            values["time_limit_cwl"] = 0  # CWL's "no limit", said explicitly
        elif resources.time_limit is not None:
            values["time_limit_s"] = parse_seconds(resources.time_limit, "time_limit")
        if isinstance(resources.gpus, bool) or not isinstance(resources.gpus, int) \
                or resources.gpus < 0:
            raise ResourceValueError("gpus", value=repr(resources.gpus))
        values["gpus"] = resources.gpus
    except ResourceValueError as exc:
        problems.append(diag("CG109", where, variant=exc.variant, func=func_name,
                             what=exc.what, value=exc.value))
        return None
    if exact:
        values["exact"] = tuple(exact.items())
    return ResourceSpec(
        cuda_version=resources.cuda_version,
        cuda_compute_capability=resources.cuda_compute_capability,
        **values,
    )


def read_packages(
    packages: Iterable[str | Mapping[str, Any]], func_name: str, where: SourceLocation,
    problems: list[Diagnostic],
) -> tuple[Package, ...]:
    """'numpy', 'losoto==2.7' or {'name': ..., 'versions': [...]} -> Package."""
    out = []
    if isinstance(packages, str):
        packages = [packages]
    for spec in packages:
        if isinstance(spec, str):
            name, _, version = spec.partition("==")
            name = name.strip()
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+-]*", name):
                problems.append(diag("CG112", where, variant="bad_package", spec=repr(spec),
                                     func=func_name))
                continue
            out.append(Package(name=name, versions=(version.strip(),) if version else ()))
        elif isinstance(spec, Mapping) and "name" in spec:
            out.append(Package(name=str(spec["name"]),
                               versions=tuple(str(v) for v in spec.get("versions", ()))))
        else:
            problems.append(diag("CG112", where, variant="bad_package_spec", spec=repr(spec),
                                 func=func_name))
    return tuple(out)


def read_env(
    env: Mapping[str, Any] | None, func_name: str, where: SourceLocation, problems: list[Diagnostic]
) -> tuple[tuple[str, str], ...]:
    """`env=` -> sorted (name, value) pairs (CG112 for names that are not valid)."""
    if not env:
        return ()
    out = []
    for key, value in env.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(key)):
            problems.append(diag("CG112", where, variant="bad_env_name", name=repr(key),
                                 func=func_name))
            continue
        if unfinished_reference(str(value)):
            problems.append(diag("CG112", where, variant="bad_env_value", name=str(key),
                                 value=repr(str(value))[:80], func=func_name))
            continue
        out.append((str(key), str(value)))
    return tuple(sorted(out))


def unfinished_reference(text: str) -> bool:
    """Whether `text` opens a CWL parameter reference or expression (`$(`, `${`) that never
    closes: every engine would fail on it when the job starts."""
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(("$(", "${"), i):
            close = {"(": ")", "{": "}"}[text[i + 1]]
            depth, j = 1, i + 2
            while j < len(text) and depth:
                if text[j] == text[i + 1]:
                    depth += 1
                elif text[j] == close:
                    depth -= 1
                j += 1
            if depth:
                return True
            i = j
            continue
        i += 1
    return False

