# Two commands on a fresh Debian machine, as root (or with sudo):
#   make demo   install LibreOffice, fonts and a virtualenv; render every workbook in examples/ into out/
#   make test   the same installs plus test tools; ruff, mypy and every test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := python3 python3-venv python3-pip libreoffice-writer-nogui fonts-liberation fonts-liberation2 \
	hyphen-ru poppler-utils fontconfig
# Tests only: the registry's HTML page and the web page (docgen serve, through Playwright) are checked in a real
# headless browser; the CSV files docgen writes are opened with LibreOffice Calc's import (a formula-like cell must
# stay text).
TEST_APT_PACKAGES := chromium libreoffice-calc-nogui

.PHONY: demo test fuzz system test-system lint examples templates clean

demo: $(VENV)/.installed
	$(VENV)/bin/docgen render examples -o out --force
	$(VENV)/bin/docgen registry examples -o out/реестр --force

test: $(VENV)/.installed-test test-system
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/python -m pytest

# The property-based tests with thousands of examples each (`make test` runs a few dozen).
fuzz: $(VENV)/.installed-test test-system
	HYPOTHESIS_PROFILE=fuzz $(VENV)/bin/python -m pytest tests/test_fuzz.py -p no:cacheprovider

# LibreOffice Writer (headless, no GUI), Liberation Serif (metric twin of Times New Roman, embedded in PDFs),
# poppler-utils (pdftotext, pdffonts, pdftoppm for tests and for looking at pages).
system:
	@if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! fc-list 2>/dev/null | grep -q "Liberation Serif" || [ ! -e /usr/share/hyphen/hyph_ru_RU.dic ] \
	    || ! $(PYTHON) -c "import venv, ensurepip" 2>/dev/null; then \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q \
	    --no-install-recommends $(APT_PACKAGES); \
	fi

test-system: system
	@if ! command -v chromium >/dev/null || [ ! -e /usr/lib/libreoffice/program/libsclo.so ]; then \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q \
	    --no-install-recommends $(TEST_APT_PACKAGES); \
	fi

$(VENV)/.installed: pyproject.toml | system
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

# For developers: rebuild the committed templates and example workbooks after a deliberate layout change.
templates: $(VENV)/.installed
	for script in scripts/make_*template*.py; do $(VENV)/bin/python $$script || exit 1; done
examples: $(VENV)/.installed
	$(VENV)/bin/python scripts/make_example.py

clean:
	rm -rf $(VENV) out
