#!/usr/bin/env bash
# Build the wheel and sdist as a user would get them, check their metadata, install each into
# a clean venv (no checkout on sys.path) and smoke-test it: version, LICENSE, `cwlgen check`,
# `cwlgen build`, and a cwltool run of the compiled example. Needs the package registry (the
# build backend and the dependencies are installed from it). Usage: bash .ci/package.sh [PY]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PY=${1:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cwlgen-package.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# this machine's pip configuration names optional local indexes that may be absent
quiet_pip() { "$@" 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2); }

echo "--- build wheel and sdist (python -m build; the wheel is built from the sdist)"
"$PY" -m venv "$WORK/tools"
quiet_pip "$WORK/tools/bin/pip" install --quiet --upgrade pip build twine
"$WORK/tools/bin/python" -m build --outdir "$WORK/dist" "$REPO" >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; exit 1; }
rm -rf "$REPO/build" "$REPO"/*.egg-info  # build's scratch, not part of the checkout
"$WORK/tools/bin/twine" check --strict "$WORK"/dist/*

VERSION=$("$PY" -c 'import ast,sys; t=ast.parse(open(sys.argv[1]).read()); print(next(n.value.value for n in t.body if isinstance(n, ast.Assign) and n.targets[0].id == "__version__"))' cwlgen/_version.py)
WHEEL="$WORK/dist/cwlgen-$VERSION-py3-none-any.whl"
SDIST="$WORK/dist/cwlgen-$VERSION.tar.gz"
test -f "$WHEEL" && test -f "$SDIST"

echo "--- both archives carry the licence and the type marker"
"$PY" - "$WHEEL" "$SDIST" "$VERSION" <<'PYEOF'
import sys, tarfile, zipfile
wheel, sdist, version = sys.argv[1:]
names = zipfile.ZipFile(wheel).namelist()
for want in (f"cwlgen-{version}.dist-info/licenses/LICENSE", "cwlgen/py.typed", "cwlgen/_version.py"):
    assert want in names, f"{want} missing from the wheel"
meta = zipfile.ZipFile(wheel).read(f"cwlgen-{version}.dist-info/METADATA").decode()
for want in ("License-Expression: Apache-2.0", "Requires-Python: >=3.10",
             "Programming Language :: Python :: 3.13",
             "Project-URL: Documentation, https://cwlgen.github.io/cwlgen/"):
    assert want in meta, f"{want!r} missing from the wheel's METADATA"
members = tarfile.open(sdist).getnames()
for want in ("LICENSE", "README.md", "pyproject.toml", "cwlgen/py.typed"):
    assert f"cwlgen-{version}/{want}" in members, f"{want} missing from the sdist"
print("ok: LICENSE, py.typed and metadata present")
PYEOF

smoke() {  # smoke VENV: exercise an installed cwlgen from a folder outside the checkout
    local venv=$1 here
    here=$(mktemp -d "$WORK/smoke.XXXXXX")
    cp "$REPO/examples/wordcount.py" "$REPO/examples/miswired.py" "$here/"
    printf 'one two three\nfour five\nsix\n' >"$here/poem.txt"
    (
        cd "$here"
        unset PYTHONPATH
        got=$("$venv/bin/cwlgen" --version)
        [ "$got" = "cwlgen $VERSION" ] || { echo "cwlgen --version said '$got'"; exit 1; }
        "$venv/bin/python" -c "
import importlib.metadata as m, cwlgen, pathlib
assert cwlgen.__version__ == m.version('cwlgen') == '$VERSION', cwlgen.__version__
assert not str(pathlib.Path(cwlgen.__file__)).startswith('$REPO'), cwlgen.__file__
lic = [f for f in m.files('cwlgen') if f.name == 'LICENSE']
assert lic and 'Apache License' in lic[0].read_text(), 'LICENSE not installed'
"
        "$venv/bin/cwlgen" check wordcount.py
        if "$venv/bin/cwlgen" check miswired.py >check.out 2>&1; then
            echo "cwlgen check accepted miswired.py"; exit 1
        fi
        grep -q "CG201" check.out
        # SARIF help links point at the published diagnostics page, from the package's
        # Documentation URL: <Documentation>diagnostics.html#cg201
        "$venv/bin/cwlgen" check miswired.py --format sarif >check.sarif || [ $? -eq 1 ]
        "$venv/bin/python" -c "
import json, importlib.metadata as m
urls = dict(u.split(', ', 1) for u in m.metadata('cwlgen').get_all('Project-URL'))
assert {'Homepage', 'Documentation', 'Source', 'Issues'} <= set(urls), urls
rules = json.load(open('check.sarif'))['runs'][0]['tool']['driver']['rules']
rule = next(r for r in rules if r['id'] == 'CG201')
want = urls['Documentation'].rstrip('/') + '/diagnostics.html#cg201'
assert rule['helpUri'] == want, (rule.get('helpUri'), want)
"
        "$venv/bin/cwlgen" build wordcount.py:split_and_rank -o out
        "$venv/bin/cwltool" --quiet --no-container out/split_and_rank.cwl --text poem.txt >run.json
        "$venv/bin/python" -c "
import json; out = json.load(open('run.json'))
(ranking,) = out.values()  # the workflow's one output
lines = open(ranking['path']).read().split()
assert lines == ['3', '2', '1'], lines
"
    )
    echo "ok: $(basename "$venv") installs and runs"
}

echo "--- install the wheel into a clean venv"
"$PY" -m venv "$WORK/wheel-venv"
quiet_pip "$WORK/wheel-venv/bin/pip" install --quiet "$WHEEL"
smoke "$WORK/wheel-venv"

echo "--- install the sdist into a clean venv (pip builds it)"
"$PY" -m venv "$WORK/sdist-venv"
quiet_pip "$WORK/sdist-venv/bin/pip" install --quiet "$SDIST"
smoke "$WORK/sdist-venv"
