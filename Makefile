# AposBook: `make run` to read the site, `make test` to check it. Both set up
# everything they need (virtualenv, locked dependencies, database) first.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
DEV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}

.PHONY: run test lint format migrate setup serve reliability bench lock clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a lock file changes, so a second `make run` is quick.
$(STAMP): requirements-dev.lock $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
	touch $(STAMP)

setup: $(STAMP)

# Migrate and load the site's own content; safe to repeat, it never loses data.
migrate: setup
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py createcachetable
	$(DEV) $(BIN)/python manage.py load_content

run: migrate
	PORT=$(PORT) $(DEV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production mode on this machine: see "Production deployment" in the README.
# Needs DJANGO_SECRET_KEY; on plain http (no TLS proxy in front) also DJANGO_HTTPS=0.
serve: setup
	PORT=$(PORT) exec aposbook/serve.sh

# The fault, load and scale-out suite (needs DATABASE_URL, REDIS_URL, initdb and nginx).
reliability: setup
	$(BIN)/python -m pytest -m reliability -p no:xdist -p no:cacheprovider $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m mypy
	$(BIN)/lint-imports --no-cache
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The Spanish catalogue (README "Languages"): collect every marked string into
# locale/es/LC_MESSAGES/django.po, then compile django.mo (both committed). Needs
# gettext (apt-get install gettext). New strings arrive untranslated: translate them in
# the .po, run this again, and commit both files (tests/i18n/test_catalogue.py checks).
messages: setup
	$(DEV) $(BIN)/python manage.py makemessages -l es --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=static
	$(DEV) $(BIN)/python manage.py compilemessages -l es --ignore=.venv --ignore=var

# Browser tests run when Chromium is installed (CI installs it and insists on it).
test: lint
	$(BIN)/python -m pytest -n 2 --create-db $(PYTEST_ARGS)

lock: setup
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 --no-header --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 --no-header --quiet -o requirements-dev.lock

# Load benchmark (tests/benchmarks/): production gunicorn + wrk on its own dataset and
# database; figures in var/bench/latest.json and latest.md. QUICK=1: under two minutes.
bench: setup
	QUICK=$(QUICK) BENCH_ONLY=$(ONLY) $(BIN)/python -m tests.benchmarks

clean:
	rm -rf $(VENV) var .pytest_cache
