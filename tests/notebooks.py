"""The book's notebooks (MyST text notebooks in chapters/), and a scratch copy of the book to
rebuild in tests that change files."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from edition.freshness import is_notebook
from fidelity import ROOT

JB = Path(sys.executable).parent / "jupyter-book"


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


def build(book: Path, *options: str) -> list[str]:
    """Build the HTML book in `book` (its own edition package and data first on the path);
    return the notebooks that were executed. `options` go to jupyter-book ("--builder", "latex")."""
    env = {**os.environ, "PYTHONPATH": str(book)}
    run = subprocess.run([str(JB), "build", ".", "-n", "-W", "--keep-going", *options], cwd=book, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return sorted(re.findall(r"chapters/([\w-]+)\.md: Executed notebook", run.stdout + run.stderr))
