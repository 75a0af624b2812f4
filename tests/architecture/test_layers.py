"""The import rule of docs/architecture.md, enforced over the source (`ast`, no imports run).

Every import counts: module level, inside functions, and under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[2] / "cwlgen"
STAGES = ("cwlgen.dsl", "cwlgen.checks", "cwlgen.lower", "cwlgen.backend")
# what sits on top of the stages and may import anything below it
TOP = ("cwlgen.runners", "cwlgen.cli", "cwlgen.compiler", "cwlgen.__main__", "cwlgen.testing")
STDLIB = set(sys.stdlib_module_names) | {"__future__"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, module: str) -> set[str]:
    """Every module `path` imports (`from a import b` counts as `a` and, if it is one, `a.b`)."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _graph() -> tuple[dict[str, set[str]], set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    imports = {m: _imports(p, m) for m, p in modules.items()}
    return imports, set(modules)


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _top_level(name: str) -> str:
    return name.split(".")[0]


def test_stages_do_not_import_each_other_or_what_is_above_them() -> None:
    imports, modules = _graph()
    wrong = []
    for module, targets in imports.items():
        stage = next((s for s in STAGES if _within(module, (s,))), None)
        if stage is None:
            continue
        others = tuple(s for s in STAGES if s != stage) + TOP
        for target in targets:
            if target == "cwlgen" or (target in modules and _within(target, others)):
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_ir_imports_only_stdlib_attrs_networkx_and_messages() -> None:
    imports, _ = _graph()
    allowed = STDLIB | {"attrs", "networkx"}
    wrong = [
        f"{module} imports {target}"
        for module, targets in imports.items() if _within(module, ("cwlgen.ir", "cwlgen.messages"))
        for target in targets
        if _top_level(target) not in allowed
        and not _within(target, ("cwlgen.ir", "cwlgen.messages"))
    ]
    assert wrong == []


def test_attrs_is_named_only_by_the_value_class_helper() -> None:
    """The IR's classes come from cwlgen.ir.frozen (which imports attrs for type checkers
    only): `import cwlgen` and `cwlgen check` never import attrs (issue 14)."""
    imports, _ = _graph()
    wrong = [f"{module} imports {target}" for module, targets in imports.items()
             for target in targets
             if _top_level(target) in ("attr", "attrs") and module != "cwlgen.ir.frozen"]
    assert wrong == []


def test_messages_import_nothing_of_cwlgen() -> None:
    imports, _ = _graph()
    assert [t for t in imports["cwlgen.messages"] if _top_level(t) == "cwlgen"] == []


def test_runtime_imports_only_the_standard_library() -> None:
    imports, _ = _graph()
    wrong = [
        f"{module} imports {target}"
        for module, targets in imports.items() if _within(module, ("cwlgen.runtime",))
        for target in targets
        # the shipped copies import each other under their job-directory names
        if _top_level(target) not in STDLIB and not _within(target, ("cwlgen.runtime",))
        and not target.startswith("_cwlgen_")
    ]
    assert wrong == []


def test_the_package_has_no_import_cycle() -> None:
    imports, modules = _graph()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, targets in imports.items():
        graph.add_edges_from((module, t) for t in targets if t in modules and t != module)
    cycles = [" -> ".join([*c, c[0]]) for c in nx.simple_cycles(graph)]
    assert cycles == []


def test_the_rule_sees_imports_everywhere() -> None:
    """The checker itself: a function-level and a TYPE_CHECKING import are both found."""
    imports, _ = _graph()
    assert "cwlgen.backend.yamlio" in imports["cwlgen.compiler"]  # inside a method
    assert "cwlgen.ir.diagnostics" in imports["cwlgen.errors"]  # under TYPE_CHECKING
