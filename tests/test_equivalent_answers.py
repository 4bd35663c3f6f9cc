"""Equivalent right answers pass, wrong ones still fail: a table of answers to the checked
exercises, each run in-process on the namespace a student's notebook has (the notebook's own
code cells, run in a dict, then the exercise's worked solution, then the variant), through the
public checks (what "Check your answer" says in class) and the hidden ones (what grading adds).

A variant that the public checks call right and a hidden check lowers must say why in plain
words; no check may fail by an error of its own ("could not be checked")."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from edition.checks import results
from edition.checks.public import as_year, names_match
from edition.classroom.student_notebook import CHECK_TAG, solutions, student_notebook
from fidelity import ROOT

pytestmark = pytest.mark.check

HAND_IN_TAG = "hand-in"


@pytest.fixture(scope="module")
def notebook_namespace():
    """notebook -> (its namespace once its own code cells ran, its worked solutions by label)."""
    made = {}
    show = go.Figure.show
    go.Figure.show = lambda self, *args, **kwargs: None  # no renderer in-process

    def namespace(notebook: str):
        if notebook not in made:
            path = ROOT / "chapters" / f"{notebook}.md"
            ns = {"__name__": "__main__"}
            for cell in student_notebook(path).cells:
                tags = cell.metadata.get("tags", [])
                if cell.cell_type == "code" and CHECK_TAG not in tags and HAND_IN_TAG not in tags:
                    exec(compile(cell.source, f"{notebook}.ipynb", "exec"), ns)
            made[notebook] = ns, solutions(path)
        return made[notebook]

    yield namespace
    go.Figure.show = show


def answered(namespace, label: str, variant: str) -> dict:
    """A fresh copy of the notebook's namespace with the worked solution, then `variant`, run in it."""
    base, worked = namespace(label.split("-ex-")[0])
    ns = {k: v.copy() if isinstance(v, (pd.DataFrame, pd.Series)) else v for k, v in base.items()}
    exec(worked[label], ns)
    exec("import numpy as np\n" + variant, ns)
    return ns


