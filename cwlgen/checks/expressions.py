"""Every expression that reads `inputs.x` names an input that exists: a typo in a raw
expression (a step's value_from, a tool's arguments or outputEval, an ExpressionTool) is a
compile error at the user's line (CG606), not a run-time failure in the engine. A `when`
that is one input must read a boolean (CG610, a warning: CWL fails only when it runs).

Pure: IR in, diagnostics out.
"""

from __future__ import annotations

from cwlgen.ir import Step, Tool, Workflow
from cwlgen.ir import types as t
from cwlgen.ir.cwl import input_references
from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.location import SourceLocation
from cwlgen.ir.when_expr import Ref, parse_when


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
    at = tool.loc
    # (what, text, where): a parameter's or output's own line when known, else the tool's
    texts: list[tuple[str, str | None, SourceLocation | None]] = [
        ("the expression", tool.expression, at)]
    texts += [(f"argument {a.value!r}", a.value, at) for a in tool.arguments]
    texts += [(f"the value_from of parameter '{p.name}'", p.binding.value_from, p.loc or at)
              for p in tool.inputs if p.binding is not None]
    for o in tool.outputs:
        texts += [(f"the glob of output '{o.name}'", g, o.loc or at) for g in o.globs]
        texts += [(f"the glob of output '{o.name}'", o.glob, o.loc or at),
                  (f"the output_eval of output '{o.name}'", o.output_eval, o.loc or at)]
    texts += [(f"environment variable {k}", v, at) for k, v in tool.env]
    texts += [("stdout", tool.stdout_name, at), ("stderr", tool.stderr_name, at),
              ("stdin", tool.stdin_expr, at)]
    texts += [("the workdir listing", tool.workdir_listing, at)]
    texts += [(f"workdir entry {name or entry!r}", text, at) for entry, name, _ in tool.workdir
              if isinstance(entry, str) for text in (entry, name)]
    problems: list[Diagnostic] = []
    for what, text, where in texts:
        problems += _unknown(text, known, f"{what} of '{tool.name}'", owner, where)
    return problems


def _not_a_boolean(step: Step) -> list[Diagnostic]:
    """A `when` that is one step input whose type is known and is no boolean (CG610: CWL
    accepts it, and the step fails when it runs). `.when(x)` refuses such an `x` while
    tracing (CG608); this is for `cwl_condition("$(inputs.x)")` and hand-written CWL."""
    tree = parse_when(step.when) if step.when is not None else None
    if not isinstance(tree, Ref):
        return []
    used = next((si for si in step.inputs if si.name == tree.name), None)
    if used is None or len(used.sources) != 1 or used.value_from is not None \
            or used.pick_value is not None or used.merge:
        return []
    tp = used.sources[0].type
    base = t.strip_optional(tp)
    if used.scattered and isinstance(base, t.Array):
        tp = base.items
    if t.assignable(t.BOOLEAN, tp) or t.strip_optional(tp) == t.ANY:
        return []  # a boolean, maybe optional (null fails too, but may never happen)
    return [diag("CG610", step.loc, step=step.id, name=tree.name, type=tp)]


def check_step_expressions(wf: Workflow) -> list[Diagnostic]:
    """Each step's valueFrom and `when` read only that step's inputs (CWL: `inputs` there
    is the step's input object, extra inputs included), and a `when` reading one input
    reads a boolean."""
    problems: list[Diagnostic] = []
    for step in wf.steps:
        known = [i.name for i in step.inputs]
        owner = f"step '{step.id}'"
        problems += _unknown(step.when, known, f"the condition of step '{step.id}'", owner,
                             step.loc)
        problems += _not_a_boolean(step)
        for si in step.inputs:
            problems += _unknown(si.value_from, known,
                                 f"the value_from of argument '{si.name}'", owner,
                                 si.loc or step.loc)
    return problems
