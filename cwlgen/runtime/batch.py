"""The jobs of a batched scatter (`.map(..., batch=K)`), shipped inside the CWL. Stdlib only.

cwlgen's batching pass (`cwlgen/lower/batching.py`) replaces a scatter of N items by
`chunk` -> a scatter of ceil(N/K) batch jobs -> `flatten`. Each of those jobs runs
`python3 -B _cwlgen_batch.py MODE ...` in a working directory holding `_cwlgen_inputs.json`
(the `$(inputs)` object), this file, `_cwlgen_shim.py` and `_cwlgen_paths.py`:

- `chunk SIZE METHOD NAME...`: the scattered lists -> for each NAME, a list of chunks of SIZE
  aligned items (dotproduct: item i of every list; crossproducts: every combination, in
  CWL's order), plus `cwlgen_shape`, the lengths of the lists;
- `task FUNCTION NAME...`: call the Python task FUNCTION (from `_cwlgen_task.py`) once per
  item, each in its own subdirectory, and return each output as a list;
- `command NAME...`: run the command-line tool described in `_cwlgen_command.json` once per
  item, each in its own subdirectory: its command line is built from the tool's bindings as
  a CWL runner would (positions, prefixes, separate, itemSeparator, parameter references),
  and its outputs are globbed in that subdirectory;
- `flatten METHOD NAME...`: the per-batch lists -> one list per output, in item order (and
  nested again for nested_crossproduct).

Files pass between these jobs as CWL File objects, so the outputs are the files the unbatched
steps would make, in the same order.
"""

import glob
import importlib
import itertools
import json
import os
import re
import shlex
import subprocess
import sys
import traceback
from collections.abc import Mapping, Sequence
from typing import Any

COMMAND_FILE = "_cwlgen_command.json"  # the only file name of a job that only this file reads
SHAPE = "cwlgen_shape"


class BatchError(Exception):
    """A problem to report on stderr (then the job fails)."""


def _shim() -> Any:
    """The task shim shipped beside this file (or cwlgen's own, when run from the package)."""
    if __name__ == "cwlgen.runtime.batch":
        from cwlgen.runtime import shim
        return shim
    # The job directory holds the shipped files; this file may be a symlink to elsewhere
    # (Toil stages File entries so), and Python puts the link target's folder on sys.path.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    return importlib.import_module("_cwlgen_shim")


def item_dir(i: int) -> str:
    """The subdirectory item `i` of a batch runs in (zero-padded, so listings sort)."""
    return f"item_{i:05d}"


# --- chunk and flatten --------------------------------------------------------------------

def combinations(lists: "Sequence[Sequence[Any]]", method: str) -> "list[tuple[Any, ...]]":
    """The items a scatter runs, in CWL's order."""
    if method == "dotproduct":
        lengths = {len(v) for v in lists}
        if len(lengths) > 1:
            raise BatchError(f"dotproduct scatter over lists of different lengths "
                             f"{sorted(lengths)}")
        return list(zip(*lists))  # noqa: B905 - lengths checked; python3 < 3.10 in jobs
    return list(itertools.product(*lists))


def chunk(
    job: "Mapping[str, Any]", size: int, method: str, names: "Sequence[str]"
) -> "dict[str, Any]":
    """The scattered lists cut into aligned chunks of `size` items, plus their shape."""
    lists = [job[n] for n in names]
    combos = combinations(lists, method)
    out: dict[str, Any] = {
        name: [[c[k] for c in combos[start:start + size]]
               for start in range(0, len(combos), size)]
        for k, name in enumerate(names)
    }
    out[SHAPE] = [len(v) for v in lists]
    return out


def reshape(flat: "list[Any]", shape: "Sequence[int]") -> "list[Any]":
    """`flat` (row-major) as nested lists of the given shape."""
    if len(shape) <= 1:
        return list(flat)
    stride = len(flat) // shape[0] if shape[0] else 0
    return [reshape(flat[i * stride:(i + 1) * stride], shape[1:]) for i in range(shape[0])]


