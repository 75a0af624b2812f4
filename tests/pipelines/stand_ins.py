"""Stand-in executables for tools not installable here (PRESTO, MeqTrees, simms, ...): small
Python scripts that check what they are given and write plausible outputs."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

COMMON = '''\
import os, sys
def opts(argv):
    flags = {"-nobary", "-noclip", "-zap", "-noxwin"}
    out, pos, i = {}, [], 0
    while i < len(argv):
        a = argv[i]
        if a in flags:
            out[a] = True; i += 1
        elif a.startswith("-") and len(a) > 1 and not a[1].isdigit():
            out[a] = argv[i + 1]; i += 2
        else:
            pos.append(a); i += 1
    return out, pos
def need(path):
    if not os.path.exists(path):
        sys.exit(f"{os.path.basename(sys.argv[0])}: missing {path}")
o, p = opts(sys.argv[1:])
'''


def install(folder: Path, scripts: dict[str, str]) -> Path:
    """Write stand-in executables (Python scripts sharing COMMON) into folder/bin."""
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True)
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text(f"#!{sys.executable}\n{COMMON}{body}", encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return bin_dir


def on_path(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


def read(value: dict[str, Any]) -> str:
    return Path(value["path"]).read_text(encoding="utf-8")
