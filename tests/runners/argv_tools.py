"""Tools whose command lines tests/runners/test_testing_helpers.py previews with cwltool."""

from __future__ import annotations

from typing import Annotated

from cwlgen import Arg, File, stdout, task, tool, workflow


@tool("echo", arguments=["begin"])
def echo_options(
    reads: Annotated[File, Arg(position=3)],
    refs: Annotated[list[File], Arg(position=4, prefix="--ref", item_separator=",")],
    threads: Annotated[int, Arg(prefix="-t", position=1)] = 1,
    verbose: Annotated[bool, Arg(prefix="-v", position=2)] = False,
    label: Annotated[str | None, Arg(prefix="--label=", separate=False, position=5)] = None,
) -> Annotated[File, stdout("argv.txt")]:
    """Prints its own command line: what cwltool runs is what the test compares."""
    raise NotImplementedError


@tool("wc -l")
def count_lines(text: Annotated[File, Arg(stdin=True)]) -> Annotated[File, stdout("n.txt")]:
    """Reads stdin: redirections are not part of argv."""
    raise NotImplementedError


@task
def double(x: int) -> int:
    return 2 * x


@workflow
def twice(text: File) -> File:
    return count_lines(text=count_lines(text=text))
