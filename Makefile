# relgraph: `make run` serves the API on a demo bank; `make test` runs lint, types and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-find-links

.PHONY: setup run test test-unit lint typecheck pytest pytest-graphql-core db-start db-stop bench lock clean schema-export

setup: $(STAMP)

# Installs exactly the locked versions (hash-checked), then relgraph itself without resolving again.
$(STAMP): pyproject.toml requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@command -v java >/dev/null || { echo "Java 17+ is required (java not on PATH)"; exit 1; }
	@command -v mvn >/dev/null || { echo "Maven is required (mvn not on PATH)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# After changing dependencies in pyproject.toml: re-resolve both lock files.
lock: setup
	$(PIP_COMPILE) --output-file requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev --output-file requirements-dev.lock pyproject.toml

# `make run PORT=8123` serves on another port (so does RELGRAPH_PORT=8123).
run: setup
	RELGRAPH_ENV=$${RELGRAPH_ENV:-dev} $(BIN)/relgraph demo $(if $(PORT),--port $(PORT))

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy api graph loaders queries schema tests bench

# The fast half: no Neo4j, a few seconds.
test-unit: setup
	$(BIN)/pytest tests/unit

pytest: setup
	$(BIN)/pytest

# The API tests again with every query on graphql-core's own executor: both executors must give
# the same answers (schema/core/executor.py).
pytest-graphql-core: setup
	RELGRAPH_COMPILED_EXECUTOR=false $(BIN)/pytest -q tests/integration/api tests/integration/schema

test: lint typecheck pytest pytest-graphql-core

db-start: setup
	$(BIN)/relgraph db start

db-stop: setup
	$(BIN)/relgraph db stop

schema-export: setup
	$(BIN)/relgraph schema export

bench: setup
	$(BIN)/python -m bench.load_bench --customers 10000 100000
	$(BIN)/python -m bench.api_bench --customers 100000

clean:
	$(BIN)/relgraph db stop || true
	rm -rf var neo4j-local/target .mypy_cache .ruff_cache .pytest_cache
