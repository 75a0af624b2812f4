"""Byte determinism: the same definitions compiled in fresh processes with different
PYTHONHASHSEED values, from different working directories and from checkouts at different
places give identical bytes, and no machine path ends up in the output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
CWLGEN = str(Path(sys.executable).parent / "cwlgen")

DRIVER = textwrap.dedent("""
    import sys
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    import cwlgen
    from cwlgen.dsl.definition import Definition
    from fixtures.examples import coreutils, features
    out = Path(sys.argv[1])
    for module in (coreutils, features):
        for name, obj in sorted(vars(module).items()):
            if isinstance(obj, Definition) and obj.func.__module__ == module.__name__:
                for pack in (False, True):
                    compiled = cwlgen.compile(obj, pack=pack)
                    compiled.write(out / f"{{name}}-{{'packed' if pack else 'folder'}}")
""").format(tests=str(TESTS))


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def compile_in_subprocess(out: Path, *, seed: str, cwd: Path) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run([sys.executable, "-c", DRIVER, str(out)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return tree(out)


def assert_no_machine_paths(files: dict[str, bytes], *roots: Path) -> None:
    for name, data in files.items():
        text = data.decode("utf-8")
        for root in (*roots, REPO, Path.home(), Path("/tmp")):
            assert str(root) not in text, f"{name} mentions {root}"
        assert "file://" not in text, name


@pytest.mark.slow
def test_hash_seed_and_working_directory_do_not_change_a_byte(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    runs = [
        compile_in_subprocess(tmp_path / "a", seed="0", cwd=REPO),
        compile_in_subprocess(tmp_path / "b", seed="1", cwd=REPO),
        compile_in_subprocess(tmp_path / "c", seed="2718281828", cwd=elsewhere),
    ]
    assert len(runs[0]) > 20
    assert runs[1] == runs[0]
    assert runs[2] == runs[0]
    assert_no_machine_paths(runs[0], tmp_path)


PROJECT = '''\
"""A pipeline with records, enums and a subworkflow."""
# mypy: disable-error-code="empty-body"
from __future__ import annotations

import dataclasses
import enum
from typing import Annotated, Literal, NamedTuple

from cwlgen import Arg, File, Out, Resources, stdout, tool, workflow


class Mode(enum.Enum):
    FAST = "fast"
    SLOW = "slow"


@dataclasses.dataclass
class Window:
    start: int
    stop: int | None = None


@tool("cut", resources=Resources(cores=2, ram="1 GiB", gpus=1),
      env={{"LC_ALL": "C", "A": "1", "Z": "2"}})
def cut(text: File, window: Annotated[Window, Arg(value_from="-c$(self.start)-")],
        mode: Mode = Mode.FAST, level: Literal["a", "b"] = "b") -> Annotated[File, stdout()]:
    """Cut columns."""


class Both(NamedTuple):
    first: Annotated[File, Out(glob="1.txt")]
    second: Annotated[list[File], Out(glob="*.txt")]


@tool("split")
def split(text: File) -> Both:
    """Split."""


@workflow
def inner(text: File) -> File:
    """Inner."""
    return cut(text=split(text=text).first, window=Window(start=2))


@workflow
def outer(texts: list[File]) -> list[File]:
    """Outer."""
    return inner.map(text=texts)
'''


@pytest.mark.slow
def test_cli_builds_are_identical_from_two_checkouts(tmp_path: Path) -> None:
    outputs = []
    for i, seed in enumerate(("11", "22")):
        checkout = tmp_path / f"checkout{i}" / ("deeper/and/deeper" if i else "")
        (checkout / "flows").mkdir(parents=True)
        (checkout / "flows" / "pipe.py").write_text(PROJECT.format())
        for args in ([CWLGEN, "build", "flows/pipe.py:outer", "-o", "cwl"],
                     [CWLGEN, "build", "flows/pipe.py:outer", "-o", "packed", "--pack"]):
            env = {**os.environ, "PYTHONHASHSEED": seed}
            proc = subprocess.run(args, cwd=checkout, env=env, capture_output=True, text=True,
                                  timeout=120)
            assert proc.returncode == 0, proc.stderr
        outputs.append({**{f"cwl/{k}": v for k, v in tree(checkout / "cwl").items()},
                        **{f"packed/{k}": v for k, v in tree(checkout / "packed").items()}})
        assert_no_machine_paths(outputs[-1], checkout)
        shutil.rmtree(checkout / "flows")
    assert sorted(outputs[0]) == ["cwl/cut.cwl", "cwl/inner.cwl", "cwl/outer.cwl",
                                  "cwl/split.cwl", "packed/outer.cwl"]
    assert outputs[0] == outputs[1]
    first = outputs[0]["cwl/outer.cwl"].decode()
    assert first.startswith("# Generated by cwlgen from flows.pipe:outer; do not edit.\n")
