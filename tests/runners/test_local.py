"""Local execution (`cwlgen.run_local`): workflows of Python tasks run in-process with the
semantics of the CWL they compile to. Each workflow here is also run by cwltool once and the
outputs compared, so the expectations are CWL's, not just ours.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import build_definition, run_cwl
from fixtures.tasks import scatter as s

import cwlgen
from cwlgen.runners import run_job

CASES: list[tuple[Any, dict[str, Any], dict[str, Any]]] = [
    (s.products, {"letters": ["a", "b"], "numbers": [1, 2]},
     {"dot": ["a1", "b2"], "nested": [["a1", "a2"], ["b1", "b2"]],
      "flat": ["a1", "a2", "b1", "b2"]}),
    (s.products, {"letters": ["a", "b", "c"], "numbers": [1, 2, 3]},
     {"dot": ["a1", "b2", "c3"],
      "nested": [["a1", "a2", "a3"], ["b1", "b2", "b3"], ["c1", "c2", "c3"]],
      "flat": ["a1", "a2", "a3", "b1", "b2", "b3", "c1", "c2", "c3"]}),
    (s.products, {"letters": [], "numbers": []}, {"dot": [], "nested": [], "flat": []}),
    (s.greetings, {"name": "x", "names": ["p", "q"]},
     {"plain": "hello x", "loud": "HEY x", "many": ["hello p", "hello q"],
      "joined": "hello p; hello q", "merged": "hello x,HEY x"}),
    (s.greetings, {"name": "x", "names": [], "times": 3},
     {"plain": "hello x", "loud": "HEY x x3", "many": [], "joined": "",
      "merged": "hello x,HEY x x3"}),
    (s.records, {"lefts": ["a", "b", "c"], "numbers": [1, 2, 3]},
     {"pairs": [{"left": "a", "right": None}, {"left": "b", "right": 2},
                {"left": "c", "right": None}],
      "shown": ["a=None", "b=2", "c=None"], "maybes": [None, 2, None]}),
    (s.nested, {"texts": ["t1", "t2"], "lefts": ["L", "M"]},
     {"read_back": ["t1", "t2"], "shown": [["L=None", "M=2"], ["L=None", "M=4"]]}),
]


@pytest.mark.parametrize(("wf", "job", "expected"), CASES)
def test_run_job_gives_cwl_semantics(wf: Any, job: dict[str, Any], expected: dict[str, Any],
                                     tmp_path: Path) -> None:
    assert run_job(wf, job, workdir=tmp_path) == expected


@pytest.mark.parametrize("index", [0, 3, 4, 5, 6])
def test_cwltool_agrees(index: int, tmp_path: Path) -> None:
    wf, job, expected = CASES[index]
    built = build_definition(wf, tmp_path / "cwl", validate=False)
    assert run_cwl(built.main, job, tmp_path / "run") == expected


def test_run_local_converts_to_and_from_python(tmp_path: Path) -> None:
    result = cwlgen.run_local(s.records, lefts=["a", "b"], numbers=[2, 3], _workdir=tmp_path)
    assert isinstance(result, s.Records)
    assert result.pairs == [s.Pair("a", 2), s.Pair("b", None)]
    assert result.maybes == [2, None]
    assert cwlgen.run_local(s.roundtrip_file, text="abc\\n$(x)", _workdir=tmp_path) == "abc\\n$(x)"


def test_run_local_runs_a_single_task(tmp_path: Path) -> None:
    assert cwlgen.run_local(s.greet, name="n", _workdir=tmp_path) == "hello n"
    assert cwlgen.run_local(s.greet, name="n", times=None, _workdir=tmp_path) == "hello n"
    assert cwlgen.run_local(s.show, p=s.Pair("k", 1), _workdir=tmp_path) == "k=1"
    f = cwlgen.run_local(s.write, text="data", _workdir=tmp_path)
    assert isinstance(f, cwlgen.File) and f.read_text() == "data"
    assert Path(f.path).parent.parent == tmp_path  # each job gets its own folder


def test_each_job_gets_its_own_directory(tmp_path: Path) -> None:
    out = run_job(s.nested, {"texts": ["one", "two"], "lefts": ["L", "M"]}, workdir=tmp_path)
    assert out["read_back"] == ["one", "two"]
    assert len(list(tmp_path.glob("write-*/t.txt"))) == 2


def test_input_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(cwlgen.InputError, match="has no input 'nmae'"):
        cwlgen.run_local(s.greetings, nmae="x", names=[], _workdir=tmp_path)
    with pytest.raises(cwlgen.InputError, match="input 'name' \\(string\\) is missing"):
        cwlgen.run_local(s.greetings, names=[], _workdir=tmp_path)
    with pytest.raises(cwlgen.InputError, match="input 'numbers' \\(int\\[\\]\\) got \\['x'\\]"):
        cwlgen.run_local(s.products, letters=["a"], numbers=["x"], _workdir=tmp_path)
    # CWL's int is 32 bits: cwltool rejects larger values, and so does run_local
    with pytest.raises(cwlgen.InputError, match="input 'numbers'"):
        cwlgen.run_local(s.products, letters=["a"], numbers=[2**40], _workdir=tmp_path)
    with pytest.raises(cwlgen.InputError, match="no such file"):
        cwlgen.run_local(s.read, f=tmp_path / "absent.txt", _workdir=tmp_path)


def test_scatter_lengths_must_match_for_dotproduct(tmp_path: Path) -> None:
    with pytest.raises(cwlgen.RunError, match="different lengths \\(a: 2, b: 1\\)"):
        run_job(s.products, {"letters": ["a", "b"], "numbers": [1]}, workdir=tmp_path)


def test_a_wrong_return_value_is_a_run_error_naming_the_step(tmp_path: Path) -> None:
    from fixtures.tasks import bad_returns

    with pytest.raises(cwlgen.RunError, match="bad_returns/count.*output 'out'.*expected an "
                       "int, got 'three'"):
        cwlgen.run_local(bad_returns.bad_returns, _workdir=tmp_path)


def test_command_line_tools_need_a_stand_in(tmp_path: Path) -> None:
    from fixtures.tasks import mixed

    with pytest.raises(cwlgen.RunError, match="command-line tool\\(s\\) count_lines"):
        cwlgen.run_local(mixed.count_and_report, text=__file__, _workdir=tmp_path)
    with pytest.raises(cwlgen.UsageError, match="command-line tool"):
        cwlgen.run_local(mixed.count_lines, text=__file__)


def test_compile_errors_stop_a_local_run(tmp_path: Path) -> None:
    from fixtures.tasks import hazards

    with pytest.raises(cwlgen.CompileError, match="CG406"):
        cwlgen.run_local(hazards.sets, words=["a"], _workdir=tmp_path)
