"""Reading CWL documents: fetch, upgrade v1.0/v1.1 to v1.2 (cwl-upgrader), parse with
cwl-utils (which follows `$graph`, `$import`, `$include`, `$mixin` and `run:`), and keep the
`file:line:col` of every object so problems point at the user's own CWL.

cwl-utils objects carry no positions; schema-salad's YAML nodes do (`.lc`). Each generated
class's `fromDoc` is wrapped once to copy that position onto the object it builds (as
`_src`); shorthand map entries (`x: File`) get the position of their key.
"""

from __future__ import annotations

import inspect
import os
import tempfile
from collections.abc import Iterator, Mapping, MutableMapping, MutableSequence
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlparse

from cwlgen.ir.frozen import frozen

_installed = False


@frozen
class Position:
    """Where something is written in a CWL file (1-based line and column)."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class CwlReadError(Exception):
    """A document could not be read as CWL; `position` says where, when known."""

    def __init__(self, message: str, position: Position | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def render(self) -> str:
        return f"{self.position}: {self.message}" if self.position else self.message


def display_uri(uri: str | None) -> str:
    """A file URI as a path relative to the working directory (when under it)."""
    if not uri:
        return "<unknown>"
    parsed = urlparse(uri)
    if parsed.scheme not in ("", "file"):
        return uri
    path = os.path.abspath(unquote(parsed.path))
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def position_of(obj: Any) -> Position | None:
    src = getattr(obj, "_src", None)
    if src is None:
        return None
    return Position(display_uri(src[0]), src[1], src[2])


def _idmap_wrapper(orig_load: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap

    def load(self: Any, doc: Any, baseuri: str, loadingOptions: Any, docRoot: Any = None,
             lc: Any = None) -> Any:
        if isinstance(doc, CommentedMap) and self.mapPredicate:
            new = CommentedMap()
            new.lc.line, new.lc.col = doc.lc.line, doc.lc.col
            new.lc.filename = getattr(doc.lc, "filename", None)
            for k, val in doc.items():
                if not isinstance(val, MutableMapping):
                    cm = CommentedMap({self.mapPredicate: val})
                    try:
                        cm.lc.line, cm.lc.col = doc.lc.key(k)
                    except Exception:  # noqa: BLE001 - no position for this key: keep none
                        pass
                    cm.lc.filename = getattr(doc.lc, "filename", None)
                    val = cm
                else:
                    try:
                        line, col = doc.lc.key(k)
                        if isinstance(val, CommentedMap) and getattr(val, "lc", None):
                            val.lc.line, val.lc.col = line, col
                    except Exception:  # noqa: BLE001
                        pass
                new[k] = val
            doc = new
        return orig_load(self, doc, baseuri, loadingOptions, docRoot=docRoot, lc=lc)

    return load


def _upgrading_yaml(orig_factory: Any) -> Any:
    """schema-salad's YAML loader, upgrading v1.0/v1.1 documents fetched for `run:`."""

    class Loader:
        def __init__(self) -> None:
            self._yaml = orig_factory()

        def load(self, stream: Any) -> Any:
            doc = self._yaml.load(stream)
            name = getattr(stream, "name", None)
            return upgrade(doc, name)

    return lambda: Loader()


def install() -> None:
    """Teach cwl-utils' v1.2 classes to remember positions (once per process)."""
    global _installed
    if _installed:
        return
    from cwl_utils.parser import cwl_v1_2

    mod: Any = cwl_v1_2  # patched below: typed as Any on purpose
    mod._IdMapLoader.load = _idmap_wrapper(mod._IdMapLoader.load)
    mod.yaml_no_ts = _upgrading_yaml(mod.yaml_no_ts)
    for _name, cls in vars(mod).items():
        if inspect.isclass(cls) and issubclass(cls, mod.Saveable) and "fromDoc" in vars(cls):
            orig = vars(cls)["fromDoc"].__func__

            def from_doc(cls: Any, doc: Any, baseuri: str, loadingOptions: Any,
                         docRoot: Any = None, _orig: Any = orig) -> Any:
                obj = _orig(cls, doc, baseuri, loadingOptions, docRoot=docRoot)
                raw = doc.get("default") if isinstance(doc, Mapping) else None
                if _holds_nested_list(raw):  # cwl-utils flattens [[a]] to [a] (any depth);
                    obj.default = raw  # the loader's value() copies YAML nodes as it reads
                lc = getattr(doc, "lc", None)
                if lc is not None and lc.line is not None:
                    obj._src = (getattr(lc, "filename", None), lc.line + 1, lc.col + 1)
                return obj

            setattr(cls, "fromDoc", classmethod(from_doc))  # noqa: B010 - patching a library
    _installed = True


