"""`cwlgen.run` in a Jupyter notebook shows its progress in the cell's output, updated in place
(no ipywidgets needed), and ends with the per-step table; run in a real kernel (nbclient)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_run_in_a_notebook_cell_shows_progress_and_the_final_table(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    cell = (f"import sys\nsys.path.insert(0, {str(REPO)!r})\n"
            "import cwlgen\n"
            "from tests.runners import report_workflows as rw\n"
            "print(cwlgen.run(rw.burn_all, ns=[1, 2]))\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    env_path = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env_path}"
    try:
        client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                         resources={"metadata": {"path": str(tmp_path)}})
        client.execute()
    finally:
        os.environ["PATH"] = env_path
    outputs = nb.cells[0].outputs
    htmls = [o["data"]["text/html"] for o in outputs
             if o.get("output_type") == "display_data" and "text/html" in o.get("data", {})]
    progress = [h for h in htmls if "cwlgen-progress" in h]
    assert len(progress) == 1, outputs  # one output area, updated in place
    assert "<progress max='3' value='3'" in progress[0]  # 2 burn jobs + total, known up front
    assert "2/2 steps done" in progress[0] and "(3/3 jobs)" in progress[0]
    tables = [h for h in htmls if "cache hit" in h]  # rich renders the final table as HTML
    assert tables and "burn" in tables[0]
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream"
                      and o.get("name") == "stdout")
    assert printed.strip() == "5"
