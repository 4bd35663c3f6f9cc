"""How long the grader takes for a class (run by `make bench-grade`): figures, not a test.

Makes a class folder of 30 hand-ins (the worked solutions, empty and half-done notebooks of the
four notebooks, one notebook that hangs ignoring Ctrl-C, one malformed file), grades it with
`make grade` as a teacher would, and prints the wall time, the time per hand-in and whether every
honest hand-in got the points it gets alone. The machine is shared and noisy: it runs --repeat
times (each in a new folder, so nothing is cached) and prints the median.
"""
from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edition.checks.exercises import EXERCISES  # noqa: E402
from edition.classroom.student_notebook import solutions, student_notebook  # noqa: E402

NOTEBOOKS = ["chronology", "membership", "publications", "repression"]
HANG = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(10**6)"


def class_folder(folder: Path) -> dict[str, int]:
    """30 hand-ins; returns the points each honest student must get."""
    expected = {}
    for i in range(28):
        notebook = NOTEBOOKS[i % 4]
        path = ROOT / "chapters" / f"{notebook}.md"
        nb, answers = student_notebook(path), solutions(path)
        right = i % 3 != 2  # two in three hand in the worked solutions, the rest nothing
        for cell in nb.cells:
            label = cell.metadata.get("edition", {}).get("answer")
            if right and label in answers and cell.cell_type == "code":
                cell.source = answers[label]
        student = f"Student {i:02d}"
        # each hand-in its own cells, as a real class's are: the grader runs two identical hand-ins once
        first = next(c for c in nb.cells if c.cell_type == "code")
        first.source += f"\n# {student}"
        nb.metadata["edition"] = {"notebook": notebook, "student": student}
        nbformat.write(nb, str(folder / f"{notebook}-student-{i:02d}.ipynb"))
        expected[student] = sum(e.points for e in EXERCISES.values() if e.checked and e.notebook == notebook) if right else 0
    hung = student_notebook(ROOT / "chapters" / "chronology.md")
    hung.cells.insert(3, nbformat.v4.new_code_cell(HANG))
    hung.metadata["edition"] = {"notebook": "chronology", "student": "Hangs Forever"}
    nbformat.write(hung, str(folder / "chronology-hangs-forever.ipynb"))
    (folder / "chronology-malformed.ipynb").write_text('{"cells": [{"cell_type": "code", "sour', encoding="utf-8")
    return expected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=180, help="the grader's time limit for one notebook")
    parser.add_argument("--keep", type=Path, help="copy the last graded folder here (grades.csv, marking.html, ...)")
    args = parser.parse_args()
    times, right = [], True
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "hand-ins"
            folder.mkdir()
            expected = class_folder(folder)
            start = time.perf_counter()
            done = subprocess.run(["make", "-s", "grade", f"SUBMISSIONS={folder}", f"LIMIT={args.seconds}"],
                                  cwd=ROOT, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                print(done.stdout[-2000:], done.stderr[-2000:])
                return 1
            with open(folder / "grades.csv", encoding="utf-8") as f:
                rows = {r["student"]: r for r in csv.DictReader(f)}
            total = next(k for k in next(iter(rows.values())) if k.startswith("total"))
            wrong = {s: rows[s][total] for s, points in expected.items() if rows[s][total] != str(points)}
            right = right and not wrong
            if wrong:
                print("honest grades that differ:", wrong)
            if args.keep:
                shutil.rmtree(args.keep, ignore_errors=True)
                shutil.copytree(folder, args.keep)
    median = statistics.median(times)
    print(f"30 hand-ins (1 hangs, 1 malformed), notebook limit {args.seconds} s, {args.repeat} run(s):")
    print(f"  grading wall time: median {median:.0f} s (min {min(times):.0f}, max {max(times):.0f}); "
          f"{median / 30:.1f} s a hand-in; every honest grade right: {'yes' if right else 'NO'}")
    return 0 if right else 1


if __name__ == "__main__":
    sys.exit(main())
