# Two commands do all the set-up from a fresh clone:
#   make serve   the site on http://127.0.0.1:8000 with live reload
#   make test    the whole test suite
# Both create .venv/ and install the pinned requirements first.

PYTHON ?= python3
# Material prints a banner about MkDocs 2.0 on every build; it says nothing about this site.
export NO_MKDOCS_2_WARNING := 1
VENV := .venv
BIN := $(VENV)/bin
# The stamp is newer than requirements.txt once that exact file is installed.
INSTALLED := $(VENV)/.installed

.PHONY: serve test build clean

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

serve: $(INSTALLED)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(INSTALLED)
	$(BIN)/mkdocs build --strict

test: $(INSTALLED)
	$(BIN)/python -m pytest

clean:
	rm -rf site .cache
