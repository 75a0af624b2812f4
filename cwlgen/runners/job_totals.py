"""How many jobs each step of a run will have, known before it starts when the scatter widths
follow from the inputs (a scattered workflow input, or the output of a scatter of known
width): the live display then counts towards the real total instead of one that grows as
jobs are discovered, and the run report shows each step's scatter width and batch size.

The resource plan (`checks.planning`) already counts jobs per step of the workflow as
written; this module maps its steps onto the steps the engine reports on (after lowering:
`.map(batch=K)` adds a `<step>_chunk` and a `<step>_flatten` job per batched scatter).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cwlgen.checks.planning import plan
from cwlgen.ir import Process
from cwlgen.runners.steps import StepIndex


@dataclass(frozen=True)
class PlannedStep:
    """One step as the engine reports on it: jobs expected, and its scatter width."""

    key: str
    jobs: int
    items: int | None  # items scattered over (None: not scattered)
    batch: int | None
    known: bool  # whether the width follows from the inputs


def planned_steps(root: Process, index: StepIndex,
                  inputs: Mapping[str, Any] | None) -> dict[str, PlannedStep]:
    """Step key (as in `index`) -> what the plan of `root` (the workflow before lowering)
    expects of it, given the run's input values."""
    out: dict[str, PlannedStep] = {}
    for need in plan(root, inputs).steps:
        parts = need.path.split("/")
        step_id, caller = parts[-1], (parts[-2] if len(parts) > 1 else "")
        doc = index.doc_of_call(caller)
        leaf = _leaf(index, step_id, doc)
        if leaf is None:
            continue
        scattered = index.by_key[leaf].scattered or need.items != 1 or need.batch is not None
        per_width = math.ceil(need.items / need.batch) if need.batch else need.items
        multiplier = need.jobs // per_width if per_width else 1
        helpers = [_leaf(index, f"{step_id}_{part}", doc) for part in ("chunk", "flatten")]
        batched = need.batch is not None and all(h is not None for h in helpers)
        jobs = need.jobs if batched or not need.batch else need.items * multiplier
        _add(out, PlannedStep(key=leaf, jobs=jobs, items=need.items if scattered else None,
                              batch=need.batch if batched else None, known=need.width_known))
        if batched:
            for helper in helpers:
                assert helper is not None
                _add(out, PlannedStep(key=helper, jobs=multiplier, items=None, batch=None,
                                      known=need.width_known))
    return out


def expected_total(planned: Mapping[str, PlannedStep], index: StepIndex) -> int | None:
    """The number of jobs the run will have, or None when some width is not known."""
    if not planned or any(not p.known for p in planned.values()):
        return None
    if any(step.key not in planned for step in index.steps):
        return None
    return sum(p.jobs for p in planned.values())


def _leaf(index: StepIndex, step_id: str, doc: str) -> str | None:
    for step in index.by_id.get(step_id, []):
        if step.doc == doc or not step.doc:
            return step.key
    return None


def _add(out: dict[str, PlannedStep], step: PlannedStep) -> None:
    """A subworkflow called from two places lists its steps once: add up their jobs."""
    old = out.get(step.key)
    if old is None:
        out[step.key] = step
        return
    out[step.key] = PlannedStep(key=step.key, jobs=old.jobs + step.jobs,
                                items=(old.items or 0) + (step.items or 0) or None,
                                batch=old.batch or step.batch, known=old.known and step.known)
