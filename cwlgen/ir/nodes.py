"""The IR: frozen, plain data describing tools, workflows, steps and the edges between them.

Front ends build it, check passes read it, the backend turns it into CWL. Nothing here knows
about Python decorators or YAML. Every node carries the user's `SourceLocation`.
"""

from __future__ import annotations

from typing import Any, Literal, Union

from cwlgen.ir.diagnostics import Diagnostic
from cwlgen.ir.frozen import frozen
from cwlgen.ir.location import SourceLocation
from cwlgen.ir.types import CwlType


class _NoDefault:
    """Marks a parameter without a default (None is a real default: CWL null)."""

    _instance: _NoDefault | None = None

    def __new__(cls) -> _NoDefault:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_DEFAULT"

    def __reduce__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()


@frozen(kw_only=True)
class Binding:
    """CWL CommandLineBinding of one input (or one constant argument)."""

    position: int | str | None = None  # a str: a CWL expression computing it
    prefix: str | None = None
    separate: bool = True
    item_separator: str | None = None
    shell_quote: bool = True
    value_from: str | None = None


@frozen(kw_only=True)
class Staging:
    """Stage an input into the working directory (InitialWorkDirRequirement), under its own
    basename or `name` (the Dirent's entryname; may use CWL parameter references)."""

    name: str | None = None
    writable: bool = False
    inplace: bool = False


@frozen(kw_only=True)
class InputPort:
    """An input of a tool or workflow: its type, default, docs, and for tools how it
    is bound to the command line and staged."""
    name: str
    type: CwlType
    default: Any = NO_DEFAULT
    label: str | None = None
    doc: str | None = None
    binding: Binding | None = None
    format: str | None = None
    secondary_files: tuple[str, ...] = ()
    secondary_required: tuple[tuple[str, bool | str], ...] = ()
    load_listing: str | None = None
    load_contents: bool = False
    staging: Staging | None = None
    streamable: bool = False
    python_name: str | None = None
    item_binding: Binding | None = None  # a list's items' own inputBinding (Arg(items=...))
    loc: SourceLocation | None = None

    @property
    def required(self) -> bool:
        """Whether a value must be given (no default, and not optional)."""
        from cwlgen.ir.types import Optional

        return self.default is NO_DEFAULT and not isinstance(self.type, Optional)


@frozen(kw_only=True)
class OutputPort:
    """An output of a tool or workflow: its type, and for tools where it comes from (glob,
    loadContents, outputEval, or a captured stream)."""
    name: str
    type: CwlType
    glob: str | None = None
    load_contents: bool = False
    output_eval: str | None = None
    stream: Literal["stdout", "stderr"] | None = None
    format: str | None = None
    secondary_files: tuple[str, ...] = ()
    secondary_required: tuple[tuple[str, bool | str], ...] = ()
    streamable: bool = False
    from_output_json: bool = False
    doc: str | None = None
    loc: SourceLocation | None = None
    load_listing: str | None = None  # outputBinding.loadListing (no/shallow/deep_listing)
    globs: tuple[str, ...] = ()  # several glob patterns (`Out(glob=[...])`; glob is None)


@frozen(kw_only=True)
class Argument:
    """A constant command-line argument (CWL `arguments`)."""

    value: str
    binding: Binding | None = None


@frozen(kw_only=True)
class Container:
    """The image a tool runs in; `required` makes it a requirement rather than a hint. The
    other fields are DockerRequirement's ways to get an image (load, build, import) and its
    output directory, as `Container(...)` writes them."""
    image: str | None = None  # dockerPull
    required: bool = False
    load: str | None = None  # dockerLoad
    file: str | None = None  # dockerFile: a Dockerfile's text
    import_from: str | None = None  # dockerImport
    image_id: str | None = None  # dockerImageId
    output_directory: str | None = None  # dockerOutputDirectory


@frozen(kw_only=True)
class Package:
    """A software package a tool needs (SoftwareRequirement), with optional versions."""
    name: str
    versions: tuple[str, ...] = ()


