"""`cwlgen import` of workflow constructs that kept conformance documents from round-tripping
(issue 10, item 5): scatters the parameter types do not tell (`each(...)`), conditions tested
per item of a scatter, conditions that are not booleans, one record declared at a workflow
port and at the tool port it feeds. The fixtures go through `round_trip` (import, ruff, mypy
--strict, `cwlgen check`, build, both documents run by cwltool with the same outputs)."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import pytest
from cwl_runs import BIN, run
from test_import_roundtrip_constructs import FIXTURES, round_trip

import cwlgen
from cwlgen import Arg, File, each, expression_tool, stdout, tool, workflow


def test_a_scatter_over_any_and_over_an_undeclared_input_is_said_with_each(
        tmp_path: Path) -> None:
    got = round_trip(tmp_path, "scatter_any", [
        "greet.map(\n        who=each(people),\n        word=words,\n"
        '        name=value_from("$(inputs.who.name)", type=str),',
        'tag.with_inputs(suffix=each(["a", "b", "c"])).map(',
    ])
    assert got == {"lines": ["hello ada", "hi bob"], "tags": ["#a", "#b", "#c"]}


def test_conditions_tested_per_item_of_a_scatter(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "cond_scatter", [
        "double.with_inputs(a_new_var=each(keep)).when(cast(Any, keep)).map(n=nums)",
        "again.when(cast(Any, odd)).map(n=nums)",
        "names.map(f=[assume_not_null(forward), assume_not_null(reverse)])",
    ])
    assert got == {"doubled": [2, 6, 4, 8], "basenames": ["a.txt", "b.txt"]}


def test_one_record_class_for_a_workflow_port_and_the_tool_port_it_feeds(
        tmp_path: Path) -> None:
    got = round_trip(tmp_path, "record_places", [
        "class Pair:\n    first: Annotated[File, Arg(position=2)]\n"
        "    second: Annotated[File, Arg(position=6)]",
        'class Copies:\n    one: Annotated[File, Out(glob="one")]',
        "def record_places(*, pair: Pair) -> RecordPlacesOutputs:",
    ])
    assert got == {"copies": {"one": "alpha\n", "two": "beta\n"}}
    rebuilt = (tmp_path / "py" / "record_places.cwl").read_text()
    assert "inputBinding" not in rebuilt and "outputBinding" not in rebuilt  # the tool's


def test_a_condition_that_is_not_a_boolean_is_kept_and_warned_about(tmp_path: Path) -> None:
    """CWL accepts `when: $(inputs.n)` on an int and fails when the step runs: the import
    keeps it (`cwl_condition`), `cwlgen check` and `cwlgen build` warn (CG610), and the
    rebuilt document fails as the original does."""
    shutil.copytree(FIXTURES, tmp_path / "cwl")
    doc = tmp_path / "cwl" / "not_boolean.cwl"
    doc.write_text(NOT_BOOLEAN)
    check = run(sys.executable, "-m", "cwlgen", "check", str(doc), cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "not_boolean.cwl:6: warning[CG610]: the condition of step 'step1' is " \
        "inputs.a_new_var, which is int, not a boolean" in check.stdout
    proc = run(sys.executable, "-m", "cwlgen", "import", str(doc), "-o", "py/nb.py",
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    source = (tmp_path / "py" / "nb.py").read_text()
    assert 'echo.with_inputs(a_new_var=test).when(cwl_condition("$(inputs.a_new_var)"))(' \
        in source
    build = run(sys.executable, "-m", "cwlgen", "build", proc.stdout.strip(), "-o", "py",
                cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    assert "warning[CG610]" in build.stderr + build.stdout
    for target in (doc, tmp_path / "py" / "not_boolean.cwl"):
        ran = run(str(BIN / "cwltool"), "--no-container", "--quiet", str(target), cwd=tmp_path)
        assert ran.returncode != 0
        assert "Conditional 'when' must evaluate to 'true' or 'false'" in ran.stderr, ran.stderr


NOT_BOOLEAN = """cwlVersion: v1.2
class: Workflow
inputs:
  test: {type: int, default: 1}
steps:
  step1:
    in:
      a_new_var: test
    when: $(inputs.a_new_var)
    run:
      id: echo
      class: ExpressionTool
      requirements: {InlineJavascriptRequirement: {}}
      inputs: {}
      outputs: {out: string}
      expression: "${ return {'out': 'ran'}; }"
    out: [out]
outputs:
  out: {type: string?, outputSource: step1/out}
