"""Shared by the tests of pipelines/: the committed documents under generated/ and what they
contain (helpers only, no tests)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conftest import REPO
from ruamel.yaml import YAML

if str(REPO) not in sys.path:  # `pipelines` is a top-level package of the repository
    sys.path.insert(0, str(REPO))

GENERATED = REPO / "generated"
CONTAINERS = REPO / "pipelines" / "containers"
SCRIPT = REPO / "scripts" / "generated.py"
OURS = ("prefactor", "presto", "spiel")
SHARED_DATA = REPO.parent / "shared" / "data"


def load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return doc


def doc(pipeline: str, wf: str, name: str | None = None) -> dict[str, Any]:
    """A committed document: generated/<pipeline>/<wf>/<name or wf>.cwl."""
    return load(GENERATED / pipeline / wf / f"{name or wf}.cwl")


def all_docs(pipelines: tuple[str, ...] = OURS) -> Iterator[tuple[Path, dict[str, Any]]]:
    for pipeline in pipelines:
        for path in sorted((GENERATED / pipeline).rglob("*.cwl")):
            yield path, load(path)


def classes(entries: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    return {e["class"]: e for e in entries or []}


def tools(pipelines: tuple[str, ...] = OURS) -> Iterator[tuple[Path, dict[str, Any]]]:
    return ((p, d) for p, d in all_docs(pipelines) if d["class"] == "CommandLineTool")


def is_task(tool_doc: dict[str, Any]) -> bool:
    return "_cwlgen_shim.py" in tool_doc["baseCommand"]


def mentions_directory(tp: Any) -> bool:
    return "Directory" in json.dumps(tp)
