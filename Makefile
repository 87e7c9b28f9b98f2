# Two commands for a fresh machine: `make run` and `make test`. Both create .venv when needed.
VENV := .venv
BIN := $(VENV)/bin
# Django 6 needs Python 3.12+: take the newest one found (python3.x on PATH or under pyenv).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 \
	$$HOME/.pyenv/versions/3.14*/bin/python3 $$HOME/.pyenv/versions/3.13*/bin/python3 \
	$$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' \
	2>/dev/null && { echo $$p; break; }; done)

.PHONY: run test lint typecheck pytest bench bench-stream messages clean

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Service Tickets needs Python 3.12 or newer (Django 6 does)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

run: $(VENV)/.installed
	$(BIN)/servicetickets demo

test: lint typecheck pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

pytest: $(VENV)/.installed
	$(BIN)/python -m pytest

bench: $(VENV)/.installed
	$(BIN)/python bench/claim_complete.py
	$(MAKE) bench-stream

# The live notification stream: latency, fan-out, idle streams (about 6 minutes).
bench-stream: $(VENV)/.installed
	$(BIN)/python bench/stream_latency.py
	$(BIN)/python bench/stream_fanout.py
	$(BIN)/python bench/stream_idle.py

# Regenerate the catalogues after changing strings; the compiled .mo files are committed.
messages: $(VENV)/.installed
	cd src/servicetickets && ../../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete \
		&& ../../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
