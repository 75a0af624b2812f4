"""`cwlgen import` of constructs that kept conformance documents from round-tripping (issue 10,
item 5): each fixture under tests/fixtures/import_roundtrip is imported to Python, checked for
the DSL spelling, linted (ruff, mypy --strict, `cwlgen check`), built back to CWL, and both the
original and the rebuilt document are run by cwltool with the same job: same outputs."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import pytest
from cwl_runs import BIN, outputs, run

import cwlgen
from cwlgen import Arg, File, Out, Resources, stdout, task, tool, workflow

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "import_roundtrip"


def round_trip(tmp_path: Path, name: str, spellings: list[str]) -> dict[str, object]:
    """Import FIXTURES/NAME.cwl, check the Python, build it, run both; the outputs."""
    shutil.copytree(FIXTURES, tmp_path / "cwl")
    proc = run(sys.executable, "-m", "cwlgen", "import", f"cwl/{name}.cwl", "-o",
               f"py/{name}.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    target = proc.stdout.strip()
    source = (tmp_path / "py" / f"{name}.py").read_text()
    for spelling in spellings:
        assert spelling in source, f"{spelling!r} not in:\n{source}"
    for linter in ([str(BIN / "ruff"), "check", "--config", str(REPO / "pyproject.toml"),
                    f"py/{name}.py"],
                   [str(BIN / "mypy"), "--strict", "--no-incremental", f"py/{name}.py"],
                   [sys.executable, "-m", "cwlgen", "check", f"py/{name}.py"]):
        lint = run(*linter, cwd=tmp_path)
        assert lint.returncode == 0, lint.stdout + lint.stderr
    build = run(sys.executable, "-m", "cwlgen", "build", target, "-o", "py", cwd=tmp_path)
    assert build.returncode == 0, build.stderr
    job = tmp_path / "cwl" / f"{name}.yml"
    rebuilt_doc = tmp_path / "py" / f"{target.rpartition(':')[2]}.cwl"
    original = outputs(tmp_path / "cwl" / f"{name}.cwl", job, tmp_path / "out1")
    rebuilt = outputs(rebuilt_doc, job, tmp_path / "out2")
    assert rebuilt == original
    return original


def test_workflow_and_expression_tool_inputs_named_by_keywords(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "renamed", [
        'def twice(*, in_: Annotated[str, Arg(name="in")], '
        'def_: Annotated[int, Arg(name="def")]) -> str:',
        'def inner(*, from_: Annotated[str, Arg(name="from")]) -> InnerOutputs:',
        'def_: Annotated[int, Arg(name="def")] = 3,',
        "twice_out = twice(in_=in_, def_=def_)",
        "inner_out = inner(from_=twice_out)",
        "return RenamedOutputs(out=inner_out.echoed, given=def_)",
    ])
    assert got == {"out": "ababab", "given": 3}


def test_arg_name_renames_a_workflow_input_but_not_a_task_input() -> None:
    @workflow
    def wf(*, lam: Annotated[str, Arg(name="lambda")]) -> str:
        return lam

    compiled = cwlgen.compile(wf)
    doc = compiled.documents[compiled.main]
    assert doc["inputs"] == {"lambda": {"type": "string"}}
    assert doc["outputs"] == {"out": {"type": "string", "outputSource": "lambda"}}

    @task
    def py(*, x: Annotated[str, Arg(name="lambda")]) -> str:
        return x

    with pytest.raises(cwlgen.CompileError, match="a Python task is called by its parameter "
                       "names"):
        cwlgen.compile(py)


def test_inputs_staged_under_another_name_writable_and_as_a_list(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "staged", [
        'src: Annotated[File, Arg(bind=False, stage_as="$(inputs.newname)")]',
        'other: Annotated[File, Arg(bind=False, stage_as="copy.txt", writable=True)]',
        "many: Annotated[list[File], Arg(bind=False, stage=True)]",
    ])
    assert got == {"all": "alpha\ngamma\ndelta\n", "copy": "beta\nchanged\n"}
    # the original's data is untouched: the writable copy was modified, not the input
    assert (tmp_path / "cwl" / "data" / "b.txt").read_text() == "beta\n"


def test_stage_as_needs_one_file_or_directory() -> None:
    @tool("cat")
    def many(*, xs: Annotated[list[File], Arg(stage_as="x.txt")]) -> None: ...

    with pytest.raises(cwlgen.CompileError, match=r"CG114.*staged as 'x.txt', which needs a "
                       r"File or Directory"):
        cwlgen.compile(many)

    @tool("cat")
    def one(*, x: Annotated[File | None, Arg(stage_as="$(inputs.x.nameroot).txt")]) -> None: ...

    doc = cwlgen.compile(one).documents["one.cwl"]
    assert doc["requirements"][-1] == {"class": "InitialWorkDirRequirement", "listing": [
        {"entryname": "$(inputs.x.nameroot).txt", "entry": "$(inputs.x)"}]}


def test_secondary_files_saying_required_by_a_flag_or_an_expression(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "secondary", [
        'secondary_files=[SecondaryFile(".idx", required=True), SecondaryFile(".opt", '
        'required=False), SecondaryFile(".maybe", required="$(inputs.strict)")]',
        'Out(glob="out.txt", secondary_files=[SecondaryFile(".idx", required=True), '
        'SecondaryFile(".gone", required=False)])',
    ])
    assert got == {"out": "index\n", "listing": "a.txt\na.txt.idx\n"}


def test_a_scatter_over_a_value_computed_per_item(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "scatter_each", [
        "greet.map(",
        'who=value_from("$(self.name)", self=people, type=str, each=True)',
        'count=value_from("$(self.length)", self=people, type=int)',
    ])
    assert got == {"lines": ["hello ada of 2", "hello bob of 2"]}


def test_value_from_each_needs_a_list_and_a_map() -> None:
    from cwlgen import expression_tool, value_from

    @expression_tool("$({'out': inputs.x})")
    def ident(*, x: str) -> str: ...

    @workflow
    def not_mapped(*, xs: list[str]) -> str:
        return ident(x=value_from("$(self)", self=xs, type=str, each=True))  # type: ignore[arg-type]

    with pytest.raises(cwlgen.CompileError, match=r"CG607.*call 'ident.map\(...\)'"):
        cwlgen.compile(not_mapped)

    @workflow
    def not_a_list(*, x: str) -> list[str]:
        return ident.map(x=value_from("$(self)", self=x, type=str, each=True))

    with pytest.raises(cwlgen.CompileError, match=r"CG607.*must be a list, got x \(string\)"):
        cwlgen.compile(not_a_list)


def test_step_inputs_the_tool_does_not_declare(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "extra_inputs", [
        'add.with_inputs(a=a, b=b)(c=value_from("$(inputs.a + inputs.b)", type=int))',
        "stem.with_inputs(file=name, big=add_out).when(add_out > 2)(",
        'text=value_from("$(inputs.file.nameroot)", type=str)',
    ])
    assert got == {"sum": 3, "stem": "a"}


def test_with_inputs_is_for_inputs_the_callee_does_not_declare() -> None:
    from cwlgen import expression_tool, value_from

    @expression_tool("$({'out': inputs.x})")
    def ident(*, x: int) -> int: ...

    @workflow
    def both(*, n: int) -> int:
        return ident.with_inputs(x=n)(x=n)

    with pytest.raises(cwlgen.CompileError, match=r"CG214.*'ident.with_inputs\(x=...\)' passes "
                       r"'x', which 'ident' declares"):
        cwlgen.compile(both)

    @workflow
    def extra(*, n: int, m: int) -> int | None:
        return ident.with_hints({"class": "WorkReuse", "enableReuse": False}).with_inputs(
            k=m).when(m > 1)(x=value_from("$(inputs.k * 2)", type=int))

    compiled = cwlgen.compile(extra)
    step = compiled.documents[compiled.main]["steps"]["ident"]
    assert step["in"] == {"x": {"valueFrom": "$(inputs.k * 2)"}, "k": "m"}
    assert step["when"] == "$(inputs.k > 1)"
    assert step["hints"] == [{"class": "WorkReuse", "enableReuse": False}]


def test_record_fields_with_format_secondary_files_and_bindings(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "record_fields", [
        'reads: Annotated[File, Arg(position=2, format="edam:format_2330", '
        'secondary_files=[SecondaryFile(".idx", required=True), SecondaryFile(".opt", '
        'required=False)])]',
        'lines: Annotated[int, Arg(position=1, prefix="-n")]',
    ])
    assert got == {"head": "one\ntwo\n", "index": "lines.txt.idx"}


@dataclass
class Sample:
    """A record whose File field says its format: a tool's business, not a task's."""

    reads: Annotated[File, Arg(format="http://edamontology.org/format_2330")]


@task
def count_sample(*, sample: Sample) -> int:
    return 1


def test_a_task_refuses_a_record_whose_fields_carry_a_format() -> None:
    with pytest.raises(cwlgen.CompileError, match=r"CG136.*field 'reads' has a format or "
                       r"secondary files"):
        cwlgen.compile(count_sample)


def test_a_value_computed_from_several_sources(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "several_self", [
        'total(n=value_from("$(self[0] * 10 + self[1])", self=[a, b], type=int))',
    ])
    assert got == {"total": 42}


def test_streamable_inputs_and_outputs(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "streamable", [
        "Arg(position=1, streamable=True)",
        'Out(stream="stdout", filename="first.txt", streamable=True)'])
    rebuilt = (tmp_path / "py" / "streamable.cwl").read_text()
    assert rebuilt.count("streamable: true") == 2
    assert got == {"first": (FIXTURES / "data" / "lines.txt").read_text().splitlines(True)[0]}


def test_resources_computed_from_inputs_with_maxima_and_fractions(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "resources", [
        'resources=Resources(cores="$(inputs.n)", cores_max="$(inputs.n + 1)", ram=255, '
        'ram_max=512, tmpdir=100, outdir_max="$(inputs.n * 2048)", '
        'time_limit="$(inputs.n * 60)")',
    ])
    rebuilt = (tmp_path / "py" / "resources.cwl").read_text()
    assert "ramMin: 255\n" in rebuilt and "timelimit: $(inputs.n * 60)\n" in rebuilt
    assert got == {"runtime": "1 255 100\n"}  # cores from n; 254.1 MiB rounded up, as CWL says


def test_resources_maxima_expressions_and_no_time_limit() -> None:
    @tool("echo", resources=Resources(cores=1.5, cores_max=2, ram="1 GiB", ram_max=2047.5,
                                      tmpdir="$(inputs.f.size)", time_limit=0))
    def sized(*, f: File) -> Annotated[File, stdout()]: ...

    doc = cwlgen.compile(sized).documents["sized.cwl"]
    assert doc["requirements"] == [
        {"class": "ResourceRequirement", "coresMin": 1.5, "coresMax": 2, "ramMin": 1024,
         "ramMax": 2048, "tmpdirMin": "$(inputs.f.size)"},
        {"class": "ToolTimeLimit", "timelimit": 0},
    ]

    @tool("echo", resources=Resources(ram="2 GiB", ram_max="1 GiB"))
    def upside_down(*, f: File) -> Annotated[File, stdout()]: ...

    with pytest.raises(cwlgen.CompileError, match=r"CG109.*ram_max is less than the minimum "
                       r"it bounds \(1024 < 2048\)"):
        cwlgen.compile(upside_down)

    @tool("echo", resources=Resources(cores_max=0))
    def no_cores(*, f: File) -> Annotated[File, stdout()]: ...

    with pytest.raises(cwlgen.CompileError, match=r"CG109.*cores_max must be a positive "
                       r"number or a CWL expression"):
        cwlgen.compile(no_cores)


def test_an_optional_value_into_a_required_parameter(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "not_null", ["head_out = head(text=assume_not_null(text))"])
    assert got == {"first": (FIXTURES / "data" / "lines.txt").read_text().splitlines(True)[0]}


def test_assume_not_null_is_said_at_the_call() -> None:
    from cwlgen import assume_not_null

    @tool("head -n 1")
    def head(*, text: File) -> Annotated[File, stdout()]: ...

    @workflow
    def unsaid(*, text: File | None) -> File:
        return head(text=text)  # type: ignore[arg-type]

    with pytest.raises(cwlgen.CompileError, match=r"CG202.*or wrap it in "
                       r"assume_not_null\(\.\.\.\) if it never is"):
        cwlgen.compile(unsaid)

    @workflow
    def said(*, text: File | None) -> File:
        return head(text=assume_not_null(text))

    compiled = cwlgen.compile(said)
    doc = compiled.documents[compiled.main]
    assert doc["inputs"] == {"text": {"type": "File?"}}
    assert doc["steps"]["head"]["in"] == {"text": "text"}


def test_work_dir_entries_built_by_expressions(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "workdir", [
        "files={\"note.txt\": \"n=$(inputs.items.length)\\n\"},",
        "workdir=[Dirent(\"$({class: 'Directory', listing: []})\", name=\"scratch\", "
        "writable=True), Dirent(\"${ return {class: 'Directory', basename: 'in_dir', "
        "listing: inputs.items} }\"), Dirent(\"\", name=\"log.txt\", writable=True), "
        "Dirent(\"$(null)\")]",
    ])
    assert got == {"scratch": ["made"], "in_dir": ["a.txt", "b.txt"], "note": "n=2\n",
                   "log": ""}


def test_work_dir_listing_computed_by_one_expression(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "workdir_listing", ['workdir="$(inputs.indir.listing)"'])
    names = sorted(p.name for p in (FIXTURES / "data").iterdir())
    assert got == {"listing": "".join(f"{n}\n" for n in sorted([*names, "listing.txt"]))}


def test_workdir_entries_are_checked() -> None:
    from cwlgen import Dirent

    @tool("ls", workdir=[Dirent("just text")])
    def unnamed(*, x: File) -> None: ...

    with pytest.raises(cwlgen.CompileError, match=r"CG112.*Dirent\('just text'\) of tool "
                       r"'unnamed' has no name"):
        cwlgen.compile(unnamed)

    @tool("ls", workdir="$(inputs.x.listing)", files={"a.txt": "a"})
    def both(*, x: File) -> None: ...

    with pytest.raises(cwlgen.CompileError, match=r"CG112.*cannot be combined with files= "
                       r"or Arg\(stage=...\) \(files\['a.txt'\]\)"):
        cwlgen.compile(both)

    @tool("ls", workdir=[Dirent("$(inputs.y)")])
    def typo(*, x: File) -> None: ...

    with pytest.raises(cwlgen.CompileError, match=r"CG606.*inputs.y"):
        cwlgen.compile(typo)

    @tool("ls", workdir=[Dirent("", name="out.log", writable=True)])
    def fine(*, x: File) -> None: ...

    doc = cwlgen.compile(fine).documents["fine.cwl"]
    assert doc["requirements"] == [{"class": "InitialWorkDirRequirement", "listing": [
        {"entryname": "out.log", "entry": "", "writable": True}]}]


def test_conditions_with_arithmetic_written_as_cwl(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "raw_when", [
        'even.when(cwl_condition("$(inputs.n % 2 == 0)")).map(n=ns)',
        'always.with_inputs(half=limit).when(cwl_condition("$(inputs.half / 2 > 1 && '
        'true)"))(',
    ])
    assert got == {"evens": [20, 40], "always": 30}


def test_cwl_condition_reads_the_step_inputs() -> None:
    from cwlgen import cwl_condition, expression_tool

    @expression_tool("$({'out': inputs.n})")
    def ident(*, n: int) -> int: ...

    @workflow
    def typo(*, n: int) -> int | None:
        return ident.when(cwl_condition("$(inputs.m % 2 == 0)"))(n=n)

    with pytest.raises(cwlgen.CompileError, match=r"CG606.*the condition of step 'ident' "
                       r"refers to inputs.m"):
        cwlgen.compile(typo)

    with pytest.raises(cwlgen.CwlgenError, match=r"CG607.*cwl_condition\(\.\.\.\) needs CWL "
                       r"expression text"):
        cwl_condition("n % 2 == 0")

    @workflow
    def odd(*, n: int) -> int | None:
        return ident.when(cwl_condition("$(inputs.n % 2 == 1)"))(n=n)

    compiled = cwlgen.compile(odd)
    doc = compiled.documents[compiled.main]
    assert doc["steps"]["ident"]["when"] == "$(inputs.n % 2 == 1)"
    assert {"class": "InlineJavascriptRequirement"} in doc["requirements"]


def test_pick_value_over_a_flattened_list(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "pick_flattened", [
        'add(xs=pick_value(merge_flattened(small_out, large_out), method="all_non_null"))',
        'kept=pick_value(merge_flattened(small_out, large_out), method="all_non_null"),',
    ])
    assert got == {"kept": [10, 20, 40], "total": 70}


def test_pick_value_over_merge_flattened_is_typed_by_the_items() -> None:
    from cwlgen import expression_tool, merge_flattened, pick_value

    @expression_tool("$({'out': inputs.n})")
    def ident(*, n: int) -> int: ...

    @workflow
    def first(*, a: list[int], b: list[int]) -> int:
        xs = ident.when(cast_any(a) > 1).map(n=a)
        ys = ident.when(cast_any(b) > 1).map(n=b)
        return pick_value(merge_flattened(xs, ys), method="first_non_null")  # type: ignore[no-any-return]

    compiled = cwlgen.compile(first)
    out = compiled.documents[compiled.main]["outputs"]["out"]
    assert out == {"type": "int", "outputSource": ["ident/out", "ident_2/out"],
                   "linkMerge": "merge_flattened", "pickValue": "first_non_null"}

    @workflow
    def wrong(*, a: list[int], b: list[int]) -> str:
        xs = ident.when(cast_any(a) > 1).map(n=a)
        ys = ident.when(cast_any(b) > 1).map(n=b)
        return pick_value(merge_flattened(xs, ys), method="first_non_null")  # type: ignore[no-any-return]

    with pytest.raises(cwlgen.CompileError, match=r"CG207.*pick_value\(merge_flattened\(\.\.\.\)"
                       r", method='first_non_null'\) is int"):
        cwlgen.compile(wrong)


def cast_any(value: object) -> Any:
    return value


def test_positions_computed_by_expressions(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "position_expr", [
        'arguments=[Arg(position="${return 0;}", value_from="start")]',
        'first: Annotated[int, Arg(position="$(inputs.first)")]',
        'word: Annotated[str, Arg(position="${return inputs.first + 1;}")]',
    ])
    assert got == {"out": "start 5 last\n"}


def test_an_output_reading_a_directory_listing(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "output_listing", [
        'Out(glob=".", load_listing="shallow_listing", output_eval="${\\n',
    ])
    assert got == {"second": ""}
    rebuilt = (tmp_path / "py" / "output_listing.cwl").read_text()
    assert "loadListing: shallow_listing" in rebuilt


def test_an_output_record_collected_field_by_field(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "record_out", [
        'first: Annotated[File, Out(glob="first.txt")]',
        'lines: Annotated[int, Out(glob="count.txt", load_contents=True, '
        'output_eval="$(parseInt(self[0].contents))")]',
        "summary: Summary",
    ])
    lines = (FIXTURES / "data" / "lines.txt").read_text().splitlines(True)
    assert got == {"summary": {"first": lines[0], "lines": len(lines)}}


@dataclass
class Counted:
    """An output record: each field says where its value comes from."""

    lines: Annotated[int, Out(glob="n.txt", load_contents=True,
                              output_eval="$(parseInt(self[0].contents))")]


def test_record_fields_say_where_an_output_record_comes_from() -> None:
    @tool("wc -l")
    def count(*, text: File) -> Counted: ...

    doc = cwlgen.compile(count).documents["count.cwl"]
    assert doc["outputs"]["out"]["type"]["fields"] == [{
        "name": "lines", "type": "int", "outputBinding": {
            "glob": "n.txt", "loadContents": True,
            "outputEval": "$(parseInt(self[0].contents))"}}]
    assert {"class": "InlineJavascriptRequirement"} in doc["requirements"]


def test_an_environment_hint_a_step_overrides(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "env_hint", [
        'hints=[{"class": "EnvVarRequirement", "envDef": [{"envName": "GREETING", '
        '"envValue": "$(inputs.word)"}]}],',
        '.with_hints(requirements=[{"class": "EnvVarRequirement", "envDef": '
        '[{"envName": "GREETING", "envValue": "from the step"}]}])(',
    ])
    assert got == {"default": "hello\n", "overridden": "from the step\n"}


def test_env_hint_is_not_refused_but_an_env_requirement_is() -> None:
    @tool("sh", hints=[{"class": "EnvVarRequirement",
                        "envDef": [{"envName": "A", "envValue": "1"}]}])
    def hinted(*, x: str) -> None: ...

    doc = cwlgen.compile(hinted).documents["hinted.cwl"]
    assert doc["hints"] == [{"class": "EnvVarRequirement",
                             "envDef": [{"envName": "A", "envValue": "1"}]}]

    @tool("sh", requirements=[{"class": "EnvVarRequirement", "envDef": []}])
    def required(*, x: str) -> None: ...

    with pytest.raises(cwlgen.CompileError, match=r"CG130.*env=\{'NAME': 'value'\}"):
        cwlgen.compile(required)


def test_an_expression_tool_with_a_time_limit(tmp_path: Path) -> None:
    from cwlgen import expression_tool

    @expression_tool("$({'out': inputs.n + 1})", time_limit="2 min")
    def bump(*, n: int) -> int: ...

    doc = cwlgen.compile(bump).documents["bump.cwl"]
    assert doc["requirements"] == [{"class": "InlineJavascriptRequirement"},
                                   {"class": "ToolTimeLimit", "timelimit": 120}]
    (tmp_path / "bump.cwl").write_text(cwlgen.compile(bump).yaml())
    proc = run(sys.executable, "-m", "cwlgen", "import", "bump.cwl", "-o", "py/bump.py",
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "@expression_tool(\"$({'out': inputs.n + 1})\", time_limit=120)\n" in (
        tmp_path / "py" / "bump.py").read_text()


def test_a_step_input_computed_from_a_files_contents(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "step_contents", [
        "word=value_from(\"$(self.contents.split('\\\\n')[0])\", self=text, type=str, "
        "load_contents=True)",
    ])
    rebuilt = (tmp_path / "py" / "step_contents.cwl").read_text()
    assert "loadContents: true" in rebuilt
    assert got == {"first": (FIXTURES / "data" / "lines.txt").read_text().splitlines()[0]}


def test_an_output_collected_by_several_globs(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "globs", ['Out(glob=["*.txt", "*.log"])'])
    assert sorted(got["found"]) == ["a\n", "b\n"]  # type: ignore[call-overload]
    rebuilt = (tmp_path / "py" / "globs.cwl").read_text()
    assert "glob:\n      - '*.txt'\n      - '*.log'\n" in rebuilt


def test_a_command_line_run_through_a_shell(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "shell", ['shell=True'])
    rebuilt = (tmp_path / "py" / "shell.cwl").read_text()
    assert "- class: ShellCommandRequirement\n" in rebuilt
    assert got == {"out": "$HOME a > b\n"}  # quoted: no expansion, no redirection


def test_standard_input_from_a_computed_path(tmp_path: Path) -> None:
    got = round_trip(tmp_path, "stdin_expr", [
        'stdin="$(inputs.dir.listing.filter(function (f) { return f.basename == '
        '\\"lines.txt\\"; })[0].path)"',
    ])
    lines = (FIXTURES / "data" / "lines.txt").read_text().count("\n")
    assert got == {"count": f"{lines}\n"}


def test_stdin_expression_is_checked() -> None:
    @tool("cat", stdin="data.txt")
    def plain(*, d: File) -> None: ...

    with pytest.raises(cwlgen.CompileError, match=r"CG112.*stdin= of tool 'plain' must be a "
                       r"CWL expression"):
        cwlgen.compile(plain)

    @tool("cat", stdin="$(inputs.e.path)")
    def typo(*, d: File) -> None: ...

    with pytest.raises(cwlgen.CompileError, match=r"CG606.*inputs.e"):
        cwlgen.compile(typo)
