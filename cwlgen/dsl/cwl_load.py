"""Hand-written CWL -> the same IR a decorator builds (tools, workflows, ports, types).

`load_process` turns cwl-utils objects (read by `cwl_read`) into IR `Tool`/`Workflow` nodes,
each carrying the `file.cwl:LINE` it came from, so the check passes and the emitter treat a
hand-written tool exactly like a decorated one. What the IR (and so the DSL) cannot hold yet
is collected as `Gap`s naming the construct and its position: `cwlgen check` ignores them
(they are valid CWL), `cwlgen import` refuses to write Python that would silently drop them.
"""

from __future__ import annotations

import keyword
import os
import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import unquote, urljoin, urlparse

from cwlgen.dsl.cwl_read import Position, display_uri, position_of
from cwlgen.dsl.requirements import HINTABLE, MANAGED_CLASSES
from cwlgen.ir import (
    NO_DEFAULT,
    Argument,
    Binding,
    Container,
    InputPort,
    OutputPort,
    Package,
    Process,
    ResourceSpec,
    Source,
    Staging,
    Step,
    StepInput,
    StepOutputRef,
    Tool,
    Workflow,
    WorkflowInputRef,
    WorkflowOutput,
)
from cwlgen.ir import types as t
from cwlgen.ir.cwl import binding_dict
from cwlgen.ir.frozen import evolve, frozen
from cwlgen.ir.location import SourceLocation
from cwlgen.ir.nodes import Ontology
from cwlgen.ir.record_flows import record_bases
from cwlgen.ir.when_expr import parse_when, refs_of

KNOWN_NAMESPACES = {
    "http://commonwl.org/cwltool#": "cwltool",
    "http://edamontology.org/": "edam",
    "https://www.iana.org/assignments/media-types/": "iana",
}
Place = Literal["input", "output", "none", "both"]  # which record-field bindings a port holds
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_STDIN_REF = re.compile(r"^\$\(inputs\.([A-Za-z_][A-Za-z0-9_]*)\.path\)$")
_STAGE_REF = re.compile(r"^\$\(inputs\.([A-Za-z_][A-Za-z0-9_]*)\)\Z")  # no trailing newline
_AUTO_REQUIREMENTS = {
    "SubworkflowFeatureRequirement", "ScatterFeatureRequirement",
    "MultipleInputFeatureRequirement",
}


def _stageable(tp: t.CwlType, *, named: bool) -> bool:
    """Whether `Arg(stage=...)` can stage a value of this type: a File or Directory, maybe
    optional; a list of them only under their own names."""
    base = t.strip_optional(tp)
    if base in (t.FILE, t.DIRECTORY):
        return True
    return not named and isinstance(base, t.Array) and base.items in (t.FILE, t.DIRECTORY)


@frozen
class Gap:
    """A construct of a loaded document that the DSL cannot write yet."""

    construct: str
    position: Position | None

    def render(self) -> str:
        where = f"{self.position}: " if self.position else ""
        return f"{where}{self.construct}"


@frozen(kw_only=True)
class Loaded:
    """A loaded process and what of it the DSL cannot express."""

    process: Process
    uri: str
    gaps: tuple[Gap, ...]
    errors: tuple[Gap, ...] = ()  # invalid CWL that cwl-utils lets through (unknown types...)


def shortname(uri: str) -> str:
    """The last segment of a CWL id: `file:///x.cwl#step/out` -> `out`."""
    frag = uri.rpartition("#")[2] if "#" in uri else uri.rpartition("/")[2]
    return frag.rpartition("/")[2]


def python_name(name: str, fallback: str = "x") -> str:
    """A Python identifier close to `name` (CWL ids may contain dashes, dots, ...)."""
    out = re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_") or fallback
    if out[0].isdigit():
        out = f"{fallback}_{out}"
    if keyword.iskeyword(out) or out in ("File", "Directory"):
        out += "_"
    return out


def _loc(obj: Any, fallback: Position | None = None) -> Position | None:
    return position_of(obj) or fallback


def _src(pos: Position | None) -> SourceLocation | None:
    return SourceLocation(path=pos.path, line=pos.line, col=pos.col) if pos else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def _join(*texts: str | None) -> str | None:
    """Label and doc as one text (the DSL has one docstring line per parameter)."""
    return "\n\n".join(x for x in texts if x) or None


def _compact_formats(proc: Process, prefixes: dict[str, str]) -> Process:
    """Port formats under a prefix the document declares (`gx:fasta`, not the full IRI)."""
    def short(fmt: str | None) -> str | None:
        for prefix, full in prefixes.items():
            if fmt and fmt.startswith(full) and fmt[len(full):]:
                return f"{prefix}:{fmt[len(full):]}"
        return fmt

    if not prefixes:
        return proc
    inputs = tuple(evolve(p, format=short(p.format)) for p in proc.inputs)
    if isinstance(proc, Tool):
        return evolve(proc, inputs=inputs, outputs=tuple(
            evolve(o, format=short(o.format)) for o in proc.outputs))
    return evolve(proc, inputs=inputs)


