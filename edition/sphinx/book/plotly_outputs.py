"""Plotly charts in the HTML book, offline, without a CDN and without inlining plotly.js.

In a kernel, plotly emits the mime type `application/vnd.plotly.v1+json`, which myst-nb 1.4
cannot render. This plug-in (registered in pyproject.toml under `myst_nb.mime_renderers`) turns
that JSON into a placeholder `<div>` plus the figure JSON in a `<script type="application/json">`.
`_static/plotly-figures.js` draws every placeholder with plotly.js (its basic bundle, which
edition/sphinx/web/vendored.py copies into `_static/`), added below only to pages that have a chart.
The PDF and EPUB draw the same JSON as a PNG here, with kaleido (Chromium), so every
edition reads one execution of each notebook (one jupyter-cache); PNGs are kept by the figure's
hash in `_build/.stage/.chart_png`, so a chart unchanged since the last print build is not drawn
again. With every chart's nodes goes the record of its marks (edition/sphinx/book/figures.py).
"""
from __future__ import annotations

import atexit
import base64
import dataclasses
import functools
import hashlib
import html
import json
import os
import re
import warnings
from pathlib import Path

import plotly
from docutils import nodes
from sphinx.application import Sphinx

from edition.derived import write_atomic
from edition.sphinx.book import figures, register
from edition.sphinx.book.editions import edition_of
from edition.sphinx.book.folders import PACKAGE

MIME = "application/vnd.plotly.v1+json"
MIDNIGHT = re.compile(r'"(\d{4}-\d\d-\d\d)T00:00:00(?:\.0+)?"')
FRACTION = re.compile(r'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.0+"')
HOUSE = "edition"  # the name a page uses for the shared house template


def _serialised(name: str) -> dict:
    import plotly.io as pio
    from plotly.utils import PlotlyJSONEncoder

    import edition.charts  # noqa: F401  (registers the templates)

    return json.loads(json.dumps(pio.templates[name].to_plotly_json(), cls=PlotlyJSONEncoder))


@functools.cache
def house_template() -> dict:
    """The chart template as a kernel serialises it (edition.charts makes it the default)."""
    import plotly.io as pio

    import edition.charts  # noqa: F401  (registers the template)

    return _serialised(pio.templates.default)


@functools.cache
def house_templates() -> dict:
    """What `_static/edition-template.js` gives the page: the light and dark house templates and
    the colours that change in dark mode (edition.charts)."""
    from edition.charts import DARK, DARK_SWAPS

    return {"light": house_template(), "dark": _serialised(DARK), "darkSwaps": DARK_SWAPS}


# In a <script> element the HTML parser looks for "</script" and, after "<!--", for "<script":
# the figure's JSON (which holds the dataset's text) must contain neither, or a data field could
# end the element early or make it swallow the page after it.
SCRIPT_BREAKERS = re.compile(r"<(?=/|!--|script)", re.I)


def script_json(value) -> str:
    """JSON to write inside <script type="application/json">: every "<" that could start one of
    those sequences is written as the JSON escape \\u003c (JSON.parse reads it back as "<")."""
    return SCRIPT_BREAKERS.sub(r"\\u003c", json.dumps(value, separators=(",", ":")))


STATIC = PACKAGE / "sphinx" / "web" / "static"


# A trace's data (not its template strings, which the notebook writes): plotly.js reads a few HTML
# tags and links in these, so data that reaches them is entity-escaped and shows as typed.
DATA_KEYS = ("customdata", "text", "hovertext", "name", "legendgroup", "x", "y", "labels", "parents", "meta")


def _escaped(value):
    if isinstance(value, str):
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


def plain_text(trace: dict) -> dict:
    """The trace with every data string shown as text by plotly.js, never as its pseudo-HTML."""
    return {key: _escaped(value) if key in DATA_KEYS else value for key, value in trace.items()}


PNG_CACHE = "chart_png"  # beside the execution cache: _build/.stage/.chart_png


@functools.cache
def _kaleido() -> None:
    """One Chromium for every chart of a print build (kaleido would start one per chart)."""
    import kaleido

    kaleido.start_sync_server(silence_warnings=True)
    atexit.register(kaleido.stop_sync_server, silence_warnings=True)


