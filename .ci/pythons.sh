#!/usr/bin/env bash
# The fast part of the test suite on every other supported Python (3.10, 3.12, 3.13; the main
# run uses the venv's 3.11): one venv per version under .venvs/, installed as `make setup`
# does (`.[test]`, compat editable mode). Prints the interpreters for CWLGEN_OTHER_PYTHONS on
# the last line, for the cross-version byte-identity test of the main run.
#   usage: bash .ci/pythons.sh [VERSION...]     (default: 3.10.13 3.12.1 3.13.0)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PYENV_ROOT=${PYENV_ROOT:-$HOME/.pyenv}
VERSIONS=("$@")
[ ${#VERSIONS[@]} -gt 0 ] || VERSIONS=(3.10.13 3.12.1 3.13.0)

# Left to the main run: style and type checkers (tools, not the interpreter, decide), Toil,
# Slurm and radio tools (not in these venvs), the long property/differential sweeps, and the
# docs and notebooks (their extras are installed in the main venv only).
MARKERS="not slow and not toil and not slurm and not radio"
SKIP="not ruff and not mypy and not toil and not differential and not random_modules"
SKIP="$SKIP and not assignability_agrees and not batched_tasks_give_the_unbatched_outputs"

pythons=()
for version in "${VERSIONS[@]}"; do
    base="$PYENV_ROOT/versions/$version/bin/python3"
    if [ ! -x "$base" ]; then
        echo "Python $version is not installed ($base); pyenv install $version" >&2
        exit 1
    fi
    venv="$REPO/.venvs/py${version%.*}"
    echo "::group::Python $version: install"
    if [ ! -x "$venv/bin/python" ] || [ "$REPO/pyproject.toml" -nt "$venv/.installed" ]; then
        "$base" -m venv "$venv"
        "$venv/bin/pip" install --quiet --upgrade pip \
            2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
        "$venv/bin/pip" install --quiet -e "$REPO[test]" --config-settings editable_mode=compat \
            2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
        touch "$venv/.installed"
    fi
    echo "::endgroup::"
    echo "--- Python $version: fast tests"
    # jobs run `python3` from PATH: Python tasks run on this version too
    ( export PATH="$venv/bin:$PATH" PYTHONPATH="$REPO"; unset CWLGEN_REQUIRE_TOOLS
      cd "$REPO"
      "$venv/bin/python" -m pytest -q -p no:cacheprovider -n 2 -m "$MARKERS" -k "$SKIP" \
          --ignore=tests/docs --ignore=tests/notebooks
      "$venv/bin/python" scripts/generated.py --check )
    pythons+=("$venv/bin/python")
done
(IFS=:; echo "${pythons[*]}")
