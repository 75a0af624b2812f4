"""Loading targets: a user file named like a module that is already imported (the standard
library's json) is loaded beside it, never in its place."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from cwlgen.cli.targets import load_target

CWLGEN = str(Path(sys.executable).parent / "cwlgen")

SOURCE = textwrap.dedent('''\
    # mypy: disable-error-code="empty-body"
    from typing import Annotated
    from cwlgen import Arg, File, stdout, tool, workflow

    @tool("cat")
    def show(text: Annotated[File, Arg(position=1)]) -> Annotated[File, stdout("out.txt")]:
        """Show a file."""

    @workflow
    def wf(text: File) -> File:
        return show(text=text)
''')


def test_a_file_named_like_an_imported_module_does_not_replace_it(tmp_path: Path) -> None:
    (tmp_path / "json.py").write_text(SOURCE)
    (definition,) = load_target(str(tmp_path / "json.py") + ":wf")
    assert definition.name == "wf"
    assert sys.modules["json"] is json and json.dumps([1]) == "[1]"


def test_cli_checks_such_a_file(tmp_path: Path) -> None:
    """Through the `cwlgen` console script, as users run it. (`python -m cwlgen` puts the
    working directory first on sys.path, so there a json.py shadows the standard library
    before cwlgen runs at all: Python's rule, which `python -P` turns off.)"""
    (tmp_path / "json.py").write_text(SOURCE)
    proc = subprocess.run([CWLGEN, "check", "json.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "checked 2 definition(s): 0 error(s)" in proc.stderr
    # the report is written with the real json module, not the user's file
    proc = subprocess.run([CWLGEN, "check", "--format", "json", "json.py"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["checked"] == 2


TWO_WORKFLOWS = SOURCE + textwrap.dedent('''

    @workflow
    def again(text: File) -> File:
        return show(text=text)
''')


def test_commands_needing_one_workflow_name_one_of_several(tmp_path: Path) -> None:
    """run, resources and check --determinism all refuse a module with several workflows
    with the same CG003 line, which names the first one as an example to copy, and the
    same exit status 2 (the command line must name one)."""
    (tmp_path / "flows.py").write_text(TWO_WORKFLOWS)
    (tmp_path / "job.yml").write_text("text: flows.py\n")
    said = ("error[CG003]: flows.py defines several workflows (wf, again); name one as "
            "flows.py:wf\n")
    # the same usage error, the same exit status 2, in every command
    for args, status in ((["run", "flows.py", "job.yml"], 2),
                         (["resources", "flows.py"], 2),
                         (["check", "--determinism", "flows.py", "--inputs", "job.yml"], 2)):
        proc = subprocess.run([CWLGEN, *args], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120)
        assert (proc.returncode, proc.stderr, proc.stdout) == (status, said, ""), args
