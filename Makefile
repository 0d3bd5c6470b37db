# Two commands for a fresh machine: `make run` (the app on a built-in demo) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint benchmarks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The pinned packages, then this project itself as an installed package (editable: the source tree is the package).
$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(BIN)/streamlit run app.py --server.port $(PORT)

/usr/bin/chromium:
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "The browser test needs Debian's chromium: sudo apt-get install chromium"; exit 1; fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(VENV)/.installed-dev /usr/bin/chromium lint
	$(BIN)/python -m pytest

$(VENV)/.installed-bench: requirements-bench.txt $(VENV)/.installed-dev
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	@# PyPI's torchvision does not match this torch and breaks transformers' imports (the ruler's embedder)
	$(BIN)/pip uninstall --quiet -y torchvision || true
	touch $@

benchmarks: $(VENV)/.installed-bench /usr/bin/chromium
	$(BIN)/python -m benchmarks.quality
	$(BIN)/python -m benchmarks.tutorial
	$(BIN)/python -m benchmarks.scale
	$(BIN)/python -m benchmarks.upsampling --folds 2
	$(BIN)/python -m benchmarks.pipeline --repeats 3
	$(BIN)/python -m benchmarks.walk
	$(BIN)/python -m benchmarks.imputation

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
