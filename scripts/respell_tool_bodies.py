"""Give every `@tool` whose body is only a docstring the body mypy and pyright both accept:
the docstring, then `raise NotImplementedError` (see docs/dsl.md, "Static typing"); and drop
the per-file `# mypy: disable-error-code="empty-body"` comment that is then no longer needed.

    python scripts/respell_tool_bodies.py pipelines/*.py      # rewrites the files in place
    python scripts/respell_tool_bodies.py --check FILE...     # exit 1 listing what would change

Only the lines after the docstrings are inserted; nothing else of a file changes. A module
whose tasks ship with it changes the emitted CWL, so run `make generated` afterwards.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

EMPTY_BODY_COMMENT = '# mypy: disable-error-code="empty-body"'


def _is_tool_decorator(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr == "tool"
    return isinstance(target, ast.Name) and target.id == "tool"


def respelled(text: str) -> str:
    """`text` with a `raise NotImplementedError` after each docstring-only @tool body."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    inserts = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if not any(_is_tool_decorator(d) for d in node.decorator_list) or len(node.body) != 1:
            continue
        only = node.body[0]
        if (isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant)
                and isinstance(only.value.value, str) and only.end_lineno is not None):
            inserts.append((only.end_lineno, " " * only.col_offset + "raise NotImplementedError\n"))
    for after, line in sorted(inserts, reverse=True):
        lines.insert(after, line)
    kept = [line for line in lines if line.strip() != EMPTY_BODY_COMMENT] if inserts else lines
    return "".join(kept)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any "
                        "file would change")
    args = parser.parse_args(argv)
    stale = []
    for path in args.files:
        old = path.read_text(encoding="utf-8")
        new = respelled(old)
        if new != old:
            stale.append(path)
            if not args.check:
                path.write_text(new, encoding="utf-8")
    verb = "would respell" if args.check else "respelled"
    for path in stale:
        print(f"{verb} {path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
