# Two commands on a fresh machine:  make reports  |  make test
# Each bootstraps .venv (Python 3.11 + pip) when it is missing or older than the dependency files.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ARGS   ?=

.PHONY: help venv reports test lint lab suggest append check bench bench-suggest corpus clean refresh add-article

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# The first install takes about two minutes (121 s measured on the 2-core development machine, with other work
# running on it): pip's own progress (one line per package) shows it is moving.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || { echo "[venv] creating $(VENV) with $$($(PYTHON) --version)"; $(PYTHON) -m venv $(VENV); }
	@echo "[venv] installing the pinned dependencies into $(VENV) (first time: about two minutes)"
	$(PY) -m pip install --disable-pip-version-check --progress-bar on -c requirements.lock -e '.[dev]' \
		| grep --line-buffered -E '^(Collecting|Installing|Successfully)' || true
	@$(PY) -c "import helpers, papermill, nbclient" || { echo "[venv] install failed: see pip's output above" >&2; exit 1; }
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (pakclaims)" > /dev/null
	@touch $(STAMP)
	@echo "[venv] ready"

venv: $(STAMP)  ## create or refresh .venv

reports: $(STAMP)  ## render every report from the shipped data into reports/ (ARGS="--force" etc.)
	$(PY) -m helpers.batch $(ARGS)

test: $(STAMP)  ## run the whole test suite, with line coverage of src/helpers
	$(PY) -m pytest --cov=helpers --cov-report=term:skip-covered $(ARGS)

lint: $(STAMP)  ## ruff over the code and tests
	$(VENV)/bin/ruff check src tests bench notebooks

lab: $(STAMP)  ## open JupyterLab on the notebooks with the project kernel (root, as in containers: --allow-root)
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks

suggest: $(STAMP)  ## candidate claims from an article: make suggest SEED=seeds/<file>.txt
	@test -n "$(SEED)" || { echo "usage: make suggest SEED=seeds/<file>.txt" >&2; exit 2; }
	$(PY) -m helpers.claims suggest $(SEED)

append: $(STAMP)  ## append reviewed rows: make append CANDIDATES=suggestions/<a>.candidates.csv [EXCLUSIONS=...] [REVIEWED=1]
	@test -n "$(CANDIDATES)" || { echo "usage: make append CANDIDATES=<file> [EXCLUSIONS=<file>] [REVIEWED=1]" >&2; exit 2; }
	$(PY) -m helpers.claims append $(CANDIDATES) $(if $(EXCLUSIONS),--exclusions $(EXCLUSIONS)) $(if $(REVIEWED),--reviewed)

add-article: $(STAMP)  ## an article from a saved page or address: make add-article SOURCE=<page.html or https://...>
	@test -n "$(SOURCE)" || { echo "usage: make add-article SOURCE=<saved .html file or http(s) address>" >&2; exit 2; }
	$(PY) -m helpers.articles add '$(SOURCE)'

check: $(STAMP)  ## validate every input of the reports: register, exclusions, articles, coverage, rates...
	$(PY) -m helpers.claims check

bench: $(STAMP)  ## benchmarks: the batch (cold, warm, forked kernels) against the naive loop, its engine, at scale (about 30 min)
	$(PY) -u bench/bench_batch.py
	$(PY) -u bench/bench_engine.py
	$(PY) -u bench/bench_scale.py
	$(PY) -u bench/bench_suggest.py

bench-suggest: $(STAMP)  ## parser and suggest seconds per MB at growing article sizes (run by hand)
	$(PY) bench/bench_suggest.py

corpus: $(STAMP)  ## recall and precision of the quantity parser on real newspaper phrasings
	$(PY) -m helpers.quantities.corpus --min-recall 0.97

refresh: $(STAMP)  ## pull the agencies' series into data/snapshots (unreachable: keep them, exit 3)
	$(PY) -m helpers.refresh $(ARGS)

# Everything the batch writes under reports/ (helpers.batch.layout, helpers.manifest, helpers.companions): the
# report folders (runs/, failed/, lab/, .staging/), the index and its PDF, claims.jsonld, the manifest and any
# damaged manifest set aside, half-written temporary files and the lock file. reports/README.md stays.
GENERATED := reports/*/ reports/.staging reports/*.html reports/*.json reports/index.pdf reports/claims.jsonld \
	reports/manifest.json.damaged-* reports/.*.tmp reports/.lock

clean:  ## remove .venv and every generated report (refused while a batch is writing reports/)
	@if [ -e reports/.lock ] && command -v flock > /dev/null && ! flock -n reports/.lock true; then \
		echo "make clean: a batch is writing reports/ (it holds reports/.lock); nothing removed: wait for it to end" >&2; \
		exit 2; fi
	rm -rf $(VENV) $(GENERATED)
