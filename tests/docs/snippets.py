"""Run the code blocks of a Markdown page the way a reader would (with Sybil's parsers).

Conventions, all visible in the Markdown source:

- ```` ```python ```` blocks run in order in one namespace per page, as the code of one module
  (`docsnip_<page>`), written to a real `.py` file whose line numbers are the page's: a `@task`
  defined in a page can be shipped to a CWL job like any module's, and tracebacks and
  diagnostics point at the page's lines.
- ```` ```python title="name.py" ```` is the content of a file the page asks the reader to
  create: it is written (appended, when the page continues it) into the page's folder and not
  run by itself; later blocks import it or pass it to `cwlgen`.
- ```` ```sh ```` / ```` ```bash ```` blocks run with `bash -euo pipefail`.
- ```` ```console ```` blocks are `$ command` lines followed by the output the page shows; the
  output must match (a line `...` stands for any lines, `...` inside a line for any text).
- Everything runs in a fresh folder holding the page's files plus `examples/`, `pipelines/`
  and `.venv` linked from the repository and a few small input files (`poem.txt`, `a.txt`,
  `b.txt`), with the repository's `.venv/bin` first on PATH.
- `<!-- skip: next "why" -->` before a block skips it; the reason is required and reported.
"""

from __future__ import annotations

import linecache
import os
import re
import subprocess
import sys
import types
import unittest
from dataclasses import dataclass, field
from pathlib import Path

from sybil import Document, Example, Region
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer
from sybil.parsers.markdown.skip import SkipParser

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

SHELLS = ("sh", "bash", "shell")
INPUT_FILES = {
    "poem.txt": "the quick brown fox\njumps over\nthe lazy dog\n",
    "a.txt": "3\n1\n2\n",
    "b.txt": "10\n20\n",
}
_TITLE = re.compile(r'title="([^"]+)"')


@dataclass
class Block:
    """One fenced block: its language, optional file title and first source line."""

    language: str
    title: str | None
    line: int  # 1-based line of the first line of code in the page
    source: str


@dataclass
class PageRun:
    """The state shared by the blocks of one page while they run."""

    page: Path
    folder: Path
    module_name: str
    module: types.ModuleType
    python_lines: dict[int, str] = field(default_factory=dict)  # page line -> code line
    files: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # title -> blocks
    skipped: list[str] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)

    @property
    def module_file(self) -> Path:
        return self.folder / f"{self.module_name}.py"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
        env["PYTHONPATH"] = os.pathsep.join([str(self.folder), str(REPO)])
        env["COLUMNS"] = "200"
        env.pop("CWLGEN_PROGRESS", None)
        return env


def parse_blocks(page: Path) -> list[Block]:
    """Every fenced block with a language, in page order (for mypy and for listing)."""
    document = Document.parse(str(page), _BlockParser(None))
    return [example.parsed for example in document.examples()]


class _BlockParser:
    """Turns each fenced block into a region whose evaluator is given at construction."""

    def __init__(self, run: PageRun | None) -> None:
        self.run = run
        self.lexer = FencedCodeBlockLexer(language=r".+",
                                          mapping={"language": "info", "source": "source"})

    def __call__(self, document: Document) -> list[Region]:
        regions = []
        for region in self.lexer(document):
            info = str(region.lexemes["info"]).strip()
            language = info.split()[0] if info else ""
            title = _TITLE.search(info)
            line = document.text.count("\n", 0, region.start) + 2
            region.parsed = Block(language, title.group(1) if title else None, line,
                                  str(region.lexemes["source"]))
            region.evaluator = self._evaluate
            regions.append(region)
        return regions

    def _evaluate(self, example: Example) -> str | None:
        assert self.run is not None
        block: Block = example.parsed
        where = f"{self.run.page.name}:{block.line}"
        if block.language == "python" and block.title:
            _write_titled_file(self.run, block)
        elif block.language == "python":
            _run_python(self.run, block)
        elif block.language in SHELLS:
            _run_shell(self.run, block)
        elif block.language == "console":
            _run_console(self.run, block)
        else:
            return None  # text, yaml, output listings: nothing to run
        self.run.ran.append(where)
        return None


