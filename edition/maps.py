"""Maps with their own outlines: no tile server, no topojson request, nothing fetched at draw time.

Plotly's geographic traces (scattergeo, choropleth) fetch their outlines from a CDN when the chart
is drawn, so a map of the book would be blank offline. Here a map is an ordinary x/y chart:
longitude across, latitude up, the coastlines drawn as one line trace from a vendored file
(`coastline-110m.json`: Natural Earth 1:110m land outlines, public domain, via the world-atlas
package, ISC licence; cut to Europe and all of northern Asia by tools/coastline.py, which names its source). Coastlines only: the borders of the
1920s are not today's.

    from edition import maps
    fig = px.scatter(placed, x="longitude", y="latitude", ...)
    maps.coastlines(fig)
    maps.name_places(fig, placed)
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

COASTLINE = Path(__file__).resolve().parent / "coastline-110m.json"
COAST_COLOUR = "#8c8c8c"  # mid grey: reads on the light and the dark page


@lru_cache(maxsize=1)
def _coast() -> tuple[list, list]:
    lines = json.loads(COASTLINE.read_text(encoding="utf-8"))["lines"]
    lon, lat = [], []
    for line in lines:
        lon += [p[0] for p in line] + [None]
        lat += [p[1] for p in line] + [None]
    return lon, lat


def coastlines(fig: go.Figure, lon_range=(-5, 100), lat_range=(30, 68)) -> go.Figure:
    """Draw the coastlines under the figure's marks and give the map its shape (a degree of
    latitude drawn 1/cos(latitude) times as long as a degree of longitude, as on a globe)."""
    lon, lat = _coast()
    fig.add_trace(go.Scatter(x=lon, y=lat, mode="lines", name="coastline", hoverinfo="skip", showlegend=False,
                             line={"color": COAST_COLOUR, "width": 0.8}, meta={"decoration": "coastline"}))
    fig.data = (fig.data[-1],) + tuple(fig.data[:-1])  # under the marks
    middle = math.radians(sum(lat_range) / 2)
    fig.update_xaxes(range=list(lon_range), showgrid=False, zeroline=False, title_text="longitude (°E)",
                     constrain="domain")
    fig.update_yaxes(range=list(lat_range), showgrid=False, zeroline=False, title_text="latitude (°N)",
                     scaleanchor="x", scaleratio=1 / math.cos(middle), constrain="domain")
    return fig


def spread(frame: pd.DataFrame, lon: str = "longitude", lat: str = "latitude", step: float = 0.55) -> pd.DataFrame:
    """Marks at one place spread in a small sunflower around it (`step` degrees apart), so that each
    can be seen and hovered; the place's own coordinates stay in `lon` and `lat`. Adds `x` and `y`."""
    out = frame.copy()
    out["x"], out["y"] = out[lon].astype(float), out[lat].astype(float)
    golden = math.pi * (3 - math.sqrt(5))
    for _, rows in out.groupby([lon, lat]):
        if len(rows) > 1:
            k = np.arange(len(rows))
            r = step * np.sqrt(k)
            out.loc[rows.index, "x"] += r * np.cos(k * golden) / math.cos(math.radians(float(rows[lat].iloc[0])))
            out.loc[rows.index, "y"] += r * np.sin(k * golden)
    return out


def name_places(fig: go.Figure, frame: pd.DataFrame, place: str = "place", lon: str = "longitude",
                lat: str = "latitude", gap: float = 2.5) -> go.Figure:
    """Write each place's name once, above its marks. Where two places lie closer than `gap` degrees
    (Moscow and Gorki; two spellings of one town), only the one with more marks is named: names
    never overprint (the other's marks still name their place in their hover)."""
    counted = frame.groupby([place, lon, lat]).size().rename("marks").reset_index()
    named = []
    for row in counted.sort_values(["marks", place], ascending=[False, True]).itertuples():
        x, y = getattr(row, lon), getattr(row, lat)
        if all(abs(x - nx) * math.cos(math.radians(y)) >= gap or abs(y - ny) >= gap / 2 for nx, ny, _ in named):
            named.append((x, y, getattr(row, place)))
    fig.add_trace(go.Scatter(x=[n[0] for n in named], y=[n[1] + 0.9 for n in named], text=[n[2] for n in named],
                             mode="text", textposition="top center", textfont={"size": 11}, name="place names",
                             hoverinfo="skip", showlegend=False, meta={"decoration": "place names"}))
    return fig
