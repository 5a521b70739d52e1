# Two commands on a fresh machine:  make reports  |  make test
# Each bootstraps .venv (Python 3.11 + pip) when it is missing or older than the dependency files.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ARGS   ?=

.PHONY: help venv reports test lint lab suggest append check bench clean refresh add-article

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (pakclaims)" > /dev/null
	@touch $(STAMP)

venv: $(STAMP)  ## create or refresh .venv

reports: $(STAMP)  ## render every report from the shipped data into reports/ (ARGS="--force" etc.)
	$(PY) -m helpers.batch $(ARGS)

test: $(STAMP)  ## run the whole test suite
	$(PY) -m pytest $(ARGS)

lint: $(STAMP)  ## ruff over the code and tests
	$(VENV)/bin/ruff check src tests bench notebooks

lab: $(STAMP)  ## open JupyterLab on the notebooks with the project kernel
	$(VENV)/bin/jupyter lab notebooks

suggest: $(STAMP)  ## candidate claims from an article: make suggest SEED=seeds/<file>.txt
	@test -n "$(SEED)" || { echo "usage: make suggest SEED=seeds/<file>.txt" >&2; exit 2; }
	$(PY) -m helpers.claims suggest $(SEED)

append: $(STAMP)  ## append reviewed rows: make append CANDIDATES=suggestions/<a>.candidates.csv [EXCLUSIONS=...] [REVIEWED=1]
	@test -n "$(CANDIDATES)" || { echo "usage: make append CANDIDATES=<file> [EXCLUSIONS=<file>] [REVIEWED=1]" >&2; exit 2; }
	$(PY) -m helpers.claims append $(CANDIDATES) $(if $(EXCLUSIONS),--exclusions $(EXCLUSIONS)) $(if $(REVIEWED),--reviewed)

add-article: $(STAMP)  ## an article from a saved page or address: make add-article SOURCE=<page.html or https://...>
	@test -n "$(SOURCE)" || { echo "usage: make add-article SOURCE=<saved .html file or http(s) address>" >&2; exit 2; }
	$(PY) -m helpers.articles add '$(SOURCE)'

check: $(STAMP)  ## validate the register, exclusions, coverage and rates
	$(PY) -m helpers.claims check

bench: $(STAMP)  ## batch benchmark (minutes; run by hand)
	$(PY) bench/bench_batch.py

refresh: $(STAMP)  ## pull the agencies' series into data/snapshots (unreachable: keep them, exit 3)
	$(PY) -m helpers.refresh $(ARGS)

clean:  ## remove .venv and generated reports
	rm -rf $(VENV) reports/*/ reports/*.html reports/*.json
