"""`cwlgen graph`: every output format from the command line, the errors a user can meet
(unknown suffix, no Graphviz, a miswired workflow) and atomic, byte-stable files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CWLGEN = str(VENV_BIN / "cwlgen")
WORDCOUNT = str(REPO / "examples" / "wordcount.py")


def cwlgen(*args: str, cwd: Path, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([CWLGEN, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120, env=env)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def need_dot() -> None:
    from needs import need_commands  # tests/needs.py: skip, or fail in CI

    need_commands("dot")


@pytest.fixture(autouse=True)
def _tests_on_path() -> None:
    tests = str(REPO / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)


def test_text_formats_need_no_graphviz_and_are_stable(tmp_path: Path) -> None:
    first = cwlgen("graph", f"{WORDCOUNT}:split_and_rank", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith('digraph "split_and_rank" {')
    again = cwlgen("graph", f"{WORDCOUNT}:split_and_rank", cwd=REPO)
    assert again.stdout == first.stdout
    mmd = cwlgen("graph", f"{WORDCOUNT}:split_and_rank", "-o", "wf.mmd", cwd=tmp_path)
    assert mmd.returncode == 0 and "wrote wf.mmd" in mmd.stderr
    assert (tmp_path / "wf.mmd").read_text().startswith("flowchart TB\n")
    stdout_mmd = cwlgen("graph", f"{WORDCOUNT}:split_and_rank", "--format", "mmd",
                        cwd=tmp_path)
    assert stdout_mmd.stdout == (tmp_path / "wf.mmd").read_text()


def test_a_module_with_a_subworkflow_draws_the_outer_workflow(tmp_path: Path) -> None:
    proc = cwlgen("graph", WORDCOUNT, "--depth", "0", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith('digraph "split_and_rank" {')


def test_svg_png_and_html_through_graphviz(tmp_path: Path) -> None:
    need_dot()
    for name in ("wf.svg", "wf.png", "wf.html", "wf.dot"):
        proc = cwlgen("graph", f"{WORDCOUNT}:split_and_rank", "-o", f"out/{name}",
                      "--types", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["wf.dot", "wf.html", "wf.png", "wf.svg"]
    svg = (out / "wf.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert ">count_words<" in svg and ">list[File]<" in svg
    assert (out / "wf.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (out / "wf.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert "split_and_rank(text: File) -&gt; File" in page
    assert "<script" not in page and "http://" not in page.split("<svg", 1)[0]
    assert oct((out / "wf.svg").stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_unknown_suffix_is_an_error_with_a_code(tmp_path: Path) -> None:
    proc = cwlgen("graph", f"{WORDCOUNT}:split_and_rank", "-o", "wf.txt", cwd=tmp_path)
    assert proc.returncode == 2  # the command line asks for what cannot be: usage
    assert "error[CG803]: cannot tell the picture format of 'wf.txt'" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_without_graphviz_svg_is_a_clear_error_and_dot_text_still_works(
    tmp_path: Path,
) -> None:
    # a PATH holding only the venv (python, cwlgen), where no `dot` can be found
    env = {**os.environ, "PATH": str(VENV_BIN)}
    assert shutil.which("dot", path=env["PATH"]) is None
    for name in ("wf.svg", "wf.png", "wf.html"):
        proc = cwlgen("graph", f"{WORDCOUNT}:split_and_rank", "-o", name, cwd=tmp_path,
                      env=env)
        assert proc.returncode == 2  # asks for a picture this machine cannot draw: usage
        assert "error[CG801]" in proc.stderr and "apt-get install graphviz" in proc.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a page without picture
    ok = cwlgen("graph", f"{WORDCOUNT}:split_and_rank", "-o", "wf.dot", cwd=tmp_path, env=env)
    assert ok.returncode == 0, ok.stderr


def test_a_miswired_workflow_is_drawn_and_its_errors_printed(tmp_path: Path) -> None:
    need_dot()
    proc = cwlgen("graph", str(REPO / "examples" / "miswired.py"), "-o", "bad.svg",
                  cwd=tmp_path)
    assert proc.returncode == 1
    assert "error[CG201]" in proc.stderr and "miswired.py:28" in proc.stderr
    assert ">count_lines<" in (tmp_path / "bad.svg").read_text()


def test_target_and_usage_errors(tmp_path: Path) -> None:
    missing = cwlgen("graph", f"{WORDCOUNT}:nope", cwd=tmp_path)
    assert missing.returncode == 2 and "error[CG002]" in missing.stderr
    depth = cwlgen("graph", f"{WORDCOUNT}:rank", "--depth", "-1", cwd=tmp_path)
    assert depth.returncode == 2 and "--depth" in depth.stderr
    svg = cwlgen("graph", f"{WORDCOUNT}:rank", "--format", "svg", cwd=tmp_path)
    assert svg.returncode == 2 and "needs -o FILE" in svg.stderr
    fmt = cwlgen("graph", f"{WORDCOUNT}:rank", "--format", "gif", cwd=tmp_path)
    assert fmt.returncode == 2 and "invalid choice" in fmt.stderr


@pytest.mark.parametrize("image, target", [
    ("wordcount.svg", "examples/wordcount.py:split_and_rank"),
    ("tiny_lofar.svg", "pipelines/tiny_lofar.py:tiny_lofar"),
])
def test_the_pictures_in_the_docs_are_up_to_date(tmp_path: Path, image: str, target: str) -> None:
    """docs/images shows what `cwlgen graph` draws today (`make images` redraws them); texts
    are compared, not bytes, since the layout depends on the Graphviz version."""
    need_dot()
    fresh = tmp_path / image
    proc = cwlgen("graph", f"{REPO / target}", "-o", str(fresh), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr

    def texts(svg: Path) -> list[str]:
        return sorted(re.findall(r">([^<>]+)</text>", svg.read_text()))

    assert texts(REPO / "docs" / "images" / image) == texts(fresh), "run `make images`"
