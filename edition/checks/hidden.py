"""The hidden checks: run only when the teacher grades (edition/grade/), in the grader's process.

They ship in the teacher's zip only, never in the web book, a notebook download or the
students' classroom zip. They look past what the public checks say: that an answer is a value
and not a printed table, and that a chart draws the table it was asked to draw.
"""
from __future__ import annotations

import plotly.graph_objects as go

from edition.checks import Wrong, hidden_check, shared_check
from edition.checks.public import given, numbered_rows, table, value


def figure(ns: dict) -> go.Figure:
    fig = given(ns, "fig", "your chart")
    if not isinstance(fig, go.Figure):
        raise Wrong(f"`fig` should be a plotly chart, but it is a {type(fig).__name__}.")
    return fig


def marks(fig: go.Figure, kind: str) -> int:
    """How many data marks (points or bars) the chart's traces of one type draw; traces that do
    not answer hover (the pale date ranges, the rings of disputed dates) are decoration."""
    return sum(len(t.x if t.x is not None else t.y or ()) for t in fig.data
               if t.type == kind and t.hoverinfo != "skip")


def draws(ns: dict, name: str, kind: str, what: str) -> str:
    rows = table(ns, name, what)
    drawn = marks(figure(ns), kind)
    if drawn != len(rows):
        raise Wrong(f"`fig` draws {drawn} marks, but `{name}` has {len(rows)} rows: draw the chart from `{name}`.")
    return f"`fig` draws one mark for each of the {len(rows)} rows of `{name}`."


def bar_total(ns: dict, name: str) -> str:
    fig = figure(ns)
    bars = [t for t in fig.data if t.type == "bar"]
    if not bars:
        raise Wrong("`fig` has no bars: draw it with `px.bar`.")
    frame = table(ns, name, "the counts")
    counts = [c for c in frame.columns if c not in ("year", "category", "family", "group", "dated")
              and frame[c].dtype.kind in "iuf"][-1]
    drawn = sum(sum(v for v in (t.x if t.orientation == "h" else t.y) if v is not None) for t in bars)
    if int(drawn) != int(frame[counts].sum()):
        raise Wrong(f"The bars of `fig` add up to {int(drawn)}, but `{name}` counts {int(frame[counts].sum())}: "
                    f"draw the chart from `{name}`.")
    return f"The bars of `fig` add up to the {int(drawn)} that `{name}` counts."


@hidden_check("chronology-ex-1")
def answers_are_single_values(ns):
    value(ns, "most_common", "the kind of event recorded most often")
    value(ns, "arrest_year", "the year in which the arrests cluster")
    if not str(ns["arrest_year"]).strip().isdigit():
        raise Wrong("`arrest_year` should be a year, as a number like 1922.")
    return "Both answers are single values."


@hidden_check("membership-ex-1")
def estimators_are_named_in_the_table(ns):
    est = table(ns, "est", "the size estimates")
    names = {str(n).strip().casefold() for n in est["estimated_by"].dropna()}
    for name in ("largest_by", "smallest_by"):
        if str(value(ns, name, "a name")).strip().casefold() not in names:
            raise Wrong(f"`{name}` should be written as in the `estimated_by` column of `est`.")
    return "Both names are written as the table writes them."


@hidden_check("publications-ex-1")
def dreadnought_in_date_order(ns):
    dreadnought = table(ns, "dreadnought", "the Workers' Dreadnought's rows")
    if "date_start" not in dreadnought.columns:
        raise Wrong("`dreadnought` lost its `date_start` column: keep it to read the two periods.")
    if not dreadnought["date_start"].is_monotonic_increasing:
        raise Wrong("`dreadnought` is not in date order: sort it with `.sort_values(\"date_start\")` to see the periods.")
    return "`dreadnought` lists the texts in date order."


@hidden_check("repression-ex-1")
def busiest_is_a_year(ns):
    if not str(value(ns, "busiest", "a year")).strip().isdigit():
        raise Wrong("`busiest` should be a year, as a number like 1925.")
    return "`busiest` is a year."


@hidden_check("repression-ex-3")
def chart_draws_numbered(ns):
    repression = table(ns, "repression", "the repression events")
    numbered_rows(repression)
    return draws(ns, "numbered", "scatter", "the events with a number of people")


# The charts of "Change a filter" and "Make a new chart": `fig` draws one mark per row of the
# table the exercise made, or bars that add up to its counts.
ONE_MARK_PER_ROW = {  # exercise: (the table, the marks' trace type, what the table holds)
    "chronology-ex-2": ("later", "scatter", "the events of 1927-1930"),
    "membership-ex-2": ("early", "bar", "the memberships that overlap 1921-1925"),
    "publications-ex-2": ("programmes", "scatter", "the programmes and appeals"),
    "repression-ex-2": ("sapronov", "scatter", "Sapronov's events"),
}
BARS_ADD_UP = {  # exercise: (the check's name, the table of counts)
    "chronology-ex-3": ("bars_draw_per_year", "per_year"),
    "membership-ex-3": ("bars_draw_per_group", "per_group"),
    "publications-ex-3": ("bars_draw_texts_per_year", "per_year"),
}
for label, (name, kind, what) in ONE_MARK_PER_ROW.items():
    shared_check(label, f"chart_draws_{name}", True, draws, name, kind, what)
for label, (check, name) in BARS_ADD_UP.items():
    shared_check(label, check, True, bar_total, name)
