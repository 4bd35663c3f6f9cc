"""The essay's labelled paragraphs, read from the chapter files, as a table.

    from edition.essay import paragraphs
    paras = paragraphs()          # label, chapter, section, quotation (bool), text

Used by the notebooks to tie quotations to publications, and by the tests that tie every dated
paragraph to the data. `texts()` gives the same words, notes included, without pandas: the
validator checks with it that every essay attestation quotes its paragraph word for word.
"""
from __future__ import annotations

import hashlib
import json
import re
from itertools import takewhile
from pathlib import Path
from typing import TYPE_CHECKING

from edition import readlog
from edition.paths import CHAPTERS, LABEL_LINE, NOTE_DEFINITION

if TYPE_CHECKING:  # pandas is imported where it is used (the validator runs without it)
    import pandas as pd

ESSAY = ["counter-revolution", "workers-truth", "workers-group", "irreconcilables", "closing"]
ROLE = re.compile(r"\{term\}`([^`<]*?)(?:\s*<[^>]*>)?`")  # glossary links: keep the author's words


def plain(line: str) -> str:
    line = line[2:] if line.startswith("> ") else line
    line = ROLE.sub(r"\1", line)
    return re.sub(r"\[\^\d\]", "", line)


def paragraphs(chapters: Path = CHAPTERS) -> pd.DataFrame:
    """One row per labelled paragraph of the essay, in reading order (a pandas DataFrame)."""
    import pandas as pd  # here, so that the validator can use texts() without loading pandas

    if chapters != CHAPTERS:
        return pd.DataFrame(_rows(chapters))
    # A notebook that reads the essay depends on its labelled paragraphs, not on every line of the
    # chapter files: an editor's note edited there runs no notebook again (edition/readlog.py).
    with readlog.paused():
        rows = _rows(chapters)
    readlog.note("python:edition.essay:paragraphs_digest", _digest(rows))
    return pd.DataFrame(rows)


def paragraphs_digest(chapters: Path | None = None) -> str:
    """A hash of the essay's labelled paragraphs as paragraphs() reads them now (in the book's
    chapters unless told: CHAPTERS is read at the call, as readlog's check reads it)."""
    return _digest(_rows(chapters or CHAPTERS))


def _digest(rows: list[dict]) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


def _rows(chapters: Path) -> list[dict]:
    rows = []
    for chapter in ESSAY:
        lines = (chapters / f"{chapter}.md").read_text(encoding="utf-8").split("\n")
        section = next((line[2:].strip() for line in lines if line.startswith("# ")), chapter)  # the page's title
        for i, line in enumerate(lines):
            m = LABEL_LINE.match(line)
            if m:
                text = lines[i + 1]
                rows.append(dict(label=m.group(1), chapter=chapter, section=section,
                                 quotation=text.startswith("> "), text=plain(text)))
    return rows


def texts(chapters: Path = CHAPTERS) -> dict[str, str]:
    """label -> the words of a labelled paragraph (a quotation with its attribution line) or of a
    note (note-1 ...: its indented continuation too), as plain text."""
    found = {}
    for chapter in ESSAY:
        lines = (chapters / f"{chapter}.md").read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            label, note = LABEL_LINE.match(line), NOTE_DEFINITION.match(line)
            if label:
                words, rest = [lines[i + 1]], lines[i + 2:]
                if lines[i + 1].startswith("> "):  # the quotation continues: its attribution
                    words += [ln for ln in takewhile(lambda ln: ln.startswith(">"), rest) if "{." not in ln]
                found[label.group(1)] = " ".join(plain(w.strip()) for w in words if w.strip(" >"))
            elif note:
                more = takewhile(lambda ln: not ln.strip() or ln.startswith("    "), lines[i + 1:])
                words = [note.group(2)] + [ln.strip().lstrip("> ") for ln in more]
                found[f"note-{note.group(1)}"] = " ".join(plain(w) for w in words if w)
    return found

