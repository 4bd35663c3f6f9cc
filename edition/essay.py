"""The essay's labelled paragraphs, read from the chapter files, as a table.

    from edition.essay import paragraphs
    paras = paragraphs()          # label, chapter, section, quotation (bool), text

Used by the notebooks to tie quotations to publications, and by the tests that tie every dated
paragraph to the data.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from edition.paths import CHAPTERS, LABEL_LINE

ESSAY = ["counter-revolution", "workers-truth", "workers-group", "irreconcilables", "closing"]
ROLE = re.compile(r"\{term\}`([^`<]*?)(?:\s*<[^>]*>)?`")  # glossary links: keep the author's words


def plain(line: str) -> str:
    line = line[2:] if line.startswith("> ") else line
    line = ROLE.sub(r"\1", line)
    return re.sub(r"\[\^\d\]", "", line)


def paragraphs(chapters: Path = CHAPTERS) -> pd.DataFrame:
    """One row per labelled paragraph of the essay, in reading order."""
    rows = []
    for chapter in ESSAY:
        lines = (chapters / f"{chapter}.md").read_text(encoding="utf-8").split("\n")
        section = next(line[2:].strip() for line in lines if line.startswith("# "))  # the page's title
        for i, line in enumerate(lines):
            m = LABEL_LINE.match(line)
            if m:
                text = lines[i + 1]
                rows.append(dict(label=m.group(1), chapter=chapter, section=section,
                                 quotation=text.startswith("> "), text=plain(text)))
    return pd.DataFrame(rows)
