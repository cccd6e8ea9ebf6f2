# `make run` and `make test` do all the set-up on a fresh machine (Python >= 3.10).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
LESSON ?= 05

.PHONY: run test test-slow bench demo clean fuzz notebooks lab

$(BIN)/python:
	$(PY) -m venv $(VENV)

# the framework alone (numpy, graphviz, matplotlib, tqdm): enough to run every lesson on tinygrad_edu
$(VENV)/.installed-run: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install -q -e .
	touch $@

# plus pytest, hypothesis and real PyTorch (the CPU build, pinned) for the parity tests
$(VENV)/.installed-dev: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run      ## run a lesson on tinygrad_edu (LESSON=15 make run)
	$(BIN)/python -m lessons run $(LESSON)

test: $(VENV)/.installed-dev     ## the test suite (fast: a few minutes on 2 cores)
	$(BIN)/python -m pytest -q

test-slow: $(VENV)/.installed-dev ## the long tests (full-length lessons); exit 5 = none collected
	$(BIN)/python -m pytest -q -m slow || [ $$? -eq 5 ]

fuzz: $(VENV)/.installed-dev     ## differential fuzzing against torch: 50,000 programs (FUZZ_PROGRAMS=N), minimal repros
	$(BIN)/python tests/fuzz.py --shrink

bench: $(VENV)/.installed-dev    ## benchmarks against torch; writes docs/benchmarks.md
	$(BIN)/python -m benchmarks

notebooks: $(VENV)/.installed-run ## regenerate notebooks/ from the lesson files (after editing a lesson)
	$(BIN)/python -m lessons notebooks

lab: $(BIN)/python               ## install the notebook extras and open the lessons in JupyterLab
	$(BIN)/python -m pip install -q -e '.[notebook]'
	$(BIN)/jupyter lab notebooks/

demo: $(VENV)/.installed-run     ## a sample graph, backward stepper and plot in out/demo
	$(BIN)/python -m viz demo --out out/demo

clean:
	rm -rf $(VENV) out .pytest_cache
