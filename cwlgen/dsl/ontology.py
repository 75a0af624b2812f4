"""`namespaces=` and `schemas=` of `@tool`/`@workflow`: the document's `$namespaces` and the
ontologies (`$schemas`) its `format`s come from, and the check that every prefixed format
names a known namespace."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cwlgen.ir.cwl import KNOWN_NAMESPACES, needs_javascript
from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.location import SourceLocation
from cwlgen.ir.nodes import InputPort, Ontology, OutputPort


def read_namespaces(
    namespaces: Mapping[str, str] | None, func: str, loc: SourceLocation | None,
    problems: list[Diagnostic],
) -> tuple[tuple[str, str], ...]:
    """`namespaces={"prefix": "http://..."}` -> sorted pairs (CG134 for a bad entry)."""
    found = []
    for prefix, iri in (namespaces or {}).items():
        if not (isinstance(prefix, str) and prefix.isidentifier() and isinstance(iri, str)
                and "://" in iri):
            problems.append(diag("CG134", loc, variant="bad_namespace", prefix=repr(prefix),
                                 iri=repr(iri), func=func))
            continue
        found.append((prefix, iri))
    return tuple(sorted(found))


def read_schemas(
    schemas: Iterable[str], defined_in: str, func: str, loc: SourceLocation | None,
    problems: list[Diagnostic],
) -> tuple[Ontology, ...]:
    """`schemas=[...]`: a URL is emitted as written (cwltool fetches it when it runs; the
    compile-time check cannot); a path, relative to the file defining the process, is an
    RDF file (RDF/XML or Turtle) read by the format check and copied beside the documents
    (emitted as its file name)."""
    found = []
    for entry in schemas:
        if not isinstance(entry, (str, os.PathLike)):
            problems.append(diag("CG134", loc, variant="unreadable", path=repr(entry),
                                 func=func, error="not a path or URL"))
            continue
        text = os.fspath(entry)
        if "://" in text:
            found.append(Ontology(name=text))
            continue
        path = Path(defined_in).resolve().parent / text
        if not path.is_file():
            problems.append(diag("CG134", loc, variant="unreadable", path=repr(text), func=func,
                                 error="no such file"))
            continue
        found.append(Ontology(name=path.name, path=str(path)))
    return tuple(found)


def read_metadata(
    metadata: Mapping[str, Any] | None, namespaces: tuple[tuple[str, str], ...], func: str,
    loc: SourceLocation | None, problems: list[Diagnostic],
) -> tuple[tuple[str, Any], ...]:
    """`metadata={"dct:creator": {...}, "s:license": "..."}` -> (field, value) pairs, in the
    order written. A field needs a declared (or known) prefix or a full IRI, so that it
    cannot be mistaken for a CWL field; a value is JSON-like data (CG134 otherwise)."""
    known = set(KNOWN_NAMESPACES) | {p for p, _ in namespaces}
    found = []
    for key, value in (metadata or {}).items():
        prefix = key.split(":", 1)[0] if isinstance(key, str) and ":" in key else None
        if prefix is None or not (prefix in known or "://" in key):
            problems.append(diag("CG134", loc, variant="bad_metadata_key", key=repr(key),
                                 func=func))
            continue
        if not _json_like(value):
            problems.append(diag("CG134", loc, variant="bad_metadata_value", key=key,
                                 func=func, value=repr(value)[:60]))
            continue
        found.append((key, value))
    return tuple(found)


def _json_like(value: Any) -> bool:
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_json_like(v) for v in value)
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _json_like(v) for k, v in value.items())
    return False


def check_format_prefixes(
    ports: Iterable[InputPort | OutputPort], namespaces: tuple[tuple[str, str], ...],
    func: str, problems: list[Diagnostic],
) -> None:
    """CG134 for a `format` whose prefix is neither declared nor known (cwltool would
    otherwise read `edma:format_1930` as a relative IRI and never match it)."""
    known = set(KNOWN_NAMESPACES) | {p for p, _ in namespaces}
    for port in ports:
        fmt = port.format
        if not fmt or needs_javascript(fmt) or "$(" in fmt or "://" in fmt or ":" not in fmt:
            continue
        prefix = fmt.split(":", 1)[0]
        if prefix not in known:
            problems.append(diag("CG134", port.loc, variant="unknown_prefix", format=fmt,
                                 prefix=prefix, func=func))


def all_ports(process: Any) -> list[InputPort | OutputPort]:
    """The input and output ports of a tool (or the inputs of a workflow)."""
    return [*process.inputs, *(o for o in process.outputs if isinstance(o, OutputPort))]
