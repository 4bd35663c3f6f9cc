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
NOTE = r"note-\d+"
LABEL = re.compile(rf"^{PARAGRAPH}$")
NOTE_LABEL = re.compile(r"^note-(\d+)$")
# in a chapter's MyST: a label line "(wg-4)=" (before a quotation: "> (wg-4)=") and a note "[^3]: ..."
LABEL_LINE = re.compile(rf"^[>\s]*\(({PARAGRAPH})\)=\s*$", re.MULTILINE)
NOTE_DEFINITION = re.compile(r"^\[\^(\d+)\]:\s*(.*)$", re.MULTILINE)
