"""The bad-input catalogue (issue 11): every subcommand and the Python API given what a
careless or hostile user gives them. Each case is data: the input, the exit status (2 for a
usage error, 1 for a problem in the user's program or data), words the message must hold
(its code, the file and line, how to fix it), and, always: no Python traceback, and no file
left behind in the project (an error writes nothing).

The command-line cases run `cwlgen` as a user does (a subprocess in a project folder); the
API cases run in-process and expect a `CwlgenError` subclass.
"""
# mypy: disable-error-code="empty-body"

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CWLGEN = str(Path(sys.executable).parent / "cwlgen")

GOOD = '''\
# mypy: disable-error-code="empty-body"
from typing import Annotated

from cwlgen import Arg, File, stdout, tool, workflow


@tool("echo")
def say(msg: str) -> Annotated[File, stdout("out.txt")]:
    """Echo."""


@tool("cat")
def cat(f: Annotated[File, Arg(position=1)]) -> Annotated[File, stdout("cat.txt")]:
    """Cat."""


@tool("false")
def fail(msg: Annotated[str, Arg(position=1)]) -> None:
    """Always fails."""


@workflow
def hello(msg: str) -> File:
    return say(msg=msg)


@workflow
def catwf(f: File, n: int = 1, flag: bool = False) -> File:
    return cat(f=f)


@workflow
def failing(msg: str) -> None:
    fail(msg=msg)
'''

ONE = '''\
from cwlgen import task, workflow


@task
def double(n: int) -> int:
    return 2 * n


@workflow
def twice(n: int) -> int:
    return double(n=double(n=n))
'''

PRINTS = '''\
print("hello from import")
from cwlgen import task, workflow


@task
def double(n: int) -> int:
    return 2 * n


@workflow
def twice(n: int) -> int:
    return double(n=n)
'''

MISWIRED = '''\
# mypy: disable-error-code="empty-body"
from typing import Annotated

from cwlgen import File, stdout, tool, workflow


@tool("head")
def head(text: File, lines: int) -> Annotated[File, stdout("h.txt")]:
    """Head."""


@workflow
def wf(text: File) -> File:
    return head(text=text, lines=text)
'''

WARNS = '''\
# mypy: disable-error-code="empty-body"
from typing import Annotated

from cwlgen import File, stdout, tool, workflow


@tool("wc")
def count(text: File) -> Annotated[File, stdout("a.txt")]:
    """Count."""


@tool("tee")
def both(text: File) -> tuple[Annotated[File, stdout("x.txt")], Annotated[File, stdout("y.txt")]]:
    """Two."""


@workflow
def wf(text: File) -> File:
    return count(text=text)
'''

# name -> source of the small modules the cases use (written into each project)
MODULES: dict[str, str | bytes] = {
    "good.py": GOOD,
    "one.py": ONE,
    "prints.py": PRINTS,
    "miswired.py": MISWIRED,
    "empty.py": '"""Nothing here."""\n',
    "syntax.py": "from cwlgen import workflow\n\n\ndef broken(:\n    pass\n",
    "raises.py": "import os\n\nVALUE = 1 / 0\n",
    "missing_dep.py": "import numpyy_not_installed\n",
    "exits0.py": "import sys\n\nsys.exit(0)\n",
    "exits3.py": "import sys\n\nsys.exit(3)\n",
    "exits_msg.py": "raise SystemExit('bye')\n",
    "latin1_nodecl.py": "X = 'caf\xe9'\n".encode("latin-1"),
    "nullbytes.py": b"X = 1\x00\n",
    "binary.py": bytes(range(256)),
    "notes.txt": "not python\n",
    "klass.py": textwrap.dedent('''\
        from cwlgen import tool


        @tool("echo")
        class Echo:
            """A class, not a function."""
        '''),
    "async_task.py": textwrap.dedent('''\
        from cwlgen import task


        @task
        async def fetch(n: int) -> int:
            return n
        '''),
    "gen_task.py": textwrap.dedent('''\
        from collections.abc import Iterator

        from cwlgen import task


        @task
        def numbers(n: int) -> int:
            yield n
        '''),
    "tool_pass.py": textwrap.dedent('''\
        from typing import Annotated

        from cwlgen import File, stdout, tool


        @tool("echo")
        def say(msg: str) -> Annotated[File, stdout("o.txt")]:
            """Echo."""
            pass
        '''),
    "tool_return.py": textwrap.dedent('''\
        from cwlgen import tool


        @tool("echo")
        def say(n: int) -> int:
            """Echo."""
            return n
        '''),
    "stdout_escape.py": textwrap.dedent('''\
        from typing import Annotated

        from cwlgen import File, stdout, tool


        @tool("echo")
        def say(msg: str) -> Annotated[File, stdout("../../x.txt")]:
            """Echo."""
        '''),
    "body_raises.py": textwrap.dedent('''\
        from cwlgen import task, workflow


        @task
        def one(n: int) -> int:
            return n


        @workflow
        def wf(n: int) -> int:
            raise RuntimeError("oops")
        '''),
    "recursive.py": textwrap.dedent('''\
        from cwlgen import workflow


        @workflow
        def loop(n: int) -> int:
            return loop(n=n)
        '''),
    "huge_default.py": textwrap.dedent('''\
        from cwlgen import task


        @task
        def big(n: int = 2 ** 70) -> int:
            return n
        '''),
    "warns.py": WARNS,
    "bad_env.py": textwrap.dedent('''\
        from cwlgen import tool


        @tool("printenv", env={"GREETING": "cost: ${5"})
        def show() -> None:
            """Print the variable."""
        '''),
    "pkg/__init__.py": "",
    "pkg/nothing.py": "X = 1\n",
    "data/a.txt": "alpha\n",
    "data/sub/b.txt": "beta\n",
    "job_ok.yml": "msg: hi\n",
    "job_list.yml": "- 1\n- 2\n",
    "job_bad.yml": "msg: [unclosed\n",
    "job_unknown.yml": "msg: hi\nmesage: typo\n",
    "job_type.yml": "f: data/a.txt\nn: many\n",
    "job_binary.yml": bytes(range(128, 256)),
    "afile": "I am a file\n",
    "mine/hello.cwl": "cwlVersion: v1.2\n# my own\n",
}


