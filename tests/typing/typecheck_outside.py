"""Run mypy and pyright as a user's editor does: on files in a folder outside the checkout,
against cwlgen installed the way `make setup` installs it (an editable install in setuptools'
compat mode, i.e. a `.pth` path entry). Shared by the typing tests.

The scratch venv gets cwlgen with the Makefile's own pip command (`--no-deps`); the
dependencies come from the test venv through a `.pth` line, so nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import re
import site
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MYPY = BIN / "mypy"
PYRIGHT = BIN / "pyright"
# the install command of the Makefile's `setup` target, minus the dependencies
INSTALL = ["install", "--quiet", "--no-deps", "--no-build-isolation", "-e", str(REPO),
           "--config-settings", "editable_mode=compat"]


@dataclass(frozen=True)
class Report:
    """One type error: file name, line, and the checker's code (mypy) or rule (pyright)."""

    file: str
    line: int
    code: str
    message: str


def clean_env() -> dict[str, str]:
    """The environment without anything that would put the checkout on a search path."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "MYPYPATH"}}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def make_venv(root: Path) -> Path:
    """A scratch venv with cwlgen installed as `make setup` does; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True,
                   timeout=120)
    python = root / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()
    # the dependencies (and setuptools for the build): the test venv's site-packages
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()] or [
        sysconfig.get_paths()["purelib"]]
    Path(purelib, "zz_test_dependencies.pth").write_text("\n".join(deps) + "\n")
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), *INSTALL],
                          capture_output=True, text=True, cwd=root, env=clean_env(),
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return python


_MYPY_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<msg>.*?)"
                        r"(?:  \[(?P<code>[a-z-]+)\])?$")


def run_mypy(folder: Path, python: Path, files: list[str], strict: bool) -> list[Report]:
    cmd = [str(MYPY), "--python-executable", str(python), "--no-error-summary",
           "--show-error-codes", "--no-pretty", "--cache-dir", str(folder / ".mypy_cache"),
           *(["--strict"] if strict else []), *files]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=folder, env=clean_env(),
                          timeout=600)
    reports = []
    for line in proc.stdout.splitlines():
        m = _MYPY_LINE.match(line)
        if m:
            reports.append(Report(Path(m["file"]).name, int(m["line"]), m["code"] or "",
                                  m["msg"]))
        elif ": error:" in line or proc.returncode > 1:
            raise AssertionError(f"unparsed mypy output:\n{proc.stdout}{proc.stderr}")
    return reports


def run_pyright(folder: Path, python: Path, files: list[str], mode: str) -> list[Report]:
    (folder / "pyrightconfig.json").write_text(json.dumps({"typeCheckingMode": mode}))
    cmd = [str(PYRIGHT), "--outputjson", "--pythonpath", str(python), *files]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=folder, env=clean_env(),
                          timeout=600)
    try:
        result = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"pyright did not answer in JSON:\n{proc.stdout}{proc.stderr}") \
            from exc
    return [
        Report(Path(d["file"]).name, d["range"]["start"]["line"] + 1, d.get("rule", ""),
               d["message"])
        for d in result["generalDiagnostics"] if d["severity"] == "error"
    ]


_EXPECT = re.compile(r"# E: mypy=(?P<mypy>[a-z-]+) pyright=(?P<pyright>\w+)")


def expected(path: Path) -> dict[int, dict[str, str]]:
    """line -> {"mypy": code, "pyright": rule} from the file's `# E:` comments."""
    found = {}
    for lineno, text in enumerate(path.read_text().splitlines(), start=1):
        m = _EXPECT.search(text)
        if m:
            found[lineno] = {"mypy": m["mypy"], "pyright": m["pyright"]}
    return found


# The pages whose Python a reader copies: README.md, every page of docs/ and the pipelines'
# walkthrough. docs/diagnostics.md is left out: its snippets are the mistakes each diagnostic
# reports (tests/docs checks that cwlgen reports them).
NOT_TYPED = {"docs/diagnostics.md"}


def snippet_pages() -> list[Path]:
    pages = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md")),
             REPO / "pipelines" / "TINY_LOFAR.md"]
    return [p for p in pages if str(p.relative_to(REPO)) not in NOT_TYPED]


def write_snippets(folder: Path) -> list[str]:
    """Each page's Python as the docs test runs it (tests/docs/snippets.py): the untitled
    blocks as one module padded to the page's line numbers (so an error points at the page
    line), `title="name.py"` blocks as that file. Returns the files written."""
    from tests.docs.snippets import python_sources

    written: list[str] = []
    for page in snippet_pages():
        for name, text in python_sources(page).items():
            assert name not in written, f"two pages write {name}"
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
            written.append(name)
    return sorted(written)
