"""What the grader writes: grades.csv, the gradebook exports, one feedback file per hand-in, marks.

Every file is written whole or not at all (a temporary file, then a rename), so a teacher never
opens half a grades.csv; every text cell that came from a hand-in or a roster is written so that a
spreadsheet shows it as text and never runs it as a formula.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from edition import derived

from edition.checks.exercises import EXERCISES, NOTEBOOKS, of
from edition.data.validate import spreadsheet_safe
from edition.grade.sheet import marking_sheet, number

def write_atomic(path: Path, text: str) -> Path:
    derived.write_atomic(path, text.encode("utf-8"))
    return path


def csv_text(rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([spreadsheet_safe("" if v is None else v) for v in row])
    return out.getvalue()


def read_marks(path: Path, graded: list) -> tuple[dict, list[str]]:
    """The hand marks saved from the marking sheet: (file, exercise) -> (points, comment), and one
    line per row that could not be used."""
    files = {g.hand_in.relative for g in graded}
    marks, problems = {}, []
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return {}, [f"{path}: could not be read ({type(error).__name__}); save it again from the marking sheet"]
    for number_, row in enumerate(rows, start=2):
        file, label, points = (row.get("file") or "").strip(), (row.get("exercise") or "").strip(), (row.get("points") or "").strip()
        where = f"{path.name}, line {number_}"
        if not points:
            continue
        if file not in files:
            problems.append(f"{where}, column file: '{file}' is not a hand-in in this folder; the mark was not used")
            continue
        if label not in EXERCISES or EXERCISES[label].checked:
            problems.append(f"{where}, column exercise: '{label}' is not an exercise marked by hand; the mark was not used")
            continue
        try:
            value = float(points)
        except ValueError:
            value = -1.0
        top = EXERCISES[label].points
        if not 0 <= value <= top:
            problems.append(f"{where}, column points: '{points}' is not a number from 0 to {top}; the mark was not used")
            continue
        marks[(file, label)] = (value, (row.get("comment") or "").strip())
    return marks, problems


def write(graded: list, out: Path, roster, flags: dict[str, list[str]], scores: tuple[dict, list[str]]) -> Path:
    marks, problems = scores
    for problem in problems:
        print(problem)
    for g in graded:  # the teacher's marks into the points
        for label in list(g.points):
            if (g.hand_in.relative, label) in marks:
                g.points[label] = marks[(g.hand_in.relative, label)][0]
    present = [nb for nb in NOTEBOOKS if any(g.hand_in.notebook == nb for g in graded)]
    columns = [e for nb in present for e in of(nb)]
    maximum = sum(e.points for e in columns)
    students: dict[str, list] = {}
    for g in sorted(graded, key=lambda g: g.hand_in.relative):
        students.setdefault(g.hand_in.key, []).append(g)
    for k in flags:
        students.setdefault(k, [])
    people = {}
    if roster:
        from edition.grade.handins import key
        people = {key(p.name): p for p in roster.people}
    header = ["student", "student id", "email", "files"] + [f"{e.name} (of {e.points})" for e in columns] + \
             [f"total (of {maximum})", "to mark", "notes"]
    rows, canvas, moodle = [header], [], []
    for k in sorted(students, key=lambda k: (students[k][0].hand_in.student if students[k] else people[k].name).casefold()):
        found = students[k]
        person = people.get(k)
        # the roster's name, else the form a student wrote with capitals ("Ana Lima", not "ana lima")
        name = person.name if person else max((g.hand_in.student for g in found), key=lambda n: n != n.casefold())
        counted = [g for g in found if g.hand_in.counted]
        points = {label: p for g in counted for label, p in g.points.items()}
        to_mark = [EXERCISES[label].name for label, p in points.items() if p is None]
        total = sum(p for p in points.values() if p is not None)
        notes = [f"{g.hand_in.relative}: {n}" for g in found for n in g.hand_in.notes + g.notes] + flags.get(k, [])
        rows.append([name, person.id if person else "", person.email if person else "",
                     " ".join(g.hand_in.relative for g in found)] +
                    [number(points.get(e.label)) if e.label in points else "" for e in columns] +
                    [number(total), str(len(to_mark)), "; ".join(notes)])
        per_notebook = [number(sum(p or 0 for label, p in points.items() if EXERCISES[label].notebook == nb))
                        if any(EXERCISES[label].notebook == nb for label in points) else "" for nb in present]
        canvas.append([name, "", person.id if person else "", person.email if person else "", ""] + per_notebook)
        moodle.append([name, person.id if person else "", person.email if person else ""] + per_notebook)
    out.mkdir(parents=True, exist_ok=True)
    titles = [f"{nb.capitalize()} notebook" for nb in present]
    possible = [number(sum(e.points for e in of(nb))) for nb in present]
    write_atomic(out / "canvas.csv", csv_text([["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + titles,
                                               ["Points Possible", "", "", "", ""] + possible] + canvas))
    write_atomic(out / "moodle.csv", csv_text([["Full name", "ID number", "Email address"] +
                                               [f"{t} (of {p})" for t, p in zip(titles, possible)]] + moodle))
    for g in graded:
        write_atomic(out / "feedback" / g.hand_in.feedback_name, feedback(g, marks))
    write_atomic(out / "marking.html", marking_sheet(graded, out / "marking", marks))
    return write_atomic(out / "grades.csv", csv_text(rows))


def feedback(g, marks: dict) -> str:
    h = g.hand_in
    lines = [f"Feedback for {h.student or h.relative}: {h.relative}" + (f" ({h.notebook} notebook)" if h.notebook else ""), ""]
    checked = [label for label in g.points if EXERCISES[label].checked]
    if checked:
        got = sum(g.points[label] or 0 for label in checked)
        lines.append(f"Checked exercises: {number(got)} of {sum(EXERCISES[label].points for label in checked)} points.")
    for label in g.points:
        if not EXERCISES[label].checked:
            mark = marks.get((h.relative, label))
            lines.append(f"{EXERCISES[label].name}: " + (f"{number(mark[0])} of {EXERCISES[label].points} points, marked by "
                                                         f"your teacher" + (f": {mark[1]}" if mark[1] else ".")
                                                         if mark else "marked by your teacher (not yet)."))
    # the grader's doubts about who made it (h.notes) are the teacher's, in grades.csv; not here
    lines += [""] + [f"- {n}" for n in g.notes] + [f"- {line}" for line in g.feedback] + [""]
    return "\n".join(lines)
