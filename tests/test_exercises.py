"""One name per exercise: the table of exercises (edition/checks/exercises.py) is the book's
exercises in the book's order, so that 'Exercise 13 (Read the chart)' is the same in the book,
the students' notebooks, what "Check your answer" prints and the teacher's guide."""
from __future__ import annotations

import re

import pytest
import yaml
from bs4 import BeautifulSoup

from edition.checks import EXERCISES as CHECKED, load_checks
from edition.checks.exercises import EXERCISES, NOTEBOOKS, of
from edition.classroom.student_notebook import student_notebook
from fidelity import ROOT

DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{exercise\}[ \t]*(?P<title>[^\n]*)\n(?P<options>(?::[\w-]+:[^\n]*\n)*)"
                       r"(?P<body>.*?)^\1[ \t]*$", re.M | re.S)


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


def chapter_exercises() -> list[tuple[str, str, str]]:
    """(label, title, words) of every exercise directive in the chapters, in the order of _toc.yml."""
    found = []
    for page in toc_pages():
        for m in DIRECTIVE.finditer((ROOT / f"{page}.md").read_text(encoding="utf-8")):
            label = re.search(r"^:label:[ \t]*(\S+)", m["options"], re.M)
            found.append((label.group(1) if label else "", m["title"].strip(), m["body"]))
    return found


@pytest.mark.check
def test_the_table_of_exercises_is_the_chapters_exercises_in_toc_order():
    assert [(label, title) for label, title, _ in chapter_exercises()] == \
        [(e.label, e.title) for e in EXERCISES.values()]
    assert [e.number for e in EXERCISES.values()] == list(range(1, len(EXERCISES) + 1))
    assert NOTEBOOKS == list(dict.fromkeys(e.notebook for e in EXERCISES.values()))


@pytest.mark.check
def test_checked_exercises_are_those_with_checks_and_their_answers_are_named_in_their_words():
    load_checks(True)
    assert set(CHECKED) == {e.label for e in EXERCISES.values() if e.checked}
    for label, _, words in chapter_exercises():
        for answer in EXERCISES[label].answers:
            assert f"`{answer}`" in words, f"{label}: the exercise does not ask for `{answer}`"


@pytest.mark.check
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_the_students_notebook_names_each_exercise_as_the_book_does(notebook):
    text = "\n".join(c.source for c in student_notebook(ROOT / "chapters" / f"{notebook}.md").cells)
    assert re.findall(r"^\*\*(Exercise[^*]*)\*\*", text, re.M) == [e.name for e in of(notebook)]


@pytest.mark.check
def test_check_says_the_exercises_name(capsys):
    from edition.checks import check
    check("repression-ex-1")  # here, with no answer: not yet
    assert capsys.readouterr().out.startswith("Exercise 13 (Read the chart): not yet (checks passed: 0 of 2).")


def test_the_book_numbers_and_titles_each_exercise_as_the_table_names_it(html_dir):
    shown = {}
    for page in toc_pages():
        soup = BeautifulSoup((html_dir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        for exercise in soup.select("div.exercise"):
            shown[exercise["id"]] = " ".join(exercise.select_one(".admonition-title").get_text().split())
    assert shown == {e.label: e.name for e in EXERCISES.values()}


def test_the_teachers_guide_lists_every_exercise_by_its_name_with_its_points(html_dir):
    soup = BeautifulSoup((html_dir / "chapters" / "teachers-guide.html").read_text(encoding="utf-8"), "html.parser")
    rows = [[" ".join(td.get_text().split()) for td in tr.select("td")]
            for tr in soup.select("table.exercise-points tbody tr")]
    assert [r[0] for r in rows[:-1]] == [e.name for e in EXERCISES.values()]
    assert [r[2] for r in rows[:-1]] == [str(e.points) for e in EXERCISES.values()]
    assert [r[3].startswith("by hand") for r in rows[:-1]] == [not e.checked for e in EXERCISES.values()]
    assert rows[-1][2] == str(sum(e.points for e in EXERCISES.values()))
    for tr, e in zip(soup.select("table.exercise-points tbody tr"), EXERCISES.values()):
        assert tr.select_one("a")["href"].endswith(f"{e.notebook}.html#{e.label}")
