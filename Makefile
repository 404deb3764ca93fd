# Two entry points (see README):  `make run`  and  `make test`.
# Both set up .venv from scratch when needed (Python 3.11+ and this Makefile are all it takes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    := out

.PHONY: run test setup lint clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "govstats needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv \
	  && $(BIN)/uv pip install -q --python $(BIN)/python --compile-bytecode -e '.[dev]' \
	  || $(BIN)/python -m pip install -q --disable-pip-version-check --compile -e '.[dev]'
	touch $(STAMP)

# The main job on the bundled data: parse the example tables, write JSON lines and a summary.
run: $(STAMP)
	mkdir -p $(OUT)
	$(BIN)/govstats parse data/examples/*.txt --json > $(OUT)/examples.jsonl
	$(BIN)/govstats parse data/examples/*.txt | tee $(OUT)/examples.txt | head -40
	@echo "wrote $(OUT)/examples.jsonl and $(OUT)/examples.txt"

lint: $(STAMP)
	$(BIN)/ruff check src tests tools benchmarks

test: $(STAMP) lint
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