def flatten(job: "Mapping[str, Any]", method: str, names: "Sequence[str]") -> "dict[str, Any]":
    """The per-batch output lists joined in item order (re-nested for
    nested_crossproduct)."""
    out: dict[str, Any] = {}
    for name in names:
        flat = [item for batch in (job[name] or []) for item in batch]
        out[name] = reshape(flat, job.get(SHAPE) or []) if method == "nested_crossproduct" \
            else flat
    return out


# --- items --------------------------------------------------------------------------------

def item_jobs(job: "Mapping[str, Any]", names: "Sequence[str]") -> "list[dict[str, Any]]":
    """One input object per item: the scattered inputs' i-th values, the rest unchanged."""
    count = len(job[names[0]]) if names else 0
    items = []
    for i in range(count):
        one = dict(job)
        for name in names:
            one[name] = job[name][i]
        items.append(one)
    return items


def run_tasks(job: "Mapping[str, Any]", function: str, names: "Sequence[str]",
              workdir: str) -> "dict[str, Any]":
    """Call Python task `function` once per item, each in its own subdirectory; each
    output as a list over the items."""
    shim = _shim()
    shim.install_stub()
    if workdir not in sys.path:
        sys.path.insert(0, workdir)
    func = getattr(importlib.import_module("_cwlgen_task"), function)
    outputs: dict[str, list[Any]] = {name: [] for name, _ in shim.output_annotations(func)}
    for i, one in enumerate(item_jobs(job, names)):
        folder = os.path.join(workdir, item_dir(i))
        os.makedirs(folder, exist_ok=True)
        os.chdir(folder)
        try:
            result = shim.call_task(func, one)
        except Exception:
            raise BatchError(f"task '{function}' failed on item {i}:\n"
                             + traceback.format_exc()) from None
        finally:
            os.chdir(workdir)
        for name in outputs:
            outputs[name].append(result.get(name))
    return outputs


# --- command lines ------------------------------------------------------------------------

_REF = re.compile(r"(inputs|self|runtime)((?:\.[A-Za-z_][A-Za-z0-9_]*|\['[^']*'\]|"
                  r"\[\"[^\"]*\"\]|\[[0-9]+\])*)$")
_SEGMENT = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\['([^']*)'\]|\[\"([^\"]*)\"\]|\[([0-9]+)\]")


def _file_fields(value: Any) -> Any:
    """Fill in basename/nameroot/nameext/dirname of a File object that lacks them."""
    if isinstance(value, dict) and value.get("class") in ("File", "Directory") and "path" in value:
        path = value["path"]
        base = value.get("basename") or os.path.basename(path.rstrip("/"))
        root, ext = os.path.splitext(base)
        value = {"basename": base, "nameroot": root, "nameext": ext,
                 "dirname": os.path.dirname(path), **value}
    return value


def resolve(ref: str, context: "Mapping[str, Any]") -> Any:
    """The value of parameter reference `ref` (`inputs.x.path`, `runtime.outdir`, ...)
    in `context`; anything needing JavaScript is refused."""
    m = _REF.match(ref.strip())
    if m is None:
        raise BatchError(f"cannot evaluate '$({ref})' without JavaScript")
    value: Any = context[m.group(1)]
    for seg in _SEGMENT.finditer(m.group(2)):
        key: Any = next(g for g in seg.groups() if g is not None)
        value = _file_fields(value)
        if seg.group(4) is not None:
            value = value[int(key)]
        elif isinstance(value, Mapping):
            value = value.get(key)
        elif key == "length" and isinstance(value, list):
            value = len(value)
        else:
            raise BatchError(f"'$({ref})': no field '{key}'")
    return value


def interpolate(text: str, context: "Mapping[str, Any]") -> Any:
    """A CWL string with parameter references, evaluated like a CWL runner does (text without
    `$(` or `${` is left untouched, escapes included)."""
    if "$(" not in text and "${" not in text:
        return text
    parts: list[Any] = []
    i = 0
    while i < len(text):
        if text.startswith("\\$(", i) or text.startswith("\\${", i):
            parts.append(text[i + 1:i + 3])
            i += 3
        elif text.startswith("\\\\", i):
            parts.append("\\")
            i += 2
        elif text.startswith("$(", i):
            depth, j = 1, i + 2
            while j < len(text) and depth:
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                j += 1
            parts.append(resolve(text[i + 2:j - 1], context))
            i = j
        else:
            parts.append(text[i])
            i += 1
    if len(parts) == 1 and not isinstance(parts[0], str):
        return parts[0]
    return "".join(p if isinstance(p, str) else json.dumps(p, sort_keys=True) for p in parts)


def _text(value: Any) -> str:
    if isinstance(value, dict) and value.get("class") in ("File", "Directory"):
        return str(value["path"])
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def binding_args(value: Any, binding: "Mapping[str, Any]") -> "list[str]":
    """CWL's rules for turning one bound value into command-line words."""
    prefix = binding.get("prefix")
    separate = binding.get("separate", True)
    if value is None:
        return []
    if isinstance(value, bool):
        return [prefix] if value and prefix else []
    if isinstance(value, list):
        if not value:
            return []
        sep = binding.get("itemSeparator")
        if sep is not None:
            joined = sep.join(_text(v) for v in value)
            words = [joined]
        else:
            words = [_text(v) for v in value]
        if not prefix:
            return words
        if separate:
            return [prefix, *words]
        return [prefix + words[0], *words[1:]]
    if isinstance(value, dict) and value.get("class") not in ("File", "Directory"):
        raise BatchError("record inputs with a command-line binding cannot be batched")
    word = _text(value)
    if not prefix:
        return [word]
    return [prefix, word] if separate else [prefix + word]


def command_line(spec: "Mapping[str, Any]", job: "Mapping[str, Any]",
                 runtime: "Mapping[str, Any]") -> "tuple[list[str], list[bool]]":
    """(words, shell-quote flag of each word) of one item's command line."""
    context = {"inputs": {k: _file_fields(v) for k, v in job.items()}, "self": None,
               "runtime": runtime}
    keyed: list[tuple[tuple[int, int, Any], list[str], bool]] = []
    for j, arg in enumerate(spec.get("arguments", [])):
        binding = arg.get("binding") or {}
        value = interpolate(arg["value"], context)
        words = binding_args(value, binding) if binding else [_text(value)]
        keyed.append(((binding.get("position") or 0, 0, j), words,
                      binding.get("shellQuote", True)))
    for inp in spec.get("inputs", []):
        binding = inp.get("binding")
        if binding is None:
            continue
        value = job.get(inp["name"])
        if binding.get("valueFrom") is not None:
            if value is None:
                continue
            value = interpolate(binding["valueFrom"], {**context, "self": _file_fields(value)})
        keyed.append(((binding.get("position") or 0, 1, inp["name"]),
                      binding_args(value, binding), binding.get("shellQuote", True)))
    keyed.sort(key=lambda k: k[0])
    words = list(spec["baseCommand"])
    quoted = [True] * len(words)
    for _, ws, quote in keyed:
        words += ws
        quoted += [quote] * len(ws)
    return words, quoted


def inside(folder: str, name: str, what: str) -> str:
    """`folder/name`, refused (BatchError) unless it stays inside `folder`: a batched job
    writes and collects only in its own output folder, as a CWL runner confines a step."""
    path = os.path.realpath(os.path.join(folder, name))
    root = os.path.realpath(folder)
    if os.path.isabs(name) or os.path.commonpath([root, path]) != root or path == root:
        raise BatchError(f"{what} {name!r} is not a file name inside the job's output folder")
    return path


def _collect(pattern: str, folder: str, kind: str, many: bool, optional: bool,
             name: str) -> Any:
    root = os.path.realpath(folder)
    matches = sorted(m for m in glob.glob(os.path.join(folder, pattern))
                     if os.path.commonpath([root, os.path.realpath(m)]) == root)
    wanted = os.path.isdir if kind == "Directory" else os.path.isfile
    found = [{"class": kind, "path": m} for m in matches if wanted(m)]
    if many:
        return found
    if not found:
        if optional:
            return None
        raise BatchError(f"output '{name}': no file matches '{pattern}'")
    if len(found) > 1:
        raise BatchError(f"output '{name}': '{pattern}' matches {len(found)} files, "
                         "expected one")
    return found[0]


