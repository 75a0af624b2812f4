"""The notebooks in notebooks/: committed without outputs, and each one executed from top to
bottom in a fresh kernel running this Python (the project's venv), started in notebooks/ as
Jupyter would. A cell that raises fails the test. The executed notebook is exported to HTML
with nbconvert and opened in headless Chromium: the pictures and results must be on the page,
with no error output and no console errors.

`pytest --nbmake notebooks/` runs them the same way (without the page checks). Set
CWLGEN_SCREENSHOTS=DIR to keep the screenshots for a look.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from headless_chromium import open_page
from needs import need_commands, need_module

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
# the tiny LOFAR notebook runs the radio tools
RUNS = [pytest.param(p, marks=pytest.mark.radio) if p.name.startswith("03-") else p
        for p in NOTEBOOKS]

# what each notebook's page must show once executed
MUST_SHOW = {
    "01-write-check-test.ipynb": [
        "workflow word_stats(texts: list[File]) -&gt; (total: int, mean: float)",
        ">count_words<", ">parse_count<", ">summarise<",
        "In[5]:4: error[CG201]: argument 'counts' of 'summarise' expects int[]",
        "Summary(total=6, mean=2.0)", "def summarise(counts: list[int]) -&gt; Summary:"],
    "02-compile-graph-run.ipynb": [
        ">split_lines<", ">count_words<", ">sort_numbers<", "flowchart TB",
        "CWL: split_and_rank.cwl (main, 5 files)", "cwl/split_and_rank.cwl",
        '"out": "sorted.txt"'],
    "03-tiny-lofar.ipynb": [
        ">synthesise_ms<", ">wsclean<", ">check_sources<", "sb100_avg-image.fits",
        "every source found within the tolerances", "image/png"],
}


def test_every_notebook_is_listed_here() -> None:
    assert len(NOTEBOOKS) >= 3
    assert {p.name for p in NOTEBOOKS} == set(MUST_SHOW)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_carry_no_outputs(path: Path) -> None:
    book = json.loads(path.read_text(encoding="utf-8"))
    dirty = [i for i, cell in enumerate(book["cells"]) if cell["cell_type"] == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert dirty == [], (f"{path.name}: cells {dirty} carry outputs; strip them (Jupyter: "
                         "Edit > Clear Outputs of All Cells; or `jupyter nbconvert "
                         "--clear-output --inplace`) before committing")
    assert book["metadata"]["kernelspec"]["name"] == "python3"


def _needs(name: str) -> None:
    need_module("nbclient")
    need_module("ipykernel")
    if name.startswith("03-"):
        need_commands("wsclean", "aoflagger", "DP3.py")
        need_module("casacore")
        need_module("astropy")
        need_module("matplotlib")


def execute(path: Path, tmp_path: Path) -> Any:
    """Run the notebook in a kernel of this very Python, from notebooks/ like Jupyter does."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    spec_dir = tmp_path / "kernels" / "cwlgen-venv"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "cwlgen venv", "language": "python"}))
    specs = KernelSpecManager(kernel_dirs=[str(spec_dir.parent)])
    km = KernelManager(kernel_name="cwlgen-venv", kernel_spec_manager=specs)
    book = nbformat.read(path, as_version=4)
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                                  os.environ.get("PATH", "")]),
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    client = NotebookClient(book, km=km, timeout=600, allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    old = dict(os.environ)
    os.environ.update(env)  # the kernel inherits the environment it is started with
    try:
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return book


def to_html(book: Any, target: Path) -> str:
    """The executed notebook as a page, without the CDN scripts (MathJax, require.js) that an
    offline machine cannot load and these notebooks do not use."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(book)
    body = re.sub(r'<script src="https?://[^"]*">\s*</script>', "", body)
    target.write_text(body, encoding="utf-8")
    return body


@pytest.mark.parametrize("path", RUNS, ids=lambda p: p.name)
def test_notebook_runs_and_its_page_shows_the_results(path: Path, tmp_path: Path) -> None:
    _needs(path.name)
    book = execute(path, tmp_path)
    errors = [o for cell in book.cells for o in cell.get("outputs", [])
              if o.get("output_type") == "error"]
    assert errors == []
    page_path = tmp_path / f"{path.stem}.html"
    html = to_html(book, page_path)
    for text in MUST_SHOW[path.name]:
        assert text in html, f"{path.name}: {text!r} not on the page"
    page = open_page(page_path, tmp_path / f"notebook-{path.stem}.png", width=1200,
                     height=3000)
    folder = os.environ.get("CWLGEN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(page.screenshot, Path(folder) / page.screenshot.name)
    assert page.console_errors == []
    assert "Traceback" not in page.dom
    assert page.dom.count("<svg") >= 1  # the workflow pictures made it onto the page
