"""Conditionals and values computed at the step, run by cwltool with outputs checked
(tests/fixtures/examples/conditionals.py): every pick method, conditions with and without
JavaScript, conditional scatter tested per item, or_default, record fields, merge_flattened,
a raw value_from and an ExpressionTool. run_local gives the same outputs as cwltool."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fixtures.examples import conditionals as ex

import cwlgen
from tests.conftest import Built


def expected_choice(x: int, flag: bool, items: list[int], limit: int | None) -> dict[str, Any]:
    """What `choose` computes, written out in Python."""
    chosen = 2 * x if flag else -x
    kept = [2 * i for i in items if i < 3]
    big = 2 * x if x > 2 and (flag or limit is None) else None
    return {"chosen": chosen, "only": chosen, "kept": kept,
            "described": f"{len(kept)}:{','.join(str(k) for k in kept)}",
            "fallback": 2 * (big if big is not None else 100)}


JOBS = [
    {"x": 3, "flag": True, "items": [1, 2, 3, 4]},
    {"x": 3, "flag": False, "items": [5], "limit": 4},
    {"x": 1, "flag": False, "items": [0, 7, 2]},
]


@pytest.mark.parametrize("job", JOBS, ids=["flag", "no-flag-limit", "small-x"])
def test_conditionals_run_under_cwltool_and_run_local(
    job: dict[str, Any], cwl_build: Callable[..., Built],
    cwl_run: Callable[..., dict[str, Any]], tmp_path: Path,
) -> None:
    built = cwl_build(ex.choose)
    got = cwl_run(built.main, job)
    want = expected_choice(job["x"], job["flag"], job["items"], job.get("limit"))
    assert got == want
    local = cwlgen.run_local(ex.choose, _workdir=tmp_path / "local", **job)
    assert local._asdict() == want


def test_bool_conditions_need_no_javascript_comparisons_do(
        cwl_build: Callable[..., Built]) -> None:
    doc = cwl_build(ex.choose).doc()
    whens = {sid: s.get("when") for sid, s in doc["steps"].items()}
    assert whens["double"] == "$(inputs.flag)"
    assert whens["negate"] == "$(!inputs.flag)"
    assert whens["double_2"] == "$(inputs.x > 2 && (inputs.flag || inputs.limit === null))"
    assert {"class": "InlineJavascriptRequirement"} in doc["requirements"]


def test_merge_flattened_value_from_and_expression_tool_run_under_cwltool(
    cwl_build: Callable[..., Built], cwl_run: Callable[..., dict[str, Any]],
) -> None:
    built = cwl_build(ex.flatten)
    assert built.doc("add_one.cwl")["class"] == "ExpressionTool"
    got = cwl_run(built.main, {"x": 5})
    assert got == {"flat": [10, 10, 10], "total": 30, "plus_one": 6, "shifted": 14}


def test_run_local_refuses_javascript_with_a_clear_message() -> None:
    with pytest.raises(cwlgen.RunError, match="does not run JavaScript.*add_one"):
        cwlgen.run_local(ex.flatten, x=5)
    with pytest.raises(cwlgen.RunError, match=r"does not run JavaScript.*\$\(self \+ 2\)"):
        cwlgen.run_local(ex.flatten, x=5, _stubs={"add_one": lambda x: x + 1})
