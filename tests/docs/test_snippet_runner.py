"""The snippet runner fails when a page is wrong: a failing block, output that differs from
what the page shows, a diagnostic the page promises that cwlgen does not report."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.snippets import REPO, run_page

FENCE = "```"


def page(tmp_path: Path, text: str) -> Path:
    # pages must live in the repository (their path is shown relative to it)
    path = REPO / "build" / "snippet-tests" / tmp_path.name / "page.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace("~~~", FENCE))
    return path


def test_a_failing_python_block_fails_at_its_page_line(tmp_path: Path) -> None:
    md = page(tmp_path, "# t\n\n~~~python\nx = 1\nassert x == 2\n~~~\n")
    with pytest.raises(AssertionError) as info:
        run_page(md, tmp_path / "run")
    assert info.traceback[-1].lineno + 1 == 5  # line 5 of the page


def test_console_output_must_match_the_page(tmp_path: Path) -> None:
    good = page(tmp_path, "~~~console\n$ echo one; echo two; echo three\none\n...\nthree\n~~~\n")
    run_page(good, tmp_path / "good")
    bad = page(tmp_path, "~~~console\n$ echo one\ntwo\n~~~\n")
    with pytest.raises(AssertionError, match="printed"):
        run_page(bad, tmp_path / "bad")


def test_a_shell_block_must_succeed(tmp_path: Path) -> None:
    md = page(tmp_path, "~~~sh\nfalse\n~~~\n")
    with pytest.raises(AssertionError, match="exited 1"):
        run_page(md, tmp_path / "run")


def test_a_promised_diagnostic_must_be_reported(tmp_path: Path) -> None:
    prelude = ("~~~python\nfrom cwlgen import task\n~~~\n\n")
    right = prelude + ("~~~python\n@task\ndef f(_x: int) -> None: ...\n"
                       "# error[CG107]: '_x' (input of 'f') is not a valid CWL identifier; "
                       "...\n~~~\n")
    run_page(page(tmp_path, right), tmp_path / "right")
    wrong = right.replace("CG107", "CG101")
    with pytest.raises(AssertionError, match=r"promised error\[CG101\]"):
        run_page(page(tmp_path, wrong), tmp_path / "wrong")
    unpromised = prelude + "~~~python\n@task\ndef g(_x: int) -> None: ...\n# error[CG101]: x\n~~~\n"
    with pytest.raises(AssertionError):
        run_page(page(tmp_path, unpromised), tmp_path / "unpromised")


def test_a_skip_needs_no_run(tmp_path: Path) -> None:
    md = page(tmp_path, '<!-- skip: next "cannot run here" -->\n~~~sh\nfalse\n~~~\n')
    run = run_page(md, tmp_path / "run")
    assert run.skipped == ["page.md:3: cannot run here"]
