"""The book's notebooks (MyST text notebooks in chapters/), and a scratch copy of the book to
rebuild in tests that change files."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from edition.book.freshness import is_notebook
from fidelity import ROOT

sys.path.insert(0, str(ROOT / "tools"))  # the scratch-copy helpers, shared with tools/bench.py
from scratch import append_to_cell, copy_tree as copy_book  # noqa: E402  (re-exported for the tests)


def notebooks() -> list[Path]:
    return sorted(p for p in (ROOT / "chapters").glob("*.md") if is_notebook(p.read_text(encoding="utf-8")))


def built_copy(tmp_path_factory, name: str) -> Path:
    """A scratch copy of the book (tools/scratch.py), built once: its first build executes every notebook."""
    book = copy_book(tmp_path_factory.mktemp(name) / "book")
    assert build(book) == ["chronology", "membership", "publications", "repression"]
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
