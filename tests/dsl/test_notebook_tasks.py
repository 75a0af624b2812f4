"""A `@task` defined in a notebook cell compiles and runs: cwlgen ships a module built from the
cells (the task, the notebook functions and classes it uses, imports, constants).

The cells run in a real IPython shell (what a Jupyter kernel runs them in); the compiled
workflow is run by cwltool. Executing whole notebooks is tests/notebooks/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import cwlgen

IPython = pytest.importorskip("IPython")

CELLS = [
    """\
%load_ext autoreload
import math
import numpy as np
from typing import NamedTuple
import cwlgen
from cwlgen import File, task, workflow
SCALE = 2.5
UNUSED = object()
NAMES = {"gamma", "alpha", "beta", "delta"}
""",
    """\
class Stats(NamedTuple):
    total: float
    count: int

def helper(x: float) -> float:
    return math.sqrt(x) * SCALE * (len(NAMES) // 4)
""",
    """\
@task
def summarise(values: list[float]) -> Stats:
    arr = np.asarray([helper(v) for v in values])
    return Stats(total=float(arr.sum()), count=len(values))

@workflow
def nb_workflow(values: list[float]) -> Stats:
    return summarise(values=values)
""",
]


@pytest.fixture
def shell() -> Iterator[Any]:
    from IPython.core.interactiveshell import InteractiveShell

    sh = InteractiveShell.instance()
    sh.reset(new_session=True)
    for cell in CELLS:
        result = sh.run_cell(cell, store_history=True)
        assert result.success, result.error_in_exec or result.error_before_exec
    yield sh
    sh.reset(new_session=True)


def test_the_shipped_module_holds_what_the_task_uses_in_order(shell: Any) -> None:
    summarise = shell.user_ns["summarise"]
    tool = summarise.process_ir()
    assert tool.diagnostics == ()
    source = tool.python.module_source
    assert source.splitlines()[2:6] == ["import math", "import numpy as np",
                                        "from cwlgen import task", "from typing import NamedTuple"]
    assert "SCALE = 2.5" in source and "UNUSED" not in source and "autoreload" not in source
    # a set is written sorted: the same text under every hash seed
    assert "NAMES = {'alpha', 'beta', 'delta', 'gamma'}" in source
    assert source.index("class Stats") < source.index("def helper") < source.index("@task")
    compile(source, "<shipped>", "exec")  # valid Python on its own


def test_a_notebook_task_runs_with_cwltool_and_locally(shell: Any, tmp_path: Any) -> None:
    wf = shell.user_ns["nb_workflow"]
    first = cwlgen.compile(wf).texts()
    assert cwlgen.compile(wf).texts() == first  # byte-stable
    result = cwlgen.run(wf, values=[1.0, 4.0], outdir=tmp_path)
    assert (result.total, result.count) == (7.5, 2)
    local = cwlgen.run_local(wf, values=[1.0, 4.0])
    assert (local.total, local.count) == (7.5, 2)


def test_a_name_that_cannot_be_shipped_is_an_error_naming_it(shell: Any) -> None:
    result = shell.run_cell(
        "@task\n"
        "def uses_object(x: int) -> int:\n"
        "    return x if UNUSED else 0\n", store_history=True)
    assert result.success
    with pytest.raises(cwlgen.CompileError) as info:
        cwlgen.compile(shell.user_ns["uses_object"])
    text = str(info.value)
    assert "error[CG112]" in text
    assert ("'UNUSED' (a value of type object, used by uses_object -> UNUSED) cannot be "
            "shipped") in text
    assert "pass it as a parameter" in text


def test_diagnostics_name_the_notebook_cell_and_its_line(shell: Any) -> None:
    wiring = shell.run_cell(
        "@workflow\n"
        "def miswired(values: list[float]) -> Stats:\n"
        "    stats = summarise(values=values)\n"
        "    return summarise(values=stats.count)\n", store_history=True)
    assert wiring.success
    cell = shell.execution_count - 1  # the cell just run
    with pytest.raises(cwlgen.CompileError) as info:
        cwlgen.compile(shell.user_ns["miswired"])
    lines = str(info.value).splitlines()
    assert any(line.startswith(f"In[{cell}]:4: error[CG201]: argument 'values' of "
                               "'summarise'") for line in lines), lines
    assert "ipykernel" not in str(info.value) and "ipython-input" not in str(info.value)


def test_determinism_checks_point_at_the_cells_not_at_the_shipped_module(shell: Any) -> None:
    from cwlgen.messages import format_diagnostic

    for cell in ("import random\ndef jitter() -> float:\n    return random.random()\n",
                 "@task\ndef noisy(x: float) -> float:\n    return x + jitter()\n"):
        assert shell.run_cell(cell, store_history=True).success
    noisy_cell = shell.execution_count - 1
    [problem] = cwlgen.check(shell.user_ns["noisy"])
    text = format_diagnostic(problem)
    assert text.startswith(f"In[{noisy_cell - 1}]:3: error[CG401]: task 'noisy' calls "
                           "random.random() without seeding"), text
    assert f"In[{noisy_cell}]:3: note: task 'noisy' reaches helper 'jitter' here" in text
