"""Hypothesis strategies for the source text of random Python modules: enums, records and
typed @tool and @workflow definitions wired together (mostly well, sometimes not), for the
"compiles to valid CWL or raises CompileError" property. `strategies.modules` re-exports it.
"""

from __future__ import annotations

import keyword
import zlib
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import strategies as st

from cwlgen.ir import types as t

SYMBOLS = ("a", "b", "c", "d")


def optional(inner: t.CwlType) -> t.CwlType:
    """`inner | None` (unchanged when already optional)."""
    return inner if isinstance(inner, t.Optional) else t.Optional(inner)

# --- Python source of random modules -------------------------------------------------------

@attrs.frozen
class PyType:
    """A Python annotation as text, with the IR type cwlgen should give it (None when it has
    no CWL equivalent)."""

    text: str
    ir: t.CwlType | None
    decls: tuple[str, ...] = ()


def _prims() -> list[PyType]:
    return [
        PyType("File", t.FILE), PyType("Directory", t.DIRECTORY), PyType("str", t.STRING),
        PyType("int", t.INT), PyType("float", t.FLOAT), PyType("bool", t.BOOLEAN),
        PyType("Any", t.ANY),
    ]


UNSUPPORTED = [PyType("dict[str, int]", None), PyType("int | str", None),
               PyType("tuple[int, str]", None), PyType("bytes", None)]


@st.composite
def py_types(draw: Callable[[st.SearchStrategy[Any]], Any], depth: int = 2,
             unsupported: bool = True) -> PyType:
    """A random annotation; enums and records carry their class declarations in `decls`."""
    kinds = ["prim"] * 6 + ["enum", "literal"] + (["list", "optional", "record"] if depth
                                                   else [])
    if unsupported:
        kinds.append("unsupported")
    kind = draw(st.sampled_from(kinds))
    if kind == "prim":
        return draw(st.sampled_from(_prims()))
    if kind == "unsupported":
        return draw(st.sampled_from(UNSUPPORTED))
    if kind in ("enum", "literal"):
        syms = draw(st.lists(st.sampled_from(SYMBOLS), min_size=1, max_size=3, unique=True))
        if kind == "literal":
            return PyType("Literal[" + ", ".join(repr(s) for s in syms) + "]",
                          t.Enum("literal", tuple(syms)))
        name = "E" + "".join(syms)
        members = "\n".join(f"    {s.upper()} = {s!r}" for s in syms)
        return PyType(name, t.Enum(name, tuple(syms)),
                      (f"class {name}(enum.Enum):\n{members}\n",))
    inner = draw(py_types(depth - 1, unsupported))
    if kind == "list":
        return PyType(f"list[{inner.text}]", t.Array(inner.ir) if inner.ir else None,
                      inner.decls)
    if kind == "optional":
        ir = optional(inner.ir) if inner.ir else None
        return PyType(f"{inner.text} | None", ir, inner.decls)
    # a record: an attrs class or a dataclass with one to three fields
    n = draw(st.integers(1, 3))
    field_types = [inner] + [draw(py_types(depth - 1, unsupported)) for _ in range(n - 1)]
    style = draw(st.sampled_from(["dataclass", "attrs"]))
    body = "\n".join(f"    f{i}: {ft.text}" for i, ft in enumerate(field_types))
    name = f"R{zlib.crc32((style + body).encode()):08x}"  # stable across hash seeds
    decorator = "@dataclasses.dataclass" if style == "dataclass" else "@attrs.define"
    decl = f"{decorator}\nclass {name}:\n{body}\n"
    decls = tuple(d for ft in field_types for d in ft.decls) + (decl,)
    ir: t.CwlType | None = None
    if all(ft.ir is not None for ft in field_types):
        ir = t.Record(name, tuple(t.Field(f"f{i}", ft.ir) for i, ft in enumerate(field_types)
                                  if ft.ir is not None))
    return PyType(name, ir, decls)


