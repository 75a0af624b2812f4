"""`@expression_tool(js)`: a CWL ExpressionTool, the explicit JavaScript escape hatch.

Ports are typed from the signature like any other process (so calls are checked by mypy and
by the checker); the function body is never run: only its docstring is used. The expression
must return an object with one key per output (`out` for a single return value, the
NamedTuple's field names otherwise). Python tasks (`@task`) stay the JavaScript-free way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from cwlgen.dsl.definition import Definition
from cwlgen.dsl.interface import Interface, read_interface, read_resources
from cwlgen.dsl.spec import Resources
from cwlgen.ir import Tool
from cwlgen.ir.diagnostics import Diagnostic, diag

P = ParamSpec("P")
R = TypeVar("R")


class ExpressionToolDef(Definition[P, R]):
    """An ExpressionTool: a step whose outputs a JavaScript expression computes."""

    kind = "tool"

    def __init__(self, func: Callable[P, R], expression: object,
                 time_limit: int | float | str | None = None) -> None:
        super().__init__(func)
        self.expression = expression
        self.time_limit = time_limit

    @property
    def interface(self) -> Interface:
        """Inputs and outputs read like a task's: no command-line bindings, no globs."""
        if self._interface is None:
            self._interface = read_interface(self.func, kind="expression_tool",
                                             func_name=self.name)
        return self._interface

    def _build_ir(self) -> Tool:
        iface = self.interface
        where = iface.site.at()
        problems: list[Diagnostic] = list(iface.diagnostics)
        expression = self.expression
        if not isinstance(expression, str) or not ("$(" in expression or "${" in expression):
            problems.append(diag("CG607", where, variant="expression_tool", func=self.name,
                                 value=repr(expression)[:60]))
            expression = "${ return {}; }"
        resources = None
        if self.time_limit is not None:
            resources = read_resources(Resources(time_limit=self.time_limit), self.name, where,
                                       problems)
        return Tool(
            key=self.key,
            name=self.name,
            label=iface.doc.label,
            doc=iface.doc.doc,
            inputs=iface.inputs,
            outputs=iface.outputs,
            expression=expression,
            resources=resources,
            loc=where,
            diagnostics=tuple(problems),
        )


def expression_tool(
    expression: str, /, *, time_limit: int | float | str | None = None,
) -> Callable[[Callable[P, R]], ExpressionToolDef[P, R]]:
    """Declare a CWL ExpressionTool computing its outputs with JavaScript `expression`
    (`${ return {'out': inputs.x + 1}; }`); the decorated function gives the typed ports and
    the docs, its body is not run. The document gets InlineJavascriptRequirement.
    `time_limit` ("30s", seconds, 0 for none, or an expression) writes ToolTimeLimit, as
    `Resources(time_limit=...)` does for a tool."""

    def decorate(func: Callable[P, R]) -> ExpressionToolDef[P, R]:
        return ExpressionToolDef(func, expression, time_limit)

    if callable(expression):  # used bare, as @expression_tool: reported as CG607
        return ExpressionToolDef(expression, None)
    return decorate
