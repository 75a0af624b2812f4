"""IR -> readable, typed Python source in the DSL (the writer behind `cwlgen import`).

Records become dataclasses, enums `Enum`s, tools `@tool` functions with `Annotated[...,
Arg(...)]` parameters and `Out(...)`/`stdout(...)` returns, workflows `@workflow` functions
with keyword calls (`.map(...)` for scatter). Label and doc become docstrings. Parameters are
keyword-only so the CWL order (and so the output's order) is kept whatever has defaults.
Expressions are written verbatim. The text is deterministic: the same IR gives the same bytes.
"""

from __future__ import annotations

import json
import keyword
import os
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote, urlparse

from cwlgen.ir import (
    NO_DEFAULT,
    InputPort,
    OutputPort,
    Process,
    StepOutputRef,
    Tool,
    Workflow,
    WorkflowInputRef,
)
from cwlgen.ir import types as t
from cwlgen.ir import when_expr as wx
from cwlgen.ir.record_flows import record_bases
from cwlgen.ir.when_expr import parse_when

_SAFE_WORD = re.compile(r"[A-Za-z0-9_./=:+,@%-]+\Z")
_LINE = 96


def _ident(name: str, fallback: str = "x") -> str:
    out = re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_") or fallback
    if out[0].isdigit():
        out = f"{fallback}_{out}"
    if keyword.iskeyword(out):
        out += "_"
    return out


def _camel(name: str) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", name) if p]
    out = "".join(p[0].upper() + p[1:] for p in parts) or "Type"
    return out if not out[0].isdigit() else f"T{out}"