# Print draws each chart for the page, not for a phone: as wide as the PDF's text (146 mm of A4,
# at the size where the chart's 13 px type prints at about 8 pt), twice as many pixels for sharp
# print, and a date axis over decades marked every two years (plotly's own choice at this width
# is every five: six marks on 1917-1946). Shorter spans keep plotly's months and years.
PRINT_WIDTH, PRINT_SCALE = 760, 2
YEAR = re.compile(r"^(1[89]\d\d|20\d\d)-\d\d")


def _years(figure: dict) -> list[int]:
    """The years of the dates the traces draw (x, and base: where a timeline's bars start)."""
    found = []
    for trace in figure.get("data", []):
        for key in ("x", "base"):
            values = trace.get(key)
            if isinstance(values, str):
                values = [values]
            if isinstance(values, list):
                found += [int(m[1]) for v in values if isinstance(v, str) and (m := YEAR.match(v))]
    return found


def for_print(figure: dict) -> dict:
    """The figure as print draws it: the page's width, and two-year marks on a date axis that
    spans more than twelve years and does not set its own."""
    layout = dict(figure.get("layout", {}), width=PRINT_WIDTH)
    for key, axis in list(layout.items()):
        if not (re.fullmatch(r"xaxis\d*", key) and isinstance(axis, dict) and axis.get("type") == "date") \
                or {"dtick", "tickvals", "nticks"} & set(axis):
            continue
        shown = axis.get("range")  # a range the notebook set (a chart cut at 1917) wins over the data's dates
        years = _years({"data": [{"x": list(shown)}]}) if isinstance(shown, list) else _years(figure)
        if years and max(years) - min(years) > 12:
            layout[key] = {**axis, "dtick": "M24", "tick0": "1900-01-01", "tickformat": "%Y"}
    return {**figure, "layout": layout}


def png(figure: dict, cache_dir: Path) -> bytes:
    """The chart as the print editions show it: plotly's static image of the same figure JSON,
    drawn at print width (for_print)."""
    import plotly.io as pio

    figure = for_print(figure)
    text = json.dumps(figure, sort_keys=True, separators=(",", ":"))
    cached = cache_dir / f"{hashlib.sha256(text.encode()).hexdigest()}.png"
    if cached.is_file():
        return cached.read_bytes()
    _kaleido()
    with warnings.catch_warnings():  # plotly notes that kaleido's server has its options already
        warnings.filterwarnings("ignore", "The kopts argument is ignored", UserWarning)
        image = pio.to_image(figure, format="png", scale=PRINT_SCALE)
    write_atomic(cached, image)
    return image


class PlotlyRenderer:
    """myst-nb mime renderer: interactive plotly JSON for HTML, a PNG of it for print builders."""

    mime_priority_overrides = [(builder, MIME, 5) for builder in ("html", "dirhtml", "singlehtml", "epub", "typst")]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != MIME or inline:
            return None
        figure = data.content if isinstance(data.content, dict) else json.loads(data.string)
        marks = figures.marks_node(figure)
        app = renderer.renderer.sphinx_env.app
        if edition_of(app) == "print":
            cache_dir = Path(app.outdir).parent / f".{PNG_CACHE}"
            # the same output as a PNG: myst-nb's plug-in interface hands us a dataclass
            image = dataclasses.replace(data, mime_type="image/png", output_metadata={},
                                        content=base64.b64encode(png(figure, cache_dir)).decode())
            return renderer.render_image(image) + [marks]
        return [nodes.raw("", web_markup(figure, data.cell_metadata), format="html"), marks]


