"""The book's chart style, in one place, so the notebooks can show only the pandas and plotly
that make each chart.

`charts.use()` makes the plotly template "edition" the default (readable type, a calm palette,
hover labels that show the source, room for long titles) and gives every category of the book
(kinds of repression, groups, event categories, kinds of text) its one colour, from COLOURS,
in every chart that colours by it.
It also registers "edition_dark", the same style on a dark page: the web book draws its charts
with whichever of the two matches the reader's light or dark mode (edition/sphinx/web/static/plotly-figures.js,
which also fits each chart to the width it is given: legend below, short row labels, fewer ticks).
"""
from __future__ import annotations

import base64
import re
import struct

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
STYLE = "plotly_white+edition"
# The web build (edition/sphinx/book/plotly_outputs.py, house_template) still reads the house style as plotly's
# default after importing this module, so the import keeps setting it; notebooks call use().
pio.templates.default = STYLE

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


# One colour per category, the same in every chart of the book. Okabe & Ito's colour-blind-safe
# colours; a chart colours by one family of categories at a time, and within a family no two
# categories share a colour (tests/test_factoids.py checks both on every figure the book draws).
OKABE_ITO = {"blue": "#0072B2", "vermilion": "#D55E00", "green": "#009E73", "purple": "#CC79A7",
             "orange": "#E69F00", "sky": "#56B4E9", "black": "#000000", "grey": "#8c8c8c"}
_ = OKABE_ITO
FAMILIES = {
    # events: context grey, the groups' own doings blue, repression vermilion
    "event category": {"context": _["grey"], "group": _["blue"], "repression": _["vermilion"]},
    # the kinds of data/repression_kinds.csv: those counted as repression (the essay's cr-9 names arrest,
    # imprisonment and exile; the other sources add expulsion, deportation and execution), and those drawn
    # as what they are and not counted
    "repression": {"arrest": _["orange"], "expulsion": _["purple"], "exile": _["green"], "imprisonment": _["sky"],
                   "deportation": "#8C6D31", "execution": _["black"], "escape": _["blue"], "return": "#6B6ECF",
                   "release": "#B5CF6B", "hunger-strike": "#843C39", "death": "#7B4173", "policy": "#637939",
                   "dissolution": "#E7969C", "demonstration": "#17BECF", "other": _["grey"]},
    # who says it
    "according to": {"the essay": _["vermilion"], "other sources": _["blue"], "the editors": _["black"]},
    # kinds of text
    "text family": {"programmes and appeals": _["vermilion"], "periodical issues": _["blue"],
                    "articles, letters, books": _["green"], "party resolutions": _["grey"]},
    "text kind": {"manifesto": _["orange"], "appeal": _["sky"], "platform": _["green"], "declaration": _["purple"],
                  "statement": _["black"]},
    # the groups, by their names as the charts show them (short name or full name)
    "group": {},
    # what a size estimate counts
    "measure": {},
    # dated or not
    "dated": {"dated": _["blue"], "undated": _["grey"]},
    # a group's existence: the windows in which it was founded or ended, and the years between
    # (hatched where no source records its end)
    "lifespan": {"founding or end (window)": _["sky"], "existed (end recorded)": _["blue"],
                 "existed (no recorded end: to its last recorded event)": _["blue"]},
}
GROUP_ORDER = ["workers-truth", "workers-group", "krp-russia", "workers-opposition", "democratic-centralism",
               "group-of-fifteen", "left-opposition", "irreconcilables", "left-communists-1918", "rcp-b", "kpd", "kapd", "proletkult",
               "comintern", "kap-netherlands", "kai", "italian-left", "stalinist-faction", "pankhurst-cwp"]
# a colour for each group: Okabe & Ito's first, for the groups the charts show most
GROUP_PALETTE = [_["blue"], _["vermilion"], _["green"], _["purple"], _["orange"], _["sky"], _["black"],
                 "#8C6D31", "#6B6ECF", "#B5CF6B", "#843C39", "#7B4173", "#637939", "#E7969C", "#17BECF",
                 "#9C9EDE", "#BCBD22", "#AD494A", "#F0E442"]  # Okabe & Ito's yellow last: hard to see on white
MEASURES = ["members", "core", "sympathisers", "founders", "bureau", "signatories", "delegates", "votes",
            "arrested", "expelled", "prisoners", "strikers"]
