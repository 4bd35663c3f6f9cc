"""The essay's chapter files, read once: the one parser of labels, paragraphs, quotations, notes
and section titles, for the notebooks, the validator and the plug-ins alike.

    from edition.essay import paragraphs
    paras = paragraphs()          # label, chapter, section, quotation (bool), text

`read(chapters)` gives each essay chapter as a `Chapter` (title, paragraphs, notes); the plug-ins
pass their configured folder (edition/sphinx/book/folders.py, chapters_dir). `paragraphs()` is the table the
notebooks read to tie quotations to publications; `texts()` gives the same words, notes included,
without pandas: the validator checks with it that every essay attestation quotes its paragraph word
for word. A chapter caught mid-save (an editor's save truncates first, then writes) reads as what is
there, never as an exception; only a missing file raises (OSError).

(The tests read the chapter files their own way: an oracle that shared this code could not catch it.)
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import takewhile
from pathlib import Path
from typing import TYPE_CHECKING

from edition import readlog
from edition.paths import CHAPTERS, PARAGRAPH

if TYPE_CHECKING:  # pandas is imported where it is used (the validator runs without it)
    import pandas as pd

ESSAY = ["counter-revolution", "workers-truth", "workers-group", "irreconcilables", "closing"]
ROLE = re.compile(r"\{term\}`([^`<]*?)(?:\s*<[^>]*>)?`")  # glossary links: keep the author's words
# a label line "(wg-4)=" (before a quotation: "> (wg-4)=") and an author's note "[^3]: ..."
LABEL_LINE = re.compile(rf"^[>\s]*\(({PARAGRAPH})\)=\s*$")
NOTE_DEFINITION = re.compile(r"^\[\^(\d+)\]:\s*(.*)$")


@dataclass(frozen=True)
class Paragraph:
    label: str      # wg-4
    quotation: bool
    text: str       # its first line, plain (a quotation without its attribution)
    words: str      # all its words, plain (a quotation with its attribution line)


@dataclass(frozen=True)
class Note:
    number: str     # "3", cited as note-3
    text: str       # its first line, plain
    words: str      # with its indented continuation


@dataclass(frozen=True)
class Chapter:
    name: str       # the file's stem: workers-group
    title: str      # the page's "# " heading (the file's stem if it has none yet)
    paragraphs: tuple[Paragraph, ...]
    notes: tuple[Note, ...]


def plain(line: str) -> str:
    line = line[2:] if line.startswith("> ") else line
    line = ROLE.sub(r"\1", line)
    return re.sub(r"\[\^\d\]", "", line)


@lru_cache(maxsize=32)
def parse(name: str, source: str) -> Chapter:
    """One chapter file's text, parsed. Never raises: a half-written file gives what it holds."""
    lines = source.split("\n")
    title = next((line[2:].strip() for line in lines if line.startswith("# ")), name)
    paragraphs, notes = [], []
    for i, line in enumerate(lines):
        label, note = LABEL_LINE.match(line), NOTE_DEFINITION.match(line)
        if label:
            first = lines[i + 1] if i + 1 < len(lines) else ""  # a label at the end of a half-written file
            words = [first]
            if first.startswith("> "):  # the quotation continues: its attribution
                words += [ln for ln in takewhile(lambda ln: ln.startswith(">"), lines[i + 2:]) if "{." not in ln]
            paragraphs.append(Paragraph(label.group(1), first.startswith("> "), plain(first),
                                        " ".join(plain(w.strip()) for w in words if w.strip(" >"))))
        elif note:
            more = takewhile(lambda ln: not ln.strip() or ln.startswith("    "), lines[i + 1:])
            words = [note.group(2)] + [ln.strip().lstrip("> ") for ln in more]
            notes.append(Note(note.group(1), plain(note.group(2)), " ".join(plain(w) for w in words if w)))
    return Chapter(name, title, tuple(paragraphs), tuple(notes))


def read(chapters: Path = CHAPTERS, missing_ok: bool = False) -> list[Chapter]:
    """The essay's chapters in reading order. A missing or unreadable file raises OSError, or with
    `missing_ok` is left out (the validator then reports the labels that are not found)."""
    found = []
    for name in ESSAY:
        try:  # bytes decoded with replacement: a save cut inside a character is not an error
            source = (chapters / f"{name}.md").read_bytes().decode("utf-8", errors="replace")
        except OSError:
            if missing_ok:
                continue
            raise
        found.append(parse(name, source))
    return found


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
    return [dict(label=p.label, chapter=c.name, section=c.title, quotation=p.quotation, text=p.text)
            for c in read(chapters) for p in c.paragraphs]


def texts(chapters: Path = CHAPTERS) -> dict[str, str]:
    """label -> the words of a labelled paragraph (a quotation with its attribution line) or of a
    note (note-1 ...: its indented continuation too), as plain text."""
    chapters_read = read(chapters)
    return ({p.label: p.words for c in chapters_read for p in c.paragraphs}
            | {f"note-{n.number}": n.words for c in chapters_read for n in c.notes})


def note_pages(chapters: Path = CHAPTERS) -> dict[str, str]:
    """note-N -> the essay chapter (file stem) that holds the author's note N."""
    return {f"note-{n.number}": c.name for c in read(chapters) for n in c.notes}

