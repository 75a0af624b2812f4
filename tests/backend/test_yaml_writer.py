"""The YAML writer gives the same bytes with and without optional C accelerators (libyaml for
PyYAML, ruamel.yaml.clib), on every golden and generated document and on the awkward values:
exponent floats keep their form (`1e-30`), a "\\r\\n" default still round-trips
(issue 11, bug 12)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cwlgen.backend.yamlio import dump, load

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted([*REPO.glob("generated/**/*.cwl"), *REPO.glob("tests/golden/**/*.cwl")])

AWKWARD = {
    "tiny": 1e-30, "big": 1.5e300, "half": 0.5, "whole": 2.0, "neg": -3e-7, "int": 7,
    "crlf": "\r\ncrlf", "lines": "a\nb\n", "trailing": "a \nb", "tab": "a\tb",
    "yes": "yes", "Y": "Y", "on": "On", "null": "null", "empty": "", "number_text": "1e-30",
    "unicode": "λ → ✓", "colon": "a: b", "hash": "# not a comment", "list": [1.0, "no", None],
}

# Run in a fresh interpreter where neither C accelerator can be imported.
_NO_ACCELERATORS = """
import sys, json
sys.modules["yaml._yaml"] = None
sys.modules["_ruamel_yaml"] = None
import yaml
assert not yaml.__with_libyaml__ and not hasattr(yaml, "CSafeDumper")
from cwlgen.backend.yamlio import dump, load
docs = json.loads(sys.stdin.read())
texts = [dump(doc) for doc in docs]
loaded = [load(text) for text in texts]
print(json.dumps({"texts": texts, "loaded": loaded}))
"""


def _committed_body(path: Path) -> str:
    """The document's text without its header comment lines."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO)))
def test_committed_documents_are_rewritten_byte_for_byte_by_both_emitters(path: Path) -> None:
    body = _committed_body(path)
    doc = load(body)
    assert dump(doc) == body
    assert dump(doc, direct=False) == body
    assert dump(doc, accelerated=False) == body


def test_awkward_values_are_written_the_same_by_both_emitters_and_round_trip() -> None:
    fast, pure = dump(AWKWARD), dump(AWKWARD, accelerated=False)
    assert fast == pure
    assert "tiny: 1e-30\n" in fast and "neg: -3e-07\n" in fast and "whole: 2.0\n" in fast
    assert "number_text: '1e-30'\n" in fast  # a string that looks like a float stays a string
    assert load(fast) == AWKWARD


def test_without_any_c_accelerator_the_bytes_and_values_are_the_same() -> None:
    docs = [AWKWARD] + [load(_committed_body(p)) for p in DOCUMENTS[::7]]
    out = subprocess.run(
        [sys.executable, "-c", _NO_ACCELERATORS], input=json.dumps(docs),
        capture_output=True, text=True, check=True, cwd=REPO,
    )
    result = json.loads(out.stdout)
    assert result["texts"] == [dump(doc) for doc in docs]
    assert result["loaded"][0] == AWKWARD
    assert result["loaded"][0]["crlf"] == "\r\ncrlf"


def test_a_value_used_twice_is_written_twice_without_anchors() -> None:
    shared = {"class": "File", "location": "a.txt"}
    doc = {"first": shared, "second": shared, "list": [shared["location"]] * 2}
    for accelerated in (True, False):
        text = dump(doc, accelerated=accelerated)
        assert "&" not in text and "*" not in text
        assert load(text) == doc


# Strings on each side of the direct writer's plain test, and shapes of nested collections.
_EDGES = [
    "", " ", "a", "_a", "a b", "a  b", "a ", " a", "a\tb", "Copy a file.", "cat/out", "v1.2",
    "out.txt", "a-b", "-a", "- a", "a -b", "a: b", "a:b", "a #b", "a#b", "#a", "$(inputs.x)",
    "${return 1;}", "../x.cwl", "./x", ".inf", ".nan", "~", "=", "<<", "y", "Y", "n", "yes",
    "No", "ON", "oFF", "TRUE", "False", "null", "NULL", "Null", "nil", "none", "yess", "12",
    "1.5", "1e5", "0x1F", "0o7", "-0o17", "0o1_0", "1_000", "12:30", "2024-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "@a", "`a", "%a", "!a", "&a", "*a", "|", ">", "?", "? a", "[a]", "{a}", "a,b", "'a'", '"a"',
    "it's", "λ", "é a", "a\x00b", "a\u2028b", "a\x85b", "x" * 119, "x" * 120, "x" * 121,
    "x" * 127, "x" * 128, "x" * 500, "a b " * 40, "-", "--- a", "... a", "a\nb", "a\n",
]


@pytest.mark.parametrize("text", _EDGES, ids=repr)
def test_the_direct_writer_gives_the_full_writers_bytes_for_every_kind_of_string(
    text: str,
) -> None:
    doc = {text: text, "list": [text, {text: [text]}, [text]], "n": {"k": text}}
    # (libyaml and PyYAML's pure emitter differ on some of these keys, e.g. `''` and 128+
    # characters, so the direct writer is held to libyaml's bytes, which it stands in for)
    assert dump(doc) == dump(doc, direct=False)
    assert load(dump(doc)) == doc  # read back as YAML 1.2 (cwltool's reader) reads it


def test_the_direct_writer_gives_the_full_writers_bytes_for_nested_collections() -> None:
    docs = [
        {}, {"a": {}}, {"a": []}, {"a": [[], {}, [[]], [{}], [[1, [2, {"b": [3]}]]]]},
        {"a": [{"x": 1, "y": [1, [2, 3], {}]}, [], [[1]], {"q": {"r": []}}], "b": {}},
        {"t": True, "f": False, "z": None, "i": -3, "big": 10**30, "fl": [1.5, 1e-30, -0.0]},
        {"deep": _nest(20)}, {"deep": _nest(80)}, {1: "an int key"}, {"a": [1, 2]},
    ]
    for doc in docs:
        assert dump(doc) == dump(doc, direct=False) == dump(doc, accelerated=False), doc
        assert load(dump(doc)) == doc


def _nest(depth: int) -> dict[str, object]:
    doc: dict[str, object] = {"leaf": "x"}
    for i in range(depth):
        doc = {f"k{i}": doc} if i % 2 else {"items": [doc]}
    return doc


def test_one_compiles_documents_share_scalar_decisions_without_changing_bytes() -> None:
    from cwlgen.backend.yamlio import new_scalar_texts

    scalars = new_scalar_texts()
    docs = [{"a": "yes", "b": "Copy a file.", "c": 1e-30}, {"yes": "a", "c": [1e-30, "yes"]}]
    assert [dump(d, scalars=scalars) for d in docs] == [dump(d, direct=False) for d in docs]