FAMILIES["measure"] = dict(zip(MEASURES, GROUP_PALETTE))


def group_colours(groups) -> dict:
    """Each group's colour under its id, short name and full name (`groups`: load("groups"))."""
    order = {g: i for i, g in enumerate(GROUP_ORDER)}
    found = {}
    for row in groups.itertuples():
        colour = GROUP_PALETTE[order.get(row.group_id, len(GROUP_ORDER)) % len(GROUP_PALETTE)]
        found.update({row.group_id: colour, row.short_name: colour, row.name: colour})
    return found


def colours() -> dict:
    """The book's one mapping, category -> colour (every family; a name means one thing everywhere)."""
    from edition.data import load  # the groups' names are data

    found = {}
    for family in FAMILIES.values():
        found.update(family)
    return found | group_colours(load("groups"))


def joined(values) -> str:
    """The distinct labels or ids in a column of ';'-lists, ';'-joined: what one bar or mark that
    stands for several rows carries in its custom_data (`.agg(ids=("event_id", charts.joined))`)."""
    return ";".join(dict.fromkeys(v for value in values if isinstance(value, str) for v in value.split(";") if v))


def use() -> None:
    """Draw with the book's style: its template, and its one colour for each category."""
    import plotly.express as px

    pio.templates.default = STYLE
    px.defaults.template = STYLE
    px.defaults.color_discrete_map = colours()


def mark_disputed(fig: go.Figure, frame, x: str, y: str) -> go.Figure:
    """Ring the marks whose sources disagree (rows whose `disputed` is true), with one legend entry."""
    disputed = frame[frame["disputed"]]
    fig.add_scatter(x=disputed[x], y=disputed[y], mode="markers", name="date disputed",
                    marker=dict(symbol="circle-open", size=17, color="#444444", line_width=1.5),
                    hoverinfo="skip")
    return fig


# plotly 6 writes numeric arrays as typed arrays, {"dtype": "i2", "bdata": <base64>}: their
# little-endian struct codes (plotly.io's own list, _plotly_utils.utils.int8max etc.)
TYPED = {"i1": "b", "u1": "B", "i2": "h", "u2": "H", "i4": "i", "u4": "I", "f4": "f", "f8": "d"}


def values_of(value):
    """A trace's array as a list, whether written as a list or as one of plotly's typed arrays."""
    if isinstance(value, dict) and "bdata" in value and value.get("dtype") in TYPED:
        code = TYPED[value["dtype"]]
        raw = base64.b64decode(value["bdata"])
        flat = list(struct.unpack(f"<{len(raw) // struct.calcsize(code)}{code}", raw))
        shape = [int(n) for n in str(value.get("shape", "")).replace(" ", "").split(",") if n]
        if len(shape) == 2:  # a 2-D array (customdata of numbers): rows of shape[1]
            return [flat[i:i + shape[1]] for i in range(0, len(flat), shape[1])]
        return flat
    return value


