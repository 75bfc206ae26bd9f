# Two commands do all the set-up from a fresh clone:
#   make serve   the site on http://127.0.0.1:8000 with live reload
#   make test    the whole test suite
# Both create .venv/ and install the pinned requirements first, as does the learner's command:
#   make lab     the lessons in JupyterLab, to run them

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamps are newer than the files they install from once exactly those are installed.
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed
NODE_DEV_INSTALLED := node_modules/.dev-installed
# Material prints a banner about MkDocs 2.0 on every build; it says nothing about this site.
export NO_MKDOCS_2_WARNING := 1
# mkdocs-jupyter imports nbconvert on every build, and nbconvert then builds every exporter it knows
# (PDF, WebPDF, Qt...) only to list the enabled ones in a help text, a large share of a warm build.
export NBCONVERT_DISABLE_CONFIG_EXPORTERS := 1

.PHONY: serve test lab build new-lesson slides-pdf bench lighthouse clean

# PyTorch's CPU build on Linux: there PyPI's torch is the CUDA build, which pulls several GB of
# nvidia-* wheels; PyTorch's CPU index has the same release as a wheel of about 190 MB. pip takes
# torch==2.13.0+cpu from it over PyPI's 2.13.0. `make TORCH_INDEX= ...` installs from the default
# index alone (the CUDA build on Linux); another index URL picks another build. The index is tried
# once first (5 s at most): where it cannot be reached, as on a machine whose pinned wheel lies on
# disk (pip's find-links), pip never asks it, so no retries and no timeouts per package.
ifeq ($(shell uname -s),Linux)
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
endif

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	index="$(TORCH_INDEX)"; \
	if [ -n "$$index" ] && ! $(BIN)/python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1].rstrip('/') + '/torch/', timeout=5)" "$$index" 2>/dev/null; then \
	  echo "PyTorch's index $$index cannot be reached: torch comes from the default index and find-links"; index=""; \
	fi; \
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps $${index:+--extra-index-url "$$index"} -r requirements.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/pip check --disable-pip-version-check  # requirements.txt is the whole closure: nothing missing
	$(BIN)/python -c "import torch, mkdocs_jupyter, playwright, jupyterlab"  # fail here, not later, if the install did
	touch $@

# Front-end files (axe-core for the accessibility checks, reveal.js for the slides), exactly as locked.
# Not the dev dependencies (Lighthouse): only `make lighthouse` needs them.
$(NODE_INSTALLED): package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	touch $@

# Everything in package-lock.json, Lighthouse included (npm ci starts from an empty node_modules).
$(NODE_DEV_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_INSTALLED) $@

serve: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

# The learner's command: JupyterLab on lessons/, its kernel this venv's Python, on 127.0.0.1 only;
# it prints the URL with its token. LAB_DIR, LAB_PORT and LAB_ARGS (e.g. --no-browser) override.
LAB_DIR ?= lessons
LAB_PORT ?= 8888
lab: $(INSTALLED)
	$(BIN)/jupyter lab --ServerApp.root_dir="$(LAB_DIR)" --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) $(LAB_ARGS)

# `mkdocs build --strict`, unless site/ is already the build of exactly these sources (checked:
# dev_tools/site_stamp.py). FORCE=1 builds anyway.
build: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/python dev_tools/site_stamp.py $(if $(FORCE),--force) --strict

test: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/python -m pytest

# A new lesson from the template (authoring/lesson_template.ipynb), with every convention in place,
# added to both navigations of mkdocs.yml: make new-lesson SLUG=13-example TITLE="Example"
# (SLUG and TITLE reach the script through the environment, so a title's quotes stay as typed).
new-lesson: $(INSTALLED)
	$(BIN)/python -m authoring.new_lesson "$$SLUG" "$$TITLE"

# PDF handouts: every deck of site/slides/ printed by Chromium (reveal.js's print view), one page
# per slide, into site/slides/pdf/<lesson>.pdf. Fails if a slide spills onto a second page.
slides-pdf: build
	$(BIN)/python -m site_builder.slides_pdf site

# What a cold build, a warm build, an edit and `make test` cost here, against the serial limit and
# Jupyter Book v1 (installed once into .cache/bench-venvs/). Writes dev_tools/bench/results/latest.{json,md}.
bench: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/python -m dev_tools.bench $(BENCH_ARGS)

# Lighthouse's performance and accessibility scores of every page of the built site, served as
# GitHub Pages serves it (the table in dev_tools/bench/README.md). Reports and summary.json in
# test-artifacts/lighthouse/. LIGHTHOUSE_ARGS="--only lessons/08 tools/" measures fewer pages.
lighthouse: build $(NODE_DEV_INSTALLED)
	$(BIN)/python -m dev_tools.lighthouse site $(LIGHTHOUSE_ARGS)

clean:
	rm -rf site .cache