@dataclass(frozen=True)
class Case:
    """One bad input: `argv` after `cwlgen`, the exit status, words the output must hold."""

    id: str
    argv: tuple[str, ...]
    code: int
    words: tuple[str, ...] = ()
    stdout_json: bool = False  # stdout must be exactly one JSON document
    writes: tuple[str, ...] = ()  # paths the command may create (a successful command)
    skip_as_root: bool = False


def C(id: str, argv: str | tuple[str, ...], code: int, *words: str, **kw: Any) -> Case:  # noqa: N802
    args = tuple(argv.split()) if isinstance(argv, str) else argv
    return Case(id, args, code, words, **kw)


CLI_CASES = [
    # --- the command itself
    C("no-command", "", 2, "usage"),
    C("unknown-command", "frobnicate", 2, "invalid choice"),
    # --- build
    C("build-no-args", "build", 2, "usage"),
    C("build-no-output", "build good.py", 2, "-o"),
    C("build-unknown-option", "build good.py -o out --frobnicate", 2, "unrecognized"),
    C("build-missing-file", "build missing.py -o out", 2, "CG002", "missing.py"),
    C("build-missing-module", "build no_such_module -o out", 2, "CG002", "no_such_module"),
    C("build-missing-object", "build good.py:nope -o out", 2, "CG002", "nope"),
    C("build-misspelled-object", "build good.py:helo -o out", 2, "CG002", "did you mean 'hello'"),
    C("build-not-a-definition", "build good.py:Annotated -o out", 2, "CG003"),
    C("build-a-folder", "build data -o out", 2, "CG002", "data", "folder"),
    C("build-a-text-file", "build notes.txt -o out", 2, "CG002", "notes.txt", ".py"),
    C("build-empty-target", ("build", "", "-o", "out"), 2, "CG002"),
    C("build-nothing-defined", "build empty.py -o out", 1, "CG003", "empty.py"),
    C("build-syntax-error", "build syntax.py -o out", 1, "CG001", "syntax.py:4"),
    C("build-raises-at-import", "build raises.py -o out", 1, "CG001", "raises.py:3",
      "ZeroDivisionError"),
    C("build-missing-dependency", "build missing_dep.py -o out", 1, "CG001", "missing_dep.py:1",
      "numpyy_not_installed"),
    C("build-sys-exit-0", "build exits0.py -o out", 1, "CG001", "exits0.py:3", "sys.exit"),
    C("build-sys-exit-3", "build exits3.py -o out", 1, "CG001", "exits3.py:3", "sys.exit(3)"),
    C("build-systemexit-message", "build exits_msg.py -o out", 1, "CG001", "exits_msg.py:1"),
    C("build-non-utf8-undeclared", "build latin1_nodecl.py -o out", 1, "CG001",
      "latin1_nodecl.py", "utf-8"),
    C("build-null-bytes", "build nullbytes.py -o out", 1, "CG001", "nullbytes.py"),
    C("build-binary-py", "build binary.py -o out", 1, "CG001", "binary.py"),
    C("build-miswired", "build miswired.py -o out", 1, "miswired.py:14", "CG201"),
    C("build-tool-on-class", "build klass.py -o out", 1, "klass.py:4", "CG112", "function"),
    C("build-async-task", "build async_task.py -o out", 1, "async_task.py:5", "CG112", "async"),
    C("build-generator-task", "build gen_task.py -o out", 1, "gen_task.py:7", "CG112",
      "generator"),
    C("build-tool-body-pass", "build tool_pass.py -o out", 1, "tool_pass.py:9", "CG112",
      "docstring"),
    C("build-tool-body-return", "build tool_return.py -o out", 1, "tool_return.py:7", "CG112",
      "docstring"),
    C("build-stdout-escapes", "build stdout_escape.py -o out", 1, "stdout_escape.py", "CG112",
      "../../x.txt"),
    C("build-env-unclosed-reference", "build bad_env.py -o out", 1, "bad_env.py", "CG112",
      "never closes"),
    C("build-body-raises", "build body_raises.py -o out", 1, "body_raises.py:11", "CG113"),
    C("build-recursion", "build recursive.py -o out", 1, "recursive.py", "CG301"),
    C("build-huge-default", "build huge_default.py -o out", 1, "huge_default.py:5", "CG106"),
    C("build-output-is-a-file", "build good.py:hello -o afile", 1, "CG520", "afile"),
    C("build-output-below-a-file", "build good.py:hello -o afile/sub", 1, "CG520", "afile"),
    C("build-output-in-proc", "build good.py:hello -o /proc/cwlgen-nope", 1, "CG520",
      "/proc/cwlgen-nope"),
    C("build-output-users-file", "build good.py:hello -o mine", 1, "CG520", "hello.cwl",
      "not written by cwlgen"),
    C("build-check-missing-folder", "build good.py:hello -o nowhere --check", 1, "stale"),
    # --- check
    C("check-no-args", "check", 2, "usage"),
    C("check-missing-file", "check missing.py", 2, "CG002", "missing.py"),
    C("check-missing-object", "check good.py:nope", 2, "CG002", "nope"),
    C("check-bad-format", "check good.py --format xml", 2, "invalid choice"),
    C("check-folder-without-definitions", "check pkg", 1, "CG003", "pkg"),
    C("check-empty-folder", "check data", 1, "CG003", "data"),
    C("check-syntax-error", "check syntax.py", 1, "CG001", "syntax.py:4"),
    C("check-sys-exit", "check exits0.py", 1, "CG001", "exits0.py:3"),
    C("check-miswired", "check miswired.py", 1, "miswired.py:14", "CG201"),
    C("check-miswired-json", "check miswired.py --format json", 1, '"CG201"', '"line": 14',
      stdout_json=True),
    C("check-import-error-json", "check syntax.py --format json", 1, '"CG001"',
      '"path": "syntax.py"', stdout_json=True),
    C("check-missing-json", "check missing.py --format json", 2, '"CG002"', stdout_json=True),
    C("check-strict-warning", "check warns.py --strict", 1, "warning"),
    C("check-tool-on-class", "check klass.py", 1, "klass.py:4", "CG112"),
    C("check-determinism-no-inputs", "check --determinism one.py", 2, "--inputs"),
    C("check-determinism-missing", "check --determinism missing.py --inputs job_ok.yml", 2,
      "CG002"),
    # --- run
    C("run-no-args", "run", 2, "usage"),
    C("run-missing-file", "run missing.py", 2, "CG002"),
    C("run-several-workflows", "run good.py", 2, "CG003", "good.py:hello"),
    C("run-unknown-runner", "run good.py:hello --runner nope", 2, "invalid choice"),
    C("run-batch-system-with-cwltool", "run good.py:hello --runner cwltool --batch-system slurm",
      2, "toil"),
    C("run-missing-input", "run good.py:hello", 1, "CG502", "msg"),
    C("run-unknown-input", "run good.py:hello -i msg=a -i mesg=b", 1, "CG501", "did you mean"),
    C("run-pair-without-equals", "run good.py:hello -i msg", 2, "CG506", "NAME=VALUE"),
    C("run-pair-empty-name", "run good.py:hello -i =x", 2, "CG506"),
    C("run-int-not-a-number", "run good.py:catwf -i f=data/a.txt -i n=abc", 1, "CG503",
      "whole number"),
    C("run-int-float", "run good.py:catwf -i f=data/a.txt -i n=1.5", 1, "CG503"),
    C("run-int-too-large", "run good.py:catwf -i f=data/a.txt -i n=73786976294838206464", 1,
      "CG503", "73786976294838206464"),
    C("run-bool-not-bool", "run good.py:catwf -i f=data/a.txt -i flag=maybe", 1, "CG503",
      "true or false"),
    C("run-file-missing", "run good.py:catwf -i f=data/nope.txt", 1, "CG504", "nope.txt"),
    C("run-file-is-a-folder", "run good.py:catwf -i f=data", 1, "CG504", "directory"),
    C("run-job-file-missing", "run good.py:hello nojob.yml", 1, "CG505", "nojob.yml"),
    C("run-job-file-binary", "run good.py:hello job_binary.yml", 1, "CG505", "job_binary.yml",
      "UTF-8"),
    C("run-job-file-bad-yaml", "run good.py:hello job_bad.yml", 1, "CG505", "invalid YAML"),
    C("run-job-file-a-list", "run good.py:hello job_list.yml", 1, "CG505", "list"),
    C("run-job-file-unknown-key", "run good.py:hello job_unknown.yml", 1, "CG501",
      "job_unknown.yml:2"),
    C("run-job-file-wrong-type", "run good.py:catwf job_type.yml", 1, "CG503", "job_type.yml:2"),
    C("run-job-file-is-a-folder", "run good.py:hello data", 1, "CG505", "data"),
    C("run-outdir-is-a-file", "run good.py:hello -i msg=x --outdir afile", 1, "CG520",
      "--outdir", "afile"),
    C("run-cache-is-a-file", "run good.py:hello -i msg=x --cache afile", 1, "CG520", "--cache",
      "afile"),
    C("run-build-dir-is-a-file", "run good.py:hello -i msg=x --build-dir afile", 1, "CG520",
      "--build-dir", "afile"),
    C("run-build-dir-users-file", "run good.py:hello -i msg=x --build-dir mine", 1, "CG520",
      "hello.cwl"),
    C("run-sys-exit-module", "run exits3.py", 1, "CG001", "exits3.py:3"),
    C("run-miswired", "run miswired.py -i text=data/a.txt", 1, "CG201", "miswired.py:14"),
    C("run-print-at-import", "run prints.py -i n=2 --progress quiet --outdir o --build-dir b",
      0, '"out": 4', stdout_json=True, writes=("o", "b")),
    C("run-failing-tool", "run good.py:failing -i msg=x --progress quiet --outdir o "
      "--build-dir b", 1, "CG507", "step 'fail' failed", "good.py:34", writes=("o", "b")),
    C("run-bad-engine-argument", "run one.py -i n=1 --progress quiet --outdir o --build-dir b "
      "-- --no-such-cwltool-flag", 1, "CG507", writes=("o", "b")),
    # --- resources
    C("resources-no-args", "resources", 2, "usage"),
    C("resources-missing-file", "resources missing.py", 2, "CG002"),
    C("resources-several-workflows", "resources good.py", 2, "CG003"),
    C("resources-negative-width", "resources one.py --scatter-width -5", 2, "scatter-width"),
    C("resources-zero-width", "resources one.py --scatter-width 0", 2, "scatter-width"),
    C("resources-text-width", "resources one.py --scatter-width many", 2, "scatter-width"),
    C("resources-syntax-error", "resources syntax.py", 1, "CG001", "syntax.py:4"),
    C("resources-bad-format", "resources one.py --format yaml", 2, "invalid choice"),
    C("resources-unknown-input", "resources good.py:hello -i nope=1", 1, "CG501"),
]


