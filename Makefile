# One command to set up and run the main job, one to set up and run the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test app benchmark figures

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev,cluster,research]"
	$(BIN)/python -m sim.app.assets  # the workshop app's front-end files, so it runs offline
	touch $@

run: $(BIN)/.installed
	$(BIN)/python -m sim

test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy sim
	$(BIN)/python -m pytest

app: $(BIN)/.installed
	$(BIN)/python -m sim.app

benchmark: $(BIN)/.installed
	$(BIN)/python experiments/benchmark.py
	$(BIN)/python experiments/sweep_benchmark.py

figures: $(BIN)/.installed
	$(BIN)/python experiments/figures.py all
	$(BIN)/python experiments/sensitivity.py
