# The front door. `make run` starts the whole platform; `make test` runs every test;
# `make bench` measures the platform under load (bench/README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements.in | cksum | cut -d' ' -f1)

.PHONY: run test lint lock bench clean

$(STAMP): requirements.lock requirements.in
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

run: $(STAMP)
	$(BIN)/smartcity-run

test: $(STAMP)
	$(BIN)/python -m pytest

# e.g. make bench BENCH_ARGS="--steps 1,10,50 --seconds 20"
bench: $(STAMP)
	$(BIN)/python bench/load/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# re-resolve the pinned versions after a change of dependencies
lock:
	@test -x $(BIN)/uv || ($(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv)
	$(BIN)/uv pip compile --quiet --python-version 3.11 requirements.in -o requirements.lock

clean:
	rm -rf $(VENV)
