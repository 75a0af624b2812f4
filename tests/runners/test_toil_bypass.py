"""In-place updates under Toil: --bypass-file-store is added by itself, and scattered steps
whose outputs have fixed names (which then overwrite each other) are warned about."""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from cwlgen import Arg, Directory, File, Out, stdout, tool, workflow
from cwlgen.runners.request import RunRequest
from cwlgen.runners.toil_runner import ToilEngine, bypass_collisions, needs_bypass


@tool("touch")
def flag(
    ms: Annotated[Directory, Arg(inplace=True, value_from="$(self.path)/FLAG")],
) -> Annotated[Directory, Out(glob="$(inputs.ms.basename)")]:
    """Update a Measurement Set in place."""


@tool("ls")
def listing(ms: Annotated[Directory, Arg(position=1)]) -> Annotated[File, stdout("ls.txt")]:
    """A fixed output name: collides when scattered under --bypass-file-store."""


@tool("ls")
def named(
    ms: Annotated[Directory, Arg(position=1)],
) -> Annotated[File, stdout("$(inputs.ms.basename).txt")]:
    """An output named after its input: no collision."""


@workflow
def in_place(sets: list[Directory]) -> list[File]:
    return listing.map(ms=flag.map(ms=sets))


@workflow
def in_place_named(sets: list[Directory]) -> list[File]:
    return named.map(ms=flag.map(ms=sets))


@workflow
def read_only(sets: list[Directory]) -> list[File]:
    return listing.map(ms=sets)


def request(wf: object, tmp: Path) -> RunRequest:
    return RunRequest(process=wf.process_ir(), workflow=tmp / "wf.cwl",  # type: ignore[attr-defined]
                      job=tmp / "job.json", outdir=tmp / "out", build_dir=tmp)


def test_bypass_is_added_only_for_in_place_updates(tmp_path: Path) -> None:
    assert needs_bypass(in_place.process_ir())
    assert not needs_bypass(read_only.process_ir())
    assert "--bypass-file-store" in ToilEngine().argv(request(in_place, tmp_path))
    assert "--bypass-file-store" not in ToilEngine().argv(request(read_only, tmp_path))


def test_fixed_output_names_of_scattered_steps_are_reported() -> None:
    (warning,) = bypass_collisions(in_place.process_ir())
    assert "'in_place/listing'" in warning and "out" in warning
    assert bypass_collisions(in_place_named.process_ir()) == []
