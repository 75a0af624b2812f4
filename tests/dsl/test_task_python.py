"""Where a task's Python comes from (cwlgen/dsl/task.py `declared_python`): `@task(python=)`
beats the module's CWLGEN_PYTHON, which beats a `python:X.Y` image tag, which beats the
default; and the declaration reaches the IR."""

from __future__ import annotations

from typing import Any

from fixtures.tasks import old_python

from cwlgen.dsl.task import DEFAULT_PYTHON, declared_python


def module_function(python: str | None = None) -> Any:
    """A function whose module globals hold CWLGEN_PYTHON = python (or nothing)."""
    namespace: dict[str, Any] = {} if python is None else {"CWLGEN_PYTHON": python}
    exec("def f():\n    return 1\n", namespace)
    return namespace["f"]


def test_the_task_beats_the_module_beats_the_image_beats_the_default() -> None:
    plain, declared = module_function(), module_function("3.7")
    assert declared_python("3.6", declared, "python:3.12-slim") == {
        "python": "3.6", "python_origin": "@task(python='3.6')"}
    assert declared_python(None, declared, "python:3.12-slim") == {
        "python": "3.7", "python_origin": "the module's CWLGEN_PYTHON"}
    assert declared_python(None, plain, "docker.io/library/python:3.12-slim") == {
        "python": "3.12", "python_origin": "its container docker.io/library/python:3.12-slim"}
    assert declared_python(None, plain, "kernsuite/wsclean") == {
        "python": DEFAULT_PYTHON, "python_origin": "cwlgen's default"}
    assert declared_python(None, plain, None)["python"] == "3.10"


def test_the_declaration_reaches_the_ir() -> None:
    code = old_python.summarise.process_ir().python
    assert code is not None
    assert (code.python, code.python_origin) == ("3.6", "the module's CWLGEN_PYTHON")
