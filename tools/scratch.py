"""Scratch copies of the repository, and the edits made in them: shared by tools/bench.py and the
tests that build a copy of the book (tests/notebooks.py). Standard library only."""
from __future__ import annotations

import csv
import os
import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def copy_tree(target: Path) -> Path:
    """The work tree's ordinary files (tracked and new, not ignored) copied to target; links are left out."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\n")
    for f in filter(None, files):
        try:  # ordinary files only: a link is never followed (nor copied)
            regular = stat.S_ISREG(os.lstat(ROOT / f).st_mode)
        except OSError:
            continue  # deleted since git listed it
        if regular:
            (target / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, target / f, follow_symlinks=False)
    return target


def append_to_cell(path: Path, column: str, words: str, pick=lambda row: True) -> None:
    """A real, valid data edit: `words` added to `column` of the first row `pick` chooses, and the
    CSV written back as the repository writes it."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    next(row for row in rows if pick(row))[column] += words
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=rows[0].keys(), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
