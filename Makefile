# lossbook: `make book` builds and serves the book, `make test` runs every test.
# Each target sets up what it needs first (virtualenv, Python packages, npm assets,
# Debian's chromium for the browser tests), so both work on a fresh machine.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
# the in-browser edition's build tools get a virtualenv of their own (requirements-lite.txt)
LITE_VENV := .venv-lite
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q

.PHONY: book build serve test test-fast lab bench student setup setup-test clean
.PHONY: build-en build-zh catalogs check-zh notebooks-zh student-zh clean-zh   # Chinese edition
.PHONY: build-lite                                                             # in-browser edition

book: build serve                          ## set up, build the book, serve it at http://127.0.0.1:$(PORT)

# The book runs Keras and PyTorch (chapters 5, 8-11): LOSSBOOK_REQUIRE_FRAMEWORKS makes a
# missing framework fail the build instead of publishing a page without its numbers.
build: build-en build-zh build-lite        ## build both editions: _build/html (English) and _build/html/zh (中文)

build-en: setup $(VENV)/.frameworks-installed _build/.package-stamp   ## build the English edition into _build/html (warnings are errors)
	LOSSBOOK_REQUIRE_FRAMEWORKS=1 $(BIN)/jupyter-book build -W --keep-going --all .

# Executed notebooks are cached by their code only: when the package changes
# (its Python, the slider player's JavaScript, the locale catalogs), drop the cache
# so every chapter shows what the new package prints and draws. `build` and `test`
# both depend on it: the browser tests must never check a book made by an old package
# (tests/conftest.py makes the same check when pytest builds the book without make).
_build/.package-stamp: $(shell find src/lossbook -type f -not -name '*.pyc')
	rm -rf _build/.jupyter_cache
	rm -rf _build/zh/_build/.jupyter_cache
	mkdir -p _build && touch $@

serve:                                     ## serve the built book on this machine only (gzipped where that helps)
	@echo "Serving the book at http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(BIN)/python tools/serve.py --port $(PORT) --directory _build/html

# Two pytest runs side by side: the tests of the built books (both builds, the browser,
# the PDF, the in-browser edition) and the rest (package, notebooks, nbgrader, JupyterHub,
# JupyterLab). The books' run writes to _build/test-books.log, shown when both are done.
BOOK_TESTS := tests/test_book.py tests/test_browser.py tests/test_browser_questions.py \
	tests/test_browser_second_sliders.py tests/test_browser_zh.py tests/test_downloads.py \
	tests/test_file_url.py tests/test_lite.py tests/test_pdf.py tests/test_zh.py
test: setup-test _build/.package-stamp     ## set up, then run every test (package, notebooks, both editions, browser, PDF, nbgrader, JupyterHub)
	@mkdir -p _build; export LOSSBOOK_REQUIRE_FRAMEWORKS=1; \
	$(BIN)/python -m pytest $(BOOK_TESTS) > _build/test-books.log 2>&1 & books=$$!; \
	LOSSBOOK_TEST_RUN=rest $(BIN)/python -m pytest $(foreach t,$(BOOK_TESTS),--ignore=$(t)); rest=$$?; \
	wait $$books; books=$$?; \
	echo; echo "=== the built books' tests (_build/test-books.log) ==="; cat _build/test-books.log; \
	echo; echo "make test: the books' tests exited $$books, the rest $$rest"; \
	[ $$books = 0 ] && [ $$rest = 0 ]

# The inner loop (under 2 minutes): the package, every exercise and test cell, the
# learner/teacher tools, and two chapters executed. `make test` before you commit.
FAST_TESTS := tests/test_losses.py tests/test_exercises.py tests/test_test_cells.py \
	tests/test_teacher.py tests/test_student.py tests/test_doctests.py tests/test_serve.py \
	tests/test_chapter_classes.py tests/test_learner_answers.py \
	"tests/test_notebooks.py::test_runs_clean[01_why_a_loss.ipynb]" \
	"tests/test_notebooks.py::test_runs_clean[06_the_loss_class.ipynb]"
test-fast: setup $(VENV)/.test-installed $(VENV)/.frameworks-installed  ## the fast tier: package, exercises, two chapters (no builds, browsers or servers)
	$(BIN)/python -m pytest -q $(FAST_TESTS) -k "not learner_notebook_runs"

lab: setup                                 ## open the chapter notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks/

bench: setup-test                          ## print the speed and size benchmarks
	$(BIN)/python benchmarks/bench_loss.py
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_lite.py

.PHONY: pdf pdf-student
pdf: build setup-test                      ## print the whole book to _build/lossbook.pdf (tagged, solutions in an appendix)
	$(BIN)/python tools/pdf.py

