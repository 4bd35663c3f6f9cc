"""When a page's scripts run (issue 29; edition/web/loading.py, edition/book/plotly_outputs.py,
_static/plotly-figures.js): only documentation_options.js holds up the reading of a page; chart
pages fetch plotly.js first and draw the chart the address names before the others; the deferred
theme scripts still do their work (copy buttons, toggles)."""
from __future__ import annotations

import re

import pytest
from sphinx.builders.html._assets import _JavaScript

from browser import CHROMIUM, browser, serve
from edition.web.loading import DEFERRED, deferred

SCRIPT = re.compile(r"<script\b([^>]*)>", re.S)


@pytest.mark.check
def test_the_listed_scripts_are_deferred_and_no_other():
    copy = deferred(_JavaScript("copybutton.js", priority=500))
    assert copy.attributes == {"defer": "defer"} and copy.priority == 500
    tabs = deferred(_JavaScript("_static/design-tabs.js?v=1", priority=500, **{"data-sd-tabs-storage-prefix": "x"}))
    assert tabs.attributes == {"data-sd-tabs-storage-prefix": "x", "defer": "defer"}
    for kept in (_JavaScript("documentation_options.js", priority=200),  # the inline script after it needs it
                 _JavaScript("sphinx-thebe.js", **{"async": "async"}),         # not one of ours to change
                 _JavaScript("copybutton.js", **{"async": "async"}),           # already asynchronous: left as it is
                 _JavaScript(None, body="let a = 1;")):                  # inline
        assert deferred(kept) is kept
    # a look-alike name elsewhere in a path is not the script
    assert deferred(_JavaScript("copybutton.js/other.js")).attributes == {}
    assert "documentation_options.js" not in DEFERRED


def blocking(page: str) -> list[str]:
    """The scripts of a page that stop the HTML parser (a src, no async, no defer, not JSON)."""
    found = []
    for attrs in SCRIPT.findall(page):
        src = re.search(r'src="([^"]+)"', attrs)
        if src and not re.search(r"\b(async|defer)\b", attrs):
            found.append(src[1].rsplit("/", 1)[-1].split("?")[0])
    return found


def test_only_documentation_options_holds_up_a_page(html_dir):
    for path in html_dir.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if "<head>" not in text or path.name == "search.html" or "_static" in path.parts:
            continue
        assert blocking(text) in ([], ["documentation_options.js"]), path.relative_to(html_dir)
    chart = (html_dir / "chapters" / "repression.html").read_text(encoding="utf-8")
    for name in ("plotly.min.js", "edition-template.js", "plotly-figures.js"):
        tag = re.search(rf'<script[^>]*src="[^"]*_static/{re.escape(name)}[^"]*"[^>]*>', chart)[0]
        assert 'async="async"' in tag and 'fetchpriority="high"' in tag, tag
    # the search page keeps Sphinx's order: its searchtools.js calls doctools.js as it runs
    assert "doctools.js" in blocking((html_dir / "search.html").read_text(encoding="utf-8"))


@pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_the_named_chart_is_drawn_first_and_the_theme_scripts_still_work(html_dir):
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
        # the deferred scripts did their work: copy buttons on the code cells, the toggles of code
        assert page.locator("button.copybtn").count() > 0
        assert page.evaluate("typeof DOCUMENTATION_OPTIONS === 'object' && DOCUMENTATION_OPTIONS.pagename") == "chapters/repression"
        assert errors == []