"""


@expression_tool("${ return {'out': inputs.x}; }")
def ident(*, x: Any) -> Any: ...


@expression_tool("${ return {'out': inputs.n > 1}; }")
def big(*, n: int) -> bool: ...


def test_each_scatters_an_any_parameter_and_an_undeclared_input() -> None:
    @workflow
    def wf(*, xs: list[int]) -> list[Any]:
        out: list[Any] = ident.with_inputs(tag=each(["a", "b"])).map(x=each(xs))
        return out

    doc = cwlgen.compile(wf).documents["wf.cwl"]
    step = doc["steps"]["ident"]
    assert step["in"] == {"x": "xs", "tag": {"default": ["a", "b"]}}
    assert step["scatter"] == ["x", "tag"]
    assert step["scatterMethod"] == "dotproduct"


def test_each_needs_a_list_and_a_map() -> None:
    @workflow
    def not_mapped(*, xs: list[int]) -> Any:
        return ident(x=each(xs))

    with pytest.raises(cwlgen.CompileError, match=r"CG607.*is each\(...\), one item per job "
                       r"of a scatter; call 'ident.map\(...\)'"):
        cwlgen.compile(not_mapped)

    @workflow
    def not_a_list(*, x: int) -> list[Any]:
        out: list[Any] = ident.map(x=each(x))  # type: ignore[arg-type]
        return out

    with pytest.raises(cwlgen.CompileError, match=r"CG607.*each\(...\) scatters over a list "
                       r"\(a list result, a workflow input or a literal list\), got "
                       r"workflow input 'x' \(int\)"):
        cwlgen.compile(not_a_list)


def test_a_list_of_bools_as_condition_of_a_map_is_tested_per_item() -> None:
    @workflow
    def wf(*, ns: list[int], keep: list[bool]) -> list[bool | None]:
        out: list[bool | None] = big.when(keep).map(n=ns)  # type: ignore[arg-type]
        return out

    step = cwlgen.compile(wf).documents["wf.cwl"]["steps"]["big"]
    assert step["in"] == {"n": "ns", "keep": "keep"}
    assert step["scatter"] == ["n", "keep"]
    assert step["when"] == "$(inputs.keep)"

    @workflow
    def whole(*, n: int, keep: list[bool]) -> bool | None:
        return big.when(keep)(n=n)  # type: ignore[arg-type]

    with pytest.raises(cwlgen.CompileError, match=r"CG608.*is workflow input 'keep' "
                       r"\(boolean\[\]\)"):
        cwlgen.compile(whole)


@dataclass(kw_only=True)
class Pair:
    first: Annotated[File, Arg(position=2)]


def test_a_record_with_bound_fields_is_a_valid_workflow_input() -> None:
    """The backend writes field bindings only where CWL has them (a tool's ports)."""
    @tool("cat")
    def cat(*, pair: Pair) -> Annotated[File, stdout()]: ...

    @workflow
    def wf(*, pair: Pair) -> File:
        return cat(pair=pair)

    docs = cwlgen.compile(wf).documents
    assert docs["wf.cwl"]["inputs"]["pair"]["type"]["fields"] == [
        {"name": "first", "type": "File"}]
    assert docs["cat.cwl"]["inputs"]["pair"]["type"]["fields"] == [
        {"name": "first", "type": "File", "inputBinding": {"position": 2}}]


def test_a_record_declared_twice_is_two_classes_one_derived_from_the_other(
        tmp_path: Path) -> None:
    got = round_trip(tmp_path, "record_variants", [
        'class Sample:\n    reads: Annotated[File, Arg(position=1, format="edam:format_2330", '
        'secondary_files=[".idx"])]',
        "class Sample_2(Sample):\n    \"\"\"Another declaration of the CWL record 'sample' "
        "(other field formats, secondary files or bindings), passed where Sample is "
        'expected."""\n    reads: File\n',
        "def record_variants(*, sample: Sample_2) -> RecordVariantsOutputs:",
    ])
    assert got == {"index": "idx\n"}


def test_a_list_of_one_declaration_where_a_list_of_the_other_is_expected_is_refused(
        tmp_path: Path) -> None:
    """Python lists are invariant: no subclass makes mypy pass a list[Sample_2] as a
    list[Sample], so the import names the place instead of writing Python that fails."""
    doc = tmp_path / "record_lists.cwl"
    doc.write_text(RECORD_LISTS)
    proc = run(sys.executable, "-m", "cwlgen", "import", str(doc), "-o", "py/x.py",
               cwd=tmp_path)
    assert proc.returncode == 1
    assert "record_lists.cwl:" in proc.stderr and "error[CG702]: record 'sample' declared " \
        "twice with different field formats, secondaryFiles or bindings, where a list of " \
        "one declaration goes where a list of the other is expected" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "py" / "x.py").exists()


RECORD_LISTS = """cwlVersion: v1.2
class: Workflow
inputs:
  samples:
    type:
      type: array
      items: {name: sample, type: record, fields: [{name: reads, type: File}]}
outputs: []
steps:
  show:
    run:
      class: CommandLineTool
      inputs:
        samples:
          type:
            type: array
            items:
              name: sample
              type: record
              fields: [{name: reads, type: File, secondaryFiles: [.idx]}]
      outputs: []
      baseCommand: [ls]
    in:
      samples: samples
    out: []
"""


def test_a_crossproduct_scatter_in_another_order_than_the_parameters_is_refused(
        tmp_path: Path) -> None:
    """The DSL writes `scatter:` in the parameters' order; for a cross product the order
    decides how the results nest, so another order is named, not lost."""
    doc = tmp_path / "order.cwl"
    doc.write_text(SCATTER_ORDER)
    proc = run(sys.executable, "-m", "cwlgen", "import", str(doc), "-o", "x.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert "order.cwl:8:3: error[CG702]: scatter: [y, x] with nested_crossproduct in another " \
        "order than the DSL writes it ([x, y]: the parameters' order)" in proc.stderr
    doc.write_text(SCATTER_ORDER.replace("scatter: [y, x]", "scatter: [x, y]"))
    proc = run(sys.executable, "-m", "cwlgen", "import", str(doc), "-o", "x.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


SCATTER_ORDER = """cwlVersion: v1.2
class: Workflow
requirements: {ScatterFeatureRequirement: {}}
inputs:
  a: {type: "int[]", default: [1, 2]}
  b: {type: "int[]", default: [3, 4, 5]}
steps:
  s:
    run:
      class: ExpressionTool
      requirements: {InlineJavascriptRequirement: {}}
      inputs: {x: int, y: int}
      outputs: {out: int}
      expression: "${ return {'out': inputs.x * 10 + inputs.y}; }"
    in: {x: a, y: b}
    scatter: [y, x]
    scatterMethod: nested_crossproduct
    out: [out]
outputs:
  out: {type: {type: array, items: {type: array, items: int}}, outputSource: s/out}
"""
