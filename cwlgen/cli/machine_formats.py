"""Diagnostics for machines: GitHub Actions workflow commands (annotations on a pull request)
and SARIF 2.1.0 (code scanning), both built from the same diagnostic objects as the text and
JSON forms, with rule metadata from the message registry."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cwlgen._version import __version__
from cwlgen.messages import MESSAGES, DiagnosticLike, Location, rule_title

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")  # a template's {field}, shown as <field>


def docs_url() -> str | None:
    """Where the diagnostics page is published, for SARIF help links: under $CWLGEN_DOCS_URL
    (the root of the documentation site, e.g. a mirror), else under the package's
    `Documentation` project URL; None when neither is set (the rules then carry the page's
    anchor in their help text only)."""
    base = os.environ.get("CWLGEN_DOCS_URL")
    if not base:
        try:
            from importlib.metadata import PackageNotFoundError, metadata

            urls = metadata("cwlgen").get_all("Project-URL") or []
        except PackageNotFoundError:
            urls = []
        base = next((u.split(",", 1)[1].strip() for u in urls
                     if u.split(",", 1)[0].strip().lower() == "documentation"), None)
    if not base:
        return None
    return base.rstrip("/") + "/diagnostics.html"  # the MkDocs site (use_directory_urls off)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_commands(diagnostics: Sequence[DiagnosticLike]) -> list[str]:
    """One `::error file=...,line=...,col=...,title=CODE::message` (or `::warning`) per
    diagnostic (`col` where the location has a column); its notes follow the message on lines
    of their own."""
    out = []
    for d in diagnostics:
        props = []
        if d.loc is not None:
            props.append(f"file={_escape_property(d.loc.path)}")
            if d.loc.line > 0:
                props.append(f"line={d.loc.line}")
                if d.loc.col > 0:
                    props.append(f"col={d.loc.col}")
        props.append(f"title={_escape_property(f'{d.code} {rule_title(d.code)}')}")
        text = "\n".join([f"{d.message} [{d.code}]", *(
            f"note: {_where(n.loc)}{n.message}" for n in d.notes)])
        level = "error" if d.severity == "error" else "warning"
        out.append(f"::{level} {','.join(props)}::{_escape_data(text)}")
    return out


def _where(loc: Location | None) -> str:
    return f"{loc.path}:{loc.line}: " if loc is not None else ""


def _artifact(loc: Location) -> dict[str, Any]:
    path = Path(loc.path)
    if path.is_absolute():
        return {"uri": path.as_uri()}
    return {"uri": quote(path.as_posix()), "uriBaseId": "SRCROOT"}


def _physical(loc: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _artifact(loc)}
    if loc.line > 0:
        physical["region"] = {"startLine": loc.line}
        if loc.col > 0:
            physical["region"]["startColumn"] = loc.col
    return physical


def sarif_rules(docs: str | None) -> list[dict[str, Any]]:
    """One reportingDescriptor per registry code, in code order."""
    rules = []
    for code in sorted(MESSAGES):
        entry = MESSAGES[code]
        title = rule_title(code)
        rule: dict[str, Any] = {
            "id": code,
            "name": "".join(w.capitalize() for w in title.replace("-", " ").split()) or code,
            "shortDescription": {"text": title},
            "fullDescription": {"text": " / ".join(
                _PLACEHOLDER.sub(r"<\1>", t) for t in entry.all_templates())},
            "defaultConfiguration": {"level": entry.severity},
            "help": {"text": f"{code}: {title}. See the cwlgen diagnostics page "
                             f"(docs/diagnostics.md#{anchor(code)})."},
        }
        if docs:
            rule["helpUri"] = f"{docs}#{site_anchor(code)}"
        rules.append(rule)
    return rules


def site_anchor(code: str) -> str:
    """The anchor of `code` on the published diagnostics page: `cg201`, which the site's
    build gives each code's heading (scripts/docs_hooks.py), so help links survive a change
    of title."""
    return code.lower()


def anchor(code: str) -> str:
    """The heading anchor of `code` on the diagnostics page as GitHub shows the Markdown
    (`### CG201: title (error)` -> `cg201-title-error`)."""
    text = f"{code}: {rule_title(code)} ({MESSAGES[code].severity})".lower()
    kept = "".join(c for c in text if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def sarif_log(diagnostics: Sequence[DiagnosticLike], *, exit_code: int,
              docs: str | None = None, root: str | None = None) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run of cwlgen; paths are relative to `root` (default: the
    working directory), declared as the SRCROOT base."""
    codes = sorted(MESSAGES)
    results = []
    for d in diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": codes.index(d.code),
            "level": "error" if d.severity == "error" else "warning",
            "message": {"text": d.message},
        }
        if d.loc is not None:
            result["locations"] = [{"physicalLocation": _physical(d.loc)}]
        related = [{"id": i, "physicalLocation": _physical(n.loc), "message": {"text": n.message}}
                   for i, n in enumerate(d.notes, start=1) if n.loc is not None]
        if related:
            result["relatedLocations"] = related
        results.append(result)
    base = Path(root or os.getcwd()).resolve().as_uri() + "/"
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cwlgen",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": sarif_rules(docs),
            }},
            "originalUriBaseIds": {"SRCROOT": {"uri": base}},
            "invocations": [{"executionSuccessful": exit_code in (0, 1),
                             "exitCode": exit_code}],
            "results": results,
        }],
    }
