"""Grade a folder of hand-ins: run each against the public and hidden checks, offline.

    python -m edition.grade SUBMISSIONS [--out FOLDER]      (make grade SUBMISSIONS=folder)

Every `*.ipynb` in SUBMISSIONS (a student's hand-in: edition/checks/handin.py) is run top to
bottom in a fresh kernel, in a scratch folder that holds the data, the loader and every check
(public and hidden), never the repository. Each "Check your answer" cell records its results as
it runs; exercises whose check cell is gone are checked at the end. Written to FOLDER (by
default SUBMISSIONS itself):

    grades.csv          one row per student, one column per exercise (the share of its checks
                        passed, 0 to 1), a total, and notes (a broken hand-in says why)
    feedback/NAME.txt   per student: what each check said, and the cells that raised errors

A broken hand-in (not a notebook, a cell that never ends, a kernel that dies) is recorded and
the next one graded: this never stops on a student's file.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent   # the repository, or the teacher's zip's folder
NOTEBOOKS = ["chronology", "membership", "publications", "repression"]
# What a notebook needs beside it: the data side of the edition package and the checks.
MODULES = ["__init__.py", "paths.py", "data/__init__.py", "data/validate.py", "readlog.py", "charts.py", "essay.py",
           "maps.py", "coastline-110m.json", "checks/__init__.py", "checks/public.py", "checks/handin.py"]
HIDDEN = ["checks/hidden.py"]
CELL_TIMEOUT = 120  # seconds; a cell that runs longer is interrupted and recorded


def lay_out(folder: Path, hidden: bool = False, root: Path = KIT) -> Path:
    """Copy what the notebooks need (data/, the edition modules, the essay's chapters) into folder."""
    from edition.essay import ESSAY
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(root / "data", folder / "data", ignore=shutil.ignore_patterns(".*", "__pycache__"),
                    dirs_exist_ok=True)
    for module in MODULES + (HIDDEN if hidden else []):
        (folder / "edition" / module).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / "edition" / module, folder / "edition" / module)
    (folder / "chapters").mkdir(exist_ok=True)
    for chapter in ESSAY:
        shutil.copyfile(root / "chapters" / f"{chapter}.md", folder / "chapters" / f"{chapter}.md")
    return folder


@dataclass
class Graded:
    file: str
    student: str
    notebook: str | None
    scores: dict[str, float] = field(default_factory=dict)
    feedback: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def exercises(notebook: str) -> list[str]:
    from edition.checks import EXERCISES, load_checks
    load_checks(True)
    return [label for label, (nb, _) in EXERCISES.items() if nb == notebook]


def identify(path: Path, nb: dict | None) -> tuple[str | None, str]:
    """(notebook, student) from the hand-in's metadata, or else from its file name."""
    meta = (nb or {}).get("metadata", {}).get("edition", {}) if isinstance(nb, dict) else {}
    notebook, student = meta.get("notebook"), meta.get("student")
    if notebook not in NOTEBOOKS:
        notebook = next((n for n in NOTEBOOKS if path.stem.startswith(n)), None)
    if not student:
        student = path.stem[len(notebook):].strip("-_ ") if notebook else path.stem
        student = student.replace("-", " ").replace("_", " ").title() or path.stem
    return notebook, student


