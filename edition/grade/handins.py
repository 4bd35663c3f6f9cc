"""Hand-ins as the grader reads them: untrusted files, each turned into a plain record or a reason.

A hand-in is read as JSON text and nothing else: only each cell's type and source text are kept
(no outputs, attachments or metadata beyond the name, notebook and time the hand-in cell wrote),
so a malformed file (missing keys, wrong types, not JSON, a zip, a `.py`) is a record with a
reason in plain words, never a stopped grader.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime, timezone
from pathlib import Path

from edition.checks.exercises import EXERCISES, NOTEBOOKS

MAX_FILE = 20 << 20          # a notebook with its outputs stripped is a few hundred KB
MAX_NAME = 200
OURS = {"grades.csv", "canvas.csv", "moodle.csv", "marks.csv", "marking.html", "roster.csv"}
OUR_FOLDERS = {"feedback", "marking", ".grading"}
CHECK_CELL = re.compile(r"""check\(\s*["']([\w-]+)["']\s*\)""")


@dataclass
class Cell:
    kind: str                # "code", "markdown" or "raw"
    source: str
    answer: str | None = None  # the exercise label of an answer cell (the hand-in cell's metadata)
    written: bool = False


@dataclass
class HandIn:
    path: Path
    relative: str
    digest: str = ""
    mtime: float = 0.0
    notebook: str | None = None
    claimed: str = ""           # the student's name in the notebook (written by the hand-in cell)
    from_file: str = ""         # the name the file name gives
    handed_in: datetime | None = None
    cells: list[Cell] = field(default_factory=list)
    problem: str | None = None  # why it cannot be run at all
    notes: list[str] = field(default_factory=list)
    # filled in by the grader
    student: str = ""
    key: str = ""
    counted: bool = True
    contested: bool = False     # its file name and its notebook name different students
    feedback_name: str = ""

    @property
    def when(self) -> datetime:
        """When it was handed in: the hand-in cell's time, else the file's."""
        return self.handed_in or datetime.fromtimestamp(self.mtime, timezone.utc)


def clean_name(text: str) -> str:
    """A name as text to show: printable characters only, single spaces, bounded."""
    kept = "".join(c for c in unicodedata.normalize("NFKC", text)
                   if unicodedata.category(c)[0] not in "C" and c not in "\u034f\u115f\u1160\u3164\uffa0\u2800")
    return " ".join(kept.split())[:MAX_NAME]


def key(name: str) -> str:
    """The form two spellings of one name share: 'Ana Lima', 'ana  lima', 'ana-lima', 'Aná Lima'."""
    folded = unicodedata.normalize("NFKD", clean_name(name).casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(w for w in re.split(r"[\W_]+", folded) if w)


def found(folder: Path) -> list[Path]:
    """Every file a student may have handed in, under `folder` (the grader's own outputs left out)."""
    files = []
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if any(p.startswith(".") for p in parts) or parts[0] in OUR_FOLDERS or (len(parts) == 1 and parts[0] in OURS):
            continue
        if path.is_symlink() or path.is_file():
            files.append(path)
    return files


def read(path: Path, folder: Path) -> HandIn:
    """One hand-in, or a record of why it cannot be graded."""
    h = HandIn(path, path.relative_to(folder).as_posix())
    h.notebook, h.from_file = _from_file_name(path)
    if path.is_symlink() or not path.is_file():
        h.problem = "a link or special file, not a notebook: hand in the .ipynb file itself"
        return h
    stat = path.stat()
    h.mtime = stat.st_mtime
    if stat.st_size > MAX_FILE:
        h.problem = f"larger than {MAX_FILE >> 20} MB: clear the outputs (Edit > Clear Outputs of All Cells) and hand in again"
        return h
    raw = path.read_bytes()
    h.digest = hashlib.sha256(raw).hexdigest()
    if raw[:2] == b"PK":
        h.problem = "a zip file, not a notebook: unzip it and hand in the .ipynb file inside"
        return h
    try:
        nb = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        kind = "a Python file" if path.suffix == ".py" else "not a notebook"
        h.problem = (f"{kind} (not a notebook's JSON text: {type(error).__name__}): hand in the "
                     ".ipynb file that the hand-in cell wrote")
        return h
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        h.problem = "not a Jupyter notebook (it has no list of cells): hand in the .ipynb file that the hand-in cell wrote"
        return h
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    edition = meta.get("edition") if isinstance(meta.get("edition"), dict) else {}
    if "edition" in meta and not isinstance(meta["edition"], dict):
        h.notes.append("its metadata.edition is not a record (edited by hand?): the file name was used")
    if isinstance(edition.get("notebook"), str) and edition["notebook"] in NOTEBOOKS:
        if h.notebook and h.notebook != edition["notebook"]:
            h.notes.append(f"named as {h.notebook} but holds {edition['notebook']}: graded as {edition['notebook']}")
        h.notebook = edition["notebook"]
    student = edition.get("student")
    if isinstance(student, str):
        h.claimed = clean_name(student)
    elif student is not None:
        h.notes.append("the student's name in the notebook is not text: the file name was used")
    if isinstance(edition.get("handed_in"), str):
        try:
            h.handed_in = datetime.fromisoformat(edition["handed_in"]).astimezone(timezone.utc)
        except ValueError:
            h.notes.append("its hand-in time is not a date: the file's time was used")
    skipped = 0
    for cell in nb["cells"]:
        made = cell_of(cell)
        if made is None:
            skipped += 1
        else:
            h.cells.append(made)
    if skipped:
        h.notes.append(f"{skipped} cell(s) had no readable type or source and were left out")
    if h.notebook is None:
        h.problem = (f"not one of the book's notebooks ({', '.join(NOTEBOOKS)}): hand it in with the hand-in "
                     f"cell, or name it like {NOTEBOOKS[0]}-ana-lima.ipynb")
    return h


def cell_of(cell) -> Cell | None:
    if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw") or "source" not in cell:
        return None
    source = cell["source"]
    if isinstance(source, list):
        if not all(isinstance(s, str) for s in source):
            return None
        source = "".join(source)
    if not isinstance(source, str):
        return None
    meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
    edition = meta.get("edition") if isinstance(meta.get("edition"), dict) else {}
    label = edition.get("answer") if isinstance(edition.get("answer"), str) and edition.get("answer") in EXERCISES else None
    return Cell(cell["cell_type"], source, label, bool(edition.get("written")) or (label is not None and cell["cell_type"] == "markdown"))


def _from_file_name(path: Path) -> tuple[str | None, str]:
    stem = path.name.split(".")[0]
    notebook = next((n for n in NOTEBOOKS if stem.casefold().startswith(n)), None)
    rest = stem[len(notebook):] if notebook else stem
    return notebook, clean_name(rest.replace("-", " ").replace("_", " ")).title()


def reference(notebook: str) -> HandIn:
    """The notebook as students receive it, unanswered: what the checks take as given."""
    from edition.grade.sandbox import KIT
    shipped = KIT / f"{notebook}.ipynb"   # the teacher's zip has it; the repository makes it
    if shipped.is_file():
        return read(shipped, KIT)
    from edition.classroom.student_notebook import student_notebook
    nb = json.loads(json.dumps(student_notebook(KIT / "chapters" / f"{notebook}.md")))
    h = HandIn(Path(f"{notebook}.ipynb"), f"{notebook}.ipynb", notebook=notebook)
    h.cells = [made for made in map(cell_of, nb["cells"]) if made is not None]
    return h


@lru_cache(maxsize=None)
def blank(notebook: str) -> frozenset[str]:
    """The answer cells' text before a student writes anything ('# Your answer here...')."""
    return frozenset(c.source.strip() for c in reference(notebook).cells if c.answer)


def answer_text(h: HandIn, label: str) -> tuple[str, str]:
    """(code, words) of the student's answer cells to one exercise, the unanswered cells left out."""
    mine = [c for c in h.cells if c.answer == label and c.source.strip() not in blank(h.notebook)]
    code = "\n".join(c.source for c in mine if c.kind == "code")
    words = "\n\n".join(c.source for c in mine if c.kind != "code")
    return code, words
