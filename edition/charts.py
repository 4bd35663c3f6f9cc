"""The book's chart style, in one place, so the notebooks can show only the pandas and plotly
that make each chart.

Importing this module registers the plotly template "edition" and makes it the default:
readable type, a calm palette, hover labels that show the source, and room for long titles.
It also registers "edition_dark", the same style on a dark page: the web book draws its charts
with whichever of the two matches the reader's light or dark mode (edition/web/static/plotly-figures.js,
which also fits each chart to the width it is given: legend below, short row labels, fewer ticks).
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
        # the legend under everything, at the foot of the figure: plotly then keeps room for it
        # below the x axis's ticks and title (a legend placed relative to the plot overprints them)
        # (its title on a line of its own: beside the entries, plotly would push the last off the edge)
        legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, xanchor="left", x=0,
                    title=dict(text="", side="top")),
    )
)
pio.templates.default = "plotly_white+edition"

# The dark house style: the page's own dark background (the theme's), light text, quiet grid.
DARK_BACKGROUND = "#14181e"  # pydata-sphinx-theme's dark --pst-color-background
pio.templates["edition_dark"] = go.layout.Template(
    layout=dict(
        font=dict(color="#dfe3e8"),
        paper_bgcolor=DARK_BACKGROUND,
        plot_bgcolor=DARK_BACKGROUND,
        hoverlabel=dict(bgcolor="#222832", font_color="#f3f4f5", bordercolor="#9ca4af"),
        xaxis=dict(gridcolor="#3a4350", linecolor="#6b7685", tickcolor="#6b7685"),
        yaxis=dict(gridcolor="#3a4350", linecolor="#6b7685", tickcolor="#6b7685"),
    )
)
DARK = "plotly_dark+edition+edition_dark"  # what the web book draws with in dark mode

# Marks drawn in black or dark grey (the palette's black, the "date disputed" rings) would vanish
# on a dark page: in dark mode they take these light greys instead (every other colour keeps its
# meaning and reads on both backgrounds).
DARK_SWAPS = {"#000000": "#e0e0e0", "#444444": "#bdbdbd"}


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
