"""Issue 9, item 4: how the everyday tool constructs are emitted (validated by cwltool);
tests/e2e/test_cwl_tools_run.py runs them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fixtures.examples import cwl_tools as ct

import cwlgen
from cwlgen import Out, tool, workflow

LIB = {"class": "InlineJavascriptRequirement",
       "expressionLib": ["function twice(x) { return 2 * x; }"]}


@tool("true", requirements=[LIB])
def uses_library(n: int) -> Annotated[int, Out(output_eval="$(twice(inputs.n))")]:
    """An expressionLib function in an outputEval."""


def test_a_users_inline_javascript_requirement_replaces_cwlgens_own(
    cwl_build: Callable[..., Any], cwl_run: Callable[..., dict[str, Any]]
) -> None:
    built = cwl_build(uses_library)
    assert built.doc()["requirements"] == [LIB]
    assert cwl_run(built.main, {"n": 21})["out"] == 42


def test_every_everyday_tool_compiles_to_valid_cwl(cwl_build: Callable[..., Any]) -> None:
    for definition in (ct.arguments_only, ct.run_script, ct.json_outputs, ct.exit_with,
                        ct.count_listing, ct.fetch_like, ct.count_companions):
        cwl_build(definition)  # validated by cwltool


def test_a_workflow_may_not_restate_a_feature_requirement_cwlgen_adds() -> None:
    @workflow(requirements=[{"class": "ScatterFeatureRequirement"}])
    def wf(n: int) -> None:
        """Nothing."""

    (d,) = cwlgen.check(wf)
    assert d.code == "CG130" and "cwlgen adds it for .map" in d.message


def test_emission_of_codes_streamable_and_secondary_flags() -> None:
    exit_doc = cwlgen.compile(ct.exit_with).documents["exit_with.cwl"]
    assert (exit_doc["successCodes"], exit_doc["temporaryFailCodes"],
            exit_doc["permanentFailCodes"]) == ([0, 3], [75], [4])
    companions = cwlgen.compile(ct.count_companions).documents["count_companions.cwl"]
    assert companions["inputs"]["data"]["secondaryFiles"][0] == {
        "pattern": ".idx", "required": False}


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() if k not in ("doc", "label") for s in _strings(v)]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return []


def _processes(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return list(doc["$graph"]) if "$graph" in doc else [doc]


def test_every_document_needing_javascript_declares_inline_javascript() -> None:
    """Any `${...}`, or `$(...)` that is not a plain parameter reference, anywhere in an
    emitted process implies InlineJavascriptRequirement in that process (or a workflow
    around it): scanned over every definition of the issue-9 fixtures, both layouts."""
    from fixtures.examples import cwl_formats, cwl_requirements, cwl_schemas, cwl_types

    from cwlgen.cli.targets import definitions_in
    from cwlgen.ir.cwl import needs_javascript

    checked = 0
    for module in (ct, cwl_types, cwl_schemas, cwl_requirements, cwl_formats):
        for definition in definitions_in(module):
            for pack in (False, True):
                for doc in cwlgen.compile(definition, pack=pack).documents.values():
                    for process in _processes(doc):
                        if not any(needs_javascript(s) for s in _strings(process)):
                            continue
                        classes = [r.get("class") for r in process.get("requirements", [])]
                        assert "InlineJavascriptRequirement" in classes, process
                        checked += 1
    assert checked >= 2  # the fixtures do use JavaScript (count_companions, both layouts)
