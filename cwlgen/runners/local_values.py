"""CWL values as `run_local` handles them between steps: File/Directory objects with absolute
paths (file literals materialised), secondary files found next to their primary file, and
the paths that must exist."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from cwlgen.errors import InputError, RunError
from cwlgen.ir import InputPort


def file_path(obj: Mapping[str, Any]) -> str | None:
    """The local path of a File/Directory object (from `path`, or a file:// `location`)."""
    path = obj.get("path") or obj.get("location")
    if isinstance(path, str) and path.startswith("file://"):
        path = unquote(urlparse(path).path)
    return path if isinstance(path, str) else None


def absolute_paths(value: Any, base: Path) -> Any:
    """Give every File/Directory object an absolute `path`, `location` and `basename`."""
    if isinstance(value, list):
        return [absolute_paths(v, base) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("class") in ("File", "Directory"):
        path = file_path(value)
        if path is None:
            if "contents" in value:  # a CWL file literal: materialise it
                folder = Path(tempfile.mkdtemp(prefix="literal-", dir=base))
                target = folder / str(value.get("basename", "file_literal"))
                target.write_text(str(value["contents"]), encoding="utf-8")
                path = str(target)
            else:
                raise InputError(f"{value['class']} object without a path: {value!r}")
        full = os.path.normpath(os.path.join(base, path))
        value = dict(value)
        value.update(path=full, location=full, basename=os.path.basename(full))
        if "secondaryFiles" in value:
            value["secondaryFiles"] = [absolute_paths(sf, base) for sf in value["secondaryFiles"]]
        return value
    return {k: absolute_paths(v, base) for k, v in value.items()}


def _secondary_name(path: str, pattern: str) -> str:
    while pattern.startswith("^"):
        path = os.path.splitext(path)[0]
        pattern = pattern[1:]
    return path + pattern


def local_patterns(port: InputPort, where: str) -> tuple[str, ...]:
    """A port's secondary-file patterns in the form `add_secondary_files` takes: `?` marks
    one that may be missing (`SecondaryFile(p, required=False)`, or a `required` decided by
    an expression). A pattern that is itself an expression cannot be evaluated in-process."""
    flags = dict(port.secondary_required)
    found = []
    for pattern in port.secondary_files:
        if "$(" in pattern or "${" in pattern:
            raise RunError(f"{where}: input '{port.name}' has the secondaryFiles expression "
                           f"{pattern!r}, which run_local cannot evaluate (it runs no "
                           "JavaScript); run it with cwlgen.run")
        optional = flags.get(pattern, True) is not True
        found.append(pattern + "?" if optional and not pattern.endswith("?") else pattern)
    return tuple(found)


def add_secondary_files(value: Any, patterns: tuple[str, ...], where: str) -> Any:
    """Files get the secondary files their input declares (`^.bai`, `.idx?`), as cwltool
    finds them next to the primary file; a missing required one is a RunError."""
    if not patterns:
        return value
    if isinstance(value, list):
        return [add_secondary_files(v, patterns, where) for v in value]
    if not isinstance(value, dict) or value.get("class") != "File" or "secondaryFiles" in value:
        return value
    found = []
    for raw in patterns:
        required = not raw.endswith("?")
        name = _secondary_name(value["path"], raw.rstrip("?"))
        if os.path.exists(name):
            kind = "Directory" if os.path.isdir(name) else "File"
            found.append({"class": kind, "path": name, "location": name,
                          "basename": os.path.basename(name)})
        elif required:
            raise RunError(f"{where}: secondary file {name} (pattern '{raw}') of "
                           f"{value['path']} does not exist")
    return {**value, "secondaryFiles": found}


def missing_paths(value: Any) -> list[str]:
    """The paths of the Files/Directories in `value` that do not exist."""
    if isinstance(value, list):
        return [p for v in value for p in missing_paths(v)]
    if not isinstance(value, dict):
        return []
    if value.get("class") in ("File", "Directory"):
        own = [] if os.path.exists(value["path"]) else [value["path"]]
        return own + missing_paths(value.get("secondaryFiles", []))
    return [p for v in value.values() for p in missing_paths(v)]


def short(value: Any) -> str:
    """A value for a message, at most 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


