"""`cwlgen import` of command-line-tool constructs that kept conformance documents from
round-tripping (issue 10): document metadata and ontologies, ... Each fixture under
tests/fixtures/import_roundtrip is imported, linted, built back and run against the original
(`round_trip`, shared with test_import_roundtrip_constructs.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pytest
from cwl_runs import outputs, run
from test_import_roundtrip_constructs import FIXTURES, round_trip

import cwlgen
from cwlgen import Arg, Container, Directory, File, Out, tool, workflow


def test_metadata_namespaces_and_a_local_ontology_are_kept(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "metadata", [
        'namespaces={"dct": "http://purl.org/dc/terms/", "ex": "http://example.org/formats/", '
        '"foaf": "http://xmlns.com/foaf/0.1/"}',
        'schemas=["../cwl/ontology.ttl"]',
        'metadata={"dct:creator": {"class": "foaf:Person", "foaf:name": "A. Author", '
        '"foaf:mbox": "mailto:author@example.org"}, '
        '"dct:license": "https://spdx.org/licenses/Apache-2.0"}',
        'format="ex:text"',
    ])
    assert got == {"out": "one\ntwo\nthree\n"}
    rebuilt = (tmp_path / "py" / "metadata.cwl").read_text()
    assert "$schemas:\n- ontology.ttl\n" in rebuilt
    assert rebuilt.endswith("dct:creator:\n  class: foaf:Person\n  foaf:name: A. Author\n"
                            "  foaf:mbox: mailto:author@example.org\n"
                            "dct:license: https://spdx.org/licenses/Apache-2.0\n")
    assert (tmp_path / "py" / "ontology.ttl").is_file()  # copied beside the CWL
    # importing the rebuilt document and building it again gives the same bytes
    again = run(sys.executable, "-m", "cwlgen", "import", "py/metadata.cwl", "-o",
                "py2/metadata.py", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    build = run(sys.executable, "-m", "cwlgen", "build", again.stdout.strip(), "-o", "py2",
                cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    body = (tmp_path / "py2" / "metadata.cwl").read_text().split("\n", 1)[1]
    assert body == rebuilt.split("\n", 1)[1]  # the first line names the Python module


def test_drop_metadata_leaves_it_out_with_a_warning(tmp_path: Path) -> None:
    proc = run(sys.executable, "-m", "cwlgen", "import", str(FIXTURES / "metadata.cwl"),
               "--drop-metadata", "-o", "m.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "metadata.cwl:2: warning: dropped $schemas ontology.ttl" in proc.stderr
    assert "warning: dropped metadata field 'dct:creator'" in proc.stderr
    source = (tmp_path / "m.py").read_text()
    assert "metadata=" not in source and "schemas=" not in source


def test_metadata_needs_a_declared_prefix_and_json_like_values() -> None:
    @tool("cat", metadata={"creator": "me"})
    def unprefixed(*, x: File) -> None: ...

    with pytest.raises(cwlgen.CompileError, match=r"CG134.*metadata field 'creator' of "
                       r"'unprefixed' needs a declared prefix"):
        cwlgen.compile(unprefixed)

    @tool("cat", namespaces={"s": "https://schema.org/"}, metadata={"s:when": object()})
    def odd(*, x: File) -> None: ...

    with pytest.raises(cwlgen.CompileError, match=r"CG134.*metadata field 's:when' of 'odd' "
                       r"is <object"):
        cwlgen.compile(odd)

    @tool("cat", metadata={"http://purl.org/dc/terms/license": "MIT", "edam:x": [1, None]})
    def fine(*, x: File) -> None: ...

    doc = cwlgen.compile(fine).documents["fine.cwl"]
    assert doc["http://purl.org/dc/terms/license"] == "MIT" and doc["edam:x"] == [1, None]


def test_inputs_stay_in_order_when_a_secondary_files_expression_reads_another(
        tmp_path: Path) -> None:
    got = round_trip(tmp_path, "staging_order", ["extra: Annotated[File, Arg(bind=False)],"])
    assert got == {"listing": "a.acc\na.txt\n"}
    rebuilt = (tmp_path / "py" / "staging_order.cwl").read_text()
    assert "inputs:\n- id: main\n" in rebuilt and "\n- id: extra\n  type: File\n" in rebuilt


def test_a_boolean_bound_without_a_prefix_is_unbound(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "bool_unbound", [
        "flag: Annotated[bool, Arg(bind=False)]",
        "maybe: Annotated[bool | None, Arg(bind=False)] = None",
        "word: Annotated[str, Arg(position=1)]",
    ])
    assert got == {"out": "hello\n"}


def test_bindings_on_the_items_of_lists(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "item_bindings", [
        'words: Annotated[list[str], Arg(position=1, prefix="--words", '
        'items=Arg(prefix="-w"))]',
        'numbers: Annotated[list[int] | None, Arg(position=2, items=Arg(prefix="-n=", '
        'separate=False))] = None',
    ])
    assert got == {"out": "--words -w a -w b -n=1 -n=2\n"}


def test_items_binds_the_items_of_a_list_parameter_only() -> None:
    @tool("echo")
    def one(*, x: Annotated[str, Arg(items=Arg(prefix="-x"))]) -> None: ...

    with pytest.raises(cwlgen.CompileError, match=r"CG112.*parameter 'x' of 'one' has "
                       r"Arg\(items=...\), which binds the items of a list parameter of a "
                       r"tool, not string"):
        cwlgen.compile(one)


def test_file_and_directory_literals_in_the_working_directory(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "workdir_literals", [
        'workdir=[File("../cwl/data/c.txt"), Directory("../cwl/tree")]',
    ])
    assert got == {"out": "gamma\nepsilon\n"}


def test_workdir_takes_file_and_directory_literals_and_lists_of_them() -> None:
    @tool("ls", workdir=[File("ref.fa"), [Directory("db"), File("x.txt")]])
    def staged() -> None: ...

    doc = cwlgen.compile(staged).documents["staged.cwl"]
    assert doc["requirements"][-1] == {"class": "InitialWorkDirRequirement", "listing": [
        {"class": "File", "location": "ref.fa"},
        [{"class": "Directory", "location": "db"}, {"class": "File", "location": "x.txt"}]]}


def test_an_input_and_an_output_of_the_same_name(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "same_name", [
        'text_in: Annotated[File, Arg(name="text", bind=False, stage_as="copy.txt")]',
        'count_in: Annotated[int, Arg(name="count", position=0, prefix="-n")]',
        "class SameNameOutputs(NamedTuple):\n    text: ",
    ])
    assert got == {"text": "one\ntwo\nthree\n", "count": "one\ntwo\n"}


def test_only_a_tool_input_renamed_on_purpose_may_share_an_outputs_name() -> None:
    @tool("cp", arguments=["x"])
    def plain(*, out: File) -> Annotated[File, Out(glob="x")]: ...

    with pytest.raises(cwlgen.CompileError, match=r"CG108.*'out' names both input and output "
                       r"of 'plain'"):
        cwlgen.compile(plain)

    @tool("cp", arguments=["x"])
    def renamed(*, out_in: Annotated[File, Arg(name="out", position=0)]) -> Annotated[
            File, Out(glob="x")]: ...

    doc = cwlgen.compile(renamed).documents["renamed.cwl"]
    assert list(doc["inputs"]) == ["out"] and list(doc["outputs"]) == ["out"]

    @workflow
    def wf(*, out_in: Annotated[File, Arg(name="out")]) -> File:
        return renamed(out_in=out_in)

    with pytest.raises(cwlgen.CompileError, match=r"CG108.*'out' names both input and output "
                       r"of 'wf'"):
        cwlgen.compile(wf)


def test_a_docker_requirement_beyond_an_image_name(tmp_path: Path) -> None:
    # cwltool --no-container ignores the hint, so both run here; the rebuilt document must
    # say the same DockerRequirement
    got = round_trip(tmp_path, "container", [
        'container=Container(file="FROM debian:stable-slim\\nRUN mkdir /out\\n", '
        'image_id="cwlgen-test-echo", output_directory="/out")',
    ])
    assert got == {"out": "hi\n"}
    rebuilt = (tmp_path / "py" / "container.cwl").read_text()
    assert ("hints:\n- class: DockerRequirement\n  dockerFile: |\n    FROM debian:stable-slim\n"
            "    RUN mkdir /out\n  dockerImageId: cwlgen-test-echo\n"
            "  dockerOutputDirectory: /out\n") in rebuilt


def test_container_takes_an_image_name_or_a_container_spec() -> None:
    @tool("true", container=Container(pull="debian:stable-slim", output_directory="/o"),
          container_required=True)
    def pulled() -> None: ...

    doc = cwlgen.compile(pulled).documents["pulled.cwl"]
    assert doc["requirements"] == [{"class": "DockerRequirement",
                                    "dockerPull": "debian:stable-slim",
                                    "dockerOutputDirectory": "/o"}]

    @tool("true", container=Container(output_directory="/o"))
    def nowhere() -> None: ...

    with pytest.raises(cwlgen.CompileError, match=r"CG112.*container= of 'nowhere' is "
                       r"Container\(.*at least one of pull, load, file, import_from or image_id"):
        cwlgen.compile(nowhere)


def test_outputs_from_cwl_output_json_beside_globbed_ones_and_resource_hints(
        tmp_path: Path) -> None:
    spellings = [
        'hints=[{"class": "ResourceRequirement", "coresMin": 1, "ramMin": 100}, '
        '{"class": "ToolTimeLimit", "timelimit": 60}]',
        "n: Annotated[int | None, Out(output_json=True)]",
        'log: Annotated[File | None, Out(glob="log.txt", output_json=True)]',
    ]
    got = round_trip(tmp_path, "output_json_mixed", spellings)
    assert got == {"n": None, "log": "made\n"}  # no cwl.output.json: the glob is read
    (tmp_path / "cwl" / "output_json_mixed.yml").write_text("mode: json\n")
    job = tmp_path / "cwl" / "output_json_mixed.yml"
    assert outputs(tmp_path / "py" / "output_json_mixed.cwl", job, tmp_path / "o3") == \
        outputs(tmp_path / "cwl" / "output_json_mixed.cwl", job, tmp_path / "o4") == \
        {"n": 3}  # every output from cwl.output.json, which names no log


def test_an_unquoted_argument_under_the_workflows_shell_requirement(tmp_path: Path) -> None:
    """CWL passes a workflow's requirements down to its steps' tools: a tool without its own
    ShellCommandRequirement still runs its `shellQuote: false` argument unquoted there, so the
    importer keeps the flag (dropping it would quote the pipeline into one word)."""
    got = round_trip(tmp_path, "shell_inherited", [
        'Arg(position=0, value_from="echo $(inputs.word) | tr a-z A-Z", shell_quote=False)',
    ])
    assert got == {"out": "HELLO\n"}