pdf-student: build setup-test              ## the same without the solutions: _build/lossbook-student.pdf
	$(BIN)/python tools/pdf.py --student

/usr/bin/pdfinfo:                          # poppler-utils: tests/test_pdf.py asks pdfinfo if the PDF is tagged
	$(SUDO) apt-get update -q && $(APT_INSTALL) poppler-utils

student: setup                             ## write the student edition (no solutions) to student/
	$(BIN)/python -m lossbook.student notebooks student

# --- Chinese edition (中文版): see TRANSLATING.md ---------------------------------
build-zh: setup $(VENV)/.frameworks-installed _build/.package-stamp /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc  ## build the Chinese edition into _build/html/zh
	LOSSBOOK_REQUIRE_FRAMEWORKS=1 $(BIN)/python tools/zh_edition.py build

catalogs: setup                            ## extract the English text and update locales/zh_CN/LC_MESSAGES/**/*.po
	$(BIN)/python tools/zh_edition.py catalogs

check-zh: setup                            ## fail on any untranslated or fuzzy entry, or package text without Chinese
	$(BIN)/python tools/zh_edition.py check

notebooks-zh: setup                        ## write the Chinese notebooks to notebooks-zh/
	$(BIN)/python -m lossbook.translate notebooks notebooks-zh --locales locales --language zh_CN

student-zh: notebooks-zh                   ## write the Chinese student edition (no solutions) to student-zh/
	$(BIN)/python -m lossbook.student notebooks-zh student-zh

/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:   # CJK glyphs for figures and screenshots
	$(SUDO) apt-get update -q && $(APT_INSTALL) fonts-noto-cjk
clean: clean-zh
clean-zh:
	rm -rf notebooks-zh student-zh
# --- end of the Chinese edition ----------------------------------------------------

# --- In-browser edition (JupyterLite on Pyodide): see tools/lite.py -----------------
# After both books (the Chinese build replaces _build/html/zh): _build/html/lite and
# _build/html/zh/lite. Pyodide's package files come from LOSSBOOK_PYODIDE_DIR, the
# official release archive, or PyPI, each checked against npm's lock.
# LOSSBOOK_LITE=0 make build: the book without it (and without its button).
build-lite: setup $(LITE_VENV)/.installed build-en build-zh   ## build the in-browser edition (after both books)
	$(BIN)/python tools/lite.py build

# Its build tools get a virtualenv of their own (LITE_VENV, see requirements-lite.txt).
$(LITE_VENV)/.installed: requirements-lite.txt
	rm -rf $(LITE_VENV)
	$(PYTHON) -m venv $(LITE_VENV) || { $(SUDO) apt-get update -q && $(APT_INSTALL) python3-venv && $(PYTHON) -m venv $(LITE_VENV); }
	$(LITE_VENV)/bin/python -m pip install -q -r requirements-lite.txt
	touch $@
# --- end of the in-browser edition ---------------------------------------------------

setup: $(VENV)/.book-installed node_modules/.installed
setup-test: setup $(VENV)/.test-installed $(VENV)/.frameworks-installed $(LITE_VENV)/.installed /usr/bin/chromium /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc hub-python /usr/bin/pdfinfo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { $(SUDO) apt-get update -q && $(APT_INSTALL) python3-venv && rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }

$(VENV)/.book-installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

# Keras (JAX backend) and PyTorch's CPU build: chapters 5 and 8-11 print their numbers.
# Linux asks for torch's `+cpu` build (not PyPI's CUDA one): from a local wheel if pip
# has one, else from PyTorch's CPU index, added for this install only.
TORCH_CPU_INDEX ?= https://download.pytorch.org/whl/cpu
$(VENV)/.frameworks-installed: requirements-frameworks.txt $(VENV)/.book-installed
	$(BIN)/python -m pip install -q -r requirements-frameworks.txt 2>/dev/null \
	  || { echo "pip: no local CPU build of torch; trying PyTorch's CPU index"; \
	       $(BIN)/python -m pip install -q -r requirements-frameworks.txt --extra-index-url $(TORCH_CPU_INDEX); }
	touch $@

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.book-installed
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	command -v npm >/dev/null || { $(SUDO) apt-get update -q && $(APT_INSTALL) nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# tests/test_hub.py runs a course on JupyterHub from a venv made with Debian's python3
# (one that every Linux user can run); configurable-http-proxy comes from npm ci above.
.PHONY: hub-python
hub-python:
	@dpkg -s python3-venv >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(APT_INSTALL) python3-venv; }

/usr/bin/chromium:
	$(SUDO) apt-get update -q && $(APT_INSTALL) chromium

clean:                                     ## remove the build and installed tools
	rm -rf _build $(VENV) $(LITE_VENV) node_modules student
