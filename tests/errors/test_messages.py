"""The message registry: every text has named fields and says something of its own, and one
formatter prints diagnostics the same way everywhere."""

from __future__ import annotations

import string

import pytest

from cwlgen.ir.diagnostics import Note, diag
from cwlgen.ir.location import SourceLocation
from cwlgen.messages import (
    MESSAGES,
    diagnostic_json,
    format_diagnostic,
    format_message,
    message_text,
)

TEMPLATES = [(code, text) for code, m in MESSAGES.items() for text in m.all_templates()]


@pytest.mark.parametrize(("code", "template"), TEMPLATES)
def test_templates_have_named_fields_and_text_of_their_own(code: str, template: str) -> None:
    parsed = list(string.Formatter().parse(template))
    fields = [name for _, name, _, _ in parsed if name is not None]
    assert all(fields), f"{code}: positional field in {template!r}"
    literal = "".join(text for text, _, _, _ in parsed)
    assert len(literal.strip(" ;:,.'")) >= 10, f"{code}: catch-all template {template!r}"


def test_every_code_has_a_text() -> None:
    assert all(m.all_templates() for m in MESSAGES.values())


def test_codes_with_one_meaning_have_one_template() -> None:
    """CG403 (random ids) and CG404 (OS randomness) no longer share a text."""
    assert MESSAGES["CG403"].template != MESSAGES["CG404"].template


def test_a_variant_must_be_named_where_a_code_has_only_variants() -> None:
    with pytest.raises(KeyError):
        message_text("CG112", func="f")
    assert message_text("CG112", "empty_command", func="f") == (
        "tool 'f' has an empty base command")


def test_one_formatter_for_text_and_json() -> None:
    here = SourceLocation(path="wf.py", line=3, col=5)
    there = SourceLocation(path="tools.py", line=9)
    d = diag("CG204", here, callee="head", param="text", type="File",
             notes=(Note(message="declared here", loc=there),))
    assert format_diagnostic(d) == (
        "wf.py:3: error[CG204]: call to 'head' is missing required argument 'text' (File)\n"
        "tools.py:9: note: declared here")
    assert d.render() == format_diagnostic(d)
    assert diagnostic_json(d) == {
        "code": "CG204", "severity": "error", "path": "wf.py", "line": 3, "col": 5,
        "message": "call to 'head' is missing required argument 'text' (File)",
        "notes": [{"message": "declared here", "path": "tools.py", "line": 9, "col": None}],
    }
    # the column is for machines: text keeps `path:line`, and it takes no part in equality
    assert here == SourceLocation(path="wf.py", line=3) and str(here) == "wf.py:3"
    assert format_message("CG002", None, "no_file", path="x.py") == (
        "error[CG002]: no such file: x.py")
    assert format_message("CG002", "a.py:4", "no_module", spec="m") == (
        "a.py:4: error[CG002]: no module or file named 'm'")
