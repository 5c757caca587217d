# One command to set up and run the main job, one to set up and run the tests.
# Python 3.12 or newer where the machine has one (Mesa 3.5 needs it; pyenv's count too), else python3.
PYTHON ?= $(firstword $(shell for p in python3.12 python3.13; do \
	{ $$p -c '' 2>/dev/null && command -v $$p; } || pyenv whence --path $$p 2>/dev/null | tail -n 1; \
	done) python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test app benchmark figures calibrate validate

# Everything: the core, every extra (app, search, research, cluster) and the developer tools.
# Each step says what it does; pip lists the packages as it fetches them (about 3 minutes the
# first time).
$(BIN)/.installed: pyproject.toml
	@echo "==> 1/4 virtual environment $(VENV)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)  # an existing venv keeps its Python
	@echo "==> 2/4 upgrading pip"
	$(BIN)/pip install --quiet --upgrade pip
	@echo "==> 3/4 installing goodhart-sim with every extra and the developer tools (pip lists each package)"
	$(BIN)/pip install --progress-bar on -e ".[all,dev]"
	@echo "==> 4/4 the workshop app's front-end files, so it runs offline"
	$(BIN)/python -m sim.app.assets
	touch $@
	@echo "==> ready: $(VENV)"

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

# Writes the model's calibrated defaults in this checkout (plain `python -m sim calibrate`
# writes ./calibrated.yaml, never into the installed package).
calibrate: $(BIN)/.installed
	$(BIN)/python -m sim calibrate --out sim/configs/calibrated.yaml --report docs/calibration.md

# The studies too slow for the default suite (pytest -m slow), then the validation report.
validate: $(BIN)/.installed
	$(BIN)/python -m pytest -m slow
	$(BIN)/python -m sim validate
