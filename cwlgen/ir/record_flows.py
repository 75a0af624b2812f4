"""Which Python record classes must derive from which, so that mypy accepts the imported
workflow.

One CWL record type may be declared at several places with different field formats or
secondary files: a workflow input without the secondary files the tool it feeds requires,
two tools binding the fields differently. In Python these are two dataclasses of one name,
and mypy lets a value of one go where the other is expected only if its class derives from
the other's. `record_bases` follows every value along the workflows (a source into a step
argument, a result into a workflow output) and says which variant derives from which; and
where no class hierarchy can say it: a list of one variant where a list of the other is
expected (lists are invariant), or two variants flowing into each other.

Pure: IR in, classes and problems out.
"""

from __future__ import annotations

from cwlgen.ir import types as t
from cwlgen.ir.frozen import frozen
from cwlgen.ir.location import SourceLocation
from cwlgen.ir.nodes import Process, Workflow
from cwlgen.ir.walk import children_first


@frozen
class RecordClash:
    """Two variants of one record meeting where no subclass can make mypy accept it."""

    name: str
    loc: SourceLocation | None
    why: str


def family(record: t.Record) -> tuple[str, tuple[tuple[str, t.CwlType], ...]]:
    """What makes two record declarations one record type: its name and fields' types."""
    return record.name, tuple((f.name, f.type) for f in record.fields)


def _flow(src: t.CwlType, dst: t.CwlType, loc: SourceLocation | None,
          edges: dict[t.Record, set[t.Record]], clashes: list[RecordClash],
          *, invariant: bool = False) -> None:
    """Record the subclass edges a value of type `src` flowing into `dst` needs."""
    src, dst = t.strip_optional(src), t.strip_optional(dst)
    if isinstance(src, t.Record) and isinstance(dst, t.Record):
        if src == dst or family(src) != family(dst):
            return
        if invariant:
            clashes.append(RecordClash(src.name, loc, "a list of one declaration goes where "
                                       "a list of the other is expected"))
            return
        edges.setdefault(src, set()).add(dst)
    elif isinstance(src, t.Array) and isinstance(dst, t.Array):
        _flow(src.items, dst.items, loc, edges, clashes, invariant=True)
    elif isinstance(src, t.OneOf) and isinstance(dst, t.OneOf):
        for a, b in zip(src.members, dst.members, strict=False):
            _flow(a, b, loc, edges, clashes, invariant=invariant)


def _picked(types: list[t.CwlType], method: str | None, flattened: bool) -> t.CwlType:
    """What `pick_value`/`merge_flattened` of values of `types` yields."""
    items = []
    for tp in types:
        base = t.strip_optional(tp)
        items.append(base.items if (flattened or len(types) == 1) and
                     isinstance(base, t.Array) else tp)
    item = t.strip_optional(items[0]) if method is not None else items[0]
    return t.Array(item) if method in (None, "all_non_null") else item


def _workflow_flows(wf: Workflow, edges: dict[t.Record, set[t.Record]],
                    clashes: list[RecordClash]) -> None:
    for step in wf.steps:
        if any(si.scattered for si in step.inputs):
            continue  # `.map(...)` takes its arguments as Any
        for si in step.inputs:
            param = step.process.input(si.name)
            if param is None or si.value_from is not None or not si.sources:
                continue  # value_from(..., type=...) is typed as the parameter
            loc = si.loc or step.loc
            types = [s.type for s in si.sources]
            if si.pick_value is not None or si.link_merge == "merge_flattened":
                _flow(_picked(types, si.pick_value, si.link_merge == "merge_flattened"),
                      param.type, loc, edges, clashes)
            elif si.merge:  # `[a, b]`: a list display, typed by what the parameter takes
                base = t.strip_optional(param.type)
                for tp in types:
                    if isinstance(base, t.Array):
                        _flow(tp, base.items, loc, edges, clashes)
            else:
                _flow(types[0], param.type, loc, edges, clashes)
    for out in wf.outputs:
        types = [s.type for s in out.sources]
        if not types:
            continue
        if out.pick_value is not None or out.link_merge == "merge_flattened" and out.merged:
            _flow(_picked(types, out.pick_value, out.link_merge == "merge_flattened"),
                  out.type, out.loc, edges, clashes)
        elif out.merged:
            base = t.strip_optional(out.type)
            for tp in types:
                if isinstance(base, t.Array):
                    _flow(tp, base.items, out.loc, edges, clashes)
        else:
            _flow(types[0], out.type, out.loc, edges, clashes)


def record_bases(root: Process) -> tuple[dict[t.Record, tuple[t.Record, ...]],
                                         list[RecordClash]]:
    """(record variant -> the variants its class derives from, directly; the places where
    no class hierarchy works). Bases are listed in a fixed order."""
    edges: dict[t.Record, set[t.Record]] = {}
    clashes: list[RecordClash] = []
    for process in children_first(root):
        if isinstance(process, Workflow):
            _workflow_flows(process, edges, clashes)
    order = {rec: i for i, rec in enumerate(edges)}
    for targets in edges.values():
        for rec in targets:
            order.setdefault(rec, len(order))

    def reachable(start: t.Record) -> set[t.Record]:
        seen: set[t.Record] = set()
        stack = list(edges.get(start, ()))
        while stack:
            rec = stack.pop()
            if rec not in seen:
                seen.add(rec)
                stack.extend(edges.get(rec, ()))
        return seen

    bases: dict[t.Record, tuple[t.Record, ...]] = {}
    for rec, targets in edges.items():
        if rec in reachable(rec):
            clashes.append(RecordClash(rec.name, None, "its declarations flow into each "
                                       "other"))
            continue
        # only the direct bases: one reachable through another comes with it
        direct = [b for b in targets if not any(b in reachable(o) for o in targets if o != b)]
        bases[rec] = tuple(sorted(direct, key=order.__getitem__))
    return bases, clashes


__all__ = ["RecordClash", "family", "record_bases"]