class _Names:
    """Unique Python names, handed out in a fixed order."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.taken = set(reserved)

    def take(self, want: str) -> str:
        name, n = want, 1
        while name in self.taken:
            n += 1
            name = f"{want}_{n}"
        self.taken.add(name)
        return name


_RESERVED = {
    "Annotated", "Any", "Arg", "Container", "Directory", "Enum", "File", "NamedTuple", "Out",
    "Resources", "cast", "dataclass", "stderr", "stdout", "tool", "workflow", "enum", "typing",
}


class PythonWriter:
    """Writes one module holding a root process and everything it runs."""

    def __init__(self, out_dir: str, source_label: str) -> None:
        self.out_dir = out_dir
        self.source_label = source_label
        self.names = _Names(_RESERVED)
        self.classes: list[str] = []  # class definitions, in order of first use
        self.type_names: dict[t.CwlType, str] = {}
        self.functions: list[str] = []
        self.func_names: dict[str, str] = {}  # process key -> function name
        self.imports: set[str] = set()
        self.typing: set[str] = set()
        self.bases: dict[t.Record, tuple[t.Record, ...]] = {}  # see record_class

    # --- types ------------------------------------------------------------------------
    def annotation(self, tp: t.CwlType) -> str:
        if isinstance(tp, t.Prim):
            simple = {"string": "str", "int": "int", "float": "float", "boolean": "bool",
                      "File": "File", "Directory": "Directory", "long": "Long",
                      "double": "Double"}
            if tp.name == "Any":
                self.typing.add("Any")
                return "Any"
            if tp.name == "null":
                return "None"
            if tp.name in ("File", "Directory", "long", "double"):
                self.imports.add(simple[tp.name])
            return simple[tp.name]
        if isinstance(tp, t.Optional):
            return f"{self.annotation(tp.inner)} | None"
        if isinstance(tp, t.Array):
            return f"list[{self.annotation(tp.items)}]"
        if isinstance(tp, t.Enum):
            return self.enum_class(tp)
        if isinstance(tp, t.Record):
            return self.record_class(tp)
        if isinstance(tp, t.OneOf):
            return " | ".join(self.annotation(m) for m in tp.members)
        raise TypeError(f"not a CWL type: {lit(tp)}")  # pragma: no cover

    def enum_class(self, tp: t.Enum) -> str:
        if tp in self.type_names:
            return self.type_names[tp]
        name = self.names.take(_camel(tp.name))
        self.type_names[tp] = name
        members = _Names()
        lines = [f"class {name}(enum.Enum):"]
        for sym in tp.symbols:
            member = members.take(_ident(sym, "V").upper())
            lines.append(f"    {member} = {lit(sym)}")
        self.classes.append("\n".join(lines))
        return name

    def record_class(self, tp: t.Record) -> str:
        if tp in self.type_names:
            return self.type_names[tp]
        # one record declared at several places with different field metadata: a class per
        # declaration, derived from those its values are passed as (mypy checks that)
        bases = [self.record_class(b) for b in self.bases.get(tp, ())]
        name = self.names.take(_camel(tp.name))
        self.type_names[tp] = name
        fields = [(f, self.field_annotation(f)) for f in tp.fields]
        head = f"class {name}({', '.join(bases)}):" if bases else f"class {name}:"
        lines = ["@dataclass(kw_only=True)", head]
        if bases:
            shown = re.sub(r"[^A-Za-z0-9_.:-]", "_", tp.name)
            lines.append(f'    """Another declaration of the CWL record \'{shown}\' (other field '
                         'formats, secondary files or bindings), passed where '
                         f'{" or ".join(bases)} is expected."""')
        for f, ann in fields:
            default = " = None" if isinstance(f.type, t.Optional) else ""
            lines.append(f"    {f.name}: {ann}{default}")
            if f.doc:
                lines.append(f"    {_docstring(f.doc, 4)}")
        if not fields:
            lines.append("    pass")
        self.classes.append("\n".join(lines))
        return name

    def field_annotation(self, f: t.Field) -> str:
        """A record field's annotation, with `Arg(...)` for its binding, format and
        secondary files."""
        ann = self.annotation(f.type)
        meta = [f"{_FIELD_ARGS[k]}={lit(v)}" for k, v in f.binding]
        if f.format:
            meta.append(f"format={lit(f.format)}")
        if f.secondary_files:
            meta.append(f"secondary_files={self.secondary(f)}")
        if f.output_binding:  # an output record's field: where its value comes from
            out_meta = [f"{_FIELD_OUTS[k]}={lit(list(v) if isinstance(v, tuple) else v)}"
                        for k, v in f.output_binding]
            self.imports.add("Out")
            self.typing.add("Annotated")
            return f"Annotated[{ann}, Out({', '.join(out_meta + meta)})]"
        if not meta:
            return ann
        self.imports.add("Arg")
        self.typing.add("Annotated")
        return f"Annotated[{ann}, Arg({', '.join(meta)})]"

    # --- values -----------------------------------------------------------------------
    def value(self, value: Any, tp: t.CwlType | None) -> str:
        base = t.strip_optional(tp) if tp is not None else None
        if value is None:
            return "None"
        if isinstance(base, t.Enum) and isinstance(value, str) and value in base.symbols:
            cls = self.enum_class(base)
            members = _Names()
            for sym in base.symbols:
                member = members.take(_ident(sym, "V").upper())
                if sym == value:
                    return f"{cls}.{member}"
        if isinstance(base, t.Record) and isinstance(value, dict) and set(value) <= {
            f.name for f in base.fields
        }:
            cls = self.record_class(base)
            args = ", ".join(f"{f.name}={self.value(value[f.name], f.type)}"
                             for f in base.fields if f.name in value)
            return f"{cls}({args})"
        if isinstance(value, dict) and value.get("class") in ("File", "Directory"):
            return self.path_value(value)
        if isinstance(value, list):
            items = base.items if isinstance(base, t.Array) else None
            return "[" + ", ".join(self.value(v, items) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{lit(k)}: {self.value(v, None)}"
                                   for k, v in value.items()) + "}"
        if isinstance(value, float) and value.is_integer() and isinstance(base, t.Prim) and \
                base.name in ("float", "double"):
            return lit(value)
        return lit(value)

    def relocate(self, obj: Any) -> Any:
        """File/Directory locations made relative to the folder the source is written to."""
        if isinstance(obj, dict):
            out = {k: self.relocate(v) for k, v in obj.items()}
            loc = out.get("location")
            if isinstance(loc, str) and urlparse(loc).scheme == "file":
                path = unquote(urlparse(loc).path)
                out["location"] = os.path.relpath(path, self.out_dir)
            return out
        if isinstance(obj, list):
            return [self.relocate(v) for v in obj]
        return obj

    def path_value(self, value: dict[str, Any]) -> str:
        value = self.relocate(value)
        cls = value["class"]
        self.imports.add(cls)
        if set(value) == {"class", "location"}:
            return f"{cls}({lit(value['location'])})"
        self.typing.add("cast")
        return f"cast({cls}, {lit(value)})"

    # --- processes --------------------------------------------------------------------
    def function_name(self, process: Process) -> str:
        if process.key not in self.func_names:
            self.func_names[process.key] = self.names.take(_ident(process.name, "process"))
        return self.func_names[process.key]

    def write_process(self, process: Process) -> str:
        """Write `process` (after everything it runs); return its function name."""
        if process.key in self.func_names and any(
            f"def {self.func_names[process.key]}(" in fn for fn in self.functions
        ):
            return self.func_names[process.key]
        if isinstance(process, Workflow):
            for step in process.steps:
                self.write_process(step.process)
        name = self.function_name(process)
        text = self.tool(process, name) if isinstance(process, Tool) else \
            self.workflow(process, name)
        self.functions.append(text)
        return name

    def returns(self, process: Process, name: str, outputs: list[tuple[str, str]]) -> str:
        if len(outputs) == 1 and outputs[0][0] == "out":
            return outputs[0][1]
        if not outputs:
            return "None"
        cls = self.names.take(_camel(name) + "Outputs")
        self.typing.add("NamedTuple")
        lines = [f"class {cls}(NamedTuple):"]
        # a field named like a tuple method (count, index) shadows it: fine at run time,
        # mypy objects
        lines += [f"    {field}: {ann}" + ("  # type: ignore[assignment]"
                                          if field in ("count", "index") else "")
                  for field, ann in outputs]
        self.classes.append("\n".join(lines))
        return cls

    def param(self, port: InputPort, *, tool: bool) -> str:
        ann = self.annotation(port.type)
        meta: list[str] = []
        b = port.binding
        if tool:
            if b is None:
                meta.append("bind=False")
            else:
                meta.append(f"position={lit(b.position) if b.position is not None else 0}")
                if b.prefix is not None:
                    meta.append(f"prefix={lit(b.prefix)}")
                if not b.separate:
                    meta.append("separate=False")
                if b.item_separator is not None:
                    meta.append(f"item_separator={lit(b.item_separator)}")
                if not b.shell_quote:
                    meta.append("shell_quote=False")
                if b.value_from is not None:
                    meta.append(f"value_from={lit(b.value_from)}")
            if port.item_binding is not None:
                meta.append(f"items=Arg({_binding_args(port.item_binding)})")
        if port.python_name is not None:
            meta.insert(0, f"name={lit(port.name)}")
        doc = "\n\n".join(x for x in (port.label, port.doc) if x)
        if doc:
            meta.append(f"doc={lit(doc)}")
        if port.format:
            meta.append(f"format={lit(port.format)}")
        if port.secondary_files:
            meta.append(f"secondary_files={self.secondary(port)}")
        if port.load_listing:
            meta.append(f"load_listing={lit(port.load_listing)}")
        if port.load_contents:
            meta.append("load_contents=True")
        if port.streamable:
            meta.append("streamable=True")
        if port.staging is not None:
            if port.staging.name is not None:
                meta.append(f"stage_as={lit(port.staging.name)}")
            if port.staging.inplace:
                meta.append("inplace=True")
            elif port.staging.writable:
                meta.append("writable=True")
            elif port.staging.name is None:
                meta.append("stage=True")
        if meta:
            self.imports.add("Arg")
            self.typing.add("Annotated")
            ann = f"Annotated[{ann}, Arg({', '.join(meta)})]"
        default = ""
        if port.default is not NO_DEFAULT:
            default = f" = {self.value(port.default, port.type)}"
        elif isinstance(port.type, t.Optional):
            default = " = None"
        return f"{port.python_name or port.name}: {ann}{default}"

    def secondary(self, port: InputPort | OutputPort | t.Field) -> str:
        """`secondary_files=[...]`: plain patterns, `SecondaryFile(...)` where `required:` is
        said."""
        required = dict(port.secondary_required)
        if not required:
            return lit(list(port.secondary_files))
        self.imports.add("SecondaryFile")
        items = [f"SecondaryFile({lit(p)}, required={lit(required[p])})" if p in required
                 else lit(p) for p in port.secondary_files]
        return f"[{', '.join(items)}]"

    def out_annotation(self, port: OutputPort) -> str:
        ann = self.annotation(port.type)
        meta = []
        if port.stream is not None:
            if not (port.format or port.secondary_files or port.doc or port.streamable
                    or port.from_output_json):
                self.imports.add(port.stream)
                self.typing.add("Annotated")
                name = lit(port.glob) if port.glob else ""
                return f"Annotated[{ann}, {port.stream}({name})]"
            meta.append(f"stream={lit(port.stream)}")
            if port.glob:
                meta.append(f"filename={lit(port.glob)}")
        elif port.glob is not None:
            meta.append(f"glob={lit(port.glob)}")
        elif port.globs:
            meta.append(f"glob={lit(list(port.globs))}")
        if port.load_contents:
            meta.append("load_contents=True")
        if port.load_listing is not None:
            meta.append(f"load_listing={lit(port.load_listing)}")
        if port.output_eval is not None:
            meta.append(f"output_eval={lit(port.output_eval)}")
        if port.from_output_json:
            meta.append("output_json=True")
        if port.format:
            meta.append(f"format={lit(port.format)}")
        if port.secondary_files:
            meta.append(f"secondary_files={self.secondary(port)}")
        if port.doc:
            meta.append(f"doc={lit(port.doc)}")
        if port.streamable:
            meta.append("streamable=True")
        if not meta:
            return ann
        self.imports.add("Out")
        self.typing.add("Annotated")
        return f"Annotated[{ann}, Out({', '.join(meta)})]"

    def expression_tool(self, tool: Tool, name: str) -> str:
        """`@expression_tool(js)` over a signature typed like a workflow's."""
        self.imports.add("expression_tool")
        params = [self.param(port, tool=False) for port in tool.inputs]
        outputs = [(o.name, self.out_annotation(o)) for o in tool.outputs]
        ret = self.returns(tool, name, outputs)
        sig = _signature(name, params, ret)
        text = "\n\n".join(x for x in (tool.label, tool.doc) if x)
        body = _docstring(text, 4) if text else "..."
        args = [lit(tool.expression)]
        res = tool.resources
        if res is not None:
            limit = res.time_limit_s if res.time_limit_s is not None else res.time_limit_cwl
            if limit is not None:
                args.append(f"time_limit={lit(limit)}")
        return f"{_call('@expression_tool', args)}\n{sig}\n    {body}"

    def tool(self, tool: Tool, name: str) -> str:
        if tool.expression is not None:
            return self.expression_tool(tool, name)
        self.imports.add("tool")
        opts: list[str] = []
        cmd = list(tool.base_command)
        if cmd and all(_SAFE_WORD.match(c) for c in cmd):
            opts.append(lit(" ".join(cmd)))
        else:
            opts.append(lit(cmd) if cmd else "None")
        if tool.arguments:
            items = []
            for a in tool.arguments:
                if a.binding is None:
                    items.append(lit(a.value))
                else:
                    self.imports.add("Arg")
                    meta = [f"value_from={lit(a.value)}"]
                    if a.binding.position is not None:
                        meta.insert(0, f"position={lit(a.binding.position)}")
                    if a.binding.prefix is not None:
                        meta.append(f"prefix={lit(a.binding.prefix)}")
                    if not a.binding.separate:
                        meta.append("separate=False")
                    if not a.binding.shell_quote:
                        meta.append("shell_quote=False")
                    items.append(f"Arg({', '.join(meta)})")
            opts.append(f"arguments=[{', '.join(items)}]")
        if tool.container is not None:
            opts.append(f"container={self.container(tool.container)}")
            if tool.container.required:
                opts.append("container_required=True")
        if tool.packages:
            opts.append("packages=[" + ", ".join(
                lit({"name": p.name, "versions": list(p.versions)}) if p.versions else
                lit(p.name) for p in tool.packages) + "]")
        res = tool.resources
        if res is not None:
            self.imports.add("Resources")
            parts = []
            exact = dict(res.exact)  # maxima and expressions
            for field, cwl, value in (("cores", "cores", res.cores),
                                      ("ram", "ram", res.ram_mib),
                                      ("tmpdir", "tmpdir", res.tmpdir_mib),
                                      ("outdir", "outdir", res.outdir_mib)):
                low = exact.get(f"{cwl}Min", value)
                if low is not None:
                    parts.append(f"{field}={lit(low)}")
                if exact.get(f"{cwl}Max") is not None:
                    parts.append(f"{field}_max={lit(exact[f'{cwl}Max'])}")
            limit = res.time_limit_s if res.time_limit_s is not None else res.time_limit_cwl
            if limit is not None:
                parts.append(f"time_limit={lit(limit)}")
            if res.gpus:
                parts.append(f"gpus={res.gpus}")
                if res.cuda_version != "11.0":
                    parts.append(f"cuda_version={lit(res.cuda_version)}")
                if res.cuda_compute_capability != "3.0":
                    parts.append(f"cuda_compute_capability={lit(res.cuda_compute_capability)}")
            opts.append(f"resources=Resources({', '.join(parts)})")
        if tool.env:
            opts.append(f"env={lit(dict(tool.env))}")
        if tool.files:
            opts.append(f"files={lit(dict(tool.files))}")
        if tool.workdir_listing is not None:
            opts.append(f"workdir={lit(tool.workdir_listing)}")
        elif tool.workdir:
            entries = []
            for text, entryname, writable in tool.workdir:
                if not isinstance(text, str):  # File("x")/Directory("d"), or a list of them
                    entries.append(self.value(text, None))
                    continue
                self.imports.add("Dirent")
                parts = [lit(text)] + ([f"name={lit(entryname)}"] if entryname is not None
                                       else []) + (["writable=True"] if writable else [])
                entries.append(f"Dirent({', '.join(parts)})")
            opts.append(f"workdir=[{', '.join(entries)}]")
        for stream, redirect in (("stdout", tool.stdout_name), ("stderr", tool.stderr_name)):
            if redirect is not None and not any(o.stream == stream for o in tool.outputs):
                opts.append(f"{stream}={lit(redirect)}")
        if tool.success_codes:
            opts.append(f"success_codes={lit(list(tool.success_codes))}")
        if tool.temporary_fail_codes:
            opts.append(f"temporary_fail_codes={lit(list(tool.temporary_fail_codes))}")
        if tool.permanent_fail_codes:
            opts.append(f"permanent_fail_codes={lit(list(tool.permanent_fail_codes))}")
        if tool.shell:
            opts.append("shell=True")
        if tool.stdin_expr is not None:
            opts.append(f"stdin={lit(tool.stdin_expr)}")
        if tool.network:
            opts.append("network=True")
        if not tool.deterministic:
            opts.append("deterministic=False")
        if tool.extra_requirements:
            opts.append("requirements=[" + ", ".join(
                self.plain(dict(r)) for r in tool.extra_requirements) + "]")
        if tool.extra_hints:
            opts.append("hints=[" + ", ".join(
                self.plain(dict(h)) for h in tool.extra_hints) + "]")
        opts += self.document_options(tool)
        params = []
        for port in tool.inputs:
            if tool.stdin_input == port.name:
                self.imports.add("Arg")
                self.typing.add("Annotated")
                params.append(f"{port.name}: Annotated[{self.annotation(port.type)}, "
                              "Arg(stdin=True)]")
            else:
                params.append(self.param(port, tool=True))
        outputs = [(o.name, self.out_annotation(o)) for o in tool.outputs]
        ret = self.returns(tool, name, outputs)
        head = _call("@tool", opts)
        sig = _signature(name, params, ret)
        text = "\n\n".join(x for x in (tool.label, tool.doc) if x)
        body = _docstring(text, 4) if text else "..."
        return f"{head}\n{sig}\n    {body}"

    def container(self, c: Any) -> str:
        """An image name, or `Container(...)` when the DockerRequirement says more."""
        fields = [("pull", c.image), ("load", c.load), ("file", c.file),
                  ("import_from", c.import_from), ("image_id", c.image_id),
                  ("output_directory", c.output_directory)]
        if c.image is not None and all(v is None for _, v in fields[1:]):
            return lit(c.image)
        self.imports.add("Container")
        return "Container(" + ", ".join(f"{k}={lit(v)}" for k, v in fields
                                        if v is not None) + ")"

    def document_options(self, process: Process) -> list[str]:
        """`namespaces=`, `schemas=` (a local ontology relative to the folder written to, as
        file defaults are) and `metadata=` of a tool or workflow."""
        opts = []
        if process.namespaces:
            opts.append(f"namespaces={lit(dict(process.namespaces))}")
        if process.schemas:
            opts.append("schemas=" + lit([os.path.relpath(o.path, self.out_dir) if o.path
                                          else o.name for o in process.schemas]))
        if process.metadata:
            opts.append(f"metadata={lit(dict(process.metadata))}")
        return opts

    def plain(self, value: Any) -> str:
        return lit(self.relocate(value))

    def workflow(self, wf: Workflow, name: str) -> str:
        self.imports.add("workflow")
        params = [self.param(p, tool=False) for p in wf.inputs]
        outputs = [(o.name, self.annotation(o.type)) for o in wf.outputs]
        ret = self.returns(wf, name, outputs)
        multi = not (len(outputs) == 1 and outputs[0][0] == "out") and outputs
        sig = _signature(name, params, ret)
        body: list[str] = []
        doc = "\n\n".join(x for x in (wf.label, wf.doc) if x)
        if doc:
            body.append(_docstring(doc, 0))
        step_vars: dict[str, str] = {}
        scattered_steps = {step.id for step in wf.steps if any(i.scattered for i in step.inputs)}
        step_multi: dict[str, bool] = {}
        local = _Names({p.python_name or p.name for p in wf.inputs} | _RESERVED
                       | set(self.func_names.values()))
        py_names = {p.name: p.python_name or p.name for p in wf.inputs}

        def ref(src: Any) -> str:
            if isinstance(src, WorkflowInputRef):
                return py_names.get(src.name, src.name)
            assert isinstance(src, StepOutputRef)
            var = step_vars[src.step]
            return f"{var}.{src.output}" if step_multi[src.step] else var

        for step in wf.steps:
            callee = self.func_names[step.process.key]
            args = []
            computed_refs = {m for si in step.inputs
                             for m in _INPUT_REF.findall(si.value_from or "")}
            tree = _typed_when(step)
            when_refs = set(_INPUT_REF.findall(step.when or "")) if tree is not None \
                else set()  # cwl_condition: what it reads is given with `.with_inputs`
            with_inputs = []
            passed = {si.sources for si in step.inputs if not si.extra}
            scattered_args = {si.sources for si in step.inputs if not si.extra and si.scattered
                              and si.value_from is None and not si.merge
                              and si.pick_value is None}
            for si in step.inputs:
                if si.extra and si.name in when_refs and si.name not in computed_refs and (
                        (si.scattered and si.sources in scattered_args)
                        or (si.sources not in passed and si.name == _condition_input_name(si)
                            and (not si.scattered or isinstance(tree, wx.Ref)))):
                    # read only by the condition: `.when(...)` adds it again (a scattered
                    # one through the scattered argument with the same source, or as the
                    # list a condition tests per item)
                    continue
                if si.extra:  # read by the step's expressions: `.with_inputs(name=...)`
                    value = ref(si.sources[0]) if si.sources else self.value(si.default, None)
                    if si.scattered:  # no parameter type tells `.map` to scatter it
                        self.imports.add("each")
                        value = f"each({value})"
                    with_inputs.append(f"{si.name}={value}")
                    continue
                declared = step.process.input(si.name)
                computed = self.computed(si.sources, ref, value_from=si.value_from,
                                         pick=si.pick_value, merge=si.merge,
                                         link_merge=si.link_merge, default=si.default,
                                         tp=si.type or (declared.type if declared else None),
                                         each=si.scattered, load_contents=si.load_contents)
                if computed is not None:
                    text = computed
                elif si.sources:
                    refs = [ref(s) for s in si.sources]
                    if si.merge and declared is not None:
                        # an optional item into a required parameter (item): cwltool warns
                        base = t.strip_optional(declared.type)
                        item = declared.type if si.scattered else (
                            base.items if isinstance(base, t.Array) else None)
                        if item is not None:
                            refs = [self.assumed(r) if _trusted_not_null(s.type, item, False)
                                    else r for r, s in zip(refs, si.sources, strict=True)]
                    text = f"[{', '.join(refs)}]" if si.merge else refs[0]
                    if declared is not None and not si.merge and _trusted_not_null(
                            si.sources[0].type, declared.type, si.scattered):
                        # an optional value into a required parameter: cwltool only warns,
                        # the DSL wants it said (CG202)
                        self.imports.add("assume_not_null")
                        text = f"assume_not_null({text})"
                    elif si.scattered and not si.merge and declared is not None and \
                            not _scatters_itself(si.sources[0].type, declared.type):
                        self.imports.add("each")  # a parameter typed Any: say it
                        text = f"each({text})"
                else:
                    port = step.process.input(si.name)
                    text = self.value(si.default, port.type if port else None)
                    if si.scattered and port is not None and isinstance(si.default, list) \
                            and not _scatters_itself(t.Array(t.ANY), port.type):
                        self.imports.add("each")
                        text = f"each({self.value(si.default, t.Array(port.type))})"
                port = step.process.input(si.name)
                keyword = port.python_name if port and port.python_name else si.name
                args.append(f"{keyword}={text}")
            scattered = [si for si in step.inputs if si.scattered]
            fn = callee
            if step.extra_requirements or step.extra_hints:
                # step-level requirements/hints: `tool.with_hints(*hints, requirements=[...])`
                opts = [self.plain(dict(h)) for h in step.extra_hints]
                if step.extra_requirements:
                    opts.append("requirements=[" + ", ".join(
                        self.plain(dict(r)) for r in step.extra_requirements) + "]")
                fn = f"{callee}.with_hints({', '.join(opts)})"
            if with_inputs:
                fn = f"{fn}.with_inputs({', '.join(with_inputs)})"
            if step.when is not None:
                fn = f"{fn}.when({self.condition(step, ref)})"
            if scattered:
                fn = f"{fn}.map"
                if step.scatter_method and step.scatter_method != "dotproduct":
                    args.append(f"method={lit(step.scatter_method)}")
            want = _ident(step.id, "step")
            # a step named like the function it calls: its results are `<name>_out`
            var = local.take(f"{want}_out" if want in local.taken else want)
            step_vars[step.id] = var
            outs = step.process.outputs
            step_multi[step.id] = not (len(outs) == 1 and outs[0].name == "out")
            target = var
            if scattered and not step_multi[step.id] and step.when is not None:
                # a conditional `.map(...)`: a list of `T | None`, which pick_value(...) over
                # the one list reads item by item (its overloads cannot say that): Any
                self.typing.add("Any")
                target = f"{var}: Any"
            elif scattered and not step_multi[step.id]:
                # `.map(...)` is typed Any: say what the list holds, for mypy --strict
                out_type: t.CwlType = outs[0].type
                levels = len(scattered) if step.scatter_method == "nested_crossproduct" else 1
                for _ in range(levels):
                    out_type = t.Array(out_type)
                target = f"{var}: {self.annotation(out_type)}"
            elif step.when is not None and step_multi[step.id] and not scattered and outs:
                # typed `Outputs | None` (a skipped step), but each field is what may be
                # null: read the fields through Any, the checker keeps the real types
                self.typing.add("Any")
                target = f"{var}: Any"
            call = _call(fn, args, indent=4 + len(target) + 3)
            body.append(f"{target} = {call}" if outs else call)
        results = []
        for o in wf.outputs:
            srcs = o.sources
            computed = self.computed(srcs, ref, value_from=None, pick=o.pick_value,
                                     merge=bool(o.merged), link_merge=o.link_merge,
                                     default=NO_DEFAULT, tp=o.type)
            if computed is not None:
                results.append((o.name, computed))
            elif o.merged:
                results.append((o.name, "[" + ", ".join(ref(s) for s in srcs) + "]"))
            else:
                results.append((o.name, ref(srcs[0]) if srcs else "None"))
        if multi:
            body.append("return " + _call(ret, [f"{n}={v}" for n, v in results], indent=11))
        elif results:
            value = results[0][1]
            (out,) = wf.outputs
            if any(isinstance(src, StepOutputRef) and src.step in scattered_steps
                   and step_multi[src.step] for src in out.sources):
                # a field of a `.map(...)` result is typed Any: say what it is, for mypy
                self.typing.add("cast")
                value = f"cast({self.annotation(out.type)}, {value})"
            body.append(f"return {value}")
        deco = "@workflow"
        wf_opts = []
        if wf.extra_requirements:
            wf_opts.append("requirements=[" + ", ".join(
                self.plain(dict(r)) for r in wf.extra_requirements) + "]")
        if wf.extra_hints:
            wf_opts.append("hints=[" + ", ".join(
                self.plain(dict(h)) for h in wf.extra_hints) + "]")
        wf_opts += self.document_options(wf)
        if wf_opts:
            deco = _call("@workflow", wf_opts)
        lines = [deco, sig] + ["    " + line.replace("\n", "\n    ")
                                     for line in body]
        return "\n".join(ln if ln.strip() else "" for ln in "\n".join(lines).split("\n"))

    def assumed(self, text: str) -> str:
        """`assume_not_null(x)`: an optional value into a required parameter."""
        self.imports.add("assume_not_null")
        return f"assume_not_null({text})"

    def condition(self, step: Any, ref: Callable[[Any], str]) -> str:
        """The Python spelling of a step's `when` (parsed by the importer already)."""
        tree = _typed_when(step)
        if tree is None:  # arithmetic, calls, `$(true)`, not a bool: the CWL text itself
            self.imports.add("cwl_condition")
            return f"cwl_condition({lit(step.when)})"
        given = {si.name: si for si in step.inputs}

        def side(e: Any) -> str:
            if isinstance(e, wx.Ref):
                text = ref(given[e.name].sources[0])
                if given[e.name].scattered:
                    # tested per item (a conditional scatter): the list is typed list[T]
                    self.typing.update({"cast", "Any"})
                    return f"cast(Any, {text})"
                return text
            return self.value(e.value, None)

        def render(e: Any, top: bool) -> str:
            if isinstance(e, wx.Ref):
                return side(e)
            if isinstance(e, wx.Compare):
                text = f"{side(e.left)} {e.op} {side(e.right)}"
                return text if top else f"({text})"
            if isinstance(e, wx.IsNull):
                self.imports.add("is_null")
                return f"is_null({side(e.ref)})"
            if isinstance(e, wx.Not):
                self.imports.add("not_")
                return f"not_({render(e.inner, True)})"
            fn = "all_of" if e.op == "and" else "any_of"
            self.imports.add(fn)
            return f"{fn}({', '.join(render(i, True) for i in e.items)})"

        return render(tree, True)

    def computed(self, sources: tuple[Any, ...], ref: Callable[[Any], str], *,
                 value_from: str | None, pick: str | None, merge: bool, link_merge: str,
                 default: Any, tp: t.CwlType | None, each: bool = False,
                 load_contents: bool = False) -> str | None:
        """A value computed at the step (or for a workflow output) in the DSL's spelling:
        value_from(...), pick_value(...), merge_flattened(...), or_default(...); None for a
        plain source, list of sources or literal."""
        refs = [ref(s) for s in sources]
        if value_from is not None:
            self.imports.add("value_from")
            args = [lit(value_from)]
            if merge:  # several sources: `self` is the list of their values
                args.append(f"self=[{', '.join(refs)}]")
            elif refs:
                args.append(f"self={refs[0]}")
            args.append(f"type={self.annotation(tp) if tp is not None else 'Any'}")
            if tp is None:
                self.typing.add("Any")
            if each:  # a scattered input: CWL evaluates valueFrom per item
                args.append("each=True")
            if load_contents:
                args.append("load_contents=True")
            return f"value_from({', '.join(args)})"
        if pick is not None:
            self.imports.add("pick_value")
            if merge and link_merge == "merge_flattened":
                self.imports.add("merge_flattened")
                return (f"pick_value(merge_flattened({', '.join(refs)}), "
                        f"method={lit(pick)})")
            return f"pick_value({', '.join(refs)}, method={lit(pick)})"
        if merge and link_merge == "merge_flattened":
            self.imports.add("merge_flattened")
            return f"merge_flattened({', '.join(refs)})"
        if len(refs) == 1 and default is not NO_DEFAULT:
            self.imports.add("or_default")
            return f"or_default({refs[0]}, {self.value(default, tp)})"
        return None

    def module(self, root: Process) -> str:
        self.bases = record_bases(root)[0]
        self.write_process(root)
        from_cwlgen = sorted(self.imports, key=lambda n: (n[0].islower(), n))
        typing_names = sorted(self.typing - {"cast"}) + (["cast"] if "cast" in self.typing
                                                         else [])
        head = [
            f'"""Imported from {self.source_label} by `cwlgen import`."""',
            "# mypy: disable-error-code=\"empty-body\"",
            "# (a tool's body is only its docstring; commands and JavaScript are kept verbatim)",
            "# (record and Any defaults are CWL values, written as dict/list literals)",
            "# ruff: noqa: E501, B006, B008",
            "",
        ]
        std = []
        if any(c.startswith("class ") and "(enum.Enum)" in c for c in self.classes):
            std.append("import enum")
        if any(c.startswith("@dataclass") for c in self.classes):
            std.append("from dataclasses import dataclass")
        if typing_names:
            std.append(f"from typing import {', '.join(typing_names)}")
        if std:
            head += std + [""]
        head.append(_call("from cwlgen import", sorted(from_cwlgen), bare=True))
        parts = ["\n".join(head)] + self.classes + self.functions
        return "\n\n\n".join(parts).rstrip() + "\n"



