"""Typed in every editor: mypy (default, --strict) and pyright (basic, standard, strict),
run in a folder outside the checkout against cwlgen as `make setup` installs it, accept the
well-wired fixture, the examples, the docs' snippets and the pipelines without any per-file
setting, and report each miswiring of the bad fixture and examples/miswired.py at its line
(and nothing else)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typecheck_outside import (
    INSTALL,
    MYPY,
    PYRIGHT,
    REPO,
    Report,
    expected,
    make_venv,
    run_mypy,
    run_pyright,
    write_snippets,
)

FIXTURES = Path(__file__).resolve().parent / "editor_fixtures"
pytestmark = pytest.mark.slow

def test_the_install_is_the_one_make_setup_does() -> None:
    """The scratch venv's pip command is the Makefile's, so the test sees what users get."""
    makefile = (REPO / "Makefile").read_text()
    extras = "'.[test,toil,radio,docs]'"
    assert f"pip install --quiet -e {extras} --config-settings editable_mode=compat" in makefile
    assert INSTALL[-2:] == ["--config-settings", "editable_mode=compat"] and "-e" in INSTALL


# pyright's own default is "standard", between basic and strict
MODES = [("mypy", "default"), ("mypy", "strict"), ("pyright", "basic"), ("pyright", "standard"),
         ("pyright", "strict")]


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(folder outside the checkout holding the files to check, python of the scratch venv)."""
    for tool in (MYPY, PYRIGHT):
        if not tool.exists():
            pytest.fail(f"{tool.name} is not installed in the venv; install the 'test' extra")
    root = tmp_path_factory.mktemp("editor")
    assert REPO not in root.parents
    python = make_venv(root / "venv")
    folder = root / "user"
    folder.mkdir()
    for path in FIXTURES.glob("*.py"):
        shutil.copy(path, folder / path.name)
    # typings/: the partial stubs of the untyped libraries the pipelines use, which pyright
    # reads from the project root as a user's project would have them; mypy is told where
    # they are by the project's one setting (typings/README.md), never per file
    (folder / "mypy.ini").write_text("[mypy]\nmypy_path = typings\n")
    for sub in ("examples", "pipelines", "typings"):
        shutil.copytree(REPO / sub, folder / sub,
                        ignore=shutil.ignore_patterns("*.md", "__pycache__", "containers"))
    (folder / "snippets.txt").write_text("\n".join(write_snippets(folder)) + "\n")
    yield folder, python


def check(folder: Path, python: Path, checker: str, mode: str, files: list[str]) -> list[Report]:
    if checker == "mypy":
        return run_mypy(folder, python, files, strict=mode == "strict")
    return run_pyright(folder, python, files, mode)


@pytest.mark.parametrize(("checker", "mode"), MODES)
@pytest.mark.parametrize("what", ["examples", "snippets", "pipelines"])
def test_wellwired_code_is_clean(outside: tuple[Path, Path], what: str, checker: str,
                                 mode: str) -> None:
    folder, python = outside
    if what == "examples":
        files = ["good.py", "examples/wordcount.py", "examples/demo.py"]
    elif what == "snippets":  # the docs' Python, which imports examples.wordcount
        files = (folder / "snippets.txt").read_text().split()
    else:
        files = sorted(f"pipelines/{p.name}" for p in (folder / "pipelines").glob("*.py"))
    reports = check(folder, python, checker, mode, files)
    assert reports == [], "\n".join(f"{r.file}:{r.line}: {r.code}: {r.message}"
                                    for r in reports)


@pytest.mark.parametrize(("checker", "mode"), MODES)
def test_miswiring_is_reported_at_its_line(outside: tuple[Path, Path], checker: str,
                                           mode: str) -> None:
    folder, python = outside
    reports = check(folder, python, checker, mode, ["bad.py", "examples/miswired.py"])
    bad = expected(FIXTURES / "bad.py")
    miswired = expected(REPO / "examples" / "miswired.py")
    assert bad and miswired
    for name, lines in (("bad.py", bad), ("miswired.py", miswired)):
        got: dict[int, set[str]] = {}
        for r in reports:
            if r.file == name:
                got.setdefault(r.line, set()).add(r.code)
        assert sorted(got) == sorted(lines), f"{name}: errors on lines {sorted(got)}, " \
            f"expected {sorted(lines)}:\n" + "\n".join(
                f"{r.file}:{r.line}: {r.code}: {r.message}" for r in reports)
        for line, codes in lines.items():
            assert codes[checker] in got[line], (name, line, got[line])
    assert not [r for r in reports if r.file not in {"bad.py", "miswired.py"}]
