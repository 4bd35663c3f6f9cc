# The single front door: README, CI and editors run these targets.
#   make book    set up .venv if needed, build the HTML book into _build/html
#   make test    set up (Python and Debian packages) if needed, build, run every test
#   make check   lint, types and the fast tests (data, validator, bad inputs): no book build
#   make pdf     the whole edition as a tagged PDF/UA-1 (Typst) into _build/pdf/book.pdf (PAPER=letter: US Letter)
#   make pdf EDITION=reading  the essay alone, a tagged PDF/UA-1 (Typst): _build/reading/reading.pdf
#   make handouts  one tagged PDF per essay section and notebook (Typst) into _build/handouts/
#   make epub    the EPUB 3 edition into _build/epub/book.epub, checked by epubcheck
#   make serve   serve the built book on http://127.0.0.1:8000 (compressed)
#   make watch   build the book, then build it again each time a file changes, serving it on PORT with
#                the open page reloaded after each build (for editors; Ctrl-C stops)
#   make validate  check the dataset in data/
#   make classroom  the notebooks, data and helpers in one zip for lab machines (WHEELS=1: offline),
#                   and the teacher's zip (plus hidden checks and the grader)
#   make grade SUBMISSIONS=folder [ROSTER=roster.csv] [CHECKS=folder]  grade a folder of hand-ins, each
#                in a sandbox (bubblewrap): grades.csv, canvas.csv, moodle.csv, feedback/, marking.html
#                (LIMIT=180: seconds for a notebook; CELL=30: seconds for a cell)
#   make book SOLUTIONS=show  the teacher's edition: every worked solution open
#   make book SOLUTIONS=omit  the students' edition for a graded class: no worked solution anywhere
#   make bench   build times, edit-to-browser time, script per page, first chart on an emulated phone
#   make bench-grade  how long grading a class of 30 hand-ins takes
#   make publish REMOTE=origin [BRANCH=gh-pages]  the built book to a gh-pages branch (ghp-import), for GitHub Pages
#   make student-matrix  the students' kit on Python 3.10-3.13 with its lowest and pinned versions
#   make screens  every page of the built book whole, as a PNG per view (phone, desktop; light, dark): _build/screens/
#   make linkcheck [EXTERNAL=1]  every internal link and anchor of the built book resolves; external ones listed (EXTERNAL=1: fetched)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
BUILD := _build
JB := $(BIN)/jupyter-book
PORT ?= 8000
UV := uv==0.13.8

# Python caches compiled modules in $(PYCACHE) for every process make starts (the build, notebook
# kernels, tests): some machines set PYTHONDONTWRITEBYTECODE, and then every process compiled every
# module it imported again (about 10 s of a `make check`, and of each notebook run). The prefix keeps
# the caches out of the source folders.
PYCACHE := $(CURDIR)/$(VENV)/.pycache
export PYTHONPYCACHEPREFIX := $(PYCACHE)
unexport PYTHONDONTWRITEBYTECODE

# Debian packages: Chromium drives the browser tests, draws the static charts (kaleido) and the
# web pages' chart stills (Playwright);
# the fonts, poppler and epubcheck make and check the PDF and EPUB editions.
BROWSER_DEBS := chromium
# bubblewrap runs each student's hand-in in a sandbox of its own when the teacher grades.
GRADE_DEBS := bubblewrap
# The PDFs (the edition, the reading edition, the handouts) are Typst's: no TeX; the fonts for
# every script the data holds, and poppler for the checks. The EPUB adds epubcheck.
TYPST_DEBS := fonts-freefont-otf fonts-noto-cjk fonts-hosny-amiri poppler-utils
PRINT_DEBS := $(TYPST_DEBS) epubcheck

.PHONY: book watch pdf epub handouts test check serve validate classroom grade bench lock clean system-deps print-deps browser-deps typst-deps grade-deps bench-grade publish linkcheck student-matrix screens

# SOLUTIONS=show builds the teacher's edition (worked solutions open), SOLUTIONS=omit the students'
# edition (no solutions at all); the default hides them in closed dropdowns.
SOLUTIONS ?=