def _holds_nested_list(value: Any) -> bool:
    """Whether a default holds a list inside a list, which cwl-utils' loader flattens."""
    if isinstance(value, Mapping):
        return any(_holds_nested_list(v) for v in value.values())
    if isinstance(value, list):
        return any(isinstance(v, list) or _holds_nested_list(v) for v in value)
    return False


def _run_strings(doc: Any) -> Iterator[MutableMapping[str, Any]]:
    """Every step (of every process in the document) whose `run:` is a reference."""
    if isinstance(doc, MutableMapping):
        steps = doc.get("steps")
        entries = steps.values() if isinstance(steps, MutableMapping) else (steps or [])
        for entry in entries:
            if isinstance(entry, MutableMapping):
                if isinstance(entry.get("run"), str):
                    yield entry
                else:
                    yield from _run_strings(entry.get("run"))
        for item in doc.get("$graph") or []:
            yield from _run_strings(item)


def upgrade(doc: Any, uri: str | None) -> Any:
    """Upgrade a parsed v1.0/v1.1 document to v1.2 in place with cwl-upgrader (positions of
    untouched nodes survive). Referenced `run:` documents are upgraded when they are read."""
    if not isinstance(doc, MutableMapping) or doc.get("cwlVersion") not in ("v1.0", "v1.1"):
        return doc
    from cwlupgrader.main import upgrade_document

    # hide `run:` references from the upgrader (it would read and rewrite them into its
    # output folder); we read each of them ourselves, through this same function
    hidden = list(_run_strings(doc))
    for entry in hidden:
        entry["run"] = "#" + entry["run"]
    path = unquote(urlparse(uri).path) if uri else "document.cwl"
    lc = getattr(doc, "lc", None)
    if lc is not None:
        lc.filename = path
    try:
        with tempfile.TemporaryDirectory(prefix="cwlgen-upgrade-") as out:
            upgraded = upgrade_document(doc, out, "v1.2")
    finally:
        for entry in hidden:
            if isinstance(entry.get("run"), str) and entry["run"].startswith("#"):
                entry["run"] = entry["run"][1:]
    if upgraded is None:
        raise CwlReadError(f"cwl-upgrader could not upgrade this {doc.get('cwlVersion')} "
                           "document to v1.2")
    lc = getattr(upgraded, "lc", None)
    if lc is not None and lc.line is None:  # the upgrader rebuilt the top-level mapping
        lc.line, lc.col = 0, 0
    return upgraded


def resolve_mixins(node: Any, uri: str) -> Any:
    """Apply schema-salad's `$mixin` (cwl-utils does not): the mixed-in mapping's fields,
    overridden by the node's own."""
    if isinstance(node, MutableMapping):
        if "$mixin" in node:
            from urllib.parse import urljoin

            from schema_salad.utils import yaml_no_ts

            target = urljoin(uri, str(node["$mixin"]))
            path = unquote(urlparse(target).path)
            try:
                with open(path, encoding="utf-8") as fh:
                    mixin = yaml_no_ts().load(fh)
            except (OSError, ValueError) as exc:
                lc = getattr(node, "lc", None)
                raise CwlReadError(f"cannot read $mixin {node['$mixin']}: {exc}",
                                   Position(display_uri(uri), lc.line + 1, lc.col + 1)
                                   if lc is not None else None) from None
            if not isinstance(mixin, MutableMapping):
                raise CwlReadError(f"$mixin {node['$mixin']} is not a mapping")
            del node["$mixin"]
            for key, value in mixin.items():
                if key not in node:
                    node[key] = value
        for key in list(node):
            node[key] = resolve_mixins(node[key], uri)
    elif isinstance(node, MutableSequence):
        for i, item in enumerate(node):
            node[i] = resolve_mixins(item, uri)
    return node


def _local_uri(target: str) -> tuple[str, str | None]:
    """(document URI, fragment) of a path or URL with an optional `#id`."""
    parsed = urlparse(target)
    if parsed.scheme in ("http", "https", "file"):
        base, _, frag = target.partition("#")
        return base, frag or None
    path, _, frag = target.partition("#")
    return Path(os.path.abspath(path)).as_uri(), frag or None  # symlinks kept: paths as shown


def read_document(target: str) -> tuple[Any, str]:
    """Parse `path_or_url[#id]` into cwl-utils v1.2 objects: (the process, document URI).

    Raises CwlReadError with a position for unreadable, non-CWL or invalid documents."""
    uri, fragment = _local_uri(target)
    return select(read_uri(uri), uri, fragment), uri


