# Samverkan — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The suite, browser tests included, runs in parallel on every core (TEST_WORKERS=0:
# one process).
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS)
DEV_ENV := DEBUG=1

.PHONY: run test test-postgresql lint migrations-check check-deploy schema screenshots venv clean

$(BIN)/python: pyproject.toml requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Samverkan needs Python 3.12 or newer (Django 6.1); found " + sys.version.split()[0] + ". Install it or set PYTHON=python3.12.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $(BIN)/python

venv: $(BIN)/python

run: venv
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv -v0
	$(DEV_ENV) $(BIN)/python manage.py load_structure --if-empty fixtures/orebro.toml
	$(DEV_ENV) $(BIN)/python manage.py load_meetings --if-empty fixtures/orebro-meetings.toml
	$(DEV_ENV) $(BIN)/python manage.py create_local_admin --port $(PORT)
	@# The task worker (PDFs, long imports) runs beside the server and stops with it.
	$(DEV_ENV) sh -c 'trap "kill 0" EXIT; $(BIN)/python manage.py db_worker --interval 1 & \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)'

test: venv
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv -v0
	$(PYTEST)

# The browser tests (pages, keyboard, axe), the payload sizes at 100× data and the
# sweep of every admin URL by role (rules are Python predicates over the same ORM
# filters the other tests run here) do not depend on the database: they run once, in
# `make test`, which keeps CI within its time.
test-postgresql: venv
	export DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/samverkan}; \
	$(PYTEST) --ignore=tests/browser --ignore=tests/test_payload_bounds.py \
		--ignore=tests/test_rights_scope.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	# mypy's Django plugin imports the settings, which refuse to start without a key.
	$(DEV_ENV) $(BIN)/mypy

migrations-check: venv
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

check-deploy: venv
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=samverkan.example.se $(BIN)/python manage.py check --deploy --fail-level WARNING

# docs/structure.schema.json from the structure file's models (samverkan/files/models.py);
# tests/test_structure_files.py fails when it is stale.
schema: venv
	$(DEV_ENV) $(BIN)/python manage.py structure_schema --output docs/structure.schema.json

# PNGs of the start, period, body and person pages for the README (needs /usr/bin/chromium).
screenshots: venv
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
