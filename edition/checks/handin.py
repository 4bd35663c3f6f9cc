"""Hand in: one file for the teacher, the student's notebook with their answers, named by them.

    hand_in("chronology", "Ana Lima")   ->  chronology-ana-lima.ipynb, beside the notebook

It copies the notebook as Jupyter last saved it (a kernel cannot see unsaved edits), so it first
makes sure that the cells run last are in the saved file, and otherwise asks for a save.
Outputs are left out (the teacher's grader runs the notebook again); nothing leaves the machine.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

RECENT = 10  # how many of the last cells run must be in the saved notebook


def slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _unsaved(saved: list[str], history: list[str], here: str) -> str | None:
    """The first line of a recently run cell that is not in the saved notebook, if any."""
    cells = {s.strip() for s in saved}
    for source in [h for h in history if h.strip() and h.strip() != here.strip()][-RECENT:]:
        if source.strip() not in cells and "hand_in(" not in source and not source.lstrip().startswith(("%", "!")):
            return source.strip().splitlines()[0]
    return None


def hand_in(notebook: str, student: str = "", folder: str | Path = ".") -> Path | None:
    """Write `<notebook>-<student>.ipynb` (the saved notebook, no outputs) and say where it is."""
    namespace = sys._getframe(1).f_globals
    if not student.strip() or not slug(student):
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
    saved = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"]]
    history = list(namespace.get("In", []))
    here = history[-1] if history else ""
    missing = _unsaved(saved, history, here)
    if missing is not None:
        print("Save the notebook first (File > Save, or Ctrl+S / Cmd+S), then run this cell again. "
              f"The saved file does not have the cell you ran that begins: {missing}")
        return None
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb.setdefault("metadata", {})["edition"] = {"notebook": notebook, "student": student.strip()}
    target = folder / f"{notebook}-{slug(student)}.ipynb"
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Handed in: {target.resolve()}\nGive this one file to your teacher (a USB stick, the school's "
          "shared folder or its learning platform). You can go on working; run this cell again to replace it.")
    return target
