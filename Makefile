# The two Quickstart commands (see README.md):
#   make demo   run the course's main job end to end
#   make test   run the whole test suite
# Both create a local virtual environment in .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test test-fast lint venv clean

venv: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

demo: $(INSTALLED)
	$(BIN)/icp demo

# PYTHONDONTWRITEBYTECODE (set on some machines) would stop pytest caching its rewritten
# test modules: every test worker would rewrite them all again (3 s of CPU each).
test: $(INSTALLED)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n auto --dist worksteal --durations=15

# The edit loop: everything except the tests marked slow (real nbgrader, whole notebooks).
test-fast: $(INSTALLED)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n auto -m "not slow"

lint: $(INSTALLED)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache gradebook.db
