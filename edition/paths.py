"""Where the book's parts live, and the patterns of its labels: written once, read everywhere.

This module imports nothing of the edition's: every other module may import it (tests/test_layout.py
checks the layers).
"""
from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # edition/
ROOT = PACKAGE.parent                      # the book: _config.yml, chapters/, data/
CHAPTERS = ROOT / "chapters"
DATA_DIR = ROOT / "data"
BUILD = ROOT / "_build"

# Paragraph labels of the essay: cr-1, wt-3, wg-14, lo-2, end-5 (see chapters/editing.md), and the
# author's numbered notes, cited as note-1 ... note-5.
PARAGRAPH = r"(?:cr|wt|wg|lo|end)-\d+"
LABEL = re.compile(rf"^{PARAGRAPH}$")
NOTE_LABEL = re.compile(r"^note-(\d+)$")
# (the label lines and note definitions of a chapter file: edition/essay.py, the one parser of them)



class NotAFile(OSError):
    """A file the book would copy is a link, a folder, a pipe or a device: str() is one line."""


def copy_regular(source: Path, target: Path) -> None:
    """Copy one ordinary file to `target` (its folder made if needed), never following a link: a
    link, a folder, a pipe or a device at `source` raises NotAFile, and nothing is written. Every
    copy the book makes (the zips, scratch folders) goes through this, from a list of files."""
    import os
    import stat

    try:  # O_NOFOLLOW: a link is refused, not followed; O_NONBLOCK: a pipe does not hang the open
        fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as err:
        what = "is a link" if os.path.islink(source) else f"cannot be read ({err.strerror})"
        raise NotAFile(f"{source}: {what}: the book copies ordinary files only (put the file itself there)") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotAFile(f"{source}: is not an ordinary file (a folder, a pipe or a device): the book copies "
                           "ordinary files only (put the file itself there)")
        with os.fdopen(os.dup(fd), "rb") as f:
            content = f.read()
    finally:
        os.close(fd)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