def select(loaded: Any, uri: str, fragment: str | None) -> Any:
    """The process named `fragment` (or the only one / `main`) of a loaded document."""
    shown = display_uri(uri)
    items = loaded if isinstance(loaded, MutableSequence) else [loaded]
    if fragment is not None:
        for p in items:
            if str(getattr(p, "id", "")).rpartition("#")[2] == fragment:
                return p
        ids = ", ".join(str(getattr(p, "id", "")).rpartition("#")[2] for p in items)
        raise CwlReadError(f"{shown} has no process '{fragment}' (it has: {ids})",
                           Position(shown, 1, 1))
    if len(items) == 1:
        return items[0]
    mains = [p for p in items if str(getattr(p, "id", "")).endswith("#main")]
    if len(mains) != 1:
        ids = ", ".join(str(getattr(p, "id", "")).rpartition("#")[2] for p in items)
        raise CwlReadError(f"this file holds several processes ($graph) and none is 'main'; "
                           f"name one: {shown}#ID (one of {ids})", Position(shown, 1, 1))
    return mains[0]


def read_uri(uri: str) -> Any:
    """Parse one document (a process, or the list of a `$graph`)."""
    install()
    from cwl_utils.parser import cwl_v1_2 as typed_parser
    from cwl_utils.parser import load_document_by_yaml
    from schema_salad.exceptions import SchemaSaladException, ValidationException
    from schema_salad.sourceline import add_lc_filename
    from schema_salad.utils import yaml_no_ts

    shown = display_uri(uri)
    parsed = urlparse(uri)
    if parsed.scheme == "file" and not Path(unquote(parsed.path)).is_file():
        raise CwlReadError(f"no such file: {shown}")
    try:
        cwl_v1_2: Any = typed_parser
        opts = cwl_v1_2.LoadingOptions(fileuri=uri)
        text = opts.fetcher.fetch_text(uri)
    except Exception as exc:  # noqa: BLE001 - network/file errors of any kind
        raise CwlReadError(f"cannot read {shown}: {exc}") from None
    try:
        from io import StringIO

        stream = StringIO(text)
        stream.name = uri
        raw = yaml_no_ts().load(stream)
    except Exception as exc:  # noqa: BLE001 - ruamel's parser errors carry a mark
        mark = getattr(exc, "problem_mark", None)
        pos = Position(shown, mark.line + 1, mark.column + 1) if mark else None
        raise CwlReadError(f"not YAML: {getattr(exc, 'problem', exc)}", pos) from None
    if not isinstance(raw, MutableMapping) or not (
        "cwlVersion" in raw or "$graph" in raw or "class" in raw
    ):
        raise CwlReadError("not a CWL document (no cwlVersion, class or $graph)",
                           Position(shown, 1, 1))
    version = raw.get("cwlVersion")
    if version not in ("v1.0", "v1.1", "v1.2"):
        raise CwlReadError(f"unsupported cwlVersion {version!r}; cwlgen reads v1.0, v1.1 "
                           "and v1.2", Position(shown, 1, 1))
    add_lc_filename(cast(Any, raw), uri)
    try:
        raw = resolve_mixins(raw, uri)
        if version != "v1.2":
            # valid for the version it declares? (cwltool checks that before upgrading: a v1.0
            # document using v1.1+ syntax is invalid, even though the upgrade would accept it)
            import copy

            from cwl_utils.parser import load_document_by_yaml as load_any_version

            load_any_version(copy.deepcopy(raw), uri, None, None, load_all=True)
        raw = upgrade(raw, uri)
        add_lc_filename(raw, uri)
        base = uri.rsplit("/", 1)[0]
        options = cwl_v1_2.LoadingOptions(fileuri=uri, baseuri=base)
        return load_document_by_yaml(raw, uri, options, None, load_all=True)
    except CwlReadError:
        raise
    except (ValidationException, SchemaSaladException) as exc:
        raise _salad_error(exc, shown) from None
    except Exception as exc:  # noqa: BLE001 - cwl-utils raises bare errors on odd input
        raise CwlReadError(f"invalid CWL: {type(exc).__name__}: {exc}",
                           Position(shown, 1, 1)) from None


def _salad_error(exc: Exception, shown: str) -> CwlReadError:
    """Turn schema-salad's multi-line `file:line:col: message` text into one error."""
    import re

    text = str(exc).strip()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    found = None
    message_lines = []
    for ln in lines:
        m = re.match(r"^(.*?):(\d+):(\d+):\s*(.*)$", ln)
        if m:
            if found is None:
                found = Position(display_uri(m.group(1)) if "://" in m.group(1)
                                 else m.group(1), int(m.group(2)), int(m.group(3)))
            if m.group(4).strip():
                message_lines.append(m.group(4).strip())
        else:
            message_lines.append(ln.strip())
    message = "; ".join(dict.fromkeys(message_lines)) or "invalid CWL"
    if len(message) > 600:
        message = message[:600] + " ..."
    return CwlReadError(f"invalid CWL: {message}", found or Position(shown, 1, 1))
