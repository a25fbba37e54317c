# SafeGround: `make demo` sets everything up, builds the demo database and serves it; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= small
SEED ?= 1
PG_URL ?= postgis://postgres@127.0.0.1:5432/safeground
SQLITE_TEST_URL ?= spatialite:///$(CURDIR)/var/test.sqlite

.PHONY: demo test test-sqlite test-postgis lint setup system venv clean messages

demo: setup
	$(BIN)/safeground demo --scale $(SCALE) --seed $(SEED) --host $(HOST) --port $(PORT)

setup: system venv

system:
	@bash scripts/install-system-packages.sh $(if $(filter test,$(MAKECMDGOALS)),--test,)

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The whole suite on SpatiaLite, then on PostGIS when a server is reachable.
# With CI=true a missing PostGIS is a failure, never a skip.
test: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/safeground makemigrations --check --dry-run
	SAFEGROUND_DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/pytest -q
	@if SAFEGROUND_PG_URL=$(PG_URL) $(BIN)/python scripts/postgis-check.py; then \
		SAFEGROUND_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true and PostGIS is not reachable at $(PG_URL): failing" >&2; exit 1; \
	else \
		echo "PostGIS not reachable at $(PG_URL): the PostGIS run was skipped (CI would fail)"; \
	fi

test-sqlite: venv
	SAFEGROUND_DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/pytest -q

test-postgis: venv
	SAFEGROUND_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q

# Update the Khmer and Azerbaijani catalogues (locale/*/LC_MESSAGES/django.po) from the strings
# marked in the code, then compile them (.mo files are committed). See docs/translations.md.
I18N_IGNORE := --ignore=.venv --ignore=node_modules --ignore=var --ignore=build --ignore='*.egg-info'
# The languages are those of settings.LANGUAGES (English is the source); LANG_NEW=xx starts a new one.
CATALOGUES = $(shell $(BIN)/python -c "from config.settings import LANGUAGES; print(' '.join('-l ' + c for c, _ in LANGUAGES if c != 'en'))" 2>/dev/null)
messages: venv
	$(BIN)/python manage.py makemessages $(CATALOGUES) $(if $(LANG_NEW),-l $(LANG_NEW),) $(I18N_IGNORE)
	$(BIN)/python manage.py compilemessages $(CATALOGUES) $(if $(LANG_NEW),-l $(LANG_NEW),) $(I18N_IGNORE)

clean:
	rm -rf var/*.sqlite var/staticfiles
