"""Miswired workflows: each `# E:` comment names the error mypy and pyright must report on
that line (mypy's error code, pyright's rule); no other line may have an error."""

from __future__ import annotations

from typing import Annotated, NamedTuple

from cwlgen import Arg, Directory, File, Out, stdout, task, tool, workflow


@tool("wc -l")
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


class Pair(NamedTuple):
    first: Annotated[File, Out(glob="first.txt")]
    folder: Annotated[Directory, Out(glob="out")]


@tool("prepare")
def prepare(text: File) -> Pair:
    """Two outputs."""
    raise NotImplementedError


@task
def total(counts: list[File]) -> int:
    return len(counts)


@workflow
def file_into_int(text: File) -> File:
    n = count_lines(text=text)
    return head(text=text, lines=n)  # E: mypy=arg-type pyright=reportArgumentType


@workflow
def directory_into_file(text: File) -> File:
    pair = prepare(text=text)
    return count_lines(text=pair.folder)  # E: mypy=arg-type pyright=reportArgumentType


@workflow
def list_into_one(texts: list[File]) -> File:
    counts = count_lines.map(text=texts)
    return head(text=counts)  # E: mypy=arg-type pyright=reportArgumentType


@workflow
def scatter_returned_as_one(texts: list[File]) -> File:
    return count_lines.map(text=texts)  # E: mypy=return-value pyright=reportReturnType


@workflow
def one_into_list(text: File) -> int:
    return total(counts=count_lines(text=text))  # E: mypy=arg-type pyright=reportArgumentType


@workflow
def unknown_method(ts: list[File]) -> list[File]:
    return count_lines.map(text=ts, method="zip")  # E: mypy=call-overload pyright=reportCallIssue


@workflow
def misspelt_parameter(text: File) -> File:
    return count_lines(txt=text)  # E: mypy=call-arg pyright=reportCallIssue
