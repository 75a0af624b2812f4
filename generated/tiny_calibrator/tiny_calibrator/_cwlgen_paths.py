"""`File` and `Directory`: the path-like values tasks receive and return.

Standard library only: this module is also shipped inside the CWL of Python tasks, where cwlgen
itself is not installed.
"""

import os
from collections.abc import Iterable, Mapping
from typing import Any


class _PathValue(os.PathLike):  # type: ignore[type-arg]
    """Common behaviour of File and Directory: a path plus CWL metadata."""

    cwl_class = ""

    def __init__(
        self,
        path: "str | os.PathLike[str]",
        *,
        secondary_files: "Iterable[File | Directory]" = (),
        format: "str | None" = None,
    ) -> None:
        self.path = os.fspath(path)
        self.secondary_files = tuple(secondary_files)
        self.format = format

    def __fspath__(self) -> str:
        return self.path

    @property
    def basename(self) -> str:
        """The last component of the path (CWL's `basename`)."""
        return os.path.basename(self.path.rstrip("/")) or self.path

    @property
    def dirname(self) -> str:
        """The path without its last component (CWL's `dirname`)."""
        return os.path.dirname(self.path.rstrip("/"))

    @property
    def nameroot(self) -> str:
        """The basename without its extension (CWL's `nameroot`)."""
        return os.path.splitext(self.basename)[0] if self.basename[:1] != "." else self.basename

    @property
    def nameext(self) -> str:
        """The basename's extension with its dot, or "" (CWL's `nameext`)."""
        return os.path.splitext(self.basename)[1] if self.basename[:1] != "." else ""

    def exists(self) -> bool:
        """Whether the path exists on this machine."""
        return os.path.exists(self.path)

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and self.path == other.path
            and self.secondary_files == other.secondary_files
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.path))

    def __repr__(self) -> str:
        extra = f", secondary_files={list(self.secondary_files)!r}" if self.secondary_files else ""
        return f"{type(self).__name__}({self.path!r}{extra})"

    def to_cwl(self) -> "dict[str, Any]":
        """The CWL object for this value (location is the path as given)."""
        obj: dict[str, Any] = {"class": self.cwl_class, "location": self.path}
        if self.format:
            obj["format"] = self.format
        if self.secondary_files:
            obj["secondaryFiles"] = [sf.to_cwl() for sf in self.secondary_files]
        return obj

    @classmethod
    def from_cwl(cls, obj: "Mapping[str, Any]") -> "File | Directory":
        """Build from a CWL File/Directory object (as found in job or output JSON)."""
        path = obj.get("path") or obj.get("location", "")
        if isinstance(path, str) and path.startswith("file://"):
            from urllib.parse import unquote, urlparse

            path = unquote(urlparse(path).path)
        target = File if obj.get("class") == "File" else Directory
        return target(
            path,
            secondary_files=[cls.from_cwl(sf) for sf in obj.get("secondaryFiles", [])],
            format=obj.get("format"),
        )


class File(_PathValue):
    """A file: pass one to a tool or task, or return `File("name")` from a task."""

    cwl_class = "File"

    def read_text(self, encoding: str = "utf-8") -> str:
        """The file's text (UTF-8 unless told)."""
        with open(self.path, encoding=encoding) as fh:
            return fh.read()

    def read_bytes(self) -> bytes:
        """The file's bytes."""
        with open(self.path, "rb") as fh:
            return fh.read()


class Directory(_PathValue):
    """A directory, e.g. a Measurement Set."""

    cwl_class = "Directory"

    def listdir(self) -> "list[str]":
        """The directory's entry names, sorted (so tasks iterate deterministically)."""
        return sorted(os.listdir(self.path))
