"""`cwlgen import`: hand-written CWL (v1.0 here) -> readable typed Python that passes ruff,
mypy --strict and `cwlgen check`, builds back to CWL that cwltool runs with the same results,
and bad input that gets one clear error per problem at `file.cwl:line:col`, exit 1 (2 for
usage), and no OUT.py."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "examples" / "cwl"
BIN = Path(sys.executable).parent
ENV_PATH = f"{REPO}"


def cwlgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "cwlgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def run_cwltool(doc: Path, job: Path, out: Path) -> dict[str, object]:
    proc = subprocess.run([str(BIN / "cwltool"), "--no-container", "--quiet", "--outdir",
                           str(out), str(doc), str(job)], capture_output=True, text=True,
                          timeout=300, check=True)
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def contents(value: object) -> object:
    """Output values with File objects replaced by their text (paths differ per run)."""
    if isinstance(value, dict):
        if value.get("class") == "File":
            return Path(str(value["path"])).read_text()
        return {k: contents(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [contents(v) for v in value]
    return value


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "cwl")
    return tmp_path


def test_import_writes_typed_python_that_builds_and_runs_the_same(workdir: Path) -> None:
    proc = cwlgen("import", "cwl/greet-wf.cwl", "-o", "py/greet.py", cwd=workdir)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "py/greet.py:greet_wf\n"
    source = (workdir / "py" / "greet.py").read_text()
    # readable: records and enums as classes, a scatter as .map, docs as docstrings
    for expected in ("class Style(enum.Enum):", '    HELLO = "hello"',
                     "@dataclass(kw_only=True)\nclass Person:", "    title: str | None = None",
                     "greet_tool.map(people=groups, style=style)", '"""Greet someone',
                     "Annotated[Style, Arg(position=1)] = Style.HELLO",
                     'Out(stream="stdout", filename="greetings.txt", doc="One line per person")',
                     "resources=Resources(cores=1, ram=64)", 'env={"GREETING_LANG": "en"}',
                     'container="debian:stable-slim"'):
        assert expected in source, expected
    # the JavaScript is kept verbatim
    assert 'output_eval="$(self[0].contents.split(\\"\\\\n\\").length - 1)"' in source
    for tool in (["ruff", "check", "--config", str(REPO / "pyproject.toml"), "py/greet.py"],
                 ["mypy", "--strict", "--no-incremental", "py/greet.py"]):
        lint = subprocess.run([str(BIN / tool[0]), *tool[1:]], cwd=workdir, text=True,
                              capture_output=True, timeout=300,
                              env={"PYTHONPATH": str(REPO), "PATH": str(BIN)})
        assert lint.returncode == 0, lint.stdout + lint.stderr
    check = cwlgen("check", "py/greet.py", cwd=workdir)
    assert check.returncode == 0, check.stdout + check.stderr
    # build next to the Python (file defaults are relative to it) and run both documents
    build = cwlgen("build", proc.stdout.strip(), "-o", "py", cwd=workdir)
    assert build.returncode == 0, build.stderr
    job = workdir / "cwl" / "greet-job.yml"
    original = run_cwltool(workdir / "cwl" / "greet-wf.cwl", job, workdir / "out1")
    rebuilt = run_cwltool(workdir / "py" / "greet_wf.cwl", job, workdir / "out2")
    assert contents(rebuilt) == contents(original)
    assert contents(original)["greetings"] == ["hi ada\nhi alan\n", "hi grace\n"]  # type: ignore[index]


def test_import_then_build_twice_is_byte_identical(workdir: Path) -> None:
    assert cwlgen("import", "cwl/greet-wf.cwl", "-o", "a/greet.py", cwd=workdir).returncode == 0
    assert cwlgen("build", "a/greet.py:greet_wf", "-o", "a", cwd=workdir).returncode == 0
    again = cwlgen("import", "a/greet_wf.cwl", "-o", "a/again.py", cwd=workdir)
    assert again.returncode == 0, again.stderr
    assert cwlgen("build", again.stdout.strip(), "-o", "b", cwd=workdir).returncode == 0
    second = cwlgen("import", "b/greet_wf.cwl", "-o", "b/again.py", cwd=workdir)
    assert cwlgen("build", second.stdout.strip(), "-o", "c", cwd=workdir).returncode == 0
    docs = sorted(p.name for p in (workdir / "b").glob("*.cwl"))
    assert docs == ["greet_tool.cwl", "greet_wf.cwl", "wc_tool.cwl"]
    for name in docs:
        # the header names the Python module (a.again / b.again); the documents are equal
        first, second_ = ((workdir / d / name).read_text().split("\n", 2) for d in ("b", "c"))
        assert first[2] == second_[2], name
        assert first[0].replace("a.again", "X") == second_[0].replace("b.again", "X")
    assert (workdir / "b" / "again.py").read_text() == (workdir / "a" / "again.py").read_text()


BAD = {
    "not-cwl.cwl": ("hello: world\n", "not-cwl.cwl:1:1: error[CG701]: cannot read this CWL "
                    "document: not a CWL document"),
    "not-yaml.cwl": ("a: [b\n", "not-yaml.cwl:2:1: error[CG701]: cannot read this CWL "
                     "document: not YAML"),
    "invalid.cwl": ("cwlVersion: v1.2\nclass: CommandLineTool\ninputs:\n  x: Flie\n"
                    "outputs: []\n", "invalid.cwl:4:3: error[CG701]: cannot read this CWL "
                    "document: unknown type 'Flie'; did you mean 'File'?"),
    "unreachable.cwl": ("cwlVersion: v1.2\nclass: CommandLineTool\ninputs:\n"
                        "  $import: missing.yml\noutputs: []\n", "missing.yml"),
    "expression.cwl": ("cwlVersion: v1.2\nclass: ExpressionTool\n"
                       "requirements: {InlineJavascriptRequirement: {}}\ninputs: {x: int}\n"
                       "outputs: {y-1: int}\nexpression: '${ return {\"y-1\": 1}; }'\n",
                       "expression.cwl:5:11: error[CG702]: output name 'y-1' is not a Python "
                       "identifier"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_one_clear_error_and_writes_nothing(tmp_path: Path, name: str) -> None:
    text, expected = BAD[name]
    (tmp_path / name).write_text(text)
    proc = cwlgen("import", name, "-o", "out.py", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert "nothing written" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no OUT.py, no temp file


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert cwlgen("import", "nope.cwl", cwd=tmp_path).returncode == 2
    shutil.copy(FIXTURES / "wc-tool.cwl", tmp_path)
    proc = cwlgen("import", "wc-tool.cwl", "-o", "x.txt", cwd=tmp_path)
    assert proc.returncode == 2 and "must be a .py file" in proc.stderr
    # without -o the file is named after the document, and never overwritten
    assert cwlgen("import", "wc-tool.cwl", cwd=tmp_path).stdout == "wc_tool.py:wc_tool\n"
    proc = cwlgen("import", "wc-tool.cwl", cwd=tmp_path)
    assert proc.returncode == 2 and "exists" in proc.stderr
