"""`@task`: a typed Python function with a body, compiled to a CommandLineTool that runs the
function inside the CWL job (see `cwlgen.lower.python_task` and `cwlgen.runtime.shim`).

Calling a task inside a workflow being traced records a step; calling it anywhere else simply
calls the function, so tasks stay ordinary, unit-testable Python.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ParamSpec, TypeVar, overload

from cwlgen.dsl.bodies import task_kind_problems
from cwlgen.dsl.cell_source import cell_module_source, is_interactive
from cwlgen.dsl.definition import Definition
from cwlgen.dsl.interface import read_env, read_packages, read_resources
from cwlgen.dsl.spec import Resources
from cwlgen.dsl.tracing import current_builder, record_call
from cwlgen.errors import MisuseError
from cwlgen.ir import Container, PythonCode, Tool
from cwlgen.ir.diagnostics import Diagnostic, diag
from cwlgen.ir.location import SourceLocation
from cwlgen.ir.module_source import module_outline, read_module_file

P = ParamSpec("P")
R = TypeVar("R")

# every task ever defined, by key ("module:qualname"): how local execution finds the function
# behind a Tool of the IR (the IR itself is plain data)
_TASKS: dict[str, TaskDef[Any, Any]] = {}


def task_by_key(key: str) -> TaskDef[Any, Any] | None:
    """The task definition whose IR has this key (None if unknown)."""
    found = _TASKS.get(key)
    if found is None:
        module_name, _, qualname = key.partition(":")
        candidate = getattr(sys.modules.get(module_name), qualname, None)
        if isinstance(candidate, TaskDef):
            found = candidate
    return found


class TaskDef(Definition[P, R]):
    """A Python task: a step inside a workflow, the plain function everywhere else."""

    kind = "task"

    def __init__(
        self,
        func: Callable[P, R],
        *,
        container: str | None = None,
        container_required: bool = False,
        packages: tuple[str | Mapping[str, Any], ...] = (),
        resources: Resources | None = None,
        env: Mapping[str, str] | None = None,
        deterministic: bool = True,
        network: bool = False,
        python: str | None = None,
    ) -> None:
        super().__init__(func)
        self.python = python
        self.container = container
        self.container_required = container_required
        self.packages = packages
        self.resources = resources
        self.env = dict(env) if env else None
        self.deterministic = deterministic
        self.network = network
        _TASKS[self.key] = self

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if current_builder() is None:
            return self.func(*args, **kwargs)
        result: R = record_call(self, args, kwargs)
        return result

    def _build_ir(self) -> Tool:
        iface = self.interface
        where = iface.site.at()
        problems: list[Diagnostic] = list(iface.diagnostics)
        problems += task_kind_problems(self.func, self.name, where)
        source = _module_source(self.func)
        origins: tuple[tuple[int, str, int], ...] = ()
        if source is None and is_interactive(self.func):  # a notebook cell: build a module
            shipped = cell_module_source(self.func)
            source, origins = shipped.text, shipped.origins
            problems += [diag("CG112", where, variant="notebook_unshippable", name=name,
                              why=why, chain=chain) for name, why, chain in shipped.problems]
        if source is None:
            problems.append(diag("CG112", where, variant="task_source_unreadable",
                                 func=self.name))
            source = ""
        else:
            problems += _module_problems(self.func, source, iface.site.path)
        return Tool(
            key=self.key,
            name=self.name,
            label=iface.doc.label,
            doc=iface.doc.doc,
            base_command=("python3",),
            inputs=iface.inputs,
            outputs=iface.outputs,
            container=(Container(image=self.container, required=self.container_required)
                       if self.container else None),
            packages=read_packages(self.packages, self.name, where, problems),
            resources=read_resources(self.resources, self.name, where, problems),
            env=read_env(self.env, self.name, where, problems),
            network=self.network,
            deterministic=self.deterministic,
            python=PythonCode(module_name=self.func.__module__, module_source=source,
                              function=self.func.__name__, origins=origins,
                              **declared_python(self.python, self.func, self.container)),
            loc=where,
            diagnostics=tuple(problems),
        )


DEFAULT_PYTHON = "3.10"  # the oldest Python cwlgen itself runs on
MODULE_PYTHON = "CWLGEN_PYTHON"  # a module-level declaration for every task of the module
_PYTHON_IMAGE = re.compile(r"(?:^|/)python:(3\.\d+)")


def declared_python(
    python: str | None, func: Callable[..., Any], container: str | None
) -> dict[str, str]:
    """The Python a task's job has, and where that was said: `@task(python=...)`, the
    module's CWLGEN_PYTHON, a `python:X.Y...` container tag, or the default. Checked (and
    validated) by cwlgen.checks.python_version."""
    if python is not None:
        return {"python": str(python), "python_origin": f"@task(python={python!r})"}
    module_value = getattr(func, "__globals__", {}).get(MODULE_PYTHON)
    if module_value is not None:
        return {"python": str(module_value), "python_origin": f"the module's {MODULE_PYTHON}"}
    tag = _PYTHON_IMAGE.search(container or "")
    if tag is not None:
        return {"python": tag.group(1), "python_origin": f"its container {container}"}
    return {"python": DEFAULT_PYTHON, "python_origin": "cwlgen's default"}


def _module_source(func: Callable[..., Any]) -> str | None:
    try:
        path = inspect.getsourcefile(func)
        if path is not None and path.endswith(".py"):
            # read once per process, in the module's declared encoding (PEP 263), as Python
            # read it; the job gets the text as UTF-8, so the declaration is rewritten to say
            # so (same lines)
            return utf8_declared(read_module_file(path))
        module = inspect.getmodule(func)
        return inspect.getsource(module) if module is not None else None
    except (OSError, TypeError, SyntaxError, UnicodeDecodeError):
        return None


_CODING = re.compile(r"^([ \t\f]*#.*?coding[:=][ \t]*)([-\w.]+)", re.MULTILINE)


def utf8_declared(source: str) -> str:
    """`source` with an encoding declaration on its first two lines (PEP 263) changed to
    utf-8: the shipped copy is written as UTF-8 text."""
    head = source.split("\n", 2)
    for i in range(min(2, len(head))):
        m = _CODING.match(head[i])
        if m is not None:
            head[i] = head[i][:m.start(2)] + "utf-8" + head[i][m.end(2):]
            return "\n".join(head)
    return source


def _module_problems(func: Callable[..., Any], source: str, path: str) -> list[Diagnostic]:
    """What would stop the job from finding the function in a copy of its module."""
    name = func.__name__
    where = SourceLocation(path=path, line=func.__code__.co_firstlineno)
    if func.__qualname__ != name:
        return [diag("CG112", where, variant="task_nested", func=name,
                     outer=func.__qualname__.rsplit(".", 1)[0])]
    outline = module_outline(source)
    if outline is None:
        return []
    problems = []
    if name not in outline.functions:
        problems.append(diag("CG112", where, variant="task_not_toplevel", func=name))
    problems += [diag("CG112", SourceLocation(path=path, line=line),
                      variant="task_relative_import", func=name)
                 for line in outline.relative_import_lines]
    return problems


@overload
def task(func: Callable[P, R], /) -> TaskDef[P, R]: ...


@overload
def task(
    func: None = None,
    /,
    *,
    container: str | None = None,
    container_required: bool = False,
    packages: Iterable[str | Mapping[str, Any]] = (),
    resources: Resources | None = None,
    env: Mapping[str, str] | None = None,
    deterministic: bool = True,
    network: bool = False,
    python: str | None = None,
) -> Callable[[Callable[P, R]], TaskDef[P, R]]: ...


def task(
    func: Callable[P, R] | None = None,
    /,
    *,
    container: str | None = None,
    container_required: bool = False,
    packages: Iterable[str | Mapping[str, Any]] = (),
    resources: Resources | None = None,
    env: Mapping[str, str] | None = None,
    deterministic: bool = True,
    network: bool = False,
    python: str | None = None,
) -> TaskDef[P, R] | Callable[[Callable[P, R]], TaskDef[P, R]]:
    """Declare a Python task: a typed function whose body runs inside the CWL job.

    Usable as `@task` and `@task(...)`. The job needs only `python3` and the declared
    `packages` ("numpy", "scipy==1.11"; a SoftwareRequirement hint); cwlgen itself need not be
    installed there. `container` is a DockerRequirement hint (a requirement with
    container_required), `resources` a ResourceRequirement, `env` an EnvVarRequirement.
    `deterministic=False` admits that outputs vary between runs (WorkReuse disabled, the
    determinism checks stay quiet); `network=True` grants NetworkAccess. `python="3.6"`
    declares the Python the job's container has (else the module's `CWLGEN_PYTHON`, the tag
    of a `python:X.Y` image, or 3.10): a line of the task's module needing a newer one is a
    compile-time error (CG120).
    """
    if isinstance(func, str):  # @task("${...}"): JavaScript where a Python body goes
        raise MisuseError("CG607", "task_js", value=repr(func)[:60])
    pkgs = (packages,) if isinstance(packages, str) else tuple(packages)

    def decorate(f: Callable[P, R]) -> TaskDef[P, R]:
        return TaskDef(f, container=container, container_required=container_required,
                       packages=pkgs, resources=resources, env=env,
                       deterministic=deterministic, network=network, python=python)

    if func is not None:
        return decorate(func)
    return decorate