def run(nb, work: Path, log: Path):
    """Execute the notebook in work/ with the grading log switched on; returns (nb, problem or None)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    saved = {k: os.environ.get(k) for k in ("EDITION_GRADE_LOG", "PYTHONPATH")}
    os.environ["EDITION_GRADE_LOG"] = str(log)
    os.environ.pop("PYTHONPATH", None)  # the kernel sees the scratch folder, not the repository
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, resources={"metadata": {"path": str(work)}})
    try:
        client.execute()
        return nb, None
    except CellTimeoutError:
        return nb, f"a cell ran longer than {CELL_TIMEOUT} s and was stopped"
    except DeadKernelError:
        return nb, "the notebook's kernel died (a cell ended Python or used all the memory)"
    except Exception as error:  # whatever else a student's file does, the class's grading goes on
        return nb, f"the notebook could not be run ({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''})"
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def grade(path: Path, work: Path) -> Graded:
    import nbformat
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as error:
        notebook, student = identify(path, None)
        g = Graded(path.name, student, notebook)
        g.notes.append(f"broken: could not be read as a notebook ({type(error).__name__})")
        g.scores = {label: 0.0 for label in exercises(notebook)} if notebook else {}
        return g
    notebook, student = identify(path, nb)
    g = Graded(path.name, student, notebook)
    if notebook is None:
        g.notes.append(f"broken: not one of the book's notebooks ({', '.join(NOTEBOOKS)}); name it like {NOTEBOOKS[0]}-ana-lima.ipynb")
        return g
    labels = exercises(notebook)
    nb.cells = [c for c in nb.cells if c.cell_type != "raw"]
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
            c.source = "\n".join(l for l in c.source.splitlines() if "hand_in(" not in l)  # no hand-in while grading
    nb.cells.append(nbformat.v4.new_code_cell(
        f"from edition.checks import grade_remaining\ngrade_remaining({notebook!r})"))
    log = work / "grade-log.jsonl"
    log.write_text("", encoding="utf-8")
    nb, problem = run(nb, work, log)
    if problem:
        g.notes.append(f"broken: {problem}")
    for i, cell in enumerate(nb.cells[:-1], start=1):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                g.feedback.append(f"Cell {i} (beginning '{cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ''}') "
                                  f"raised {out.get('ename')}: {out.get('evalue')}")
    records = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            records[record["exercise"]] = record["results"]  # the last run of a check counts
    for label in labels:
        results = records.get(label, [])
        g.scores[label] = round(sum(r["passed"] for r in results) / len(results), 2) if results else 0.0
        if not results:
            g.feedback.append(f"{label}: not checked (the notebook stopped before it)")
        for r in results:
            g.feedback.append(f"{label}{' (hidden check)' if r['hidden'] else ''}: "
                              f"{'right' if r['passed'] else 'not yet'}: {r['message']}")
    return g


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("submissions", type=Path, help="the folder of hand-ins (*.ipynb)")
    parser.add_argument("--out", type=Path, help="where grades.csv and feedback/ go (default: the same folder)")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        print(f"{args.submissions} is not a folder: put the students' .ipynb files in one folder and name it.")
        return 1
    files = sorted(args.submissions.glob("*.ipynb"))
    if not files:
        print(f"No hand-ins (*.ipynb) in {args.submissions}.")
        return 1
    graded = []
    with tempfile.TemporaryDirectory() as tmp:
        work = lay_out(Path(tmp) / "work", hidden=True)
        for path in files:
            print(f"Grading {path.name} ...", flush=True)
            graded.append(grade(path, work))
    target = report(graded, args.out or args.submissions)
    print(f"Graded {len(files)} hand-ins: {target} and {target.parent / 'feedback'}/")
    return 0


def report(graded: list[Graded], out: Path) -> Path:
    """grades.csv (one row per student) and feedback/<student>.txt."""
    from edition.checks.handin import slug
    columns = [label for nb in NOTEBOOKS for label in exercises(nb)
               if any(label in g.scores for g in graded)]
    students: dict[str, list[Graded]] = {}
    for g in graded:
        students.setdefault(g.student, []).append(g)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    target = out / "grades.csv"
    with open(target, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "files"] + columns + ["total", "notes"])
        for student, found in sorted(students.items()):
            scores = {k: v for g in found for k, v in g.scores.items()}
            notes = "; ".join(f"{g.file}: {n}" for g in found for n in g.notes)
            writer.writerow([student, " ".join(g.file for g in found)] +
                            [scores.get(c, "") for c in columns] +
                            [round(sum(scores.values()), 2), notes])
            lines = [f"Feedback for {student}", ""]
            for g in found:
                lines += [f"{g.file} ({g.notebook or 'unknown notebook'}): "
                          f"{round(sum(g.scores.values()), 2)} of {len(g.scores)}"]
                lines += [f"- {n}" for n in g.notes] + [f"- {line}" for line in g.feedback] + [""]
            (out / "feedback" / f"{slug(student) or 'unnamed'}.txt").write_text("\n".join(lines), encoding="utf-8")
    return target


if __name__ == "__main__":
    sys.exit(main())