def run_commands(
    job: "Mapping[str, Any]", names: "Sequence[str]", workdir: str
) -> "dict[str, Any]":
    """Run the command-line tool of `_cwlgen_command.json` once per item, each in its own
    subdirectory, and collect its outputs there; each output as a list over the items."""
    with open(COMMAND_FILE, encoding="utf-8") as fh:
        # the JSON, then the comment line that makes runners unescape shipped files
        spec, _ = json.JSONDecoder().raw_decode(fh.read())
    outputs: dict[str, list[Any]] = {o["name"]: [] for o in spec["outputs"]}
    ok_codes = spec.get("successCodes") or [0]
    for i, one in enumerate(item_jobs(job, names)):
        folder = os.path.join(workdir, item_dir(i))
        tmp = os.path.join(folder, ".tmp")
        os.makedirs(tmp, exist_ok=True)
        runtime = {"outdir": folder, "tmpdir": tmp}
        words, quoted = command_line(spec, one, runtime)
        context = {"inputs": {k: _file_fields(v) for k, v in one.items()}, "self": None,
                   "runtime": runtime}
        stdin = stdout = stderr = None
        try:
            if spec.get("stdin"):
                stdin = open(one[spec["stdin"]]["path"], "rb")  # noqa: SIM115
            if spec.get("stdout"):
                name = interpolate(spec["stdout"], context)
                stdout = open(inside(folder, str(name), "stdout"), "wb")  # noqa: SIM115
            if spec.get("stderr"):
                name = interpolate(spec["stderr"], context)
                stderr = open(inside(folder, str(name), "stderr"), "wb")  # noqa: SIM115
            if all(quoted):
                argv: Any = words
                shell = False
            else:
                argv = " ".join(shlex.quote(w) if q else w
                                for w, q in zip(words, quoted))  # noqa: B905
                shell = True
            sys.stderr.write(f"[item {i}] {' '.join(shlex.quote(w) for w in words)}\n")
            sys.stderr.flush()
            code = subprocess.call(argv, cwd=folder, stdin=stdin, stdout=stdout, stderr=stderr,
                                   shell=shell, env={**os.environ, "TMPDIR": tmp})
        finally:
            for stream in (stdin, stdout, stderr):
                if stream is not None:
                    stream.close()
        if code not in ok_codes:
            raise BatchError(f"item {i}: the command exited with status {code}")
        for out in spec["outputs"]:
            pattern = interpolate(out["glob"], context)
            outputs[out["name"]].append(_collect(pattern, folder, out["class"], out["array"],
                                                 out["optional"], out["name"]))
    return outputs


# --- entry point --------------------------------------------------------------------------

def main(argv: "Sequence[str] | None" = None) -> int:
    """Entry point of a batch job: MODE and its arguments; exit status 0 or 1."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python3 _cwlgen_batch.py chunk|flatten|task|command ...", file=sys.stderr)
        return 2
    mode, rest = args[0], args[1:]
    workdir = os.getcwd()
    try:
        shim = _shim()  # the job's other file names are the shim's (cwlgen/runtime/files.py)
        with open(shim.INPUTS_FILE, encoding="utf-8") as fh:
            job = json.load(fh)
        input_paths = {o["path"] for o in shim._walk_paths(job) if "path" in o}
        if mode == "chunk":
            outputs = chunk(job, int(rest[0]), rest[1], rest[2:])
        elif mode == "flatten":
            outputs = flatten(job, rest[0], rest[1:])
        elif mode == "task":
            outputs = run_tasks(job, rest[0], rest[1:], workdir)
        elif mode == "command":
            outputs = run_commands(job, rest, workdir)
        else:
            raise BatchError(f"unknown mode '{mode}'")
        shim.place_outputs(outputs, workdir, input_paths)
        with open(shim.OUTPUT_FILE, "w", encoding="utf-8") as fh:
            json.dump(outputs, fh, indent=2, sort_keys=True)
    except BatchError as exc:
        print(f"cwlgen batch: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
