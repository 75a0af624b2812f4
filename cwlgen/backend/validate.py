"""Validation of emitted CWL by cwltool itself (schema-salad + cwltool's static checker)."""

from __future__ import annotations

import logging
from pathlib import Path

from cwlgen.errors import ValidationError


def validate_file(path: str | Path) -> None:
    """Load `path` with cwltool as `cwltool --validate` does; raise ValidationError if it
    is not valid CWL. Imports cwltool lazily (it is slow to import)."""
    from cwltool.context import LoadingContext
    from cwltool.errors import WorkflowException
    from cwltool.load_tool import load_tool
    from cwltool.workflow import default_make_tool
    from schema_salad.exceptions import ValidationException

    logging.getLogger("cwltool").setLevel(logging.ERROR)
    logging.getLogger("salad").setLevel(logging.ERROR)
    ctx = LoadingContext({"strict": True, "do_validate": True})
    ctx.construct_tool_object = default_make_tool
    try:
        load_tool(Path(path).resolve().as_uri(), ctx)
    except (ValidationException, WorkflowException) as exc:
        raise ValidationError(f"cwltool rejected {path}:\n{exc}") from exc
