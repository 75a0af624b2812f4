"""One version, written once (cwlgen/_version.py): `cwlgen --version`, `cwlgen.__version__`
and the package metadata built from pyproject.toml all say the same."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cwlgen

REPO = Path(__file__).resolve().parents[2]


def test_cli_version_is_the_package_version() -> None:
    proc = subprocess.run([sys.executable, "-m", "cwlgen", "--version"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"cwlgen {cwlgen.__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:(?:a|b|rc|\.dev)\d+)?", cwlgen.__version__)


def pyproject() -> dict[str, Any]:
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11; the file is the same on 3.10
    loaded: dict[str, Any] = tomllib.loads((REPO / "pyproject.toml").read_text())
    return loaded


def test_pyproject_reads_the_version_from_the_package() -> None:
    project = pyproject()
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "cwlgen._version.__version__"


def test_supported_pythons_are_declared() -> None:
    project = pyproject()["project"]
    assert project["requires-python"] == ">=3.10"
    for minor in (10, 11, 12, 13):
        assert f"Programming Language :: Python :: 3.{minor}" in project["classifiers"]
    assert project["license"] == "Apache-2.0"
    assert "Apache License" in (REPO / "LICENSE").read_text()
