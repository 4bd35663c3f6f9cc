"""Hand in: one file for the teacher, the student's notebook with their answers, named by them.

    hand_in("chronology", "Ana Lima")   ->  chronology-ana-lima.ipynb, beside the notebook

It copies the notebook as Jupyter last saved it (a kernel cannot see unsaved edits), so it first
makes sure that the cells run since the last save are in the saved file, and otherwise asks for a
save. To know them, importing edition.checks (the notebook's first "Check your answer" cell does)
registers an IPython `pre_run_cell` hook that records each cell's run: when, its cell id and its
source. A cell counts by its latest run only, and only if that run came after the file was last
saved: a cell run, edited and run again, then saved, is handed in. Without IPython (plain
Python) or before the hook saw a run, the cell run just before the hand-in must be in the file.

Outputs are left out (the teacher's grader runs the notebook again); the notebook's metadata
says whose it is and when it was handed in (`edition`: notebook, student, handed_in in UTC), so
that the newest hand-in counts. Nothing leaves the machine.
"""
from __future__ import annotations

import inspect
import json
import re
import time
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

NAME_BYTES = 120      # the longest name part of a hand-in's file name, in UTF-8 bytes (file names allow 255)
STUDENT_CHARS = 200   # the longest name kept in the notebook's metadata
# Runs of cells since edition.checks was imported: (time, cell id or None, source).
RUNS: list[tuple[float, str | None, str]] = []


def _record(info) -> None:
    RUNS.append((time.time(), getattr(info, "cell_id", None), info.raw_cell or ""))


def listen() -> bool:
    """Record each cell's run from now on (in IPython; elsewhere nothing to record)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    hooks = shell.events.callbacks["pre_run_cell"]
    for hook in [h for h in hooks if getattr(h, "__qualname__", "") == _record.__qualname__
                 and getattr(h, "__module__", "") == __name__]:
        hooks.remove(hook)  # one recorder, even when this module is imported again
    shell.events.register("pre_run_cell", _record)
    return True


listen()


def clean_name(student: str) -> str:
    """The name as written (NFKC), without control or invisible (format) characters, spaces collapsed."""
    text = unicodedata.normalize("NFKC", str(student))
    text = "".join(" " if unicodedata.category(c) in ("Zl", "Zp", "Cc") and c.isspace() else c for c in text)
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    return " ".join(text.split())[:STUDENT_CHARS]


def slug(name: str) -> str:
    """A safe file-name part for a name in any script: letters, digits and their marks kept
    (casefolded), every other run of characters one "-", no path separator, dot or invisible
    character, at most NAME_BYTES bytes; empty only if the name has no letter or digit."""
    parts = []
    for c in unicodedata.normalize("NFKC", clean_name(name)).casefold():
        category = unicodedata.category(c)
        parts.append(c if category[0] in "LN" or category in ("Mn", "Mc") else "-")
    plain = re.sub(r"-+", "-", "".join(parts)).strip("-")
    while len(plain.encode("utf-8")) > NAME_BYTES:
        plain = plain[:-1]
    plain = plain.strip("-")
    return plain if any(unicodedata.category(c)[0] in "LN" for c in plain) else ""


def _ignored(source: str) -> bool:
    """The hand-in cell itself, shell commands and magics, and empty cells are not asked for."""
    text = source.strip()
    return not text or "hand_in(" in text or text.startswith(("%", "!"))


def _first_line(source: str) -> str:
    return source.strip().splitlines()[0]


def _unsaved(cells: list[dict], saved_at: float, runs: list[tuple[float, str | None, str]],
             history: list[str]) -> str | None:
    """The first line of a cell run since the file was saved that the saved file does not have.

    `cells`: the saved notebook's cells; `runs`: (time, cell id, source) of the runs the hook saw;
    `history`: IPython's `In`, used only when the hook saw no run."""
    sources = {str(c.get("id")): _source(c) for c in cells if c.get("id")}
    everything = {s.strip() for s in sources.values()} | {_source(c).strip() for c in cells}
    if not runs:  # no hook, or it was registered by this very cell: the cell run before it
        earlier = [h for h in history[:-1] if not _ignored(h)]
        return _first_line(earlier[-1]) if earlier and earlier[-1].strip() not in everything else None
    latest: dict[str, tuple[float, str | None, str]] = {}
    for run in runs:  # each cell's latest run (a cell without an id is known by its source)
        latest[run[1] if run[1] else f"source:{run[2]}"] = run
    for when, cell_id, source in sorted(latest.values(), key=lambda run: run[0]):
        if when <= saved_at or _ignored(source):
            continue
        if cell_id and cell_id in sources:
            if sources[cell_id].strip() != source.strip():
                return _first_line(source)
        elif source.strip() not in everything:
            return _first_line(source)
    return None


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def hand_in(notebook: str, student: str = "", folder: str | Path = ".") -> Path | None:
    """Write `<notebook>-<student>.ipynb` (the saved notebook, no outputs) and say where it is."""
    namespace = inspect.currentframe().f_back.f_globals  # the calling notebook's variables
    student = clean_name(student)
    if not slug(student):
        print(f"Write your name between the quotes, like this: hand_in(\"{notebook}\", \"Ana Lima\"), "
              "then run the cell again.")
        return None
    folder = Path(folder)
    source = folder / f"{notebook}.ipynb"
    session = namespace.get("__session__")  # JupyterLab tells the kernel its notebook's path
    if session and str(session).endswith(".ipynb"):  # a path from the server's root, or absolute
        found = [p for p in (Path(session), folder / Path(session).name) if p.is_file()]
        source = found[0] if found else source
    if not source.is_file():
        print(f"There is no {source.name} in this folder ({folder.resolve()}). Keep the notebook where you "
              "unzipped it and start Jupyter there.")
        return None
    nb = json.loads(source.read_text(encoding="utf-8"))
    missing = _unsaved(nb["cells"], source.stat().st_mtime, RUNS, list(namespace.get("In", [])))
    if missing is not None:
        print("Save the notebook first (File > Save, or Ctrl+S / Cmd+S), then run this cell again. "
              f"The saved file does not have the cell you ran that begins: {missing}")
        return None
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb.setdefault("metadata", {})["edition"] = {
        "notebook": notebook, "student": student,
        "handed_in": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")}
    target = folder / f"{notebook}-{slug(student)}.ipynb"
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Handed in: {target.resolve()}\nGive this one file to your teacher (a USB stick, the school's "
          "shared folder or its learning platform). You can go on working; run this cell again to replace it.")
    return target
