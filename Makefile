# Two commands: `make run` (demo shop on SQLite) and `make test` (the test suite).
# Both create .venv and install what they need on first use.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
INSTALL_DEPS := pyproject.toml constraints.txt

.PHONY: run test check bench install install-test migrate seed clean help

help:
	@echo "make run    - set up and start the demo shop on http://$(HOST):$(PORT)/admin/"
	@echo "make test   - set up and run the test suite (DATABASE_URL picks the database)"
	@echo "make check  - Django checks, no missing migrations, no django-fsm beside django-fsm-2"
	@echo "make bench  - guest checkouts against gunicorn on PostgreSQL (DATABASE_URL; BENCH_ARGS=\"--concurrency 4 --checkouts 200\")"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-app: $(PY) $(INSTALL_DEPS)
	$(PIP) install -q -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: $(PY) $(INSTALL_DEPS)
	$(PIP) install -q -c constraints.txt -e ".[test]"
	@touch $@ $(VENV)/.installed-app

install: $(VENV)/.installed-app
install-test: $(VENV)/.installed-test

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo ""
	@echo "  Shop admin:  http://$(HOST):$(PORT)/admin/"
	@echo "  Staff login: printed by seed_demo above"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

check: install-test
	@if $(PIP) show django-fsm >/dev/null 2>&1; then \
		echo "error: the deprecated django-fsm package is installed beside django-fsm-2;" \
		     "both provide django_fsm and overwrite each other. Remove it: $(PIP) uninstall django-fsm" >&2; \
		exit 1; fi
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

# Guest checkouts against gunicorn on PostgreSQL (bench/README.md); DATABASE_URL names the server.
BENCH_ARGS ?=
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-shm db.sqlite3-wal *.egg-info