def _trusted_not_null(actual: t.CwlType, expected: t.CwlType, scattered: bool) -> bool:
    """Whether a plain source fits its parameter only if it is not null (what
    `assume_not_null(...)` says)."""
    if scattered:
        expected = t.Array(expected)
    return isinstance(actual, t.Optional) and not t.assignable(actual, expected) and \
        t.assignable(t.strip_optional(actual), expected)


def _scatters_itself(source: t.CwlType, param: t.CwlType) -> bool:
    """Whether `.map` scatters a value of type `source` given to `param` without being told
    (a list one level deeper than the parameter; never into `Any`)."""
    return t.strip_optional(param) != t.ANY and isinstance(t.strip_optional(source), t.Array) \
        and t.depth(source) > t.depth(param)


def _typed_when(step: Any) -> wx.WhenExpr | None:
    """A step's `when` as `.when(...)` spells it, or None for `cwl_condition(...)`: what
    the DSL cannot parse, and a bare `inputs.x` that is not a bool (per item when scattered),
    which CWL accepts and fails on when the step runs (`cwlgen check` warns, CG610)."""
    tree = parse_when(step.when) if step.when is not None else None
    if isinstance(tree, wx.Ref):
        used = next((si for si in step.inputs if si.name == tree.name), None)
        if used is None or len(used.sources) != 1:
            return None
        tp = used.sources[0].type
        base = t.strip_optional(tp)
        if used.scattered and isinstance(base, t.Array):
            tp = base.items
        if tp != t.BOOLEAN:
            return None
    return tree