# Every edition is built by edition/build.py: data checked first, one build at a time, built in
# _build/.stage and published to _build/<edition> only when the whole build succeeded. V=1 shows all.
# PAPER=letter prints every PDF on US Letter (A4 otherwise); EDITION=reading makes the reading edition.
PAPER ?=
EDITION ?=
# What a reader of this file sets on the command line reaches the commands as environment
# variables ("$$EDITION"), never as text inside a shell string, so no value can run a command.
export EDITION_SOLUTIONS = $(SOLUTIONS)
export EDITION_PAPER = $(PAPER)
export EDITION PORT
BUILD_BOOK = $(BIN)/python -m edition.build $(if $(V),--verbose)

# Scripts of the web book from the npm registry (npm pack of an exact version, checked against its
# pinned sha512, unpacked into .venv/vendor/: tools/vendor-npm.sh); the build copies them to _static/.
# plotly.js: the basic bundle (bar, pie, scatter: every trace type the book draws, which
# tests/test_bundle.py checks), 1.2 MB of script where plotly's full plotly.min.js is 4.8 MB; the
# same version as the pinned plotly (Python) emits figures for. Font Awesome: its core and the few
# icons the pages use (edition/sphinx/web/vendored.py) instead of the theme's 1.5 MB of every icon.
# Set here, before the targets that need them: make expands a rule's prerequisites as it reads it.
VENDOR := $(VENV)/vendor
PLOTLY_JS_NPM := plotly.js-basic-dist-min 4.1.1 sha512-1oNF8PeQx2hv/y7tqEVWKD3JGwn/MGEMQ8mL9HUwsaqG9FGy/OU5FHUHvzqbqxN4mnwZGI9abTiE775C4kkjMQ==
FONTAWESOME_NPM := @fortawesome/fontawesome-free 6.5.2 sha512-hRILoInAx8GNT5IMkrtIt9blOdrqHOnPBH+k70aWUAqPZPgopb9G5EQJFpaBx/S8zp2fC+mPW349Bziuk1o28Q==
VENDORED := $(VENDOR)/plotly.js-basic-dist-min-4.1.1.ok $(VENDOR)/fortawesome-fontawesome-free-6.5.2.ok

$(VENDOR)/plotly.js-basic-dist-min-4.1.1.ok:
	@bash tools/vendor-npm.sh $(VENDOR) $(PLOTLY_JS_NPM)

$(VENDOR)/fortawesome-fontawesome-free-6.5.2.ok:
	@bash tools/vendor-npm.sh $(VENDOR) $(FONTAWESOME_NPM)

# browser-deps: Chromium draws each chart's still for the web pages (edition/sphinx/web/stills.py)
book: $(READY) $(VENDORED) browser-deps
	@$(BUILD_BOOK) html

# The editors' loop: one process imports Sphinx and the plug-ins once and forks each build from
# itself (edition/build.py, watch()): an edited paragraph is published in about 3 s, and the page
# open at http://127.0.0.1:$(PORT)/ reloads (edition/serve.py --live).
watch: $(READY) $(VENDORED) browser-deps
	@$(BUILD_BOOK) html --watch

pdf: $(READY) typst-deps browser-deps
	@$(BUILD_BOOK) "$${EDITION:-pdf}"

handouts: $(READY) typst-deps browser-deps
	@$(BUILD_BOOK) handouts

typst-deps:
	@$(call apt_install,$(TYPST_DEBS))

epub: $(READY) print-deps browser-deps
	@$(BUILD_BOOK) epub

$(READY): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))."; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || $(call apt_install,python3-venv)
	@echo "Setting up $(VENV) with the pinned packages (the log is $(VENV)/setup.log)..."
	@bash tools/setup-venv.sh $(PYTHON) $(VENV) $(UV) \
	  || { tail -25 $(VENV)/setup.log; echo "Setting up $(VENV) failed: the whole log is $(VENV)/setup.log"; exit 1; }
	@echo "The packages were installed in $$(cat $(VENV)/pip-seconds) s."
	@touch $@

