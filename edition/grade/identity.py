"""Who handed in what: names matched to the roster, the newest hand-in counted, and every doubt flagged.

The grader never decides a doubt silently: a hand-in whose notebook names someone other than its
file name (or its roster entry) does, two hand-ins of one notebook by one student, a file handed
in twice, answers copied between students or from the book's worked solution, and students on
the roster with no hand-in each become a note in `grades.csv`, for the teacher to judge.
"""
from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from edition.checks.exercises import EXERCISES
from edition.grade.handins import HandIn, answer_text, clean_name, key

SIMILAR = 0.95     # difflib's ratio above which two answers count as nearly the same
MEANINGFUL = 80    # characters of answer (comments and spaces left out) below which a match means little:
                   # a one-line answer is often written the same way by students who never met


class RosterError(Exception):
    pass


@dataclass
class Person:
    id: str
    name: str
    email: str


class Roster:
    def __init__(self, people: list[Person]):
        self.people = people
        self.by = {}
        for p in people:
            for k in (key(p.name), p.id.strip().casefold(), p.email.strip().casefold(),
                      key(p.email.split("@")[0]) if p.email else ""):
                if k:
                    self.by.setdefault(k, p)

    @classmethod
    def read(cls, path: Path) -> "Roster":
        """A CSV with a header naming columns id (or student id), name (or student) and email."""
        try:
            with open(path, newline="", encoding="utf-8-sig") as f:
                rows = list(csv.DictReader(f))
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise RosterError(f"{path}: could not be read as a CSV file ({type(error).__name__}): save it as CSV, UTF-8.") from error
        if not rows:
            raise RosterError(f"{path}: no students: write a header line 'id,name,email' and one line per student.")
        columns = {c.strip().casefold(): c for c in rows[0] if c}
        pick = lambda *names: next((columns[n] for n in names if n in columns), None)  # noqa: E731
        name, id_, email = pick("name", "student", "full name"), pick("id", "student id", "sis user id"), pick("email", "e-mail")
        if name is None:
            raise RosterError(f"{path}, line 1: no 'name' column: the header should be 'id,name,email'.")
        people = []
        for number, row in enumerate(rows, start=2):
            if not (row.get(name) or "").strip():
                raise RosterError(f"{path}, line {number}, column {name}: empty: write the student's name, or delete the line.")
            people.append(Person((row.get(id_) or "").strip() if id_ else "", clean_name(row[name]),
                                 (row.get(email) or "").strip() if email else ""))
        return cls(people)

    def find(self, text: str) -> Person | None:
        return self.by.get(key(text)) or self.by.get(text.strip().casefold()) if text else None


def resolve(hand_ins: list[HandIn], roster: Roster | None) -> dict[str, list[str]]:
    """Name each hand-in's student, mark the one hand-in that counts per student and notebook, and
    return the flags, by student key (the roster's students with no hand-in included)."""
    flags: dict[str, list[str]] = {}
    for h in hand_ins:
        claimed, from_file = h.claimed, h.from_file
        person = roster.find(claimed) if roster else None
        file_person = roster.find(from_file) if roster else None
        if roster and person is None and file_person is not None and not claimed:
            person = file_person
        h.student = person.name if person else (claimed or from_file or h.relative)
        h.key = key(person.name) if person else key(h.student) or h.relative
        if claimed and from_file and key(claimed) != key(from_file) and not _lms_name(from_file, claimed):
            who = (f"{file_person.name} on the roster" if file_person else f"'{from_file}'")
            h.contested = True
            h.notes.append(f"check who made it: the file name gives {who}, the notebook says '{claimed}'")
        if roster and person is None:
            h.notes.append(f"'{h.student}' is not on the roster: add them, or check the name")
    _one_counts_per_notebook(hand_ins)
    _same_files(hand_ins)
    _same_answers(hand_ins)
    _feedback_names(hand_ins)
    if roster:
        handed = {h.key for h in hand_ins}
        for person in roster.people:
            if key(person.name) not in handed:
                flags.setdefault(key(person.name), []).append("no hand-in")
    return flags


