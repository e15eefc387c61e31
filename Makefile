VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev
DEMO_DB ?= purldesk-demo.sqlite3

.PHONY: demo test lint typecheck fmt clean screenshots

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(PY) -m pip install --quiet -e .
	touch $@

$(STAMP): $(VENV)/bin/python pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(VENV)/bin/purldesk demo --db sqlite:///$(DEMO_DB)
	$(VENV)/bin/purldesk serve --db sqlite:///$(DEMO_DB)

# Bytecode caches are written even where PYTHONDONTWRITEBYTECODE is set: every xdist worker and
# every `purldesk serve` a test starts would otherwise compile the sources (and pytest rewrite
# the asserts of every test module and plugin) anew. The slowest tests are listed at the end, so
# that every run shows where the suite's time goes. A worker that runs out of tests takes some
# of another's (worksteal), so a slow test late in one worker's share does not leave a core idle.
test: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n auto --dist worksteal -p no:cacheprovider --durations=25

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

fmt: $(STAMP)
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

# Regenerates docs/img/overview.png and docs/img/package.png (needs /usr/bin/chromium).
screenshots: $(STAMP)
	$(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
