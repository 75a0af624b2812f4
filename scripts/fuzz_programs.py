"""The long fuzz run of issue 11: generate N whole cwlgen programs (tools, Python tasks,
workflows, scatters, batched scatters, subworkflows; mostly well wired, some deliberately
not) with the Hypothesis strategy of tests/module_strategies.py, compile each definition, and
count:

- internal errors: any exception other than CompileError, or a CompileError with a
  diagnostic that does not point at a line of the generated module (goal 0);
- compiled documents cwltool rejects: every document of every Nth program (default every
  program) is validated in-process with cwltool's loader (goal 0);
- how many definitions compiled, how many were rejected and with which codes.

Usage (from the repository root, PYTHONPATH set to it):

    python scripts/fuzz_programs.py --count 10000 --validate-every 10

Exit status 1 when an internal error or a rejected document was found (each is printed with
the program that caused it). The bounded version of the same property runs in the test
suite (tests/property/test_properties.py, 60 programs; HYPOTHESIS_PROFILE=long: 2000).
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import itertools
import logging
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from module_strategies import modules  # type: ignore[import-not-found]  # noqa: E402

import cwlgen  # noqa: E402
from cwlgen.backend.validate import validate_file  # noqa: E402
from cwlgen.dsl.definition import Definition  # noqa: E402
from cwlgen.errors import ValidationError  # noqa: E402

_names = itertools.count()


def _import(source: str, folder: Path) -> Any:
    name = f"cwlgen_fuzz_{next(_names)}"
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Tally:
    """What the run found."""

    def __init__(self) -> None:
        self.programs = 0
        self.definitions = 0
        self.compiled = 0
        self.rejected = 0
        self.validated_docs = 0
        self.invalid_docs: list[str] = []
        self.internal: list[str] = []
        self.codes: collections.Counter[str] = collections.Counter()
        self.kinds: collections.Counter[str] = collections.Counter()


def check_program(source: str, names: list[str], folder: Path, validate: bool,
                  tally: Tally) -> None:
    """Compile every definition of one program; record what happened."""
    tally.programs += 1
    try:
        module = _import(source, folder)
    except Exception:  # the generator wrote a module Python refuses: a generator bug
        tally.internal.append(f"import failed:\n{traceback.format_exc()}\n{source}")
        return
    path = Path(module.__file__ or "").resolve()
    n_lines = len(source.splitlines())
    try:
        for name in names:
            definition = getattr(module, name)
            if not isinstance(definition, Definition):
                continue
            tally.definitions += 1
            tally.kinds[definition.kind] += 1
            try:
                compiled = cwlgen.compile(definition)
            except cwlgen.CompileError as exc:
                tally.rejected += 1
                for d in exc.diagnostics:
                    tally.codes[d.code] += 1
                    if d.loc is None or Path(d.loc.path).resolve() != path or not (
                            1 <= d.loc.line <= n_lines):
                        tally.internal.append(f"diagnostic not at the user's line: "
                                              f"{d.render()}\n{source}")
                continue
            except Exception:
                tally.internal.append(f"{name}: {traceback.format_exc()}\n{source}")
                continue
            tally.compiled += 1
            if validate:
                out = folder / f"cwl_{module.__name__}_{name}"
                compiled.write(out)
                for rel in compiled.texts():
                    tally.validated_docs += 1
                    try:
                        validate_file(out / rel)
                    except ValidationError as exc:
                        tally.invalid_docs.append(f"{exc}\n{source}")
    finally:
        sys.modules.pop(module.__name__, None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--validate-every", type=int, default=1, metavar="N",
                        help="validate the documents of every Nth program with cwltool")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    logging.getLogger("cwltool").setLevel(logging.ERROR)
    tally = Tally()
    rng = random.Random(args.seed)
    started = time.process_time()
    with tempfile.TemporaryDirectory(prefix="cwlgen-fuzz-") as tmp:
        folder = Path(tmp)

        @settings(max_examples=args.count, deadline=None, database=None, derandomize=False,
                  suppress_health_check=list(HealthCheck))
        @given(modules())
        def run(program: tuple[str, list[str]]) -> None:
            source, names = program
            check_program(source, names, folder, rng.randrange(args.validate_every) == 0,
                          tally)
            if tally.programs % 1000 == 0:
                print(f"... {tally.programs} programs, {len(tally.internal)} internal "
                      f"errors, {len(tally.invalid_docs)} invalid documents", flush=True)

        run()
    cpu = time.process_time() - started
    print(f"programs generated:          {tally.programs}")
    print(f"definitions compiled:        {tally.definitions} "
          f"({dict(sorted(tally.kinds.items()))})")
    print(f"  compiled to CWL:           {tally.compiled}")
    print(f"  rejected (CompileError):   {tally.rejected}, every diagnostic at the user's "
          f"line: {not any('not at the user' in i for i in tally.internal)}")
    print(f"  diagnostic codes seen:     {dict(sorted(tally.codes.items()))}")
    print(f"documents validated by cwltool (in-process, programs sampled 1 in "
          f"{args.validate_every}): {tally.validated_docs}, rejected: "
          f"{len(tally.invalid_docs)}")
    print(f"internal errors:             {len(tally.internal)}")
    print(f"CPU time:                    {cpu:.0f} s")
    for problem in (tally.internal + tally.invalid_docs)[:5]:
        print("-" * 60)
        print(problem[:4000])
    return 1 if tally.internal or tally.invalid_docs else 0


if __name__ == "__main__":
    sys.exit(main())