# apt_install: install the named Debian packages that are missing (needs root, or sudo).
define apt_install
missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); missing=$$(echo $$missing); \
explain() { echo; echo "Stopped: this step needs Debian packages that are not installed and could not be"; \
  echo "installed here ($$1): $$missing. Chromium draws the charts for print and runs the browser"; \
  echo "tests; the fonts, poppler and epubcheck make and check the PDF and EPUB."; \
  echo "Install them as root with:  apt-get update && apt-get install --no-install-recommends $$missing"; \
  echo "then run the same make command again. Nothing half-built was left in _build."; echo; exit 1; }; \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else explain "not root, no sudo"; fi; \
  echo "Installing Debian packages: $$missing"; \
  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
    || explain "apt-get failed"; \
fi
endef

browser-deps:
	@$(call apt_install,$(BROWSER_DEBS))

print-deps:
	@$(call apt_install,$(PRINT_DEBS))

grade-deps:
	@$(call apt_install,$(GRADE_DEBS))

system-deps: browser-deps print-deps grade-deps

# Every tier (tests/conftest.py: check, built, book). The check tier needs no build, so it runs in
# one process beside the set-up builds (book, pdf, epub, handouts, reading), on the core they mostly
# leave idle; its report is printed when both are done. Then the built and book tiers, one test
# module to a worker (a module's scratch copy is built once), the slowest modules first. One worker
# more than the cores: the end-to-end tests spend much of their time waiting (kernels starting,
# sandboxes timing out, the browser, the package index), which the extra worker fills. PYTEST_ARGS:
# more pytest options for both runs (e.g. PYTEST_ARGS=--durations=80), passed as words, never run
# as a command. (A background job ignores Ctrl-C, hence the trap: a stopped `make test` stops both.)
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
export PYTEST_ARGS TEST_WORKERS
test: system-deps $(READY) $(VENDORED)
	@mkdir -p $(BUILD); checks=$(BUILD)/.check-tier.log; \
	$(BIN)/python -m pytest -m check -q $${PYTEST_ARGS} >"$$checks" 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null' EXIT; \
	$(MAKE) --no-print-directory book pdf epub handouts && $(BUILD_BOOK) reading; built=$$?; \
	wait $$pid; checked=$$?; echo "The check tier (run beside the builds):"; cat "$$checks"; \
	[ $$built = 0 ] && [ $$checked = 0 ]
	$(BIN)/python -m pytest -m "not check" -n "$${TEST_WORKERS}" --dist loadfile --no-loadscope-reorder $${PYTEST_ARGS}

# The fast loop: lint (ruff), types (mypy; both set in pyproject.toml), then the check tier:
# validator, bad inputs, pure functions; no book build (poppler and the fonts: some tests print a
# page with Typst and read it back).
check: $(READY) $(VENDORED) typst-deps
	$(BIN)/ruff check --quiet .
	$(BIN)/mypy
	$(BIN)/python -m pytest -m check -q -n auto

# Check data/ (schema, keys, links, dates, sources, paragraph labels); one line per problem.
validate: $(READY)
	$(BIN)/python -m edition.data

# Build times and page weights on this machine (medians of 3 runs, in a scratch copy).
bench: $(READY) $(VENDORED) print-deps browser-deps
	$(BIN)/python tools/bench.py

# How long grading a class of 30 hand-ins takes (one hangs, one is malformed): tools/bench_grade.py.
bench-grade: $(READY) grade-deps
	$(BIN)/python tools/bench_grade.py

# The classroom zip (see edition/classroom/zip.py): _build/classroom/communist-left-classroom.zip;
# WHEELS=1 adds every package's wheel (communist-left-classroom-offline.zip) for machines with no internet.
classroom: $(READY)
	$(BIN)/python -m edition.classroom.zip $(if $(WHEELS),--wheels)

