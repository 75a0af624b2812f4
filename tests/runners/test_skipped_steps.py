"""A step whose condition is false is shown as skipped, not failed: from cwltool's log
(`[step x] completed skipped`) to the run state, the summary line and the plain display."""

from __future__ import annotations

import io

from fixtures.conditionals import cond_wf_003_1

from cwlgen.runners.cwltool_log import CwltoolLogParser
from cwlgen.runners.display import PlainDisplay, summary_line
from cwlgen.runners.state import CONDITION_FALSE, DONE, RunState
from cwlgen.runners.steps import StepIndex

# what cwltool 3.x prints for cond-wf-003.1 with val=0 (--disable-color), in order
LOG = """\
INFO [workflow ] start
INFO [workflow ] starting step foo
INFO [step foo] start
INFO [job foo] /tmp/x$ echo
INFO [job foo] completed success
INFO [step foo] completed success
INFO [workflow ] starting step foo_2
INFO [step foo_2] will be skipped
INFO [step foo_2] completed skipped
INFO [workflow ] completed success
"""


def test_a_step_skipped_by_its_condition_is_not_a_failure() -> None:
    index = StepIndex(cond_wf_003_1.cond_wf_003_1.process_ir())
    state = RunState(index, "cwltool")
    out = io.StringIO()
    display = PlainDisplay(out)
    parser = CwltoolLogParser(state)
    for line in LOG.splitlines():
        parser.feed(line)
        display.update(state)
    assert state.steps["foo"].status == DONE
    assert state.steps["foo_2"].status == CONDITION_FALSE
    assert "1/2 steps done, 1 skipped by their condition" in summary_line(state)
    assert "0 failed" in summary_line(state)
    assert "step foo_2: skipped (its condition was false)" in out.getvalue()
