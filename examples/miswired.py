"""A deliberately miswired workflow: `cwlgen check` and mypy both reject it."""

from __future__ import annotations

from typing import Annotated

from cwlgen import Arg, File, stdout, tool, workflow


@tool("wc -l")
def count_lines(text: Annotated[File, Arg(position=1)]) -> Annotated[File, stdout("n.txt")]:
    """Count lines."""
    raise NotImplementedError


@tool("head")
def head(
    text: Annotated[File, Arg(position=2)],
    lines: Annotated[int, Arg(prefix="-n", position=1)] = 10,
) -> Annotated[File, stdout("head.txt")]:
    """The first lines of a file."""
    raise NotImplementedError


@workflow
def first_lines(text: File) -> File:
    """Take as many lines as ... a File? That is a type error."""
    n = count_lines(text=text)
    return head(text=text, lines=n)  # E: mypy=arg-type pyright=reportArgumentType (File into int)
