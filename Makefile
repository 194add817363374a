# fupan — the two commands that do everything on a fresh machine are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := data/demo

.DEFAULT_GOAL := help
.PHONY: help setup browser demo demo-data test lint bench bench-lift clean

help: ## list the targets
	@echo "fupan 复盘 — make targets:"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m fupan.fonts
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install everything, the CJK font included

$(DEMO)/campaign.yaml: $(STAMP) $(wildcard lib/fupan/demo/*.py)
	$(BIN)/fupan demo --out $(DEMO)

demo-data: $(DEMO)/campaign.yaml ## generate the seeded demo campaign into data/demo

demo: demo-data ## set up, generate the demo campaign and run its retrospective into reports/
	$(BIN)/fupan run $(DEMO) --out reports

# The XSS test opens every report in headless Chromium. Debian's package is installed when it is
# missing and we may (root with apt-get); otherwise that one test skips and says why.
browser: ## install Debian's Chromium for the browser tests (root only; skipped otherwise)
	@if command -v chromium >/dev/null 2>&1; then echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian chromium for the browser tests …"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null \
		|| echo "chromium could not be installed; the browser test will skip"; \
	else echo "no chromium and not root: the browser test will skip (apt-get install chromium)"; fi

test: setup browser ## run the whole test suite (what CI runs)
	$(BIN)/python -m pytest

lint: setup ## ruff lint
	$(BIN)/ruff check lib tests bench

bench: demo-data ## end-to-end benchmark: the demo vs bare papermill + nbconvert
	$(BIN)/python bench/bench_end_to_end.py

bench-lift: setup ## accuracy benchmark: planted lift and pull-forward recovered over 20 seeds (~15 min)
	$(BIN)/python bench/bench_lift_recovery.py --seeds 20 --no-lift

clean: ## remove generated output (reports/, site/, data/demo) — never the case library
	rm -rf reports site $(DEMO)
