"""Error fixtures, mypy-style: each module in tests/fixtures/errors/ marks the offending lines

    x = head(txt=text)  # E: CG203 CG204 "did you mean 'text'?"
    image(ms=ms)        # W: CG302
    lines: int = 10,    # N: parameter 'lines' of 'head' is declared here

`E:` errors and `W:` warnings expected on that line (a code twice means twice), quoted
text that must appear in one of that line's messages, `N:` text of a note that must point at
that line. The test checks every definition of the module and asserts the exact multiset of
(line, code) pairs: every problem is reported, not just the first, and nothing else.

`cwlgen check` on files that cannot be imported is tested here too: a file:line error and
exit 1 for a syntax error or a missing import, exit 2 for a path that does not exist, and
never a traceback.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from markers import Expectations

import cwlgen
from cwlgen.cli import main
from cwlgen.cli.targets import definitions_in
from cwlgen.ir.diagnostics import Diagnostic, sorted_diagnostics
from cwlgen.messages import MESSAGES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "errors"
CWLGEN = str(Path(sys.executable).parent / "cwlgen")

def fixture_diagnostics(stem: str) -> list[Diagnostic]:
    """Every diagnostic of every definition in tests/fixtures/errors/<stem>.py."""
    module = importlib.import_module(f"fixtures.errors.{stem}")
    diagnostics: list[Diagnostic] = []
    definitions = definitions_in(module)
    assert definitions, f"{stem} defines nothing"
    for definition in definitions:
        diagnostics += cwlgen.check(definition)
    return sorted_diagnostics(diagnostics)


FIXTURE_STEMS = sorted(p.stem for p in FIXTURES.glob("*.py"))


@pytest.mark.parametrize("stem", FIXTURE_STEMS)
def test_error_fixture(stem: str) -> None:
    path = FIXTURES / f"{stem}.py"
    expected = Expectations(path)
    diagnostics = fixture_diagnostics(stem)
    for d in diagnostics:
        assert d.loc is not None, d.render()
        assert Path(d.loc.path).resolve() == path, f"diagnostic outside the fixture: {d.render()}"
        assert not os.path.isabs(d.loc.path), "paths under the working directory are relative"
        head = d.render().splitlines()[0]
        assert head.startswith(f"{d.loc.path}:{d.loc.line}: {d.severity}[{d.code}]: "), head
        assert d.severity == MESSAGES[d.code].severity
        for note in d.notes:
            assert note.loc is not None and Path(note.loc.path).resolve() == path, note.render()
    got = Counter((d.loc.line, d.code, d.severity) for d in diagnostics if d.loc)
    assert sorted(got.elements()) == sorted(expected.codes.elements()), "\n" + "\n".join(
        d.render() for d in diagnostics)
    for line, text in expected.texts:
        messages = [d.message for d in diagnostics if d.loc and d.loc.line == line]
        assert any(text in m for m in messages), f"line {line}: {text!r} not in {messages}"
    for line, text in expected.notes:
        notes = [n.message for d in diagnostics for n in d.notes
                 if n.loc is not None and n.loc.line == line]
        assert any(text in n for n in notes), f"line {line}: note {text!r} not in {notes}"


def test_fixtures_cover_the_registry() -> None:
    """Every code that a user mistake in a module can trigger has a fixture line."""
    covered = {code for stem in FIXTURE_STEMS
               for (_, code, _) in Expectations(FIXTURES / f"{stem}.py").codes}
    # CG112 (free-form option problems) and CG212 (batch=) are tested below; CG213 (batching)
    # with the batching pass; CG304 cannot be written with tracing (a call can only use
    # earlier results); CG4xx/CG5xx belong to tasks and runners.
    wanted = {c for c in MESSAGES if c.startswith(("CG1", "CG2", "CG3", "CG6"))} - {
        "CG112", "CG212", "CG213", "CG304"}
    assert wanted - covered == set()


def test_every_code_is_explained_in_docs_diagnostics() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md").read_text()
    headings = set(re.findall(r"^### (CG\d{3}):", doc, flags=re.MULTILINE))
    assert set(MESSAGES) - headings == set(), "undocumented codes"
    assert headings - set(MESSAGES) == set(), "documented codes that do not exist"


def test_compile_raises_one_error_listing_every_problem() -> None:
    from fixtures.errors import connections

    with pytest.raises(cwlgen.CompileError) as info:
        cwlgen.compile(connections.miswired)
    text = str(info.value)
    assert text.count("error[CG") == 8
    assert text.endswith("found 8 errors")
    assert "note: parameter 'lines' of 'head' is declared here" in text
    assert "Traceback" not in text
    assert isinstance(info.value, ValueError)
    assert [d.code for d in info.value.diagnostics][:2] == ["CG201", "CG202"]


@pytest.mark.parametrize(("options", "says"), [
    ({"packages": ["bad name!"]}, "is not 'name' or 'name==version'"),
    ({"env": {"1BAD": "x"}}, "environment variable name '1BAD'"),
    ({"files": {"dir/name.txt": "x"}}, "must map a plain file name to text"),
    ({"arguments": [3]}, "must be a string or Arg(value_from=...)"),
])
def test_bad_tool_options_point_at_the_decorator(options: dict[str, object], says: str) -> None:
    line = sys._getframe().f_lineno + 1
    decorate = cwlgen.tool("prog", **options)  # type: ignore[arg-type]

    @decorate
    def bad(text: cwlgen.File) -> None:
        """Bad options."""

    diagnostics = cwlgen.check(bad)
    assert [(d.code, d.loc.line if d.loc else None) for d in diagnostics] == [("CG112", line)]
    assert says in diagnostics[0].message


def test_an_empty_base_command_is_an_error() -> None:
    @cwlgen.tool("")
    def nothing() -> None:
        """No command."""

    assert [d.code for d in cwlgen.check(nothing)] == ["CG112"]


def test_a_bad_batch_size_is_an_error() -> None:
    from fixtures.errors import graph

    @cwlgen.workflow
    def batched(many: list[cwlgen.Directory]) -> list[cwlgen.File]:
        """batch must be a positive int."""
        return graph.image.map(ms=many, batch=0)

    assert [d.code for d in cwlgen.check(batched)] == ["CG212"]


# --- `cwlgen check` on modules that cannot be imported ------------------------------------

def run_check(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CWLGEN, "check", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_check_reports_a_syntax_error_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("from cwlgen import tool\n\ndef f(:\n    pass\n")
    proc = run_check("broken.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout.startswith("broken.py:3: error[CG001]: cannot import broken.py: "
                                  "syntax error")


def test_check_reports_a_missing_import_at_the_import_line(tmp_path: Path) -> None:
    (tmp_path / "needs_more.py").write_text(
        '"""Imports a module that is not installed."""\nimport os\n'
        "import cwlgen_no_such_module  # noqa\n")
    proc = run_check("needs_more.py", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    (failure,) = report["import_errors"]
    assert failure.startswith("needs_more.py:3: error[CG001]: cannot import needs_more.py: "
                              "ModuleNotFoundError")
    assert "install the module 'cwlgen_no_such_module'" in failure
    assert report["errors"] == 1


def test_check_reports_an_exception_at_import_time(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "raises.py").write_text("x = 1\nraise RuntimeError('boom')\n")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        code = main(["check", "raises.py"])
    finally:
        os.chdir(old)
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("raises.py:2: error[CG001]: cannot import raises.py: RuntimeError: boom")


def test_check_exits_2_for_a_path_that_does_not_exist(tmp_path: Path) -> None:
    proc = run_check("no/such/file.py", cwd=tmp_path)
    assert proc.returncode == 2
    assert "error[CG002]: no such file: no/such/file.py" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    assert run_check("no_such_module_cwlgen", cwd=tmp_path).returncode == 2


def test_check_finds_every_error_fixture_problem_with_the_cli(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["check", "--format", "json", str(FIXTURES / "connections.py")])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    expected = Expectations(FIXTURES / "connections.py")
    got = Counter((d["line"], d["code"], d["severity"]) for d in report["diagnostics"])
    assert got == expected.codes
    assert report["errors"] == sum(n for (_, _, s), n in expected.codes.items() if s == "error")


_SAME_TEXT = '''
from cwlgen import File, Out, tool, workflow
from typing import Annotated, NamedTuple


class Two(NamedTuple):
    a: Annotated[File, Out(glob="a")]
    b: Annotated[File, Out(glob="b")]


@tool("touch")
def make() -> Two:
    """Two files."""


@workflow
def wf() -> File:
    """Uses one of them."""
    return make().a
'''


def test_a_call_site_in_a_second_file_of_the_same_text_is_located_in_that_file(
    tmp_path: Path,
) -> None:
    """Code objects compiled from the same text compare equal whatever their file: locating a
    call once per code object must still tell the files apart."""
    import importlib.util
    import sys

    for n in (1, 2):
        folder = tmp_path / f"copy{n}"
        folder.mkdir()
        path = folder / f"same_text_{n}.py"
        path.write_text(_SAME_TEXT, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        try:
            spec.loader.exec_module(module)
            found = [d for d in cwlgen.check(module.wf) if d.code == "CG302"]
        finally:
            del sys.modules[path.stem]
        assert found and all(Path(d.loc.path).resolve() == path.resolve() for d in found
                             if d.loc is not None), [d.render() for d in found]
