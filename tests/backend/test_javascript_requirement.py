"""Bad input, issue 9: a JavaScript expression always comes with InlineJavascriptRequirement.
Every emitted document we have is scanned (generated/, the golden files, and every
definition of the example and conditional fixtures compiled afresh): any `$(...)` that is
not a plain parameter reference, and any `${...}`, in a field CWL evaluates implies the
requirement in that process's own `requirements`."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import cwlgen
from cwlgen.cli.targets import definitions_in
from cwlgen.ir.cwl import needs_javascript

REPO = Path(__file__).resolve().parents[2]
NOT_EVALUATED = {"doc", "label", "default", "$namespaces", "$schemas", "id", "run"}
FIXTURE_MODULES = sorted(
    [f"fixtures.examples.{p.stem}" for p in (REPO / "tests/fixtures/examples").glob("*.py")]
    + [f"fixtures.conditionals.{p.stem}"
       for p in (REPO / "tests/fixtures/conditionals").glob("*.py")])


def evaluated_strings(node: Any) -> Iterator[str]:
    """Every string of a process document an engine may evaluate (not doc, label, defaults,
    nor nested processes: those are checked on their own)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from evaluated_strings(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in NOT_EVALUATED:
                yield from evaluated_strings(value)


def processes(doc: Any) -> Iterator[dict[str, Any]]:
    """The process documents of a file: itself, or each entry of a packed `$graph`."""
    if isinstance(doc, dict) and "$graph" in doc:
        yield from doc["$graph"]
    elif isinstance(doc, dict) and "class" in doc:
        yield doc


def has_js_requirement(process: dict[str, Any]) -> bool:
    reqs = process.get("requirements", [])
    if isinstance(reqs, dict):
        return "InlineJavascriptRequirement" in reqs
    return any(r.get("class") == "InlineJavascriptRequirement" for r in reqs)


def missing_requirement(name: str, doc: Any) -> list[str]:
    problems = []
    for process in processes(doc):
        js = [s for s in evaluated_strings(process) if needs_javascript(s)]
        if js and not has_js_requirement(process):
            problems.append(f"{name} ({process.get('id', process['class'])}): {js[0][:80]!r}")
    return problems


def written_documents() -> list[Path]:
    found = []
    for root in ("generated", "tests/golden"):
        found += sorted((REPO / root).rglob("*.cwl"))
    return found


def test_every_written_document_with_javascript_declares_it() -> None:
    paths = written_documents()
    assert len(paths) > 20, "generated/ and the golden files hold the documents to scan"
    problems = []
    for path in paths:
        problems += missing_requirement(str(path.relative_to(REPO)),
                                        yaml.safe_load(path.read_text(encoding="utf-8")))
    assert problems == []


@pytest.mark.parametrize("module_name", FIXTURE_MODULES)
def test_every_compiled_fixture_with_javascript_declares_it(module_name: str) -> None:
    sys.path.insert(0, str(REPO / "tests"))
    module = importlib.import_module(module_name)
    problems = []
    compiled_any = False
    for definition in definitions_in(module):
        try:
            compiled = cwlgen.compile(definition)
        except cwlgen.CompileError:
            continue  # fixtures of errors elsewhere; nothing is emitted for them
        compiled_any = True
        for name, doc in compiled.documents.items():
            problems += missing_requirement(f"{module_name}:{name}", doc)
    assert compiled_any
    assert problems == []


def test_the_scan_finds_javascript_without_the_requirement() -> None:
    doc = {"class": "CommandLineTool", "arguments": ["$(inputs.n + 1)"], "inputs": {}}
    assert missing_requirement("x", doc)
    assert not missing_requirement("x", {"class": "CommandLineTool",
                                         "arguments": ["$(inputs.n)"], "inputs": {}})
