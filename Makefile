# Sluice: `make run` starts the gateway, `make test` passes the tests. `make help` lists all.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
# Every Python file, for ruff.
PY_DIRS := sluice tests bench corpus examples k8s setup.py
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Real Claude Code for the data-plane tests that drive it (tests/dataplane/claude_code.py).
CLAUDE_CODE := 2.1.332
CLAUDE := $(VENV)/claude-code/node_modules/.bin/claude

.DEFAULT_GOAL := help
.PHONY: help install run demo test unit dataplane bench eval fuzz lint format golden schema-doc clean \
	compiled compiled-test

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# setuptools 77 reads pyproject.toml's license as written; setup.py builds with it.
	$(PY) -m pip install --quiet --upgrade pip 'setuptools>=77'
	$(PY) -m pip install --quiet -e '.[dev]'
	@# xds-protos ships an old copy of OpenTelemetry's protos over opentelemetry-proto's own
	@# (the OTLP exporter needs the newer): whichever installs last wins, so put it back.
	$(PY) -m pip install --quiet --no-deps --force-reinstall \
		"opentelemetry-proto==$$($(PY) -c 'import importlib.metadata as m; print(m.version("opentelemetry-proto"))')"
	touch $(STAMP)

install: $(STAMP) ## create .venv and install Sluice with its test tools (and chromium, prometheus, postgresql, npm, a C compiler, as root)
	bash scripts/system-deps $(PY)

# The tool rules compiled by mypyc (setup.py), as the image ships them, in a copy of the
# package (scripts/compile-rules): built again whenever a source of Sluice changes.
COMPILED := build/compiled
$(COMPILED)/.built: $(STAMP) setup.py scripts/compile-rules $(shell find sluice -name '*.py')
	scripts/compile-rules $(PY) $(COMPILED)
	touch $@
# Python with the compiled copy first on its path (and not the folder it starts in, which
# holds the interpreted source).
WITH_COMPILED := PYTHONSAFEPATH=1 PYTHONPATH=$(CURDIR)/$(COMPILED):$(CURDIR)

compiled: install $(COMPILED)/.built ## compile the tool rules with mypyc into build/compiled, as the image ships them

$(CLAUDE): # the pinned Claude Code that the data-plane tests drive (make test installs it)
	npm install --prefix $(VENV)/claude-code --no-audit --no-fund --loglevel=error \
		@anthropic-ai/claude-code@$(CLAUDE_CODE)

run: install ## start the gateway (Envoy + sidecar) with sluice.example.yaml
	$(PY) -m sluice run --config sluice.example.yaml

demo: install ## start the gateway in front of the fake LLM API on :8081 (no API key needed)
	$(PY) -m sluice fake-upstream --port 8081 & fake=$$!; \
	trap 'kill $$fake 2>/dev/null' EXIT; \
	$(PY) -m sluice run --config examples/demo.yaml

test: install $(CLAUDE) lint ## install (Claude Code too), lint, type-check and run every test, then the rules' compiled
	$(PY) -m pytest
	$(MAKE) --no-print-directory compiled-test

compiled-test: compiled ## the rules' tests with the rules compiled; every corpus call judged as the source judges it
	@# --import-mode=append: pytest puts no folder before the compiled copy on the path.
	SLUICE_EXPECT_COMPILED=1 $(WITH_COMPILED) $(PY) -m pytest -q -p no:cacheprovider \
		--import-mode=append tests/policies tests/test_reference.py tests/test_evaluation.py
	@# The two readings judged at once, one a core: the line fails if either does.
	PYTHONSAFEPATH=1 PYTHONPATH=$(CURDIR) $(PY) -m tests.policies.verdict_dump \
		> $(COMPILED)/interpreted.txt & interpreted=$$!; \
	$(WITH_COMPILED) $(PY) -m tests.policies.verdict_dump > $(COMPILED)/compiled.txt \
		&& wait $$interpreted
	test -s $(COMPILED)/compiled.txt
	cmp $(COMPILED)/interpreted.txt $(COMPILED)/compiled.txt

unit: install ## only the fast tests (no Envoy)
	$(PY) -m pytest -m 'not dataplane'

bench: compiled ## benchmark direct vs plain Envoy vs Envoy + sidecar, policies, auth (a few minutes)
	$(WITH_COMPILED) $(PY) -m bench

eval: install ## tool_rules on the shipped corpus: recall, false positives, every miss
	$(PY) -m sluice policies eval tool_rules corpus/tool_calls --min-recall 0.98 --max-fpr 0.005

fuzz: install ## the Hypothesis fuzz suite at length (FUZZ_EXAMPLES, default 20000 per test)
	SLUICE_FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-20000} $(PY) -m pytest -q tests/sidecar/test_fuzz.py

lint: install ## ruff and mypy --strict
	$(VENV)/bin/ruff check $(PY_DIRS)
	$(VENV)/bin/ruff format --check $(PY_DIRS)
	$(VENV)/bin/mypy

format: install ## apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix $(PY_DIRS)
	$(VENV)/bin/ruff format $(PY_DIRS)

golden: install ## regenerate the Helm chart's golden output (tests/k8s/golden) after a chart change
	UPDATE_GOLDEN=1 $(PY) -m pytest -q tests/k8s

schema-doc: install ## regenerate the event-log schema's picture in docs/event-log.md after a table change
	$(PY) -m sluice.schema.diagram

clean: ## remove the virtualenv, caches and runtime files
	rm -rf $(VENV) var build .mypy_cache .ruff_cache .pytest_cache .hypothesis
