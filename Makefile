# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Both create .venv on first use. torch's CPU build is installed first so that the
# package's `torch>=2.2` requirement does not pull a multi-GB CUDA build.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH_CPU ?= torch==2.13.0
STAMP := $(VENV)/.installed

.PHONY: demo test test-all lint venv clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_CPU)" || \
	  $(BIN)/python -m pip install --quiet torch --index-url https://download.pytorch.org/whl/cpu
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/nfpopt replay
	$(BIN)/nfpopt demo

test: $(STAMP)
	$(BIN)/python -m pytest

test-all: $(STAMP)
	$(BIN)/python -m pytest -m ""

lint: $(STAMP)
	$(BIN)/ruff check nfpopt tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
