# fupan — the two commands that do everything on a fresh machine are `make demo` and `make test`;
# CI (.ci/run) runs `make check` (static checks) and then `make test`.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := data/demo

.DEFAULT_GOAL := help
.PHONY: site help setup system-deps demo demo-data test check check-format check-lint check-types check-layers \
        check-pairing format lint bench bench-batch bench-lift bench-data bench-scale bench-behaviour clean library

help: ## list the targets
	@echo "fupan 复盘 — make targets:"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m fupan.fonts
	$(BIN)/python -m ipykernel install --sys-prefix --name fupan --display-name "Python (fupan)" >/dev/null  # make lab, the examples
	@touch $(STAMP)

# fupan is installed editable (its code is lib/), so pip writes no bytecode for it, and where
# PYTHONDONTWRITEBYTECODE is set Python never does: each process then compiled fupan's ~200
# modules from source at every start (~0.2 s; a batch's forkserver does it before its first run).
# compileall writes what is missing or stale, in ~0.05 s when nothing is.
setup: $(STAMP) ## create .venv and install everything, the CJK font included
	@$(BIN)/python -m compileall -q lib

$(DEMO)/campaign.yaml: $(STAMP) $(wildcard lib/fupan/demo/*.py lib/fupan/demo/generator/*.py)
	$(BIN)/fupan demo --out $(DEMO)

demo-data: $(DEMO)/campaign.yaml ## generate the seeded demo campaign into data/demo

demo: setup demo-data library ## set up, build the seed case library, generate the demo campaign and run its retrospective into reports/
	$(BIN)/fupan run $(DEMO) --out reports
	@$(BIN)/fupan site --library case_library --out site
	@echo "retrospective: reports/2025-d11-beauty/report.html · knowledge base of the case library: site/index.html (rebuild: make site)"

site: setup ## build the static knowledge base of case_library/ into site/ (opens from file://)
	$(BIN)/fupan site --library case_library --out site

# The worked examples (notebooks/): students open the numbered copies, teachers notebooks/instructor/.
.PHONY: lab notebooks
lab: setup ## JupyterLab on the worked examples (notebooks/) with the project's kernel "fupan"
	cd notebooks && ../$(BIN)/jupyter lab --MultiKernelManager.default_kernel_name=fupan $(if $(filter 0,$(shell id -u)),--allow-root)

notebooks: setup ## rebuild the worked examples from notebooks/src (student + instructor copies, answer keys; ~10 min)
	$(BIN)/python -m fupan.learn.build

# The seed case library: 16 cases (3 real from UCI Online Retail, 13 synthetic presets) built from
# their recipe (lib/fupan/demo/seeds.py) into case_library/, working files in build/seeds/. About
# 3 minutes the first time on 2 cores; afterwards only cases whose inputs or versions changed are
# re-run (seconds). FORCE=1 re-runs every one.
library: $(STAMP) ## build the seed case library into case_library/ (16 cases; ~4 min the first time, seconds after)
	$(BIN)/python -m fupan.demo.seeds --library case_library --work build/seeds --jobs 2 $(if $(FORCE),--force)

# System packages the tests need, from Debian. Installed when missing and we may (root with
# apt-get); otherwise the tests that need one skip and say why. Add a package to SYSTEM_DEPS and
# say, in SKIPS_<package>, what runs without it.
SYSTEM_DEPS := chromium postgresql openjdk-17-jre-headless
SKIPS_chromium := the browser tests (tests/test_xss.py, tests/test_site_browser.py)
SKIPS_postgresql := the PostgreSQL pushdown tests (tests/test_engine_postgres.py, tests/test_engine_secrets.py; under CI=true they fail instead)
SKIPS_openjdk-17-jre-headless := the Spark tests (tests/test_engine_spark.py; under CI=true they fail instead)

system-deps: ## install the Debian packages the tests need (chromium, postgresql, a Java runtime for Spark); says what skips if it cannot
	@echo "system packages the tests need: $(SYSTEM_DEPS)"
	@$(foreach p,$(SYSTEM_DEPS),$(call system_dep,$(p),$(SKIPS_$(p))))

define system_dep
	if command -v $(1) >/dev/null 2>&1 || dpkg-query -W -f='$${Status}' $(1) 2>/dev/null | grep -q "ok installed"; then \
		echo "  $(1): installed"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "  $(1): installing (apt-get install $(1)) …"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1) >/dev/null) \
		|| echo "  $(1): could not be installed; $(2) will skip"; \
	else echo "  $(1): missing and not root; $(2) will skip (as root: apt-get install $(1))"; fi;
endef

# Two pytest-xdist workers (TEST_JOBS=0: one process, e.g. to debug). Whole files go to a worker
# (--dist loadfile: nbval runs a notebook's cells in order, module fixtures are built once), in the
# order tests/conftest.py gives them (longest first: --no-loadscope-reorder).
TEST_JOBS ?= 2
test: setup system-deps ## run the whole test suite (what CI runs after make check; TEST_JOBS=2 workers)
	$(BIN)/python -m pytest $(if $(filter-out 0,$(TEST_JOBS)),-n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder)

# ---------------------------------------------------------------------------- static checks
# `make check` runs every check and reports each; it fails if any failed. CI runs it before the
# tests; .pre-commit-config.yaml runs the same commands on commit.
CHECKS    := format lint types layers pairing
TEMPLATES := lib/fupan/report/templates
PY_TREE   := lib tests bench

check: setup ## static checks: ruff format + lint, mypy, import layers, template pairing (all run, then fail if any did)
	@failed=""; for c in $(CHECKS); do \
		echo "── check-$$c"; \
		$(MAKE) --no-print-directory check-$$c || failed="$$failed $$c"; \
	done; \
	if [ -n "$$failed" ]; then echo "✘ make check failed:$$failed"; exit 1; fi; \
	echo "✔ make check: $(CHECKS) all pass"

check-format: ## ruff format --check (the tree is formatted by `make format`)
	$(BIN)/ruff format --check --output-format concise $(PY_TREE)

check-lint: ## ruff lint (numpydoc D and RUF on metrics/ and analysis/, no print in the library)
	$(BIN)/ruff check $(PY_TREE)

check-types: ## mypy over lib/fupan (strict on metrics/; see [tool.mypy] in pyproject.toml)
	$(BIN)/mypy

check-layers: ## import-linter: cli → report → cases → analysis → ingest → extract → metrics → base; no cycles
	PYTHONPATH=lib $(BIN)/lint-imports  # the tree beside this Makefile, not whatever fupan is installed

check-pairing: ## each report template .ipynb holds exactly the cells of its jupytext .py
	@status=0; for nb in $(TEMPLATES)/*.ipynb; do \
		py="$${nb%.ipynb}.py"; \
		if ! diff -u --label "$$nb" --label "$$py" \
			<($(BIN)/jupytext --quiet --to py:percent --opt notebook_metadata_filter=-all -o - "$$nb") \
			<($(BIN)/jupytext --quiet --to py:percent --opt notebook_metadata_filter=-all -o - "$$py"); then \
			echo "$$nb and $$py differ: run $(BIN)/jupytext --sync $$py"; status=1; \
		else echo "$$nb ⇄ $$py in sync"; fi; \
	done; exit $$status

format: setup ## reformat the whole tree with ruff format (one commit, when nobody else is editing)
	$(BIN)/ruff format $(PY_TREE)

lint: check-lint ## ruff lint (kept for habit: same as check-lint)

bench: setup ## fixed cost of a report: a tiny campaign's fupan run vs bare papermill + nbconvert
	$(BIN)/python bench/bench_end_to_end.py

ROUNDS ?= 1
bench-batch: setup ## fupan batch of 8 demo-size campaigns (one broken): --jobs 2 vs 1 (ROUNDS=3: three alternated pairs, the median), unchanged re-run (~8 min a round)
	$(BIN)/python bench/bench_batch.py --rounds $(ROUNDS)

# Benchmark campaigns (not committed): S = 1M order lines + 10M events, M = 3M + 20M,
# L = 10M + 50M; disjoint copies of the demo made by DuckDB, planted effects scaled in truth.json.
SIZE ?= S
bench-data: setup ## generate a big benchmark campaign into data/bench-<size>/ (SIZE=S|M|L; S ~30 s)
	$(BIN)/python -m fupan.demo.bigdata --size $(SIZE) --out data/bench-$(shell echo $(SIZE) | tr A-Z a-z)

bench-scale: bench-data ## fupan at scale vs hand-written DuckDB SQL and pandas (SIZE=S|M|L): time and peak RSS
	$(BIN)/python bench/bench_scale.py data/bench-$(shell echo $(SIZE) | tr A-Z a-z)

bench-behaviour: bench-data ## the behaviour log's counts: fupan's extract vs the same counts as plain count(DISTINCT) SQL (SIZE=S|L)
	$(BIN)/python bench/bench_behaviour.py data/bench-$(shell echo $(SIZE) | tr A-Z a-z)

bench-lift: setup ## accuracy benchmark: planted lift and pull-forward recovered over 20 seeds (~15 min)
	$(BIN)/python bench/bench_lift_recovery.py --seeds 20 --no-lift

clean: ## remove generated output (reports/, site/, data/demo) — never the case library
	rm -rf reports site $(DEMO)