def _lms_name(from_file: str, claimed: str) -> bool:
    """Learning platforms prefix files with the student's name and numbers ('lima ana 123 chronology...'):
    a file name holding every word of the claimed name agrees with it."""
    return set(key(claimed).split()) <= set(key(from_file).split())


def _one_counts_per_notebook(hand_ins: list[HandIn]) -> None:
    groups: dict[tuple[str, str], list[HandIn]] = {}
    for h in hand_ins:
        if h.notebook:
            groups.setdefault((h.key, h.notebook), []).append(h)
    for same in groups.values():
        if len(same) < 2:
            continue
        # one whose file and notebook agree on the name comes before one they dispute, then the newest
        same.sort(key=lambda h: (h.problem is None, not h.contested, h.when), reverse=True)
        newest = same[0]
        others = ", ".join(h.relative for h in same[1:])
        newest.notes.append(f"{len(same)} hand-ins of {newest.notebook}: this one counts (also handed in: {others})")
        for h in same[1:]:
            h.counted = False
            h.notes.append(f"not counted: {newest.relative} counts" + (" (newer)" if newest.when >= h.when else
                                                                       " (its name is not disputed)"))


def _same_files(hand_ins: list[HandIn]) -> None:
    by_digest: dict[str, list[HandIn]] = {}
    for h in hand_ins:
        if h.digest:
            by_digest.setdefault(h.digest, []).append(h)
    for same in by_digest.values():
        if len(same) > 1:
            for h in same:
                copies = ", ".join(f"{o.relative} ({o.student})" for o in same if o is not h)
                h.notes.append(f"the same file, byte for byte, as {copies}")


def _normal(code: str) -> str:
    lines = [re.sub(r"#.*", "", line).strip() for line in code.splitlines()]
    return "\n".join(re.sub(r"\s+", " ", line) for line in lines if line)


def _same_answers(hand_ins: list[HandIn]) -> None:
    """Flag answers (of MEANINGFUL length) that copy the worked solution, and answers that two
    students share otherwise: one note per exercise and hand-in, naming the others."""
    worked = _worked_solutions()
    counted = [h for h in hand_ins if h.problem is None]
    for label, exercise in EXERCISES.items():
        answers = []
        for h in counted:
            if h.notebook != exercise.notebook:
                continue
            code, words = answer_text(h, label)
            text = _normal(code) + "\n" + " ".join(words.split())
            if len(text.strip()) < MEANINGFUL:
                continue
            solution = _normal(worked.get(label, ""))
            if solution and _close(_normal(code), solution):
                h.notes.append(f"{exercise.name}: the answer is the book's worked solution, nearly word for word")
            else:
                answers.append((h, text))
        for h, text in answers:
            alike = [o for o, t in answers if o is not h and o.key != h.key and _close(text, t)]
            if alike:
                names = ", ".join(f"{o.student} ({o.relative})" for o in alike[:3])
                more = f" and {len(alike) - 3} more" if len(alike) > 3 else ""
                h.notes.append(f"{exercise.name}: nearly the same answer as {names}{more}")


def _close(a: str, b: str) -> bool:
    return a == b or difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= SIMILAR


def _worked_solutions() -> dict[str, str]:
    """The book's worked solutions (in the repository; the teacher's zip has none to compare)."""
    from edition.grade.sandbox import KIT
    found = {}
    for notebook in {e.notebook for e in EXERCISES.values()}:
        path = KIT / "chapters" / f"{notebook}.md"
        if path.is_file():
            try:
                from edition.classroom.student_notebook import solutions
            except ImportError:
                return {}
            found.update(solutions(path))
    return found


def _feedback_names(hand_ins: list[HandIn]) -> None:
    """One feedback file per hand-in, named after it, never shared."""
    used: set[str] = set()
    for h in sorted(hand_ins, key=lambda h: h.relative):
        base = re.sub(r"[^\w.-]+", "-", h.relative.rsplit(".", 1)[0]).strip("-")[:120] or "hand-in"
        name, n = base, 1
        while name.casefold() in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name.casefold())
        h.feedback_name = f"{name}.txt"
