"""The hidden checks: run only when the teacher grades (edition/grade/), in the grader's process.

They ship in the teacher's zip only, never in the web book, a notebook download or the
students' classroom zip. They look past what the public checks say: that an answer is a value
and not a printed table, and that a chart draws the table it was asked to draw.
"""
from __future__ import annotations

import pandas as pd
from plotly.basedatatypes import BaseFigure

from edition.checks import Wrong, hidden_check, shared_check
from edition.checks.public import as_year, count_columns, given, numbered_rows, table, value

# What each trace type draws, in a sentence.
DRAWN = {"scatter": "points or lines", "bar": "bars", "histogram": "a histogram's bars", "pie": "a pie"}


def figure(ns: dict) -> BaseFigure:
    fig = given(ns, "fig", "your chart")
    if not isinstance(fig, BaseFigure):
        raise Wrong(f"`fig` should be a plotly chart, but it is a {type(fig).__name__}.")
    return fig


def data_traces(fig: BaseFigure) -> list:
    """The traces that draw the data: those that do not answer hover (the pale date ranges, the
    rings of disputed dates) are decoration."""
    return [t for t in fig.data if t.hoverinfo != "skip"]


def length(values) -> int:
    return 0 if values is None else len(values)


def kinds_drawn(fig: BaseFigure) -> str:
    kinds = sorted({t.type for t in data_traces(fig)})
    return " and ".join(DRAWN.get(k, f"{k} traces") for k in kinds) or "nothing"


def draws(ns: dict, name: str, kinds: tuple[str, ...], asked: str, what: str) -> str:
    """`fig` draws one mark per row of the table `name`, with traces of the kinds the exercise's
    words allow (`asked` quotes them); marks of one kind alone, or of all together, may do it
    (a bar per row and a point at its end draw each row twice)."""
    rows = table(ns, name, what)
    fig = figure(ns)
    per_kind = {k: sum(max(length(t.x), length(t.y)) for t in data_traces(fig) if t.type == k) for k in kinds}
    drawn = [n for n in per_kind.values() if n] + [sum(per_kind.values())]
    if len(rows) in drawn:
        return f"`fig` draws one mark for each of the {len(rows)} rows of `{name}`."
    if not any(per_kind.values()):
        raise Wrong(f"`fig` draws {kinds_drawn(fig)}, but the exercise asks for {asked}: "
                    f"draw {' or '.join(DRAWN[k] for k in kinds)} from `{name}`.")
    raise Wrong(f"`fig` draws {max(drawn)} marks, but `{name}` has {len(rows)} rows, and the exercise asks for "
                f"{asked}: draw the chart from `{name}` itself, one mark per row.")


def bars_drawn(trace) -> float:
    """What a bar trace's bars add up to: its values; a histogram's: the rows it counts (or sums)."""
    across = trace.orientation == "h"
    if trace.type == "bar":
        values = trace.x if across else trace.y
    elif trace.histfunc == "sum":
        values = trace.x if across else trace.y
    else:
        return length(trace.y if across else trace.x)
    return float(pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").sum())


def bar_total(ns: dict, name: str, asked: str) -> str:
    fig = figure(ns)
    bars = [t for t in data_traces(fig) if t.type in ("bar", "histogram")]
    if not bars:
        raise Wrong(f"`fig` draws {kinds_drawn(fig)}, but the exercise asks for {asked}: draw `{name}` with "
                    "`px.bar` (or `px.histogram`).")
    frame = table(ns, name, "the counts")
    totals = {int(round(frame[c].sum())) for c in count_columns(frame, name, ("year", "category", "family", "group", "dated"))}
    drawn = int(round(sum(bars_drawn(t) for t in bars)))
    if drawn not in totals:
        raise Wrong(f"The bars of `fig` add up to {drawn}, but `{name}` counts {max(totals)}: the chart does not "
                    f"draw `{name}`. Draw the bars from `{name}`, with its counts as their heights.")
    return f"The bars of `fig` add up to the {drawn} that `{name}` counts."


def a_year(ns: dict, name: str, example: str) -> None:
    if as_year(value(ns, name, "a year")) is None:
        raise Wrong(f"`{name}` is {ns[name]!r}, which is not a year: write it as a whole number, like {example}.")


@hidden_check("chronology-ex-1")
def answers_are_single_values(ns):
    value(ns, "most_common", "the kind of event recorded most often")
    a_year(ns, "arrest_year", "1922")
    return "Both answers are single values."


@hidden_check("publications-ex-1")
def dreadnought_in_date_order(ns):
    dreadnought = table(ns, "dreadnought", "the Workers' Dreadnought's rows")
    if "date_start" not in dreadnought.columns:
        raise Wrong("`dreadnought` lost its `date_start` column: keep it, so that the dates "
                    "of the two periods can be read.")
    if not dreadnought["date_start"].is_monotonic_increasing:
        raise Wrong("`dreadnought` is not in date order, which the exercise asks for (the two "
                    "periods show only then): sort it with `.sort_values(\"date_start\")`.")
    return "`dreadnought` lists the texts in date order."


@hidden_check("repression-ex-1")
def busiest_is_a_year(ns):
    a_year(ns, "busiest", "1925")
    return "`busiest` is a year."


@hidden_check("repression-ex-3")
def chart_draws_numbered(ns):
    repression = table(ns, "repression", "the repression events")
    numbered_rows(repression)
    return draws(ns, "numbered", ("bar", "scatter"), "one bar per event from `people_low` to `people_high`, "
                 "or a mark where they are equal", "the events with a number of people")


# The charts of "Change a filter" and "Make a new chart": `fig` draws one mark per row of the
# table the exercise made, or bars that add up to its counts, in the kinds of chart that the
# exercise's words allow (quoted here; a time line is points on dates, or px.timeline's bars).
ONE_MARK_PER_ROW = {  # exercise: (the table, the kinds of trace, what the words ask for, what the table holds)
    "chronology-ex-2": ("later", ("scatter", "bar"), "the same chart (a time line, one mark per event)",
                        "the events of 1927-1930"),
    "membership-ex-2": ("early", ("bar",), "the swimlanes redrawn (one bar per membership)",
                        "the memberships that overlap 1921-1925"),
    "publications-ex-2": ("programmes", ("scatter", "bar"), "the time line redrawn (one mark per text)",
                          "the programmes and appeals"),
    "repression-ex-2": ("sapronov", ("scatter", "bar"), "the chart that follows Miasnikov, for Sapronov "
                        "(a time line, one mark per row)", "Sapronov's events"),
}
BARS_ADD_UP = {  # exercise: (the check's name, the table of counts, what the words ask for)
    "chronology-ex-3": ("bars_draw_per_year", "per_year", "a bar chart"),
    "membership-ex-3": ("bars_draw_per_group", "per_group", "a bar chart with one bar per group"),
    "publications-ex-3": ("bars_draw_texts_per_year", "per_year", "a bar chart"),
}
for label, (name, kinds, asked, what) in ONE_MARK_PER_ROW.items():
    shared_check(label, f"chart_draws_{name}", True, draws, name, kinds, asked, what)
for label, (check, name, asked) in BARS_ADD_UP.items():
    shared_check(label, check, True, bar_total, name, asked)
