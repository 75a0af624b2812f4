"""Make the sample run report shown in the README and the docs: run the tiny LOFAR pipeline
(three subbands) with cwltool and `--report`, keep the report as docs/images/run-report.html
and a screenshot of it (headless Chromium) as docs/images/run-report.png.

Needs wsclean, aoflagger, DP3 and python-casacore (see pipelines/TINY_LOFAR.md) and chromium.
`python scripts/report_picture.py` (about ten seconds)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IMAGES = REPO / "docs" / "images"


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO), "OPENBLAS_NUM_THREADS": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    with tempfile.TemporaryDirectory(prefix="cwlgen-report-") as work:
        proc = subprocess.run(
            [sys.executable, "-m", "cwlgen", "run", "pipelines/tiny_lofar.py:tiny_lofar",
             "-i", "subbands=[100, 200, 300]", "--parallel", "--progress", "plain",
             "--outdir", f"{work}/out", "--build-dir", f"{work}/build",
             "--report", f"{work}/run-report.html"],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        # the sample shows where things went relative to the folder it ran in
        page = Path(work, "run-report.html").read_text().replace(work + "/", "./")
        page = page.replace(str(REPO) + "/", "")
        (IMAGES / "run-report.html").write_text(page)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("chromium is not installed: kept the HTML only", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                        f"--user-data-dir={profile}", "--window-size=1250,800",
                        f"--screenshot={IMAGES / 'run-report.png'}",
                        (IMAGES / "run-report.html").as_uri()],
                       check=True, capture_output=True, timeout=120)
    print(f"wrote {IMAGES / 'run-report.html'} and {IMAGES / 'run-report.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
