"""Static typing: under mypy a tool or workflow called in a workflow returns its declared
output type, so miswiring is a type error in the editor. mypy runs (as a subprocess, --strict)
on tests/fixtures/mypy/good.py, which must be clean, and bad.py, whose `# E: code "text"`
comments list exactly the errors mypy must report."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "mypy"
MYPY = Path(sys.executable).parent / "mypy"
_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<kind>error|note): (?P<msg>.*?)"
                   r"(?:  \[(?P<code>[a-z-]+)\])?$")


def expected_errors(path: Path) -> list[tuple[int, str, str]]:
    """(line, error code, text) from `# E: code "text"` comments."""
    found = []
    for lineno, line in enumerate(path.read_text().splitlines(), start=1):
        m = re.search(r'# E: ([a-z-]+) "([^"]*)"', line)
        if m:
            found.append((lineno, m.group(1), m.group(2)))
    return found


@pytest.mark.slow
def test_mypy_accepts_good_wiring_and_rejects_a_file_wired_into_an_int(tmp_path: Path) -> None:
    if not MYPY.exists():
        pytest.fail(f"mypy is not installed in the venv ({MYPY}); install the 'test' extra")
    proc = subprocess.run(
        [str(MYPY), "--strict", "--no-error-summary", "--show-error-codes",
         "--cache-dir", str(tmp_path / "cache"), "tests/fixtures/mypy/good.py",
         "tests/fixtures/mypy/bad.py"],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    parsed = [_LINE.match(line) for line in lines]
    assert all(parsed), proc.stdout + proc.stderr
    errors = [m for m in parsed if m and m.group("kind") == "error"]
    assert not [m.group(0) for m in errors if m.group("path").endswith("good.py")]
    got = sorted((int(m.group("line")), m.group("code") or "", m.group("msg"))
                 for m in errors if m.group("path").endswith("bad.py"))
    want = expected_errors(FIXTURES / "bad.py")
    assert want, "bad.py lists no expected errors"
    assert [(line, code) for line, code, _ in got] == [(line, code) for line, code, _ in want]
    for (_, _, message), (_, _, text) in zip(got, want, strict=True):
        assert text in message
    assert proc.returncode == 1
