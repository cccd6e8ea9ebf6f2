# `make run` and `make test` do all the set-up on a fresh machine (Python >= 3.10).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
LESSON ?= 05

.PHONY: run test test-slow bench demo clean

$(BIN)/.installed: setup.cfg pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

run: $(BIN)/.installed       ## run a lesson on this engine (LESSON=15 make run)
	$(BIN)/python -m lessons run $(LESSON)

test: $(BIN)/.installed      ## the test suite (fast: a few minutes on 2 cores)
	$(BIN)/python -m pytest -q

test-slow: $(BIN)/.installed ## the long tests (full-length lessons, benchmark run)
	$(BIN)/python -m pytest -q -m slow

bench: $(BIN)/.installed
	$(BIN)/python -m benchmarks

demo: $(BIN)/.installed
	$(BIN)/python -m viz demo --out out/demo

clean:
	rm -rf $(VENV) out .pytest_cache