# Grade the class's hand-ins (edition/grade/): into the folder, grades.csv, canvas.csv, moodle.csv,
# feedback/ and marking.html. The folder names reach the grader as environment variables, never
# inside a shell string, so no name can run a command.
export SUBMISSIONS ROSTER CHECKS LIMIT CELL
grade: $(READY) grade-deps
	@test -n "$$SUBMISSIONS" || { echo "Name the folder of hand-ins: make grade SUBMISSIONS=folder"; exit 1; }
	@$(BIN)/python -m edition.grade "$$SUBMISSIONS" $${ROSTER:+--roster "$$ROSTER"} $${CHECKS:+--checks "$$CHECKS"} $${LIMIT:+--seconds "$$LIMIT"} $${CELL:+--cell-seconds "$$CELL"}

# Publish the book (built first if it changed, with the same SOLUTIONS=) to the gh-pages branch (or
# BRANCH=) of REMOTE: a git remote's name, a URL or a path. One commit on top of what that branch
# had (fetched first), so readers' and students' clones of it (nbgitpuller) pull it on; .nojekyll
# so GitHub Pages serves _static/ as it is. The names reach git as arguments, never inside a shell string.
export REMOTE BRANCH
publish: book
	@test -n "$$REMOTE" || { echo "Name where to publish: make publish REMOTE=origin (a git remote, URL or path)"; exit 1; }
	@case "$$REMOTE$$BRANCH" in -*) echo "REMOTE and BRANCH cannot start with '-'"; exit 1;; esac
	@branch="$${BRANCH:-gh-pages}"; \
	git fetch --quiet -- "$$REMOTE" "+refs/heads/$$branch:refs/heads/$$branch" 2>/dev/null || true; \
	export GIT_COMMITTER_NAME="$${GIT_COMMITTER_NAME:-$$(git config user.name || echo make publish)}"; \
	export GIT_COMMITTER_EMAIL="$${GIT_COMMITTER_EMAIL:-$$(git config user.email || echo publish@localhost)}"; \
	$(BIN)/ghp-import --no-jekyll --push --remote "$$REMOTE" --branch "$$branch" \
	  --message "The book, built from $$(git rev-parse --short HEAD 2>/dev/null || echo 'a work tree')" $(BUILD)/html \
	  && echo "Published _build/html to the $$branch branch of $$REMOTE."

# Every link of the built book (tools/linkcheck.py): each internal link and anchor must resolve;
# the external addresses are listed in _build/links-external.txt and fetched only with EXTERNAL=1
# (where the network allows: the pages workflow does).
export EXTERNAL
linkcheck: book
	@$(BIN)/python tools/linkcheck.py $(BUILD)/html $${EXTERNAL:+--external}

# The reading sweep (tests/test_reading.py) with every page saved whole, in every view, for a person
# to read: _build/screens/<view>/<page>.png. `make test` saves each page's first screen only.
screens: book browser-deps
	SCREENS=full $(BIN)/python -m pytest -q tests/test_reading.py -k "axe or screens"

# The students' kit on Python 3.10 to 3.13 (pyenv), each with the lowest versions its ranges allow
# and with the book's pins: every notebook must run (tools/student_matrix.py).
student-matrix: $(READY)
	$(BIN)/python tools/student_matrix.py

serve:
	@test -f $(BUILD)/html/index.html || { echo "Run 'make book' first."; exit 1; }
	@$(BIN)/python -m edition.serve "$$PORT" $(BUILD)/html

# The set-up installs these pins with --no-deps, so they must agree (pip check) and include what
# plain `pip freeze` hides (wheel); setuptools is fetched to build the edition package, and uv, the
# installer, is pinned above (UV).
lock: $(READY)
	$(BIN)/pip install --quiet -r requirements.in
	{ echo "# Exact pins of everything the book installs, made by \`make lock\` from requirements.in. Do not edit by hand."; \
	  $(BIN)/pip freeze --all --exclude pip --exclude setuptools --exclude uv --exclude-editable; } > requirements.txt
	$(BIN)/pip check

clean:
	rm -rf $(BUILD)
