"""mypy (--strict) and pyright both see a conditional call as `R | None`, pick_value and
or_default as `R` (`list[R]` for all_non_null), and reject a conditional result passed where
a required value goes; cwlgen's own checker agrees (CG604). The expectations are the
`# T:` (revealed type) and `# B:` (argument error with this type) comments of
tests/fixtures/typing/conditionals*.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import cwlgen

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "typing"
BIN = Path(sys.executable).parent
GOOD, BAD = FIXTURES / "conditionals.py", FIXTURES / "conditionals_bad.py"


def marks(path: Path, tag: str) -> dict[int, str]:
    """line -> text of the `# T: ...` / `# B: ...` comments."""
    return {n: m.group(1).strip() for n, line in enumerate(path.read_text().splitlines(), 1)
            if (m := re.search(rf"# {tag}: (.*)$", line))}


def run(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=600)
    return proc.stdout + proc.stderr


@pytest.mark.slow
def test_mypy_sees_optional_results_and_picked_values(tmp_path: Path) -> None:
    out = run([str(BIN / "mypy"), "--strict", "--no-error-summary", "--cache-dir",
               str(tmp_path), str(GOOD.relative_to(REPO)), str(BAD.relative_to(REPO))])
    revealed = {int(m.group(1)): m.group(2) for m in re.finditer(
        r"conditionals\.py:(\d+): note: Revealed type is \"([^\"]+)\"", out)}
    assert revealed == marks(GOOD, "T"), out
    errors = re.findall(r"conditionals_bad\.py:(\d+): error: .*incompatible type \"([^\"]+)\"",
                        out)
    assert {int(line): t for line, t in errors} == marks(BAD, "B"), out
    assert not re.search(r"conditionals\.py:\d+: error", out), out


@pytest.mark.slow
def test_pyright_sees_optional_results_and_picked_values() -> None:
    pyright = BIN / "pyright"
    if not pyright.exists():
        pytest.fail(f"pyright is not installed in the venv ({pyright})")
    out = run([str(pyright), str(GOOD), str(BAD)])
    revealed = {int(m.group(1)): m.group(2) for m in re.finditer(
        r"conditionals\.py:(\d+):\d+ - information: Type of \"\w+\" is \"([^\"]+)\"", out)}
    assert revealed == marks(GOOD, "T"), out
    errors = re.findall(r"conditionals_bad\.py:(\d+):\d+ - error: Argument of type "
                        r"\"([^\"]+)\"", out)
    assert {int(line): t for line, t in errors} == marks(BAD, "B"), out
    assert "1 error" in out, out


def test_cwlgen_checker_agrees_with_the_type_checkers() -> None:
    sys.path.insert(0, str(FIXTURES))
    try:
        import conditionals
        import conditionals_bad
    finally:
        sys.path.remove(str(FIXTURES))
    assert cwlgen.check(conditionals.typed) == []
    found = [(d.code, d.loc.line if d.loc else None)
             for d in cwlgen.check(conditionals_bad.untyped_use)]
    assert found == [("CG604", next(iter(marks(BAD, "B"))))]