def web_markup(figure: dict, cell_metadata: dict) -> str:
    """The placeholder <div> with the figure's JSON, for _static/plotly-figures.js to draw."""
    layout = dict(figure.get("layout", {}))
    # The house template (8 KB) is the same in every chart: pages name it, and
    # _static/edition-template.js holds it once, with its dark twin (like plotly.js, cached
    # by the browser); plotly-figures.js draws with the one that matches the page's mode.
    if layout.get("template") == house_template():
        layout["template"] = HOUSE
    payload = script_json({"data": [plain_text(trace) for trace in figure.get("data", [])], "layout": layout,
                           "config": {"responsive": True, "displaylogo": False, **figure.get("config", {})},
                           # a tapped mark's label: its row of the table under the chart, in words
                           "picks": figures.picks(figure)})  # shown as text (textContent), never markup
    # lighter pages: "1923-05-25T00:00:00.000000" -> "1923-05-25", "T12:00:00.000000" -> "T12:00:00"
    payload = FRACTION.sub(r'\1"', MIDNIGHT.sub(r'"\1"', payload))
    # Alt text lives once, in the cell's `mystnb: image: alt:` metadata, for HTML and print alike.
    options = cell_metadata.get("mystnb", {})
    alt = options.get("image", {}).get("alt") or options.get("figure", {}).get("caption", "")
    # A chart whose marks carry their rows (edition/sphinx/book/figures.py) links a clicked mark to its paragraph.
    linked = f' data-paragraph-column="{figures.PARAGRAPH_COLUMN}"' if figures.marks(figure) else ""
    # role="img" until drawn (its still, edition/sphinx/web/stills.py, is its background: this name is the
    # still's); plotly-figures.js then moves the name to the chart's SVG, since the drawn chart holds
    # its toolbar's buttons (and an image must not hold controls). data-still names its still (the
    # figure's hash; _place_charts adds its place on the page).
    still = hashlib.sha256(payload.encode()).hexdigest()[:16]
    return (f'<div class="plotly-figure" role="img" aria-label="{html.escape(alt)}"{linked} data-still="{still}">'
            f'<script type="application/json" class="plotly-json">{payload}</script>'
            "</div>")


def _write_template(app: Sphinx, exception: Exception | None) -> None:
    """plotly.js itself is copied by edition/sphinx/web/vendored.py (its basic bundle, from npm)."""
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        # made again only when the house style or plotly changes (working it out takes a second)
        from edition.derived import Record, fingerprint, refresh

        record = Record(Path(app.doctreedir) / "edition-template.json")
        refresh(static / "edition-template.js", fingerprint(PACKAGE / "charts.py", plotly.__version__),
                lambda: f"window.EDITION_TEMPLATES = {json.dumps(house_templates(), separators=(',', ':'))};\n".encode(),
                record)
        record.save()


STILL_KEY = re.compile(r'data-still="([0-9a-f]+)"')


def _place_charts(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Marks, in the HTML itself, the figure and the boxes that hold a chart (.holds-chart: a phone
    gives them nearly all its width, edition.css), so the chart's still (edition/sphinx/web/stills.py) has
    the chart's width before any script runs; and makes each still's key name the chart's place
    too (page, figure, boxes), since a chart drawn in a box is narrower."""
    if edition_of(app) != "html":
        return
    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext()
        if 'class="plotly-figure"' not in text:
            continue
        place, parent = [docname], raw.parent
        while parent is not None:
            is_box = isinstance(parent, nodes.Admonition) or "admonition" in parent.get("classes", [])
            if isinstance(parent, nodes.figure) or is_box:
                if "holds-chart" not in parent["classes"]:
                    parent["classes"].append("holds-chart")
                place.append(f"{parent.tagname}:{' '.join(sorted(parent['classes']))}")
            parent = parent.parent
        keyed = STILL_KEY.sub(lambda m: f'data-still="{hashlib.sha256("/".join([m[1], *place]).encode()).hexdigest()[:16]}"',
                              text, count=1)
        raw.replace_self(nodes.raw("", keyed, format="html"))


def _scripts_for_charts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is not None and any(MIME in n.astext() or "plotly-figure" in n.astext()
                                   for n in doctree.findall(nodes.raw)):
        # async and fetched first (issue 29: a phone on 4G waited for them behind the theme's dozen
        # small scripts): plotly.js runs while the page still waits for those, and plotly-figures.js
        # draws once the three have run and the page is parsed, not waiting for DOMContentLoaded
        for name in ("plotly.min.js", "edition-template.js", "plotly-figures.js"):
            app.add_js_file(name, loading_method="async", fetchpriority="high")


def _kernel_renderer(app: Sphinx) -> None:
    """Kernels emit plotly's JSON only, for every edition (one execution serves them all: the print
    editions draw their PNGs from it, above); notebooks themselves stay untouched."""
    os.environ["PLOTLY_RENDERER"] = "plotly_mimetype"
    if edition_of(app) == "html":
        app.config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict:
    return register(app, events=[("builder-inited", _kernel_renderer, 400),  # before myst-nb reads its config
                                 ("doctree-resolved", _place_charts),
                                 ("html-page-context", _scripts_for_charts), ("build-finished", _write_template)])
