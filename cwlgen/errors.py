"""The exception tree: every error cwlgen raises on purpose derives from `CwlgenError`.

Leaves also subclass the builtin they mean, so `except TypeError` in user code keeps working.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cwlgen.ir.diagnostics import Diagnostic


class CwlgenError(Exception):
    """Base class of every error raised by cwlgen on purpose."""


class CompileError(CwlgenError, ValueError):
    """The workflow or tool could not be compiled; `diagnostics` lists every problem found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        errors = sum(1 for d in self.diagnostics if d.severity == "error")
        lines = [d.render() for d in self.diagnostics]
        lines.append(f"found {errors} error{'s' if errors != 1 else ''}")
        super().__init__("\n".join(lines))


class UsageError(CwlgenError, TypeError):
    """A cwlgen object was used the wrong way (e.g. a tool called outside a workflow)."""


class MisuseError(UsageError):
    """A traced value was used in a way the DSL cannot record (`if promise:`, `promise.x` on a
    non-record...): carries the registry `code`, `variant` and named `fields`, so tracing
    turns it into a diagnostic at the user's line."""

    def __init__(self, code: str, variant: str | None = None, **fields: object) -> None:
        from cwlgen.messages import format_message

        self.code = code
        self.variant = variant
        self.fields: dict[str, Any] = fields
        super().__init__(format_message(code, None, variant, **fields))


class FieldMisuseError(MisuseError, AttributeError):
    """`promise.name` where the promise has no such record field (CG603). Also an
    AttributeError, so `hasattr(promise, "x")` is simply False in code that probes values."""


class TargetError(CwlgenError, LookupError):
    """A FILE_OR_MODULE[:OBJECT] target could not be loaded or named nothing compilable."""


class InputError(CwlgenError, ValueError):
    """An input value given to run a workflow does not match the workflow's declared type."""


class RunError(CwlgenError, RuntimeError):
    """A runner (cwltool, Toil) failed; the message names the failing step where known."""


class OutputError(CwlgenError, OSError):
    """A folder cwlgen was asked to write into cannot be used (a file is in the way, it is
    read-only, or it holds a user's file cwlgen would have to replace)."""


class ValidationError(CwlgenError, ValueError):
    """Emitted CWL was rejected by cwltool's validator (a bug in cwlgen: please report it)."""
