"""The shipped .pre-commit-hooks.yaml, run by pre-commit itself on a scratch repository that
uses this checkout's hooks (cloned from a local path: no network): `cwlgen-check` passes a
good workflow and fails a miswired one at its file:line; `cwlgen-build-check` passes while
the committed CWL is up to date and fails with a diff once the source changes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PRE_COMMIT = BIN / "pre-commit"
GIT = ["git", "-c", "user.name=cwlgen tests", "-c", "user.email=tests@cwlgen.invalid",
       "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """(a git repository with a cwlgen workflow, its committed CWL and a pre-commit config
    using this checkout's hooks; the environment to run pre-commit in)."""
    if not PRE_COMMIT.exists():
        pytest.fail(f"pre-commit is not installed in the venv ({PRE_COMMIT})")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    shutil.copy(REPO / ".pre-commit-hooks.yaml", hooks)
    git(hooks, "init", "-q")
    git(hooks, "add", ".")
    git(hooks, "commit", "-q", "-m", "hooks")
    rev = git(hooks, "rev-parse", "HEAD")

    work = tmp_path / "project"
    work.mkdir()
    shutil.copy(REPO / "examples" / "wordcount.py", work / "wf.py")
    (work / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hooks}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: cwlgen-check\n"
        "      - id: cwlgen-build-check\n"
        "        args: [wf.py:split_and_rank, -o, cwl]\n"
    )
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": str(REPO)}  # the cwlgen under test, as in the other CLI tests
    subprocess.run([str(BIN / "cwlgen"), "build", "wf.py:split_and_rank", "-o", "cwl"],
                   cwd=work, env=env, check=True, capture_output=True)
    git(work, "init", "-q")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "pipeline")
    return work, env


def pre_commit(work: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    git(work, "add", "-A")
    return subprocess.run([str(PRE_COMMIT), "run", "--all-files", "--color", "never"],
                          cwd=work, env=env, capture_output=True, text=True, timeout=300)


def hook_line(output: str, name: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(name + "."))


def test_hooks_pass_a_good_workflow_with_current_cwl(project: tuple[Path, dict[str, str]]) -> None:
    work, env = project
    proc = pre_commit(work, env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert hook_line(proc.stdout, "cwlgen check").endswith("Passed")
    assert hook_line(proc.stdout, "cwlgen build --check").endswith("Passed")


def test_check_hook_fails_a_miswired_workflow_at_its_line(
        project: tuple[Path, dict[str, str]]) -> None:
    work, env = project
    source = (work / "wf.py").read_text()
    bad = source.replace("sort_numbers(files=counts, reverse=True)",
                         "sort_numbers(files=counts, reverse=counts)")
    assert bad != source
    (work / "wf.py").write_text(bad)
    line = next(i for i, text in enumerate(bad.splitlines(), 1) if "reverse=counts" in text)
    proc = pre_commit(work, env)
    assert proc.returncode == 1
    assert hook_line(proc.stdout, "cwlgen check").endswith("Failed")
    assert f"wf.py:{line}: error[CG201]" in proc.stdout


def test_build_check_hook_fails_with_a_diff_when_cwl_is_stale(
        project: tuple[Path, dict[str, str]]) -> None:
    work, env = project
    source = (work / "wf.py").read_text()
    (work / "wf.py").write_text(source.replace('@tool("sort -n")', '@tool("sort -g")'))
    proc = pre_commit(work, env)
    assert proc.returncode == 1
    assert hook_line(proc.stdout, "cwlgen check").endswith("Passed")
    assert hook_line(proc.stdout, "cwlgen build --check").endswith("Failed")
    assert "--- cwl/sort_numbers.cwl (on disk)" in proc.stdout
    assert "\n-- -n\n+- -g\n" in proc.stdout
