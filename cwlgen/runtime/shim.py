"""The runner of a Python task, shipped inside the CWL it is compiled to. Standard library only.

Inside a CWL job the emitted tool runs `python3 -B _cwlgen_shim.py FUNCTION`. The job's working
directory then holds, as InitialWorkDir entries: `_cwlgen_inputs.json` (CWL v1.2 writes the
`$(inputs)` object there as JSON, no JavaScript needed), this file, `_cwlgen_paths.py` (a copy
of `cwlgen/runtime/paths.py`) and `_cwlgen_task.py` (the user's module, verbatim). The shim:

1. installs a stand-in `cwlgen` package in `sys.modules` (always, even where cwlgen is
   installed, so a job behaves the same everywhere), so that a module doing
   `from cwlgen import task, tool, workflow, File, Arg, ...` imports where cwlgen is absent;
2. imports the user's module, converts the JSON inputs to the function's annotated types
   (File/Directory objects, records, enums, optionals, nested lists);
3. calls the function and writes its result to `cwl.output.json`, turning returned files
   (`File("name")`, `pathlib.Path`, str) into CWL File objects relative to the job directory;
4. on an exception prints the Python traceback on stderr and exits 1, which fails the step.

The conversions (`call_task`, `from_json`, `to_json`) are also what `cwlgen.run_local` uses, so
local runs and CWL runs see the same values.
"""

import enum
import importlib
import importlib.abc
import importlib.machinery
import inspect
import json
import os
import shutil
import sys
import traceback
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

try:
    import dataclasses  # novermin (guarded: 3.7+)
except ImportError:  # Python 3.6: no dataclasses, so no dataclass records either
    dataclasses = None  # type: ignore[assignment]

if typing.TYPE_CHECKING or __name__ == "cwlgen.runtime.shim":
    from cwlgen.runtime.paths import Directory, File
else:  # a shipped copy, inside a CWL job: the copy of paths.py staged beside it in the job
    # directory. Runners may stage this file as a symlink (Toil does), and Python then puts
    # the link target's folder on sys.path, not the job directory: put that first.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    from _cwlgen_paths import Directory, File

INPUTS_FILE = "_cwlgen_inputs.json"
SHIM_FILE = "_cwlgen_shim.py"
PATHS_FILE = "_cwlgen_paths.py"
MODULE_NAME = "_cwlgen_task"
MODULE_FILE = MODULE_NAME + ".py"
OUTPUT_FILE = "cwl.output.json"

_NONE_TYPES = (type(None), None)
# Written to run on the python3 of older job images too, from 3.6 on: no annotations evaluated
# at import time that need 3.9+ (they are strings), no dataclasses before 3.7, no
# typing.get_origin/get_args/Literal before 3.8, no Annotated before 3.9, no X | Y before 3.10.
_UNION_TYPES = (typing.Union, getattr(types, "UnionType", typing.Union))
_ANNOTATED = getattr(typing, "Annotated", object())
_LITERAL = getattr(typing, "Literal", object())


def _get_origin(tp: Any) -> Any:
    """typing.get_origin, also before 3.8 (3.6 names the typing alias, e.g. typing.List, whose
    __extra__ is the runtime class)."""
    if hasattr(typing, "get_origin"):
        return typing.get_origin(tp)  # novermin (guarded: 3.8+)
    origin = getattr(tp, "__origin__", None)
    return getattr(origin, "__extra__", None) or origin


def _get_args(tp: Any) -> "tuple[Any, ...]":
    """typing.get_args, also before 3.8."""
    if hasattr(typing, "get_args"):
        return typing.get_args(tp)  # novermin (guarded: 3.8+)
    return tuple(getattr(tp, "__args__", None) or ())


class TaskValueError(TypeError):
    """A task returned a value that does not match its return annotation."""


# --- the stand-in `cwlgen` package ------------------------------------------------------------


