"""When a chart page's scripts run (issue 29; edition/sphinx/book/plotly_outputs.py, _static/plotly-figures.js):
plotly.js and the chart scripts load async and are fetched first; the chart the address names is
drawn before the others, and every chart is drawn; the page's other scripts still do their work."""
from __future__ import annotations

import re

import pytest
from browser import CHROMIUM, browser, serve

def test_the_chart_scripts_load_async_and_first(html_dir):
    chart = (html_dir / "chapters" / "repression.html").read_text(encoding="utf-8")
    for name in ("plotly.min.js", "edition-template.js", "plotly-figures.js"):
        tag = re.search(rf'<script[^>]*src="[^"]*_static/{re.escape(name)}[^"]*"[^>]*>', chart)[0]
        assert 'async="async"' in tag and 'fetchpriority="high"' in tag, tag


@pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_the_named_chart_is_drawn_first_and_the_page_still_works(html_dir):
    with serve(html_dir) as base, browser() as b:
        page = b.new_page(viewport={"width": 390, "height": 844})
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # the fifth chart of the page is named: it is drawn before the first
        page.add_init_script("""new MutationObserver(() => document.querySelectorAll('figure').forEach((f) => {
            if (f.querySelector('.main-svg .trace') && !(window.drawnOrder || []).includes(f.id))
              (window.drawnOrder = window.drawnOrder || []).push(f.id); })).observe(document, {subtree: true, childList: true});""")
        page.goto(f"{base}/chapters/repression.html#fig-sapronov-ex", wait_until="load")
        page.wait_for_function("() => [...document.querySelectorAll('div.plotly-figure')].every((g) => g.querySelector('.main-svg .trace'))",
                               timeout=120_000)
        order = page.evaluate("window.drawnOrder")
        assert order[0] == "fig-sapronov-ex" and len(order) == 6, order
        assert page.evaluate("document.querySelector('#fig-sapronov-ex').classList.contains('holds-chart')")
        # the theme's scripts did their work after the charts started: copy buttons on the code cells
        assert page.locator("button.copybtn").count() > 0
        assert page.evaluate("typeof DOCUMENTATION_OPTIONS === 'object' && DOCUMENTATION_OPTIONS.pagename") == "chapters/repression"
        assert errors == []
