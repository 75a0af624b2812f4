"""Golden files: the exact CWL text of example definitions, committed under tests/golden/<name>/.
Every golden document is validated by cwltool. Review changes, then rewrite them with

    CWLGEN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from fixtures.conditionals import cond_wf_003_1 as cond
from fixtures.examples import coreutils as cu
from fixtures.examples import features as fx

import cwlgen
from cwlgen.backend.validate import validate_file

GOLDEN = Path(__file__).resolve().parent
UPDATE = os.environ.get("CWLGEN_UPDATE_GOLDEN") == "1"

# name -> (definition, packed?)
EXAMPLES: dict[str, tuple[Any, bool]] = {
    "split_and_rank": (cu.split_and_rank, False),
    "rank_each_packed": (cu.rank_each, True),
    "products": (cu.products, False),
    "gather": (cu.gather, False),
    "archive": (cu.archive, False),
    "show": (fx.show, False),
    "streams": (fx.streams, False),
    "index_reads": (fx.index_reads, False),
    "image_gpu": (fx.image_gpu, False),
    "image_cpu": (fx.image_cpu, False),
    "flag_then_list_packed": (fx.flag_then_list, True),
    "list_staged": (fx.list_staged, False),
    "cond_wf_003_1": (cond.cond_wf_003_1, False),
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_golden(name: str) -> None:
    definition, pack = EXAMPLES[name]
    texts = cwlgen.compile(definition, pack=pack).texts()
    folder = GOLDEN / name
    if UPDATE:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for rel, text in texts.items():
            (folder / rel).write_text(text, encoding="utf-8")
    assert folder.is_dir(), f"no golden files for {name}: run with CWLGEN_UPDATE_GOLDEN=1"
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.cwl"))}
    assert sorted(on_disk) == sorted(texts), "documents added or removed"
    for rel, text in texts.items():
        assert on_disk[rel] == text, (
            f"{folder / rel} differs from the compiler's output; review and rerun with "
            "CWLGEN_UPDATE_GOLDEN=1"
        )
    for rel in sorted(on_disk):
        validate_file(folder / rel)


def test_every_golden_folder_belongs_to_an_example() -> None:
    folders = {p.name for p in GOLDEN.iterdir() if p.is_dir()}
    assert folders == set(EXAMPLES)
