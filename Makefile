# relgraph: `make run` serves the API on a demo bank; `make test` runs lint, types and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint typecheck pytest db-start db-stop bench clean schema-export

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@command -v java >/dev/null || { echo "Java 17+ is required (java not on PATH)"; exit 1; }
	@command -v mvn >/dev/null || { echo "Maven is required (mvn not on PATH)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: setup
	RELGRAPH_ENV=$${RELGRAPH_ENV:-dev} $(BIN)/relgraph demo

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy api graph loaders queries schema tests bench

pytest: setup
	$(BIN)/pytest

test: lint typecheck pytest

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
