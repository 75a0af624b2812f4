"""`@tool`: a typed function whose body is only a docstring declares a CommandLineTool."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar

import attrs

from cwlgen.dsl.definition import Definition
from cwlgen.dsl.interface import read_env, read_packages, read_resources
from cwlgen.dsl.spec import Arg, Resources
from cwlgen.ir import Argument, Binding, Container, Tool
from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.location import SourceLocation, caller_location

P = ParamSpec("P")
R = TypeVar("R")


@attrs.frozen(kw_only=True)
class ToolOptions:
    base_command: tuple[str, ...]
    arguments: tuple[str | Arg, ...] = ()
    container: str | None = None
    container_required: bool = False
    packages: tuple[str | Mapping[str, Any], ...] = ()
    resources: Resources | None = None
    env: Mapping[str, str] | None = None
    files: Mapping[str, str] | None = None
    success_codes: tuple[int, ...] = ()
    requirements: tuple[Mapping[str, Any], ...] = ()
    hints: tuple[Mapping[str, Any], ...] = ()
    stdout: str | None = None  # redirect the stream to this file without a File output
    stderr: str | None = None
    src: SourceLocation | None = None  # the decorator call: where options are written


def freeze_mapping(m: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(m.items())


class ToolDef(Definition[P, R]):
    """A command-line tool: calling it inside a workflow adds a step."""

    kind = "tool"

    def __init__(self, func: Callable[P, R], options: ToolOptions) -> None:
        super().__init__(func)
        self.options = options

    def _build_ir(self) -> Tool:
        iface = self.interface
        where = iface.site.at()
        problems: list[Diagnostic] = list(iface.diagnostics)
        opts = self.options
        said = opts.src or where  # problems with decorator options point at the decorator
        if not opts.base_command:
            problems.append(diag("CG112", said, problem=f"tool '{self.name}' has an empty "
                                 "base command"))
        arguments = []
        for item in opts.arguments:
            if isinstance(item, str):
                arguments.append(Argument(value=item))
            elif isinstance(item, Arg) and item.value_from is not None:
                arguments.append(Argument(value=item.value_from, binding=Binding(
                    position=item.position, prefix=item.prefix, separate=item.separate,
                    shell_quote=item.shell_quote)))
            else:
                problems.append(diag("CG112", said, problem=f"argument {item!r} of tool "
                                     f"'{self.name}' must be a string or Arg(value_from=...)"))
        if sum(1 for o in iface.outputs if o.stream == "stdout") > 1 or sum(
            1 for o in iface.outputs if o.stream == "stderr"
        ) > 1:
            problems.append(diag("CG112", where, problem=f"tool '{self.name}' captures the same "
                                 "stream in two outputs"))
        stdout_name = stderr_name = None
        outputs = []
        for out in iface.outputs:
            if out.stream == "stdout":
                stdout_name = out.glob or f"{self.name}.stdout"
                out = attrs.evolve(out, glob=stdout_name)
            elif out.stream == "stderr":
                stderr_name = out.glob or f"{self.name}.stderr"
                out = attrs.evolve(out, glob=stderr_name)
            outputs.append(out)
        for stream, name in (("stdout", opts.stdout), ("stderr", opts.stderr)):
            if name is None:
                continue
            captured = stdout_name if stream == "stdout" else stderr_name
            if captured is not None and captured != name:
                problems.append(diag("CG112", said, problem=f"tool '{self.name}' sends "
                                     f"{stream} to {name!r}, but an output captures it as "
                                     f"{captured!r}"))
            elif stream == "stdout":
                stdout_name = name
            else:
                stderr_name = name
        container = (
            Container(image=opts.container, required=opts.container_required)
            if opts.container
            else None
        )
        files = []
        for name, content in (opts.files or {}).items():
            if not isinstance(content, str) or not name or "/" in name:
                problems.append(diag("CG112", said, problem=f"files entry {name!r} of tool "
                                     f"'{self.name}' must map a plain file name to text"))
                continue
            files.append((name, content))
        stdin_inputs = [
            name for name, arg in _stdin_params(self.func) if arg.stdin
        ]
        if len(stdin_inputs) > 1:
            problems.append(diag("CG112", where, problem=f"tool '{self.name}' reads standard "
                                 f"input from more than one parameter: {stdin_inputs}"))
        return Tool(
            key=self.key,
            stdin_input=stdin_inputs[0] if stdin_inputs else None,
            name=self.name,
            label=iface.doc.label,
            doc=iface.doc.doc,
            base_command=opts.base_command,
            arguments=tuple(arguments),
            inputs=iface.inputs,
            outputs=tuple(outputs),
            stdout_name=stdout_name,
            stderr_name=stderr_name,
            container=container,
            packages=read_packages(opts.packages, self.name, said, problems),
            resources=read_resources(opts.resources, self.name, said, problems),
            env=read_env(opts.env, self.name, said, problems),
            files=tuple(files),
            success_codes=opts.success_codes,
            extra_requirements=tuple(freeze_mapping(r) for r in opts.requirements),
            extra_hints=tuple(freeze_mapping(h) for h in opts.hints),
            src=where,
            diagnostics=tuple(problems),
        )


def _stdin_params(func: Callable[..., Any]) -> list[tuple[str, Arg]]:
    """(name, Arg) of each parameter annotated with an Arg."""
    from cwlgen.dsl.interface import resolve_hints, split_annotated

    hints, _ = resolve_hints(func)
    found = []
    for name, hint in hints.items():
        if name == "return":
            continue
        for extra in split_annotated(hint)[1]:
            if isinstance(extra, Arg):
                found.append((name, extra))
    return found


def tool(
    base_command: str | Sequence[str],
    *,
    arguments: Iterable[str | Arg] = (),
    container: str | None = None,
    container_required: bool = False,
    packages: Iterable[str | Mapping[str, Any]] = (),
    resources: Resources | None = None,
    env: Mapping[str, str] | None = None,
    files: Mapping[str, str] | None = None,
    success_codes: Iterable[int] = (),
    requirements: Iterable[Mapping[str, Any]] = (),
    hints: Iterable[Mapping[str, Any]] = (),
    stdout: str | None = None,
    stderr: str | None = None,
) -> Callable[[Callable[P, R]], ToolDef[P, R]]:
    """Declare a CommandLineTool from a typed function whose body is only a docstring.

    `base_command` is a string (split like a shell would, never interpolated) or a list.
    `container` becomes a DockerRequirement hint (a requirement with container_required).
    `packages` ("name" or "name==version") become a SoftwareRequirement hint, `resources` a
    ResourceRequirement (plus ToolTimeLimit, and cwltool's CUDARequirement when gpus > 0),
    `env` an EnvVarRequirement, `files` (name -> text, may use CWL parameter references)
    InitialWorkDirRequirement entries. `stdout`/`stderr` redirect a stream to a file that
    an output reads (e.g. `Out(glob="n.txt", load_contents=True, output_eval=...)`); to get
    the stream itself as a File output, annotate the output with `stdout(...)` instead.
    """
    command = tuple(shlex.split(base_command)) if isinstance(base_command, str) else tuple(
        base_command
    )
    options = ToolOptions(
        base_command=command,
        arguments=tuple(arguments),
        container=container,
        container_required=container_required,
        packages=tuple(packages) if not isinstance(packages, str) else (packages,),
        resources=resources,
        env=dict(env) if env else None,
        files=dict(files) if files else None,
        success_codes=tuple(success_codes),
        requirements=tuple(requirements),
        hints=tuple(hints),
        stdout=stdout,
        stderr=stderr,
        src=caller_location(),
    )

    def decorate(func: Callable[P, R]) -> ToolDef[P, R]:
        return ToolDef(func, options)

    return decorate