def _condition_input_name(si: Any) -> str | None:
    """The name `.when(...)` gives the extra step input it adds for a source: the workflow
    input's, or the step output's."""
    if len(si.sources) != 1 or si.default is not NO_DEFAULT:
        return None
    src = si.sources[0]
    return src.name if isinstance(src, WorkflowInputRef) else src.output


# a record field's inputBinding keys -> the Arg options that write them
_FIELD_ARGS = {"position": "position", "prefix": "prefix", "separate": "separate",
               "itemSeparator": "item_separator", "shellQuote": "shell_quote",
               "valueFrom": "value_from"}
_FIELD_OUTS = {"glob": "glob", "loadContents": "load_contents", "loadListing": "load_listing",
               "outputEval": "output_eval"}

# `inputs.NAME` in a step expression (valueFrom, when)
_INPUT_REF = re.compile(r"inputs\.([A-Za-z_][A-Za-z0-9_]*)")


def _binding_args(b: Any) -> str:
    """The Arg(...) options that write a binding (the items of a list: `Arg(items=...)`)."""
    meta = [] if b.position is None else [f"position={lit(b.position)}"]
    meta += [f"prefix={lit(b.prefix)}"] if b.prefix is not None else []
    meta += [] if b.separate else ["separate=False"]
    meta += [f"item_separator={lit(b.item_separator)}"] if b.item_separator is not None else []
    meta += [] if b.shell_quote else ["shell_quote=False"]
    meta += [f"value_from={lit(b.value_from)}"] if b.value_from is not None else []
    return ", ".join(meta)