def run_page(page: Path, folder: Path) -> PageRun:
    """Run every runnable block of `page` in `folder`; raise on the first failure."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in INPUT_FILES.items():
        (folder / name).write_text(text)
    for name in ("examples", "pipelines", ".venv"):
        link = folder / name
        if not link.exists():
            link.symlink_to(REPO / name)
    slug = re.sub(r"\W", "_", str(page.relative_to(REPO).with_suffix(""))).lower()
    module_name = f"docsnip_{slug}"
    module = types.ModuleType(module_name)
    run = PageRun(page=page, folder=folder, module_name=module_name, module=module)
    module.__file__ = str(run.module_file)
    document = Document.parse(str(page), _BlockParser(run), SkipParser())
    document.namespace["no_slurm"] = _no_slurm()
    old_cwd, old_path = os.getcwd(), list(sys.path)
    sys.modules[module_name] = module
    os.chdir(folder)
    sys.path.insert(0, str(folder))
    try:
        for example in document.examples():
            try:
                example.evaluate()
            except unittest.SkipTest as skip:
                block = example.parsed
                if isinstance(block, Block):
                    run.skipped.append(f"{page.name}:{block.line}: {skip}")
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path
        for name in [n for n in sys.modules if n == module_name or _is_page_file(run, n)]:
            del sys.modules[name]
    return run


def _no_slurm() -> bool:
    """Whether blocks marked `skip: next if(no_slurm, ...)` are skipped: no idle Slurm node,
    unless CI requires every tool (then the block runs and fails loudly)."""
    from tests.needs import slurm_idle

    return not slurm_idle() and os.environ.get("CWLGEN_REQUIRE_TOOLS") != "1"


def _is_page_file(run: PageRun, module: str) -> bool:
    return any(Path(title).stem == module for title in run.files)


def _padded(lines: dict[int, str]) -> str:
    """Code lines at their page line numbers, blank lines elsewhere."""
    last = max(lines, default=0)
    return "\n".join(lines.get(n, "") for n in range(1, last + 1)) + "\n"


def _block_lines(block: Block) -> dict[int, str]:
    return {block.line + i: text for i, text in enumerate(block.source.splitlines())}


def _run_python(run: PageRun, block: Block) -> None:
    run.python_lines.update(_block_lines(block))
    run.module_file.write_text(_padded(run.python_lines))
    linecache.checkcache(str(run.module_file))
    code = compile(_padded(_block_lines(block)), str(run.module_file), "exec")
    before = dict(run.module.__dict__)
    exec(code, run.module.__dict__)
    expected = _expected_diagnostics(block)
    if expected:
        new = [v for k, v in run.module.__dict__.items() if before.get(k) is not v]
        _check_diagnostics(run, block, expected, new)


_EXPECT = re.compile(r"#\s*(error|warning)\[(CG\d{3})\]:\s*(.*)$")


def _expected_diagnostics(block: Block) -> list[tuple[int, str, str, str]]:
    """(page line, severity, code, text) of each `# error[CG201]: text` comment."""
    found = []
    for offset, text in enumerate(block.source.splitlines()):
        match = _EXPECT.search(text)
        if match:
            found.append((block.line + offset, match.group(1), match.group(2),
                          match.group(3).strip()))
    return found


def _check_diagnostics(run: PageRun, block: Block, expected: list[tuple[int, str, str, str]],
                       new: list[object]) -> None:
    """The definitions a block made report what its comments promise, and nothing else."""
    import cwlgen

    definitions = [v for v in new if type(v).__module__.startswith("cwlgen.dsl")]
    where = f"{run.page.relative_to(REPO)}:{block.line}"
    assert definitions, f"{where}: the block promises diagnostics but defines nothing"
    found = []
    for defn in definitions:  # check() runs the checks; compile() also lowering (CG213)
        try:
            more = list(cwlgen.compile(defn).warnings)
        except cwlgen.CompileError as exc:
            more = list(exc.diagnostics)
        for d in [*cwlgen.check(defn), *more]:
            if d not in found:
                found.append(d)
    shown = "\n".join(d.render() for d in found) or "(nothing)"
    for line, severity, code, text in expected:
        pattern = ".*".join(re.escape(part.strip()) for part in text.split("..."))
        if not any(d.code == code and d.severity == severity
                   and re.match(pattern, d.message) for d in found):
            raise AssertionError(f"{run.page.relative_to(REPO)}:{line}: promised "
                                 f"{severity}[{code}]: {text}\ncwlgen reported:\n{shown}")
    promised = {(severity, code) for _, severity, code, _ in expected}
    extra = [d.render() for d in found if (d.severity, d.code) not in promised]
    assert not extra, f"{where}: cwlgen also reported\n" + "\n".join(extra)


def _write_titled_file(run: PageRun, block: Block) -> None:
    parts = run.files.setdefault(block.title or "", [])
    parts.append((block.line, block.source))
    path = run.folder / (block.title or "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(source.rstrip("\n") for _, source in parts) + "\n")
    sys.modules.pop(path.stem, None)  # a later import sees the file as it is now
    linecache.checkcache(str(path))


def _shell(run: PageRun, script: str, where: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=run.folder,
                          env=run.env(), capture_output=True, text=True, timeout=600)


def _run_shell(run: PageRun, block: Block) -> None:
    where = f"{run.page.relative_to(REPO)}:{block.line}"
    proc = _shell(run, block.source, where)
    if proc.returncode != 0:
        raise AssertionError(f"{where}: shell block exited {proc.returncode}\n"
                             f"--- stdout\n{proc.stdout}--- stderr\n{proc.stderr}")


def _run_console(run: PageRun, block: Block) -> None:
    """`$ command` lines, each followed by the output the page promises."""
    commands: list[tuple[int, str, list[str]]] = []
    for offset, text in enumerate(block.source.splitlines()):
        if text.startswith("$ "):
            commands.append((block.line + offset, text[2:], []))
        elif commands:
            commands[-1][2].append(text)
        elif text.strip():
            raise AssertionError(f"{run.page.name}:{block.line + offset}: console block "
                                 "text before the first '$ ' command")
    for line, command, expected in commands:
        where = f"{run.page.relative_to(REPO)}:{line}"
        proc = _shell(run, command, where)
        shown = (proc.stdout + proc.stderr).rstrip("\n").splitlines()
        if not _matches([e for e in expected], shown):
            raise AssertionError(f"{where}: `{command}` printed\n" + "\n".join(shown)
                                 + "\n--- but the page shows\n" + "\n".join(expected))


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Line-wise match; `...` alone matches any lines, `...` in a line any text."""
    while expected and not expected[-1].strip():
        expected = expected[:-1]
    if not expected:
        return True
    head, rest = expected[0], expected[1:]
    if head.strip() == "...":
        return any(_matches(rest, actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    pattern = ".*".join(re.escape(part) for part in head.rstrip().split("..."))
    return re.fullmatch(pattern, actual[0].rstrip()) is not None and _matches(rest, actual[1:])


def python_sources(page: Path) -> dict[str, str]:
    """What mypy checks for a page: its module (padded to page lines) and its titled files."""
    blocks = parse_blocks(page)
    module: dict[int, str] = {}
    files: dict[str, list[str]] = {}
    for block in blocks:
        if block.language != "python":
            continue
        if block.title:
            files.setdefault(block.title, []).append(block.source.rstrip("\n"))
        else:
            module.update(_block_lines(block))
    out = {name: "\n".join(parts) + "\n" for name, parts in files.items()}
    if module:
        slug = re.sub(r"\W", "_", str(page.relative_to(REPO).with_suffix(""))).lower()
        out[f"docsnip_{slug}.py"] = _padded(module)
    return out
