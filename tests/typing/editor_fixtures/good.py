"""Well-typed wiring, as a user writes it in their own folder: mypy and pyright (basic and
strict) report nothing, with no per-file settings. Tool bodies are a docstring and
`raise NotImplementedError` (the body never runs; the command does)."""

from __future__ import annotations

import sys
from typing import Annotated, Any, NamedTuple

if sys.version_info >= (3, 11):
    from typing import assert_type
else:  # Python 3.10
    from typing_extensions import assert_type

from cwlgen import Arg, Directory, File, Out, Resources, stdout, task, tool, workflow


@tool("wc -l", resources=Resources(cores=1, ram="64 MiB"))
def count_lines(text: Annotated[File, Arg(stdin=True)]) -> Annotated[File, stdout("n.txt")]:
    """Count lines."""
    raise NotImplementedError


@tool("head")
def head(
    text: Annotated[File, Arg(position=2)],
    lines: Annotated[int, Arg(prefix="-n", position=1)] = 10,
) -> Annotated[File, stdout("head.txt")]:
    """The first lines of a file."""
    raise NotImplementedError


@tool("touch")
def touch(name: Annotated[str, Arg(position=1)]) -> None:
    """A tool without outputs."""
    raise NotImplementedError


class Pair(NamedTuple):
    first: Annotated[File, Out(glob="first.txt")]
    folder: Annotated[Directory, Out(glob="out")]


@tool("prepare")
def prepare(text: File) -> Pair:
    """Two outputs."""
    raise NotImplementedError


@task
def total(counts: list[File]) -> int:
    return sum(int(c.read_text().split()[0]) for c in counts)


@task
def pair_up(left: str, right: str) -> str:
    return left + right


@workflow
def first_lines(text: File, lines: int = 3) -> File:
    """Wired correctly: File into File, int into int."""
    top = head(text=text, lines=lines)
    assert_type(top, File)
    return count_lines(text=top)


class Prepared(NamedTuple):
    lines: File
    folder: Directory


@workflow
def uses_fields(text: File) -> Prepared:
    """NamedTuple outputs keep their field types."""
    pair = prepare(text=text)
    assert_type(pair.folder, Directory)
    return Prepared(lines=count_lines(text=pair.first), folder=pair.folder)


class Totals(NamedTuple):
    plain: int
    batched: int


@workflow
def scattered(texts: list[File]) -> Totals:
    """.map returns a list of the declared output, batched or not."""
    counts = count_lines.map(text=texts)
    assert_type(counts, list[File])
    batched = count_lines.map(text=texts, batch=10)
    assert_type(batched, list[File])
    return Totals(plain=total(counts=counts), batched=total(counts=batched))


@workflow
def each_prepared(texts: list[File]) -> list[Directory]:
    """.map of a definition with several outputs: its NamedTuple, every field a list."""
    pairs = prepare.map(text=texts)
    folders: list[Directory] = pairs.folder
    return folders


class Crossed(NamedTuple):
    flat: list[str]
    grid: list[list[str]]


@workflow
def crossed(lefts: list[str], rights: list[str]) -> Crossed:
    """flat_crossproduct: one flat list; nested_crossproduct: a list nested once per scattered
    argument, which the signature cannot count (so its items are Any)."""
    flat = pair_up.map(left=lefts, right=rights, method="flat_crossproduct")
    assert_type(flat, list[str])
    grid = pair_up.map(left=lefts, right=rights, method="nested_crossproduct")
    assert_type(grid, list[Any])
    return Crossed(flat=flat, grid=grid)


@workflow
def nested(text: File) -> File:
    """A workflow called inside another returns its declared type."""
    touch(name="marker")
    return first_lines(text=text, lines=5)
