# afspraken-analysis: `make help` lists the targets.
YEAR ?= 2025
# uv from PATH, or as a module of the python3 that scripts/setup.sh installed it into
UV ?= $(shell command -v uv >/dev/null 2>&1 && echo uv || echo python3 -m uv)
# Targets that depend on `setup` run in the environment it has just synced and compiled: a plain
# `uv run` would walk and recompile the whole environment's bytecode again on every call
# (~0.6-1.5 s; uv does so whenever compile-bytecode is set, astral-sh/uv#12202).
RUN = $(UV) run --locked --no-sync

.PHONY: help setup report lab deck-png export test lint format docs clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

setup: ## install system packages (if missing), uv and the locked Python environment
	@bash scripts/setup.sh

report: setup ## set up, then build the yearly report for YEAR (default 2025) on the shipped data
	$(RUN) afspraken report --year $(YEAR)

# The notebooks are jupytext .py files: scripts/jupyterlab/overrides.json makes JupyterLab open them
# as notebooks on a click; the kernel is the project's Python (uv run), working in notebooks/, and
# the notebooks read relative paths (monitoring = "mijn-monitor") from the project root.
# LAB_ARGS passes more options, e.g. make lab LAB_ARGS="--no-browser --port 8890".
lab: setup ## open the notebooks in JupyterLab with the project's kernel
	$(RUN) jupyter lab --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.app_settings_dir="$(CURDIR)/scripts/jupyterlab" --LabApp.default_url=/lab/tree/notebooks $(LAB_ARGS)

deck-png: ## render outputs/YEAR/slides.pptx to PNG (LibreOffice, pdftoppm) in outputs/YEAR/deck-png
	rm -rf outputs/$(YEAR)/deck-png && mkdir -p outputs/$(YEAR)/deck-png
	soffice --headless --convert-to pdf --outdir outputs/$(YEAR)/deck-png outputs/$(YEAR)/slides.pptx
	pdftoppm -png -r 50 outputs/$(YEAR)/deck-png/slides.pdf outputs/$(YEAR)/deck-png/slide

export: setup ## export every agreement table as CSV + datapackage.json to outputs/data
	$(RUN) afspraken data export outputs/data

test: setup ## run the linter and the whole test suite
	$(RUN) ruff check src tests benchmarks scripts
	$(RUN) ruff format --check src tests benchmarks scripts
	$(RUN) pytest

format: ## format the code
	$(UV) run ruff format src tests benchmarks scripts
	$(UV) run ruff check --fix src tests benchmarks scripts

docs: ## regenerate the data dictionary from the schemas
	$(UV) run afspraken data dictionary --out docs/data-dictionary.md

clean: ## remove generated outputs
	rm -rf outputs/* .pytest_cache
