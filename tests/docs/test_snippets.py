"""Every Python and shell snippet in README.md and docs/ runs as written (see snippets.py for
the conventions), and mypy --strict accepts the Python of each page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.snippets import REPO, parse_blocks, python_sources, run_page

PAGES = sorted([REPO / "README.md", *(REPO / "docs").rglob("*.md")])
IDS = [str(p.relative_to(REPO)) for p in PAGES]
# Pages whose Python blocks are fragments shown for their diagnostics, not programs.
# (Their diagnostics are checked instead: see snippets._check_diagnostics.)
NOT_TYPED = {"docs/diagnostics.md"}


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_page_snippets_run(page: Path, tmp_path: Path) -> None:
    run = run_page(page, tmp_path)
    for skipped in run.skipped:
        print(f"skipped {skipped}")


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_page_python_passes_mypy(page: Path, tmp_path: Path, mypy_cache: Path) -> None:
    if str(page.relative_to(REPO)) in NOT_TYPED:
        pytest.skip("code that is wrong on purpose, to show each diagnostic; the other test "
                    "checks that cwlgen reports it")
    sources = python_sources(page)
    if not sources:
        pytest.skip("no Python on this page")
    for name, text in sources.items():
        (tmp_path / name).write_text(text)
    # from the repository root, with its mypy settings, as `make typecheck` runs
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
         "--cache-dir", str(mypy_cache), *(str(tmp_path / name) for name in sorted(sources))],
        cwd=REPO, capture_output=True, text=True, timeout=600,
        env={"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path)})
    # module docsnip_* has the page's own line numbers: report them against the page
    report = proc.stdout.replace(str(tmp_path) + "/", "").replace(
        "docsnip_", f"{page.relative_to(REPO)} (as docsnip_")
    assert proc.returncode == 0, report


def test_every_skip_gives_a_reason() -> None:
    for page in PAGES:
        for line in page.read_text().splitlines():
            if "<!-- skip:" in line:
                assert '"' in line, f"{page}: skip without a reason: {line}"


def test_pages_have_runnable_blocks() -> None:
    """The runner recognises the blocks these pages use (a typo in a fence would hide one)."""
    languages = {b.language for p in PAGES for b in parse_blocks(p)}
    assert {"python", "console"} <= languages


NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS or [None],
                         ids=[p.name for p in NOTEBOOKS] or ["none"])
def test_notebook_code_passes_mypy(notebook: Path | None, tmp_path: Path,
                                   mypy_cache: Path) -> None:
    """The notebooks' cells, one after another, as one module (their execution is tested
    with the notebooks themselves), `--strict` like the pages except for two codes that
    only third-party code triggers: notebooks call IPython's untyped display functions
    (`no-untyped-call`) and use a library without type information (astropy,
    `import-untyped`)."""
    if notebook is None:
        pytest.skip("no notebooks in this checkout")
    import json

    cells = json.loads(notebook.read_text())["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    lines = [("# " + line if line.lstrip().startswith(("%", "!")) else line)  # magics
             for cell in code for line in [*cell.splitlines(), ""]]
    module = tmp_path / (notebook.stem.replace("-", "_") + ".py")
    module.write_text("\n".join(lines) + "\n")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
         # third-party code without types: IPython's display functions, astropy (which
         # makes cwlgen's own `ignore[import-untyped]` comments look unused)
         "--disable-error-code=no-untyped-call", "--disable-error-code=import-untyped",
         "--no-warn-unused-ignores", "--cache-dir", str(mypy_cache), str(module)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
        env={"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stdout.replace(str(tmp_path) + "/", f"{notebook.name}: ")
