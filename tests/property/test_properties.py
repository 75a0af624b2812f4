"""Hypothesis properties.

(a) Random modules of typed tools and workflows (tests/strategies.py writes their Python
    source) either compile to CWL that cwltool validates, or are rejected with a CompileError
    whose diagnostics all point into the module: never another exception, never invalid CWL.
(b) A differential test of cwlgen's assignability (`cwlgen.ir.types.assignable`) against
    cwltool's own static checker (`cwltool.checker.check_types`) on the CWL type syntax
    cwlgen emits. Where cwlgen is deliberately stricter, the case must match one of the
    DEVIATIONS listed below.

Profiles: "ci" (default, 60 examples each) and "long" (HYPOTHESIS_PROFILE=long, 2000).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import logging
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, note
from strategies import modules, type_pairs

import cwlgen
from cwlgen.backend.cwltypes import cwl_type
from cwlgen.backend.validate import validate_file
from cwlgen.dsl.definition import Definition
from cwlgen.ir import types as t
from cwlgen.ir.frozen import evolve

_counter = itertools.count()


def import_source(source: str, folder: Path) -> Any:
    name = f"cwlgen_generated_{next(_counter)}"
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # typing.get_type_hints resolves names through sys.modules
    spec.loader.exec_module(module)
    return module


@given(module_and_names=modules())
def test_random_modules_compile_to_valid_cwl_or_raise_compile_error(
    module_and_names: tuple[str, list[str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    source, names = module_and_names
    note(source)
    folder = tmp_path_factory.mktemp("generated")
    module = import_source(source, folder)
    path = Path(module.__file__).resolve()
    n_lines = len(source.splitlines())
    try:
        for name in names:
            definition = getattr(module, name)
            assert isinstance(definition, Definition)
            try:
                compiled = cwlgen.compile(definition)
            except cwlgen.CompileError as exc:
                assert exc.diagnostics and any(d.severity == "error" for d in exc.diagnostics)
                for d in exc.diagnostics:
                    assert d.loc is not None, d.render()
                    assert Path(d.loc.path).resolve() == path, d.render()
                    assert 1 <= d.loc.line <= n_lines, d.render()
                event("rejected")
                for code in sorted({d.code for d in exc.diagnostics}):
                    event(f"diagnostic {code}")
                continue
            event(f"compiled a {definition.kind}")
            out = folder / f"cwl_{name}"
            compiled.write(out)
            for rel in compiled.texts():
                if rel not in compiled.shipped:  # the Python files beside the documents
                    validate_file(out / rel)
            again = cwlgen.compile(definition).texts()
            assert again == compiled.texts()
    finally:
        sys.modules.pop(module.__name__, None)


# --- (b) assignability against cwltool's static checker ------------------------------------

def deep_strip_optional(tp: t.CwlType) -> t.CwlType:
    """`tp` with every optional removed, at any depth."""
    if isinstance(tp, t.Optional):
        return deep_strip_optional(tp.inner)
    if isinstance(tp, t.Array):
        return t.Array(deep_strip_optional(tp.items))
    if isinstance(tp, t.Record):
        return t.Record(tp.name, tuple(evolve(f, type=deep_strip_optional(f.type))
                                       for f in tp.fields))
    return tp


def same_enums(tp: t.CwlType) -> t.CwlType:
    """`tp` with every enum given the same symbols."""
    if isinstance(tp, t.Enum):
        return t.Enum("E", ("a",))
    if isinstance(tp, t.Optional):
        return t.Optional(same_enums(tp.inner))
    if isinstance(tp, t.Array):
        return t.Array(same_enums(tp.items))
    if isinstance(tp, t.Record):
        return t.Record(tp.name, tuple(evolve(f, type=same_enums(f.type))
                                       for f in tp.fields))
    return tp


# Documented deviations: cwlgen rejects, cwltool's checker passes or only warns.
DEVIATIONS = {
    # cwltool warns ("pass" for an Any sink, which it never looks into); cwlgen reports
    # CG202: a value that may be null must not reach a parameter that cannot take null.
    "optional-into-required": lambda src, sink: t.assignable(deep_strip_optional(src), sink),
    # cwltool compares only that both sides are enums; cwlgen requires the source's symbols
    # to be a subset of the sink's, since any other symbol fails at run time.
    "enum-symbols": lambda src, sink: t.assignable(same_enums(src), same_enums(sink)),
    "both": lambda src, sink: t.assignable(deep_strip_optional(same_enums(src)),
                                           same_enums(sink)),
    # cwltool treats a record field the source lacks as null and lets it into an Any field;
    # null is not a valid Any at run time, so cwlgen requires the field (or `Any | None`).
    "missing-field-into-any": lambda src, sink: _missing_field_into_any(src, sink),
}


def _missing_field_into_any(src: t.CwlType, sink: t.CwlType) -> bool:
    src, sink = t.strip_optional(src), t.strip_optional(sink)
    while isinstance(src, t.Array) and isinstance(sink, t.Array):
        src, sink = t.strip_optional(src.items), t.strip_optional(sink.items)
    if not (isinstance(src, t.Record) and isinstance(sink, t.Record)):
        return False
    have = {f.name for f in src.fields}
    return any(f.name not in have and f.type == t.ANY for f in sink.fields)


@cache
def cwltool_type(syntax_json: str) -> Any:
    """cwltool's normalised form of a type written in CWL syntax (as a tool input type)."""
    from cwltool.context import LoadingContext
    from cwltool.load_tool import load_tool
    from cwltool.workflow import default_make_tool

    logging.getLogger("cwltool").setLevel(logging.ERROR)
    ctx = LoadingContext({"strict": True, "do_validate": True})
    ctx.construct_tool_object = default_make_tool
    doc = {"cwlVersion": "v1.2", "class": "CommandLineTool", "baseCommand": "true",
           "id": f"file:///types/{next(_counter)}.cwl",
           "inputs": {"value": {"type": json.loads(syntax_json)}}, "outputs": {}}
    return load_tool(doc, ctx).tool["inputs"][0]["type"]