def literal_for(tp: t.CwlType | None, draw: Callable[[st.SearchStrategy[Any]], Any],
                decl_name: str | None = None) -> str | None:
    """Python source of a valid value of `tp`, or None when there is no simple one."""
    if tp is None:
        return None
    if isinstance(tp, t.Optional):
        if draw(st.booleans()):
            return "None"
        return literal_for(tp.inner, draw)
    if isinstance(tp, t.Prim):
        return {
            "File": 'File("data.txt")', "Directory": 'Directory("folder")', "string": '"text"',
            "int": "3", "float": "1.5", "boolean": "True", "Any": "7",
        }[tp.name]
    if isinstance(tp, t.Array):
        item = literal_for(tp.items, draw)
        if item is None:
            return None
        return f"[{item}]" if draw(st.booleans()) else "[]"
    if isinstance(tp, t.Enum):
        return repr(draw(st.sampled_from(tp.symbols)))
    if isinstance(tp, t.Record):
        values = [(f.name, literal_for(f.type, draw)) for f in tp.fields]
        if any(v is None for _, v in values):
            return None
        return f"{tp.name}(" + ", ".join(f"{n}={v}" for n, v in values) + ")"
    return None


BAD_LITERALS = ['"not a number"', "3", "[1, 'two']", "None", "object()"]


def rare(draw: Callable[[st.SearchStrategy[Any]], Any]) -> bool:
    """True now and then: how often a generated module gets a deliberate mistake."""
    # Hypothesis favours boundary values (0 and 29), so compare with one in the middle
    return bool(draw(st.integers(0, 29)) == 13)


def _arg(ptype: PyType, index: int, draw: Callable[[st.SearchStrategy[Any]], Any]) -> str:
    """An Arg(...) for a parameter, or "" for none."""
    if not draw(st.booleans()):
        return ""
    parts = []
    if draw(st.booleans()):
        parts.append(f"position={draw(st.integers(0, 12))}")
    if draw(st.booleans()):
        parts.append(f"prefix={draw(st.sampled_from(['-a', '--long', '-x=']))!r}")
        if draw(st.booleans()):
            parts.append("separate=False")
    base = t.strip_optional(ptype.ir) if ptype.ir else None
    if isinstance(base, t.Array) and draw(st.booleans()):
        parts.append("item_separator=','")
    if draw(st.integers(0, 5)) == 0:
        parts.append("shell_quote=False")
    if draw(st.integers(0, 5)) == 0:
        parts.append("value_from='$(self)'")
    if draw(st.integers(0, 6)) == 0:
        parts.append("bind=False")
    stageable = base in (t.FILE, t.DIRECTORY)
    if (stageable and draw(st.integers(0, 3)) == 0) or rare(draw):  # else CG114
        parts.append(draw(st.sampled_from(["stage=True", "writable=True", "inplace=True"])))
    if base == t.FILE and draw(st.integers(0, 5)) == 0:
        parts.append("secondary_files=['.idx'], format='edam:format_1929'")
    return f"Arg({', '.join(parts)})"


OUTPUT_KINDS = [
    ("File", 'Out(glob="*.out")', t.FILE),
    ("File", "stdout()", t.FILE),
    ("File", "stderr()", t.FILE),
    ("list[File]", 'Out(glob="*.txt")', t.Array(t.FILE)),
    ("Directory", 'Out(glob="outdir")', t.DIRECTORY),
    ("File | None", 'Out(glob="maybe.txt")', t.Optional(t.FILE)),
    ("int", 'Out(glob="n", load_contents=True, output_eval="$(parseInt(self[0].contents))")',
     t.INT),
    ("str", 'Out(glob="s", load_contents=True, output_eval="$(self[0].contents)")', t.STRING),
    ("File", "", t.FILE),  # no glob: CG104, drawn rarely
]


@attrs.frozen
class ToolSpec:
    name: str
    source: str
    params: tuple[tuple[str, t.CwlType | None, bool], ...]  # (name, type, required)
    outputs: tuple[tuple[str, t.CwlType], ...]
    named: bool  # NamedTuple outputs


