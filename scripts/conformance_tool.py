#!/usr/bin/env python3
"""cwltest `--tool` for the round trip: CWL -> `cwlgen import` -> Python -> `cwlgen build` ->
CWL -> `cwltool --no-container` (in this process).

cwltest calls `TOOL [ARGS] --outdir=DIR --quiet TOOL_URI [JOB_URI]`. A document the importer
refuses exits 33 ("unsupported feature"). Each outcome is appended as one JSON line to
$CWLGEN_CONFORMANCE_LOG, so scripts/conformance.py can count refusals apart from failures.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time


def log(record: dict[str, object]) -> None:
    path = os.environ.get("CWLGEN_CONFORMANCE_LOG")
    if path:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)


def should_fail_tools() -> set[str]:
    path = os.environ.get("CWLGEN_CONFORMANCE_SHOULD_FAIL")
    if not path or not os.path.exists(path):
        return set()
    with open(path, encoding="utf-8") as fh:
        return set(json.load(fh))


def valid(uri: str) -> bool:
    from cwlgen.backend.validate import validate_file
    from cwlgen.errors import ValidationError

    path = uri[len("file://"):] if uri.startswith("file://") else uri
    try:
        validate_file(path.partition("#")[0])
    except ValidationError:
        return False
    except Exception:  # noqa: BLE001 - cwltool failing to load at all is a rejection too
        return False
    return True


def main(argv: list[str]) -> int:
    positional = [i for i, a in enumerate(argv) if not a.startswith("-")]
    if not positional:
        print("usage: conformance_tool.py [CWLTOOL ARGS] TOOL_URI [JOB_URI]", file=sys.stderr)
        return 2
    # cwltest puts `TOOL_URI [JOB_URI]` last; every option it passes has its value after `=`
    tool_index = positional[-2] if len(positional) >= 2 else positional[-1]
    tool = argv[tool_index]
    from cwlgen.compiler import compile as compile_cwl
    from cwlgen.cwl_import import ImportFailed, import_cwl

    work = tempfile.mkdtemp(prefix="cwlgen-conf-")
    start = time.perf_counter()
    try:
        try:
            name = import_cwl(tool, os.path.join(work, "imported.py"))
        except ImportFailed as exc:
            log({"tool": tool, "outcome": "refused",
                 "problems": [p.render() for p in exc.problems]})
            for p in exc.problems:
                print(p.render(), file=sys.stderr)
            return 33
        import importlib.util

        spec = importlib.util.spec_from_file_location("cwlgen_conformance_doc",
                                                      os.path.join(work, "imported.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        compiled = compile_cwl(getattr(module, name))
        compiled.write(work)
        rebuilt = os.path.join(work, compiled.main)
        record: dict[str, object] = {"tool": tool, "outcome": "imported",
                                     "seconds": time.perf_counter() - start}
        if tool in should_fail_tools():
            # a should_fail test passes only if the rebuilt document fails the same way: both
            # rejected when loaded, or both loaded and failing when run
            record["original_valid"] = valid(tool)
            record["rebuilt_valid"] = valid(rebuilt)
        log(record)
        from cwltool.main import main as cwltool_main

        args = list(argv)
        args[tool_index] = rebuilt
        if "--no-container" not in args:
            args.insert(0, "--no-container")
        code: int = cwltool_main(args)
        return code
    finally:
        if not os.environ.get("CWLGEN_CONFORMANCE_KEEP"):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
