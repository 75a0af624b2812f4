"""Which Python a task's source needs, against the Python its container has (vermin).

A Python task's job imports the task's whole module with the container's `python3`, so every
line of that module must run there: a `str.removesuffix` (3.9) or a `match` (3.10) in a task
whose image has Python 3.6 fails only in the job, after the steps before it have run. vermin
finds the oldest Python each line of a source needs without running it; this module turns
that into one error per offending line (the newest feature on it), at compile time.
"""

from __future__ import annotations

import functools
import re

import attrs

PythonVersion = tuple[int, int]

# vermin's verbose lines: "L12 C4: 'str.removesuffix' member requires !2, 3.9"
_FINDING = re.compile(r"^L(?P<line>\d+)(?: C(?P<col>\d+))?: (?P<what>.*?) requires? (?P<req>.+)$")
_PY3 = re.compile(r"(?:^|,\s*)3\.(?P<minor>\d+)")


@attrs.frozen
class VersionNeed:
    """A line of a source that needs at least `version` (the newest feature on the line)."""

    line: int
    feature: str
    version: PythonVersion


def parse_python(text: str) -> PythonVersion:
    """"3.6" -> (3, 6); raises ValueError for anything that is not a Python 3 version."""
    match = re.fullmatch(r"3\.(\d{1,2})", text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a Python 3 version such as \"3.8\"")
    return (3, int(match.group(1)))


def format_python(version: PythonVersion) -> str:
    return f"{version[0]}.{version[1]}"


@functools.lru_cache(maxsize=64)
def version_needs(source: str) -> tuple[VersionNeed, ...]:
    """Every line of `source` that needs more than Python 3.0, with the feature that does.

    A source vermin cannot parse gives nothing here (the Python that compiles it already
    reported the syntax error). Cached: a module with many tasks is analysed once.
    """
    import vermin  # type: ignore[import-untyped]  # needed only when a task is compiled

    config = vermin.Config()
    config.set_verbose(3)
    try:
        visitor = vermin.visit(source, config)
    except SyntaxError:
        return ()
    if not hasattr(visitor, "output_text"):   # vermin's answer for a source it cannot parse
        return ()
    newest: dict[int, VersionNeed] = {}
    for text in visitor.output_text().splitlines():
        found = _FINDING.match(text.strip())
        if found is None:
            continue
        py3 = _PY3.search(found.group("req"))
        if py3 is None:
            continue
        version = (3, int(py3.group("minor")))
        line = int(found.group("line"))
        if version <= (3, 0):
            continue
        current = newest.get(line)
        if current is None or version > current.version:
            newest[line] = VersionNeed(line, found.group("what").strip(), version)
    return tuple(newest[line] for line in sorted(newest))


def too_new(source: str, python: PythonVersion) -> tuple[VersionNeed, ...]:
    """The lines of `source` that need a newer Python than `python`."""
    return tuple(need for need in version_needs(source) if need.version > python)
