"""Documents on disk: the folder layout (one `.cwl` per process, relative `run:`) and the
packed layout (one file with `$graph`). Names are derived from function names, in the order
processes are first met, so output is the same on every run and machine.
"""

from __future__ import annotations

from typing import Any

from cwlgen.backend.emit import CWL_VERSION, emit_tool, emit_workflow, namespaces_used
from cwlgen.ir import Process, Tool, Workflow


def processes_in_order(root: Process) -> list[Process]:
    """`root`, then every process it uses, depth-first in step order, each once."""
    order: list[Process] = []
    seen: set[str] = set()

    def visit(p: Process) -> None:
        if p.key in seen:
            return
        seen.add(p.key)
        if p.run_ref is not None:  # hand-written CWL used by reference: no document
            return
        order.append(p)
        if isinstance(p, Workflow):
            for step in p.steps:
                visit(step.process)

    visit(root)
    return order


def document_names(processes: list[Process]) -> dict[str, str]:
    """process key -> unique document stem."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for p in processes:
        stem, n = p.name, 1
        while stem in taken:
            n += 1
            stem = f"{p.name}_{n}"
        taken.add(stem)
        names[p.key] = stem
    return names


def document_refs(root: Process, *, pack: bool = False) -> dict[str, str]:
    """process key -> how the documents name it: its file name (folder layout) or its
    `#id` inside the packed `$graph`."""
    processes = processes_in_order(root)
    stems = document_names(processes)
    if pack:
        stems[root.key] = "main"
        return {key: f"#{stem}" for key, stem in stems.items()}
    return {key: f"{stem}.cwl" for key, stem in stems.items()}


def document_sources(root: Process) -> dict[str, str]:
    """folder-layout file name -> `module:qualname` of the Python object it came from."""
    processes = processes_in_order(root)
    names = document_names(processes)
    return {f"{names[p.key]}.cwl": p.key for p in processes}


def emit_documents(root: Process, *, pack: bool = False) -> tuple[str, dict[str, dict[str, Any]]]:
    """(main file name, {file name: document}) of lowered IR, in either layout."""
    return packed_document(root) if pack else folder_documents(root)


def _emit(p: Process, run_ref: Any) -> dict[str, Any]:
    return emit_tool(p) if isinstance(p, Tool) else emit_workflow(p, run_ref)


def folder_documents(root: Process) -> tuple[str, dict[str, dict[str, Any]]]:
    """(main file name, {file name: document}) for the folder layout."""
    processes = processes_in_order(root)
    names = document_names(processes)

    def run_ref(p: Process) -> str:
        return p.run_ref if p.run_ref is not None else f"{names[p.key]}.cwl"

    docs: dict[str, dict[str, Any]] = {}
    shared: dict[str, dict[str, Any]] = {}
    for p in processes:
        body = _share_schemas(_emit(p, run_ref), shared)
        ns = namespaces_used([body], dict(p.namespaces))
        doc: dict[str, Any] = {"cwlVersion": CWL_VERSION}
        if ns:
            doc["$namespaces"] = ns
        if p.schemas:
            doc["$schemas"] = [o.name for o in p.schemas]
        doc.update(body)
        doc.update(p.metadata)  # `metadata=`: prefixed fields, after what runs
        docs[run_ref(p)] = doc
    if shared:
        docs[SCHEMAS_FILE] = {"class": "SchemaDefRequirement", "types": list(shared.values())}
    return run_ref(root), docs


#: the folder layout's one file of named (SchemaDef) types, imported by every document
SCHEMAS_FILE = "schemas.yml"


def _share_schemas(body: dict[str, Any], shared: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Move a document's SchemaDefRequirement into the shared file (`$import` instead) and
    point its `#Name` type references there, so every document names the same type."""
    reqs = body.get("requirements", [])
    found = [r for r in reqs if r.get("class") == "SchemaDefRequirement"]
    if not found:
        return body
    names = set()
    for definition in found[0]["types"]:
        shared.setdefault(definition["name"], definition)
        names.add(definition["name"])
    body["requirements"] = [{"$import": SCHEMAS_FILE} if r is found[0] else r for r in reqs]

    def point(node: Any) -> Any:
        if isinstance(node, str):
            return f"{SCHEMAS_FILE}{node}" if node in names else node
        if isinstance(node, list):
            return [point(n) for n in node]
        if isinstance(node, dict):
            return {k: point(v) if k in ("type", "items", "fields") else v
                    for k, v in node.items()}
        return node

    for section in ("inputs", "outputs"):
        if isinstance(body.get(section), list):  # inputs kept in order (emit.py says when)
            body[section] = [point(port) for port in body[section]]
        elif section in body:
            body[section] = {name: point(port) for name, port in body[section].items()}
    return body


def packed_document(root: Process) -> tuple[str, dict[str, dict[str, Any]]]:
    """(file name, {file name: document}) for the packed layout: `$graph`, root id `main`."""
    processes = processes_in_order(root)
    names = document_names(processes)
    names[root.key] = "main"

    def run_ref(p: Process) -> str:
        return p.run_ref if p.run_ref is not None else f"#{names[p.key]}"

    graph = []
    for p in processes:
        body = _emit(p, run_ref)
        # canonical order: class, then id
        graph.append({"class": body.pop("class"), "id": names[p.key], **body,
                      **dict(p.metadata)})
    doc: dict[str, Any] = {"cwlVersion": CWL_VERSION}
    ns = namespaces_used(graph, {k: v for p in processes for k, v in p.namespaces})
    if ns:
        doc["$namespaces"] = ns
    schemas = list(dict.fromkeys(o.name for p in processes for o in p.schemas))
    if schemas:
        doc["$schemas"] = schemas
    doc["$graph"] = graph
    return f"{root.name}.cwl", {f"{root.name}.cwl": doc}
