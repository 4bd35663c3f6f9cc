"""Every exercise of the book, once: its label, its number and title, how it is marked, its points.

    from edition.checks.exercises import EXERCISES
    EXERCISES["repression-ex-1"].name    # 'Exercise 13 (Read the chart)'

The book numbers its exercises through the whole book in the order of `_toc.yml`
(sphinx-exercise); this table is in that order, so an exercise's number is its place in it, and
the book, the students' notebooks, `grades.csv`, the feedback and the teacher's guide all call
it by the same name. tests/test_exercises.py checks the table against the chapters and the
built book, so a new or moved exercise cannot leave it behind.

An exercise is either checked (its answer is code whose values the checks in public.py and
hidden.py read: `answers` names them) or marked by hand (a written answer, read on the marking
sheet). Points are the teacher's to change; the guide prints them from here.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    label: str
    number: int
    title: str
    points: int
    answers: tuple[str, ...] = ()   # the variables a checked exercise's answer makes; () = marked by hand

    @property
    def notebook(self) -> str:
        return self.label.split("-ex-")[0]

    @property
    def checked(self) -> bool:
        return bool(self.answers)

    @property
    def name(self) -> str:
        return f"Exercise {self.number} ({self.title})"


_TABLE = [  # (label, title, points, answers), in the book's order
    ("chronology-ex-1", "Read the chart", 2, ("most_common", "arrest_year")),
    ("chronology-ex-2", "Change a filter", 3, ("later", "fig")),
    ("chronology-ex-3", "Make a new chart", 3, ("per_year", "fig")),
    ("chronology-ex-4", "Criticise a source", 4, ()),
    ("membership-ex-1", "Read the chart", 2, ("largest_by", "smallest_by")),
    ("membership-ex-2", "Change a filter", 3, ("early", "fig")),
    ("membership-ex-3", "Make a new chart", 3, ("per_group", "fig")),
    ("membership-ex-4", "Criticise a source", 4, ()),
    ("publications-ex-1", "Read the chart", 2, ("dreadnought",)),
    ("publications-ex-2", "Change a filter", 3, ("programmes", "fig")),
    ("publications-ex-3", "Make a new chart", 3, ("per_year", "fig")),
    ("publications-ex-4", "Criticise a source", 4, ()),
    ("repression-ex-1", "Read the chart", 2, ("busiest", "busiest_kinds")),
    ("repression-ex-2", "Change a filter", 3, ("sapronov", "fig")),
    ("repression-ex-3", "Make a new chart", 3, ("numbered", "fig")),
    ("repression-ex-4", "Criticise a source", 4, ()),
    ("repression-ex-5", "Read the map", 2, ()),
]

EXERCISES: dict[str, Exercise] = {label: Exercise(label, number, title, points, answers)
                                  for number, (label, title, points, answers) in enumerate(_TABLE, start=1)}
# The exercises whose words ask for an answer in words (a question that no answer variable holds,
# or "say", "name", "criticise"): the students' notebooks give each a Markdown cell for it
# ("*Your answer:*", metadata edition.written), besides the code cell every exercise has.
WRITTEN = frozenset({
    "chronology-ex-2",    # Which kinds of event take over?
    "chronology-ex-3",    # What does the chart count, and what does it not count?
    "chronology-ex-4",
    "membership-ex-1",    # ... and what does each count?
    "membership-ex-2",    # Which of them have a recorded end, and which run on ...?
    "membership-ex-3",    # How much of what we know about membership is dated?
    "membership-ex-4",
    "publications-ex-1",  # Name the two periods you see
    "publications-ex-3",  # ... is that a fact about the groups or about what survives and was studied?
    "publications-ex-4",
    "repression-ex-2",    # Which of his events does the essay record, and which only other sources?
    "repression-ex-3",    # What would be wrong with adding the numbers up?
    "repression-ex-4",
    "repression-ex-5",    # What kinds of event happened there, and what does that say ...?
})
NOTEBOOKS: list[str] = list(dict.fromkeys(e.notebook for e in EXERCISES.values()))


def of(notebook: str) -> list[Exercise]:
    """The exercises of one notebook, in order."""
    return [e for e in EXERCISES.values() if e.notebook == notebook]


def name(label: str) -> str:
    """'Exercise 13 (Read the chart)' for 'repression-ex-1'; the label itself if it is unknown."""
    found = EXERCISES.get(label)
    return found.name if found else label
