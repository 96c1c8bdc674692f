# dxgov: `make demo` serves the platform with demo data; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
DEMO_ENV := DXGOV_SECRET_KEY_FILE=var/secret_key

.PHONY: demo test install check lint test-sqlite test-postgres messages bench-tasks bench-recovery bench-audit

$(BIN)/dxgov: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(BIN)/dxgov node_modules/.package-lock.json

var/secret_key:
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

demo: install var/secret_key
	$(DEMO_ENV) $(BIN)/dxgov migrate --noinput -v0
	$(DEMO_ENV) $(BIN)/dxgov demo
	$(DEMO_ENV) $(BIN)/dxgov collectstatic --noinput -v0
	$(DEMO_ENV) $(BIN)/dxgov serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy dxgov

test-sqlite: install
	$(BIN)/pytest

# Run in CI (CI=true) or when DXGOV_TEST_POSTGRES=1; uses the server at 127.0.0.1:5432.
test-postgres: install
	DXGOV_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest

test: lint test-sqlite
	@if [ "$$CI" = "true" ] || [ "$$DXGOV_TEST_POSTGRES" = "1" ]; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PostgreSQL run skipped (set DXGOV_TEST_POSTGRES=1 to include it)"; \
	fi

messages: install
	DXGOV_DEBUG=1 $(BIN)/dxgov makemessages -l vi --ignore=.venv --ignore=node_modules --ignore=var --no-obsolete
	DXGOV_DEBUG=1 $(BIN)/dxgov compilemessages -l vi --ignore=.venv

# Benchmarks run on their own embedded database (var/bench.sqlite3) and write docs/benchmarks.md.
BENCH_ENV := DXGOV_SECRET_KEY_FILE=var/secret_key DXGOV_DATABASE_URL=sqlite:///$(CURDIR)/var/bench.sqlite3

bench-tasks: install var/secret_key
	$(BENCH_ENV) $(BIN)/dxgov migrate --noinput -v0
	$(BENCH_ENV) $(BIN)/dxgov collectstatic --noinput -v0
	$(BENCH_ENV) $(BIN)/dxgov bench tasks --count 50000

# Times `dxgov backup` and a verified `dxgov restore --force` of the benchmark database.
bench-recovery: install var/secret_key
	$(BENCH_ENV) $(BIN)/dxgov migrate --noinput -v0
	$(BENCH_ENV) $(BIN)/dxgov bench recovery --count 50000

# Auditing's cost on a task transition; then `audit verify` over VERIFY_EVENTS events in a
# database of its own (filled, verified in a child process, emptied again). For PostgreSQL:
#   make bench-audit BENCH_AUDIT_DATABASE=postgresql://postgres@127.0.0.1:5432/benchaudit
# (the database must exist; its name must contain "bench").
VERIFY_EVENTS ?= 10000000
BENCH_AUDIT_DATABASE ?= sqlite:///$(CURDIR)/var/bench-audit.sqlite3
BENCH_AUDIT_ENV := DXGOV_SECRET_KEY_FILE=var/secret_key DXGOV_DATABASE_URL=$(BENCH_AUDIT_DATABASE)
bench-audit: install var/secret_key
	$(BENCH_ENV) $(BIN)/dxgov migrate --noinput -v0
	$(BENCH_ENV) $(BIN)/dxgov bench audit
	$(BENCH_AUDIT_ENV) $(BIN)/dxgov migrate --noinput -v0
	$(BENCH_AUDIT_ENV) $(BIN)/dxgov bench audit --verify-events $(VERIFY_EVENTS)
