# The two commands a newcomer needs: `make run` and `make test`. Neither needs PostgreSQL or Redis.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: install run test lint format bench browser

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

install: $(STAMP)

## run: install, migrate, seed the demo fleet once, serve on 127.0.0.1:$(PORT) with a Celery worker and beat;
## one Ctrl-C stops them all, also when piped (`make run 2>&1 | tee log`): see scripts/run_dev.py
## DEBUG defaults to off in settings; `make run` (and the checks in `make lint`) turn it on for themselves.
run lint: export DEBUG ?= true

run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py bootstrap_demo --base-url http://127.0.0.1:$(PORT)
	$(BIN)/python manage.py sweep_flags
	$(BIN)/python scripts/run_dev.py --port $(PORT)

## test: install (with headless Chromium for the browser tests), run the whole suite and print its branch
## coverage (files fully covered left out, the least covered last); under pyproject.toml's fail_under the run
## fails. With PYTEST_ARGS (a subset) coverage is off, as a subset falls under the floor; COVERAGE= overrides.
COVERAGE ?= $(if $(PYTEST_ARGS),,--cov --cov-report=term:skip-covered)
test: install browser
	$(BIN)/python -m pytest $(COVERAGE) $(PYTEST_ARGS)

browser:
	scripts/install-browser.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	$(BIN)/python bench/run_all.py