class _Inert:
    """Stands for any cwlgen helper (Arg, Out, Resources, ...) inside a job: accepts anything,
    does nothing. Only what runs at import time of the user's module ever touches it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __call__(self, *args: Any, **kwargs: Any) -> "_Inert":
        return _Inert()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Inert()

    def __getitem__(self, key: Any) -> "_Inert":
        return _Inert()

    def __repr__(self) -> str:
        return "<cwlgen stand-in>"


def _passthrough_decorator(func: Any = None, *args: Any, **kwargs: Any) -> Any:
    """`@task`, `@task(...)`, `@tool("cmd", ...)`, `@workflow`: leave the function as it is."""
    if callable(func) and not args and not kwargs and not isinstance(func, _Inert):
        return func
    return lambda f: f


class CwlgenStandInError(Exception):
    """Base of the stand-in exception classes (CompileError, UsageError, ...)."""


class _StubModule(types.ModuleType):
    """A module whose missing attributes are made on first use (a class-level __getattr__:
    module-level __getattr__ functions need Python 3.7)."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        value: Any
        if attr == "CwlgenError":
            value = CwlgenStandInError
        elif attr.endswith("Error"):
            value = type(attr, (CwlgenStandInError,), {"__module__": self.__name__})
        else:
            value = _Inert()
        setattr(self, attr, value)  # the same object on every access
        return value


def make_stub_module(name: str) -> types.ModuleType:
    """A tolerant stand-in for `cwlgen` or any of its submodules: File and Directory are the
    real classes, decorators return the function unchanged, names ending in "Error" are
    exception classes, anything else is an inert object."""
    mod = _StubModule(name, "stand-in for cwlgen inside a CWL job (cwlgen need not be "
                      "installed where tasks run)")
    mod.__path__ = []  # a package, so `import cwlgen.x.y` reaches the finder below
    mod.__dict__.update(
        File=File,
        Directory=Directory,
        task=_passthrough_decorator,
        tool=_passthrough_decorator,
        workflow=_passthrough_decorator,
        schema=_passthrough_decorator,  # @cwlgen.schema keeps the record/Enum class
        Long=int,
        Double=float,
    )
    return mod


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves `cwlgen` and every `cwlgen.*` module as a stand-in."""

    def find_spec(
        self, fullname: str, path: "Sequence[str] | None", target: "types.ModuleType | None" = None
    ) -> "importlib.machinery.ModuleSpec | None":
        """A spec for `cwlgen` and its submodules (served by this loader), None otherwise."""
        if fullname == "cwlgen" or fullname.startswith("cwlgen."):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        """A stand-in module for `spec.name`."""
        return make_stub_module(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the stand-in is complete when created."""
        return None


