"""Sphinx directive `exercise-points`: every exercise of the book by its name, its notebook, its
points and how it is marked, from the one table of exercises (edition/checks/exercises.py), so
that the teacher's guide calls each exercise what the book, the notebook and the checks call it
('Exercise 13 (Read the chart)') and prints the points the grader counts.
"""
from __future__ import annotations

from docutils import nodes

from edition.sphinx.book import register
from edition.sphinx.book.datadict import table_cell, table_row
from edition.sphinx.book.datanodes import DataDirective
from edition.checks import exercises

HEADER = ("Exercise", "Notebook", "Points", "Marked")
WIDTHS = (45, 30, 10, 15)


class ExercisePoints(DataDirective):
    def run(self):
        self.env.note_dependency(exercises.__file__)
        group = nodes.tgroup(cols=len(WIDTHS))
        group.extend(nodes.colspec(colwidth=w) for w in WIDTHS)
        group += nodes.thead("", table_row(*(table_cell(h) for h in HEADER)))
        body = nodes.tbody()
        for e in exercises.EXERCISES.values():
            marked = "checks" if e.checked else "by hand"  # short: four columns on a phone
            body += table_row(table_cell(self.xref("numref", e.label, f"Exercise %s ({e.title})")), table_cell(self.xref("doc", f"/chapters/{e.notebook}")),
                         table_cell(str(e.points)), table_cell(marked))
        every = list(exercises.EXERCISES.values())
        by_hand = sum(e.points for e in every if not e.checked)
        body += table_row(table_cell(nodes.strong("", "Total")), table_cell(""), table_cell(nodes.strong("", str(sum(e.points for e in every)))),
                     table_cell(f"{by_hand} of them by hand"))
        group += body
        table = nodes.table("", nodes.title("", "Every exercise, its points and how it is marked"), group,
                            classes=["colwidths-given", "exercise-points"])
        self.set_source_info(table)
        return [self.labelled(table, "exercise-points")]


def setup(app):
    return register(app, directives={"exercise-points": ExercisePoints})
