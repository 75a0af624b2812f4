"""`@tool(..., stdout="n.txt")`: redirect a stream into a file an output reads (what
hand-written CWL often does with `stdout:` plus a `loadContents` output); run by cwltool."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pytest

import cwlgen
from cwlgen import Arg, File, Out, stdout, tool
from cwlgen.backend.validate import validate_file


@tool("wc -l", stdout="n.txt")
def count_lines(
    text: Annotated[File, Arg(stdin=True)],
) -> Annotated[int, Out(glob="n.txt", load_contents=True,
                        output_eval="$(parseInt(self[0].contents))")]:
    """Count the lines of a file."""
    raise NotImplementedError


@tool("wc -l", stdout="a.txt")
def conflicting(text: Annotated[File, Arg(stdin=True)]) -> Annotated[File, stdout("b.txt")]:
    """Two names for one stream."""
    raise NotImplementedError


def test_stdout_option_redirects_into_the_file_an_output_reads(tmp_path: Path) -> None:
    compiled = cwlgen.compile(count_lines)
    doc = compiled.documents["count_lines.cwl"]
    assert doc["stdout"] == "n.txt" and doc["outputs"]["out"]["type"] == "int"
    compiled.write(tmp_path)
    validate_file(tmp_path / "count_lines.cwl")
    text = tmp_path / "poem.txt"
    text.write_text("a\nb\nc\n")
    proc = subprocess.run([str(Path(sys.executable).parent / "cwltool"), "--no-container",
                           "--quiet", "--outdir", str(tmp_path / "out"),
                           str(tmp_path / "count_lines.cwl"), "--text", str(text)],
                          capture_output=True, text=True, timeout=300, check=True)
    assert json.loads(proc.stdout) == {"out": 3}


def test_a_second_name_for_a_captured_stream_is_an_error() -> None:
    with pytest.raises(cwlgen.CompileError, match=r"CG112.*sends stdout to 'a.txt', but an "
                       r"output captures it as 'b.txt'"):
        cwlgen.compile(conflicting)
