"""The book's chart style, in one place, so the notebooks can show only the pandas and plotly
that make each chart.

Importing this module registers the plotly template "edition" and makes it the default:
readable type, a calm palette, hover labels that show the source, and room for long titles.
"""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# Colour-blind-safe palette (Okabe & Ito), in the order the groups table lists groups.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000", "#8C6D31", "#6B6ECF", "#B5CF6B", "#9C9EDE"]

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


# Disputed rows are drawn hollow, so a reader sees at a glance which dates sources disagree on.
DISPUTED_SYMBOL = {False: "circle", True: "circle-open"}
