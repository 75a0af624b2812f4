"""Compile every definition of the examples, the pipelines and the test fixtures, and print
{document name: CWL text} as JSON. Run by each Python version under test (see
test_same_cwl_on_every_python.py); the checkout must be importable (PYTHONPATH)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCES = [  # loaded from their files
    *sorted((REPO / "examples").glob("*.py")),
    REPO / "tests" / "typing" / "editor_fixtures" / "good.py",
]
SKIP = {"demo.py", "miswired.py"}  # a script, and a deliberately broken workflow


def main() -> None:
    sys.path[:0] = [str(REPO), str(REPO / "tests")]  # pipelines.*, and fixtures.* as tests do
    import cwlgen
    from cwlgen.dsl.definition import Definition

    out: dict[str, str] = {}
    modules = [importlib.import_module(f"pipelines.{p.stem}")
               for p in sorted((REPO / "pipelines").glob("*.py")) if not p.stem.startswith("_")]
    modules += [importlib.import_module(f"fixtures.examples.{p.stem}")
                for p in sorted((REPO / "tests" / "fixtures" / "examples").glob("*.py"))]
    for path in SOURCES:
        if path.name in SKIP:
            continue
        spec = importlib.util.spec_from_file_location(f"src_{path.stem}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        modules.append(module)
    for module in modules:
        for name, obj in sorted(vars(module).items()):
            if not isinstance(obj, Definition) or obj.func.__module__ != module.__name__:
                continue
            compiled = cwlgen.compile(obj)
            for rel, text in compiled.texts().items():
                out[f"{module.__name__}:{name}/{rel}"] = text
    json.dump(out, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