# (exercise, what the variant is, its code run after the worked solution, public right?, hidden right?)
VARIANTS = [
    # years: 1923.0, "1923" and numpy's 1923 are the year 1923; 1923.5 is not a year
    ("chronology-ex-1", "the worked solution", "", True, True),
    ("chronology-ex-1", "year as a float", "arrest_year = float(arrest_year)", True, True),
    ("chronology-ex-1", "year as text", "arrest_year = str(arrest_year)", True, True),
    ("chronology-ex-1", "year as numpy int", "arrest_year = np.int64(arrest_year)", True, True),
    ("chronology-ex-1", "year as numpy float", "arrest_year = np.float64(arrest_year)", True, True),
    ("chronology-ex-1", "kind in capitals", "most_common = most_common.upper()", True, True),
    ("chronology-ex-1", "half a year", "arrest_year = float(arrest_year) + 0.5", False, False),
    ("chronology-ex-1", "another year", "arrest_year = int(arrest_year) + 1", False, True),
    ("chronology-ex-1", "the rarest kind", 'most_common = early["kind"].value_counts().idxmin()', False, True),
    ("chronology-ex-1", "the counts, not a value", 'arrest_year = arrest_years', False, False),
    # the time line of 1927-1930: "the same chart" (points on dates, or px.timeline's bars)
    ("chronology-ex-2", "the worked solution", "", True, True),
    ("chronology-ex-2", "points without the date ranges", 'fig = px.scatter(later, x="date_start", y="kind")', True, True),
    ("chronology-ex-2", "px.timeline", 'fig = px.timeline(later, x_start="date_start", x_end="date_end", y="kind")',
     True, True),
    ("chronology-ex-2", "the chart of 1921-1924", 'fig = px.scatter(early, x="date_start", y="kind")', True, False),
    ("chronology-ex-2", "bars counting the kinds", 'fig = px.bar(later.groupby("kind", observed=True).size()'
     '.reset_index(name="n"), x="kind", y="n")', True, False),
    ("chronology-ex-2", "the years of 1921-1924", 'later = period[period["date_start"].between("1921-01-01", '
     '"1924-12-31")]', False, False),
    # "a bar chart" of counts: an extra numeric column, years as floats or text, a histogram
    ("chronology-ex-3", "the worked solution", "", True, True),
    ("chronology-ex-3", "an extra numeric column", 'per_year["share"] = per_year["events"] / per_year["events"].sum()',
     True, True),
    ("chronology-ex-3", "years as floats", 'per_year["year"] = per_year["year"].astype(float)', True, True),
    ("chronology-ex-3", "years as text", 'per_year["year"] = per_year["year"].astype(str)', True, True),
    ("chronology-ex-3", "a histogram of the rows", 'fig = px.histogram(single.assign(year=single["date_start"]'
     '.dt.year), x="year", color="category")', True, True),
    ("chronology-ex-3", "a histogram summing the counts", 'fig = px.histogram(per_year, x="year", y="events", '
     'color="category")', True, True),
    ("chronology-ex-3", "every event by its first year", 'per_year = period.assign(year=period["date_start"].dt.year)'
     '.groupby(["year", "category"], observed=True).size().reset_index(name="n")\n'
     'fig = px.bar(per_year, x="year", y="n", color="category")', True, True),
    ("chronology-ex-3", "a line chart", 'fig = px.line(per_year, x="year", y="events", color="category")', True, False),
    ("chronology-ex-3", "bars of the early years only", 'fig = px.bar(per_year[per_year["year"] < 1925], x="year", '
     'y="events")', True, False),
    ("chronology-ex-3", "one too many each year", 'per_year["events"] = per_year["events"] + 1', False, False),
    # names: the surname alone, initials or not, case, spacing, a transliteration or a sourced form
    ("membership-ex-1", "the worked solution", "", True, True),
    *[("membership-ex-1", f"largest by {name!r}", f"largest_by = {name!r}", True, True)
      for name in ("Miasnikov", "miasnikov", "G.I. Miasnikov", "g. i.  miasnikov", "G. Miasnikov", "Miasnikov, G. I.",
                   "Myasnikov", "Gavriil Myasnikov", "Gavril Ilyich Miasnikov", "Мясников", "Гавриил Мясников")],
    *[("membership-ex-1", f"smallest by {name!r}", f"smallest_by = {name!r}", True, True)
      for name in ("Hebbes", "I. Hebbes", "ian hebbes")],
    *[("membership-ex-1", f"largest by {name!r}", f"largest_by = {name!r}", False, True)
      for name in ("Kuznetsov", "A. Miasnikov", "Hebbes", "Mlechin", "Lutovinov", "Miasnik", "G. I.", "")],
    ("membership-ex-1", "smallest by Miasnikov", 'smallest_by = "Miasnikov"', False, True),
    ("membership-ex-1", "a list of names", 'largest_by = ["G. I. Miasnikov"]', False, True),
    # the swimlanes of 1921-1925: "Redraw" them (bars)
    ("membership-ex-2", "the worked solution", "", True, True),
    ("membership-ex-2", "px.timeline without hatching", 'fig = px.timeline(early, x_start="start", x_end="end", '
     'y="name", color="group")', True, True),
    ("membership-ex-2", "points, not swimlanes", 'fig = px.scatter(early, x="start", y="name")', True, False),
    ("membership-ex-2", "every dated membership", 'fig = px.timeline(dated, x_start="start", x_end="end", y="name")',
     True, False),
    # "a bar chart with one bar per group", dated and undated
    ("membership-ex-3", "the worked solution", "", True, True),
    ("membership-ex-3", "an extra numeric column", 'per_group["share"] = per_group["memberships"] / '
     'per_group["memberships"].sum()', True, True),
    ("membership-ex-3", "dated as true/false", 'per_group["dated"] = per_group["dated"].eq("dated")', True, True),
    ("membership-ex-3", "vertical bars", 'fig = px.bar(per_group, x="group", y="memberships", color="dated")', True, True),
    ("membership-ex-3", "a histogram of the rows", 'fig = px.histogram(ms, y="group", color="dated")', True, True),
    ("membership-ex-3", "a pie", 'fig = px.pie(per_group, names="group", values="memberships")', True, False),
    ("membership-ex-3", "dated ones only", 'per_group = per_group[per_group["dated"] == "dated"]', False, False),
    # the Dreadnought's rows "in date order"
    ("publications-ex-1", "the worked solution", "", True, True),
    ("publications-ex-1", "fewer columns", 'dreadnought = dreadnought[["publication_id", "date_start", "title"]]',
     True, True),
    ("publications-ex-1", "newest first", 'dreadnought = dreadnought.sort_values("date_start", ascending=False)',
     True, False),
    ("publications-ex-1", "every text", "dreadnought = texts.sort_values(\"date_start\")", False, True),
    # the time line of programmes and appeals, "redrawn"
    ("publications-ex-2", "the worked solution", "", True, True),
    ("publications-ex-2", "points without the date ranges", 'fig = px.scatter(programmes, x="date_start", y="where")',
     True, True),
    ("publications-ex-2", "every text drawn", 'fig = px.scatter(texts, x="date_start", y="where")', True, False),
    ("publications-ex-2", "statements", 'programmes = texts[texts["family"] != "programmes and appeals"]', False, False),
    # "a bar chart" of texts per year
    ("publications-ex-3", "the worked solution", "", True, True),
    ("publications-ex-3", "an extra numeric column", 'per_year["mean"] = per_year["texts"] / 2', True, True),
    ("publications-ex-3", "years as floats", 'per_year["year"] = per_year["year"].astype(float)', True, True),
    ("publications-ex-3", "a histogram of the rows", 'fig = px.histogram(texts.assign(year=texts["date_start"]'
     '.dt.year), x="year", color="family")', True, True),
    ("publications-ex-3", "a scatter of the counts", 'fig = px.scatter(per_year, x="year", y="texts")', True, False),
    # the busiest year and its kinds
    ("repression-ex-1", "the worked solution", "", True, True),
    ("repression-ex-1", "year as a float", "busiest = float(busiest)", True, True),
    ("repression-ex-1", "year as text", "busiest = str(busiest)", True, True),
    ("repression-ex-1", "kinds in capitals", "busiest_kinds = [k.upper() for k in busiest_kinds]", True, True),
    ("repression-ex-1", "half a year", "busiest = float(busiest) + 0.5", False, False),
    ("repression-ex-1", "the year before", "busiest = int(busiest) - 1", False, True),
    ("repression-ex-1", "a kind too few", "busiest_kinds = busiest_kinds[1:]", False, True),
    # Sapronov's time line, like Miasnikov's
    ("repression-ex-2", "the worked solution", "", True, True),
    ("repression-ex-2", "his events, not the statements", 'sapronov = his_events.dropna(subset=["date_start"])\n'
     'fig = px.scatter(sapronov, x="date_start", y="kind")', True, True),
    ("repression-ex-2", "px.timeline", 'fig = px.timeline(sapronov, x_start="date_start", x_end="date_end", y="kind")',
     True, True),
    ("repression-ex-2", "Miasnikov's chart", 'fig = px.scatter(path, x="date_start", y="kind")', True, False),
    # "one bar per event from people_low to people_high (or a mark where they are equal)"
    ("repression-ex-3", "the worked solution (a mark and a line)", "", True, True),
    ("repression-ex-3", "one bar per event, low to high", 'fig = px.bar(numbered, x="spread", base="people_low", '
     'y="summary", orientation="h")', True, True),
    ("repression-ex-3", "bars to the high figure", 'fig = px.bar(numbered, x="people_high", y="summary", '
     'orientation="h")', True, True),
    ("repression-ex-3", "bars and a mark at each end", 'fig = px.bar(numbered, x="spread", base="people_low", '
     'y="summary", orientation="h")\nfig.add_scatter(x=numbered["people_high"], y=numbered["summary"], mode="markers")',
     True, True),
    ("repression-ex-3", "every repression event drawn", 'fig = px.scatter(repression, x="date_start", y="summary")',
     True, False),
    ("repression-ex-3", "a pie", 'fig = px.pie(numbered, names="summary", values="people_high")', True, False),
    ("repression-ex-3", "every row", "numbered = repression", False, False),
]


