"""How `cwlgen resources` shows a resource plan: a table per step and a summary (text), or
the plan as JSON. Only formatting: the numbers come from `cwlgen.checks.planning`."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from cwlgen.checks.planning import Allocation, Plan

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def human_mib(mib: float) -> str:
    """RAM as people write it: '512 MiB', '8 GiB', '1.5 GiB'."""
    if mib >= 1024 and mib % 1024 == 0:
        return f"{int(mib // 1024)} GiB"
    if mib >= 1024:
        return f"{mib / 1024:.1f} GiB"
    return f"{int(mib)} MiB"


def human_seconds(seconds: int | None) -> str:
    """A duration as '1h50m', '10m', '45s'; '-' for no time limit."""
    if seconds is None:
        return "-"
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}h{m:02d}m" if not s else f"{h}h{m:02d}m{s:02d}s"
    if m:
        return f"{m}m{s:02d}s" if s else f"{m}m"
    return f"{s}s"


def slurm_time(seconds: int) -> str:
    """A duration in Slurm's `--time` syntax, H:MM:SS."""
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


def cores_number(value: float) -> str:
    """A core count without a needless '.0' (2, not 2.0; 0.5 stays 0.5)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def cores_text(value: float) -> str:
    """'1 core', '24 cores'."""
    return f"{cores_number(value)} core{'' if value == 1 else 's'}"


def salloc_line(allocation: Allocation) -> str:
    """The Slurm command that allocates one node for the whole run."""
    gres = f" --gres=gpu:{allocation.gpus}" if allocation.gpus else ""
    time_part = f" --time={slurm_time(allocation.time_s)}" if allocation.time_s else ""
    return (f"salloc -N1 --cpus-per-task={allocation.cpus} --mem={allocation.mem_mib}M{gres}"
            f"{time_part}")


def plan_json(p: Plan) -> dict[str, Any]:
    """The plan as the JSON object `cwlgen resources --format json` prints."""
    return {
        "workflow": p.name,
        "steps": [dataclasses.asdict(s) for s in p.steps],
        "stages": [dataclasses.asdict(s) for s in p.stages],
        "peak": {"cores": p.peak_cores, "ram_mib": p.peak_ram_mib, "gpus": p.peak_gpus,
                 "stage": p.peak.index if p.peak else None},
        "critical_path": {"seconds": p.critical_path_s, "steps": list(p.critical_path)},
        "untimed_steps": list(p.untimed),
        "unknown_scatter_widths": list(p.unknown_widths),
        "cwl_default_resources": list(p.defaults_used),
    }


def print_plan(p: Plan) -> None:
    """Print the per-step table, then what the workflow needs at full parallelism."""
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
    console.print(_steps_table(p))
    if p.defaults_used:
        console.print("* not declared: CWL's default (1 core, 256 MiB); declare "
                      "resources=Resources(...) on the tool")
    if p.unknown_widths:
        console.print("? scatter width unknown: assumed as given by --scatter-width; pass the "
                      "inputs (INPUTS.yml or --input) to count them")
    console.print()
    _print_summary(console, p)


def _steps_table(p: Plan) -> Table:
    """One row per tool step: its stage, jobs at once and what one job requests."""
    from rich.table import Table

    table = Table(title=f"Resources of {p.name} (per job)", title_justify="left")
    for col in ("stage", "step", "jobs", "cores", "RAM", "GPUs", "time limit"):
        table.add_column(col, justify="left" if col == "step" else "right")
    for s in p.steps:
        jobs = str(s.jobs) + ("" if s.width_known else "?")
        if s.batch:
            jobs += f" (batch {s.batch})"
        table.add_row(str(s.stage), s.path, jobs,
                      cores_number(s.cores) + ("*" if s.cores_default else ""),
                      human_mib(s.ram_mib) + ("*" if s.ram_default else ""),
                      str(s.gpus), human_seconds(s.time_s))
    return table


def _print_summary(console: Console, p: Plan) -> None:
    """Each stage's needs, the peak, the critical path and a suggested allocation."""
    console.print("At full parallelism:")
    for st in p.stages:
        gpus = f", {st.gpus} GPUs" if st.gpus else ""
        console.print(f"  stage {st.index}: {cores_text(st.cores)}, {human_mib(st.ram_mib)}"
                      f"{gpus}  ({', '.join(st.steps)})")
    if p.peak is not None:
        console.print(f"Peak (widest stage, {p.peak.index}): {cores_text(p.peak_cores)}, "
                      f"{human_mib(p.peak_ram_mib)} RAM, {p.peak_gpus} GPUs")
    length = human_seconds(p.critical_path_s) if p.critical_path_s else "0s"
    console.print(f"Critical path: {length} ({' -> '.join(p.critical_path)})")
    if p.untimed:
        console.print(f"  steps without a time limit count as 0: {', '.join(p.untimed)}")
    if p.allocation is not None:
        console.print(f"One allocation that runs it all at once: {salloc_line(p.allocation)}")
