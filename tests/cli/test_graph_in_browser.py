"""`cwlgen graph` pictures opened in headless Chromium, as a person would: the SVG and the HTML
page show every step by name, in the node colours, with no console errors.

Set CWLGEN_SCREENSHOTS=DIR to keep the screenshots for a look."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from headless_chromium import colour_share, open_page
from needs import need_commands

REPO = Path(__file__).resolve().parents[2]
CWLGEN = str(Path(sys.executable).parent / "cwlgen")
STEPS = ("synthesise_ms", "aoflagger", "dp3_average", "wsclean", "check_sources")


def keep(screenshot: Path) -> None:
    folder = os.environ.get("CWLGEN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(folder) / screenshot.name)


@pytest.mark.parametrize("suffix", ["svg", "html"])
def test_the_tiny_lofar_picture_shows_every_step(tmp_path: Path, suffix: str) -> None:
    need_commands("dot")
    picture = tmp_path / f"tiny_lofar.{suffix}"
    proc = subprocess.run([CWLGEN, "graph", f"{REPO}/pipelines/tiny_lofar.py:tiny_lofar",
                           "-o", str(picture)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    page = open_page(picture, tmp_path / f"graph-{suffix}.png", width=1200, height=1000)
    keep(page.screenshot)
    assert page.console_errors == []
    texts = set(re.findall(r">([^<>]+)</text>", page.dom))
    assert set(STEPS) <= texts
    assert {"subbands", "checks", "images"} <= texts  # workflow inputs and outputs
    assert "python: check_sources()" in texts and "scatter ms" in texts
    # drawn, not only present: the input (green) and tool (yellow) fills are on screen
    assert colour_share(page.screenshot, (0xD9, 0xF2, 0xD9)) > 0.002
    assert colour_share(page.screenshot, (0xFF, 0xF4, 0xD6)) > 0.005
    if suffix == "html":
        assert "tiny_lofar(subbands: list[int] = [100, 200, 300]" in page.dom
