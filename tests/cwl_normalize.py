"""A normal form of CWL processes, to compare an original document with its round trip.

Two documents are equivalent when they have the same inputs, outputs, types, bindings,
requirements, steps and sources. Read with cwl-utils (not with cwlgen's IR, so the importer's
own mistakes cannot cancel out), then made canonical:

- ids shortened; `T?` and `[null, T]`, `File[]` and `{type: array, items: File}`, named
  SchemaDef types and inline ones, enum symbol URIs and names are the same thing;
- sizes in ResourceRequirement rounded up to whole MiB (what runners do, CWL v1.2);
- label and doc compared as one text (the DSL has one docstring), absent position = 0,
  a boolean bound without a prefix or valueFrom (it adds nothing) = unbound,
  `shellQuote: false` without ShellCommandRequirement (no effect) = true;
- requirements cwlgen derives from the document itself (InlineJavascript without a library,
  Scatter/Subworkflow/MultipleInput/StepInputExpression/ShellCommand/SchemaDef) dropped,
  the others compared as a set, requirements apart from hints;
- `type: stdout` is a File output globbing the stdout file, whose name is compared only when
  the original names it (cwltool otherwise picks a random one);
- steps renamed s0, s1, ... in dependency order (a step's id is its Python function's name),
  the documents they run compared recursively; File locations compared as absolute paths.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

from cwlgen.dsl.cwl_read import read_document, read_uri, select

AUTO = {
    "ScatterFeatureRequirement", "SubworkflowFeatureRequirement",
    "MultipleInputFeatureRequirement", "StepInputExpressionRequirement",
    "ShellCommandRequirement", "SchemaDefRequirement",
}


def short(uri: str) -> str:
    frag = uri.rpartition("#")[2] if "#" in uri else uri.rpartition("/")[2]
    return frag.rpartition("/")[2]


class _Norm:
    def __init__(self) -> None:
        self.schema: dict[str, Any] = {}

    def text(self, *parts: Any) -> str | None:
        out = []
        for p in parts:
            if isinstance(p, list):
                p = "\n".join(map(str, p))
            if p:
                out.append(" ".join(str(p).split()))
        return " ".join(out) or None

    def type(self, tp: Any) -> Any:
        if isinstance(tp, str):
            if tp in self.schema:
                return self.type(self.schema[tp])
            if tp in ("stdout", "stderr", "stdin"):
                return "File"
            return short(tp) if "#" in tp else tp
        if isinstance(tp, list):
            members = [self.type(m) for m in tp]
            rest = [m for m in members if m != "null"]
            if len(rest) == 1 and len(rest) < len(members):
                return {"optional": rest[0]}
            return {"union": members}
        kind = getattr(tp, "type_", None)
        if kind == "array":
            return {"array": self.type(tp.items)}
        if kind == "enum":
            return {"enum": sorted(short(str(s)) for s in tp.symbols)}
        if kind == "record":
            return {"record": {short(f.name): self.type(f.type_) for f in tp.fields or []}}
        return repr(tp)

    def value(self, value: Any, base: str) -> Any:
        if hasattr(value, "save"):
            value = value.save(top=False, base_url=base, relative_uris=True)
        if isinstance(value, dict):
            out = {k: self.value(v, base) for k, v in value.items()}
            if out.get("class") in ("File", "Directory"):
                loc = out.pop("location", None) or out.pop("path", None)
                if isinstance(loc, str):
                    full = urljoin(base, loc)
                    out["location"] = unquote(urlparse(full).path) if full.startswith(
                        "file:") else full
            return out
        if isinstance(value, list):
            return [self.value(v, base) for v in value]
        return value

    def requirements(self, obj: Any, base: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, items in (("requirements", obj.requirements), ("hints", obj.hints)):
            found = []
            for req in items or []:
                d = dict(req) if isinstance(req, dict) else req.save(
                    top=False, base_url=base, relative_uris=True)
                cls = short(str(d.get("class")))
                if cls in AUTO or (cls == "InlineJavascriptRequirement" and
                                   not d.get("expressionLib")):
                    continue
                d["class"] = cls
                d = self.value(d, base)
                if cls == "EnvVarRequirement":
                    d["envDef"] = sorted(d.get("envDef") or [], key=lambda e: str(e))
                if cls == "ResourceRequirement":
                    # runners round a fraction of a MiB up (CWL v1.2), as Resources does
                    d = {k: int(-(-v // 1)) if k.startswith(("ram", "tmpdir", "outdir")) and
                         isinstance(v, (int, float)) else v for k, v in d.items()}
                if cls == "InitialWorkDirRequirement" and isinstance(d.get("listing"), list):
                    # a bare `$(inputs.x)` entry stages x as `{entry: $(inputs.x)}` does; the
                    # order of entries staging different names does not matter, and
                    # `writable: false` is CWL's default
                    d["listing"] = sorted(({"entry": e} if isinstance(e, str) else {
                        k: v for k, v in e.items() if not (k == "writable" and v is False)}
                        if isinstance(e, dict) else e for e in d["listing"]), key=repr)
                found.append(repr(sorted(d.items())))
            out[key] = sorted(found)
        return out

    def process(self, obj: Any) -> dict[str, Any]:
        base = str(obj.id) if str(obj.id).startswith(("file:", "http")) else ""
        for req in obj.requirements or []:
            if type(req).__name__ == "SchemaDefRequirement":
                for tp in req.types or []:
                    self.schema[str(tp.name)] = tp
        cls = type(obj).__name__
        doc: dict[str, Any] = {"class": cls, "text": self.text(obj.label, obj.doc)}
        doc.update(self.requirements(obj, base))
        doc["inputs"] = {}
        for p in obj.inputs or []:
            entry: dict[str, Any] = {
                "type": self.type(p.type_),
                "default": self.value(p.default, base),
                "text": self.text(p.label, p.doc),
                "format": p.format,
                "secondaryFiles": sorted(str(getattr(s, "pattern", s))
                                         for s in p.secondaryFiles or []),
                "loadContents": bool(getattr(p, "loadContents", None)),
                "loadListing": getattr(p, "loadListing", None),
            }
            b = getattr(p, "inputBinding", None)
            if b is not None:
                entry["binding"] = {
                    "position": b.position or 0, "prefix": b.prefix,
                    "separate": b.separate is not False, "itemSeparator": b.itemSeparator,
                    "shellQuote": b.shellQuote is not False, "valueFrom": b.valueFrom}
                if p.type_ in ("boolean", ["null", "boolean"], ["boolean", "null"]) and \
                        b.prefix is None and b.valueFrom is None:
                    # a boolean bound without a prefix adds nothing to the command line
                    # (CWL spec), as an unbound one does
                    del entry["binding"]
            if p.type_ == "stdin":
                entry["stdin"] = True
            doc["inputs"][short(p.id)] = entry
        if cls == "CommandLineTool":
            self.tool(obj, doc)
        elif cls == "Workflow":
            self.workflow(obj, doc)
        return doc

    def tool(self, obj: Any, doc: dict[str, Any]) -> None:
        base = obj.baseCommand
        doc["baseCommand"] = [base] if isinstance(base, str) else list(base or [])
        args = []
        for a in obj.arguments or []:
            if isinstance(a, str):
                args.append(a)
            else:
                args.append({"position": a.position or 0, "prefix": a.prefix,
                             "separate": a.separate is not False,
                             "shellQuote": a.shellQuote is not False,
                             "valueFrom": a.valueFrom})
        doc["arguments"] = args
        if not any(type(r).__name__ == "ShellCommandRequirement"
                   for r in [*(obj.requirements or []), *(obj.hints or [])]):
            # without ShellCommandRequirement, shellQuote: false has no effect (CWL spec)
            for binding in [*(a for a in args if isinstance(a, dict)),
                            *(e["binding"] for e in doc["inputs"].values() if "binding" in e)]:
                binding["shellQuote"] = True
        stdin = obj.stdin
        if stdin is None:
            stdin_inputs = [short(p.id) for p in obj.inputs or [] if p.type_ == "stdin"]
            stdin = f"$(inputs.{stdin_inputs[0]}.path)" if stdin_inputs else None
        for name, entry in doc["inputs"].items():
            if stdin == f"$(inputs.{name}.path)":
                entry.pop("stdin", None)
                entry.pop("binding", None)
        doc["stdin"] = stdin
        doc["successCodes"] = sorted(obj.successCodes or [])
        streams = {"stdout": obj.stdout, "stderr": obj.stderr}
        outs = {}
        for o in obj.outputs or []:
            ob = o.outputBinding
            glob = ob.glob if ob else None
            if isinstance(glob, list) and len(glob) == 1:
                glob = glob[0]
            if o.type_ in ("stdout", "stderr"):
                glob = streams[o.type_] or f"<{o.type_}>"
            elif glob is not None and glob in (obj.stdout, obj.stderr) and not (
                    ob and (ob.loadContents or ob.outputEval)):
                glob = obj.stdout if glob == obj.stdout else obj.stderr
            outs[short(o.id)] = {
                "type": self.type(o.type_), "glob": glob,
                "loadContents": bool(ob and ob.loadContents),
                "outputEval": ob.outputEval if ob else None, "format": o.format,
                "secondaryFiles": sorted(str(getattr(s, "pattern", s))
                                         for s in o.secondaryFiles or []),
                "text": self.text(o.label, o.doc)}
        doc["outputs"] = outs
        for stream, name in streams.items():
            if name is not None and not any(v["glob"] == name for v in outs.values()):
                doc[stream] = name

    def workflow(self, obj: Any, doc: dict[str, Any]) -> None:
        steps = list(obj.steps or [])
        prefix = _prefix(obj)
        rank: dict[str, str] = {}
        order = _dependency_order(steps, prefix)
        for i, s in enumerate(order):
            rank[short(s.id)] = f"s{i}"

        def src(ref: str) -> str:
            frag = ref[len(prefix):] if ref.startswith(prefix) else ref.rpartition("#")[2]
            if "/" in frag:
                step, _, out = frag.rpartition("/")
                return f"{rank.get(step.rpartition('/')[2], step)}/{out}"
            return frag

        out_steps = {}
        for s in order:
            run = s.run
            if isinstance(run, str):
                d, _, frag = run.partition("#")
                run = select(read_uri(d), d, frag or None)
            ins = {}
            for si in s.in_ or []:
                refs = si.source
                refs = [] if refs is None else ([refs] if isinstance(refs, str) else refs)
                ins[short(si.id)] = {
                    "source": [src(str(r)) for r in refs],
                    "linkMerge": si.linkMerge if si.linkMerge or len(refs) < 2
                    else "merge_nested",
                    "default": self.value(si.default, str(obj.id)),
                    "valueFrom": si.valueFrom}
            scatter = s.scatter or []
            scatter = sorted(short(x) for x in ([scatter] if isinstance(scatter, str)
                                                else scatter))
            out_steps[rank[short(s.id)]] = {
                "run": self.process(run), "in": {k: v for k, v in ins.items()
                                                 if v["source"] or v["default"] is not None},
                "scatter": scatter,
                "scatterMethod": s.scatterMethod or ("dotproduct" if scatter else None),
                "when": s.when}
        doc["steps"] = out_steps
        outs = {}
        for o in obj.outputs or []:
            refs = o.outputSource
            refs = [] if refs is None else ([refs] if isinstance(refs, str) else refs)
            outs[short(o.id)] = {"type": self.type(o.type_),
                                 "outputSource": [src(str(r)) for r in refs],
                                 "linkMerge": o.linkMerge if o.linkMerge or len(refs) < 2
                                 else "merge_nested"}
        doc["outputs"] = outs


def _prefix(obj: Any) -> str:
    for item in [*(obj.steps or []), *(obj.inputs or []), *(obj.outputs or [])]:
        full = str(item.id)
        return full[: len(full) - len(short(full))]
    return str(obj.id) + "/"


def _dependency_order(steps: list[Any], prefix: str) -> list[Any]:
    names = {short(s.id): s for s in steps}
    deps = {}
    for s in steps:
        found = set()
        for si in s.in_ or []:
            refs = si.source
            refs = [] if refs is None else ([refs] if isinstance(refs, str) else refs)
            for r in map(str, refs):
                frag = r[len(prefix):] if r.startswith(prefix) else r.rpartition("#")[2]
                if "/" in frag:
                    found.add(frag.rpartition("/")[0].rpartition("/")[2])
        deps[short(s.id)] = found & set(names)
    order: list[Any] = []
    done: set[str] = set()
    pending = list(names)
    while pending:  # the order tracing records them in: passes over the written order
        progressed = False
        for n in list(pending):
            if deps[n] <= done | {n}:
                order.append(names[n])
                done.add(n)
                pending.remove(n)
                progressed = True
        if not progressed:
            order += [names[n] for n in pending]
            break
    return order


def normalize(target: str) -> dict[str, Any]:
    """The normal form of the process `path_or_url[#id]` (plain JSON data)."""
    obj, _ = read_document(target)
    normal: dict[str, Any] = json.loads(json.dumps(_Norm().process(obj), default=str))
    return normal


def differences(original: Any, rebuilt: Any, path: str = "") -> list[str]:
    """Where two normal forms differ (empty: equivalent). A stdout/stderr file name the
    original leaves to the runner may be anything in the rebuilt document."""
    if isinstance(original, dict) and isinstance(rebuilt, dict):
        out = []
        for key in sorted(set(original) | set(rebuilt)):
            a, b = original.get(key), rebuilt.get(key)
            if key in ("stdout", "stderr") and a is None:
                continue
            if key == "glob" and a in ("<stdout>", "<stderr>") and isinstance(b, str):
                continue
            out += differences(a, b, f"{path}/{key}")
        return out
    if isinstance(original, list) and isinstance(rebuilt, list) and len(original) == len(
            rebuilt):
        return [d for i, (a, b) in enumerate(zip(original, rebuilt, strict=True))
                for d in differences(a, b, f"{path}[{i}]")]
    return [] if original == rebuilt else [f"{path}: {original!r:.200} != {rebuilt!r:.200}"]
