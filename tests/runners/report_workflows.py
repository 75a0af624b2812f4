"""Workflows the run-report and job-total tests run: a scatter of jobs that burn CPU and hold
memory long enough to be measured, a step that fails with a traceback, a batched scatter,
and a scatter whose width the inputs cannot tell (a scattered subworkflow over a nested
list). A module of its own: the jobs import it (it is shipped with its tasks)."""

from __future__ import annotations

import time

from cwlgen import Resources, task, workflow


@task(resources=Resources(cores=1, ram="256 MiB"))
def burn(n: int) -> int:
    """Use 0.6 s of CPU time (however long that takes on a busy machine) holding 64 MiB."""
    hold = bytearray(64 * 2**20)
    end = time.process_time() + 0.6
    spins = 0
    while time.process_time() < end:
        spins += 1
    return n * n + len(hold) * 0


@task
def total(xs: list[int]) -> int:
    return sum(xs)


@task
def explode(x: int) -> int:
    raise ValueError(f"no good: {x}")


@workflow
def burn_all(ns: list[int]) -> int:
    return total(xs=burn.map(n=ns))


@workflow
def burn_then_explode(ns: list[int]) -> int:
    return explode(x=total(xs=burn.map(n=ns)))


@workflow
def burn_batched(ns: list[int]) -> int:
    return total(xs=burn.map(n=ns, batch=2))


@workflow
def per_group(ns: list[int]) -> int:
    return total(xs=burn.map(n=ns))


@workflow
def nested(groups: list[list[int]]) -> int:
    return total(xs=per_group.map(ns=groups))
