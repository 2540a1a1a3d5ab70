# The two set-up commands (see README): `make demo` and `make test`.
.PHONY: demo test test-sqlite lint format fuzz faults screenshots queries-at-size

demo:
	scripts/demo

test:
	scripts/test

test-sqlite:
	RESALAT_TEST_DATABASE_URL= scripts/test

# The API fuzzed long: about 30 minutes (the bounded run is part of `make test`).
fuzz:
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} FUZZ_SECONDS=$${FUZZ_SECONDS:-600} scripts/fuzz

# Queries per page and operation at 10 and at 1,000 more rows of every list (`make test` counts at 100).
queries-at-size:
	RESALAT_TEST_DATABASE_URL=$${RESALAT_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	RESALAT_TEST_BACKENDS=postgresql RESALAT_QUERY_ROWS=$${RESALAT_QUERY_ROWS:-1000} \
	.venv/bin/python -m pytest -q -rs tests/test_queries_at_size.py

# Workers killed mid-work for 5 minutes on PostgreSQL (the bounded run, 25 s, is part of `make test`).
faults:
	RESALAT_TEST_DATABASE_URL=$${RESALAT_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	RESALAT_TEST_BACKENDS=postgresql FAULTS_SECONDS=$${FAULTS_SECONDS:-300} \
	.venv/bin/python -m pytest -q -rs tests/test_faults.py

# The README's screenshots of the demo world (phone and desktop), into docs/screenshots/.
screenshots:
	RESALAT_SCREENSHOTS=docs/screenshots scripts/screenshots

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .
