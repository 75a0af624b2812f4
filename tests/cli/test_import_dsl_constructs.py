"""`cwlgen import` of the CWL v1.2 constructs the DSL spells since issue 9: an ExpressionTool,
a tool without baseCommand, an input named `in`, `long`/`double`/union types, outputs from
`cwl.output.json`, NetworkAccess, and step inputs / workflow outputs computed at the step
(source + default, valueFrom, merge_flattened, pickValue). The Python written uses the DSL
spelling, passes ruff, mypy --strict and `cwlgen check`, and builds back to CWL that cwltool
runs with the same outputs as the original."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from cwl_runs import BIN, outputs, run

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "import_constructs"


def test_issue9_constructs_import_build_and_run_the_same(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES, tmp_path / "cwl")
    proc = run(sys.executable, "-m", "cwlgen", "import", "cwl/wf.cwl", "-o", "py/wf.py",
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    source = (tmp_path / "py" / "wf.py").read_text()
    for spelling in (
        "@expression_tool(\"${ return {'out': inputs.a + inputs.b}; }\")",
        "def add(*, a: int, b: Long) -> int:",
        '@tool(None, arguments=["echo"], network=True)',
        'in_: Annotated[str, Arg(name="in", position=1)]',
        "label: Annotated[int | str, Arg(position=1)]",
        "scale: Annotated[Double, Arg(position=2)]",
        "text: Annotated[str, Out(output_json=True)]",
        'a=or_default(maybe, 5), b=value_from("$(self + 1)", self=n, type=Long)',
        "say(in_=greeting)",
        "both=merge_flattened(add_out, add2)",
        'picked=pick_value(maybe, add_out, method="first_non_null")',
    ):
        assert spelling in source, spelling
    for tool in ([str(BIN / "ruff"), "check", "--config", str(REPO / "pyproject.toml"),
                  "py/wf.py"],
                 [str(BIN / "mypy"), "--strict", "--no-incremental", "py/wf.py"],
                 [sys.executable, "-m", "cwlgen", "check", "py/wf.py"]):
        lint = run(*tool, cwd=tmp_path)
        assert lint.returncode == 0, lint.stdout + lint.stderr
    build = run(sys.executable, "-m", "cwlgen", "build", "py/wf.py:wf", "-o", "py",
                cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    job = tmp_path / "cwl" / "job.yml"
    original = outputs(tmp_path / "cwl" / "wf.cwl", job, tmp_path / "out1")
    rebuilt = outputs(tmp_path / "py" / "wf.cwl", job, tmp_path / "out2")
    assert rebuilt == original
    assert original == {"total": 8, "said": "hello\n", "both": [8, 3], "picked": 8,
                        "text": "L-1.5"}


def test_conditional_steps_import_as_when_and_run_the_same(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES, tmp_path / "cwl")
    proc = run(sys.executable, "-m", "cwlgen", "import", "cwl/when.cwl", "-o", "py/when.py",
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    source = (tmp_path / "py" / "when.py").read_text()
    # `go` is a step input the tool does not declare: only the condition reads it; `m` too,
    # but under another name than its source's, kept with `.with_inputs(...)`
    for spelling in ("add.when(all_of(go, n > 1))(a=10, b=n)",
                     "add.with_inputs(m=missing).when(not_(is_null(missing)))(a=1, b=n)",
                     'first=pick_value(never, add_out, method="first_non_null")'):
        assert spelling in source, spelling
    for tool in ([str(BIN / "ruff"), "check", "--config", str(REPO / "pyproject.toml"),
                  "py/when.py"],
                 [str(BIN / "mypy"), "--strict", "--no-incremental", "py/when.py"],
                 [sys.executable, "-m", "cwlgen", "check", "py/when.py"]):
        lint = run(*tool, cwd=tmp_path)
        assert lint.returncode == 0, lint.stdout + lint.stderr
    build = run(sys.executable, "-m", "cwlgen", "build", "py/when.py:when", "-o", "py",
                cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    job = tmp_path / "cwl" / "when-job.yml"
    original = outputs(tmp_path / "cwl" / "when.cwl", job, tmp_path / "out1")
    assert outputs(tmp_path / "py" / "when.cwl", job, tmp_path / "out2") == original
    assert original == {"ran": 12, "skipped": None, "first": 12}


def test_conditions_the_comparisons_cannot_spell_are_written_as_cwl(tmp_path: Path) -> None:
    text = (FIXTURES / "when.cwl").read_text().replace(
        "$(inputs.go && inputs.b > 1)", "$(inputs.b % 2 == 0)")
    (tmp_path / "w.cwl").write_text(text)
    shutil.copy(FIXTURES / "add.cwl", tmp_path / "add.cwl")
    proc = run(sys.executable, "-m", "cwlgen", "import", "w.cwl", "-o", "w.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    source = (tmp_path / "w.py").read_text()
    # `go` is no longer read by the condition: passed with .with_inputs, as the CWL has it
    assert 'add.with_inputs(go=go).when(cwl_condition("$(inputs.b % 2 == 0)"))(' in source
