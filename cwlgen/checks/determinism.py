"""Static determinism check: an `ast` pass over the body of each Python task (and the helper
functions of its module it calls) for what makes outputs depend on more than the inputs.

| code  | hazard                                                      | allowed by          |
|-------|-------------------------------------------------------------|---------------------|
| CG401 | unseeded `random` / `numpy.random`                          | deterministic=False |
| CG402 | the clock: `time.time`, `datetime.now`, ...                 | deterministic=False |
| CG403 | `uuid.uuid1` / `uuid.uuid4`                                 | deterministic=False |
| CG404 | OS randomness: `os.urandom`, `secrets`, `SystemRandom`      | deterministic=False |
| CG405 | network access: `socket`, `urllib.request`, `http`, `requests`, ... | network=True |
| CG406 | iteration over a `set` (order varies with PYTHONHASHSEED)   | deterministic=False |
| CG407 | reading environment variables                               | deterministic=False |

Names are resolved through the module's and the function's imports (`import numpy as np`,
`from time import time`), so `np.random.rand()` and `time()` are both seen. Seeding
(`random.seed(x)`, `numpy.random.seed(x)` in the task or at module level) silences the
global-generator cases. A line ending in `# cwlgen: ignore[CG406]` (or a bare
`# cwlgen: ignore`) is skipped. The pass is pure: it reads only the IR (the module source
travels in `Tool.python`).
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator

from cwlgen.ir import Tool
from cwlgen.ir.diagnostics import Diagnostic, Note, diag
from cwlgen.ir.module_source import module_outline, parse_module

_RANDOM_FUNCS = frozenset({
    "random", "randint", "randrange", "choice", "choices", "shuffle", "sample", "uniform",
    "gauss", "normalvariate", "lognormvariate", "expovariate", "vonmisesvariate",
    "gammavariate", "betavariate", "paretovariate", "weibullvariate", "triangular",
    "getrandbits", "randbytes", "binomialvariate",
})
# numpy.random names that are not draws from the global generator
_NUMPY_NOT_DRAWS = frozenset({
    "seed", "get_state", "set_state", "default_rng", "RandomState", "Generator",
    "SeedSequence", "BitGenerator", "PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64",
})
_SEEDABLE = frozenset({
    "random.Random", "numpy.random.default_rng", "numpy.random.RandomState",
    "numpy.random.SeedSequence", "numpy.random.PCG64", "numpy.random.PCG64DXSM",
    "numpy.random.MT19937", "numpy.random.Philox", "numpy.random.SFC64",
})
_CLOCK_ALWAYS = frozenset({
    "time.time", "time.time_ns", "datetime.datetime.now", "datetime.datetime.utcnow",
    "datetime.datetime.today", "datetime.date.today",
})
# these read the clock only when called without an explicit time
_CLOCK_NO_ARGS = {"time.localtime": 0, "time.gmtime": 0, "time.ctime": 0, "time.asctime": 0,
                  "time.strftime": 1}
_UUID = frozenset({"uuid.uuid1", "uuid.uuid4"})
_OS_RANDOM = frozenset({"os.urandom", "os.getrandom", "random.SystemRandom", "ssl.RAND_bytes"})
_NETWORK_PREFIXES = (
    "socket", "urllib.request", "urllib.urlopen", "http.client", "http.server", "requests",
    "httpx", "urllib3", "aiohttp", "ftplib", "smtplib", "poplib", "imaplib", "telnetlib",
    "xmlrpc.client", "paramiko", "websocket", "websockets", "pycurl",
)
_ENVIRON = frozenset({"os.environ", "os.environb", "os.getenv", "os.getenvb",
                      "posix.environ"})
_SET_METHODS = frozenset({"union", "intersection", "difference", "symmetric_difference",
                          "copy"})
# consumers whose result depends on the iteration order of their argument
_ORDER_SENSITIVE = frozenset({"list", "tuple", "enumerate", "iter", "next", "zip", "map",
                              "filter", "reversed", "dict.fromkeys"})

_IGNORE = re.compile(r"#\s*cwlgen:\s*ignore(?:\[([A-Z0-9,\s]+)\])?")

_FIXES = {
    "CG401": "seed it from an input (random.seed(seed), random.Random(seed), "
             "numpy.random.default_rng(seed)), or declare @task(deterministic=False)",
    "CG402": "pass the time in as an input, or declare @task(deterministic=False)",
    "CG403": "derive ids from the inputs (uuid.uuid5(namespace, name)), or declare "
             "@task(deterministic=False)",
    "CG404": "take randomness from a seed input, or declare @task(deterministic=False)",
    "CG405": "declare @task(network=True) (emitted as NetworkAccess)",
    "CG406": "iterate over sorted(...) instead, or declare @task(deterministic=False)",
    "CG407": "pass the value in as an input (or set it with env=), or declare "
             "@task(deterministic=False)",
}


def check_determinism(tool: Tool) -> list[Diagnostic]:
    """Determinism hazards in a Python task, each at the user's file:line."""
    if tool.python is None or tool.loc is None:
        return []
    outline = module_outline(tool.python.module_source)
    if outline is None:
        return []
    lines, functions = outline.lines, outline.functions
    target = functions.get(tool.python.function)
    if target is None:
        return []
    module_aliases, module_seeds = _module_imports(tool.python.module_source)
    path = tool.loc.path
    found: dict[tuple[int, str], Diagnostic] = {}
    todo: list[tuple[ast.AST, tuple[Note, ...]]] = [(target, ())]
    visited: set[str] = set()
    while todo:
        func, via = todo.pop(0)
        assert isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
        if func.name in visited:
            continue
        visited.add(func.name)
        body = list(ast.walk(func))
        aliases = {**module_aliases, **_aliases(body)}
        scan = _Scan(aliases, module_seeds | _seeded(body, aliases), func)
        for line, code, hazard in scan.hazards():
            if code != "CG405" and not tool.deterministic:
                continue
            if code == "CG405" and tool.network:
                continue
            if _ignored(lines, line, code):
                continue
            key = (line, code)
            if key not in found:
                found[key] = diag(code, tool.python.locate(line, path),
                                  func=tool.name, hazard=hazard, fix=_FIXES[code], notes=via)
        for call_line, callee in scan.helper_calls(functions):
            if callee not in visited:
                note = Note(message=f"task '{tool.name}' reaches helper '{callee}' here",
                            loc=tool.python.locate(call_line, path))
                todo.append((functions[callee], via or (note,)))
    return sorted(found.values(), key=Diagnostic.sort_key)


