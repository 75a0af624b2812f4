"""Which Python a task's source needs, against the Python its container has (vermin).

A Python task's job imports the task's whole module with the container's `python3`, so every
line of that module must run there: a `str.removesuffix` (3.9) or a `match` (3.10) in a task
whose image has Python 3.6 fails only in the job, after the steps before it have run. vermin
finds the oldest Python each line of a source needs without running it; this module turns
that into one error per offending line (the newest feature on it), at compile time.
"""

from __future__ import annotations

import ast
import functools
import re

from cwlgen.ir import Tool
from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.frozen import frozen
from cwlgen.ir.location import SourceLocation
from cwlgen.ir.module_source import parse_module

MODULE_PYTHON = "CWLGEN_PYTHON"  # the module-level declaration (cwlgen.dsl.task reads it)

PythonVersion = tuple[int, int]

# vermin's verbose lines: "L12 C4: 'str.removesuffix' member requires !2, 3.9"
_FINDING = re.compile(r"^L(?P<line>\d+)(?: C(?P<col>\d+))?: (?P<what>.*?) requires? (?P<req>.+)$")
_PY3 = re.compile(r"(?:^|,\s*)3\.(?P<minor>\d+)")


@frozen
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


def _defers_annotations(tree: ast.Module) -> bool:
    """`from __future__ import annotations`: annotations stay strings, never evaluated."""
    return any(isinstance(node, ast.ImportFrom) and node.module == "__future__"
               and any(alias.name == "annotations" for alias in node.names)
               for node in tree.body)