def lit(value: Any) -> str:
    """A Python literal for JSON-like data, strings in double quotes (ruff's style)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(lit(v) for v in value) + "]"
    if isinstance(value, tuple):
        return lit(list(value))
    if isinstance(value, dict):
        return "{" + ", ".join(f"{lit(k)}: {lit(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _docstring(text: str, indent: int) -> str:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if text.endswith('"'):
        text += " "
    lines = text.splitlines() or [""]
    pad = " " * indent
    if len(lines) == 1:
        return f'"""{lines[0]}"""'
    rest = "\n".join((pad + ln) if ln.strip() else "" for ln in lines[1:])
    return f'"""{lines[0]}\n{rest}\n{pad}"""'


def _call(fn: str, args: list[str], indent: int = 0, bare: bool = False) -> str:
    """`fn(a, b)` on one line when it fits, else one argument per line."""
    if bare:
        one = f"{fn} {', '.join(args)}"
        if len(one) <= _LINE:
            return one
        return f"{fn} (\n" + "".join(f"    {a},\n" for a in args) + ")"
    one = f"{fn}({', '.join(args)})"
    if len(one) + indent <= _LINE and "\n" not in one:
        return one
    pad = " " * 4
    inner = "".join(f"{pad}{a},\n" for a in args)
    return f"{fn}(\n{inner})"


def _signature(name: str, params: list[str], ret: str) -> str:
    if not params:
        return f"def {name}() -> {ret}:"
    one = f"def {name}(*, {', '.join(params)}) -> {ret}:"
    if len(one) <= _LINE:
        return one
    inner = "".join(f"    {p},\n" for p in params)
    return f"def {name}(\n    *,\n{inner}) -> {ret}:"


def write_python(root: Process, *, out_dir: str, source_label: str) -> tuple[str, str]:
    """(module source, name of the root function) for `root` and everything it runs."""
    writer = PythonWriter(out_dir, source_label)
    text = writer.module(root)
    return text, writer.func_names[root.key]


__all__ = ["PythonWriter", "write_python"]
