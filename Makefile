# STI Targets Workbook. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

help: ## list the targets
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c "import sys; assert sys.version_info[:2] == (3, 11), sys.version" || { echo "needs Python 3.11 (python3.11 or python3 on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (sti-targets)" >/dev/null
	chmod a-w data/sources/*.txt
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install the project with its test extras

check: setup ## run every data check (schema, integrity, sha256 of sources, quotes), then frictionless's
	$(BIN)/sti-targets check
	$(BIN)/frictionless validate data/datapackage.json

datapackage: setup ## regenerate data/datapackage.json from the schema declared in lib/sti_targets/dataset/schema.py
	$(BIN)/sti-targets schema --datapackage > data/datapackage.json

reports: setup ## check the data and render every report into reports/ (HTML + index)
	$(BIN)/sti-targets render

test: setup ## run every test: unit tests and nbval on the committed notebooks
	$(BIN)/python -m pytest --nbval tests notebooks

test-browser: setup ## browser tests only (Playwright driving Debian's chromium)
	$(BIN)/python -m pytest tests/browser

explore: setup ## serve the explorer as a dashboard on 127.0.0.1 (PORT=8866)
	$(BIN)/sti-targets explore $(if $(PORT),--port $(PORT))

notebooks: setup ## re-execute the notebooks in place (after a deliberate change of data or analysis)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb

lint: setup ## ruff lint and format check
	$(BIN)/ruff check lib tests benchmarks
	$(BIN)/ruff format --check lib tests benchmarks

bench: setup ## run the benchmarks and print their figures
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_extract.py

clean: ## remove generated reports (keeps .venv)
	find reports -mindepth 1 ! -name README.md -delete

.PHONY: help setup check datapackage reports test test-browser explore notebooks lint bench clean
