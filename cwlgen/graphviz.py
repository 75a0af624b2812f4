"""Drawing DOT text with Graphviz's `dot` program (Debian's `graphviz` package).

The DOT text itself comes from `cwlgen.backend.graph`; this module only runs `dot`, so a
machine without Graphviz can still write `.dot` and `.mmd` files. Failures are errors with a
code (CG801 not installed, CG802 `dot` failed), never tracebacks.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Literal

from cwlgen.errors import UsageError
from cwlgen.messages import format_message

ImageFormat = Literal["svg", "png"]


class GraphvizError(UsageError):
    """Graphviz is missing or failed; the message says what to do."""

    def __init__(self, code: str, *, what: str, detail: str = "") -> None:
        self.code = code
        super().__init__(format_message(code, what=what, detail=detail))


def dot_available() -> bool:
    return shutil.which("dot") is not None


def render(dot_text: str, fmt: ImageFormat, *, what: str) -> bytes:
    """`dot_text` drawn as SVG or PNG. `what` names the picture in error messages."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizError("CG801", what=what)
    try:
        proc = subprocess.run([exe, f"-T{fmt}"], input=dot_text.encode("utf-8"),
                              capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GraphvizError("CG802", what=what, detail=str(exc)) from None
    if proc.returncode != 0 or not proc.stdout:
        detail = proc.stderr.decode("utf-8", "replace").strip() or f"exit {proc.returncode}"
        raise GraphvizError("CG802", what=what, detail=detail)
    return proc.stdout


def svg_fragment(svg: bytes) -> str:
    """SVG text fit for inlining into HTML: without the XML prolog and DOCTYPE."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else text
