"""`cwlgen.backend.graph`: the DOT and Mermaid texts of a workflow say what a person needs to
see (steps with what runs, scatters, subworkflows to a depth, conditions, types) and are
byte-stable. Graphviz itself parses every DOT text here (`dot -Tsvg`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cwlgen.backend.graph import GraphOptions, graph_model, to_dot, to_mermaid
from cwlgen.cli.targets import load_target
from cwlgen.ir import StepInput, Workflow, WorkflowInputRef
from cwlgen.ir.frozen import evolve

REPO = Path(__file__).resolve().parents[2]


def ir(target: str) -> Any:
    return load_target(str(REPO / target))[0].process_ir()


@pytest.fixture(scope="module")
def wordcount() -> Workflow:
    process = ir("examples/wordcount.py:split_and_rank")
    assert isinstance(process, Workflow)
    return process


def dot_parses(text: str) -> str:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz 'dot' is not installed")
    proc = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr  # no warnings either
    return proc.stdout


def test_dot_shows_steps_with_what_they_run_and_the_subworkflow_as_a_cluster(
    wordcount: Workflow,
) -> None:
    dot = to_dot(wordcount)
    assert 'subgraph "cluster:step/rank"' in dot
    assert "<B>split_lines</B>" in dot and "$ split -l 1" in dot
    assert "<B>count_words</B>" in dot and "$ wc -w" in dot
    assert "reverse = True" in dot  # a literal argument is shown at its step
    # the scattered step is a stack (box3d) saying what it scatters over
    count = next(line for line in dot.splitlines() if '"step/rank/step/count_words" [' in line)
    assert "shape=box3d" in count and "scatter text" in count
    sort = next(line for line in dot.splitlines() if '"step/rank/step/sort_numbers" [' in line)
    assert "shape=box," in sort
    # workflow input -> step -> subworkflow input; subworkflow output -> workflow output
    assert '"in/text" -> "step/split_lines";' in dot
    assert '"step/split_lines" -> "step/rank/in/texts";' in dot
    assert '"step/rank/out/ranking" -> "out/out";' in dot  # both ends are named
    svg = dot_parses(dot)
    for name in ("split_lines", "count_words", "sort_numbers", "rank", "text", "out"):
        assert f">{name}<" in svg


def test_depth_zero_draws_a_subworkflow_as_one_box(wordcount: Workflow) -> None:
    dot = to_dot(wordcount, GraphOptions(depth=0))
    assert "cluster" not in dot and "count_words" not in dot
    assert '"step/rank" [shape=box, style="filled,bold"' in dot
    assert "workflow: rank" in dot
    assert '"step/split_lines" -> "step/rank" [label="texts"];' in dot
    assert '"step/rank" -> "out/out" [label="ranking"];' in dot
    dot_parses(dot)


def test_nested_subworkflows_expand_to_the_depth_asked_for(tmp_path: Path) -> None:
    (tmp_path / "nested.py").write_text(
        "from typing import Annotated\n"
        "from cwlgen import File, stdout, tool, workflow\n"
        "@tool('wc -l')\n"
        "def count(text: File) -> Annotated[File, stdout()]:\n"
        "    '''Count.'''\n"
        "@workflow\n"
        "def inner(text: File) -> File:\n"
        "    return count(text=text)\n"
        "@workflow\n"
        "def middle(text: File) -> File:\n"
        "    return inner(text=text)\n"
        "@workflow\n"
        "def outer(texts: list[File]) -> list[File]:\n"
        "    return middle.map(text=texts)\n")
    process = load_target(f"{tmp_path / 'nested.py'}:outer")[0].process_ir()
    shallow, deep = to_dot(process, GraphOptions(depth=1)), to_dot(process, GraphOptions(depth=5))
    assert shallow.count("subgraph") == 1 and '"step/middle/step/inner" [' in shallow
    assert deep.count("subgraph") == 2 and '"step/middle/step/inner/step/count" [' in deep
    assert "penwidth=3" in deep  # the scattered subworkflow's frame is heavy
    assert "scatter text" in deep
    assert '"in/texts" -> "step/middle/in/text"' in deep
    assert '"step/middle/step/inner/step/count" -> "step/middle/step/inner/out/out"' in deep
    for text in (shallow, deep):
        dot_parses(text)


def test_types_on_edges_only_on_request(wordcount: Workflow) -> None:
    plain, typed = to_dot(wordcount), to_dot(wordcount, GraphOptions(types=True))
    assert "list[File]" not in plain.split("->", 1)[1]
    edge = '"step/rank/step/count_words" -> "step/rank/step/sort_numbers"'
    assert f'{edge} [label="files\\nlist[File]"]' in typed
    dot_parses(typed)


def test_a_python_task_and_a_multi_input_scatter_show_their_method() -> None:
    process = ir("pipelines/tiny_lofar.py:tiny_lofar")
    dot = to_dot(process)
    assert "python: synthesise_ms()" in dot and "python: check_sources()" in dot
    assert re.search(r"scatter image, residual, truth, flagged, averaged \(dotproduct\)", dot)
    dot_parses(dot)


def test_a_conditional_step_is_dashed_and_shows_its_condition(wordcount: Workflow) -> None:
    step = wordcount.steps[0]
    conditional = evolve(step, when="$(inputs.flag && inputs.n > 2)", inputs=(
        *step.inputs,
        # a step input only the step's condition reads (`extra` in the IR of conditionals)
        StepInput(name="flag", extra=True, sources=(
            WorkflowInputRef(name="text", type=wordcount.inputs[0].type),))))
    wf = evolve(wordcount, steps=(conditional, *wordcount.steps[1:]))
    dot = to_dot(wf)
    line = next(x for x in dot.splitlines() if '"step/split_lines" [' in x)
    assert 'style="dashed,filled"' in line and "when flag &amp;&amp; n &gt; 2" in line
    # the input only the condition reads arrives on a dashed edge
    assert '"in/text" -> "step/split_lines" [label="flag", style=dashed];' in dot
    mermaid = to_mermaid(wf)
    assert "class n1 conditional" in mermaid
    assert 'n0 -.->|"flag"| n1' in mermaid
    dot_parses(dot)


def test_a_single_tool_is_drawn_between_its_inputs_and_outputs() -> None:
    tool = ir("examples/wordcount.py:sort_numbers")
    model = graph_model(tool)
    assert [n.id for n in model.nodes] == ["in/files", "in/reverse", "step/sort_numbers",
                                           "out/out"]
    dot_parses(to_dot(tool))


def test_mermaid_has_the_same_picture(wordcount: Workflow) -> None:
    text = to_mermaid(wordcount, GraphOptions(types=True))
    assert text.startswith("flowchart TB\n")
    assert 'subgraph n3["<b>rank</b> · workflow: rank"]' in text
    assert 'n5[["<b>count_words</b><br/>$ wc -w<br/>scatter text"]]:::tool' in text
    assert 'n5 -->|"files<br/>list[File]"| n6' in text
    assert text.count("\n  end\n  style n3 fill:#f7f8fd,stroke:#3949ab\n") == 1


def test_texts_are_byte_stable_across_processes_and_hash_seeds() -> None:
    script = ("import sys; from cwlgen.cli.targets import load_target; "
              "from cwlgen.backend.graph import to_dot, to_mermaid, GraphOptions; "
              f"p = load_target({str(REPO / 'pipelines/tiny_lofar.py:tiny_lofar')!r})[0]"
              ".process_ir(); o = GraphOptions(types=True); "
              "sys.stdout.write(to_dot(p, o) + to_mermaid(p, o))")
    outs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env=env, cwd="/", timeout=120)
        assert proc.returncode == 0, proc.stderr
        outs.add(proc.stdout)
    assert len(outs) == 1
    assert str(REPO) not in outs.pop()  # no absolute paths


def test_a_workflow_written_with_when_and_pick_value(tmp_path: Path) -> None:
    """With the DSL's conditionals (`tool.when(cond)(...)`, `pick_value`): dashed steps with
    their condition, dashed condition-only inputs, the pick on the output."""
    import cwlgen

    if not hasattr(cwlgen, "pick_value"):
        pytest.skip("this build has no conditionals (tool.when) yet")
    (tmp_path / "cond.py").write_text(
        "from typing import Annotated\n"
        "from cwlgen import File, pick_value, stdout, tool, workflow\n"
        "@tool('wc -l')\n"
        "def count(text: File) -> Annotated[File, stdout()]:\n"
        "    '''Count.'''\n"
        "@tool('sort')\n"
        "def sort_it(text: File) -> Annotated[File, stdout()]:\n"
        "    '''Sort.'''\n"
        "@workflow\n"
        "def maybe(text: File, flag: bool, n: int) -> File:\n"
        "    a = count.when(flag)(text=text)\n"
        "    b = sort_it.when(n > 2)(text=text)\n"
        "    return pick_value(a, b, method='first_non_null')\n")
    process = load_target(f"{tmp_path / 'cond.py'}:maybe")[0].process_ir()
    dot = to_dot(process)
    count = next(x for x in dot.splitlines() if '"step/count" [' in x)
    sort = next(x for x in dot.splitlines() if '"step/sort_it" [' in x)
    assert 'style="dashed,filled"' in count and "when flag" in count
    assert 'style="dashed,filled"' in sort and "when n &gt; 2" in sort
    assert '"in/flag" -> "step/count" [style=dashed];' in dot
    assert "pick first_non_null" in dot
    dot_parses(dot)
