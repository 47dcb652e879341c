# laktasi: two commands. `make run` sets up and serves the demo; `make test` checks everything.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
LAKTASI := $(PY) -m laktasi
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes: one per CPU (at least 2, at most 8).
JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ "$$n" -gt 8 ] && n=8; [ "$$n" -lt 2 ] && n=2; echo $$n)
# A throwaway production configuration, only for `check --deploy`.
DEPLOY_ENV := LAKTASI_MODE=production LAKTASI_SECRET_KEY=deploy-check-$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(48))') \
	LAKTASI_FIELD_KEYS=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(32))') LAKTASI_NIK_HASH_KEY=deploy-check-hash \
	LAKTASI_ALLOWED_HOSTS=laktasi.example.org DATABASE_URL=postgres://laktasi@localhost/laktasi

.PHONY: run test install install-test messages lint check audit lock pytest pytest-sqlite pytest-postgres e2e bench clean

run: install messages
	$(LAKTASI) migrate --noinput -v0
	$(LAKTASI) load_qa
	$(LAKTASI) demo
	@echo "Open http://$(HOST):$(PORT)/ and log in with a demo account above."
	$(LAKTASI) serve --host $(HOST) --port $(PORT) --no-migrate

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

install: $(VENV)/.installed

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e '.[test]'
	touch $@

install-test: $(VENV)/.installed-test
	bash scripts/system-deps.sh

messages: install
	@if command -v msgfmt >/dev/null; then cd laktasi && ../$(LAKTASI) compilemessages -v0; \
	else echo "gettext not installed: using the committed .mo files"; fi

# Style and architecture: ruff (incl. complexity <= 10, C90), the import contracts in
# pyproject.toml (stats pure, apps layered, no cycles: lint-imports) and mypy --strict on stats
# and the other modules without Django ([tool.mypy] files).
lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

check: install-test messages
	$(LAKTASI) makemigrations --check --dry-run
	$(LAKTASI) export_openapi --check
	env $(DEPLOY_ENV) $(LAKTASI) check --deploy --fail-level WARNING

pytest-sqlite: install-test messages
	$(VENV)/bin/pytest -q -p no:cacheprovider -n $(JOBS)

# The PostgreSQL step runs every test that can reach the database (pytest-django keeps the
# others away from it, so they already gave their one answer in the SQLite step).
pytest-postgres: install-test messages
	$(PY) tests/pgserver.py -- $(VENV)/bin/pytest -q -p no:cacheprovider -n $(JOBS) -m "not e2e" --database-tests-only

# Dependency audit: pip-audit over the pinned requirements.lock (fails on any known
# vulnerability; only an unreachable advisory database is tolerated, and said so). Code audit:
# ruff's bandit rules (S) run in `lint`.
audit: install-test
	$(PY) scripts/audit.py

# Pin what is installed, for the audit (run after adding a dependency).
lock: install-test
	$(PIP) freeze --exclude-editable | grep -v '^laktasi' > requirements.lock

test: lint audit check pytest-sqlite pytest-postgres

# Only the browser tests (tests/e2e/ and the offline page); pytest-sqlite runs them too.
e2e: install-test messages
	$(VENV)/bin/pytest -q -p no:cacheprovider -n 2 -m e2e

bench: install-test
	$(PIP) install -q -e '.[bench]'
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) var/static var/test-artifacts
