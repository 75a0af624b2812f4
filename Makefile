# Every target sets up what it needs: a fresh machine only needs python3 (>= 3.10).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Jobs run `python3` and tools such as DP3.py from PATH: let them find the project's venv.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: setup demo demo-lofar demo-calibrator test check-generated generated images lint \
	typecheck bench bench-quick conformance conformance-required check-package clean

# An editable install in setuptools' compat mode: a plain path entry (.pth) that mypy and
# pyright follow from any folder (the default editable mode is an import hook they cannot see).
$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,toil,radio,docs]' --config-settings editable_mode=compat
	touch $(STAMP)

setup: $(STAMP)

## demo: compile the example workflow, validate it, run it with cwltool
demo: $(STAMP)
	$(BIN)/python examples/demo.py

## demo-lofar: the tiny LOFAR pipeline (synthesise -> aoflagger -> DP3 -> wsclean -> source
## check over 3 subbands, plus the real DP3 test MS); needs Debian's wsclean and aoflagger
demo-lofar: $(STAMP)
	$(BIN)/python scripts/demo_lofar.py

## demo-calibrator: the tiny LOFAR calibrator (4 subbands with station gains -> aoflagger ->
## DP3 average + gaincal -> gather -> clock/TEC separation -> smooth -> DP3 applycal -> wsclean
## -> check); prints the recovered-vs-injected table; needs Debian's wsclean and aoflagger
demo-calibrator: $(STAMP)
	$(BIN)/python scripts/demo_calibrator.py

## test: the full test suite (what CI runs)
test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2

## check-generated: fail when generated/ is stale
check-generated: $(STAMP)
	$(BIN)/python scripts/generated.py --check

## generated: rebuild generated/ from pipelines/
generated: $(STAMP)
	$(BIN)/python scripts/generated.py

## images: redraw the workflow pictures in docs/images with `cwlgen graph` (needs Graphviz:
## apt-get install graphviz)
images: $(STAMP)
	$(BIN)/cwlgen graph examples/wordcount.py:split_and_rank -o docs/images/wordcount.svg
	$(BIN)/cwlgen graph pipelines/tiny_lofar.py:tiny_lofar -o docs/images/tiny_lofar.svg

## check-package: build wheel and sdist, twine check them, install each into a clean venv and
## smoke-test it outside the checkout (needs the package registry)
check-package: $(STAMP)
	bash .ci/package.sh $(PY)

lint: $(STAMP)
	$(BIN)/ruff check cwlgen tests pipelines scripts benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy --strict pipelines scripts

.PHONY: docs docs-serve
## docs: build the documentation site into build/site (the test suite builds it too)
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

## docs-serve: read the site at http://127.0.0.1:8000 while editing docs/
docs-serve: $(STAMP)
	$(BIN)/mkdocs serve

bench: $(STAMP)
	PYTHONPATH=$(CURDIR) $(BIN)/python benchmarks/targets.py

bench-quick: $(STAMP)
	PYTHONPATH=$(CURDIR) $(BIN)/python benchmarks/targets.py --quick

## conformance: the CWL v1.2 conformance suite round-tripped (CWL -> cwlgen import -> Python
## -> cwlgen build -> cwltool --no-container), per tag; the suite is ../shared/conformance
## beside the repository (or CWLGEN_CONFORMANCE_SUITE). All 378 tests: 10+ min here.
conformance: $(STAMP)
	$(BIN)/python scripts/conformance.py -j2 --report conformance-report.md

## conformance-required: the `required` tests only (what CI runs, a few minutes)
conformance-required: $(STAMP)
	$(BIN)/python scripts/conformance.py -j2 --tags required

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache
