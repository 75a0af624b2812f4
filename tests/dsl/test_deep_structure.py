"""No depth limit a user can reach (issue 14, target 4): 500 levels of nested subworkflows and a
20,000-step chain compile under Python's default recursion limit, through every stage (tracing,
checks, lowering, emission, the graph picture); a cycle deep down is still reported as CG301;
a nested workflow deeper than the on-stack limit is run by cwltool and gives the right output."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import pytest
from conftest import build_definition, file_obj, read_output, run_cwl

import cwlgen
from cwlgen import File
from cwlgen.backend.graph.model import GraphOptions
from cwlgen.dsl.tracing import NEST_ON_STACK
from cwlgen.pictures import graph_bytes


@cwlgen.tool("cat")
def cat(text: File) -> Annotated[File, cwlgen.stdout()]:
    """Copies its input."""


@cwlgen.tool("rev")
def rev(text: File) -> Annotated[File, cwlgen.stdout()]:
    """Reverses each line."""


def _workflow(name: str, body: Callable[[File], File]) -> Any:
    """A workflow `name(text: File) -> File` whose body is `body(text)`."""

    def f(text: File) -> File:
        return body(text)

    f.__name__ = f.__qualname__ = name
    return cwlgen.workflow(f)


def nested(depth: int, *, careful: bool = False) -> Any:
    """`level{depth-1}` calls `level{depth-2}` ... calls `level0`, which runs `rev`; each
    level above runs `cat` on its subworkflow's result. `careful` bodies wrap their call in
    `try: ... except Exception`, as a user might."""
    wf = _workflow("level0", lambda text: rev(text=text))
    for i in range(1, depth):

        def body(text: File, inner: Any = wf) -> File:
            if not careful:
                return cat(text=inner(text=text))
            try:
                return cat(text=inner(text=text))
            except Exception:  # noqa: BLE001 - what a user might write
                raise AssertionError("the suspended trace reached user code") from None

        wf = _workflow(f"level{i}", body)
    return wf


def chain(n: int) -> Any:
    def long_chain(text: File) -> File:
        x = text
        for _ in range(n):
            x = cat(text=x)
        return x

    return cwlgen.workflow(long_chain)


def test_500_nested_levels_compile_in_both_layouts_and_draw() -> None:
    assert sys.getrecursionlimit() <= 1000 + 500  # nothing raised the limit for us
    wf = nested(500)
    folder = cwlgen.compile(wf).texts()
    assert len(folder) == 500 + 2  # 500 workflows, cat, rev
    assert "run: level498.cwl" in folder["level499.cwl"]
    assert "run: rev.cwl" in folder["level0.cwl"]
    (packed,) = cwlgen.compile(wf, pack=True).texts().values()
    assert packed.count("class: Workflow") == 500
    dot = graph_bytes(wf.process_ir(), "dot", GraphOptions(depth=1000)).decode()
    assert dot.count('subgraph "cluster:') == 499


def test_20000_step_chain_compiles() -> None:
    main = cwlgen.compile(chain(20_000)).texts()["long_chain.cwl"]
    assert main.count("run: cat.cwl") == 20_000
    assert "outputSource: cat_20000/out" in main


def test_a_cycle_deeper_than_the_stack_limit_is_still_cg301() -> None:
    top: Any = None
    wf = _workflow("bottom", lambda text: top(text=text))
    for i in range(NEST_ON_STACK + 10):
        wf = _workflow(f"mid{i}", lambda text, inner=wf: inner(text=text))
    top = wf
    errors = [p for p in cwlgen.check(top) if p.severity == "error"]
    assert [p.code for p in errors] == ["CG301"]
    assert "bottom -> mid" in errors[0].message


def test_a_body_catching_exceptions_does_not_swallow_the_suspended_trace() -> None:
    texts = cwlgen.compile(nested(NEST_ON_STACK * 3, careful=True)).texts()
    assert len(texts) == NEST_ON_STACK * 3 + 2


@pytest.mark.parametrize("pack", [False, True], ids=["folder", "packed"])
def test_nesting_deeper_than_the_stack_limit_runs_with_cwltool(tmp_path: Path,
                                                               pack: bool) -> None:
    depth = NEST_ON_STACK + 6
    built = build_definition(nested(depth), tmp_path / "cwl", pack=pack, validate=False)
    data = tmp_path / "in.txt"
    data.write_text("abc\nxyz\n", encoding="utf-8")
    out = run_cwl(built.main, {"text": file_obj(data)}, tmp_path / "run")
    assert read_output(out["out"]) == "cba\nzyx\n"