def _annotations(tree: ast.Module) -> list[ast.expr]:
    """The annotations Python evaluates when the module is imported: of every function's
    parameters and return, and of module- and class-level variables."""
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            params = [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
            found += [p.annotation for p in params if p is not None and p.annotation]
            if node.returns is not None:
                found.append(node.returns)
            body = node.body
        elif isinstance(node, (ast.Module, ast.ClassDef)):
            body = node.body
        else:
            continue
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found += [b.annotation for b in body if isinstance(b, ast.AnnAssign)]
    return found


_BUILTIN_GENERICS = {"list", "dict", "tuple", "set", "frozenset", "type"}


def _abc_names(tree: ast.Module) -> set[str]:
    """Names the module imports from collections.abc (subscriptable only from 3.9)."""
    return {alias.asname or alias.name for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "collections.abc"
            for alias in node.names}


def _annotation_need(node: ast.AST, abc: set[str]) -> VersionNeed | None:
    """What one node of an evaluated annotation needs, if more than 3.0."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return VersionNeed(node.lineno, "union types as `X | Y` in annotations", (3, 10))
    if not isinstance(node, ast.Subscript):
        return None
    base = node.value
    if isinstance(base, ast.Name) and base.id in _BUILTIN_GENERICS:
        return VersionNeed(node.lineno, f"builtin generic annotation ({base.id}[...])", (3, 9))
    from_abc = (isinstance(base, ast.Name) and base.id in abc) or (
        isinstance(base, ast.Attribute) and isinstance(base.value, ast.Attribute)
        and base.value.attr == "abc")
    if from_abc:
        name = base.id if isinstance(base, ast.Name) else ast.unparse(base)
        return VersionNeed(node.lineno, f"collections.abc generic annotation ({name}[...])",
                           (3, 9))
    return None


def _annotation_needs(tree: ast.Module) -> list[VersionNeed]:
    """What evaluated annotations need: `list[int]` and `collections.abc` generics 3.9,
    `X | Y` 3.10. (vermin's own annotation mode also counts local variables' annotations,
    which Python never evaluates; and it cannot tell a union type from a set or int `|`.)"""
    abc = _abc_names(tree)
    needs = [_annotation_need(node, abc) for annotation in _annotations(tree)
             for node in ast.walk(annotation)]
    return [need for need in needs if need is not None]


@functools.lru_cache(maxsize=64)
def version_needs(source: str) -> tuple[VersionNeed, ...]:
    """Every line of `source` that needs more than Python 3.0, with the feature that does.

    Annotations count only where Python evaluates them (no `from __future__ import
    annotations`). A source that does not parse gives nothing here (the Python that imported
    it already reported the syntax error). Cached: a module with many tasks is analysed once.
    """
    import vermin  # type: ignore[import-untyped]  # needed only when a task is compiled

    try:
        tree = parse_module(source)
    except SyntaxError:
        return ()
    config = vermin.Config()
    config.set_verbose(3)
    try:
        visitor = vermin.visit(source, config)
    except SyntaxError:
        return ()
    if not hasattr(visitor, "output_text"):   # vermin's answer for a source it cannot parse
        return ()
    newest: dict[int, VersionNeed] = {}
    if not _defers_annotations(tree):
        for need in _annotation_needs(tree):
            current = newest.get(need.line)
            if current is None or need.version > current.version:
                newest[need.line] = need
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


# vermin findings that are syntax: the module does not even compile on an older Python, so
# they count wherever they are
_SYNTAX = ("pattern matching", "assignment expression", "self-documenting f-string",
           "positional-only parameter", "parenthesized context manager", "except*",
           "exception group", "relaxed decorator", "type alias statement", "type parameter",
           "generalized unpacking", "async comprehension", "await in", "union types",
           "generic annotation", "variable annotations", "f-strings")


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[int]:
    first, last = node.body[0].lineno, node.body[-1].end_lineno or node.body[-1].lineno
    return set(range(first, last + 1))


def _run_lines(tree: ast.Module, functions: set[str], total: int) -> set[int]:
    """The lines that run when the module is imported (everything but function bodies),
    plus the bodies of `functions` and of the module's functions they use, transitively."""
    defs = {node.name: node for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    lines = set(range(1, total + 1))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines -= _body_lines(node)
    todo, seen = [name for name in functions if name in defs], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        lines |= _body_lines(defs[name])
        todo += [n.id for n in ast.walk(defs[name]) if isinstance(n, ast.Name) and n.id in defs]
    return lines


def _job_needs(source: str, functions: set[str]) -> tuple[VersionNeed, ...]:
    """version_needs, limited to what a job calling `functions` runs: import-time lines,
    those functions and the helpers they use, and syntax anywhere."""
    try:
        tree = parse_module(source)
    except SyntaxError:
        return ()
    lines = _run_lines(tree, functions, source.count("\n") + 1)
    guarded = _guarded_lines(tree)
    return tuple(need for need in version_needs(source)
                 if any(word in need.feature for word in _SYNTAX)
                 or (need.line in lines and need.version > guarded.get(need.line, (3, 0))))


def _version_test(test: ast.expr) -> tuple[bool, PythonVersion] | None:
    """`sys.version_info >= (3, N)` -> (True, (3, N)); `sys.version_info < (3, N)` ->
    (False, (3, N)): which branch runs only on 3.N or newer. None for any other test."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.left, ast.Attribute) and test.left.attr == "version_info"
            and isinstance(test.left.value, ast.Name) and test.left.value.id == "sys"
            and isinstance(test.comparators[0], ast.Tuple)):
        return None
    parts = [p.value for p in test.comparators[0].elts[:2]
             if isinstance(p, ast.Constant) and isinstance(p.value, int)]
    if len(parts) < 2:
        return None
    version = (parts[0], parts[1])
    if isinstance(test.ops[0], ast.GtE):
        return True, version
    if isinstance(test.ops[0], ast.Lt):
        return False, version
    return None


def _guarded_lines(tree: ast.Module) -> dict[int, PythonVersion]:
    """Lines inside an `if sys.version_info >= (3, N):` branch (or the else of `< (3, N)`)
    -> the version they are known to run on: vermin reports them, but an older Python never
    runs them."""
    guarded: dict[int, PythonVersion] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.If):
            continue
        found = _version_test(node.test)
        if found is None:
            continue
        newer, version = found
        branch = node.body if newer else node.orelse
        for stmt in branch:
            for line in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1):
                guarded[line] = max(guarded.get(line, (3, 0)), version)
    return guarded


def check_task_pythons(tools: list[Tool]) -> list[Diagnostic]:
    """CG120 at every line a Python task's job runs that needs a newer Python than the task
    declares (once per module and declaration, naming its tasks); CG121 for a declaration
    that is not a Python 3 version."""
    problems: list[Diagnostic] = []
    groups: dict[tuple[str, str, str, PythonVersion], list[Tool]] = {}
    for tool in tools:
        code = tool.python
        if code is None:
            continue
        try:
            declared = parse_python(code.python)
        except ValueError:
            declared = (0, 0)
        if declared < (3, 6):
            problems.append(diag("CG121", tool.loc, func=tool.name, value=code.python,
                                 origin=code.python_origin))
            continue
        path = tool.loc.path if tool.loc is not None else code.module_name
        groups.setdefault((path, code.module_source, code.python_origin, declared),
                          []).append(tool)
    for (path, source, origin, declared), group in groups.items():
        names = sorted({t.python.function for t in group if t.python is not None})
        tasks = ", ".join(f"'{name}'" for name in names)
        for need in _job_needs(source, set(names)):
            if need.version > declared:
                problems.append(diag(
                    "CG120", SourceLocation(path=path, line=need.line),
                    needed=format_python(need.version), feature=need.feature,
                    func=tasks, declared=format_python(declared), origin=origin,
                    module_name=MODULE_PYTHON))
    return problems
