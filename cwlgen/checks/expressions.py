"""Every expression that reads `inputs.x` names an input that exists: a typo in a raw
expression (a step's value_from, a tool's arguments or outputEval, an ExpressionTool) is a
compile error at the user's line (CG606), not a run-time failure in the engine.

Pure: IR in, diagnostics out.
"""

from __future__ import annotations

from cwlgen.ir import Tool, Workflow
from cwlgen.ir.cwl import input_references
from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.location import SourceLocation


def _unknown(text: str | None, known: list[str], where: str, owner: str,
             loc: SourceLocation | None) -> list[Diagnostic]:
    problems = []
    for name in input_references(text):
        if name in known:
            continue
        import difflib  # only when suggesting a name

        close = difflib.get_close_matches(name, known, n=1)
        suggestion = (f"; did you mean '{close[0]}'?" if close else
                      (f"; its inputs: {', '.join(known)}" if known else "; it has none"))
        problems.append(diag("CG606", loc, where=where, name=name, owner=owner,
                             suggestion=suggestion))
    return problems


def check_tool_expressions(tool: Tool) -> list[Diagnostic]:
    """A tool's (or ExpressionTool's) expressions read only its own inputs."""
    known = [p.name for p in tool.inputs]
    owner = f"'{tool.name}'"
    texts: list[tuple[str, str | None]] = [("the expression", tool.expression)]
    texts += [(f"argument {a.value!r}", a.value) for a in tool.arguments]
    texts += [(f"the value_from of parameter '{p.name}'", p.binding.value_from)
              for p in tool.inputs if p.binding is not None]
    for o in tool.outputs:
        texts += [(f"the glob of output '{o.name}'", g) for g in o.globs]
        texts += [(f"the glob of output '{o.name}'", o.glob),
                  (f"the output_eval of output '{o.name}'", o.output_eval)]
    texts += [(f"environment variable {k}", v) for k, v in tool.env]
    texts += [("stdout", tool.stdout_name), ("stderr", tool.stderr_name),
              ("stdin", tool.stdin_expr)]
    texts += [("the workdir listing", tool.workdir_listing)]
    texts += [(f"workdir entry {name or entry!r}", text) for entry, name, _ in tool.workdir
              if isinstance(entry, str) for text in (entry, name)]
    problems: list[Diagnostic] = []
    for what, text in texts:
        problems += _unknown(text, known, f"{what} of '{tool.name}'", owner, tool.loc)
    return problems


def check_step_expressions(wf: Workflow) -> list[Diagnostic]:
    """Each step's valueFrom and `when` read only that step's inputs (CWL: `inputs` there
    is the step's input object, extra inputs included)."""
    problems: list[Diagnostic] = []
    for step in wf.steps:
        known = [i.name for i in step.inputs]
        owner = f"step '{step.id}'"
        problems += _unknown(step.when, known, f"the condition of step '{step.id}'", owner,
                             step.loc)
        for si in step.inputs:
            problems += _unknown(si.value_from, known,
                                 f"the value_from of argument '{si.name}'", owner,
                                 si.loc or step.loc)
    return problems
