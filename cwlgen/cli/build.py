"""`cwlgen build TARGET -o DIR [--pack] [--check]`: write CWL, or verify DIR is up to date."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from cwlgen.cli.targets import load_target
from cwlgen.compiler import Compiled, compile
from cwlgen.errors import CompileError
from cwlgen.messages import format_diagnostic
from cwlgen.output_files import generated_files, remove_stale


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `cwlgen build`."""
    p.add_argument("target", metavar="FILE_OR_MODULE[:OBJECT]",
                   help="a .py file or module, optionally with the workflow/tool to build")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write into")
    p.add_argument("--pack", action="store_true", help="write one file with $graph")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 with a diff if DIR is not up to date (for CI)")


def _compile_all(args: argparse.Namespace) -> dict[Path, Compiled]:
    """Each definition the target names, compiled, by the folder it is written to."""
    defs = load_target(args.target)
    out = Path(args.output)
    if len(defs) == 1:
        return {out: compile(defs[0], pack=args.pack)}
    return {out / d.name: compile(d, pack=args.pack) for d in defs}


def _stale_files(folder: Path, keep: set[str]) -> list[Path]:
    """.cwl files cwlgen wrote earlier into `folder` that the new build no longer has."""
    return generated_files(folder, keep)


def run(args: argparse.Namespace) -> int:
    """Write the CWL of the target (or with --check, compare it with what is on disk)."""
    try:
        plan = _compile_all(args)
    except CompileError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    for compiled in plan.values():
        for w in compiled.warnings:
            print(format_diagnostic(w), file=sys.stderr)
    if args.check:
        return _check(plan)
    for folder, compiled in plan.items():
        compiled.write(folder, what="-o folder")
        remove_stale(folder, set(compiled.texts()))
        print(f"wrote {folder / compiled.main} ({len(compiled.texts())} file(s))")
    return 0


def _check(plan: dict[Path, Compiled]) -> int:
    """Print a diff for each file that differs from what the source now produces; 1 if any."""
    stale = False
    for folder, compiled in plan.items():
        for rel, text in compiled.texts().items():
            path = folder / rel
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            if old != text:
                stale = True
                sys.stdout.writelines(difflib.unified_diff(
                    old.splitlines(keepends=True), text.splitlines(keepends=True),
                    fromfile=f"{path} (on disk)", tofile=f"{path} (from source)"))
        for f in _stale_files(folder, set(compiled.texts())):
            stale = True
            print(f"{f}: no longer produced by the source; delete it")
    if stale:
        print("generated CWL is stale: rebuild with `cwlgen build` (or `make generated`)",
              file=sys.stderr)
        return 1
    return 0
