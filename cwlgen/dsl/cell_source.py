"""The source to ship for a `@task` defined in a notebook cell (or any interactive session).

A task's job imports its function from a copy of the module that defines it. A notebook has no
module file, so this builds one: the task's own source, the sources of the notebook functions
and classes it uses (recursively), imports for the modules and library objects it names, and
the plain constants it reads. Everything comes from the live namespace and the cells' text, in
a stable order, so the same notebook compiles to the same CWL. Whatever cannot be shipped (an
open file, a data frame built in an earlier cell) is reported by name, with what to do instead.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import linecache
import sys
import textwrap
from collections.abc import Callable
from types import ModuleType
from typing import Any

from cwlgen.ir.frozen import frozen
from cwlgen.ir.location import display_path

# names IPython puts in a notebook's namespace: never part of a task's code
_IPYTHON_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "display", "_", "__",
                            "___"})
_CONSTANT_TYPES = (bool, int, float, complex, str, bytes, type(None))


@frozen
class CellSource:
    """A module's text for the job, or the names that could not be shipped (and why)."""

    text: str
    problems: tuple[tuple[str, str, str], ...] = ()  # (name, why not, chain of users)
    # where each definition in `text` came from: (its first line in `text`, the cell as
    # diagnostics show it, e.g. "In[5]", its first line there), so checks that read `text`
    # can point at the user's cell
    origins: tuple[tuple[int, str, int], ...] = ()


def is_interactive(func: Callable[..., Any]) -> bool:
    """Whether `func` was defined in a notebook cell or an interactive session (its namespace
    is `__main__` without a .py file behind it)."""
    path = func.__globals__.get("__file__")
    return func.__module__ == "__main__" and not (isinstance(path, str) and path.endswith(".py"))


Cell = tuple[str, str]  # (the file name IPython compiled it under, its text)


