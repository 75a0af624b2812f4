"""The metadata users attach to parameters and tools: Arg, Out, stdout/stderr, Resources.

These ride in `Annotated[...]` or in decorator arguments; they hold what the user wrote and
are turned into IR by `cwlgen.dsl.interface`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from cwlgen.ir.frozen import field, frozen
from cwlgen.ir.nodes import Binding
from cwlgen.messages import message_text


@frozen
class WideNumber:
    """Marks an int as CWL `long` or a float as CWL `double` (see `Long`, `Double`)."""

    cwl: Literal["long", "double"]


#: A CWL `long`: a Python int that may be beyond 32 bits (CWL `int` is 32-bit).
Long = Annotated[int, WideNumber("long")]
#: A CWL `double` (a Python float, emitted as `double` rather than `float`).
Double = Annotated[float, WideNumber("double")]


@frozen
class SecondaryFile:
    """A secondaryFiles pattern with CWL's `required` flag: `False` for a companion file that
    may be missing, `True` (CWL's default on inputs), or a CWL expression deciding it.

    `pattern` is CWL's: a suffix (`.bai`), `^` to strip an extension first (`^.bai`), or a
    `$(...)`/`${...}` expression (which adds InlineJavascriptRequirement).
    """

    pattern: str
    required: bool | str | None = None


SecondaryFiles = tuple[str | SecondaryFile, ...]


def _secondary(value: str | SecondaryFile | tuple[str | SecondaryFile, ...]
               | list[str | SecondaryFile]) -> SecondaryFiles:
    """A single pattern or a list of them, as a tuple."""
    if isinstance(value, (str, SecondaryFile)):
        return (value,)
    return tuple(value)


@frozen(kw_only=True)
class Arg:
    """How an input appears on the command line, and how it is staged.

    position/prefix/separate/item_separator/shell_quote/value_from follow CWL's
    CommandLineBinding. `stdin=True` feeds a File input to the tool's standard input.
    `bind=False` keeps the input off the command line (it can still be
    used from `value_from` expressions, `files=` templates or `arguments`).
    `stage=True` copies the File/Directory (or list of them) into the working directory,
    `stage_as="name.txt"` copies it under that name (CWL `entryname`; it may use parameter
    references such as `$(inputs.newname)`); `writable=True` lets
    the tool modify that copy; `inplace=True` modifies the original (a Measurement Set) in
    place without copying it (InplaceUpdateRequirement). `streamable=True` marks a File
    the tool reads sequentially (CWL `streamable`), `load_listing` is the input's LoadListing.
    `name="in"` gives the input a CWL name that is not a Python identifier (a keyword such as
    `in` or `def`, or `args.py`): write the parameter `in_` and call the tool with `in_=...`.
    `secondary_files` takes patterns, or `SecondaryFile(pattern, required=False)`.
    `items=Arg(prefix="-Y")` binds each item of a list parameter too (CWL's `inputBinding`
    on the array's items): `Arg(prefix="-X", items=Arg(prefix="-Y"))` gives `-X -Y a -Y b`.
    """

    position: int | str | None = None  # a str is a CWL expression computing it (`$(self)`)
    prefix: str | None = None
    separate: bool = True
    item_separator: str | None = None
    shell_quote: bool = True
    value_from: str | None = None
    bind: bool = True
    stdin: bool = False
    doc: str | None = None
    format: str | None = None
    secondary_files: SecondaryFiles = field(default=(), converter=_secondary)
    load_listing: Literal["no_listing", "shallow_listing", "deep_listing"] | None = None
    load_contents: bool = False
    stage: bool = False
    stage_as: str | None = None
    writable: bool = False
    inplace: bool = False
    streamable: bool = False
    name: str | None = None
    items: Arg | None = None  # how each item of a list is bound (inputBinding on the items)

    def binding(self, position: int | str | None, *, as_argument: bool = False) -> Binding:
        """The CWL CommandLineBinding (IR) this Arg asks for, at `position`. The one place an
        Arg becomes a binding: for an input parameter, or (`as_argument`) for an entry of a
        tool's `arguments=`, whose `value_from` is the argument's value itself."""
        return Binding(
            position=position,
            prefix=self.prefix,
            separate=self.separate,
            item_separator=None if as_argument else self.item_separator,
            shell_quote=self.shell_quote,
            value_from=None if as_argument else self.value_from,
        )


@frozen(kw_only=True)
class Out:
    """Where an output comes from: a glob in the working directory, optionally loaded.

    `glob` may use CWL parameter references, e.g. ``Out(glob="$(inputs.ms.basename)")`` for
    a Directory updated in place. `output_eval` is CWL's outputEval. `output_json=True`: the
    tool writes `cwl.output.json` and CWL reads this output (and so every output of the tool)
    from it, with no outputBinding; with a `glob` (or `output_eval`) too, the tool may or may
    not write `cwl.output.json`, and this output is read from the glob when it does not.
    `load_listing` says how deep the listing of a globbed
    Directory is loaded before `output_eval` reads it.
    """

    glob: str | list[str] | None = None  # a list: every file matching any of the patterns
    load_contents: bool = False
    output_eval: str | None = None
    format: str | None = None
    secondary_files: SecondaryFiles = field(default=(), converter=_secondary)
    doc: str | None = None
    stream: Literal["stdout", "stderr"] | None = None
    filename: str | None = None
    streamable: bool = False
    output_json: bool = False
    # how much of a globbed Directory's listing `output_eval` sees (CWL loadListing)
    load_listing: Literal["no_listing", "shallow_listing", "deep_listing"] | None = None


def stdout(filename: str | None = None) -> Out:
    """Capture the tool's standard output as a File output (named `filename`)."""
    return Out(stream="stdout", filename=filename)


def stderr(filename: str | None = None) -> Out:
    """Capture the tool's standard error as a File output (named `filename`)."""
    return Out(stream="stderr", filename=filename)


_SIZE_UNITS = {
    "b": 1 / 2**20,
    "k": 1 / 1024, "kb": 1000 / 2**20, "kib": 1 / 1024,
    "m": 1, "mb": 10**6 / 2**20, "mib": 1,
    "g": 1024, "gb": 10**9 / 2**20, "gib": 1024,
    "t": 1024**2, "tb": 10**12 / 2**20, "tib": 1024**2,
}
_TIME_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}


class ResourceValueError(ValueError):
    """A `Resources(...)` field that is not valid: the CG109 variant that says why, the
    field (`what`) and its value as written (the function's name is filled in by whoever
    reports it)."""

    def __init__(self, variant: str, *, value: str, what: str = "") -> None:
        self.variant = variant
        self.what = what
        self.value = value
        super().__init__(self.text("Resources"))

    def text(self, func: str) -> str:
        """The message for the resources of function `func`."""
        return message_text("CG109", self.variant, func=func, what=self.what, value=self.value)


def parse_size_mib(value: int | float | str, what: str) -> int:
    """'8 GiB' -> 8192 (MiB, CWL's unit); a bare number is already MiB."""
    if isinstance(value, bool):
        raise ResourceValueError("size_type", what=what, value=repr(value))
    if isinstance(value, (int, float)):
        mib = float(value)
    else:
        m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]*)\s*", value)
        unit = m.group(2).lower() if m else ""
        if not m or unit not in _SIZE_UNITS:
            raise ResourceValueError("not_size", what=what, value=repr(value))
        mib = float(m.group(1)) * _SIZE_UNITS[unit]
    if mib <= 0:
        raise ResourceValueError("not_positive", what=what, value=repr(value))
    return max(1, int(-(-mib // 1)))


def parse_seconds(value: int | float | str, what: str) -> int:
    """'2h' / '90 min' / '1h30m' / 3600 -> seconds."""
    if isinstance(value, bool):
        raise ResourceValueError("duration_type", what=what, value=repr(value))
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        parts = re.findall(r"([0-9]*\.?[0-9]+)\s*([A-Za-z]+)", value)
        rebuilt = "".join(f"{n}{u}" for n, u in parts)
        if not parts or rebuilt != re.sub(r"\s+", "", value) or any(
            u.lower() not in _TIME_UNITS for _, u in parts
        ):
            raise ResourceValueError("not_duration", what=what, value=repr(value))
        seconds = sum(float(n) * _TIME_UNITS[u.lower()] for n, u in parts)
    if seconds <= 0:
        raise ResourceValueError("not_positive", what=what, value=repr(value))
    return int(-(-seconds // 1))


@frozen(kw_only=True)
class Resources:
    """What one job of a step needs; runners (cwltool, Toil, Slurm) honour it.

    Sizes take human units ("8 GiB", "500 MB"; a bare number means MiB), time takes
    "2h", "30 min" or seconds (0: no limit). `gpus > 0` emits cwltool's CUDARequirement.
    `cores`, `ram`, `tmpdir`, `outdir` are minima; `*_max` the most a runner may give. Any of
    these may be a CWL expression computed from the inputs (`cores="$(inputs.n)"`).
    """

    cores: int | float | str | None = None
    ram: int | float | str | None = None
    tmpdir: int | float | str | None = None
    outdir: int | float | str | None = None
    gpus: int = 0
    time_limit: int | float | str | None = None
    cuda_version: str = "11.0"
    cuda_compute_capability: str = "3.0"
    cores_max: int | float | str | None = None
    ram_max: int | float | str | None = None
    tmpdir_max: int | float | str | None = None
    outdir_max: int | float | str | None = None


@frozen(kw_only=True)
class Container:
    """A DockerRequirement that says more than an image name (`container="image"` says
    that): where the image comes from (`pull`, a name to pull; `load`, a saved image file or
    URL; `file`, a Dockerfile's text to build; `import_from`, a tarball URL), `image_id`, the
    name the image gets when it is loaded, built or imported (alone: an image already on the
    host), and `output_directory`, the
    directory the tool writes its outputs to inside the container. `@tool(container=
    Container(pull="debian:stable-slim", output_directory="/out"))`."""

    pull: str | None = None
    load: str | None = None
    file: str | None = None
    import_from: str | None = None
    image_id: str | None = None
    output_directory: str | None = None


@frozen
class Dirent:
    """One InitialWorkDir entry written as CWL says it: `entry` is text or an expression
    (`$(...)`/`${...}`, which may build a File, a Directory or a list of them), `name` the
    file it becomes in the job's folder (needed for text; an expression yielding Files and
    Directories may leave it out), `writable` a copy the tool may change.

    `files={"name": "text"}` and `Arg(stage=True)` say the common cases more simply; a
    Dirent is for the rest, e.g. `Dirent("$({class: 'Directory', listing: []})",
    name="out", writable=True)`."""

    entry: str
    name: str | None = None
    writable: bool = False


def is_expression(value: object) -> bool:
    """Whether a resource value is a CWL expression (`$(...)` or `${...}`), kept verbatim."""
    return isinstance(value, str) and value.lstrip().startswith(("$(", "${"))
