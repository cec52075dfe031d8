# The front door. `make run` starts the whole platform; `make test` runs every test;
# `make bench` measures the platform under load (bench/README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements.in | cksum | cut -d' ' -f1)

.PHONY: run test lint lock bench fuzz events-doc openapi problems-doc messages clean

$(STAMP): requirements.lock requirements.in
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

run: $(STAMP)
	$(BIN)/smartcity-run

test: $(STAMP)
	$(BIN)/python -m pytest

# the fuzzing of tests/test_fuzz.py at length: many examples per operation, every phase as every role, a new seed
FUZZ_MAX_EXAMPLES ?= 100
fuzz: $(STAMP)
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) FUZZ_ALL_PHASES=1 FUZZ_SEED=$${FUZZ_SEED:-random} FUZZ_RUN_TIMEOUT=$${FUZZ_RUN_TIMEOUT:-7200} \
		$(BIN)/python -m pytest tests/test_fuzz.py -p no:cacheprovider

# docs/events.md, the event catalogue for partner developers, written from the services' event models
events-doc: $(STAMP)
	$(BIN)/python -m smartcity_dev.eventsdoc

# openapi/openapi.json, the merged OpenAPI document (every service's app and the gateway's built in process, no
# server started); a test fails when it differs from what the code makes
openapi: $(STAMP)
	$(BIN)/python -m smartcity_dev.openapidoc
# docs/problems.md, every problem code of the platform, written from the problem type registries
problems-doc: $(STAMP)
	$(BIN)/python -m smartcity_dev.problemsdoc

# add each package's new messages to its Indonesian catalogue (<package>/locale/id/LC_MESSAGES/*.po) to translate
messages: $(STAMP)
	$(BIN)/python -m smartcity_dev.messages

# e.g. make bench BENCH_ARGS="--steps 1,10,50 --seconds 20"
bench: $(STAMP)
	$(BIN)/python bench/load/run.py $(BENCH_ARGS)

# the checks CI runs before the tests (and .pre-commit-config.yaml runs on a commit): lint, format, types
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# re-resolve the pinned versions after a change of dependencies; each image's lock
# (its package, the kit and the vocabulary, without them) takes the versions of requirements.lock,
# so an image ships exactly what the tests ran
IMAGES := services/participants services/mentoring services/documents services/monitoring services/webhooks services/reports gateway
lock:
	@test -x $(BIN)/uv || ($(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv)
	$(BIN)/uv pip compile --quiet --python-version 3.11 requirements.in -o requirements.lock
	@grep -E '^[A-Za-z0-9].*==' requirements.lock > $(VENV)/pins.txt
	@for dir in $(IMAGES); do \
	  name=smartcity-$$(basename $$dir); \
	  printf './libs/kit\n./libs/vocabulary\n./%s\n' $$dir | $(BIN)/uv pip compile --quiet --python-version 3.11 - \
	    -c $(VENV)/pins.txt --no-annotate --custom-compile-command 'make lock' \
	    --no-emit-package smartcity-kit --no-emit-package smartcity-vocabulary --no-emit-package $$name \
	    -o $$dir/requirements.lock || exit 1; \
	  echo "$$dir/requirements.lock"; \
	done

clean:
	rm -rf $(VENV)
