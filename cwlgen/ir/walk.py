"""Walking the process tree without recursion: users nest subworkflows as deep as they like,
and every stage must handle any depth (Python's recursion limit is about 1,000 frames)."""

from __future__ import annotations

from cwlgen.ir.nodes import Process, Workflow


def children_first(root: Process) -> list[Process]:
    """`root` and every process reachable from it, each once (by key), each after all the
    processes its steps run: rewriting in this order finds every callee rewritten already."""
    order: list[Process] = []
    seen: set[str] = set()
    stack: list[tuple[Process, bool]] = [(root, False)]
    while stack:
        process, expanded = stack.pop()
        if expanded:
            order.append(process)
            continue
        if process.key in seen:
            continue
        seen.add(process.key)
        stack.append((process, True))
        if isinstance(process, Workflow):
            stack.extend((step.process, False) for step in reversed(process.steps))
    return order
