# `make docs` sets up .venv (if absent), installs everything and builds the docs;
# `make test` runs ruff and the whole test suite in that environment, a test file per
# core at a time (pytest-xdist).
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

export TF_CPP_MIN_LOG_LEVEL := 3

$(PY):
	python3 -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

.PHONY: setup docs test
setup: $(STAMP)

docs: $(STAMP)
	$(PY) -m sphinx -W --keep-going -b html docs docs/_build/html

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -n auto --dist loadfile
