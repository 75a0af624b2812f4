"""Open a local page in headless Chromium as a person would: a screenshot (PNG), the DOM after
scripts ran, and the console messages. Skips (or fails in CI) when Chromium is missing."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import attrs
from needs import missing

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]
# "...:INFO:CONSOLE:12] "Uncaught ReferenceError: x is not defined", source: file:///..."
# (older Chromium writes CONSOLE(12))
_CONSOLE = re.compile(r':CONSOLE[:(]\d+\)?\] "(?P<text>.*)", source: (?P<source>\S*)')


@attrs.frozen
class Page:
    dom: str
    screenshot: Path
    console: tuple[str, ...]

    @property
    def console_errors(self) -> list[str]:
        return [m for m in self.console
                if re.search(r"error|uncaught|failed|refused", m, re.IGNORECASE)]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    missing("Chromium is not installed (Debian: apt-get install chromium)")
    raise AssertionError("unreachable")


def _run(args: list[str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout)


def open_page(page: Path, screenshot: Path, *, width: int = 1280, height: int = 2000) -> Page:
    """Load `page` (file://), wait for its scripts, take a screenshot and dump the DOM."""
    url = page.resolve().as_uri()
    shot = _run([f"--screenshot={screenshot}", f"--window-size={width},{height}",
                 "--virtual-time-budget=5000", url])
    assert screenshot.exists() and screenshot.stat().st_size > 0, shot.stderr[-2000:]
    dumped = _run(["--dump-dom", "--virtual-time-budget=5000", url])
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    console = tuple(m.group("text") for m in _CONSOLE.finditer(shot.stderr + dumped.stderr))
    return Page(dom=dumped.stdout, screenshot=screenshot, console=console)


def colour_share(screenshot: Path, rgb: tuple[int, int, int], tolerance: int = 6) -> float:
    """The share of the screenshot's pixels within `tolerance` of the colour `rgb`."""
    import numpy as np
    from PIL import Image

    with Image.open(screenshot) as im:
        pixels = np.asarray(im.convert("RGB"), dtype=np.int16)
    close = np.all(np.abs(pixels - np.array(rgb, dtype=np.int16)) <= tolerance, axis=-1)
    return float(close.mean())