def install_stub() -> None:
    """Make `import cwlgen` (and `cwlgen.*`) give the stand-in from now on."""
    for name in [n for n in sys.modules if n == "cwlgen" or n.startswith("cwlgen.")]:
        del sys.modules[name]
    if not any(isinstance(f, _StubFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _StubFinder())


# --- JSON (as CWL sees values) <-> Python values of the annotated types -----------------------


def _strip(tp: Any) -> Any:
    while _get_origin(tp) is _ANNOTATED:
        tp = _get_args(tp)[0]
    return tp


def _optional_inner(tp: Any) -> Any:
    """`T` for `T | None` / `Optional[T]`, else None."""
    if _get_origin(tp) in _UNION_TYPES:
        members = [m for m in _get_args(tp) if m not in _NONE_TYPES]
        if len(members) == 1:
            return members[0]
    return None


def _is_path_class(tp: Any) -> bool:
    return isinstance(tp, type) and tp.__name__ in ("File", "Directory") and hasattr(
        tp, "cwl_class"
    )


def _is_record(tp: Any) -> bool:
    return isinstance(tp, type) and (
        (dataclasses is not None and dataclasses.is_dataclass(tp))
        or hasattr(tp, "__attrs_attrs__")
    )


def _record_fields(cls: type) -> "list[tuple[str, Any]]":
    hints = typing.get_type_hints(cls)
    if hasattr(cls, "__attrs_attrs__"):
        names = [a.name for a in cls.__attrs_attrs__]
    else:
        names = [f.name for f in dataclasses.fields(cls)]
    return [(n, hints.get(n, Any)) for n in names]


def _enum_uses_values(cls: "type[enum.Enum]") -> bool:
    return all(isinstance(m.value, str) for m in cls)


def _path_from_json(obj: Any, want: "str | None") -> "File | Directory":
    if not isinstance(obj, Mapping) or obj.get("class") not in ("File", "Directory"):
        raise TaskValueError(f"expected a CWL {want or 'File or Directory'} object, got {obj!r}")
    return File.from_cwl(obj)


def from_json(value: Any, tp: Any) -> Any:
    """A CWL (JSON-like) value as the Python value of annotation `tp`: the one conversion,
    used by the job shim for a task's inputs and by the runners for a workflow's outputs.

    Lenient where an engine's output object may differ from what cwlgen wrote: an enum is
    matched by value or by name, a union of several types is read generically (File and
    Directory objects become instances, the rest stays as JSON gives it), an integral float
    is an int where an int is expected."""
    tp = _strip(tp)
    if value is None:
        return None
    inner = _optional_inner(tp)
    if inner is not None:
        return from_json(value, inner)
    if tp is Any or tp is object:
        return _any_from_json(value)
    if _is_path_class(tp):
        return _path_from_json(value, tp.__name__)
    origin = _get_origin(tp)
    if origin in _UNION_TYPES:
        return _any_from_json(value)
    if origin in (list, Sequence) or tp is list:
        args = _get_args(tp)
        item = args[0] if args else Any
        return [from_json(v, item) for v in value] if isinstance(value, list) else value
    if origin is tuple:
        args = _get_args(tp)
        item = args[0] if args else Any
        return tuple(from_json(v, item) for v in value)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum_member(tp, value)
    if _is_record(tp):
        if not isinstance(value, Mapping):
            raise TaskValueError(f"expected a record ({_describe(tp)}), got {value!r}")
        return tp(**{name: from_json(value.get(name), hint) for name, hint in _record_fields(tp)})
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is int and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _enum_member(cls: "type[enum.Enum]", value: Any) -> "enum.Enum":
    """The member of `cls` whose value (string enums: CWL writes values) or name (others)
    is `value`, trying the other spelling second."""
    by_value: dict[Any, enum.Enum] = {m.value: m for m in cls
                                        if isinstance(m.value, (str, int, float))}
    by_name: dict[Any, enum.Enum] = {m.name: m for m in cls}
    first, second = (by_value, by_name) if _enum_uses_values(cls) else (by_name, by_value)
    for table in (first, second):
        if isinstance(value, (str, int, float)) and value in table:
            return table[value]
    raise TaskValueError(f"{value!r} is not a member of {_describe(cls)} (by value or name)")


def _any_from_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        if value.get("class") in ("File", "Directory"):
            return File.from_cwl(value)
        return {k: _any_from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_any_from_json(v) for v in value]
    return value


def _path_json(value: Any, cls_name: str) -> "dict[str, Any]":
    """A CWL File/Directory object with an absolute `path` (relative to the current directory)."""
    if isinstance(value, (File, Directory)):
        if type(value).__name__ != cls_name:
            raise TaskValueError(f"expected a {cls_name}, got {value!r}")
        obj: dict[str, Any] = {"class": cls_name, "path": os.path.abspath(value.path)}
        if value.format:
            obj["format"] = value.format
        if value.secondary_files:
            obj["secondaryFiles"] = [
                _path_json(sf, type(sf).__name__) for sf in value.secondary_files
            ]
        return obj
    if isinstance(value, (str, os.PathLike)):
        return {"class": cls_name, "path": os.path.abspath(os.fspath(value))}
    raise TaskValueError(f"expected a {cls_name} (File(...), pathlib.Path or str), got {value!r}")


def _describe(tp: Any) -> str:
    return getattr(tp, "__qualname__", None) or repr(tp).replace("typing.", "")


def to_json(value: Any, tp: Any) -> Any:
    """A Python value of annotation `tp` as CWL (JSON-like) data; files get absolute paths.

    Raises TaskValueError when the value does not fit the annotation (a clearer message
    than the runner's output validation)."""
    tp = _strip(tp)
    inner = _optional_inner(tp)
    if inner is not None:
        return None if value is None else to_json(value, inner)
    if tp is Any or tp is object:
        return _any_to_json(value)
    if value is None:
        raise TaskValueError(f"got None where {_describe(tp)} is required (annotate it "
                             f"'{_describe(tp)} | None' if it may be missing)")
    if _is_path_class(tp):
        return _path_json(value, tp.__name__)
    origin = _get_origin(tp)
    if origin in (list, tuple, Sequence) or tp in (list, tuple):
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
            raise TaskValueError(f"expected a list for {_describe(tp)}, got {value!r}")
        args = _get_args(tp)
        item = args[0] if args else Any
        return [to_json(v, item) for v in value]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        member = value if isinstance(value, tp) else None
        if member is None:
            try:
                member = tp(value) if _enum_uses_values(tp) else tp[value]
            except (KeyError, ValueError):
                raise TaskValueError(f"{value!r} is not a member of {_describe(tp)}") from None
        return member.value if _enum_uses_values(tp) else member.name
    if _is_record(tp):
        fields = _record_fields(tp)
        if isinstance(value, Mapping):
            return {name: to_json(value.get(name), hint) for name, hint in fields}
        if not isinstance(value, tp):
            raise TaskValueError(f"expected a {_describe(tp)} record, got {value!r}")
        return {name: to_json(getattr(value, name), hint) for name, hint in fields}
    if _get_origin(tp) is _LITERAL:
        if value not in _get_args(tp):
            raise TaskValueError(f"{value!r} is not one of {_get_args(tp)}")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise TaskValueError(f"expected a bool, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TaskValueError(f"expected an int, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TaskValueError(f"expected a float, got {value!r}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise TaskValueError(f"expected a str, got {value!r}")
        return value
    return _any_to_json(value)


def _any_to_json(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (File, Directory)):
        return _path_json(value, type(value).__name__)
    if isinstance(value, enum.Enum):
        return value.value if _enum_uses_values(type(value)) else value.name
    if isinstance(value, (list, tuple)):
        return [_any_to_json(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _any_to_json(v) for k, v in value.items()}
    if _is_record(type(value)):
        return {n: _any_to_json(getattr(value, n)) for n, _ in _record_fields(type(value))}
    if isinstance(value, os.PathLike):
        return _path_json(value, "File")
    raise TaskValueError(f"{value!r} ({type(value).__name__}) has no CWL equivalent")


def _is_namedtuple(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields")


def output_annotations(func: "Callable[..., Any]") -> "list[tuple[str, Any]]":
    """(output name, annotation) as cwlgen names them: the fields of a NamedTuple return
    annotation, else one output `out`; none for `-> None`."""
    ret = _strip(typing.get_type_hints(func).get("return", None))
    if ret in _NONE_TYPES:
        return []
    if _is_namedtuple(ret):
        hints = typing.get_type_hints(ret)
        return [(name, hints.get(name, Any)) for name in ret._fields]
    return [("out", ret)]


def call_task(
    func: "Callable[..., Any]",
    job: "Mapping[str, Any]",
    *,
    signature_of: "Callable[..., Any] | None" = None,
) -> "dict[str, Any]":
    """Call `func` with the CWL input object `job`; return its CWL output object.

    Parameters and outputs are read from `signature_of` when given (a stand-in function
    called with the types of the tool it replaces), else from `func`."""
    typed = signature_of or func
    hints = typing.get_type_hints(typed)
    kwargs: dict[str, Any] = {}
    for name, param in inspect.signature(typed).parameters.items():
        if name not in job:
            continue
        value = job[name]
        if value is None and param.default is not inspect.Parameter.empty:
            kwargs[name] = param.default
            continue
        kwargs[name] = from_json(value, hints.get(name, Any))
    result = func(**kwargs)
    outputs = output_annotations(typed)
    if not outputs:
        return {}
    if not _is_namedtuple(_strip(hints.get("return"))):
        values: Sequence[Any] = (result,)
    else:
        if not isinstance(result, tuple) or len(result) != len(outputs):
            raise TaskValueError(f"expected a tuple of {len(outputs)} values "
                                 f"({', '.join(n for n, _ in outputs)}), got {result!r}")
        values = result
    out: dict[str, Any] = {}
    for (name, hint), value in zip(outputs, values):  # noqa: B905 - lengths checked above
        try:
            out[name] = to_json(value, hint)
        except TaskValueError as exc:
            raise TaskValueError(f"output '{name}' of '{typed.__name__}': {exc}") from None
    return out


# --- inside the CWL job -----------------------------------------------------------------------


def _walk_paths(node: Any) -> "Iterator[dict[str, Any]]":
    """Every File/Directory object in a CWL value, secondary files and listings included."""
    if isinstance(node, dict):
        if node.get("class") in ("File", "Directory"):
            yield node
        for value in node.values():
            yield from _walk_paths(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_paths(item)


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def place_outputs(outputs: Any, workdir: str, input_paths: "set[str]") -> None:
    """Rewrite File/Directory objects for cwl.output.json: inside the job directory they
    become relative locations; an input passed through keeps its path (the runner maps it
    back); anything else (a temporary file) is copied into the job directory."""
    taken = set(os.listdir(workdir))
    for obj in list(_walk_paths(outputs)):
        path = obj.pop("path")
        if not os.path.exists(path):
            raise TaskValueError(f"the task returned {obj['class']}({path!r}), which does not "
                                 "exist")
        if _within(path, workdir):
            obj["location"] = os.path.relpath(path, workdir)
        elif path in input_paths:
            obj["path"] = path
        else:
            base = os.path.basename(path.rstrip(os.sep)) or "output"
            name, n = base, 1
            while name in taken:
                n += 1
                root, ext = os.path.splitext(base)
                name = f"{root}_{n}{ext}"
            taken.add(name)
            if os.path.isdir(path):
                shutil.copytree(path, os.path.join(workdir, name))
            else:
                shutil.copy2(path, os.path.join(workdir, name))
            obj["location"] = name


def main(argv: "Sequence[str] | None" = None) -> int:
    """Entry point inside the job: `python3 -B _cwlgen_shim.py FUNCTION`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python3 _cwlgen_shim.py FUNCTION", file=sys.stderr)
        return 2
    function = args[0]
    install_stub()
    workdir = os.getcwd()
    if workdir not in sys.path:
        sys.path.insert(0, workdir)
    try:
        with open(INPUTS_FILE, encoding="utf-8") as fh:
            job = json.load(fh)
        module = importlib.import_module(MODULE_NAME)
        func = getattr(module, function)
        outputs = call_task(func, job)
        place_outputs(outputs, workdir, {o["path"] for o in _walk_paths(job) if "path" in o})
        with open(OUTPUT_FILE, "w", encoding="utf-8") as fh:
            json.dump(outputs, fh, indent=2, sort_keys=True)
    except TaskValueError as exc:
        print(f"cwlgen: task '{function}' failed: {exc}", file=sys.stderr)
        return 1
    except BaseException:  # the user's code failed: show its traceback, fail the step
        print(f"cwlgen: task '{function}' raised an exception:", file=sys.stderr)
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
