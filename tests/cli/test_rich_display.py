"""What a notebook shows for a workflow, a tool, a compiled result and `cwlgen.graph(...)`:
the typed signature, the picture (inline SVG), problems instead of an exception, and every
CWL file, equal to what `cwlgen build` writes, in a collapsible section."""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any

import pytest

import cwlgen
from cwlgen.cli.targets import load_target

REPO = Path(__file__).resolve().parents[2]


def load(target: str) -> Any:
    return load_target(str(REPO / target))[0]


@pytest.fixture(autouse=True)
def _dot() -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz 'dot' is not installed")


def test_a_workflow_shows_signature_picture_and_its_cwl() -> None:
    wf = load("examples/wordcount.py:split_and_rank")
    bundle = wf._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    first, second = bundle["text/plain"].splitlines()[:2]
    assert first.startswith("<cwlgen workflow ") and first.endswith("wordcount:split_and_rank>")
    assert second == "split_and_rank(text: File) -> File"
    page = bundle["text/html"]
    assert "workflow split_and_rank(text: File) -&gt; File" in page
    assert "Split a file into lines and rank them by word count." in page
    assert page.count("<svg") == 1 and ">count_words</text>" in page
    assert "warning[CG302]" in page  # warnings are shown, not hidden
    compiled = cwlgen.compile(wf)
    for path, text in compiled.texts().items():
        assert f"<summary>CWL: {path}" in page
        assert html.escape(text) in page
    assert "<script" not in page
    assert wf._repr_html_() == page


def test_a_tool_shows_itself_between_its_inputs_and_outputs() -> None:
    tool = load("examples/wordcount.py:sort_numbers")
    page = tool._repr_mimebundle_()["text/html"]
    assert "tool sort_numbers(files: list[File], reverse: bool = False) -&gt; File" in page
    assert ">$ sort &#45;n</text>" in page or ">$ sort -n</text>" in page
    assert "<summary>CWL: sort_numbers.cwl</summary>" in page


def test_a_miswired_workflow_shows_its_errors_instead_of_raising() -> None:
    bad = load("examples/miswired.py")
    bundle = bad._repr_mimebundle_()
    assert "error[CG201]" in bundle["text/plain"]
    page = bundle["text/html"]
    assert 'class="cwlgen-errors"' in page and "error[CG201]" in page
    assert "<svg" in page  # still drawn, so the miswiring can be seen
    assert "<summary>CWL" not in page  # nothing compiled


def test_compiled_and_graph_display_themselves() -> None:
    compiled = cwlgen.compile(load("examples/wordcount.py:rank"))
    bundle = compiled._repr_mimebundle_()
    assert bundle["text/plain"].startswith("<cwlgen.Compiled rank.cwl: count_words.cwl, "
                                           "rank.cwl, sort_numbers.cwl>")
    assert "<summary>CWL: rank.cwl (main, 3 files)</summary>" in bundle["text/html"]
    picture = cwlgen.graph(load("examples/wordcount.py:split_and_rank"), depth=0, types=True)
    shown = picture._repr_mimebundle_()
    assert shown["text/plain"] == "<cwlgen graph of split_and_rank (depth=0)>"
    assert "<svg" in shown["text/html"] and ">workflow: rank</text>" in shown["text/html"]
    assert picture.svg.startswith("<svg")


def test_without_graphviz_the_rest_still_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # no `dot` to be found
    page = load("examples/wordcount.py:split_and_rank")._repr_html_()
    assert "error[CG801]" in page and "apt-get install graphviz" in page
    assert "split_and_rank(text: File) -&gt; File" in page and "<summary>CWL" in page
    with pytest.raises(cwlgen.UsageError, match="CG801"):
        cwlgen.graph(load("examples/wordcount.py:split_and_rank")).save("/nonexistent/x.svg")