@frozen(kw_only=True)
class ResourceSpec:
    """Normalised resources: MiB for sizes, seconds for time."""

    cores: float | None = None
    ram_mib: int | None = None
    tmpdir_mib: int | None = None
    outdir_mib: int | None = None
    gpus: int = 0
    time_limit_s: int | None = None
    cuda_version: str = "11.0"
    cuda_compute_capability: str = "3.0"
    # ResourceRequirement fields the numbers above do not hold: a maximum (`coresMax`, ...,
    # sizes in MiB) or a CWL expression (kept verbatim, for a minimum too). The
    # planner and the reports read only the numbers above (an expression leaves its one None).
    exact: tuple[tuple[str, float | str], ...] = ()
    # ToolTimeLimit when it is not a positive number of seconds: 0 (no limit) or an expression
    time_limit_cwl: int | str | None = None


@frozen(kw_only=True)
class PythonCode:
    """How a Python task runs: its module's source and the function to call, and the Python
    the job has (`python`, "3.N") with where that was declared (`python_origin`, for
    messages)."""

    module_name: str
    module_source: str
    function: str
    python: str = "3.10"
    python_origin: str = "cwlgen's default"
    # for a module cwlgen built from notebook cells: where each of its definitions came from,
    # as (first line in module_source, the cell as shown, e.g. "In[5]", first line there)
    origins: tuple[tuple[int, str, int], ...] = ()

    def locate(self, line: int, path: str) -> SourceLocation:
        """Where line `line` of `module_source` is in the user's code (`path:line` for a
        module shipped as its own file, the notebook cell for one built from cells)."""
        for start, cell, first in reversed(self.origins):
            if line >= start:
                return SourceLocation(path=cell, line=first + line - start)
        return SourceLocation(path=path, line=line)


@frozen(kw_only=True)
class Ontology:
    """An entry of a document's `$schemas`: `name` as emitted (a URL, or the file name of a
    local ontology copied beside the documents) and, for a local one, `path`, the file the
    compile-time format check reads (never emitted)."""

    name: str
    path: str | None = None


@frozen(kw_only=True)
class Tool:
    """A CommandLineTool: a command-line tool or a Python task."""

    key: str
    name: str
    label: str | None = None
    doc: str | None = None
    base_command: tuple[str, ...] = ()
    arguments: tuple[Argument, ...] = ()
    inputs: tuple[InputPort, ...] = ()
    outputs: tuple[OutputPort, ...] = ()
    stdin_input: str | None = None
    stdout_name: str | None = None
    stderr_name: str | None = None
    container: Container | None = None
    packages: tuple[Package, ...] = ()
    resources: ResourceSpec | None = None
    env: tuple[tuple[str, str], ...] = ()
    files: tuple[tuple[str, str], ...] = ()
    # InitialWorkDir entries as written (`Dirent(entry, name=..., writable=...)`), after the
    # files and staged inputs; or the whole listing as one expression
    # (entry text, name, writable); a File/Directory literal (or a list of them, as CWL
    # objects) has entry set to the object, no name and writable False
    workdir: tuple[tuple[Any, str | None, bool], ...] = ()
    workdir_listing: str | None = None
    network: bool = False
    deterministic: bool = True
    shell: bool = False  # ShellCommandRequirement even with every argument quoted
    stdin_expr: str | None = None  # `stdin:` as an expression (`@tool(stdin="$(...)")`)
    success_codes: tuple[int, ...] = ()
    temporary_fail_codes: tuple[int, ...] = ()
    permanent_fail_codes: tuple[int, ...] = ()
    python: PythonCode | None = None
    expression: str | None = None  # set: an ExpressionTool (its JavaScript), not a command
    extra_requirements: tuple[tuple[tuple[str, Any], ...], ...] = ()
    extra_hints: tuple[tuple[tuple[str, Any], ...], ...] = ()
    namespaces: tuple[tuple[str, str], ...] = ()  # `$namespaces` the user declared
    schemas: tuple[Ontology, ...] = ()  # `$schemas`: ontologies for `format`
    # document metadata (`metadata={"dct:creator": {...}}`): prefixed fields, as written
    metadata: tuple[tuple[str, Any], ...] = ()
    loc: SourceLocation | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    # hand-written CWL used by reference (`cwlgen.load(..., ref=...)`): steps say `run: ref`
    # and no document is written for it
    run_ref: str | None = None

    kind: Literal["tool"] = "tool"

    def input(self, name: str) -> InputPort | None:
        """The input port called `name` (its CWL name, or the Python parameter name of a
        port renamed with `Arg(name=...)`), or None."""
        for port in self.inputs:
            if port.name == name:
                return port
        for port in self.inputs:
            if port.python_name == name:
                return port
        return None


