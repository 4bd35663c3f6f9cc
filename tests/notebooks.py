"""The book's notebooks (MyST text notebooks in chapters/), and a scratch copy of the book to
rebuild in tests that change files."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from edition.sphinx.book.freshness import STATE, is_notebook
from fidelity import ROOT

sys.path.insert(0, str(ROOT / "tools"))  # the scratch-copy helpers, shared with tools/bench.py
from scratch import append_to_cell, copy_tree  # noqa: F401  (append_to_cell: re-exported for the tests)

NOTEBOOK_CACHE = Path("_build/.stage/.jupyter_cache")
STILLS_CACHE = Path("_build/.stage/.chart_still")  # edition/sphinx/web/stills.py: keyed by content, not path
PRINT_CACHE = Path("_build/.stage/.chart_png")  # edition/sphinx/book/plotly_outputs.py: keyed by content too


def notebooks() -> list[Path]:
    return sorted(p for p in (ROOT / "chapters").glob("*.md") if is_notebook(p.read_text(encoding="utf-8")))


def copy_book(target: Path, warm: bool = True) -> Path:
    """A scratch copy of the book (tools/scratch.py). Warm (the default), it starts with the main
    build's notebook cache, so its first build executes only the notebooks whose inputs differ from
    the main build's (none, after `make book`); cold, it has no notebook cache and executes them all
    (tests/test_student_edition.py keeps one cold build). Either way it starts with the main build's
    chart stills and print charts, so a build opens in Chromium only the pages whose charts differ,
    and a print build draws only the charts that differ (the main build, cold in a fresh clone, drew
    them all: tests/test_stills.py reads it; make test's `make pdf` drew the print charts)."""
    copy_tree(target)
    if warm:
        seed_notebook_cache(target)
    for cache in (STILLS_CACHE, PRINT_CACHE):
        if (ROOT / cache).is_dir():
            shutil.copytree(ROOT / cache, target / cache)
    return target


def seed_notebook_cache(book: Path) -> None:
    """The main build's jupyter-cache in the copy, with each notebook's record of what it read
    (edition/sphinx/book/freshness.py, keyed by the notebook's path) moved to the copy's paths; with no
    main build, nothing (the copy builds cold)."""
    source = ROOT / NOTEBOOK_CACHE
    if not (source / STATE).is_file():
        return
    shutil.copytree(source, book / NOTEBOOK_CACHE, ignore=shutil.ignore_patterns("reads", "*.tmp"))
    state = json.loads((source / STATE).read_text(encoding="utf-8"))
    moved = {str(book / Path(path).relative_to(ROOT)): record for path, record in state.items()
             if Path(path).is_relative_to(ROOT)}
    (book / NOTEBOOK_CACHE / STATE).write_text(json.dumps(moved, indent=1, sort_keys=True), encoding="utf-8")


def built_copy(tmp_path_factory, name: str) -> Path:
    """A warm scratch copy of the book, built once."""
    book = copy_book(tmp_path_factory.mktemp(name) / "book")
    build(book)
    return book


def build(book: Path, *args: str, check: bool = True, env: dict | None = None) -> list[str]:
    """Build the HTML book in `book` through its front door (`python -m edition.build`, as `make
    book` does), its own edition package and data first on the path; return the notebooks executed.
    `env`: settings as make passes them (e.g. {"EDITION_SOLUTIONS": "omit"} for SOLUTIONS=omit)."""
    run = front_door(book, "html", *args, env=env)
    if check:
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    executed = re.search(r"notebooks executed: (.*)\.$", run.stdout, re.M)
    return [] if executed is None or executed.group(1) == "none" else executed.group(1).split(", ")


def jupyter_book(book: Path, *options: str) -> None:
    """jupyter-book itself on `book` (e.g. "--builder", "custom", "--custom-builder", "typst": the PDF alone)."""
    env = {**os.environ, "PYTHONPATH": str(book)}
    jb = Path(sys.executable).parent / "jupyter-book"
    run = subprocess.run([str(jb), "build", ".", "-n", "-W", "--keep-going", *options], cwd=book, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


def front_door(book: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env or {}), "PYTHONPATH": str(book)}
    return subprocess.run([sys.executable, "-m", "edition.build", *args], cwd=book, env=env,
                          capture_output=True, text=True)


def as_from_a_terminal() -> None:
    """In a process the tests start and then press Ctrl-C on (Popen's preexec_fn): SIGINT at its
    default, as a terminal starts a command. A shell starts background jobs with SIGINT ignored and
    children inherit that, so in a CI script run with `&` the builds never saw the key and ran on."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
