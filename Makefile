# lossbook: `make book` builds and serves the book, `make test` runs every test.
# Each target sets up what it needs first (virtualenv, Python packages, npm assets,
# Debian's chromium for the browser tests), so both work on a fresh machine.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q

.PHONY: book build serve test lab bench student setup setup-test clean

book: build serve                          ## set up, build the book, serve it at http://127.0.0.1:$(PORT)

build: setup _build/.package-stamp         ## build _build/html (warnings are errors)
	$(BIN)/jupyter-book build -W --keep-going --all .

# Executed notebooks are cached by their code only: when the package changes
# (its Python, the slider player's JavaScript, the locale catalogs), drop the cache
# so every chapter shows what the new package prints and draws. `build` and `test`
# both depend on it: the browser tests must never check a book made by an old package
# (tests/conftest.py makes the same check when pytest builds the book without make).
_build/.package-stamp: $(shell find src/lossbook -type f -not -name '*.pyc')
	rm -rf _build/.jupyter_cache
	mkdir -p _build && touch $@

serve:                                     ## serve the built book on this machine only
	@echo "Serving the book at http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

test: setup-test _build/.package-stamp     ## set up, then run every test (package, notebooks, book, browser)
	$(BIN)/python -m pytest

lab: setup                                 ## open the chapter notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks/

bench: setup-test                          ## print the speed and size benchmarks
	$(BIN)/python benchmarks/bench_loss.py
	$(BIN)/python benchmarks/bench_widgets.py

student: setup                             ## write the student edition (no solutions) to student/
	$(BIN)/python -m lossbook.student notebooks student

setup: $(VENV)/.book-installed node_modules/.installed
setup-test: setup $(VENV)/.test-installed /usr/bin/chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { $(SUDO) apt-get update -q && $(APT_INSTALL) python3-venv && rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }

$(VENV)/.book-installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.book-installed
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	command -v npm >/dev/null || { $(SUDO) apt-get update -q && $(APT_INSTALL) nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

/usr/bin/chromium:
	$(SUDO) apt-get update -q && $(APT_INSTALL) chromium

clean:                                     ## remove the build and installed tools
	rm -rf _build $(VENV) node_modules student