@frozen(kw_only=True)
class WorkflowInputRef:
    """A data reference: the value of a workflow input."""
    name: str
    type: CwlType


@frozen(kw_only=True)
class StepOutputRef:
    """A data reference: an output of a step of the same workflow."""
    step: str
    output: str
    type: CwlType
    loc: SourceLocation | None = None


Source = Union[WorkflowInputRef, StepOutputRef]


@frozen(kw_only=True)
class StepInput:
    """What one keyword argument of a call received: sources, or a literal default.

    `name` may not exist on the called process; the connection checks report that.
    """

    name: str
    sources: tuple[Source, ...] = ()
    default: Any = NO_DEFAULT
    merge: bool = False
    link_merge: str = "merge_nested"  # with `merge`: CWL linkMerge
    pick_value: str | None = None  # CWL pickValue, applied after the merge
    value_from: str | None = None  # CWL valueFrom (StepInputExpressionRequirement)
    # not a parameter of the process: only the step's `when` or value_from expressions read
    # it (from a condition's promise, or `.with_inputs(...)`)
    extra: bool = False
    type: CwlType | None = None  # the value's type when computed at the step (value_from...)
    scattered: bool = False
    load_contents: bool = False  # CWL loadContents: `self.contents` for the value_from
    loc: SourceLocation | None = None


@frozen(kw_only=True)
class Step:
    """One call in a workflow body: the process it runs, its inputs, how it scatters, and
    (`batch`) how many scattered items share a job."""
    id: str
    process: Process
    inputs: tuple[StepInput, ...] = ()
    scatter_method: str | None = None
    positional_args: int = 0
    batch: int | None = None
    when: str | None = None  # CWL `when`: the step runs only if this expression is true
    extra_requirements: tuple[tuple[tuple[str, Any], ...], ...] = ()  # step-level, as written
    extra_hints: tuple[tuple[tuple[str, Any], ...], ...] = ()
    loc: SourceLocation | None = None

    @property
    def scatter(self) -> tuple[str, ...]:
        """Names of the scattered inputs, in input order."""
        return tuple(i.name for i in self.inputs if i.scattered)


@frozen(kw_only=True)
class WorkflowOutput:
    """A workflow output: one `source`, or several `merged` into a list (linkMerge)."""

    name: str
    type: CwlType
    source: Source | None
    merged: tuple[Source, ...] = ()
    link_merge: str = "merge_nested"  # with `merged`: CWL linkMerge
    pick_value: str | None = None  # CWL pickValue, applied after the merge
    loc: SourceLocation | None = None

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every data reference this output reads (one, or the merged list)."""
        return self.merged if self.merged else ((self.source,) if self.source else ())


@frozen(kw_only=True)
class Workflow:
    """A Workflow: inputs, steps and outputs, as traced from the function body."""
    key: str
    name: str
    label: str | None = None
    doc: str | None = None
    inputs: tuple[InputPort, ...] = ()
    outputs: tuple[WorkflowOutput, ...] = ()
    steps: tuple[Step, ...] = ()
    extra_requirements: tuple[tuple[tuple[str, Any], ...], ...] = ()  # @workflow(requirements=)
    extra_hints: tuple[tuple[tuple[str, Any], ...], ...] = ()
    namespaces: tuple[tuple[str, str], ...] = ()
    schemas: tuple[Ontology, ...] = ()
    metadata: tuple[tuple[str, Any], ...] = ()  # see Tool.metadata
    loc: SourceLocation | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    run_ref: str | None = None  # see Tool.run_ref

    kind: Literal["workflow"] = "workflow"

    def input(self, name: str) -> InputPort | None:
        """The input port called `name` (its CWL name, or the Python parameter name of a
        port renamed with `Arg(name=...)`), or None."""
        for port in self.inputs:
            if port.name == name:
                return port
        for port in self.inputs:
            if port.python_name == name:
                return port
        return None


Process = Union[Tool, Workflow]

