"""The book's notebooks (MyST text notebooks in chapters/), and a scratch copy of the book to
rebuild in tests that change files."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from edition.book.freshness import is_notebook
from fidelity import ROOT

def notebooks() -> list[Path]:
    return sorted(p for p in (ROOT / "chapters").glob("*.md") if is_notebook(p.read_text(encoding="utf-8")))


def copy_book(target: Path) -> Path:
    """The work tree's files (tracked and new, not ignored) copied to target."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\n")
    for f in filter(None, files):
        if (ROOT / f).is_file():
            (target / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, target / f)
    return target


def build(book: Path, *args: str, check: bool = True) -> list[str]:
    """Build the HTML book in `book` through its front door (`python -m edition.build`, as `make
    book` does), its own edition package and data first on the path; return the notebooks executed."""
    run = front_door(book, "html", *args)
    if check:
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    executed = re.search(r"notebooks executed: (.*)\.$", run.stdout, re.M)
    return [] if executed is None or executed.group(1) == "none" else executed.group(1).split(", ")


def jupyter_book(book: Path, *options: str) -> None:
    """jupyter-book itself on `book` (e.g. "--builder", "latex" to write the .tex without TeX)."""
    env = {**os.environ, "PYTHONPATH": str(book)}
    jb = Path(sys.executable).parent / "jupyter-book"
    run = subprocess.run([str(jb), "build", ".", "-n", "-W", "--keep-going", *options], cwd=book, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


def front_door(book: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(book)}
    return subprocess.run([sys.executable, "-m", "edition.build", *args], cwd=book, env=env,
                          capture_output=True, text=True)
