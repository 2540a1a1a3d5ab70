# The two set-up commands (see README): `make demo` and `make test`.
.PHONY: demo test test-sqlite lint format

demo:
	scripts/demo

test:
	scripts/test

test-sqlite:
	RESALAT_TEST_DATABASE_URL= scripts/test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .
