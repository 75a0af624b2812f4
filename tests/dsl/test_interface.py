"""Signatures -> CWL interfaces: docstrings, the default binding rules, Arg/Out metadata,
stdout()/stderr(), NamedTuple outputs, workflow signatures, step ids and literal arguments,
and the Python API (`compile`, `check`, `Compiled`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NamedTuple

import pytest
from conftest import Built, file_obj, read_output
from fixtures.examples import coreutils as cu
from fixtures.examples import features as fx

import cwlgen
from cwlgen import Arg, File, Out, stderr, stdout, tool, workflow
from cwlgen.dsl.docstrings import parse_docstring


def test_docstring_gives_label_doc_and_parameter_docs(cwl_build: Callable[..., Built]) -> None:
    doc = cwl_build(fx.show).doc()
    assert doc["label"] == "Print every input on one line."
    assert doc["doc"] == "The command line shows how each type is bound."
    assert doc["inputs"]["text"]["doc"] == "any file; only its name is printed"
    assert doc["inputs"]["count"]["doc"] == "a whole number, printed as is"
    assert "doc" not in doc["inputs"]["ratio"]


def test_docstring_parser_sections() -> None:
    parsed = parse_docstring("""Label line.

    Body paragraph
    continues here.

    Args:
        a (int): first
        b: second,
            wrapped
    Returns:
        out: the result

    Notes:
        kept in the doc
    """)
    assert parsed.label == "Label line."
    assert parsed.params == {"a": "first", "b": "second, wrapped"}
    assert parsed.returns == {"out": "the result"}
    assert parsed.doc is not None and "Body paragraph\ncontinues here." in parsed.doc
    assert "kept in the doc" in parsed.doc
    assert parse_docstring(None).label is None


@tool("prog", arguments=["--fixed", "$(inputs.name)-suffix"])
def bindings(
    first: str,
    name: str,
    explicit: Annotated[int, Arg(position=7)],
    flag: Annotated[bool, Arg(prefix="-f")] = False,
    joined: Annotated[list[str], Arg(prefix="-j", separate=False, item_separator=";")] = [],  # noqa: B006
    raw: Annotated[str, Arg(shell_quote=False)] = "a|b",
    hidden: Annotated[str, Arg(bind=False)] = "h",
    computed: Annotated[int, Arg(value_from="$(self)0", prefix="--n")] = 1,
) -> Annotated[File, stdout()]:
    """Binding rules."""


def test_default_binding_rules(cwl_build: Callable[..., Built]) -> None:
    doc = cwl_build(bindings).doc()
    inputs = doc["inputs"]
    # parameters without Arg are positional at their signature index + 1
    assert inputs["first"]["inputBinding"] == {"position": 1}
    assert inputs["name"]["inputBinding"] == {"position": 2}
    assert inputs["explicit"]["inputBinding"] == {"position": 7}
    assert inputs["flag"]["inputBinding"] == {"position": 4, "prefix": "-f"}
    assert inputs["joined"]["inputBinding"] == {
        "position": 5, "prefix": "-j", "separate": False, "itemSeparator": ";"}
    assert inputs["raw"]["inputBinding"] == {"position": 6, "shellQuote": False}
    assert "inputBinding" not in inputs["hidden"]
    assert inputs["computed"]["inputBinding"] == {
        "position": 8, "prefix": "--n", "valueFrom": "$(self)0"}
    # plain argument strings stay strings (CWL position 0), parameter references need no JS
    assert doc["arguments"] == ["--fixed", "$(inputs.name)-suffix"]
    classes = [r["class"] for r in doc["requirements"]]
    assert classes == ["ShellCommandRequirement"]  # from shell_quote=False only
    assert doc["stdout"] == "bindings.stdout"
    assert doc["outputs"]["out"] == {"type": "File", "outputBinding": {"glob": "bindings.stdout"}}


@tool("echo", arguments=["$(inputs.name)-suffix",
                         Arg(value_from="$(inputs.count * 2)", position=3)])
def argument_refs(name: Annotated[str, Arg(position=2)], count: Annotated[int, Arg(position=4)]
                  ) -> Annotated[File, stdout()]:
    """Constant arguments may use parameter references; other expressions need JavaScript."""


@pytest.mark.slow
def test_arguments_are_interpolated_and_ordered_by_position(
    cwl_build: Callable[..., Built], cwl_run: Callable[..., dict[str, Any]]
) -> None:
    built = cwl_build(argument_refs)
    doc = built.doc()
    assert [r["class"] for r in doc["requirements"]] == ["InlineJavascriptRequirement"]
    assert doc["arguments"][1] == {"position": 3, "valueFrom": "$(inputs.count * 2)"}
    out = cwl_run(built.main, {"name": "n", "count": 21})
    assert read_output(out["out"]) == "n-suffix n 42 21\n"


@tool("wc -c")
def from_stdin(text: Annotated[File, Arg(stdin=True)]) -> Annotated[File, stdout("n.txt")]:
    """Read a file from standard input."""


@pytest.mark.slow
def test_stdin_feeds_a_file_and_base_command_is_split(
    tmp_path: Path, cwl_build: Callable[..., Built], cwl_run: Callable[..., dict[str, Any]]
) -> None:
    built = cwl_build(from_stdin)
    doc = built.doc()
    assert doc["baseCommand"] == ["wc", "-c"]
    assert doc["stdin"] == "$(inputs.text.path)"
    assert "inputBinding" not in doc["inputs"]["text"]
    data = tmp_path / "five.txt"
    data.write_text("12345")
    assert read_output(cwl_run(built.main, {"text": file_obj(data)})["out"]).strip() == "5"


def test_named_tuple_outputs_stdout_stderr_and_load_contents(
    cwl_build: Callable[..., Built],
) -> None:
    doc = cwl_build(fx.streams).doc()
    assert list(doc["outputs"]) == ["out", "err", "lines"]
    assert doc["stdout"] == "out.txt"
    assert doc["stderr"] == "streams.stderr"
    assert doc["outputs"]["lines"] == {"type": "int", "outputBinding": {
        "glob": "out.txt", "loadContents": True,
        "outputEval": "$(self[0].contents.split('\\n').length - 1)"}}


def test_format_and_secondary_files_on_inputs_and_outputs(
    cwl_build: Callable[..., Built],
) -> None:
    doc = cwl_build(fx.index_reads).doc()
    assert doc["$namespaces"] == {"edam": "http://edamontology.org/"}
    assert doc["inputs"]["reads"]["format"] == "edam:format_2572"
    assert doc["inputs"]["reads"]["secondaryFiles"] == [".bai"]
    assert doc["outputs"]["out"]["format"] == "edam:format_1964"
    assert doc["outputs"]["out"]["secondaryFiles"] == ["^.idx?"]


@tool("true")
def no_outputs(x: int) -> None:
    """A tool with no outputs."""


def test_none_return_means_no_outputs(cwl_build: Callable[..., Built]) -> None:
    assert cwl_build(no_outputs).doc()["outputs"] == {}


class Pair(NamedTuple):
    ranked: File
    counts: list[File]


@workflow
def twice(texts: list[File], extra: File | None = None, label: str = "x") -> Pair:
    """Call the same tool twice: ids are taken from function names.

    Args:
        texts: the inputs
    """
    counts = cu.count_words.map(text=texts)
    first = cu.sort_lines(files=counts)
    second = cu.sort_lines(files=[first], numeric=True)
    return Pair(ranked=second, counts=counts)


def test_workflow_signature_step_ids_and_literal_defaults(
    cwl_build: Callable[..., Built],
) -> None:
    built = cwl_build(twice)
    doc = built.doc()
    assert doc["label"] == "Call the same tool twice: ids are taken from function names."
    assert doc["inputs"] == {
        "texts": {"type": "File[]", "doc": "the inputs"},
        "extra": {"type": "File?"},
        "label": {"type": "string", "default": "x"},
    }
    assert doc["outputs"] == {
        "ranked": {"type": "File", "outputSource": "sort_lines_2/out"},
        "counts": {"type": "File[]", "outputSource": "count_words/out"},
    }
    assert list(doc["steps"]) == ["count_words", "sort_lines", "sort_lines_2"]
    step = doc["steps"]["sort_lines_2"]
    assert step["in"] == {"files": {"source": ["sort_lines/out"], "linkMerge": "merge_nested"},
                          "numeric": {"default": True}}
    assert step["run"] == "sort_lines.cwl"
    assert set(built.compiled.documents) == {"twice.cwl", "count_words.cwl", "sort_lines.cwl"}


def test_step_ids_avoid_workflow_input_and_output_names() -> None:
    @workflow
    def clash(sort_lines: list[File]) -> File:
        """A workflow input named like the tool it calls."""
        return cu.sort_lines(files=sort_lines)

    compiled = cwlgen.compile(clash)
    assert list(compiled.documents["clash.cwl"]["steps"]) == ["sort_lines_2"]


def test_calling_a_tool_outside_a_workflow_is_a_usage_error() -> None:
    with pytest.raises(cwlgen.UsageError, match="called outside a @workflow"):
        cu.cat(files=[])


def test_compiling_something_else_is_a_usage_error() -> None:
    with pytest.raises(cwlgen.UsageError, match="expected a function decorated"):
        cwlgen.compile(len)


@pytest.mark.parametrize(("misuse", "says"), [
    (lambda p: bool(p), "tested with if/and/or/not"),
    (lambda p: list(p), "iterated"),
    (lambda p: len(p), "measured with len()"),
    (lambda p: p[0], "indexed"),
    (lambda p: f"{p}", "formatted into a string"),
], ids=["bool", "iter", "len", "index", "format"])
def test_promises_refuse_inspection_with_a_hint(misuse: Callable[[Any], Any], says: str) -> None:
    @workflow
    def inspects(texts: list[File]) -> File:
        """Misuses a promise."""
        misuse(texts)
        return cu.cat(files=texts)

    diagnostics = cwlgen.check(inspects)
    # `if promise:` has its own code (CG601: it names .when(...)); the rest are CG113
    assert [d.code for d in diagnostics] == ["CG601" if says.startswith("tested") else "CG113"]
    assert says in diagnostics[0].message
    assert "workflow input 'texts'" in diagnostics[0].message


def test_compiled_api_documents_yaml_and_write(tmp_path: Path) -> None:
    compiled = cwlgen.compile(cu.split_and_rank)
    assert compiled.main == "split_and_rank.cwl"
    assert compiled.documents[compiled.main]["class"] == "Workflow"
    assert compiled.yaml().startswith(
        "# Generated by cwlgen from fixtures.examples.coreutils:split_and_rank; do not edit.\n")
    assert compiled.yaml("count_words.cwl").startswith(
        "# Generated by cwlgen from fixtures.examples.coreutils:count_words; do not edit.\n")
    written = compiled.write(tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(compiled.documents)
    for path in written:
        assert path.read_text() == compiled.texts()[path.name]
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".cwlgen-")]
    assert [d.code for d in compiled.warnings] == []


def test_unused_outputs_are_warnings_that_do_not_stop_compilation() -> None:
    @workflow
    def drops(name: str) -> File:
        """Uses only one of three outputs."""
        return fx.streams(name=name).out

    diagnostics = cwlgen.check(drops)
    assert [(d.code, d.severity) for d in diagnostics] == [("CG302", "warning")] * 2
    assert {"output 'err'" in d.message or "output 'lines'" in d.message
            for d in diagnostics} == {True}
    compiled = cwlgen.compile(drops)
    assert compiled.warnings == diagnostics


@tool("sh", arguments=["-c", "echo out; echo err >&2"])
def both_streams() -> tuple[Annotated[File, stdout()], Annotated[File, stderr()]]:  # type: ignore[valid-type]
    """Unsupported: a tuple return (use a NamedTuple)."""


def test_a_plain_tuple_return_is_unsupported() -> None:
    diagnostics = cwlgen.check(both_streams)
    assert [d.code for d in diagnostics] == ["CG102"]


@tool("cat")
def glob_list(files: list[File]) -> Annotated[list[File], Out(glob="*.txt")]:
    """An array output collected by glob."""


def test_array_output_by_glob(cwl_build: Callable[..., Built]) -> None:
    doc = cwl_build(glob_list).doc()
    assert doc["outputs"]["out"] == {"type": "File[]", "outputBinding": {"glob": "*.txt"}}


def _signatures() -> list[Any]:
    """Functions of every parameter shape Python has (positional-only, defaults, *args,
    keyword-only with and without defaults, **kwargs), plain and wrapped."""
    import functools

    def plain(a: int, b: str = "x") -> None: ...
    def shapes(a, /, b, c=1, *args, d, e=2, **kwargs): ...  # type: ignore[no-untyped-def]
    def only_keywords(*, a: int, b: int = 3) -> None: ...
    def star_keywords(a=None, **rest): ...  # type: ignore[no-untyped-def]
    def star_args(*args): ...  # type: ignore[no-untyped-def]
    def nothing() -> None: ...

    @functools.wraps(shapes)
    def wrapper(*args: Any, **kwargs: Any) -> None: ...

    def local_variables(a: int) -> None:
        b = a  # a local after the parameters in co_varnames
        del b

    return [plain, shapes, only_keywords, star_keywords, star_args, nothing, wrapper,
            local_variables, functools.partial(plain, 1)]


@pytest.mark.parametrize("func", _signatures(), ids=lambda f: getattr(f, "__name__", "partial"))
def test_parameters_are_read_as_inspect_reads_them(func: Any) -> None:
    import inspect

    from cwlgen.dsl.interface import parameters

    expected = [(p.name, p.kind, p.default) for p in inspect.signature(func).parameters.values()]
    assert [tuple(p) for p in parameters(func)] == expected


_ANNOTATIONS = [
    {"a": "int", "return": "File"}, {"a": int, "return": None}, {"a": "None"},
    {"a": "list[int]", "b": "int | None", "return": "Annotated[File, Arg(position=1)]"},
    {"a": "typing.Generic"}, {"a": "Undefined"}, {"a": "int +"}, {"a": "1"}, {"a": "File"},
    {"a": list[int]}, {"a": "Any"}, {"a": "NamedTuple"},
]


@pytest.mark.parametrize("annotations", _ANNOTATIONS, ids=repr)
def test_hints_are_read_as_get_type_hints_reads_them(annotations: dict[str, Any]) -> None:
    import types
    import typing

    from cwlgen.dsl.interface import resolve_hints

    def func() -> None: ...
    func.__annotations__ = dict(annotations)
    func.__globals__["typing"] = typing  # (this module's globals, as a user's would be)
    try:
        expected: Any = typing.get_type_hints(
            types.SimpleNamespace(__annotations__=dict(annotations),
                                  __globals__=func.__globals__), include_extras=True), None
    except Exception as exc:
        expected = {}, f"{type(exc).__name__}: {exc}"
    assert resolve_hints(func) == expected