def _plain(value: Any) -> Any:
    """YAML data (ruamel's commented maps and sequences) as plain dicts and lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _compact(uri: str) -> str:
    for full, prefix in KNOWN_NAMESPACES.items():
        if uri.startswith(full):
            return f"{prefix}:{uri[len(full):]}"
    return uri


def _names_shell(obj: Any) -> bool:
    """Whether a process or step lists ShellCommandRequirement (as a requirement or hint)."""
    return any(type(r).__name__ == "ShellCommandRequirement" or (
        isinstance(r, Mapping) and r.get("class") == "ShellCommandRequirement")
        for r in [*(getattr(obj, "requirements", None) or []),
                  *(getattr(obj, "hints", None) or [])])


class _Loader:
    def __init__(self, uri: str) -> None:
        self.uri = uri
        self.gaps: list[Gap] = []
        self.errors: list[Gap] = []
        self.cache: dict[str, Process] = {}
        # a ShellCommandRequirement reaches the process being read from an enclosing
        # workflow or step (CWL passes requirements down), so its shellQuote: false counts
        # (a tool file run from two such contexts is read once, in the first: see `cache`)
        self.shell_inherited = False
        self.anonymous: dict[int, str] = {}
        # record (name, fields) -> its variants, each with the places that use it
        self.records: dict[tuple[str, Any], list[tuple[t.Record, frozenset[str]]]] = {}
        self.unified: dict[tuple[str, Any], list[tuple[t.Record, frozenset[str]]]] = {}
        self.merged_any = False  # a record is declared at places that hold different bindings
        self.keep_alive: list[Any] = []
        self.schema: dict[str, Any] = {}
        self.documents: dict[str, Any] = {}  # document URI -> what cwl-utils read

    def resolve_run(self, ref: str) -> Any:
        """The process a `run:` reference names (documents read once each)."""
        from cwlgen.dsl.cwl_read import read_uri, select

        doc, _, frag = ref.partition("#")
        if doc not in self.documents:
            self.documents[doc] = read_uri(doc)
        return select(self.documents[doc], doc, frag or None)

    def base(self, obj: Any) -> str:
        """The URL relative locations inside `obj` are resolved against."""
        oid = str(getattr(obj, "id", "") or "")
        return oid if urlparse(oid).scheme in ("file", "http", "https") else self.uri

    def gap(self, construct: str, where: Position | None) -> None:
        self.gaps.append(Gap(construct, where))

    def error(self, problem: str, where: Position | None) -> None:
        self.errors.append(Gap(problem, where))

    # --- types ----------------------------------------------------------------------
    def type_of(self, tp: Any, hint: str, where: Position | None,
                place: Place = "none", *, items_bound: bool = False) -> t.CwlType:
        """The IR type of a CWL type; `place` says which record-field bindings it can hold
        (a tool's inputs inputBinding, its outputs outputBinding, other ports none);
        `items_bound`: the caller keeps the inputBinding of a top-level array's items
        (`Arg(items=...)`)."""
        if isinstance(tp, str):
            if tp in t.PRIMITIVES:
                return t.Prim(tp)
            if tp in ("stdout", "stderr", "stdin"):
                return t.FILE
            if tp == "null":
                return t.NULL
            if tp in self.schema:
                return self.type_of(self.schema[tp], shortname(tp), where, place)
            import difflib

            name = shortname(tp)
            known = [*t.PRIMITIVES, *(shortname(k) for k in self.schema)]
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            self.error(f"unknown type '{name}'{hint}", where)
            return t.ANY
        if isinstance(tp, list):
            members = [m for m in tp if m != "null"]
            if len(members) == 1:
                inner = self.type_of(members[0], hint, where, place, items_bound=items_bound)
                return t.Optional(inner) if len(members) < len(tp) else inner
            if not members:
                return t.NULL
            union = t.OneOf(members=tuple(self.type_of(m, hint, where, place)
                                          for m in members))
            return t.Optional(union) if len(members) < len(tp) else union
        if getattr(tp, "type_", None) == "array":
            if getattr(tp, "inputBinding", None) is not None and not items_bound:
                self.gap("inputBinding on the items of an array nested in another type",
                         where)
            return t.Array(self.type_of(tp.items, hint, where, place))
        if getattr(tp, "type_", None) == "enum":
            if getattr(tp, "inputBinding", None) is not None:
                self.gap("inputBinding on an enum type", where)
            name = tp.name if tp.name and not str(tp.name).startswith("_:") else hint
            return t.Enum(name=shortname(str(name)), symbols=tuple(
                str(s).rpartition("/")[2] if "#" in str(s) else str(s) for s in tp.symbols))
        if getattr(tp, "type_", None) == "record":
            if getattr(tp, "inputBinding", None) is not None:
                self.gap("inputBinding on a record type", where)
            name = tp.name if tp.name and not str(tp.name).startswith("_:") else hint
            fields = []
            for f in tp.fields or []:
                fname = shortname(f.name)
                fpos = _loc(f, where)
                binding: tuple[tuple[str, Any], ...] = ()
                b = getattr(f, "inputBinding", None)
                if b is not None:
                    binding = tuple(binding_dict(self.binding(b, fpos, default_position=None))
                                    .items())
                    if not binding:  # `inputBinding: {}`: Arg() on a field binds nothing
                        self.gap(f"an empty inputBinding on record field '{fname}'", fpos)
                collected: tuple[tuple[str, Any], ...] = ()
                ob = getattr(f, "outputBinding", None)
                if ob is not None:
                    glob = ob.glob
                    if isinstance(glob, list) and len(glob) == 1:
                        glob = glob[0]
                    if binding:
                        self.gap(f"inputBinding and outputBinding on record field '{fname}'",
                                 fpos)
                    collected = tuple((k, v) for k, v in (
                        ("glob", None if glob is None else tuple(str(g) for g in glob)
                         if isinstance(glob, list) else str(glob)),
                        ("loadContents", True if ob.loadContents else None),
                        ("loadListing", getattr(ob, "loadListing", None)),
                        ("outputEval", ob.outputEval)) if v is not None)
                if not _IDENT.match(fname):
                    self.gap(f"record field name {fname!r} is not a Python identifier",
                             fpos)
                for attr in ("loadContents", "loadListing", "streamable"):
                    if getattr(f, attr, None):
                        self.gap(f"{attr} on record field '{fname}'", fpos)
                fmt = getattr(f, "format", None)
                if isinstance(fmt, list):
                    self.gap(f"a list of formats on record field '{fname}'", fpos)
                    fmt = None
                patterns, required = self.secondary(getattr(f, "secondaryFiles", None))
                fields.append(t.Field(name=fname, type=self.type_of(f.type_, fname, where, place),
                                      doc=_text(f.doc), binding=binding,
                                      format=_compact(fmt) if isinstance(fmt, str) else None,
                                      secondary_files=patterns,
                                      secondary_required=required,
                                      output_binding=collected))
            record = t.Record(name=shortname(str(name)), fields=tuple(fields))
            return self.one_record(record, place, where)
        self.gap(f"type {tp!r}", where)
        return t.ANY

    def one_record(self, record: t.Record, place: Place, where: Position | None) -> t.Record:
        """The record a port of `place` gets: one record type declared at several places
        (a workflow input and the tool input it feeds) is one Python class when the places
        agree on everything both can hold, the bindings coming from the place that has them
        (the backend writes each place only what it can hold). The first pass collects the
        variants; the second (`unified`) hands out the merged ones."""
        key = (record.name, tuple((f.name, f.type) for f in record.fields))
        for merged in self.unified.get(key, ()):
            if _merge_records(merged[0], merged[1], record, place) is not None:
                return merged[0]
        variants = self.records.setdefault(key, [])
        for i, (seen, places) in enumerate(variants):
            both = _merge_records(seen, places, record, place)
            if both is not None:
                variants[i] = (both, places | {place})
                if both != seen or both != record:
                    self.merged_any = True
                return record
        # another declaration: another Python class, derived from the one it flows into
        # (see cwlgen.ir.record_flows; where no class can, the import is refused)
        variants.append((record, frozenset({place})))
        return record

    # --- values -----------------------------------------------------------------------
    def value(self, value: Any, base: str) -> Any:
        """A default as CWL sees it; relative File/Directory locations made absolute URIs
        (the Python writer makes them relative to where it writes)."""
        if hasattr(value, "save"):  # cwl-utils File/Directory objects in step defaults
            value = value.save(top=False, base_url=base, relative_uris=True)
        if isinstance(value, Mapping):
            out = {str(k): self.value(v, base) for k, v in value.items()}
            if out.get("class") in ("File", "Directory"):
                for key in ("location", "path"):
                    loc = out.get(key)
                    if isinstance(loc, str) and not urlparse(loc).scheme and loc:
                        out.pop(key)
                        out["location"] = urljoin(base, loc)
            return out
        if isinstance(value, list):
            return [self.value(v, base) for v in value]
        if isinstance(value, float) and value.is_integer() and getattr(value, "_exp", None):
            # cwltool prints a float default as it is written: 1.23e5 as 123000, 123000.0 as
            # 123000.0; an integral float written with an exponent behaves as the int does
            return int(value)
        return value

    # --- processes --------------------------------------------------------------------
    def key(self, obj: Any, name: str) -> str:
        """A stable identity: the document's path as shown to the user, plus `#id` (never an
        absolute path when the file is under the working directory: it appears in headers)."""
        oid = str(getattr(obj, "id", "") or "")
        if not oid or oid.startswith("_:"):
            # an inline process without an id, named after its step: two of them may share
            # a step id (a nested `step1` running a `step1`), so the key counts them
            if id(obj) not in self.anonymous:
                want = key = f"{display_uri(self.uri)}#{name}"
                n = 1
                while key in self.anonymous.values():
                    n += 1
                    key = f"{want}_{n}"
                self.anonymous[id(obj)] = key
                self.keep_alive.append(obj)  # id() stays unique while the loader lives
            return self.anonymous[id(obj)]
        doc, _, frag = oid.partition("#")
        return display_uri(doc) + (f"#{frag}" if frag else "")

    def process(self, obj: Any, name: str, where: Position | None = None) -> Process:
        from cwl_utils.parser import cwl_v1_2 as c

        key = str(getattr(obj, "id", "") or "")
        if key and not key.startswith("_:") and key in self.cache:
            return self.cache[key]
        pos = _loc(obj, where)
        self._read_schema_defs(obj)
        document = self.document_fields(obj, pos)
        if isinstance(obj, c.CommandLineTool):
            proc: Process = self.tool(obj, name, pos)
        elif isinstance(obj, c.Workflow):
            proc = self.workflow(obj, name, pos)
        elif isinstance(obj, c.ExpressionTool):
            proc = self.expression_tool(obj, name, pos)
        else:
            self.gap(f"a process of class {type(obj).__name__}", pos)
            proc = Tool(key=self.key(obj, name), name=name, loc=_src(pos),
                        inputs=tuple(self.inputs(obj, tool=False)),
                        outputs=tuple(self.plain_outputs(obj)))
        proc = _compact_formats(evolve(proc, **document), dict(document.get("namespaces", ())))
        if key and not key.startswith("_:"):
            self.cache[key] = proc
        return proc

    def document_fields(self, obj: Any, pos: Position | None) -> dict[str, Any]:
        """`$namespaces`, `$schemas` and metadata fields (`dct:creator`, `s:license`) as
        `namespaces=`, `schemas=` and `metadata=` hold them: prefixes as declared, local
        ontologies by path (the Python writer makes them relative to where it writes),
        metadata under its declared prefix (a full IRI where none is declared)."""
        options = getattr(obj, "loadingOptions", None)
        namespaces = {str(k): str(v) for k, v in
                      (getattr(options, "namespaces", None) or {}).items()}
        fields: dict[str, Any] = {}
        good = {k: v for k, v in namespaces.items() if k.isidentifier() and "://" in v}
        if good:
            fields["namespaces"] = tuple(sorted(good.items()))
        schemas = []
        base = str(getattr(options, "fileuri", None) or self.uri)
        for entry in getattr(options, "schemas", None) or []:
            url = urljoin(base, str(entry))
            if urlparse(url).scheme != "file":
                schemas.append(Ontology(name=url))
                continue
            path = unquote(urlparse(url).path)
            if not os.path.isfile(path):
                self.gap(f"$schemas entry {str(entry)!r}, which cannot be read (an ontology "
                         "file next to the document)", pos)
                continue
            schemas.append(Ontology(name=os.path.basename(path), path=path))
        if schemas:
            fields["schemas"] = tuple(schemas)
        metadata = []
        for field, value in (getattr(obj, "extension_fields", None) or {}).items():
            shown = _compact(str(field))
            for prefix, full in good.items():
                if str(field).startswith(full):
                    shown = f"{prefix}:{str(field)[len(full):]}"
            metadata.append((shown, _plain(value)))
        if metadata:
            fields["metadata"] = tuple(metadata)
        return fields

    def _read_schema_defs(self, obj: Any) -> None:
        from cwl_utils.parser import cwl_v1_2 as c

        for req in (obj.requirements or []):
            if isinstance(req, c.SchemaDefRequirement):
                for tp in req.types or []:
                    if getattr(tp, "name", None):
                        self.schema[str(tp.name)] = tp

    def _check_name(self, name: str, what: str, where: Position | None) -> None:
        if not _IDENT.match(name) or keyword.iskeyword(name):
            self.gap(f"{what} name {name!r} is not a Python identifier (only inputs can be "
                     "renamed, with Arg(name=...))", where)

    def inputs(self, obj: Any, *, tool: bool) -> list[InputPort]:
        from cwl_utils.parser import cwl_v1_2 as c

        base = self.base(obj)
        ports = []
        names = {shortname(p.id) for p in obj.inputs or []}
        for p in obj.inputs or []:
            name = shortname(p.id)
            pos = _loc(p, position_of(obj))
            renamed = None
            if not (_IDENT.match(name) and not keyword.iskeyword(name)):
                renamed = python_name(name)  # `in` -> `in_: Annotated[..., Arg(name="in")]`
                if renamed in names:
                    renamed = None
            if renamed is None:
                self._check_name(name, "input", pos)
            else:
                names.add(renamed)
            tp = self.type_of(p.type_, name, pos, "input" if tool else "none",
                              items_bound=tool)
            default = NO_DEFAULT if p.default is None else self.value(p.default, base)
            item_binding = None
            for member in p.type_ if isinstance(p.type_, list) else [p.type_]:
                ib = getattr(member, "inputBinding", None) if tool else None
                if getattr(member, "type_", None) == "array" and ib is not None:
                    item_binding = self.binding(ib, pos, default_position=None)  # Arg(items=)
            binding = None
            b = getattr(p, "inputBinding", None) if tool else None
            if isinstance(b, c.CommandLineBinding):
                binding = self.binding(b, pos)
                if (tp == t.BOOLEAN or tp == t.Optional(t.BOOLEAN)) and \
                        b.prefix is None and b.valueFrom is None:
                    # adds nothing to the command line, true or false (CWL spec): unbound,
                    # Arg(bind=False), which is what the DSL writes for it
                    binding = None
            if getattr(p, "streamable", None) and not tool:
                self.gap("streamable on a workflow input (Arg(streamable=True) marks a tool's "
                         "input)", pos)
            fmt = p.format
            if isinstance(fmt, list):
                self.gap("a list of formats on an input", pos)
                fmt = fmt[0] if fmt else None
            ports.append(InputPort(
                name=name, python_name=renamed, type=tp, default=default,
                label=_text(p.label), doc=_text(p.doc),
                binding=binding, format=_compact(fmt) if isinstance(fmt, str) else None,
                secondary_files=self.secondary(p.secondaryFiles)[0],
                secondary_required=self.secondary(p.secondaryFiles)[1],
                load_listing=getattr(p, "loadListing", None),
                load_contents=bool(getattr(p, "loadContents", None)),
                streamable=bool(tool and getattr(p, "streamable", None)),
                item_binding=item_binding, loc=_src(pos)))
        return ports

    def secondary(self, value: Any) -> tuple[tuple[str, ...],
                                             tuple[tuple[str, bool | str], ...]]:
        """secondaryFiles -> (patterns, (pattern, required) for those that say `required:`,
        a flag or an expression), as `SecondaryFile(pattern, required=...)` writes them."""
        patterns: list[str] = []
        required: list[tuple[str, bool | str]] = []
        for s in value or []:
            pattern = str(getattr(s, "pattern", s))
            flag = getattr(s, "required", None)
            patterns.append(pattern)
            if isinstance(flag, (bool, str)):
                required.append((pattern, flag))
        return tuple(patterns), tuple(required)

    def binding(self, b: Any, where: Position | None, *,
                default_position: int | None = 0) -> Binding:
        position = b.position  # an expression (`$(self)`) is kept: Arg(position="$(...)")
        if getattr(b, "loadContents", None):
            self.gap("loadContents inside inputBinding", where)
        return Binding(
            position=position if position is not None else default_position,
            prefix=b.prefix, separate=b.separate is not False,
            item_separator=b.itemSeparator, shell_quote=b.shellQuote is not False,
            value_from=b.valueFrom)

    def plain_outputs(self, obj: Any) -> list[OutputPort]:
        out = []
        for o in obj.outputs or []:
            name = shortname(o.id)
            pos = _loc(o, position_of(obj))
            out.append(OutputPort(name=name, type=self.type_of(o.type_, name, pos),
                                  loc=_src(pos)))
        return out

    def tool(self, obj: Any, name: str, pos: Position | None) -> Tool:
        from cwl_utils.parser import cwl_v1_2 as c

        key = self.key(obj, name)
        inputs = self.inputs(obj, tool=True)
        stdin_input = None
        stdin_expr: str | None = None
        if obj.stdin is not None:
            m = _STDIN_REF.match(str(obj.stdin))
            port = next((p for p in inputs if m and p.name == m.group(1)), None)
            if port is not None and port.binding is None and port.type == t.FILE:
                stdin_input = port.name
            elif str(obj.stdin).lstrip().startswith(("$(", "${")):
                stdin_expr = str(obj.stdin)  # @tool(..., stdin="$(...)")
            else:
                self.gap(f"stdin: {obj.stdin} (a path that is not an expression)", pos)
        for p in obj.inputs or []:
            if p.type_ == "stdin":
                stdin_input = shortname(p.id)
                inputs = [evolve(i, binding=None) if i.name == stdin_input else i
                          for i in inputs]
        outputs = []
        stdout_name = obj.stdout
        stderr_name = obj.stderr
        for o in obj.outputs or []:
            oname = shortname(o.id)
            opos = _loc(o, pos)
            self._check_name(oname, "output", opos)
            tp = self.type_of(o.type_, oname, opos, "output")
            stream = o.type_ if o.type_ in ("stdout", "stderr") else None
            ob = o.outputBinding
            glob = None
            globs: tuple[str, ...] = ()
            if stream:
                glob = stdout_name if stream == "stdout" else stderr_name
            collected = isinstance(t.strip_optional(tp), t.Record) and any(
                f.output_binding for f in t.strip_optional(tp).fields)  # type: ignore[union-attr]
            from_json = not stream and not collected and (ob is None or (
                ob.glob is None and ob.outputEval is None and not ob.loadContents))
            if ob is not None:
                if isinstance(ob.glob, list):
                    if len(ob.glob) == 1:
                        glob = str(ob.glob[0])
                    else:
                        globs = tuple(str(g) for g in ob.glob)  # Out(glob=[...])
                elif ob.glob is not None:
                    glob = str(ob.glob)
            fmt = o.format
            if isinstance(fmt, list):
                self.gap("a list of formats on an output", opos)
                fmt = None
            outputs.append(OutputPort(
                name=oname, type=tp, glob=glob,
                load_contents=bool(ob and ob.loadContents),
                streamable=bool(getattr(o, "streamable", None)),
                output_eval=ob.outputEval if ob else None, stream=stream,
                format=_compact(fmt) if isinstance(fmt, str) else None,
                secondary_files=self.secondary(o.secondaryFiles)[0],
                secondary_required=self.secondary(o.secondaryFiles)[1],
                from_output_json=from_json,
                load_listing=getattr(ob, "loadListing", None) if ob else None, globs=globs,
                doc=_join(_text(o.label), _text(o.doc)), loc=_src(opos)))
        if any(o.from_output_json for o in outputs):
            # when the tool writes cwl.output.json every output comes from it; the others'
            # bindings apply when it does not: Out(glob=..., output_json=True)
            outputs = [evolve(o, from_output_json=True) for o in outputs]
        streams: tuple[tuple[Literal["stdout", "stderr"], str | None], ...] = (
            ("stdout", stdout_name), ("stderr", stderr_name))
        for stream, fname in streams:
            if fname is None or any(o.stream == stream for o in outputs):
                continue
            # `stdout: x.txt` plus an output globbing x.txt is what stdout("x.txt") writes
            match = next((i for i, o in enumerate(outputs) if o.glob == fname and o.type ==
                          t.FILE and not o.output_eval and not o.load_contents), None)
            if match is not None:
                outputs[match] = evolve(outputs[match], stream=stream)
            # else: redirected to a file an output reads: @tool(..., stdout="name")
        base = obj.baseCommand
        base_command = tuple([base] if isinstance(base, str) else (base or []))
        if not base_command and not obj.arguments and not any(p.binding for p in inputs):
            self.gap("a tool with no baseCommand, arguments or bound inputs", pos)
        arguments = []
        for a in obj.arguments or []:
            if isinstance(a, str):
                arguments.append(Argument(value=a))
            elif isinstance(a, c.CommandLineBinding) and a.valueFrom is not None:
                b = self.binding(a, pos)
                arguments.append(Argument(value=str(a.valueFrom),
                                          binding=evolve(b, value_from=None)))
            else:
                self.gap("an argument without valueFrom", pos)
        if not (self.shell_inherited or _names_shell(obj)):
            # without ShellCommandRequirement, shellQuote: false has no effect (CWL spec);
            # the DSL would add the requirement, so drop the flag instead
            inputs = [evolve(p, binding=evolve(p.binding, shell_quote=True))
                      if p.binding is not None else p for p in inputs]
            inputs = [evolve(p, item_binding=evolve(p.item_binding, shell_quote=True))
                      if p.item_binding is not None else p for p in inputs]
            arguments = [evolve(a, binding=evolve(a.binding, shell_quote=True))
                         if a.binding is not None else a for a in arguments]
        taken = {p.python_name or p.name for p in inputs} | {o.name for o in outputs}
        for clash in sorted({p.name for p in inputs} & {o.name for o in outputs}):
            # the output keeps the name (outputs are NamedTuple fields), the input is renamed
            # in Python: `filelist_in: Annotated[File, Arg(name="filelist")]`
            new = f"{clash}_in"
            while new in taken:
                new += "_"
            taken.add(new)
            inputs = [evolve(p, python_name=new) if p.name == clash and p.python_name is None
                      else p for p in inputs]
        fields = self.tool_requirements(obj, inputs, pos)
        return Tool(
            key=key, name=name, label=_text(obj.label), doc=_text(obj.doc),
            base_command=base_command, arguments=tuple(arguments),
            inputs=tuple(fields.pop("inputs")), outputs=tuple(outputs),
            stdin_input=stdin_input, stdin_expr=stdin_expr, stdout_name=stdout_name,
            stderr_name=stderr_name,
            success_codes=tuple(obj.successCodes or ()),
            temporary_fail_codes=tuple(obj.temporaryFailCodes or ()),
            permanent_fail_codes=tuple(obj.permanentFailCodes or ()), loc=_src(pos), **fields)

    def expression_tool(self, obj: Any, name: str, pos: Position | None) -> Tool:
        """An ExpressionTool: `@expression_tool(js)`, which takes no requirements of its own
        but a time limit."""
        from cwl_utils.parser import cwl_v1_2 as c

        resources: ResourceSpec | None = None
        for hint, items in ((False, obj.requirements or []), (True, obj.hints or [])):
            for req in items:
                if isinstance(req, c.InlineJavascriptRequirement) and not req.expressionLib:
                    continue
                if isinstance(req, (c.SchemaDefRequirement, c.StepInputExpressionRequirement)):
                    continue
                limit = getattr(req, "timelimit", None)
                if isinstance(req, c.ToolTimeLimit) and not hint and resources is None and (
                        (isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0)
                        or (isinstance(limit, str) and limit.startswith(("$(", "${")))):
                    # @expression_tool(..., time_limit=...)
                    resources = ResourceSpec(time_limit_s=limit) if isinstance(limit, int) \
                        and limit > 0 else ResourceSpec(time_limit_cwl=limit)
                    continue
                cls = _compact(str(getattr(req, "class_", None) or type(req).__name__))
                self.gap(f"{'hint' if hint else 'requirement'} {cls} on an ExpressionTool",
                         _loc(req, pos))
        outputs = self.plain_outputs(obj)
        for o, raw_out in zip(outputs, obj.outputs or [], strict=False):
            self._check_name(o.name, "output", _loc(raw_out, pos))
        return Tool(key=self.key(obj, name), name=name, label=_text(obj.label),
                    doc=_text(obj.doc), inputs=tuple(self.inputs(obj, tool=False)),
                    outputs=tuple(outputs), expression=str(obj.expression),
                    resources=resources, loc=_src(pos))

    def raw(self, req: Any, base: str) -> tuple[tuple[str, Any], ...]:
        if isinstance(req, Mapping):
            d = dict(req)
        else:
            d = req.save(top=False, base_url=base, relative_uris=True)
        d.pop("$namespaces", None)
        if isinstance(d.get("class"), str):
            d["class"] = _compact(d["class"])
        d = self.value(d, base)  # File/Directory literals: absolute until written
        return tuple(d.items())

    def tool_requirements(self, obj: Any, inputs: list[InputPort],
                          pos: Position | None) -> dict[str, Any]:
        from cwl_utils.parser import cwl_v1_2 as c

        fields: dict[str, Any] = {}
        extra_req: list[tuple[tuple[str, Any], ...]] = []
        extra_hint: list[tuple[tuple[str, Any], ...]] = []
        res: dict[str, Any] = {}
        shell_needed = any(p.binding is not None and not p.binding.shell_quote
                           for p in inputs) or any(
            not isinstance(a, str) and getattr(a, "shellQuote", None) is False
            for a in obj.arguments or [])
        for hint, items in ((False, obj.requirements or []), (True, obj.hints or [])):
            for req in items:
                rpos = _loc(req, pos)
                extra = extra_hint if hint else extra_req
                if isinstance(req, c.InlineJavascriptRequirement) and not req.expressionLib:
                    continue
                if isinstance(req, c.SchemaDefRequirement):
                    continue
                docker = {k: getattr(req, cwl, None) for k, cwl in (
                    ("image", "dockerPull"), ("load", "dockerLoad"), ("file", "dockerFile"),
                    ("import_from", "dockerImport"), ("image_id", "dockerImageId"),
                    ("output_directory", "dockerOutputDirectory"))}
                if isinstance(req, c.DockerRequirement) and "container" not in fields and any(
                        docker[k] for k in ("image", "load", "file", "import_from", "image_id")
                ) and all(v is None or isinstance(v, str) for v in docker.values()):
                    # container="image", or Container(...) for the rest
                    fields["container"] = Container(required=not hint, **docker)
                    continue
                if isinstance(req, c.SoftwareRequirement) and hint and "packages" not in fields:
                    fields["packages"] = tuple(
                        Package(name=str(p.package), versions=tuple(p.version or ()))
                        for p in req.packages)
                    if not any(getattr(p, "specs", None) for p in req.packages):
                        continue
                    del fields["packages"]
                if isinstance(req, c.ResourceRequirement) and not hint and not any(
                        k in res for k in ("cores", "ram_mib", "tmpdir_mib", "outdir_mib",
                                           "exact")):
                    spec = self.resource_requirement(req)
                    if spec is not None:
                        res.update(spec)
                        continue
                if isinstance(req, c.EnvVarRequirement) and not hint and "env" not in fields:
                    fields["env"] = tuple((str(e.envName), str(e.envValue))
                                          for e in req.envDef)
                    continue
                if isinstance(req, c.ShellCommandRequirement) and not hint:
                    if not shell_needed:  # nothing unquoted: @tool(..., shell=True)
                        fields["shell"] = True
                    continue
                if isinstance(req, c.NetworkAccess) and not hint and \
                        req.networkAccess is True:
                    fields["network"] = True
                    continue
                if isinstance(req, c.WorkReuse) and not hint and req.enableReuse is False:
                    fields["deterministic"] = False
                    continue
                if isinstance(req, c.ToolTimeLimit) and not hint and \
                        "time_limit_s" not in res and "time_limit_cwl" not in res:
                    limit = req.timelimit
                    if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
                        res["time_limit_s"] = limit
                        continue
                    if limit == 0 or (isinstance(limit, str) and limit.startswith(("$(", "${"))):
                        res["time_limit_cwl"] = limit  # no limit; computed from the inputs
                        continue
                    if isinstance(limit, (int, float)) and not isinstance(limit, bool) and \
                            limit < 0:
                        self.gap(f"ToolTimeLimit timelimit: {limit}, which CWL does not allow "
                                 "(cwltool fails the tool when it runs); Resources(time_limit=) "
                                 "writes 0 (no limit) or a positive number of seconds", rpos)
                        continue
                if isinstance(req, c.InitialWorkDirRequirement) and not hint and \
                        "files" not in fields:
                    staged = self.initial_workdir(req, inputs, self.base(obj))
                    if staged is not None:
                        inputs = staged.pop("inputs")
                        fields.update({k: v for k, v in staged.items() if v})
                        continue
                if isinstance(req, c.InplaceUpdateRequirement) and not hint and \
                        req.inplaceUpdate and any(p.staging and p.staging.writable
                                                  for p in inputs):
                    inputs = [evolve(p, staging=evolve(p.staging, inplace=True))
                              if p.staging and p.staging.writable else p for p in inputs]
                    continue
                cuda = dict(self.raw(req, self.base(obj))) if hint else {}
                if cuda.get("class") == "cwltool:CUDARequirement" and "gpus" not in res and \
                        isinstance(cuda.get("cudaDeviceCountMin"), int) and \
                        set(cuda) <= {"class", "cudaVersionMin", "cudaComputeCapability",
                                      "cudaDeviceCountMin"}:
                    # what Resources(gpus=..., cuda_version=..., cuda_compute_capability=...)
                    # writes back
                    res["gpus"] = cuda["cudaDeviceCountMin"]
                    if cuda.get("cudaVersionMin") is not None:
                        res["cuda_version"] = str(cuda["cudaVersionMin"])
                    if cuda.get("cudaComputeCapability") is not None:
                        res["cuda_compute_capability"] = str(cuda["cudaComputeCapability"])
                    continue
                raw = self.raw(req, self.base(obj))
                cls = dict(raw).get("class")
                if hint and cls in HINTABLE:  # `hints=[{...}]`: a default a workflow overrides
                    extra.append(raw)
                    continue
                if isinstance(cls, str) and cls in MANAGED_CLASSES:
                    # cwlgen writes this class itself, from its own spelling; this one says
                    # more than that spelling can (an expression, a maximum, a file to build)
                    self.gap(f"{cls} beyond what {MANAGED_CLASSES[cls]} writes", rpos)
                    continue
                del rpos
                extra.append(raw)
        if res:
            fields["resources"] = ResourceSpec(**res)
        if extra_req:
            fields["extra_requirements"] = tuple(extra_req)
        if extra_hint:
            fields["extra_hints"] = tuple(extra_hint)
        fields["inputs"] = inputs
        return fields

    @staticmethod
    def resource_requirement(req: Any) -> dict[str, Any] | None:
        """ResourceRequirement as `Resources(...)` holds it: the minima as numbers, maxima and
        expressions as written, sizes in whole MiB (a fraction rounded up, as the CWL spec
        says runners do); None when a value is neither a positive number nor an expression
        (invalid: kept as CWL)."""
        spec: dict[str, Any] = {}
        exact: list[tuple[str, float | str]] = []
        for cwl, key in (("cores", "cores"), ("ram", "ram_mib"), ("tmpdir", "tmpdir_mib"),
                         ("outdir", "outdir_mib")):
            for bound in ("Min", "Max"):
                value = getattr(req, cwl + bound, None)
                if value is None:
                    continue
                if isinstance(value, str) and value.lstrip().startswith(("$(", "${")):
                    exact.append((cwl + bound, value))
                    continue
                if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                        value <= 0:
                    return None
                if cwl != "cores":  # CWL rounds a fraction of a MiB up, as Resources does
                    value = int(-(-value // 1))
                if bound == "Max":
                    exact.append((cwl + bound, value))
                else:
                    spec[key] = value
        order = {f"{cwl}{b}": i for i, (cwl, b) in enumerate(
            (c, b) for c in ("cores", "ram", "tmpdir", "outdir") for b in ("Min", "Max"))}
        if exact:
            spec["exact"] = tuple(sorted(exact, key=lambda kv: order[kv[0]]))
        return spec

    def initial_workdir(self, req: Any, inputs: list[InputPort], base: str) -> (
        dict[str, Any] | None
    ):
        """The tool fields an InitialWorkDirRequirement becomes (files, Dirent entries,
        File/Directory literals or a listing expression) and the inputs with their staging;
        None when an entry says more than these (a literal with a listing or contents)."""
        from cwl_utils.parser import cwl_v1_2 as c

        if isinstance(req.listing, str):
            if not req.listing.lstrip().startswith(("$(", "${")):
                return None
            return {"workdir_listing": req.listing, "inputs": inputs}
        if not isinstance(req.listing, list):
            return None
        files: list[tuple[str, str]] = []
        dirents: list[tuple[Any, str | None, bool]] = []
        staged: dict[str, Staging] = {}
        by_name = {p.name: p for p in inputs}
        for entry in req.listing:
            if isinstance(entry, (c.File, c.Directory)) or (
                    isinstance(entry, list) and entry and all(
                        isinstance(e, (c.File, c.Directory)) for e in entry)):
                literal = self.value(entry, base)  # File("x")/Directory("d") or a list
                if any(set(x) != {"class", "location"}
                       for x in (literal if isinstance(literal, list) else [literal])):
                    return None
                dirents.append((literal, None, False))
                continue
            if isinstance(entry, str):
                # a bare `$(inputs.x)` stages x as `{entry: $(inputs.x)}` does; any other
                # expression yields Files/Directories to stage (`Dirent("$(...)")`)
                entry = c.Dirent(entry=entry)
            if not isinstance(entry, c.Dirent) or not isinstance(entry.entry, str) or not (
                    entry.entryname is None or (isinstance(entry.entryname, str) and
                                                entry.entryname)):
                return None
            m = _STAGE_REF.match(str(entry.entry))
            stageable = m is not None and m.group(1) in by_name and \
                m.group(1) not in staged and _stageable(by_name[m.group(1)].type,
                                                        named=entry.entryname is not None)
            if m and stageable:
                staged[m.group(1)] = Staging(name=entry.entryname,
                                             writable=bool(entry.writable))
                continue
            name = entry.entryname
            if isinstance(name, str) and name and "/" not in name and "$" not in name and \
                    not entry.writable and \
                    not re.search(r"(?<!\\)\$[({]", name) and \
                    not re.fullmatch(r"\$\(.*\)", entry.entry, re.S):
                # text (CWL v1.2 interpolates an entry with anything around its one
                # expression, even a YAML block's trailing newline, into a string)
                files.append((name, str(entry.entry)))
                continue
            dirents.append((str(entry.entry), name, bool(entry.writable)))
        return {"files": tuple(files), "workdir": tuple(dirents),
                "inputs": [evolve(p, staging=staged[p.name])
                           if p.name in staged else p for p in inputs]}

    def workflow(self, obj: Any, name: str, pos: Position | None) -> Workflow:
        from cwl_utils.parser import cwl_v1_2 as c

        key = self.key(obj, name)
        inputs = self.inputs(obj, tool=False)
        in_types = {p.name: p.type for p in inputs}
        wf_reqs: list[tuple[tuple[str, Any], ...]] = []
        wf_hints: list[tuple[tuple[str, Any], ...]] = []
        for hint, items in ((False, obj.requirements or []), (True, obj.hints or [])):
            for req in items:
                cls = _compact(str(getattr(req, "class_", None) or (
                    req.get("class") if isinstance(req, Mapping) else type(req).__name__)))
                if cls in _AUTO_REQUIREMENTS or cls in (
                    "SchemaDefRequirement", "InlineJavascriptRequirement",
                    "StepInputExpressionRequirement",
                ):
                    continue
                (wf_hints if hint else wf_reqs).append(self.raw(req, self.base(obj)))
        steps: list[Step] = []
        out_types: dict[tuple[str, str], t.CwlType] = {}

        prefix = _id_prefix(obj)

        def source(ref: str, where: Position | None) -> Source | None:
            frag = ref[len(prefix):] if ref.startswith(prefix) else ref.rpartition("#")[2]
            if "/" in frag:
                step, _, out = frag.rpartition("/")
                step = step.rpartition("/")[2]
                tp = out_types.get((step, out))
                if tp is None:
                    return None
                return StepOutputRef(step=step, output=out, type=tp, loc=_src(where))
            if frag in in_types:
                return WorkflowInputRef(name=frag, type=in_types[frag])
            return None

        for s in self._ordered_steps(obj):
            sid = shortname(s.id)
            spos = _loc(s, pos)
            self._check_name(sid, "step", spos)
            run = s.run
            if isinstance(run, str):
                run = self.resolve_run(run)
            outer_shell = self.shell_inherited
            self.shell_inherited = outer_shell or _names_shell(obj) or _names_shell(s)
            try:
                proc = self.process(run, python_name(
                    sid if str(getattr(run, "id", "")).startswith("_:")
                    else self._process_name(run)), spos)
            finally:
                self.shell_inherited = outer_shell
            step_extra: dict[str, list[tuple[tuple[str, Any], ...]]] = {
                "requirement": [], "hint": []}
            for req_list, what in ((s.requirements, "requirement"), (s.hints, "hint")):
                for req in req_list or []:
                    cls = _compact(str(getattr(req, "class_", None) or (
                        req.get("class") if isinstance(req, Mapping) else
                        type(req).__name__)))
                    if cls in ("SubworkflowFeatureRequirement", "ScatterFeatureRequirement",
                               "MultipleInputFeatureRequirement",
                               "StepInputExpressionRequirement", "SchemaDefRequirement"):
                        continue  # cwlgen adds what the step needs
                    step_extra[what].append(self.raw(req, self.base(obj)))
            when_refs: list[str] = []
            if s.when is not None:
                tree = parse_when(str(s.when))
                if tree is not None:
                    when_refs = refs_of(tree)
                # else `.when(cwl_condition(...))`: the inputs it reads are plain step inputs
                # (`.with_inputs(...)` for those the process does not declare)
            scatter = s.scatter or []
            scatter = [scatter] if isinstance(scatter, str) else scatter
            scatter_names = {shortname(x) for x in scatter}
            declared = {p.name for p in proc.inputs}
            step_inputs = []
            for si in s.in_ or []:
                iname = shortname(si.id)
                ipos = _loc(si, spos)
                if iname not in declared:
                    src = si.source
                    found = source(str(src), ipos) if isinstance(src, str) else None
                    if iname in when_refs and found is not None and si.valueFrom is None \
                            and si.default is None and not si.pickValue:
                        # read only by `when`: the DSL adds it from the condition's promise
                        step_inputs.append(StepInput(name=iname, sources=(found,), extra=True,
                                                     scattered=iname in scatter_names,
                                                     loc=_src(ipos)))
                        continue
                    plain = si.valueFrom is None and not si.pickValue and \
                        _IDENT.match(iname) and not keyword.iskeyword(iname)
                    scattered = iname in scatter_names  # `.with_inputs(name=each(value))`
                    if plain and found is not None and si.default is None and (
                            not scattered or isinstance(found.type, t.Array)):
                        # `.with_inputs(name=value)`: read by the step's expressions only
                        step_inputs.append(StepInput(name=iname, sources=(found,), extra=True,
                                                     scattered=scattered, loc=_src(ipos)))
                        continue
                    if plain and src is None and si.default is not None and (
                            not scattered or isinstance(si.default, list)):
                        value = self.value(si.default, self.base(obj))
                        step_inputs.append(StepInput(name=iname, extra=True, default=value,
                                                     scattered=scattered, loc=_src(ipos)))
                        continue
                    self.gap(f"step input '{iname}' that '{proc.name}' does not declare "
                             "(the DSL adds undeclared step inputs with .with_inputs(name="
                             "value): one plain source or a default, a list if scattered)",
                             ipos)
                    continue
                unchecked = False  # the value is transformed on the way: no type to check
                for attr, what in (("loadContents", "loadContents on a step input without "
                                    "valueFrom (value_from(..., load_contents=True) reads it)"),
                                   ("loadListing", "loadListing on a step input")):
                    if attr == "loadContents" and si.valueFrom is not None:
                        continue  # value_from(..., load_contents=True)
                    if getattr(si, attr, None):
                        self.gap(what, ipos)
                        unchecked = True
                refs = si.source
                refs = [] if refs is None else ([refs] if isinstance(refs, str) else refs)
                sources = []
                for r in refs:
                    found = source(str(r), ipos)
                    if found is None:
                        self.error(f"source '{shortname(str(r))}' of step input '{iname}' "
                                   "is not a workflow input or a step's output", ipos)
                    else:
                        sources.append(found)
                if unchecked or len(sources) != len(refs):
                    # given, but in a way the IR cannot type: the checks leave it alone
                    step_inputs.append(StepInput(name=iname, loc=_src(ipos)))
                    continue
                computed = self.computed_input(si, iname, sources, proc, scatter_names,
                                               self.base(obj), ipos)
                if computed is not None:
                    step_inputs.append(computed)
                    continue
                if not sources and si.default is None:
                    continue  # nothing connected: the run process's own default applies
                merge = si.linkMerge
                step_inputs.append(StepInput(
                    name=iname, sources=tuple(sources),
                    default=NO_DEFAULT if sources else self.value(si.default, self.base(obj)),
                    merge=len(sources) > 1 or (bool(merge) and bool(sources)),
                    scattered=iname in scatter_names, loc=_src(ipos)))
            given = {i.name: i for i in step_inputs}
            for ref_name in when_refs:
                used = given.get(ref_name)
                if used is None or len(used.sources) != 1 or used.value_from is not None or \
                        used.pick_value is not None or used.merge or \
                        used.default is not NO_DEFAULT:
                    self.gap(f"when: reads inputs.{ref_name}, which is not one plain source "
                             "(.when(...) reads workflow inputs and step results)", spos)
            method = s.scatterMethod or ("dotproduct" if scatter else None)
            if scatter and len(scatter) > 1 and s.scatterMethod is None:
                method = "dotproduct"
            written = [p.name for p in proc.inputs if p.name in scatter_names] + sorted(
                scatter_names - declared)  # the order the DSL writes `scatter:` in
            if method in ("nested_crossproduct", "flat_crossproduct") and \
                    [shortname(str(x)) for x in scatter] != written:
                # the order decides how the results nest (or are ordered): not lost silently
                self.gap(f"scatter: [{', '.join(shortname(str(x)) for x in scatter)}] with "
                         f"{method} in another order than the DSL writes it "
                         f"([{', '.join(written)}]: the parameters' order)", spos)
            levels = 0
            if scatter:
                levels = len(scatter) if method == "nested_crossproduct" else 1
            for o in proc.outputs:
                tp = o.type
                if s.when is not None and not isinstance(tp, t.Optional):
                    tp = t.Optional(tp)  # a skipped step yields null
                for _ in range(levels):
                    tp = t.Array(tp)
                out_types[(sid, o.name)] = tp
            steps.append(Step(id=sid, process=proc, inputs=tuple(step_inputs),
                              scatter_method=method,
                              when=str(s.when) if s.when is not None else None,
                              extra_requirements=tuple(step_extra["requirement"]),
                              extra_hints=tuple(step_extra["hint"]), loc=_src(spos)))
        outputs = []
        for o in obj.outputs or []:
            oname = shortname(o.id)
            opos = _loc(o, pos)
            self._check_name(oname, "output", opos)
            tp = self.type_of(o.type_, oname, opos)
            refs = o.outputSource
            refs = [] if refs is None else ([refs] if isinstance(refs, str) else refs)
            srcs = [x for x in (source(str(r), opos) for r in refs) if x is not None]
            if len(srcs) != len(refs) or not refs:
                self.error(f"outputSource of workflow output '{oname}' is missing or names "
                           "nothing the workflow has", opos)
            pick = getattr(o, "pickValue", None)
            if pick:
                self._check_picked(oname, tp, str(pick), srcs, o.linkMerge, opos)
                if o.linkMerge == "merge_flattened":
                    pass  # pick_value(merge_flattened(a, b), method=...)
                elif len(srcs) == 1 and not isinstance(t.strip_optional(srcs[0].type),
                                                        t.Array):
                    self.gap("pickValue on a single value that is not a list", opos)
                    srcs = []
            merged = len(srcs) > 1 or (o.linkMerge is not None and bool(srcs))
            outputs.append(WorkflowOutput(
                name=oname, type=tp, source=srcs[0] if srcs and not merged else None,
                merged=tuple(srcs) if merged else (),
                link_merge=str(o.linkMerge or "merge_nested") if srcs else "merge_nested",
                pick_value=str(pick) if pick and srcs else None, loc=_src(opos)))
        del c
        return Workflow(key=key, name=name, label=_text(obj.label), doc=_text(obj.doc),
                        inputs=tuple(inputs), outputs=tuple(outputs), steps=tuple(steps),
                        extra_requirements=tuple(wf_reqs), extra_hints=tuple(wf_hints),
                        loc=_src(pos))

    def computed_input(self, si: Any, name: str, sources: list[Source], proc: Process,
                       scatter_names: set[str], base: str,
                       where: Position | None) -> StepInput | None:
        """A step input computed at the step (value_from, pick_value, merge_flattened,
        or_default), or None for a plain one. The DSL spells one of these per argument."""
        value_from = si.valueFrom
        pick = si.pickValue
        flattened = si.linkMerge == "merge_flattened" and bool(sources)
        with_default = bool(sources) and si.default is not None
        kinds = [k for k, on in (("valueFrom", value_from is not None), ("pickValue", pick),
                                 ("linkMerge: merge_flattened", flattened),
                                 ("source plus default", with_default)) if on]
        if not kinds:
            return None
        port = proc.input(name)
        scattered = name in scatter_names
        if kinds == ["pickValue", "linkMerge: merge_flattened"]:
            # pick_value(merge_flattened(a, b), method=...): picked among the flat list
            flat = t.flattened_type([s.type for s in sources])
            return StepInput(name=name, sources=tuple(sources), merge=True,
                             link_merge="merge_flattened", pick_value=str(pick),
                             type=t.picked_type([flat], str(pick)), scattered=scattered,
                             loc=_src(where))
        if len(kinds) > 1:
            self.gap(f"a step input combining {' and '.join(kinds)} (the DSL computes a step "
                     "input one way: value_from, pick_value, merge_flattened or or_default)",
                     where)
            return StepInput(name=name, loc=_src(where))
        if value_from is not None:
            several = len(sources) > 1 or si.linkMerge == "merge_nested"
            if si.linkMerge == "merge_flattened" or (si.default is not None and not sources) \
                    or (several and si.default is not None):
                self.gap("valueFrom on a step input with a default or merge_flattened "
                         "(value_from takes one `self=` value or list of values)", where)
                return StepInput(name=name, loc=_src(where))
            if port is None:
                self.gap(f"valueFrom on step input '{name}' that '{proc.name}' does not "
                         "declare", where)
                return StepInput(name=name, loc=_src(where))
            return StepInput(name=name, sources=tuple(sources), value_from=str(value_from),
                             merge=several, type=port.type, scattered=scattered,
                             load_contents=bool(si.loadContents), loc=_src(where))
        types = [s.type for s in sources]
        if pick:
            if len(sources) == 1 and not isinstance(t.strip_optional(types[0]), t.Array):
                self.gap("pickValue on a single value that is not a list", where)
                return StepInput(name=name, loc=_src(where))
            if si.linkMerge == "merge_flattened":
                return StepInput(name=name, loc=_src(where))  # counted above
            return StepInput(name=name, sources=tuple(sources), merge=len(sources) > 1,
                             pick_value=str(pick), type=t.picked_type(types, str(pick)),
                             scattered=scattered, loc=_src(where))
        if flattened:
            return StepInput(name=name, sources=tuple(sources), merge=True,
                             link_merge="merge_flattened", type=t.flattened_type(types),
                             scattered=scattered, loc=_src(where))
        if len(sources) > 1 or si.linkMerge:
            self.gap("a step input with several sources and a default (or_default takes one "
                     "value)", where)
            return StepInput(name=name, loc=_src(where))
        return StepInput(name=name, sources=tuple(sources),
                         default=self.value(si.default, base),
                         type=t.strip_optional(types[0]), scattered=scattered,
                         loc=_src(where))

    def _check_picked(self, name: str, declared: t.CwlType, method: str,
                      sources: list[Source], link_merge: str | None,
                      where: Position | None) -> None:
        """What `pickValue` yields must fit the declared type (cwltool rejects it otherwise)."""
        if not sources:
            return
        first = t.strip_optional(sources[0].type)
        if link_merge == "merge_flattened" and isinstance(first, t.Array):
            item = t.strip_optional(first.items)  # arrays flattened into one list
        elif len(sources) > 1 or link_merge:
            item = first  # one value per source
        else:
            whole = t.strip_optional(sources[0].type)
            if not isinstance(whole, t.Array):
                return
            item = t.strip_optional(whole.items)
        picked: t.CwlType = t.Array(item) if method == "all_non_null" else item
        if not t.assignable(picked, declared):
            self.error(f"output '{name}' is declared {declared}, but pickValue: {method} "
                       f"gives {picked}", where)

    def _process_name(self, run: Any) -> str:
        rid = str(getattr(run, "id", "") or "")
        frag = rid.partition("#")[2]
        if frag and frag != "main":
            return frag.rpartition("/")[2]
        path = unquote(urlparse(rid).path)
        stem = path.rpartition("/")[2]
        return stem.rsplit(".", 1)[0] if "." in stem else stem or "process"

    def _ordered_steps(self, obj: Any) -> list[Any]:
        """Steps in dependency order (CWL allows any order; tracing needs sources first)."""
        steps = list(obj.steps or [])
        ids = {str(s.id): s for s in steps}
        prefix = _id_prefix(obj)
        deps: dict[str, set[str]] = {}
        for s in steps:
            found: set[str] = set()
            for si in s.in_ or []:
                refs = si.source
                refs = [] if refs is None else ([refs] if isinstance(refs, str) else refs)
                for r in refs:
                    r = str(r)
                    frag = r[len(prefix):] if r.startswith(prefix) else r.rpartition("#")[2]
                    if "/" in frag:
                        step = frag.rpartition("/")[0]
                        for sid in ids:
                            if shortname(sid) == step.rpartition("/")[2]:
                                found.add(sid)
            deps[str(s.id)] = found
        order: list[Any] = []
        done: set[str] = set()
        pending = [str(s.id) for s in steps]
        while pending:
            progressed = False
            for sid in list(pending):
                if deps[sid] <= done | {sid}:
                    order.append(ids[sid])
                    done.add(sid)
                    pending.remove(sid)
                    progressed = True
            if not progressed:  # a cycle: keep the written order, the checks report it
                order += [ids[sid] for sid in pending]
                break
        return order


def _merge_records(seen: t.Record, places: frozenset[str], record: t.Record,
                   place: Place) -> t.Record | None:
    """`seen` (used at `places`) and `record` (at `place`) as one record, or None when they
    differ in what both places hold: docs, formats and secondary files everywhere, field
    `inputBinding` on tool inputs, `outputBinding` on tool outputs."""
    fields = []
    for a, b in zip(seen.fields, record.fields, strict=True):
        if (a.doc, a.format, a.secondary_files, a.secondary_required) != (
                b.doc, b.format, b.secondary_files, b.secondary_required):
            return None
        binding, output_binding = a.binding, a.output_binding
        if place in ("input", "both"):
            if places & {"input", "both"} and a.binding != b.binding:
                return None
            binding = b.binding
        if place in ("output", "both"):
            if places & {"output", "both"} and a.output_binding != b.output_binding:
                return None
            output_binding = b.output_binding
        fields.append(evolve(a, binding=binding, output_binding=output_binding))
    return evolve(seen, fields=tuple(fields))


def _id_prefix(obj: Any) -> str:
    """What precedes the short names of a workflow's inputs and steps in their full ids
    (`file:///wf.cwl#`, `file:///wf.cwl#main/`, `file:///wf.cwl#step/run/`)."""
    for item in [*(obj.steps or []), *(obj.inputs or []), *(obj.outputs or [])]:
        full = str(item.id)
        return full[: len(full) - len(shortname(full))]
    return str(obj.id) + "/"


def load_process(obj: Any, uri: str) -> Loaded:
    """Turn a cwl-utils process (and everything it runs) into IR."""
    loader = _Loader(uri)
    name = python_name(loader._process_name(obj), "process")
    proc = loader.process(obj, name)
    if loader.merged_any:  # again, each place getting its record's merged variant
        again = _Loader(uri)
        again.documents = loader.documents
        again.unified = loader.records
        proc = again.process(obj, name)
        loader = again
    if any(len(v) > 1 for v in loader.unified.values() or loader.records.values()):
        for clash in record_bases(proc)[1]:
            # the Python holds one class per declaration, which mypy lets one be passed for
            # the other only where that one derives from it
            where = clash.loc
            loader.gap(f"record {clash.name!r} declared twice with different field formats, "
                       f"secondaryFiles or bindings, where {clash.why}",
                       Position(where.path, where.line, where.col or 1) if where else None)
    return Loaded(process=proc, uri=uri, gaps=tuple(loader.gaps), errors=tuple(loader.errors))


def load_cwl(target: str) -> Loaded:
    """Read `path_or_url[#id]` and turn it into IR (raises CwlReadError on bad input)."""
    from cwlgen.dsl.cwl_read import read_document

    obj, uri = read_document(target)
    return load_process(obj, uri)


__all__ = ["Gap", "Loaded", "display_uri", "load_cwl", "load_process", "python_name",
           "shortname"]
