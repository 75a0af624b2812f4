"""Making a failed job's report point at what the user wrote: the workflow line that called
the step, the user's own file in a Python task's traceback (not the job's copy
`_cwlgen_task.py`, and without the shim's frames), and a command line with the inputs at
their real paths instead of the engine's staging folders, so it can be pasted into a shell.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from cwlgen.runtime.files import MODULE_FILE, SHIM_FILE

_FRAME = re.compile(r'^(?P<indent>\s*)File "(?P<file>[^"]*)", line (?P<line>\d+)(?P<rest>.*)$')
# cwltool stages each input as <tmp>/stg<uuid>/<basename>
_STAGED = r"/[^\s']*/stg[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/"


def user_traceback(lines: Iterable[str], task_file: str | None) -> list[str]:
    """A task's stderr with the shim's frames dropped and the job's copy of the user's module
    named as the user's file (the copy is verbatim, so line numbers are the user's)."""
    out: list[str] = []
    skipping = False
    for line in lines:
        m = _FRAME.match(line)
        if m is not None:
            name = Path(m["file"]).name
            skipping = name == SHIM_FILE
            if skipping:
                continue
            if name == MODULE_FILE and task_file is not None:
                line = f'{m["indent"]}File "{task_file}", line {m["line"]}{m["rest"]}'
        elif skipping and line.startswith((" " * 4, "\t")) and not line.lstrip().startswith(
                "File "):
            continue
        else:
            skipping = False
        out.append(line)
    return out


def _job_files(value: Any) -> Iterator[tuple[str, str]]:
    """(basename, real path) of every local File/Directory in a job object."""
    if isinstance(value, list):
        for v in value:
            yield from _job_files(v)
    elif isinstance(value, dict):
        if value.get("class") in ("File", "Directory"):
            path = value.get("path")
            location = value.get("location")
            if path is None and isinstance(location, str) and location.startswith("file://"):
                from urllib.parse import unquote, urlparse

                path = unquote(urlparse(location).path)
            if isinstance(path, str):
                yield Path(path).name, path
        for v in value.values():
            yield from _job_files(v)


def real_paths(command: str, job_path: Path | None) -> str:
    """`command` with each input staged by cwltool shown at its real path (shell-quoted)."""
    if job_path is None or not job_path.is_file():
        return command
    try:
        job = json.loads(job_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return command
    for base, path in dict(_job_files(job)).items():
        quoted = shlex.quote(base)
        variants = {re.escape(base)}
        if quoted != base and "'" not in base:
            variants.add("'" + _STAGED + re.escape(base) + "'")
        for v in sorted(variants, key=len, reverse=True):
            pattern = v if v.startswith("'") else _STAGED + v
            command = re.sub(pattern, shlex.quote(path).replace("\\", "\\\\"), command)
    return command
