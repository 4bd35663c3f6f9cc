"""The web book's plotly.js is a small bundle (issue 29: plotly.js's basic bundle, bar, pie and
scatter, from npm; edition/sphinx/web/vendored.py): it must draw every chart the book has. Each figure of
every page is drawn with it in Chromium; a trace type the bundle has not registered fails, and so
does a chart drawn as something else or with a console error. The pages load the small bundle and
the cut Font Awesome, and every icon of the pages is still drawn."""
from __future__ import annotations

import json
import re

import pytest

from browser import CHROMIUM, browser, serve

pytestmark = [pytest.mark.book,
              pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="Debian's chromium is not installed")]

FIGURE = re.compile(r'<script type="application/json" class="plotly-json">(.*?)</script>', re.S)
THEME_NOISE = ("thebe", "theme mode")  # the theme's own console errors (tests/test_browser.py)


def chart_pages(html_dir) -> dict[str, list[dict]]:
    """page: its figures (data, layout, config), as plotly-figures.js reads them."""
    pages = {}
    for path in sorted(html_dir.rglob("*.html")):
        figures = [json.loads(text) for text in FIGURE.findall(path.read_text(encoding="utf-8"))]
        if figures:
            pages[path.relative_to(html_dir).as_posix()] = figures
    return pages


def trace_types(figures: list[dict]) -> set[str]:
    return {trace.get("type", "scatter") for figure in figures for trace in figure["data"]}


def undrawable(types: set[str], registered: set[str]) -> set[str]:
    return types - registered


@pytest.fixture(scope="module")
def site(html_dir):
    with serve(html_dir) as base, browser() as b:
        page = b.new_page()
        page.goto(f"{base}/chapters/index.html", wait_until="load")
        page.add_script_tag(url=f"{base}/_static/plotly.min.js")
        registered = set(page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces)"))
        version = page.evaluate("() => Plotly.version")
        page.close()
        yield base, b, registered, version


def test_the_book_loads_the_small_bundle_of_plotly_python_s_version(site, html_dir):
    import plotly.offline

    _base, _b, registered, version = site
    assert version == plotly.offline.get_plotlyjs_version()
    assert registered == {"bar", "pie", "scatter"}  # the basic bundle: not plotly's full 4.8 MB
    assert (html_dir / "_static" / "plotly.min.js").stat().st_size < 1_300_000
    notice = (html_dir / "_static" / "plotly.min.js.LICENSE.txt").read_text(encoding="utf-8")
    assert f"plotly.js-basic-dist-min {version}" in notice and "MIT License" in notice


def test_every_trace_type_of_the_book_is_in_the_bundle(site, html_dir):
    _base, _b, registered, _version = site
    pages = chart_pages(html_dir)
    assert len(pages) >= 4, pages.keys()
    missing = {page: undrawable(trace_types(figures), registered) for page, figures in pages.items()}
    assert not any(missing.values()), (f"plotly.js's basic bundle cannot draw {missing}: choose a bundle that can "
                                       f"(Makefile: PLOTLY_JS_NPM, e.g. plotly.js-cartesian-dist-min)")


def test_a_trace_type_the_bundle_lacks_is_caught(site):
    """Hostile case: a heatmap (the cartesian bundle has it, the basic one not). The check names
    it, and the bundle indeed draws no heatmap (plotly.js falls back to a scatter)."""
    base, b, registered, _version = site
    figures = [{"data": [{"type": "bar", "x": [1], "y": [2]}, {"type": "heatmap", "z": [[1, 2], [3, 4]]}]}]
    assert undrawable(trace_types(figures), registered) == {"heatmap"}
    page = b.new_page()
    page.goto(f"{base}/chapters/index.html", wait_until="load")
    page.add_script_tag(url=f"{base}/_static/plotly.min.js")
    drawn = page.evaluate("""async () => {
        const div = document.createElement("div"); document.body.append(div);
        await Plotly.newPlot(div, [{type: "heatmap", z: [[1, 2], [3, 4]]}]);
        return div._fullData[0].type; }""")
    page.close()
    assert drawn != "heatmap"


@pytest.mark.parametrize("width", [390, 1280])
def test_every_figure_of_the_book_draws_with_the_bundle(site, html_dir, width):
    """Each chart page as a reader opens it: every figure drawn, each trace as the type it asked
    for (plotly.js draws an unknown type as a scatter), and no console error from the charts."""
    base, b, _registered, _version = site
    for rel, figures in chart_pages(html_dir).items():
        page = b.new_page(viewport={"width": width, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
        page.on("console", lambda m: errors.append(f"{m.location.get('url', '')}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.goto(f"{base}/{rel}", wait_until="load")
        page.wait_for_function(f"() => document.querySelectorAll('.plotly-figure').length === {len(figures)}"
                               " && [...document.querySelectorAll('.plotly-figure')].every(gd => gd._fullData)",
                               timeout=60_000)
        drawn = page.evaluate("""() => [...document.querySelectorAll('.plotly-figure')].map(gd =>
            gd.data.map((trace, i) => [trace.type || 'scatter', gd._fullData[i] && gd._fullData[i].type]))""")
        scripts = page.evaluate("() => [...document.scripts].map(s => s.src.split('/').pop().split('?')[0]).filter(Boolean)")
        page.close()
        assert len(drawn) == len(figures), rel
        for asked in drawn:
            assert asked and all(want == got for want, got in asked), f"{rel}: traces drawn as another type: {asked}"
        own = [e for e in errors if not any(t in e.lower() for t in THEME_NOISE) and "favicon" not in e
               and "Failed to load resource" not in e]
        assert not own, f"{rel}: {own[:5]}"
        assert "plotly.min.js" in scripts, rel


def test_every_icon_is_drawn_and_font_awesome_is_cut(site, html_dir):
    """The theme's icons (<i class="fa-...">) all become SVGs with Font Awesome cut to the icons the
    pages name (scripts/fontawesome.js, about 90 KB instead of the theme's 1.5 MB)."""
    base, b, _registered, _version = site
    assert (html_dir / "_static" / "scripts" / "fontawesome.js").stat().st_size < 150_000
    pages = ["index.html", "search.html", "chapters/repression.html", "chapters/whos-who.html"]
    for rel in pages:
        page = b.new_page(viewport={"width": 390, "height": 844})
        errors = []
        page.on("console", lambda m: errors.append(m.text) if "icon" in m.text.lower() else None)
        page.goto(f"{base}/{rel}", wait_until="load")
        page.wait_for_function("() => document.querySelectorAll('svg.svg-inline--fa').length > 5", timeout=30_000)
        page.wait_for_timeout(300)
        left = page.evaluate("() => [...document.querySelectorAll('i[class*=\"fa-\"]')].map(i => i.className)")
        missing = page.evaluate("() => [...document.querySelectorAll('svg.svg-inline--fa.missing, svg[data-icon=\"circle-question\"]')].length")
        page.close()
        assert not left and not missing and not errors, (rel, left, missing, errors)
