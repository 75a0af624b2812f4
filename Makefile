# Every target sets up what it needs: a fresh machine only needs python3 (>= 3.10).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Jobs run `python3` and tools such as DP3.py from PATH: let them find the project's venv.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: setup demo demo-lofar test check-generated generated lint typecheck bench bench-quick \
	check-package clean

# An editable install in setuptools' compat mode: a plain path entry (.pth) that mypy and
# pyright follow from any folder (the default editable mode is an import hook they cannot see).
$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,toil,radio]' --config-settings editable_mode=compat
	touch $(STAMP)

setup: $(STAMP)

## demo: compile the example workflow, validate it, run it with cwltool
demo: $(STAMP)
	$(BIN)/python examples/demo.py

## demo-lofar: the tiny LOFAR pipeline (synthesise -> aoflagger -> DP3 -> wsclean -> source
## check over 3 subbands, plus the real DP3 test MS); needs Debian's wsclean and aoflagger
demo-lofar: $(STAMP)
	$(BIN)/python scripts/demo_lofar.py

## test: the full test suite (what CI runs)
test: $(STAMP)
	$(BIN)/python -m pytest -q

## check-generated: fail when generated/ is stale
check-generated: $(STAMP)
	$(BIN)/python scripts/generated.py --check

## generated: rebuild generated/ from pipelines/
generated: $(STAMP)
	$(BIN)/python scripts/generated.py

## check-package: build wheel and sdist, twine check them, install each into a clean venv and
## smoke-test it outside the checkout (needs the package registry)
check-package: $(STAMP)
	bash .ci/package.sh $(PY)

lint: $(STAMP)
	$(BIN)/ruff check cwlgen tests pipelines scripts benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy --strict pipelines scripts

bench: $(STAMP)
	$(BIN)/python benchmarks/compile.py
	$(BIN)/python benchmarks/batching.py

bench-quick: $(STAMP)
	$(BIN)/python benchmarks/compile.py --quick

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache
