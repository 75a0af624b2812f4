"""`@tool`: a typed function whose body is only a docstring declares a CommandLineTool."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar

from cwlgen.dsl.bodies import tool_body_problems
from cwlgen.dsl.definition import Definition
from cwlgen.dsl.interface import read_env, read_packages, read_resources
from cwlgen.dsl.ontology import (
    check_format_prefixes,
    read_metadata,
    read_namespaces,
    read_schemas,
)
from cwlgen.dsl.requirements import MANAGED_HINTS, check_exit_codes, check_extra_requirements
from cwlgen.dsl.spec import Arg, Container, Dirent, Resources, is_expression
from cwlgen.ir import Argument, OutputPort, Tool
from cwlgen.ir import Container as ContainerIR
from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.frames import caller_location
from cwlgen.ir.frozen import evolve, frozen
from cwlgen.ir.location import SourceLocation
from cwlgen.runtime.paths import Directory, File

P = ParamSpec("P")
R = TypeVar("R")


@frozen(kw_only=True)
class ToolOptions:
    """What the @tool decorator was given, as written (checked when the IR is built)."""
    base_command: tuple[str, ...]
    arguments: tuple[str | Arg, ...] = ()
    container: str | Container | None = None
    container_required: bool = False
    packages: tuple[str | Mapping[str, Any], ...] = ()
    resources: Resources | None = None
    env: Mapping[str, str] | None = None
    files: Mapping[str, str] | None = None
    workdir: Any = ()  # Dirent entries, or one expression: checked when the IR is built
    success_codes: tuple[int, ...] = ()
    temporary_fail_codes: tuple[int, ...] = ()
    permanent_fail_codes: tuple[int, ...] = ()
    requirements: tuple[Mapping[str, Any], ...] = ()
    hints: tuple[Mapping[str, Any], ...] = ()
    stdout: str | None = None  # redirect the stream to this file without a File output
    stderr: str | None = None
    deterministic: bool = True
    network: bool = False
    shell: bool = False
    stdin: str | None = None  # a path expression the tool reads as standard input
    no_base_command: bool = False  # `@tool(None, ...)`: arguments only
    namespaces: Mapping[str, str] | None = None
    schemas: tuple[str, ...] = ()
    metadata: Mapping[str, Any] | None = None
    loc: SourceLocation | None = None  # the decorator call: where options are written


def freeze_mapping(m: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A nested mapping as sorted tuples, so the frozen IR can hold and compare it."""
    return tuple(m.items())


def _plain_file_name(name: str) -> bool:
    """Whether a stdout/stderr name stays in the job's folder: no folder part, not `..`
    (a name computed by an expression is checked by the engine when the job runs)."""
    if "$(" in name or "${" in name:
        return "/" not in name.replace("$(", "").split(")")[-1] and not name.startswith("/")
    return "/" not in name and "\\" not in name and name not in ("", ".", "..")


