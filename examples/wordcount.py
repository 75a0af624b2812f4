"""Count words in text files with coreutils: a scatter and a subworkflow."""

from __future__ import annotations

from typing import Annotated, NamedTuple

from cwlgen import Arg, File, Out, Resources, stdout, tool, workflow


@tool("wc -w", resources=Resources(cores=1, ram="64 MiB"))
def count_words(text: Annotated[File, Arg(stdin=True)]) -> Annotated[File, stdout("count.txt")]:
    """Count the words of one file."""
    raise NotImplementedError


@tool("sort -n")
def sort_numbers(
    files: Annotated[list[File], Arg(position=1)],
    reverse: Annotated[bool, Arg(prefix="-r")] = False,
) -> Annotated[File, stdout("sorted.txt")]:
    """Sort the lines of several files numerically."""
    raise NotImplementedError


@tool("split", arguments=["-l", "1"])
def split_lines(text: Annotated[File, Arg(position=1)]) -> Annotated[list[File], Out(glob="x*")]:
    """Split a file into one file per line."""
    raise NotImplementedError


class Report(NamedTuple):
    counts: list[File]
    ranking: File


@workflow
def rank(texts: list[File]) -> Report:
    """Count words per file and rank the counts."""
    counts = count_words.map(text=texts)
    return Report(counts=counts, ranking=sort_numbers(files=counts, reverse=True))


@workflow
def split_and_rank(text: File) -> File:
    """Split a file into lines and rank them by word count."""
    parts = split_lines(text=text)
    return rank(texts=parts).ranking
