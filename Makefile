# dxgov: `make demo` serves the platform with demo data; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0
DEMO_ENV := DXGOV_SECRET_KEY_FILE=var/secret_key

.PHONY: demo test install check lint test-sqlite test-postgres messages bench-tasks bench-recovery bench-audit bench-reporting bench-dashboard bench-forecast bench-ingest bench-score bench-dashboard-full

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
	$(BIN)/lint-imports

test-sqlite: install
	$(BIN)/pytest

# Run in CI (CI=true) or when DXGOV_TEST_POSTGRES=1; uses the server at 127.0.0.1:5432 and,
# as production does, the caches on the Redis at 127.0.0.1:6379 (ADR 24), under a prefix of
# this run's own so that another run on the same Redis is left alone.
test-postgres: install
	DXGOV_DATABASE_URL=$(PG_TEST_URL) DXGOV_CACHE_URL=$(REDIS_TEST_URL) \
	DXGOV_CACHE_PREFIX=dxgov-test-$$$$ $(BIN)/pytest

# In CI (or with DXGOV_TEST_POSTGRES=1) the SQLite and PostgreSQL runs go side by side, one per
# core, each into its own log; both logs' summaries are printed and both must pass.
test: lint
	@if [ "$$CI" = "true" ] || [ "$$DXGOV_TEST_POSTGRES" = "1" ]; then \
		mkdir -p var; \
		$(MAKE) --no-print-directory test-sqlite > var/test-sqlite.log 2>&1 & sqlite=$$!; \
		$(MAKE) --no-print-directory test-postgres > var/test-postgres.log 2>&1 & postgres=$$!; \
		wait $$sqlite; rs=$$?; wait $$postgres; rp=$$?; \
		echo "== SQLite (exit $$rs)"; grep -E "^(FAILED|ERROR)" var/test-sqlite.log || true; tail -n 15 var/test-sqlite.log; \
		echo "== PostgreSQL (exit $$rp)"; grep -E "^(FAILED|ERROR)" var/test-postgres.log || true; tail -n 15 var/test-postgres.log; \
		[ $$rs -eq 0 ] && [ $$rp -eq 0 ]; \
	else \
		$(MAKE) --no-print-directory test-sqlite; \
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

# A 200-indicator form (check as you type, save, HTTP) and a year's roll-up over 3,321 communes.
bench-reporting: install var/secret_key
	$(BENCH_ENV) $(BIN)/dxgov migrate --noinput -v0
	$(BENCH_ENV) $(BIN)/dxgov bench reporting --repeat 20

# The command centre's pages: server time, requests/s on loopback, first-load size (demo data).
bench-dashboard: install var/secret_key
	$(BENCH_ENV) $(BIN)/dxgov migrate --noinput -v0
	$(BENCH_ENV) $(BIN)/dxgov demo
	$(BENCH_ENV) $(BIN)/dxgov collectstatic --noinput -v0
	$(BENCH_ENV) $(BIN)/dxgov bench dashboard

# A full forecast recompute: 200 indicators × 34 provinces × 36 months (rolled back).
bench-forecast: install var/secret_key
	$(BENCH_ENV) $(BIN)/dxgov migrate --noinput -v0
	$(BENCH_ENV) $(BIN)/dxgov bench forecast --indicators 200 --months 36

# Dossier ingestion and Decision 766 scoring run on PostgreSQL (database "bench" on the local
# server): batches over HTTP against a raw COPY; recompute and incremental update at 10 M rows.
BENCH_PG_ENV := DXGOV_SECRET_KEY_FILE=var/secret_key DXGOV_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench

bench-ingest: install var/secret_key
	createdb -h 127.0.0.1 -U postgres bench 2>/dev/null || true
	$(BENCH_PG_ENV) $(BIN)/dxgov migrate --noinput -v0
	$(BENCH_PG_ENV) $(BIN)/dxgov collectstatic --noinput -v0
	$(BENCH_PG_ENV) $(BIN)/dxgov bench ingest --records 600000 --batch 5000 --clients 4

bench-score: install var/secret_key
	createdb -h 127.0.0.1 -U postgres bench 2>/dev/null || true
	$(BENCH_PG_ENV) $(BIN)/dxgov migrate --noinput -v0
	$(BENCH_PG_ENV) $(BIN)/dxgov bench score --dossiers 10000000 --base 500000

# The command centre at national scale on PostgreSQL (database "bench"): the demo, 10 M dossiers
# (loaded, and measured, by `bench score`), then 50,000 tasks and every month since 2024 from the
# 34 provinces and all 3,321 communes, and the pages measured warm and cold and under wrk.
bench-dashboard-full: install var/secret_key
	createdb -h 127.0.0.1 -U postgres bench 2>/dev/null || true
	$(BENCH_PG_ENV) $(BIN)/dxgov migrate --noinput -v0
	$(BENCH_PG_ENV) $(BIN)/dxgov demo
	$(BENCH_PG_ENV) $(BIN)/dxgov collectstatic --noinput -v0
	$(BENCH_PG_ENV) $(BIN)/dxgov bench score --dossiers 10000000 --base 500000
	$(BENCH_PG_ENV) $(BIN)/dxgov bench dashboard --full-scale
