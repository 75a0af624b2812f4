"""Hand-written CWL -> IR (`cwlgen.dsl.cwl_load`) and `cwlgen.load` inside a workflow: ports,
types, records and enums as the checker sees them, positions at `file.cwl:LINE`, v1.0
upgraded, `$graph`/`$import`/`$include`/`$mixin`/SchemaDef followed, by-reference emission,
and a loaded tool actually run by cwltool."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import cwlgen
from cwlgen.backend.validate import validate_file
from cwlgen.dsl.cwl_load import load_cwl
from cwlgen.dsl.cwl_read import CwlReadError
from cwlgen.ir import Tool, Workflow
from cwlgen.ir import types as t

CWLTOOL = str(Path(sys.executable).parent / "cwltool")

TOOL = """\
cwlVersion: v1.2
class: CommandLineTool
label: Count lines
baseCommand: [wc, -l]
requirements:
  SchemaDefRequirement:
    types:
      - $import: types.yml
inputs:
  text:
    type: File
    inputBinding: {position: 1}
  mode:
    type: {type: enum, symbols: [fast, slow]}
    default: fast
  sample:
    type: types.yml#Sample
    default: {name: a}
  label: string?
outputs:
  count:
    type: stdout
stdout: count.txt
"""

TYPES = """\
- name: Sample
  type: record
  fields:
    name: string
    reads: File?