@st.composite
def tool_specs(draw: Callable[[st.SearchStrategy[Any]], Any], name: str) -> tuple[ToolSpec,
                                                                                 list[str]]:
    """A @tool definition: (spec, declarations it needs)."""
    decls: list[str] = []
    lines = []
    params = []
    n_params = draw(st.integers(0, 4))
    pnames = [f"p{i}" for i in range(n_params)]
    if n_params and rare(draw):
        pnames[0] = draw(st.sampled_from(["_hidden", "out", "o0"]))  # CG107 / CG108
    keyword_only = draw(st.booleans())  # then defaults may come in any order
    seen_default = False
    for i, pname in enumerate(pnames):
        ptype = draw(py_types(unsupported=rare(draw)))  # else CG102
        decls += ptype.decls
        arg = _arg(ptype, i, draw)
        if ptype.ir is not None and t.strip_optional(ptype.ir) == t.BOOLEAN and not arg and \
                not rare(draw):  # else CG105
            arg = "Arg(prefix='--flag')"
        ann = f"Annotated[{ptype.text}, {arg}]" if arg else ptype.text
        default = None
        if (seen_default and not keyword_only) or draw(st.integers(0, 3)) == 0:
            default = literal_for(ptype.ir, draw)
            if default is None or rare(draw):  # CG106
                default = draw(st.sampled_from(BAD_LITERALS))
            seen_default = True
        if rare(draw):
            ann = ""  # missing annotation: CG101
        text = pname + (f": {ann}" if ann else "") + (f" = {default}" if default else "")
        lines.append(f"    {text},")
        required = default is None and not isinstance(ptype.ir, t.Optional)
        params.append((pname, ptype.ir, required))
    kinds = draw(st.lists(st.sampled_from(OUTPUT_KINDS[:-1] + (OUTPUT_KINDS[-1:] if rare(draw)
                                                                else [])),
                          min_size=0, max_size=3))
    named = len(kinds) != 1 or draw(st.booleans())
    outputs = []
    if not kinds:
        ret = "None"
    elif not named:
        ann, out, ir = kinds[0]
        ret = f"Annotated[{ann}, {out}]" if out else ann
        outputs.append(("out", ir))
    else:
        cls = f"{name.capitalize()}Out"
        body = []
        for i, (ann, out, ir) in enumerate(kinds):
            body.append(f"    o{i}: Annotated[{ann}, {out}]" if out else f"    o{i}: {ann}")
            outputs.append((f"o{i}", ir))
        decls.append(f"class {cls}(NamedTuple):\n" + "\n".join(body) + "\n")
        ret = cls
    options = [repr(draw(st.sampled_from(["echo", "cat", "wc -l", "sort -n", "ls"])))]
    if draw(st.integers(0, 3)) == 0:
        options.append("arguments=['-v', '$(runtime.cores)']")
    if draw(st.integers(0, 3)) == 0:
        options.append("container='debian:12'")
    if draw(st.integers(0, 4)) == 0:
        options.append("packages=['coreutils==9.1']")
    if rare(draw):  # CG109
        options.append("resources=" + draw(st.sampled_from([
            "Resources(ram='lots')", "Resources(cores=0)", "Resources(time_limit='soon')"])))
    elif draw(st.integers(0, 3)) == 0:
        options.append("resources=" + draw(st.sampled_from([
            "Resources(cores=2, ram='1 GiB')", "Resources(time_limit='1h', tmpdir='10 MB')",
            "Resources(gpus=1)", "Resources(cores=0.5, outdir=100)"])))
    if draw(st.integers(0, 4)) == 0:
        options.append("env={'LC_ALL': 'C'}")
    if draw(st.integers(0, 4)) == 0:
        options.append("files={'conf.txt': 'x=$(runtime.cores)\\n'}")
    if keyword_only and lines:
        lines.insert(0, "    *,")
    source = (f"@tool({', '.join(options)})\ndef {name}(\n" + "\n".join(lines)
              + f"\n) -> {ret}:\n    \"\"\"Tool {name}.\"\"\"\n")
    spec = ToolSpec(name, source, tuple(params), tuple(outputs), named)
    return spec, decls


TASK_KINDS = ["plain", "async", "generator"]