def cwltool_verdict(src: t.CwlType, sink: t.CwlType) -> str:
    from cwltool.checker import check_types

    src_type = cwltool_type(json.dumps(cwl_type(src), sort_keys=True))
    sink_type = cwltool_type(json.dumps(cwl_type(sink), sort_keys=True))
    verdict: str = check_types(src_type, sink_type, None, None, None)
    return verdict


@given(type_pairs())
def test_assignability_agrees_with_cwltool_checker(pair: tuple[t.CwlType, t.CwlType]) -> None:
    src, sink = pair
    ours = t.assignable(src, sink)
    theirs = cwltool_verdict(src, sink)
    note(f"{src} -> {sink}: cwlgen {ours}, cwltool {theirs}")
    event(f"cwlgen {'accepts' if ours else 'rejects'}, cwltool says {theirs}")
    if ours:
        assert theirs == "pass"
    if theirs == "exception":
        assert not ours
    if not ours and theirs in ("pass", "warning"):
        explained = [name for name, rule in DEVIATIONS.items() if rule(src, sink)]
        assert explained, f"undocumented deviation: {src} -> {sink} ({theirs})"


@pytest.mark.parametrize(("src", "sink", "verdict", "deviation"), [
    (t.Optional(t.INT), t.INT, "warning", "optional-into-required"),
    (t.Array(t.Optional(t.FILE)), t.Array(t.FILE), "warning", "optional-into-required"),
    (t.Optional(t.FILE), t.ANY, "pass", "optional-into-required"),
    (t.Array(t.Optional(t.INT)), t.Array(t.ANY), "pass", "optional-into-required"),
    (t.Enum("E", ("a", "b")), t.Enum("E", ("a",)), "pass", "enum-symbols"),
    (t.Record("R", (t.Field("x", t.Optional(t.INT)),)), t.Record("R", (t.Field("x", t.INT),)),
     "warning", "optional-into-required"),
])
def test_each_documented_deviation_happens(src: t.CwlType, sink: t.CwlType, verdict: str,
                                           deviation: str) -> None:
    assert not t.assignable(src, sink)
    assert cwltool_verdict(src, sink) == verdict
    assert DEVIATIONS[deviation](src, sink)


@pytest.mark.parametrize(("src", "sink"), [
    (t.INT, t.FLOAT), (t.FILE, t.DIRECTORY), (t.Array(t.FILE), t.FILE), (t.FILE, t.Array(t.FILE)),
    (t.STRING, t.Enum("E", ("a",))), (t.Record("R", (t.Field("x", t.INT),)), t.ANY),
])
def test_clear_mismatches_and_matches(src: t.CwlType, sink: t.CwlType) -> None:
    assert t.assignable(src, sink) == (cwltool_verdict(src, sink) == "pass")
