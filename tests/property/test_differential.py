"""Differential property test: for random typed DAGs of Python tasks, the outputs of cwltool
running the compiled CWL equal the outputs of `run_local` (in-process execution).

Hypothesis writes one Python module per example (all its tasks in ONE file, so cwltool's jobs
import one small module): random types (int, float, str with characters CWL could interpolate,
bool, File, an enum, a record; lists, nested lists and optionals of them), fan-out (several
steps reading one result), fan-in (a list argument merged from several results), all three
scatter methods (dotproduct over lists of known equal length), literal arguments, Python
defaults, omitted optional inputs, and a subworkflow called plainly or scattered. Every task
checks the Python types it receives and derives its outputs from a digest of its inputs (files
by content), so any difference in values, types, order or nesting shows up in the outputs.

CI runs a bounded, derandomized set (DIFF_EXAMPLES, 15 by default); HYPOTHESIS_PROFILE=long
runs 200 fresh random examples (see docs/tasks.md).
"""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
from pathlib import Path

from conftest import build_definition, run_cwl
from differential_programs import EXAMPLES, LONG, Program, load, materialise, normalise, programs
from hypothesis import HealthCheck, Phase, given, settings

from cwlgen.runners import run_job


# each example runs cwltool (~1-3 s): CI skips shrinking (a failure prints the program and a
# reproduction blob); the long profile shrinks
@settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG, print_blob=True,
          phases=tuple(Phase) if LONG else (Phase.explicit, Phase.reuse, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(programs())
def test_cwltool_and_run_local_agree(program: Program) -> None:
    work = Path(tempfile.mkdtemp(prefix="cwlgen-diff-"))
    try:
        module = load(program.source, work)
        inputs = work / "inputs"
        inputs.mkdir()
        counter = itertools.count(1)
        job = {k: materialise(v, inputs, counter) for k, v in program.job.items()}
        local = run_job(module.main, json.loads(json.dumps(job)), workdir=work / "local")
        built = build_definition(module.main, work / "cwl", validate=False)
        remote = run_cwl(built.main, job, work / "cwltool")
        assert normalise(remote) == normalise(local), program.source
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_the_generator_covers_the_features() -> None:
    """Over the CI examples, every scatter method, fan-in, subworkflows (plain and scattered)
    and every base type occur (so a bounded CI run still exercises all of them)."""
    seen: set[str] = set()

    @settings(max_examples=EXAMPLES, derandomize=not LONG, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much], database=None)
    @given(programs())
    def collect(program: Program) -> None:
        for item in program.summary:
            seen.update(item.split(":"))
        for base in ("int", "float", "str", "bool", "File", "Color", "Rec", "| None",
                     "list[list["):
            if base in program.source.split("ALPHABET", 2)[-1]:
                seen.add(base)

    collect()
    wanted = {"dotproduct", "nested_crossproduct", "flat_crossproduct", "merge", "scattered",
              "sub", "int", "float", "str", "bool", "File", "Color", "Rec", "| None",
              "list[list["}
    assert wanted <= seen, wanted - seen