"""


@pytest.fixture
def tool_file(tmp_path: Path) -> Path:
    (tmp_path / "types.yml").write_text(TYPES)
    path = tmp_path / "wc.cwl"
    path.write_text(TOOL)
    return path


def test_ports_types_records_enums_and_positions(tool_file: Path) -> None:
    loaded = load_cwl(str(tool_file))
    tool = loaded.process
    assert isinstance(tool, Tool) and not loaded.gaps
    assert tool.name == "wc" and tool.label == "Count lines"
    assert tool.base_command == ("wc", "-l")
    ports = {p.name: p for p in tool.inputs}
    assert ports["text"].type == t.FILE and ports["text"].binding is not None
    assert ports["text"].binding.position == 1
    assert ports["mode"].type == t.Enum("mode", ("fast", "slow"))
    assert ports["mode"].default == "fast"
    sample = ports["sample"].type
    assert isinstance(sample, t.Record) and sample.name == "Sample"
    assert [(f.name, f.type) for f in sample.fields] == [
        ("name", t.STRING), ("reads", t.Optional(t.FILE))]
    assert ports["label"].type == t.Optional(t.STRING)
    (out,) = tool.outputs
    assert out.stream == "stdout" and out.glob == "count.txt" and tool.stdout_name == "count.txt"
    # positions: the line each parameter is written on
    lines = TOOL.splitlines()
    for name, port in ports.items():
        assert port.loc is not None and port.loc.path.endswith("wc.cwl")
        assert lines[port.loc.line - 1].strip().startswith(f"{name}:"), (name, port.loc)


def test_v1_0_documents_are_upgraded_and_run_references_followed(tmp_path: Path) -> None:
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "echo.cwl").write_text(textwrap.dedent("""\
        cwlVersion: v1.0
        class: CommandLineTool
        baseCommand: echo
        inputs:
          msg: {type: string, inputBinding: {position: 1}}
        outputs:
          out: {type: stdout}
        """))
    (tmp_path / "wf.cwl").write_text(textwrap.dedent("""\
        cwlVersion: v1.0
        class: Workflow
        inputs:
          msgs: string[]
        requirements:
          - class: ScatterFeatureRequirement
        outputs:
          outs:
            type: File[]
            outputSource: say/out
        steps:
          say:
            run: steps/echo.cwl
            scatter: msg
            in: {msg: msgs}
            out: [out]
        """))
    loaded = load_cwl(str(tmp_path / "wf.cwl"))
    wf = loaded.process
    assert isinstance(wf, Workflow) and not loaded.gaps
    (step,) = wf.steps
    assert step.id == "say" and step.scatter == ("msg",)
    assert isinstance(step.process, Tool) and step.process.name == "echo"
    # cwl-upgrader's v1.0 semantics ride along as requirements
    classes = {dict(r)["class"] for r in step.process.extra_requirements}
    assert "LoadListingRequirement" in classes and step.process.network
    assert wf.outputs[0].type == t.Array(t.FILE)
    assert step.loc is not None and step.loc.line == 12


def test_graph_documents_need_an_id_unless_they_have_main(tmp_path: Path) -> None:
    doc = tmp_path / "packed.cwl"
    doc.write_text(textwrap.dedent("""\
        cwlVersion: v1.2
        $graph:
          - id: one
            class: CommandLineTool
            baseCommand: "true"
            inputs: []
            outputs: []
          - id: two
            class: CommandLineTool
            baseCommand: "false"
            inputs: []
            outputs: []
        """))
    with pytest.raises(CwlReadError, match=r"several processes.*one, two"):
        load_cwl(str(doc))
    assert load_cwl(f"{doc}#two").process.base_command == ("false",)


def test_mixin_and_include(tmp_path: Path) -> None:
    (tmp_path / "script.sh").write_text("echo hi\n")
    (tmp_path / "base.yml").write_text("baseCommand: [sh, -c]\n")
    (tmp_path / "t.cwl").write_text(textwrap.dedent("""\
        cwlVersion: v1.2
        class: CommandLineTool
        $mixin: base.yml
        arguments:
          - {$include: script.sh}
        inputs: []
        outputs: []
        """))
    tool = load_cwl(str(tmp_path / "t.cwl")).process
    assert isinstance(tool, Tool)
    assert tool.base_command == ("sh", "-c")
    assert [a.value for a in tool.arguments] == ["echo hi\n"]


def test_constructs_the_dsl_cannot_write_are_named_with_positions(tmp_path: Path) -> None:
    doc = tmp_path / "e.cwl"
    doc.write_text(textwrap.dedent("""\
        cwlVersion: v1.2
        class: ExpressionTool
        requirements: {InlineJavascriptRequirement: {}}
        inputs:
          in: int
        outputs:
          out-1: int
        expression: "${ return {'out-1': inputs.in}; }"
        """))
    gaps = load_cwl(str(doc)).gaps
    rendered = [g.render() for g in gaps]
    assert any("e.cwl:7:3: output name 'out-1' is not a Python identifier" in r
               for r in rendered), rendered
    # the ExpressionTool itself and its input `in` (renamed `in_`) are expressible
    assert len(rendered) == 1, rendered


@pytest.mark.parametrize(("text", "message"), [
    ("just: [some, yaml]\n", "not a CWL document"),
    ("a: [unclosed\n", "not YAML"),
    ("cwlVersion: v1.2\nclass: CommandLineTool\ninputs: 3\noutputs: []\n", "invalid CWL"),
    ("cwlVersion: v9\nclass: CommandLineTool\n", "unsupported cwlVersion"),
    ("cwlVersion: v1.2\nclass: CommandLineTool\ninputs:\n  $import: nowhere.yml\n"
     "outputs: []\n", "nowhere.yml"),
])
def test_bad_documents_raise_with_a_position(tmp_path: Path, text: str, message: str) -> None:
    doc = tmp_path / "bad.cwl"
    doc.write_text(text)
    with pytest.raises(CwlReadError) as info:
        load_cwl(str(doc))
    assert message in info.value.render()
    assert info.value.position is not None and info.value.position.line >= 1


def test_a_loaded_tool_is_called_checked_emitted_and_run(tool_file: Path,
                                                         tmp_path: Path) -> None:
    wc = cwlgen.load(str(tool_file))

    @cwlgen.workflow
    def count(text: cwlgen.File) -> cwlgen.File:
        return wc(text=text).count  # type: ignore[no-any-return]

    compiled = cwlgen.compile(count)
    out = tmp_path / "out"
    compiled.write(out)
    for rel in compiled.texts():
        validate_file(out / rel)
    # the tool's document is regenerated (inlined), its header names the hand-written file
    assert compiled.texts()["wc.cwl"].splitlines()[0].endswith("wc.cwl; do not edit.")
    assert compiled.documents["wc.cwl"]["stdout"] == "count.txt"
    data = tmp_path / "poem.txt"
    data.write_text("a\nb\nc\n")
    run = subprocess.run([CWLTOOL, "--no-container", "--quiet", "--outdir",
                          str(tmp_path / "res"), str(out / compiled.main), "--text",
                          str(data)], capture_output=True, text=True, timeout=300, check=True)
    result = json.loads(run.stdout)
    assert Path(result["out"]["path"]).read_text().split()[0] == "3"


def test_miswiring_a_loaded_tool_points_at_both_files(tool_file: Path) -> None:
    wc = cwlgen.load(str(tool_file))

    @cwlgen.workflow
    def bad(n: int) -> cwlgen.File:
        return wc(text=n).count  # type: ignore[no-any-return]

    with pytest.raises(cwlgen.CompileError) as info:
        cwlgen.compile(bad)
    text = str(info.value)
    assert "error[CG201]: argument 'text' of 'wc' expects File, but workflow input 'n' is int" \
        in text
    assert "test_cwl_load.py:" in text.splitlines()[0]
    assert "wc.cwl:10: note: parameter 'text' of 'wc' is declared here" in text


def test_by_reference_steps_run_the_original_document(tool_file: Path, tmp_path: Path) -> None:
    wc = cwlgen.load(str(tool_file), ref="../wc.cwl")

    @cwlgen.workflow
    def count(text: cwlgen.File) -> cwlgen.File:
        return wc(text=text).count  # type: ignore[no-any-return]

    compiled = cwlgen.compile(count)
    assert list(compiled.documents) == ["count.cwl"]
    assert compiled.documents["count.cwl"]["steps"]["wc"]["run"] == "../wc.cwl"
    out = tmp_path / "built"
    compiled.write(out)
    validate_file(out / "count.cwl")


def test_inlining_a_document_the_dsl_cannot_write_is_a_compile_error(tmp_path: Path) -> None:
    doc = tmp_path / "e.cwl"
    doc.write_text(textwrap.dedent("""\
        cwlVersion: v1.2
        class: ExpressionTool
        requirements: {InlineJavascriptRequirement: {}}
        hints: {ResourceRequirement: {coresMin: 1}}
        inputs:
          x: int
        outputs:
          y: int
        expression: "${ return {'y': inputs.x}; }"
        """))
    add = cwlgen.load(str(doc))

    @cwlgen.workflow
    def wf(x: int) -> int:
        return add(x=x).y  # type: ignore[no-any-return]

    with pytest.raises(cwlgen.CompileError, match=r"e.cwl:4: error\[CG702\]: hint "
                       r"ResourceRequirement on an ExpressionTool"):
        cwlgen.compile(wf)
    by_ref = cwlgen.load(str(doc), ref="e.cwl")

    @cwlgen.workflow
    def wf2(x: int) -> int:
        return by_ref(x=x).y  # type: ignore[no-any-return]

    assert cwlgen.compile(wf2).documents["wf2.cwl"]["steps"]["e"]["run"] == "e.cwl"


def test_load_of_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(cwlgen.UsageError, match="no such file"):
        cwlgen.load(str(tmp_path / "nope.cwl"))


def test_nested_list_defaults_keep_their_nesting(tmp_path: Path) -> None:
    """cwl-utils flattens a default such as [[a]] to [a]; the loader reads it as written, in
    tool inputs and in step inputs (found by the round-trip property test on Python 3.10)."""
    (tmp_path / "data.txt").write_text("x\n")
    (tmp_path / "nested.cwl").write_text(textwrap.dedent("""\
        cwlVersion: v1.2
        class: Workflow
        inputs:
          grid:
            type: {type: array, items: {type: array, items: int}}
            default: [[1, 2], [3]]
        outputs: []
        steps:
          show:
            in:
              files:
                default: [[{class: File, location: data.txt}]]
            out: []
            run:
              class: CommandLineTool
              baseCommand: "true"
              inputs:
                files: {type: {type: array, items: {type: array, items: File}}}
              outputs: []
        """))
    workflow = load_cwl(str(tmp_path / "nested.cwl")).process
    assert isinstance(workflow, Workflow)
    (grid,) = workflow.inputs
    assert grid.default == [[1, 2], [3]]
    (step,) = workflow.steps
    (files,) = step.inputs
    assert files.default == [[{"class": "File",
                                "location": (tmp_path / "data.txt").as_uri()}]]


def test_nested_inline_workflows_sharing_a_step_id_stay_two_processes(tmp_path: Path) -> None:
    doc = tmp_path / "nested.cwl"
    doc.write_text(textwrap.dedent("""\
        cwlVersion: v1.2
        class: Workflow
        requirements: {SubworkflowFeatureRequirement: {}}
        inputs: {x: string}
        outputs:
          y: {type: string, outputSource: step1/y}
        steps:
          step1:
            in: {x: x}
            out: [y]
            run:
              class: Workflow
              inputs: {x: string}
              outputs:
                y: {type: string, outputSource: step1/y}
              steps:
                step1:
                  in: {x: x}
                  out: [y]
                  run:
                    class: ExpressionTool
                    requirements: {InlineJavascriptRequirement: {}}
                    inputs: {x: string}
                    outputs: {y: string}
                    expression: "${ return {'y': inputs.x}; }"
        """))
    root = load_cwl(str(doc)).process
    assert isinstance(root, Workflow)
    outer = root.steps[0].process
    assert isinstance(outer, Workflow)
    inner = outer.steps[0].process
    assert outer.key != inner.key
    assert [outer.key.rpartition("#")[2], inner.key.rpartition("#")[2]] == ["step1", "step1_2"]
