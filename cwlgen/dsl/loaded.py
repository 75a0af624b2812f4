"""`cwlgen.load`: a hand-written CWL tool or workflow as a definition callable in `@workflow`.

The document is read once (`cwl_load`); its ports, types, records and enums are the IR the
checker sees, so a miswired call is reported at the caller's line with a note pointing at the
parameter's `file.cwl:LINE`. It is emitted inline (regenerated from the IR, like any tool) or,
with `ref=`, by reference: steps say `run: REF` and the original document is used as is.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from cwlgen.dsl.cwl_load import Gap, Loaded, load_cwl
from cwlgen.dsl.cwl_read import CwlReadError
from cwlgen.dsl.definition import Definition
from cwlgen.dsl.docstrings import ParsedDoc
from cwlgen.dsl.interface import FunctionSite, Interface
from cwlgen.errors import UsageError
from cwlgen.ir import OutputPort, Process
from cwlgen.ir.diagnostics import diag
from cwlgen.ir.frozen import evolve
from cwlgen.ir.location import SourceLocation


class LoadedDef(Definition[..., Any]):
    """A hand-written CWL process: call it with keyword arguments inside a workflow."""

    kind = "cwl"

    def __init__(self, loaded: Loaded, ref: str | None) -> None:
        # no Python function behind it: fill in what Definition would read from one
        process = loaded.process
        self.loaded = loaded
        self.func = _hand_written  # no Python function: never listed as a module's own
        self.name = process.name
        self.key = process.key
        self.__doc__ = "\n\n".join(x for x in (process.label, process.doc) if x) or None
        names = tuple(o.name for o in process.outputs)
        multi = not (len(names) == 1 and names[0] == "out") and names
        where = process.loc or SourceLocation(path=loaded.uri, line=1)
        self._interface = Interface(
            inputs=process.inputs,
            outputs=tuple(o for o in process.outputs if isinstance(o, OutputPort)),
            output_names=names,
            return_class=namedtuple(f"{self.name}_outputs", names) if multi else None,
            doc=ParsedDoc(process.label, process.doc, {}, {}),
            site=FunctionSite(where.path, where.line, {}, where.line),
            diagnostics=(),
        )
        def at(g: Gap) -> SourceLocation:
            return SourceLocation(path=g.position.path, line=g.position.line,
                                  col=g.position.col) \
                if g.position else where

        invalid = tuple(diag("CG701", at(e), reason=e.construct) for e in loaded.errors)
        process = evolve(process, diagnostics=process.diagnostics + invalid)
        if ref is not None:
            process = evolve(process, run_ref=ref)
        else:
            gaps = tuple(diag("CG702", at(g), construct=g.construct) for g in loaded.gaps)
            process = evolve(process, diagnostics=process.diagnostics + gaps)
        self._ir: Process | None = process

    def __repr__(self) -> str:
        return f"<cwlgen hand-written CWL {self.key}>"

    def _build_ir(self) -> Process:  # pragma: no cover - built in __init__
        assert self._ir is not None
        return self._ir


def _hand_written() -> None:
    """Stands in for the Python function a decorated definition has."""


def load(path_or_url: str, *, ref: str | None = None) -> LoadedDef:
    """Load a hand-written CWL tool or workflow (`path_or_url[#id]`, v1.0-v1.2).

    The result is called like any `@tool`/`@workflow` inside a workflow. By default its CWL is
    regenerated into the output (inlined); constructs the DSL cannot express yet are then
    compile errors (CG702). With `ref="../tools/bwa.cwl"` (a path relative to the folder the
    CWL is written to, or a URL) steps refer to the original document instead.
    """
    try:
        loaded = load_cwl(path_or_url)
    except CwlReadError as exc:
        raise UsageError(f"cwlgen.load({path_or_url!r}): {exc.render()}") from None
    return LoadedDef(loaded, ref)


__all__ = ["LoadedDef", "load"]
