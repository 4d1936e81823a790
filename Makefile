# STI Targets Workbook. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The notebooks' kernel, named once in lib/sti_targets/paths.py: registered in .venv (which its Jupyter
# prefers) and for the user (so a Jupyter outside .venv finds it too).
KERNEL_SPEC = --name "$$($(BIN)/python -c 'from sti_targets.paths import KERNEL; print(KERNEL)')" \
  --display-name "$$($(BIN)/python -c 'from sti_targets.paths import KERNEL_DISPLAY_NAME; print(KERNEL_DISPLAY_NAME)')"

help: ## list the targets
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c "import sys; assert sys.version_info[:2] == (3, 11), sys.version" || { echo "needs Python 3.11 (python3.11 or python3 on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[all]"
	$(BIN)/python -m ipykernel install --sys-prefix $(KERNEL_SPEC) >/dev/null
	$(BIN)/python -m ipykernel install --user $(KERNEL_SPEC) >/dev/null
	chmod a-w data/sources/*.txt
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install the project with every extra, at the versions in constraints.txt

browser-deps: ## install Debian's chromium for the browser tests when it is missing (as root; else say how)
	@command -v chromium >/dev/null && exit 0; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	else \
	  echo "the browser tests need Debian's chromium: run  sudo apt-get install chromium  (or set STI_SKIP_BROWSER=1)"; exit 1; \
	fi

check: setup ## run every data check (schema, integrity, sha256 of sources, quotes), then frictionless's
	$(BIN)/sti-targets check
	$(BIN)/frictionless validate data/datapackage.json

datapackage: setup ## regenerate data/datapackage.json from the schema declared in lib/sti_targets/dataset/schema.py
	$(BIN)/sti-targets schema --datapackage > data/datapackage.json

release: check ## build the citable release into dist/: the Frictionless data package (zip) and the workbook (xlsx)
	$(BIN)/sti-targets export --format zip --output dist
	$(BIN)/sti-targets export --format xlsx --output dist

reports: setup ## check the data and render every report into reports/ (HTML + index)
	$(BIN)/sti-targets render

test: setup browser-deps lint ## run every test: lint, unit, integration, nbval on the notebooks, browser
	$(BIN)/python -m pytest --nbval tests notebooks

test-unit: setup ## the fast unit tests only (no kernels, no browser)
	$(BIN)/python -m pytest -m "not integration and not browser" tests

test-browser: setup browser-deps ## browser tests only (Playwright driving Debian's chromium)
	$(BIN)/python -m pytest tests/browser

explore: setup ## serve the explorer as a dashboard on 127.0.0.1 (PORT=8866)
	$(BIN)/sti-targets explore $(if $(PORT),--port $(PORT))

lab: setup ## open the workbook in JupyterLab on 127.0.0.1 (PORT=8888)
	@if [ "$$(id -u)" = 0 ]; then echo "running as root: JupyterLab refuses root without --allow-root, so this target passes it (the server still listens on 127.0.0.1 only, behind a token); run make lab as an ordinary user to avoid it"; fi
	@# Trust the project's own committed outputs (recorded in your Jupyter data folder; the files are not
	@# written), so the explorer's saved widgets and the reports' CJK font show on opening, before any run.
	$(BIN)/jupyter trust notebooks/*.ipynb >/dev/null
	@echo "JupyterLab serves notebooks/ on 127.0.0.1: open the URL with the token it prints below (Ctrl-C stops it)"
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(or $(PORT),8888) --ServerApp.open_browser=False \
	  --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

notebooks: setup ## re-execute the notebooks in place (after a deliberate change of data or analysis)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.store_widget_state=True notebooks/*.ipynb

lint: setup ## ruff lint and format check
	$(BIN)/ruff check lib tests benchmarks
	$(BIN)/ruff format --check lib tests benchmarks

bench: setup ## run the benchmarks and print their figures
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_extract.py

lock: setup ## rewrite constraints.txt from the installed environment (after changing pyproject.toml)
	{ grep '^#' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -iv '^sti.targets'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean: ## remove generated reports (keeps .venv)
	find reports -mindepth 1 ! -name README.md -delete

.PHONY: help setup browser-deps check release reports test test-unit test-browser datapackage explore lab notebooks lint lock bench clean