@st.composite
def task_specs(draw: Callable[[st.SearchStrategy[Any]], Any], name: str) -> tuple[ToolSpec,
                                                                                 list[str]]:
    """A @task definition whose body returns a literal of its return type (rarely: an
    `async def`, a generator, or a tool-style body, each a CG112 at compile time)."""
    decls: list[str] = []
    params = []
    lines = []
    for i in range(draw(st.integers(0, 3))):
        ptype = draw(py_types(unsupported=rare(draw)))
        decls += ptype.decls
        default = literal_for(ptype.ir, draw) if draw(st.integers(0, 3)) == 0 else None
        if default is not None and ("File(" in default or "Directory(" in default):
            default = None  # a task's File default would have to exist when the job runs
        lines.append(f"p{i}: {ptype.text}" + (f" = {default}" if default else ""))
        params.append((f"p{i}", ptype.ir,
                       default is None and not isinstance(ptype.ir, t.Optional)))
    if lines:
        lines.insert(0, "*")  # keyword-only: defaults in any order
    out = draw(py_types(unsupported=False, depth=1))
    decls += out.decls
    value = literal_for(out.ir, draw) or "None"
    kind = draw(st.sampled_from(TASK_KINDS)) if rare(draw) else "plain"
    head = "async def" if kind == "async" else "def"
    body = f"    yield {value}" if kind == "generator" else f"    return {value}"
    decorator = "@task" if draw(st.booleans()) else draw(st.sampled_from([
        "@task(resources=Resources(cores=1))", "@task(env={'LC_ALL': 'C'})",
        "@task(deterministic=False)"]))
    source = (f"{decorator}\n{head} {name}({', '.join(lines)}) -> {out.text}:\n"
              f"    \"\"\"Task {name}.\"\"\"\n{body}\n")
    assert out.ir is not None
    return ToolSpec(name, source, tuple(params), (("out", out.ir),), False), decls


@st.composite
def workflow_source(draw: Callable[[st.SearchStrategy[Any]], Any], name: str,
                    tools: list[ToolSpec], callable_workflows: list[ToolSpec]
                    ) -> tuple[ToolSpec, list[str]]:
    """A @workflow wiring calls of `tools` (and earlier workflows) together."""
    decls: list[str] = []
    inputs = []
    params = []
    available: list[tuple[str, t.CwlType]] = []
    for i in range(draw(st.integers(0, 3))):
        ptype = draw(py_types(unsupported=False))
        decls += ptype.decls
        assert ptype.ir is not None
        inputs.append(f"i{i}: {ptype.text}")
        params.append((f"i{i}", ptype.ir, not isinstance(ptype.ir, t.Optional)))
        available.append((f"i{i}", ptype.ir))
    body = []
    callees = tools + callable_workflows
    for s in range(draw(st.integers(1, 4))):
        callee = draw(st.sampled_from(callees))
        # scatter over one parameter that some list fits item by item (rarely: over nothing)
        scatterable = [(p, v) for p, pt, _ in callee.params for v, vt in available
                       if pt is not None and t.strip_optional(pt) != t.ANY
                       and isinstance(vt, t.Array) and t.assignable(vt.items, pt)]
        scatter_over = None
        if scatterable and draw(st.integers(0, 2)) == 0:
            scatter_over = draw(st.sampled_from(scatterable))
        scatter = scatter_over is not None or rare(draw)  # CG209
        kwargs = []
        for pname, ptype, required in callee.params:
            if scatter_over is not None and pname == scatter_over[0]:
                kwargs.append(f"{pname}={scatter_over[1]}")
                continue
            if not required and draw(st.booleans()):
                continue
            fitting = [v for v, vt in available if ptype is not None and t.assignable(vt, ptype)]
            if fitting and not rare(draw):
                kwargs.append(f"{pname}={draw(st.sampled_from(fitting))}")
            elif available and rare(draw):  # probably CG201/CG202
                kwargs.append(f"{pname}={draw(st.sampled_from(available))[0]}")
            else:
                lit = literal_for(ptype, draw)
                if lit is None or rare(draw):  # CG206
                    lit = draw(st.sampled_from(BAD_LITERALS))
                kwargs.append(f"{pname}={lit}")
        if rare(draw):
            kwargs.append("unknown_arg=1")  # CG203
        call = f"{callee.name}.map" if scatter else callee.name
        if scatter and draw(st.integers(0, 4)) == 0:
            kwargs.append(f"batch={draw(st.sampled_from([1, 2, 3, 0]))}")  # 0: CG212
        if scatter and draw(st.booleans()):
            method = draw(st.sampled_from(["dotproduct", "nested_crossproduct",
                                           "flat_crossproduct"]))
            kwargs.append(f"method={method!r}")
        var = f"s{s}"
        body.append(f"    {var} = {call}({', '.join(kwargs)})")
        levels = 1 if scatter_over is not None else 0  # one scattered parameter: one level
        for oname, otype in callee.outputs:
            for _ in range(levels):
                otype = t.Array(otype)
            expr = f"{var}.{oname}" if callee.named else var
            available.append((expr, otype))
    ret_choice = draw(st.integers(0, 3))
    candidates = [(v, vt) for v, vt in available if "." in v or v.startswith("s")]
    if ret_choice == 0 or not candidates:
        ret_ann = "None"
        body.append("    return None")
        outputs: tuple[tuple[str, t.CwlType], ...] = ()
    else:
        value, vtype = draw(st.sampled_from(candidates))
        if rare(draw):  # probably CG207
            other = draw(py_types(unsupported=False))
            decls += other.decls
            ret_ann, rtype = other.text, other.ir
        else:
            ret_ann, rtype = _annotation_of(vtype), vtype
        assert rtype is not None
        body.append(f"    return {value}")
        outputs = (("out", rtype),)
    source = (f"@workflow\ndef {name}({', '.join(inputs)}) -> {ret_ann}:\n"
              f"    \"\"\"Workflow {name}.\"\"\"\n" + "\n".join(body) + "\n")
    return ToolSpec(name, source, tuple(params), outputs, False), decls


