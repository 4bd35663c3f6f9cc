"""The book's chart style, in one place, so the notebooks can show only the pandas and plotly
that make each chart.

Importing this module registers the plotly template "edition" and makes it the default:
readable type, a calm palette, hover labels that show the source, and room for long titles.
"""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# Colour-blind-safe palette (Okabe & Ito first), pale yellow last: it is hard to see on white.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#8C6D31", "#6B6ECF", "#B5CF6B", "#9C9EDE", "#F0E442"]

pio.templates["edition"] = go.layout.Template(
    layout=dict(
        font=dict(family="Helvetica, Arial, sans-serif", size=13, color="#222"),
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=10, r=10, t=50, b=40),
        hoverlabel=dict(bgcolor="white", font_size=12, align="left"),
        xaxis=dict(showgrid=True, gridcolor="#e5e5e5", zeroline=False, ticks="outside"),
        yaxis=dict(showgrid=False, zeroline=False, automargin=True),
        legend=dict(orientation="h", yanchor="top", y=-0.12, x=0, title_text=""),
    )
)
pio.templates.default = "plotly_white+edition"


def colours(keys) -> dict:
    """A fixed colour for each key (e.g. each group id), the same in every chart of the book."""
    return {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(dict.fromkeys(keys))}


# The three categories of events keep one colour in every chart: context is grey, the groups'
# own events blue, repression vermilion.
CATEGORY_COLOURS = {"context": "#8c8c8c", "group": "#0072B2", "repression": "#D55E00"}


def add_date_ranges(fig: go.Figure, frame, y: str, color: str | None = None) -> go.Figure:
    """Draw each row's recorded date range (date_start to date_end) as a pale bar behind its mark.

    A date known to the year then shows as a year-long bar, a date known to the day as a point:
    the chart never looks more exact than its sources. Bars take the colour of their marks.
    """
    marks = {t.name: t.marker.color for t in fig.data}
    parts = frame.groupby(color, observed=True) if color else [("", frame)]
    bars = [
        go.Bar(base=rows["date_start"], x=(rows["date_end"] - rows["date_start"]).dt.total_seconds() * 1000,
               y=rows[y], orientation="h", width=0.3, opacity=0.3, hoverinfo="skip", showlegend=False,
               marker_color=marks.get(name, "#888888"))
        for name, rows in parts
    ]
    fig.add_traces(bars)
    fig.data = fig.data[-len(bars):] + fig.data[: -len(bars)]  # bars behind the marks
    fig.update_xaxes(type="date")  # the bars' lengths are milliseconds on a date axis
    return fig.update_layout(barmode="overlay")


def mark_disputed(fig: go.Figure, frame, x: str, y: str) -> go.Figure:
    """Ring the marks whose date sources dispute (rows with a dispute_id), with one legend entry."""
    disputed = frame[frame["dispute_id"].notna()]
    fig.add_scatter(x=disputed[x], y=disputed[y], mode="markers", name="date disputed",
                    marker=dict(symbol="circle-open", size=17, color="#444444", line_width=1.5),
                    hoverinfo="skip")
    return fig
