"""Rebuild `generated/` from `pipelines/*.py`, or check that it is up to date.

Every `@workflow` defined in `pipelines/<name>.py` is compiled with `cwlgen.compile` into its own
folder, `generated/<name>/<workflow>/` (the workflow's `.cwl` plus one document per tool, task
and subworkflow it uses). `generated/` is committed so that readers (and CWL runners) get the
CWL without installing cwlgen; this script keeps it honest.

    python scripts/generated.py          # rewrite generated/           (make generated)
    python scripts/generated.py --check  # exit 1 with a diff if stale  (make check-generated)

Files under `generated/` that the sources no longer produce are deleted (or, with --check,
reported). Output is byte-identical across runs, machines and PYTHONHASHSEED values.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PIPELINES = REPO / "pipelines"
GENERATED = REPO / "generated"

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import cwlgen  # noqa: E402  (needs the repository on sys.path when run from a checkout)
from cwlgen.cli.targets import definitions_in  # noqa: E402
from cwlgen.errors import CompileError  # noqa: E402
from cwlgen.ir.diagnostics import Diagnostic  # noqa: E402


def pipeline_modules() -> list[str]:
    """Names of the pipeline modules, e.g. ['prefactor', 'presto', 'spiel']."""
    return sorted(p.stem for p in PIPELINES.glob("*.py") if not p.stem.startswith("_"))


def expected_files() -> dict[Path, str]:
    """Path relative to generated/ -> YAML text, for every workflow of every pipeline module.

    Raises CompileError (listing every problem) if a pipeline does not compile."""
    files: dict[Path, str] = {}
    problems: list[Diagnostic] = []
    for name in pipeline_modules():
        module = importlib.import_module(f"pipelines.{name}")
        for definition in definitions_in(module):
            if definition.kind != "workflow":
                continue
            try:
                compiled = cwlgen.compile(definition)
            except CompileError as exc:
                problems.extend(exc.diagnostics)
                continue
            for warning in compiled.warnings:
                print(warning.render(), file=sys.stderr)
            for rel, text in compiled.texts().items():
                files[Path(name) / definition.name / rel] = text
    if problems:
        raise CompileError(problems)
    return files


def existing_files() -> dict[Path, str]:
    """Every .cwl file now under generated/, and the Python files shipped beside them
    (`_cwlgen_*.py`), relative to it."""
    if not GENERATED.is_dir():
        return {}
    found = {*GENERATED.rglob("*.cwl"), *GENERATED.rglob("_cwlgen_*.py")}
    return {p.relative_to(GENERATED): p.read_text(encoding="utf-8") for p in sorted(found)}


def check(expected: dict[Path, str], existing: dict[Path, str]) -> int:
    """Print a unified diff of every difference; 0 if none, else 1."""
    stale = False
    for rel in sorted(set(expected) | set(existing)):
        old, new = existing.get(rel, ""), expected.get(rel, "")
        if old == new:
            continue
        stale = True
        label = f"generated/{rel.as_posix()}"
        sys.stdout.writelines(difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True),
            fromfile=f"{label} (committed)" if rel in existing else "/dev/null",
            tofile=f"{label} (from pipelines/)" if rel in expected else "/dev/null"))
    if stale:
        print("generated/ is stale: run `make generated` (python scripts/generated.py) and "
              "commit the result", file=sys.stderr)
        return 1
    print(f"generated/ is up to date ({len(expected)} files)")
    return 0


def write(expected: dict[Path, str], existing: dict[Path, str]) -> None:
    """Write what changed, delete what is no longer produced, drop emptied folders."""
    changed = 0
    for rel, text in sorted(expected.items()):
        if existing.get(rel) != text:
            target = GENERATED / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            changed += 1
    removed = [rel for rel in existing if rel not in expected]
    for rel in removed:
        (GENERATED / rel).unlink()
    for folder in sorted((p for p in GENERATED.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    print(f"generated/: {len(expected)} files, {changed} written, {len(removed)} removed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 with a diff if generated/ is stale")
    args = parser.parse_args(argv)
    try:
        expected = expected_files()
    except CompileError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    existing = existing_files()
    if args.check:
        return check(expected, existing)
    write(expected, existing)
    return 0


if __name__ == "__main__":
    sys.exit(main())