def _annotation_of(tp: t.CwlType) -> str:
    """A Python annotation for an IR type made only of primitives, arrays and optionals."""
    if isinstance(tp, t.Optional):
        return f"{_annotation_of(tp.inner)} | None"
    if isinstance(tp, t.Array):
        return f"list[{_annotation_of(tp.items)}]"
    if isinstance(tp, t.Prim):
        return {"string": "str", "boolean": "bool", "float": "float", "int": "int"}.get(
            tp.name, tp.name)
    if isinstance(tp, t.Enum) and tp.name != "literal":
        return tp.name
    if isinstance(tp, t.Enum):
        return "Literal[" + ", ".join(repr(s) for s in tp.symbols) + "]"
    return tp.name


HEADER = '''"""A module generated by tests/strategies.py."""
# mypy: ignore-errors
from __future__ import annotations

import dataclasses
import enum
from typing import Annotated, Any, Literal, NamedTuple

import attrs

from cwlgen import (
    Arg, Directory, File, Out, Resources, stderr, stdout, task, tool, workflow,
)
'''


@st.composite
def modules(draw: Callable[[st.SearchStrategy[Any]], Any]) -> tuple[str, list[str]]:
    """(source text, names of its workflows then tools) of a random cwlgen module."""
    tools = []
    decls: list[str] = []
    for i in range(draw(st.integers(1, 4))):
        spec, more = draw(tool_specs(f"t{i}"))
        tools.append(spec)
        decls += more
    for i in range(draw(st.integers(0, 2))):
        spec, more = draw(task_specs(f"k{i}"))
        tools.append(spec)
        decls += more
    workflows: list[ToolSpec] = []
    for i in range(draw(st.integers(0, 3))):
        spec, more = draw(workflow_source(f"w{i}", tools, workflows))
        workflows.append(spec)
        decls += more
    unique_decls = list(dict.fromkeys(decls))
    parts = [HEADER, *unique_decls, *(s.source for s in tools), *(w.source for w in workflows)]
    source = "\n\n".join(parts)
    assert not any(keyword.iskeyword(s.name) for s in tools)
    return source, [w.name for w in workflows] + [s.name for s in tools]
