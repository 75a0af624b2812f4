"""`cwlgen.ir.frozen` builds the IR's classes the way attrs did, without importing attrs:
the same class body through both gives the same behaviour, and neither `import cwlgen` nor
`cwlgen check` imports attrs (issue 14: it was ~18 ms of a 70 ms `cwlgen check`)."""

from __future__ import annotations

import copy
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import attrs
import pytest

from cwlgen.ir import frozen as ours
from cwlgen.ir.frozen import FrozenInstanceError, evolve, field_names

REPO = Path(__file__).resolve().parents[2]


def _twice(build: Any) -> tuple[Any, Any]:
    """The same class body made by attrs and by cwlgen.ir.frozen."""
    return build(attrs), build(ours)


def _point(lib: Any) -> Any:
    @lib.frozen(kw_only=True, order=True)
    class Point:
        path: str
        line: int
        col: int = lib.field(default=0, eq=False, order=False)

    return Point


def _pair(lib: Any) -> Any:
    @lib.frozen
    class Pair:
        first: int
        second: tuple[str, ...] = lib.field(default=(), converter=tuple)
        extra: dict[str, int] = lib.field(factory=dict)

    return Pair


def _box(lib: Any) -> Any:
    @lib.define
    class Box:
        size: int = 1

    return Box


def test_repr_equality_hash_and_order_match_attrs() -> None:
    for Point in _twice(_point):
        a, b = Point(path="x.py", line=3, col=1), Point(path="x.py", line=3, col=9)
        assert repr(a) == "Point(path='x.py', line=3, col=1)"
        assert a == b and hash(a) == hash(b) and len({a, b}) == 1  # col takes no part
        assert a != Point(path="x.py", line=4) and a < Point(path="x.py", line=4)
        assert sorted([Point(path="b", line=1), Point(path="a", line=2)])[0].path == "a"
        assert (a == "x.py:3") is False
        with pytest.raises(TypeError):
            Point("x.py", 3)  # keyword-only
        with pytest.raises(TypeError):
            _ = a < "x"


def test_positional_fields_converters_and_factories_match_attrs() -> None:
    made = [Pair(1, ["a"]) for Pair in _twice(_pair)]
    assert [repr(p).replace("Pair", "") for p in made] == ["(first=1, second=('a',), extra={})"] * 2
    for Pair in _twice(_pair):
        p, q = Pair(1), Pair(1)
        assert p.extra is not q.extra  # a fresh dict each time
        assert Pair(first=2, second="ab").second == ("a", "b")
        assert Pair.__match_args__ == ("first", "second", "extra")


def test_frozen_values_refuse_changes_and_mutable_ones_are_unhashable() -> None:
    Point = _point(ours)
    p = Point(path="x", line=1)
    with pytest.raises(FrozenInstanceError):
        p.line = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.line  # type: ignore[misc]
    with pytest.raises(AttributeError):
        p.other = 1  # type: ignore[attr-defined]  # slotted: no stray attributes
    for Box in _twice(_box):
        box = Box()
        box.size = 2
        assert box == Box(size=2)
        with pytest.raises(TypeError):
            hash(box)


@ours.frozen
class Pair:
    """A module-level class, as pickle needs."""

    first: int
    second: tuple[str, ...] = ours.field(default=(), converter=tuple)
    extra: dict[str, int] = ours.field(factory=dict)


def test_evolve_pickle_and_copy() -> None:
    p = Pair(1, ["a"])
    changed = evolve(p, second=["b", "c"])
    assert changed == Pair(1, ("b", "c")) and p.second == ("a",)  # the converter runs again
    with pytest.raises(TypeError, match="no field"):
        evolve(p, third=3)
    assert pickle.loads(pickle.dumps(p)) == p
    assert copy.deepcopy(p) == p and copy.copy(p) == p
    assert field_names(Pair) == ("first", "second", "extra")


def test_a_definition_error_is_refused_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="follows one with a default"):
        @ours.frozen
        class Bad:
            a: int = 0
            b: int

    with pytest.raises(TypeError, match="may not start"):
        @ours.frozen
        class Private:
            _a: int


def test_neither_import_nor_check_imports_attrs(tmp_path: Path) -> None:
    (tmp_path / "flow.py").write_text(textwrap.dedent('''
        from typing import Annotated

        from cwlgen import Arg, File, stdout, tool, workflow

        @tool("cat")
        def cat(text: Annotated[File, Arg(position=1)]) -> Annotated[File, stdout("o.txt")]:
            """Copy a file."""

        @workflow
        def flow(text: File) -> File:
            """Two copies."""
            return cat(text=cat(text=text))
    '''), encoding="utf-8")
    probe = ("import sys\n"
             "from cwlgen.cli import entry\n"
             "sys.argv = ['cwlgen', 'check', 'flow.py']\n"
             "try:\n    entry()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('attr', 'attrs')))\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
