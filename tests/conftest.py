"""Shared test helpers: compile a definition into tmp_path and validate every document with
cwltool (in-process), run a compiled workflow with `cwltool --no-container`, and the
Hypothesis profiles ("ci" by default, "long" via HYPOTHESIS_PROFILE=long).

Tests live in folders by stage (tests/dsl, tests/checks, tests/lower, tests/backend, ...);
everything under tests/e2e/ and tests/pipelines/ is marked `slow`, so
`pytest -m "not slow"` is the fast inner loop.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

import cwlgen
from cwlgen.backend.validate import validate_file

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
VENV_BIN = Path(sys.executable).parent
CWLTOOL = str(VENV_BIN / "cwltool")

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    print_blob=True,
)
settings.register_profile(
    "long",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

#: Folders whose tests run whole workflows end to end: marked `slow` automatically.
SLOW_FOLDERS = ("e2e", "pipelines")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e/ and tests/pipelines/ as `slow`."""
    slow_roots = [TESTS / name for name in SLOW_FOLDERS]
    for item in items:
        path = Path(str(item.path)).resolve()
        if any(path.is_relative_to(root) for root in slow_roots):
            item.add_marker(pytest.mark.slow)


class Built:
    """A compiled definition written to disk: `.compiled`, `.directory`, `.main` (path)."""

    def __init__(self, compiled: cwlgen.Compiled, directory: Path) -> None:
        self.compiled = compiled
        self.directory = directory
        self.main = directory / compiled.main

    def doc(self, name: str | None = None) -> dict[str, Any]:
        """The emitted document `name` (the main one by default), as plain dicts."""
        return self.compiled.documents[name or self.compiled.main]

    def tool_doc(self, name: str) -> dict[str, Any]:
        """A process by stem, from either layout (a file in a folder, or a `$graph` entry)."""
        if self.compiled.packed:
            graph = self.doc()["$graph"]
            wanted = "main" if name == self.compiled.root.name else name
            return next(d for d in graph if d["id"] == wanted)
        return self.compiled.documents[f"{name}.cwl"]


def build_definition(obj: Any, directory: Path, *, pack: bool = False,
                     validate: bool = True) -> Built:
    """Compile `obj`, write it under `directory`, and (by default) have cwltool validate every
    written document; a rejected document fails the test with cwltool's message."""
    compiled = cwlgen.compile(obj, pack=pack)
    compiled.write(directory)
    built = Built(compiled, directory)
    if validate:
        for rel in sorted(compiled.texts()):
            if rel.endswith(".cwl"):  # not schemas.yml, the shared SchemaDef types
                validate_file(directory / rel)
    return built


def run_cwl(main: Path, job: dict[str, Any], workdir: Path, *,
            extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """Run `main` with `cwltool --no-container` on `job` (written as JSON into `workdir`) and
    return the parsed output object; a failed run fails the test showing cwltool's log."""
    workdir.mkdir(parents=True, exist_ok=True)
    job_file = workdir / "job.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    outdir = workdir / "out"
    tmp = workdir / "tmp"
    tmp.mkdir(exist_ok=True)
    cmd = [CWLTOOL, "--no-container", "--quiet", "--outdir", str(outdir),
           "--tmpdir-prefix", f"{tmp}/", "--tmp-outdir-prefix", f"{tmp}/", *extra,
           str(main), str(job_file)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        pytest.fail(f"cwltool failed ({proc.returncode}) on {main}:\n{proc.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def file_obj(path: Path) -> dict[str, str]:
    """A CWL File object for a job file."""
    return {"class": "File", "path": str(path)}


def dir_obj(path: Path) -> dict[str, str]:
    return {"class": "Directory", "path": str(path)}


def read_output(value: dict[str, Any]) -> str:
    """The text of an output File object."""
    return Path(value["path"]).read_text(encoding="utf-8")


@pytest.fixture
def cwl_build(tmp_path: Path) -> Callable[..., Built]:
    """`cwl_build(definition, pack=False, validate=True, name="cwl")` -> Built (see
    build_definition); each call writes into a fresh folder under tmp_path."""
    counter = iter(range(1_000_000))

    def build(obj: Any, *, pack: bool = False, validate: bool = True,
              name: str | None = None) -> Built:
        folder = tmp_path / (name or f"cwl{next(counter)}")
        return build_definition(obj, folder, pack=pack, validate=validate)

    return build


@pytest.fixture
def cwl_run(tmp_path: Path) -> Callable[..., dict[str, Any]]:
    """`cwl_run(main_path, job_dict)` -> cwltool's output object (see run_cwl)."""
    counter = iter(range(1_000_000))

    def run(main: Path, job: dict[str, Any], **kw: Any) -> dict[str, Any]:
        return run_cwl(main, job, tmp_path / f"run{next(counter)}", **kw)

    return run


@pytest.fixture
def in_tmp_cwd(tmp_path: Path) -> Iterator[Path]:
    """Run the test with tmp_path as the working directory."""
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)