def _project(root: Path) -> None:
    for rel, content in MODULES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("catalogue")
    _project(root)
    return root


def _env() -> dict[str, str]:
    here = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        [here, *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]),
        "COLUMNS": "200"}


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.id for c in CLI_CASES])
def test_cli_case(case: Case, project: Path, tmp_path: Path) -> None:
    if case.skip_as_root and os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    work = tmp_path / "p"
    _project(work)
    before = _tree(work)
    proc = subprocess.run([CWLGEN, *case.argv], cwd=work, env=_env(), capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)
    shown = f"$ cwlgen {' '.join(case.argv)}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    assert "Traceback" not in proc.stderr + proc.stdout, shown
    assert proc.returncode == case.code, shown
    for word in case.words:
        assert word in proc.stdout + proc.stderr, f"{word!r} missing\n{shown}"
    if case.stdout_json:
        import json

        json.loads(proc.stdout)
    after = _tree(work)
    new = {p for p in after if p not in before and not p.startswith(case.writes)}
    assert new == set(), f"files left behind: {sorted(new)}\n{shown}"
    assert {p: after[p] for p in before} == before, f"a file of the user changed\n{shown}"
    assert not (work / ".cwlgen").exists() or "b" in case.writes or case.code == 0, shown


# --- the Python API -----------------------------------------------------------------------
# (id, code run in the project folder with `good` = the module good.py imported, the
# CwlgenError subclass expected, words its message must hold)
API_CASES: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("compile-not-a-definition", "cwlgen.compile(42)", "UsageError", ("@tool",)),
    ("compile-a-function", "cwlgen.compile(print)", "UsageError", ("@workflow",)),
    ("compile-miswired", "cwlgen.compile(load('miswired').wf)", "CompileError",
     ("miswired.py:14", "CG201")),
    ("compile-async-task", "cwlgen.compile(load('async_task').fetch)", "CompileError",
     ("CG112", "async")),
    ("compile-tool-body", "cwlgen.compile(load('tool_return').say)", "CompileError",
     ("CG112",)),
    ("write-to-a-file", "cwlgen.compile(good.hello).write('afile')", "OutputError",
     ("CG520", "afile")),
    ("write-over-users-file", "cwlgen.compile(good.hello).write('mine')", "OutputError",
     ("CG520", "hello.cwl")),
    ("run-unknown-runner", "cwlgen.run(good.hello, runner='nope', msg='x')", "UsageError",
     ("nope",)),
    ("run-batch-system-cwltool", "cwlgen.run(good.hello, batch_system='slurm', msg='x')",
     "UsageError", ("toil",)),
    ("run-not-a-definition", "cwlgen.run(len)", "UsageError", ("@workflow",)),
    ("run-missing-input", "cwlgen.run(good.hello)", "InputError", ("CG502", "msg")),
    ("run-unknown-input", "cwlgen.run(good.hello, msg='a', mesg='b')", "InputError",
     ("CG501",)),
    ("run-wrong-type", "cwlgen.run(good.hello, msg=3)", "InputError", ("CG503",)),
    ("run-int-too-large", "cwlgen.run(good.catwf, f=cwlgen.File('data/a.txt'), n=2**66)",
     "InputError", ("CG503",)),
    ("run-missing-file", "cwlgen.run(good.catwf, f=cwlgen.File('data/nope.txt'))",
     "InputError", ("CG504",)),
    ("run-job-file-binary", "cwlgen.run(good.hello, job_file='job_binary.yml')", "InputError",
     ("CG505",)),
    ("run-outdir-a-file", "cwlgen.run(good.hello, msg='x', outdir='afile', progress=False)",
     "OutputError", ("CG520",)),
    ("call-tool-outside-workflow", "good.say(msg='x')", "UsageError", ("workflow",)),
]


@pytest.mark.parametrize(("source", "expected", "words"), [c[1:] for c in API_CASES],
                         ids=[c[0] for c in API_CASES])
def test_api_case(source: str, expected: str, words: tuple[str, ...], tmp_path: Path,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    import cwlgen
    import cwlgen.errors

    work = tmp_path / "p"
    _project(work)
    monkeypatch.chdir(work)
    before = _tree(work)

    def load(name: str) -> Any:
        spec = importlib.util.spec_from_file_location(f"catalogue_{name}", work / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    namespace = {"cwlgen": cwlgen, "good": load("good"), "load": load}
    with pytest.raises(cwlgen.errors.CwlgenError) as info:
        exec(source, namespace)  # noqa: S102 - the case's own code
    assert type(info.value).__name__ == expected, repr(info.value)
    for word in words:
        assert word in str(info.value), f"{word!r} missing from {info.value}"
    assert _tree(work) == before, "an error left files behind"


def test_catalogue_size() -> None:
    """The issue asks for at least 80 cases across every subcommand and the API."""
    assert len(CLI_CASES) + len(API_CASES) >= 80
    assert {c.argv[0] for c in CLI_CASES if c.argv} >= {"build", "check", "run", "resources"}