def plain_arrays(value):
    """A figure's JSON with every typed array written as a list (what go.Figure and the checks read)."""
    if isinstance(value, dict):
        if "bdata" in value and value.get("dtype") in TYPED:
            return values_of(value)
        return {k: plain_arrays(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_arrays(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------
# Dates drawn only as precisely as the sources give them (issue 24, item 3)
# ---------------------------------------------------------------------------------------------

def agreed_dates(frame, key: str, attestations=None, versions: bool = True):
    """Where to draw each happening of `frame` (one row per happening, `key` its id): at the dates its
    sources agree on. `start` is the latest date_start of its dated attestations and `end` the earliest
    date_end, the days every source allows; when their dates do not overlap (they disagree), the
    happening becomes one row per version (an attestation's own dates; `version` names its source),
    and `versions` counts them (with versions=False, for a chart of one mark per happening, it stays one
    row spanning every version, from the earliest date any source allows to the latest, and `version`
    says "sources disagree"). No date is made up: every start and end is a date a source gives."""
    import pandas as pd

    from edition.data import load

    said = (load("attestations") if attestations is None else attestations).dropna(subset=["date_start", "date_end"])
    rows = []
    for happening, own in said.groupby("happening_id"):
        start, end = own["date_start"].max(), own["date_end"].min()
        if start <= end:
            rows.append({key: happening, "start": start, "end": end, "version": "", "versions": 1})
            continue
        if not versions:
            rows.append({key: happening, "start": own["date_start"].min(), "end": own["date_end"].max(),
                         "version": "sources disagree", "versions": 1})
            continue
        told = own.groupby(["date_start", "date_end"], as_index=False).agg(
            source_id=("source_id", joined), date_text=("date_text", lambda t: " / ".join(dict.fromkeys(t.dropna()))))
        for v in told.itertuples():
            rows.append({key: happening, "start": v.date_start, "end": v.date_end, "version": v.source_id,
                         "versions": len(told), "version_text": v.date_text})
    places = pd.DataFrame(rows, columns=[key, "start", "end", "version", "versions", "version_text"])
    places["version_text"] = places["version_text"].astype(object).fillna("")
    return frame.merge(places, on=key, how="inner")


def _colour(name, fig: go.Figure) -> str:
    import plotly.express as px

    for trace in fig.data:
        if trace.name == str(name) and isinstance(trace.marker.color, str):
            return trace.marker.color
    mapping = px.defaults.color_discrete_map or {}
    return mapping.get(str(name), "#8c8c8c")


def timeline(frame, *, y: str, color: str, hover_name: str, custom_data: list[str], start: str = "start",
             end: str = "end", hover_data: dict | None = None, labels: dict | None = None, title: str | None = None,
             category_orders: dict | None = None, link: str | None = None) -> go.Figure:
    """A time line that draws each row only as precisely as its dates: a row whose `start` and `end` are
    one day is a mark on that day; a row that spans days is a bar from its first day to its last; rows
    that share `link` (the versions of one happening on which the sources disagree) are joined by a
    dotted line. Never a point in the middle of a range. Every mark's hover names its row (`y`) and
    says when in words ("7 November 1928", "1927": charts.when), then the `hover_data` columns."""
    import plotly.express as px

    labels = {"when": "when", **(labels or {})}
    frame = frame.assign(when=[when(s, e) for s, e in zip(frame[start], frame[end])])
    hover_data = {k: v for k, v in (hover_data or {}).items() if v is not False and k not in (start, end, y, color, "when")}
    exact = frame[frame[start] == frame[end]]
    spans = frame[frame[start] != frame[end]]
    fig = px.scatter(exact, x=start, y=y, color=color, hover_name=hover_name, custom_data=custom_data,
                     hover_data={y: True, "when": True, **{k: True for k in hover_data}, start: False, color: False},
                     labels={start: "date", **labels}, title=title, category_orders=category_orders)
    shown = {t.name for t in fig.data}
    order = (category_orders or {}).get(color) or []
    groups = sorted(spans.groupby(color, observed=True), key=lambda g: order.index(g[0]) if g[0] in order else len(order))
    fields = list(custom_data) + [y, "when"] + list(hover_data)
    for name, rows in groups:
        data = rows[fields].astype(object).where(rows[fields].notna(), "").values.tolist()
        lines = [f"{labels.get(f, f)}=%{{customdata[{i}]}}" for i, f in enumerate(fields) if i >= len(custom_data)]
        fig.add_bar(base=rows[start], x=(rows[end] - rows[start]).dt.total_seconds() * 1000, y=rows[y],
                    orientation="h", width=0.42, name=str(name), legendgroup=str(name), showlegend=str(name) not in shown,
                    marker=dict(color=_colour(name, fig), opacity=0.45), customdata=data, hovertext=rows[hover_name],
                    hovertemplate="<b>%{hovertext}</b><br><br>" + "<br>".join(lines) + "<extra></extra>")
    if link:
        xs, ys = [], []
        for _, versions in frame[frame.duplicated(link, keep=False)].sort_values(start).groupby(link):
            versions = versions.sort_values(start)
            for (_, one), (_, other) in zip(versions.iterrows(), versions.iloc[1:].iterrows()):
                xs += [one[end], other[start], None]
                ys += [one[y], other[y], None]
        if xs:
            fig.add_scatter(x=xs, y=ys, mode="lines", name="one happening, sources disagree",
                            line=dict(color="#444444", width=1.2, dash="dot"), hoverinfo="skip")
    fig.update_xaxes(type="date")
    return fig.update_layout(barmode="overlay")


# ---------------------------------------------------------------------------------------------
# Hover labels and tables in plain words (issue 25, item 1)
# ---------------------------------------------------------------------------------------------

def _day(d) -> str:
    return f"{d.day} {d:%B %Y}"


def when(start, end) -> str:
    """A drawn date range in words, no more exact than it is: "7 November 1928", "November 1928",
    "1927", "1918 to 1921", "March to May 1927", else "8 September to 3 October 1923"."""
    import pandas as pd

    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return "undated"
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start == end:
        return _day(start)
    whole_months = start.day == 1 and (end + pd.Timedelta(days=1)).day == 1
    if whole_months and start.month == 1 and end.month == 12:
        return str(start.year) if start.year == end.year else f"{start.year} to {end.year}"
    if whole_months:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start:%B %Y}"
        return f"{start:%B} to {end:%B %Y}" if start.year == end.year else f"{start:%B %Y} to {end:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} to {_day(end)}"
    if start.year == end.year:
        return f"{start.day} {start:%B} to {_day(end)}"
    return f"{_day(start)} to {_day(end)}"


def source_names(ids) -> str:
    """Sources by the names a reader knows them by: "the essay", "the editors", else the author
    (or the title where no author is given), joined "A, B and C"."""
    from edition.data import load

    sources = load("sources").set_index("source_id")
    names = []
    for source in dict.fromkeys(i.strip() for i in str(ids or "").split(";") if i.strip()):
        if source in ("essay", "editors"):
            names.append(f"the {source}")
        elif source in sources.index:
            row = sources.loc[source]
            name = row["author"] if isinstance(row["author"], str) and row["author"] else row["title"]
            names.append(re.sub(r"\s*\([^)]*\)", "", name).strip() or name)  # "Ian Hebbes", not his names in Russian
        else:
            names.append(source)
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else "no source"


def recorded(frame, sources: str = "source_ids", date_text: str = "date_text", paragraph: str = "paragraph",
             dispute: str = "dispute_id"):
    """One sentence per row saying how its sources record it: "Recorded as “March 1923” by the essay
    (wg-4); the sources disagree, see the editor's note “When the Workers' Group was founded”". For the
    hover (labelled "") and the table under the chart; the columns it reads may be missing."""
    import pandas as pd

    from edition.data import load

    topics = load("disputes").set_index("dispute_id")["topic"]

    def sentence(row) -> str:
        # a version of a happening on which the sources disagree: its own words and sources
        version = row.get("version")
        own = isinstance(version, str) and version and version != "sources disagree"
        text = row.get("version_text") if own and row.get("version_text") else row.get(date_text)
        texts = str(text).split(" / ") if isinstance(text, str) and text else []
        said = (f"Recorded as “{texts[0]}”" if len(texts) == 1 else
                f"Recorded in {len(texts)} ways (“{texts[0]}”, “{texts[1]}” …)" if len(texts) > 2 else
                f"Recorded as “{texts[0]}” or “{texts[1]}”" if texts else "Recorded undated")
        ids = version if own else row.get(sources) if isinstance(row.get(sources), str) else ""
        said += f" by {source_names(ids)}"
        cited = row.get(paragraph)
        labels = [label for label in cited.split(";") if label] if isinstance(cited, str) else []  # NaN: none
        if labels:
            said += f" ({', '.join(labels)})" if "essay" in str(ids) else f"; in the essay at {', '.join(labels)}"
        disputed = row.get(dispute)
        if isinstance(disputed, str) and disputed:
            said += f"; the sources disagree, see the editor's note “{topics.get(disputed, disputed)}”"
        return said

    return pd.Series([sentence(row) for row in frame.to_dict("records")], index=frame.index, dtype=object)


def how_many(low, high) -> str:
    """A number of people as a source gives it: "28", "400 to 500", "up to 200", "at least 40", or ""."""
    import pandas as pd

    low = None if low is None or pd.isna(low) else int(low)
    high = None if high is None or pd.isna(high) else int(high)
    if low is not None and high is not None:
        return f"{low:,}" if low == high else f"{low:,} to {high:,}"
    if high is not None:
        return f"up to {high:,}"
    return f"at least {low:,}" if low is not None else ""