@functools.lru_cache(maxsize=64)
def _module_imports(source: str) -> tuple[dict[str, str], set[str]]:
    """The import aliases and seeded generators of a module's import-time code, once per
    module (every task of it shares them; callers only read them)."""
    top_level = list(_module_level(parse_module(source)))
    aliases = _aliases(top_level)
    return aliases, _seeded(top_level, aliases)


def _ignored(lines: tuple[str, ...], line: int, code: str) -> bool:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    m = _IGNORE.search(text)
    if m is None:
        return False
    codes = m.group(1)
    return codes is None or code in {c.strip() for c in codes.split(",")}


def _module_level(tree: ast.Module) -> Iterator[ast.AST]:
    """Nodes that run at import time (not inside functions or classes)."""
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                 ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def _aliases(nodes: list[ast.AST]) -> dict[str, str]:
    """local name -> dotted name it stands for, from the import statements among `nodes`."""
    out: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    out[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    out[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name != "*":
                    out[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return out


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """`np.random.rand` -> "numpy.random.rand" (None for names that are not imports)."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


def _has_seed(call: ast.Call) -> bool:
    """Whether a seed argument is given (and is not a literal None)."""
    args = list(call.args) + [k.value for k in call.keywords if k.arg in (None, "seed", "x",
                                                                             "a")]
    return any(not (isinstance(a, ast.Constant) and a.value is None) for a in args)


def _seeded(nodes: list[ast.AST], aliases: dict[str, str]) -> set[str]:
    """Which global generators the calls among `nodes` seed ("random", "numpy.random")."""
    seeded: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Call) and _has_seed(node):
            name = _dotted(node.func, aliases)
            if name in ("random.seed", "numpy.random.seed"):
                seeded.add(name.rsplit(".", 1)[0])
    return seeded


class _Scan:
    """Hazards in one function body."""

    def __init__(self, aliases: dict[str, str], seeded: set[str],
                 func: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.aliases = aliases
        self.seeded = seeded
        self.func = func
        self.set_names = self._set_variables()

    def helper_calls(
        self, functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]
    ) -> list[tuple[int, str]]:
        """(line, name) of each call of another module-level function of the module."""
        local = {a.arg for a in ast.walk(self.func.args) if isinstance(a, ast.arg)}
        calls = []
        for node in ast.walk(self.func):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                name = node.func.id
                if name in functions and name not in local and name not in self.aliases:
                    calls.append((node.lineno, name))
            elif isinstance(node, ast.Name) and node.id in functions and isinstance(
                node.ctx, ast.Load
            ) and node.id not in local:
                calls.append((node.lineno, node.id))  # passed as a callback
        return calls

    def hazards(self) -> Iterator[tuple[int, str, str]]:
        """(line, code, description) of each hazard."""
        for node in ast.walk(self.func):
            if isinstance(node, ast.Call):
                yield from self._call(node)
            elif isinstance(node, (ast.Attribute, ast.Name)) and isinstance(node.ctx, ast.Load):
                name = _dotted(node, self.aliases)
                if name in ("os.environ", "os.environb", "posix.environ"):
                    yield node.lineno, "CG407", f"reads environment variables ({name})"
            if isinstance(node, (ast.For, ast.AsyncFor)) and self._is_set(node.iter):
                yield node.iter.lineno, "CG406", "iterates over a set"
            elif isinstance(node, ast.comprehension) and self._is_set(node.iter):
                yield node.iter.lineno, "CG406", "iterates over a set in a comprehension"
            elif isinstance(node, ast.Starred) and self._is_set(node.value):
                yield node.lineno, "CG406", "unpacks a set"

    def _call(self, node: ast.Call) -> Iterator[tuple[int, str, str]]:
        name = _dotted(node.func, self.aliases)
        line = node.lineno
        if name is not None:
            module, _, attr = name.rpartition(".")
            if module == "random" and attr in _RANDOM_FUNCS and "random" not in self.seeded:
                yield line, "CG401", f"calls {name}() without seeding the generator"
            elif module == "numpy.random" and attr not in _NUMPY_NOT_DRAWS and (
                "numpy.random" not in self.seeded
            ):
                yield line, "CG401", f"calls {name}() without seeding the generator"
            elif name in _SEEDABLE and not _has_seed(node):
                yield line, "CG401", f"creates an unseeded generator with {name}()"
            elif name in _CLOCK_ALWAYS or (
                name in _CLOCK_NO_ARGS and len(node.args) <= _CLOCK_NO_ARGS[name]
                and not node.keywords
            ):
                yield line, "CG402", f"reads the clock with {name}()"
            elif name in _UUID:
                yield line, "CG403", f"makes a random id with {name}()"
            elif name in _OS_RANDOM or name.startswith("secrets."):
                yield line, "CG404", f"draws OS randomness with {name}()"
            elif _is_network(name):
                yield line, "CG405", f"uses the network ({name})"
            elif name in ("os.getenv", "os.getenvb"):
                yield line, "CG407", f"reads environment variables ({name})"
        func = node.func
        callee = func.id if isinstance(func, ast.Name) else None
        if callee in _ORDER_SENSITIVE and any(self._is_set(a) for a in node.args):
            yield line, "CG406", f"passes a set to {callee}()"
        elif isinstance(func, ast.Attribute) and func.attr == "join" and node.args and (
            self._is_set(node.args[0])
        ):
            yield line, "CG406", "joins the items of a set"
        elif isinstance(func, ast.Attribute) and func.attr == "pop" and not node.args and (
            self._is_set(func.value)
        ):
            yield line, "CG406", "pops an item of a set"

    def _set_variables(self) -> set[str]:
        """Local names bound to sets (assigned a set expression or annotated as one)."""
        names: set[str] = set()
        for a in ast.walk(self.func.args):
            if isinstance(a, ast.arg) and a.annotation is not None and _is_set_annotation(
                a.annotation
            ):
                names.add(a.arg)
        changed = True
        while changed:  # x = {..}; y = x | z  -> both sets
            changed = False
            for node in ast.walk(self.func):
                targets: list[ast.expr] = []
                value: ast.expr | None = None
                if isinstance(node, ast.Assign):
                    targets, value = node.targets, node.value
                elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    if _is_set_annotation(node.annotation):
                        if node.target.id not in names:
                            names.add(node.target.id)
                            changed = True
                        continue
                    targets, value = [node.target], node.value
                if value is None or not self._is_set(value, names):
                    continue
                for target in targets:
                    if isinstance(target, ast.Name) and target.id not in names:
                        names.add(target.id)
                        changed = True
        return names

    def _is_set(self, node: ast.expr, names: set[str] | None = None) -> bool:
        names = self.set_names if names is None else names
        if isinstance(node, (ast.Set, ast.SetComp)):
            return True
        if isinstance(node, ast.Name):
            return node.id in names
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in ("set", "frozenset") and (
                func.id not in self.aliases
            ):
                return True
            if isinstance(func, ast.Attribute) and func.attr in _SET_METHODS:
                return self._is_set(func.value, names)
        if isinstance(node, ast.BinOp) and isinstance(
            node.op, (ast.BitOr, ast.BitAnd, ast.Sub, ast.BitXor)
        ):
            return self._is_set(node.left, names) or self._is_set(node.right, names)
        return False


def _is_set_annotation(node: ast.expr) -> bool:
    base = node.value if isinstance(node, ast.Subscript) else node
    if isinstance(base, ast.Name):
        return base.id in ("set", "frozenset", "Set", "FrozenSet", "AbstractSet")
    if isinstance(base, ast.Attribute):
        return base.attr in ("Set", "FrozenSet", "AbstractSet")
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.split("[", 1)[0].strip() in ("set", "frozenset")
    return False


def _is_network(name: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in _NETWORK_PREFIXES)