class ToolDef(Definition[P, R]):
    """A command-line tool: calling it inside a workflow adds a step."""

    kind = "tool"

    def __init__(self, func: Callable[P, R], options: ToolOptions) -> None:
        super().__init__(func)
        self.options = options

    def _build_ir(self) -> Tool:
        """The Tool IR: the interface plus the decorator's options, each checked."""
        iface = self.interface
        where = iface.site.at()
        problems: list[Diagnostic] = list(iface.diagnostics)
        opts = self.options
        said = opts.loc or where  # problems with decorator options point at the decorator
        if opts.no_base_command:
            if not opts.arguments and not any(p.binding for p in iface.inputs):
                problems.append(diag("CG133", said, func=self.name))
        elif not opts.base_command:
            problems.append(diag("CG112", said, variant="empty_command", func=self.name))
        arguments = self._arguments(said, problems)
        outputs, stdout_name, stderr_name = self._stream_outputs(where, problems)
        json_outputs = [o.name for o in outputs if o.from_output_json]
        if json_outputs and len(json_outputs) != len(outputs):
            problems.append(diag("CG132", where, func=self.name, json=", ".join(json_outputs),
                                 other=", ".join(o.name for o in outputs
                                                 if not o.from_output_json)))
        problems += check_exit_codes(opts, self.name, said)
        problems += check_extra_requirements(opts.requirements, "requirements", self.name,
                                             said)
        problems += check_extra_requirements(opts.hints, "hints", self.name, said,
                                             MANAGED_HINTS)
        namespaces = read_namespaces(opts.namespaces, self.name, said, problems)
        schemas = read_schemas(opts.schemas, self.func.__code__.co_filename, self.name, said,
                               problems)
        check_format_prefixes([*iface.inputs, *outputs], namespaces, self.name, problems)
        metadata = read_metadata(opts.metadata, namespaces, self.name, said, problems)
        stdout_name, stderr_name = self._redirects(said, stdout_name, stderr_name, problems)
        files = self._files(said, problems)
        workdir, workdir_listing = self._workdir(said, problems)
        if workdir_listing is not None and (files or any(p.staging for p in iface.inputs)):
            others = ", ".join([*(f"files[{n!r}]" for n, _ in files),
                                *(p.name for p in iface.inputs if p.staging)])
            problems.append(diag("CG112", said, variant="workdir_and_entries",
                                 func=self.name, others=others))
        problems += tool_body_problems(self.func, self.name, where.path)
        stdin_inputs = [arg.name or name for name, arg in _stdin_params(self.func) if arg.stdin]
        if opts.stdin is not None:
            stdin_inputs.append(f"stdin={opts.stdin!r}")
            if not is_expression(opts.stdin):
                problems.append(diag("CG112", said, variant="bad_stdin", func=self.name,
                                     got=repr(opts.stdin)[:60]))
        if len(stdin_inputs) > 1:
            problems.append(diag("CG112", where, variant="stdin_twice", func=self.name,
                                 params=stdin_inputs))
        return Tool(
            key=self.key,
            stdin_input=stdin_inputs[0] if stdin_inputs and opts.stdin is None else None,
            stdin_expr=opts.stdin,
            name=self.name,
            label=iface.doc.label,
            doc=iface.doc.doc,
            base_command=opts.base_command,
            arguments=arguments,
            inputs=iface.inputs,
            outputs=outputs,
            stdout_name=stdout_name,
            stderr_name=stderr_name,
            container=self._container(said, problems),
            packages=read_packages(opts.packages, self.name, said, problems),
            resources=read_resources(opts.resources, self.name, said, problems),
            env=read_env(opts.env, self.name, said, problems),
            files=files,
            workdir=workdir,
            workdir_listing=workdir_listing,
            success_codes=opts.success_codes,
            temporary_fail_codes=opts.temporary_fail_codes,
            permanent_fail_codes=opts.permanent_fail_codes,
            network=opts.network,
            shell=opts.shell,
            deterministic=opts.deterministic,
            namespaces=namespaces,
            schemas=schemas,
            metadata=metadata,
            extra_requirements=tuple(freeze_mapping(r) for r in opts.requirements
                                     if isinstance(r, Mapping)),
            extra_hints=tuple(freeze_mapping(h) for h in opts.hints if isinstance(h, Mapping)),
            loc=where,
            diagnostics=tuple(problems),
        )

    def _container(self, said: SourceLocation, problems: list[Diagnostic]) -> ContainerIR | None:
        """`container="image"` or `Container(...)`: the DockerRequirement's fields."""
        given, required = self.options.container, self.options.container_required
        if not given:
            return None
        if isinstance(given, str):
            return ContainerIR(image=given, required=required)
        fields = {"image": given.pull, "load": given.load, "file": given.file,
                  "import_from": given.import_from, "image_id": given.image_id,
                  "output_directory": given.output_directory}
        if not isinstance(given, Container) or not any(
                fields[k] for k in ("image", "load", "file", "import_from", "image_id")) or any(
                v is not None and not isinstance(v, str) for v in fields.values()):
            problems.append(diag("CG112", said, variant="bad_container", func=self.name,
                                 got=repr(given)[:80]))
            return None
        return ContainerIR(required=required, **fields)

    def _arguments(self, said: SourceLocation, problems: list[Diagnostic]) -> tuple[Argument, ...]:
        """`arguments=`: strings, or Arg(value_from=...) with a binding."""
        arguments = []
        for item in self.options.arguments:
            if isinstance(item, str):
                arguments.append(Argument(value=item))
            elif isinstance(item, Arg) and item.value_from is not None:
                arguments.append(Argument(value=item.value_from,
                                          binding=item.binding(item.position, as_argument=True)))
            else:
                problems.append(diag("CG112", said, variant="bad_argument", item=repr(item),
                                     func=self.name))
        return tuple(arguments)

    def _stream_outputs(
        self, where: SourceLocation, problems: list[Diagnostic]
    ) -> tuple[tuple[OutputPort, ...], str | None, str | None]:
        """(outputs, stdout file, stderr file): a captured stream gets a file name, and its
        output globs that name."""
        outputs = self.interface.outputs
        if sum(1 for o in outputs if o.stream == "stdout") > 1 or sum(
            1 for o in outputs if o.stream == "stderr"
        ) > 1:
            problems.append(diag("CG112", where, variant="stream_twice", func=self.name))
        stdout_name = stderr_name = None
        found = []
        for out in outputs:
            if out.stream is not None and out.glob and not _plain_file_name(out.glob):
                problems.append(diag("CG112", where, variant="stream_path", func=self.name,
                                     output=out.name, stream=out.stream, name=out.glob))
            if out.stream == "stdout":
                stdout_name = out.glob or f"{self.name}.stdout"
                out = evolve(out, glob=stdout_name)
            elif out.stream == "stderr":
                stderr_name = out.glob or f"{self.name}.stderr"
                out = evolve(out, glob=stderr_name)
            found.append(out)
        return tuple(found), stdout_name, stderr_name

    def _redirects(
        self, said: SourceLocation, stdout_name: str | None, stderr_name: str | None,
        problems: list[Diagnostic],
    ) -> tuple[str | None, str | None]:
        """`stdout=`/`stderr=`: a stream sent to a file that an output reads (not captured)."""
        names = {"stdout": stdout_name, "stderr": stderr_name}
        for stream, name in (("stdout", self.options.stdout), ("stderr", self.options.stderr)):
            if name is None:
                continue
            captured = names[stream]
            if captured is not None and captured != name:
                problems.append(diag("CG112", said, variant="stream_renamed", func=self.name,
                                     stream=stream, name=repr(name), captured=repr(captured)))
            else:
                names[stream] = name
        return names["stdout"], names["stderr"]

    def _files(
        self, said: SourceLocation, problems: list[Diagnostic]
    ) -> tuple[tuple[str, str], ...]:
        """`files=`: plain file name -> text template, written into the working directory."""
        files = []
        for name, content in (self.options.files or {}).items():
            if not isinstance(content, str) or not name or "/" in name:
                problems.append(diag("CG112", said, variant="bad_files_entry", name=repr(name),
                                     func=self.name))
                continue
            files.append((name, content))
        return tuple(files)


    def _workdir(
        self, said: SourceLocation, problems: list[Diagnostic]
    ) -> tuple[tuple[tuple[Any, str | None, bool], ...], str | None]:
        """`workdir=`: Dirent entries (entry, name, writable) and File/Directory literals, or
        the whole listing as one expression."""
        given = self.options.workdir
        if isinstance(given, str):
            if is_expression(given):
                return (), given
            problems.append(diag("CG112", said, variant="bad_workdir", func=self.name,
                                 got=repr(given)[:60]))
            return (), None
        entries: list[tuple[Any, str | None, bool]] = []
        for d in given:
            literal = _path_literal(d)
            if literal is not None:  # File("x.txt"), Directory("ref"), or a list of them
                entries.append((literal, None, False))
                continue
            if not isinstance(d, Dirent) or not isinstance(d.entry, str) or not (
                    d.name is None or (isinstance(d.name, str) and d.name)):
                problems.append(diag("CG112", said, variant="bad_workdir", func=self.name,
                                     got=repr(d)[:60]))
                continue
            if d.name is None and not is_expression(d.entry):
                problems.append(diag("CG112", said, variant="unnamed_dirent", func=self.name,
                                     entry=repr(d.entry)[:60]))
                continue
            entries.append((d.entry, d.name, bool(d.writable)))
        return tuple(entries), None


