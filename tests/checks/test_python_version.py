"""vermin-based Python version analysis of task sources (cwlgen/checks/python_version.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cwlgen.checks.python_version import format_python, parse_python, too_new, version_needs

REPO = Path(__file__).resolve().parents[2]

SOURCE = textwrap.dedent('''\
    import os

    def f(a, b):
        x = "abc".removesuffix("c")
        for p, q in zip(a, b, strict=True):
            pass
        return f"{x=}", os.sep
''')


def test_each_line_reports_its_newest_feature() -> None:
    needs = {n.line: (n.version, n.feature) for n in version_needs(SOURCE)}
    assert needs[4] == ((3, 9), "'str.removesuffix' member")
    assert needs[5][0] == (3, 10) and "zip(strict)" in needs[5][1]
    assert needs[7] == ((3, 8), "self-documenting f-strings")   # not the 3.6 of f-strings
    assert 1 not in needs and 3 not in needs                    # import os; def: any Python 3


def test_too_new_is_what_the_declared_python_lacks() -> None:
    assert [n.line for n in too_new(SOURCE, (3, 6))] == [4, 5, 7]
    assert [n.line for n in too_new(SOURCE, (3, 9))] == [5]
    assert too_new(SOURCE, (3, 10)) == ()


def test_a_source_vermin_cannot_parse_gives_no_findings() -> None:
    assert version_needs("def broken(:\n") == ()


@pytest.mark.parametrize("text, version", [("3.6", (3, 6)), (" 3.13 ", (3, 13))])
def test_versions_parse(text: str, version: tuple[int, int]) -> None:
    assert parse_python(text) == version
    assert format_python(version) == text.strip()


@pytest.mark.parametrize("text", ["3", "2.7", "3.x", "python3.8", "3.8.1"])
def test_bad_versions_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="not a Python 3 version"):
        parse_python(text)


def test_annotations_count_only_where_python_evaluates_them() -> None:
    evaluated = "def f(x: list[int], y: int | None = None) -> None:\n    return None\n"
    needs = {n.line: n.version for n in version_needs(evaluated)}
    assert needs == {1: (3, 10)}          # list[int]: 3.9; `int | None`: 3.10
    deferred = "from __future__ import annotations\n\n" + evaluated
    assert [n.version for n in version_needs(deferred)] == [(3, 7)]   # the import itself
    sets = "a = {1} | {2}\nflags = 1 | 4\n"    # `|` outside annotations: not a union type
    assert version_needs(sets) == ()
    local = "def f():\n    x: list[int] = []\n    return x\n"   # never evaluated
    assert too_new(local, (3, 6)) == ()   # (variable annotations themselves: 3.6)
    abc = ("from collections.abc import Mapping\n\ndef f(m: Mapping[str, int]) -> None:\n"
           "    pass\n")
    assert [(n.line, n.version) for n in too_new(abc, (3, 8))] == [(3, (3, 9))]