@pytest.mark.parametrize("label, what, variant, public_right, hidden_right", VARIANTS,
                         ids=[f"{v[0]}: {v[1]}" for v in VARIANTS])
def test_equivalent_answers_pass_and_wrong_ones_fail(notebook_namespace, label, what, variant, public_right,
                                                     hidden_right):
    found = results(label, answered(notebook_namespace, label, variant), with_hidden=True)
    public = [r for r in found if not r["hidden"]]
    hidden = [r for r in found if r["hidden"]]
    said = "\n".join(f"{'hidden' if r['hidden'] else 'public'} {r['check']}: {r['passed']}: {r['message']}" for r in found)
    assert all(r["passed"] for r in public) == public_right, said
    assert all(r["passed"] for r in hidden) == hidden_right, said
    for r in found:
        assert "could not be checked" not in r["message"], said  # every verdict in plain words, no error


def test_a_hidden_check_that_lowers_a_right_answer_says_what_the_exercise_asks(notebook_namespace):
    """The chart a student drew from the right table, of a kind the words do not allow: the hidden
    check says what the exercise asks for and what the chart draws."""
    ns = answered(notebook_namespace, "repression-ex-3", 'fig = px.pie(numbered, names="summary", values="people_high")')
    [chart] = [r for r in results("repression-ex-3", ns, with_hidden=True) if r["hidden"]]
    assert not chart["passed"] and "one bar per event" in chart["message"] and "pie" in chart["message"]


@pytest.mark.parametrize("answer, year", [(1923, 1923), (1923.0, 1923), ("1923", 1923), (" 1923 ", 1923),
                                          (np.int64(1923), 1923), (np.float64(1923.0), 1923), ("1923.0", 1923),
                                          (1923.5, None), ("1923.5", None), (True, None), ("nineteen", None),
                                          (None, None), ([1923], None), (float("nan"), None)])
def test_a_year_is_a_whole_number_however_it_is_stored(answer, year):
    assert as_year(answer) == year


@pytest.mark.parametrize("answer, written, same", [
    ("Miasnikov", "G. I. Miasnikov", True), ("G I MIASNIKOV", "G. I. Miasnikov", True),
    ("Myasnikov", "G. I. Miasnikov (quoted by the essay)", True), ("Hebbes", "Ian Hebbes, citing Kuznetsov", True),
    ("Dzerzhinsky", "F. Dzerzhinsky citing Lutovinov, as quoted by Hebbes", True),
    ("Kuznetsov", "Ian Hebbes, citing Kuznetsov", False), ("Lutovinov", "F. Dzerzhinsky citing Lutovinov", False),
    ("John Hebbes", "Ian Hebbes", False), ("Hebbes", "G. I. Miasnikov", False), ("", "Ian Hebbes", False),
    (1923, "Ian Hebbes", False),
])
def test_a_name_matches_its_forms_and_no_other_person(answer, written, same):
    assert names_match(answer, written) is same