def _ipython_cells() -> list[Cell]:
    """Every cell run so far, oldest first, as Python (magics already turned into calls):
    IPython keeps each compiled cell in `linecache`, its history only some of them."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    shell = get() if get is not None else None
    if shell is None:
        return []
    names = getattr(getattr(shell, "compile", None), "_filename_map", {})
    cells = [(n, "".join(linecache.cache[n][2])) for n in names  # type: ignore[misc]
             if n in linecache.cache]
    if not cells:
        cells = [("", text) for text in shell.user_ns.get("_ih") or []]
    return [(name, text) for name, text in cells if isinstance(text, str)]


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except SyntaxError:
        return None


Found = tuple[str, str, int]  # (source text, file name, first line there)


def _definition_in_cells(name: str, cells: list[Cell]) -> Found | None:
    """The latest top-level `def name`/`class name` in the cells (with its decorators)."""
    for filename, cell in reversed(cells):
        tree = _parse(cell)
        if tree is None:
            continue
        for node in reversed(tree.body):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and (
                node.name == name
            ):
                segment = ast.get_source_segment(cell, node, padded=False)
                if segment is None:
                    continue
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                lines = cell.splitlines()[first - 1:node.end_lineno]
                return textwrap.dedent("\n".join(lines)) + "\n", filename, first
    return None


def _source_of(obj: Any, name: str, cells: list[Cell]) -> Found | None:
    target = getattr(obj, "func", obj)  # a @task/@tool/@workflow definition: its function
    try:
        lines, first = inspect.getsourcelines(target)
    except (OSError, TypeError):
        return _definition_in_cells(name, cells)
    code = getattr(target, "__code__", None)
    filename = code.co_filename if code is not None else ""
    return textwrap.dedent("".join(lines)).rstrip("\n") + "\n", filename, first


def _names_read(source: str) -> list[str]:
    """Global names a definition reads: in decorators, annotations and defaults (evaluated
    where it is defined) and in its body (less what the body binds itself)."""
    tree = _parse(source)
    if tree is None or not tree.body:
        return []
    node = tree.body[0]
    outer: set[str] = set()
    inner: set[str] = set()
    bound: set[str] = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        heads: list[ast.AST] = [*node.decorator_list, *node.args.defaults,
                                *[d for d in node.args.kw_defaults if d is not None]]
        if node.returns is not None:
            heads.append(node.returns)
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs,
                    node.args.vararg, node.args.kwarg]:
            if arg is not None:
                bound.add(arg.arg)
                if arg.annotation is not None:
                    heads.append(arg.annotation)
        body: list[ast.AST] = list(node.body)
    elif isinstance(node, ast.ClassDef):
        heads = [*node.decorator_list, *node.bases, *[k.value for k in node.keywords]]
        body = list(node.body)  # class bodies run at definition, like module code
    else:
        return []
    for head in heads:
        outer |= _loads(head)
    for statement in body:
        inner |= _loads(statement)
        bound |= _stores(statement)
    return sorted(outer | (inner - bound))


def _loads(node: ast.AST) -> set[str]:
    found = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
             and isinstance(n.ctx, ast.Load)}
    for n in ast.walk(node):  # string annotations ("File") name things too
        if isinstance(n, ast.arg) and isinstance(n.annotation, ast.Constant) and isinstance(
            n.annotation.value, str
        ):
            parsed = _parse(n.annotation.value)
            if parsed is not None:
                found |= _loads(parsed)
    return found


def _stores(node: ast.AST) -> set[str]:
    names: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            names.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(n.name)
        elif isinstance(n, ast.arg):
            names.add(n.arg)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in n.names}
        elif isinstance(n, ast.ExceptHandler) and n.name:
            names.add(n.name)
    return names


def _is_constant(value: Any) -> bool:
    if isinstance(value, _CONSTANT_TYPES):
        return True
    if isinstance(value, (tuple, list, frozenset, set)):
        return all(_is_constant(v) for v in value)
    if isinstance(value, dict):
        return all(_is_constant(k) and _is_constant(v) for k, v in value.items())
    return False


def _literal(value: Any) -> str:
    """Python source for a constant, the same whatever the hash seed (sets are sorted)."""
    if isinstance(value, (set, frozenset)):
        items = ", ".join(sorted(_literal(v) for v in value))
        if isinstance(value, frozenset):
            return f"frozenset({{{items}}})" if items else "frozenset()"
        return f"{{{items}}}" if items else "set()"
    if isinstance(value, tuple):
        inner = ", ".join(_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _import_line(name: str, value: Any) -> str | None:
    """An import statement binding `name` to `value` in the job, when `value` lives in an
    importable module (cwlgen's names from `cwlgen` itself: the job's stand-in serves those)."""
    if isinstance(value, ModuleType):
        module = value.__name__
        if module == name:
            return f"import {module}"
        if "." not in module or not module.endswith(f".{name}"):
            return f"import {module} as {name}"
        parent, _, leaf = module.rpartition(".")
        return f"from {parent} import {leaf}"
    module_name = getattr(value, "__module__", None)
    if not isinstance(module_name, str) or module_name == "__main__":
        return None
    if module_name == "cwlgen" or module_name.startswith("cwlgen."):
        top = sys.modules.get("cwlgen")
        exported = [n for n in getattr(top, "__all__", ()) if getattr(top, n, None) is value]
        if exported:
            return _from("cwlgen", exported[0], name)
    home = sys.modules.get(module_name)
    if home is None:
        return None
    for candidate in (name, getattr(value, "__qualname__", None), getattr(value, "__name__", None)):
        if isinstance(candidate, str) and candidate.isidentifier() and getattr(
            home, candidate, None
        ) is value:
            return _from(module_name, candidate, name)
    return None


def _from(module: str, attr: str, name: str) -> str:
    return f"from {module} import {attr}" + (f" as {name}" if attr != name else "")


def _is_main_definition(value: Any) -> bool:
    target = getattr(value, "func", value)
    return (inspect.isfunction(target) or inspect.isclass(target)) and getattr(
        target, "__module__", None) == "__main__"


def _describe(value: Any) -> str:
    return f"a value of type {type(value).__name__}"


def cell_module_source(func: Callable[..., Any]) -> CellSource:
    """The module a notebook task's job imports: imports, constants, then the notebook
    definitions the task uses (each before its users), the task last."""
    namespace: dict[str, Any] = func.__globals__
    cells = _ipython_cells()
    imports: set[str] = set()
    constants: dict[str, str] = {}
    definitions: list[Found] = []
    problems: list[tuple[str, str, str]] = []
    done: set[str] = set()

    def visit(name: str, value: Any, path: tuple[str, ...]) -> None:
        if name in done:
            return
        done.add(name)
        found = _source_of(value, name, cells)
        if found is None:
            problems.append((name, "its source is in no notebook cell", " -> ".join(path)))
            return
        for used in _names_read(found[0]):
            if used in _IPYTHON_NAMES:
                continue
            if used not in namespace:
                continue  # a builtin, or a name that fails in the notebook as well
            seen = namespace[used]
            if hasattr(builtins, used) and getattr(builtins, used) is seen:
                continue
            if _is_main_definition(seen):
                visit(used, seen, (*path, used))
            elif (line := _import_line(used, seen)) is not None:
                imports.add(line)
            elif _is_constant(seen):
                constants[used] = f"{used} = {_literal(seen)}"
            else:
                problems.append((used, _describe(seen), " -> ".join((*path, used))))
        definitions.append(found)

    visit(func.__name__, func, (func.__name__,))
    parts = [f"# The code of the notebook task '{func.__name__}', gathered by cwlgen from "
             "the notebook's cells.\n"]
    if imports:
        parts.append("\n".join(sorted(imports, key=_import_order)) + "\n")
    if constants:
        parts.append("\n".join(constants[n] for n in sorted(constants)) + "\n")
    origins = []
    line = 1 + sum(p.rstrip("\n").count("\n") + 2 for p in parts)  # parts join with a blank
    for text, filename, first in definitions:
        if filename:
            origins.append((line, display_path(filename), first))
        line += text.rstrip("\n").count("\n") + 2
    parts.extend(text for text, _, _ in definitions)
    return CellSource(text="\n\n".join(p.rstrip("\n") for p in parts) + "\n",
                      problems=tuple(problems), origins=tuple(origins))


def _import_order(line: str) -> tuple[int, str]:
    return (0 if line.startswith("import ") else 1, line)
