"""`cwlgen check` on hand-written CWL: files, folders and `$graph` documents, with the same
passes as Python sources, at `file.cwl:LINE`, in text and JSON; invalid CWL is an error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "examples" / "cwl"


def check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "cwlgen", "check", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


MISWIRED = """\
cwlVersion: v1.2
class: Workflow
inputs:
  n: int
  maybe: File?
outputs:
  out:
    type: File
    outputSource: count/lines
steps:
  count:
    run: wc-tool.cwl
    in:
      text: n
    out: [lines]
  count_again:
    run: wc-tool.cwl
    in:
      text: maybe
    out: [lines]
"""


def test_a_clean_folder_passes(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES, tmp_path / "cwl")
    proc = check("cwl", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "checked 3 definition(s): 0 error(s)" in proc.stderr


def test_type_errors_are_reported_at_the_cwl_lines(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "wc-tool.cwl", tmp_path)
    (tmp_path / "wf.cwl").write_text(MISWIRED)
    proc = check("wf.cwl", cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert "wf.cwl:14: error[CG201]: argument 'text' of 'wc_tool' expects File, but workflow " \
        "input 'n' is int" in lines
    assert "wc-tool.cwl:5: note: parameter 'text' of 'wc_tool' is declared here" in lines
    # an optional into a required parameter: cwltool only warns, so do we on hand-written CWL
    assert any(ln.startswith("wf.cwl:19: warning[CG202]") for ln in lines), lines
    as_json = json.loads(check("--format", "json", "wf.cwl", cwd=tmp_path).stdout)
    assert as_json["errors"] == 1
    (first,) = [d for d in as_json["diagnostics"] if d["severity"] == "error"]
    assert (first["code"], first["path"], first["line"]) == ("CG201", "wf.cwl", 14)


def test_invalid_cwl_and_every_process_of_a_graph(tmp_path: Path) -> None:
    (tmp_path / "bad.cwl").write_text("cwlVersion: v1.2\nclass: CommandLineTool\n"
                                      "inputs:\n  x: Flie\noutputs: []\n")
    (tmp_path / "packed.cwl").write_text(textwrap.dedent("""\
        cwlVersion: v1.2
        $graph:
          - id: echo
            class: CommandLineTool
            baseCommand: echo
            inputs: {msg: {type: string, inputBinding: {}}}
            outputs: {out: stdout}
          - id: wf
            class: Workflow
            inputs: {n: int}
            outputs: {o: {type: File, outputSource: say/out}}
            steps:
              say:
                run: "#echo"
                in: {msg: n}
                out: [out]
        """))
    proc = check("bad.cwl", "packed.cwl", cwd=tmp_path)
    assert proc.returncode == 1
    assert "bad.cwl:4:" in proc.stdout and "error[CG701]" in proc.stdout
    assert "packed.cwl:15: error[CG201]: argument 'msg' of 'echo' expects string, but " \
        "workflow input 'n' is int" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_github_annotations_and_sarif_carry_the_cwl_column(tmp_path: Path) -> None:
    """Hand-written CWL positions are line:col: the annotation and the SARIF region point at
    the key of the miswired input (`text: n`), found in the document's text."""
    shutil.copy(FIXTURES / "wc-tool.cwl", tmp_path)
    (tmp_path / "wf.cwl").write_text(MISWIRED)
    line = MISWIRED.splitlines().index("      text: n") + 1
    col = MISWIRED.splitlines()[line - 1].index("text") + 1
    proc = check("--format", "github", "wf.cwl", cwd=tmp_path)
    assert proc.returncode == 1
    (error,) = [c for c in proc.stdout.splitlines() if c.startswith("::error ")]
    assert error.startswith(f"::error file=wf.cwl,line={line},col={col},title=CG201 ")
    sarif = json.loads(check("--format", "sarif", "wf.cwl", cwd=tmp_path).stdout)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "CG201"]
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": line, "startColumn": col}


def test_an_expression_naming_no_input_warns_as_cwltool_accepts_it(tmp_path: Path) -> None:
    """cwltool --validate accepts the document (it never evaluates expressions) and every run
    fails; on hand-written CWL that is a warning, and --strict makes it an error."""
    (tmp_path / "tool.cwl").write_text(textwrap.dedent("""\
        cwlVersion: v1.2
        class: CommandLineTool
        baseCommand: echo
        inputs:
          name: string
          greeting:
            type: string
            inputBinding: {valueFrom: $(inputs.nmae)}
        outputs: []
        """))
    proc = check("tool.cwl", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("tool.cwl:6: warning[CG606]: the value_from of parameter "
                                  "'greeting' of 'tool' refers to inputs.nmae"), proc.stdout
    assert "did you mean 'name'?" in proc.stdout
    assert check("--strict", "tool.cwl", cwd=tmp_path).returncode == 1
