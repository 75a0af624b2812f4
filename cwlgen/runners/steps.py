"""The leaf (tool) steps of a compiled workflow, and how each engine's job names map to them.

The engines report progress by job name only (cwltool: `[job count_2]`; Toil:
`main.cwl.count.count.cwl`), so the run state needs this index to attribute a log line to the
step the user wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cwlgen.backend.layout import document_names, processes_in_order
from cwlgen.ir import Process, Tool, Workflow
from cwlgen.ir.location import SourceLocation
from cwlgen.runtime.files import SHIM_FILE


@dataclass(frozen=True)
class LeafStep:
    """One tool step of some workflow document (a subworkflow used twice is listed once)."""

    key: str  # display name, unique
    doc: str  # stem of the workflow document holding the step ('' for a lone tool)
    step_id: str
    tool_doc: str  # stem of the tool document it runs
    scattered: bool
    call: SourceLocation | None = None  # the workflow line that calls the step
    task_file: str | None = None  # the user's .py file, when the step runs a Python task


def _task_file(tool: Process) -> str | None:
    """The user's file a lowered Python task came from (its tool runs the shim)."""
    if isinstance(tool, Tool) and SHIM_FILE in tool.base_command and tool.loc is not None:
        return tool.loc.path
    return None


class StepIndex:
    """The leaf (tool) steps of a compiled process and how runner names map to them."""

    def __init__(self, root: Process) -> None:
        processes = processes_in_order(root)
        names = document_names(processes)
        self.root_doc = names[root.key]
        raw: list[tuple[str, str, str, bool, SourceLocation | None, str | None]] = []
        self.call_doc: dict[str, str] = {}  # subworkflow step id -> its document stem
        for p in processes:
            if not isinstance(p, Workflow):
                continue
            for st in p.steps:
                if isinstance(st.process, Workflow):
                    self.call_doc.setdefault(st.id, names[st.process.key])
                else:
                    raw.append((names[p.key], st.id, names[st.process.key], bool(st.scatter),
                                st.loc, _task_file(st.process)))
        if isinstance(root, Tool):
            raw.append(("", root.name, self.root_doc, False, None, _task_file(root)))
        ids = [r[1] for r in raw]
        self.steps: list[LeafStep] = []
        for doc, sid, tool_doc, scattered, call, task_file in raw:
            key = sid if ids.count(sid) == 1 or not doc else f"{doc}/{sid}"
            self.steps.append(LeafStep(key, doc, sid, tool_doc, scattered, call, task_file))
        self.by_key = {s.key: s for s in self.steps}
        self.by_id: dict[str, list[LeafStep]] = {}
        for s in self.steps:
            self.by_id.setdefault(s.step_id, []).append(s)

    def resolve_id(self, step_id: str, doc: str | None = None) -> LeafStep | None:
        """The leaf step a cwltool `[step X]` / `[job X]` name refers to, if any."""
        for candidate in (step_id, re.sub(r"_\d+$", "", step_id)):
            found = self.by_id.get(candidate, [])
            if len(found) == 1:
                return found[0]
            if found:
                for s in found:
                    if s.doc == doc:
                        return s
                return found[0]
        return None

    def doc_of_call(self, workflow_job: str) -> str:
        """cwltool names a subworkflow job after the step that calls it (`rank`, `rank_2`)."""
        if not workflow_job:
            return self.root_doc
        for candidate in (workflow_job, re.sub(r"_\d+$", "", workflow_job)):
            if candidate in self.call_doc:
                return self.call_doc[candidate]
        return workflow_job

    def resolve_toil(self, job_name: str) -> LeafStep | None:
        """Toil names jobs `<workflow doc>.cwl.<step id or scatter index>.<tool doc>.cwl`."""
        m = re.fullmatch(r"(?P<wf>[\w-]+)\.cwl\.(?P<mid>[\w-]+)\.(?P<tool>[\w-]+)\.cwl", job_name)
        if m is None:
            lone = re.fullmatch(r"(?P<tool>[\w-]+)\.cwl", job_name)
            if lone and len(self.steps) == 1 and not self.steps[0].doc:
                return self.steps[0]
            return None
        wf, mid, tool = m.group("wf", "mid", "tool")
        in_doc = [s for s in self.steps if s.doc == wf]
        for s in in_doc:
            if s.step_id == mid:
                return s
        same_tool = [s for s in in_doc if s.tool_doc == tool]
        scattered = [s for s in same_tool if s.scattered]
        pick = scattered or same_tool
        return pick[0] if pick else None


