"""`.map(..., batch=K)`: ceil(N/K) jobs each processing K items, with outputs identical to the
unbatched scatter (same values, same order, same files) for Python tasks and command-line
tools, under cwltool and Toil."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

import enum
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any, NamedTuple

import attrs
import pytest

import cwlgen
from cwlgen import Arg, Directory, File, Out, stdout, task, tool, workflow
from cwlgen.lower.batching import batch_steps
from cwlgen.runners import run_workflow

# --- Python tasks ---------------------------------------------------------------------------


class Parity(enum.Enum):
    EVEN = "even"
    ODD = "odd"


@attrs.frozen
class Info:
    value: int
    parity: Parity
    label: str | None


@task
def describe(x: int, prefix: str = "n") -> Info:
    return Info(value=x * x, parity=Parity.EVEN if x % 2 == 0 else Parity.ODD,
                label=f"{prefix}{x}" if x % 3 else None)


@task
def save(info: Info) -> File:
    name = f"v{info.value}.txt"
    with open(name, "w") as fh:
        fh.write(f"{info.parity.value} {info.label}")
    return File(name)


@task
def pair(a: int, b: str) -> str:
    return f"{b}{a}"


class TaskOut(NamedTuple):
    infos: list[Info]
    files: list[File]
    pairs: list[str]
    nested: list[list[str]]


def _task_flow(k: int | None) -> Any:
    @workflow
    def tasks(xs: list[int], letters: list[str]) -> TaskOut:
        infos = describe.map(x=xs, prefix="item", batch=k)
        files = save.map(info=infos, batch=k)
        pairs = pair.map(a=xs, b=letters, method="flat_crossproduct", batch=k)
        nested = pair.map(a=xs, b=letters, method="nested_crossproduct", batch=k)
        return TaskOut(infos=infos, files=files, pairs=pairs, nested=nested)

    return tasks


# --- command-line tools ---------------------------------------------------------------------


class ArgvOut(NamedTuple):
    args: Annotated[File, Out(glob="args.txt")]
    folder: Annotated[Directory, Out(glob="d_*")]


@tool("sh", arguments=["-c", 'printf "%s|" "$@" > args.txt; mkdir "d_$1"; echo x > "d_$1/f"',
                       "sh"])
def argv(
    word: Annotated[str, Arg(position=1)],
    n: Annotated[int, Arg(position=2, prefix="-n")],
    tag: Annotated[str, Arg(position=3, prefix="--tag=", separate=False)],
    nums: Annotated[list[int], Arg(position=4, prefix="--nums", item_separator=",")],
    src: Annotated[File, Arg(position=5, value_from="$(self.nameroot)")],
    loud: Annotated[bool, Arg(position=6, prefix="--loud")] = False,
    maybe: Annotated[str | None, Arg(position=7, prefix="--maybe")] = None,
) -> ArgvOut:
    """Record its own command line (every kind of binding)."""


class SplitOut(NamedTuple):
    parts: Annotated[list[File], Out(glob="part*.txt")]
    nothing: Annotated[File | None, Out(glob="missing.txt")]
    joined: Annotated[File, stdout("all.txt")]


@tool("sh", arguments=["-c", 'for i in `seq 1 "$0"`; do echo "$i" > "part$i.txt"; done; '
                       'cat part*.txt 2>/dev/null || true'])
def split(count: Annotated[int, Arg(position=1)]) -> SplitOut:
    """Several parts, an optional output that never exists, and stdout."""


class ToolOut(NamedTuple):
    recorded: list[File]
    folders: list[Directory]
    parts: list[list[File]]
    nothing: list[File | None]
    joined: list[File]


def _tool_flow(k: int | None) -> Any:
    @workflow
    def tools(words: list[str], srcs: list[File], counts: list[int]) -> ToolOut:
        recorded = argv.map(word=words, n=3, tag="t", nums=[1, 2], src=srcs, batch=k)
        made = split.map(count=counts, batch=k)
        return ToolOut(recorded=recorded.args, folders=recorded.folder, parts=made.parts,
                       nothing=made.nothing, joined=made.joined)

    return tools


def _value(v: Any) -> Any:
    """Outputs by content and order: files as (basename, text), folders as listings."""
    if isinstance(v, (list, tuple)):
        return type(v)(_value(x) for x in v) if not hasattr(v, "_fields") else \
            type(v)(*(_value(x) for x in v))
    if isinstance(v, File):
        return ("File", v.basename, Path(v.path).read_text())
    if isinstance(v, Directory):
        return ("Directory", v.basename, sorted(os.listdir(v.path)))
    return v


def test_batched_tasks_give_the_unbatched_outputs(in_tmp_cwd: Path) -> None:
    inputs = {"xs": [1, 2, 3, 4, 5, 6, 7], "letters": ["a", "b"]}
    plain = run_workflow(_task_flow(None), inputs=inputs, outdir="plain", progress=False)
    batched = run_workflow(_task_flow(3), inputs=inputs, outdir="batched", progress=False)
    assert _value(batched.value) == _value(plain.value)
    assert batched.value.infos[2] == Info(value=9, parity=Parity.ODD, label=None)
    assert batched.value.nested == [[f"{b}{a}" for b in "ab"] for a in range(1, 8)]
    # 7 items in batches of 3: 3 jobs instead of 7 for describe
    steps = batched.result.state.steps
    assert steps["describe"].jobs == 3 and plain.result.state.steps["describe"].jobs == 7
    assert steps["describe_chunk"].jobs == 1 and steps["describe_flatten"].jobs == 1
    assert steps["pair"].jobs == 5  # flat crossproduct: 14 combinations in batches of 3


def test_batched_tools_give_the_unbatched_outputs(in_tmp_cwd: Path) -> None:
    srcs = []
    for name in ("alpha.txt", "beta.txt", "gamma.dat", "delta.txt", "eps.txt"):
        (in_tmp_cwd / name).write_text(name)
        srcs.append(File(in_tmp_cwd / name))
    inputs = {"words": ["w1", "w2", "w3", "w4", "w5"], "srcs": srcs, "counts": [1, 3, 0, 2, 1]}
    plain = run_workflow(_tool_flow(None), inputs=inputs, outdir="plain", progress=False)
    batched = run_workflow(_tool_flow(2), inputs=inputs, outdir="batched", progress=False)
    assert _value(batched.value) == _value(plain.value)
    first = Path(batched.value.recorded[0].path).read_text()
    assert first == "w1|-n|3|--tag=t|--nums|1,2|alpha|"
    assert [len(p) for p in batched.value.parts] == [1, 3, 0, 2, 1]
    assert batched.value.nothing == [None] * 5
    assert batched.result.state.steps["argv"].jobs == 3


def test_edge_sizes(in_tmp_cwd: Path) -> None:
    @workflow
    def sizes(xs: list[int]) -> list[str]:
        return pair.map(a=xs, b="x", batch=10)

    assert cwlgen.run(sizes, xs=[], progress=False) == []
    assert cwlgen.run(sizes, xs=[4, 5], progress=False) == ["x4", "x5"]  # K > N


def test_the_batched_cwl_is_valid_and_deterministic(cwl_build: Any, tmp_path: Path) -> None:
    built = cwl_build(_tool_flow(2))  # every document validated by cwltool
    main = built.doc()
    assert list(main["steps"]) == ["argv_chunk", "argv", "argv_flatten", "split_chunk",
                                   "split", "split_flatten"]
    assert main["steps"]["argv"]["scatter"] == ["word", "src"]
    assert main["outputs"]["recorded"]["outputSource"] == "argv_flatten/args"
    assert "InlineJavascript" not in (tmp_path / "cwl0" / "argv_batch.cwl").read_text()
    # the same bytes under another hash seed
    script = ("import sys; sys.path.insert(0, 'tests/e2e'); import test_run_batching as m, cwlgen; "
              "print(cwlgen.compile(m._tool_flow(2)).texts())")
    texts = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={**os.environ, "PYTHONHASHSEED": seed}, timeout=120,
                            cwd=Path(__file__).parents[2]).stdout for seed in ("1", "2")}
    assert len(texts) == 1 and "argv_batch.cwl" in texts.pop()


def test_steps_that_cannot_be_batched_warn_and_still_run(in_tmp_cwd: Path) -> None:
    @workflow
    def inner(x: int) -> str:
        return pair(a=x, b="i")

    @tool("echo", arguments=["${ return 1 }"])
    def scripted(x: Annotated[int, Arg(position=1)]) -> Annotated[File, stdout("o")]:
        """Uses JavaScript."""

    @workflow
    def outer(xs: list[int]) -> list[str]:
        scripted.map(x=xs, batch=2)
        return inner.map(x=xs, batch=2)

    compiled = cwlgen.compile(outer)
    messages = [w.render() for w in compiled.warnings if w.code == "CG213"]
    assert len(messages) == 2
    assert any("'inner.map(batch=2)' runs one job per item: a subworkflow" in m
               for m in messages)
    assert any("'scripted.map(batch=2)' runs one job per item: it uses JavaScript" in m
               for m in messages)
    rewritten, notes = batch_steps(compiled.root)
    assert [s.id for s in rewritten.steps] == ["scripted", "inner"] and len(notes) == 2


@pytest.mark.toil
@pytest.mark.slow
def test_batched_under_toil(in_tmp_cwd: Path) -> None:
    from needs import missing  # not at the top: this module's source also runs inside jobs

    if not (Path(sys.executable).parent / "toil-cwl-runner").exists():
        missing("toil-cwl-runner is not installed (pip install 'cwlgen[toil]')")

    def flow(k: int | None) -> Any:
        @workflow
        def described(xs: list[int]) -> list[Info]:
            return describe.map(x=xs, batch=k)

        return described

    inputs = {"xs": [1, 2, 3, 4, 5]}
    plain = run_workflow(flow(None), inputs=inputs, outdir="plain", progress=False)
    batched = run_workflow(flow(2), runner="toil", inputs=inputs, outdir="toil",
                           runner_args=["--retryCount", "0"], progress=False)
    assert _value(batched.value) == _value(plain.value)
    assert batched.value[2] == Info(value=9, parity=Parity.ODD, label=None)
    assert batched.result.state.steps["describe"].jobs == 3
