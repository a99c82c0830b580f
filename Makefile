# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(CURDIR)/$(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/wagtail_crm
DEMO_DB := example_site/db.sqlite3

.PHONY: demo test test-sqlite test-postgres test-e2e test-oldest lint docs messages

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.demo-installed: $(VENV)/bin/python setup.cfg
	$(PY) -m pip install -q -e ".[example]"
	touch $@

$(VENV)/.test-installed: $(VENV)/bin/python setup.cfg
	$(PY) -m pip install -q -e ".[example,test]"
	touch $@

## Start the example site with demo data on SQLite at http://127.0.0.1:8000/
## (the web server and one background worker; Ctrl-C stops both)
demo: $(VENV)/.demo-installed
	@test -f $(DEMO_DB) || rm -f $(DEMO_DB).demo  # a marker without its database
	@cd example_site && $(PY) manage.py migrate --noinput -v0
	@test -f $(DEMO_DB).demo || (cd example_site && $(PY) manage.py crm_demo) && touch $(DEMO_DB).demo
	@echo ""
	@echo "  Site:   http://127.0.0.1:8000/"
	@echo "  Admin:  http://127.0.0.1:8000/admin/   login: admin   password: changeme"
	@echo ""
	@cd example_site && $(PY) manage.py db_worker --no-reload & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		cd example_site && $(PY) manage.py runserver 127.0.0.1:8000

## Run the whole suite: lint, docs, SQLite, PostgreSQL (mandatory when CI=true), browser
test: $(VENV)/.test-installed lint docs test-sqlite test-postgres test-e2e

lint: $(VENV)/.test-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

docs: $(VENV)/.test-installed
	$(PY) -m mkdocs build --strict --quiet --site-dir $(CURDIR)/build/site

test-sqlite: $(VENV)/.test-installed
	$(PY) -m pytest -m "not e2e" -n 2

test-postgres: $(VENV)/.test-installed
	@if $(PY) -c "import psycopg; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(PG_URL) $(PY) -m pytest -m "not e2e" -n 2; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at 127.0.0.1:5432 (user postgres) and CI=true requires it." >&2; exit 1; \
	else \
		echo "PostgreSQL is not reachable at 127.0.0.1:5432: skipping the PostgreSQL run."; \
	fi

test-e2e: $(VENV)/.test-installed
	@if command -v chromium >/dev/null 2>&1; then \
		$(PY) -m pytest -m e2e -p no:xdist; \
	elif [ "$$CI" = "true" ]; then \
		echo "Chromium is not installed (apt-get install chromium) and CI=true requires the browser tests." >&2; exit 1; \
	else \
		echo "Chromium is not installed: skipping the browser tests."; \
	fi

## The suite on the oldest supported Wagtail and Django (Wagtail 7.4 LTS, Django 5.2)
test-oldest:
	test -x .venv-oldest/bin/python || $(PYTHON) -m venv .venv-oldest
	.venv-oldest/bin/python -m pip install -q --upgrade pip
	.venv-oldest/bin/python -m pip install -q "Django>=5.2,<5.3" "wagtail>=7.4,<7.5" -e ".[example,test]"
	.venv-oldest/bin/python -m pytest -m "not e2e and not slow" -n 2 -p no:warnings

## Extract and compile translations (developers only)
messages: $(VENV)/.test-installed
	cd wagtail_crm && $(PY) ../example_site/manage.py makemessages -l ru -l sq --no-obsolete
	cd wagtail_crm && $(PY) ../example_site/manage.py compilemessages
