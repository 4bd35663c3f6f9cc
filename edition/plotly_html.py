"""Plotly charts in the HTML book, offline, without a CDN and without inlining plotly.js.

In a kernel, plotly emits the mime type `application/vnd.plotly.v1+json`, which myst-nb 1.4
cannot render. This plug-in (registered in pyproject.toml under `myst_nb.mime_renderers`) turns
that JSON into a placeholder `<div>` plus the figure JSON in a `<script type="application/json">`.
`_static/plotly-figures.js` draws every placeholder with plotly.js, which the Sphinx extension
below copies once into `_static/` from the installed plotly package and adds only to pages that
have a chart. The PDF and EPUB builders prefer the PNG that the print build asks kernels for.
"""
from __future__ import annotations

import functools
import html
import json
import os
import re
import shutil
from pathlib import Path

import plotly
from docutils import nodes
from sphinx.application import Sphinx

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


PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
STATIC = Path(__file__).parent / "static"


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


class PlotlyRenderer:
    """myst-nb mime renderer: interactive plotly JSON for HTML, images for print builders."""

    mime_priority_overrides = [
        ("html", MIME, 5),
        ("dirhtml", MIME, 5),
        ("singlehtml", MIME, 5),
        # print editions: never the JSON, the kernel's PNG instead
        ("latex", MIME, None),
        ("epub", MIME, None),
    ]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != MIME or inline:
            return None
        figure = data.content if isinstance(data.content, dict) else json.loads(data.string)
        layout = dict(figure.get("layout", {}))
        # The house template (8 KB) is the same in every chart: pages name it, and
        # _static/edition-template.js holds it once, with its dark twin (like plotly.js, cached
        # by the browser); plotly-figures.js draws with the one that matches the page's mode.
        if layout.get("template") == house_template():
            layout["template"] = HOUSE
        payload = script_json({"data": [plain_text(trace) for trace in figure.get("data", [])], "layout": layout,
                               "config": {"responsive": True, "displaylogo": False, **figure.get("config", {})}})
        # lighter pages: "1923-05-25T00:00:00.000000" -> "1923-05-25", "T12:00:00.000000" -> "T12:00:00"
        payload = FRACTION.sub(r'\1"', MIDNIGHT.sub(r'"\1"', payload))
        # Alt text lives once, in the cell's `mystnb: image: alt:` metadata, for HTML and print alike.
        options = data.cell_metadata.get("mystnb", {})
        alt = options.get("image", {}).get("alt") or options.get("figure", {}).get("caption", "")
        # role="img" until drawn; plotly-figures.js then moves the name to the chart's SVG, since the
        # drawn chart holds its toolbar's buttons (and an image must not hold controls).
        markup = (f'<div class="plotly-figure" role="img" aria-label="{html.escape(alt)}">'
                  f'<script type="application/json" class="plotly-json">{payload}</script>'
                  "</div>")
        return [nodes.raw("", markup, format="html")]


def _copy_plotly(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        target = static / "plotly.min.js"
        if not target.exists() or target.stat().st_size != PLOTLY_JS.stat().st_size:
            shutil.copyfile(PLOTLY_JS, target)
        templates = json.dumps(house_templates(), separators=(",", ":"))
        (static / "edition-template.js").write_text(f"window.EDITION_TEMPLATES = {templates};\n", encoding="utf-8")


def _scripts_for_charts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is not None and any(MIME in n.astext() or "plotly-figure" in n.astext()
                                   for n in doctree.findall(nodes.raw)):
        app.add_js_file("plotly.min.js")
        app.add_js_file("edition-template.js")
        app.add_js_file("plotly-figures.js")


def edition_of(app: Sphinx) -> str:
    """"html" for the web book, "print" for the PDF and EPUB editions (which want static images)."""
    return "html" if app.builder.format == "html" and app.builder.name != "epub" else "print"


def _kernel_renderer(app: Sphinx) -> None:
    """Choose what the notebook kernels emit, by edition; notebooks themselves stay untouched.

    HTML wants only plotly's JSON (no Chrome needed). Print editions also want a PNG, drawn by
    kaleido with Chromium, and keep their own execution cache: jupyter-cache keys on code only,
    so outputs made for one edition must never be served to the other.
    """
    if edition_of(app) == "html":
        os.environ["PLOTLY_RENDERER"] = "plotly_mimetype"
        app.config.html_static_path.append(str(STATIC))
    else:
        os.environ["PLOTLY_RENDERER"] = "plotly_mimetype+png"
        app.config.nb_execution_cache_path = str(Path(app.outdir).parent / ".jupyter_cache_print")


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _kernel_renderer, priority=400)  # before myst-nb reads its config
    app.connect("html-page-context", _scripts_for_charts)
    app.connect("build-finished", _copy_plotly)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