def _path_literal(item: Any) -> Any:
    """The CWL object of a `workdir=` entry that is a File or Directory (or a list of them):
    staged as it is, its location as written (relative to the built CWL, as defaults are);
    None for anything else."""
    if isinstance(item, (File, Directory)):
        return item.to_cwl()
    if isinstance(item, (list, tuple)) and item and all(
            isinstance(i, (File, Directory)) for i in item):
        return [i.to_cwl() for i in item]
    return None


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
    base_command: str | Sequence[str] | None,
    *,
    arguments: Iterable[str | Arg] = (),
    container: str | Container | None = None,
    container_required: bool = False,
    packages: Iterable[str | Mapping[str, Any]] = (),
    resources: Resources | None = None,
    env: Mapping[str, str] | None = None,
    files: Mapping[str, str] | None = None,
    workdir: Iterable[Any] | str = (),
    success_codes: Iterable[int] = (),
    temporary_fail_codes: Iterable[int] = (),
    permanent_fail_codes: Iterable[int] = (),
    requirements: Iterable[Mapping[str, Any]] = (),
    hints: Iterable[Mapping[str, Any]] = (),
    stdout: str | None = None,
    stderr: str | None = None,
    deterministic: bool = True,
    network: bool = False,
    shell: bool = False,
    stdin: str | None = None,
    namespaces: Mapping[str, str] | None = None,
    schemas: Iterable[str] = (),
    metadata: Mapping[str, Any] | None = None,
) -> Callable[[Callable[P, R]], ToolDef[P, R]]:
    """Declare a CommandLineTool from a typed function whose body is only a docstring.

    `base_command` is a string (split like a shell would, never interpolated) or a list.
    `container` becomes a DockerRequirement hint (a requirement with container_required):
    an image name, or `Container(...)` for the rest of DockerRequirement (an image to load,
    build from a Dockerfile or import, its id, `output_directory`).
    `packages` ("name" or "name==version") become a SoftwareRequirement hint, `resources` a
    ResourceRequirement (plus ToolTimeLimit, and cwltool's CUDARequirement when gpus > 0),
    `env` an EnvVarRequirement, `files` (name -> text, may use CWL parameter references)
    InitialWorkDirRequirement entries; `workdir` more entries as CWL writes them
    (`[Dirent("$(inputs.x.listing)"), Dirent("", name="log.txt", writable=True)]`, and
    `File("ref.fa")`/`Directory("db")` literals, or a list of them, staged as they are) or the
    whole listing as one expression (`"$(inputs.indir.listing)"`).
    `base_command=None` emits no baseCommand: the command line is `arguments` and the
    bound inputs. `success_codes`, `temporary_fail_codes`, `permanent_fail_codes` are CWL's
    exit-code lists; `deterministic=False` disables reuse (WorkReuse), `network=True`
    grants network access (NetworkAccess), `shell=True` runs the command line through a shell
    (ShellCommandRequirement; every argument stays quoted unless its Arg says
    `shell_quote=False`, which implies it), `stdin="$(inputs.d.listing[0].path)"` reads
    standard input from a path an expression computes (for a File parameter,
    `Arg(stdin=True)` says it). `requirements`/`hints` add CWL requirement
    objects cwlgen has no spelling for (checked: a class cwlgen emits itself is refused
    with the keyword to use instead, CG130). `namespaces` adds `$namespaces` prefixes for
    `format`s (edam and iana are known); `schemas` lists ontologies (`$schemas`): local RDF
    files (relative to this file; copied beside the CWL and used to check `format`
    compatibility by subclass at compile time) or URLs. `metadata` adds document metadata
    fields under a declared prefix (`metadata={"dct:creator": {"foaf:name": "..."}}`,
    `"s:license"`), written at the end of the document as given.
    `stdout`/`stderr` redirect a stream to a file that
    an output reads (e.g. `Out(glob="n.txt", load_contents=True, output_eval=...)`); to get
    the stream itself as a File output, annotate the output with `stdout(...)` instead.
    """
    if base_command is None:
        command: tuple[str, ...] = ()
    elif isinstance(base_command, str):
        command = tuple(shlex.split(base_command))
    else:
        command = tuple(base_command)
    options = ToolOptions(
        base_command=command,
        arguments=tuple(arguments),
        container=container,
        container_required=container_required,
        packages=tuple(packages) if not isinstance(packages, str) else (packages,),
        resources=resources,
        env=dict(env) if env else None,
        files=dict(files) if files else None,
        workdir=workdir if isinstance(workdir, str) else tuple(workdir),
        success_codes=tuple(success_codes),
        temporary_fail_codes=tuple(temporary_fail_codes),
        permanent_fail_codes=tuple(permanent_fail_codes),
        requirements=tuple(requirements),
        hints=tuple(hints),
        stdout=stdout,
        stderr=stderr,
        deterministic=deterministic,
        network=network,
        shell=shell,
        stdin=stdin,
        no_base_command=base_command is None,
        namespaces=dict(namespaces) if namespaces else None,
        schemas=tuple(schemas),
        metadata=dict(metadata) if metadata else None,
        loc=caller_location(),
    )

    def decorate(func: Callable[P, R]) -> ToolDef[P, R]:
        return ToolDef(func, options)

    return decorate
