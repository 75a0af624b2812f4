"""The typed signature of a tool or workflow, in Python spelling, from its IR.

Shown by `cwlgen graph -o x.html` and in notebooks: `rank(texts: list[File]) -> Report(counts:
list[File], ranking: File)`. CWL types are written as the Python annotations that produce them.
"""

from __future__ import annotations

from cwlgen.ir import NO_DEFAULT, InputPort, Process
from cwlgen.ir import types as t

_PRIMS = {"string": "str", "int": "int", "long": "int", "float": "float", "double": "float",
          "boolean": "bool", "File": "File", "Directory": "Directory", "Any": "Any"}


def python_type(tp: t.CwlType) -> str:
    """How a CWL type is written as a Python annotation in cwlgen."""
    if isinstance(tp, t.Prim):
        return _PRIMS.get(tp.name, tp.name)
    if isinstance(tp, t.Optional):
        return f"{python_type(tp.inner)} | None"
    if isinstance(tp, t.Array):
        return f"list[{python_type(tp.items)}]"
    if isinstance(tp, t.OneOf):
        return " | ".join(python_type(m) for m in tp.members)
    return tp.name  # Enum and Record: the Python class name


def _parameter(port: InputPort) -> str:
    text = f"{port.name}: {python_type(port.type)}"
    if port.default is not NO_DEFAULT:
        text += f" = {port.default!r}"
    return text


def returns(process: Process) -> str:
    """The return annotation: one type, `None`, or the named outputs."""
    outs = [(o.name, python_type(o.type)) for o in process.outputs]
    if not outs:
        return "None"
    if len(outs) == 1 and outs[0][0] == "out":
        return outs[0][1]
    return "(" + ", ".join(f"{name}: {tp}" for name, tp in outs) + ")"


def signature(process: Process) -> str:
    """`name(param: type = default, ...) -> outputs` on one line."""
    params = ", ".join(_parameter(p) for p in process.inputs)
    return f"{process.name}({params}) -> {returns(process)}"
