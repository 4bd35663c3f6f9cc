"""Each chart's still (edition/sphinx/web/stills.py, issue 29): in the chart's place at the chart's size
before plotly.js draws, light or dark as the page is, gone once the chart is drawn; with scripts
blocked and from file:// too; light in bytes; one accessible name, not two."""
from __future__ import annotations

import os
import re

import pytest
from browser import CHROMIUM, FLAGS, serve

from edition.sphinx.web import stills

needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
PAGE = "chapters/repression.html"
FIRST = "fig-repression-timeline"  # the page's first chart
RULE = re.compile(r'(@media \(min-width:\d+px\)\{)?div\.plotly-figure\[data-still="([0-9a-f]+)"\]\{--still-light:url\(([^)]+)\);'
                  r'--still-dark:url\(([^)]+)\);--still-ratio:(\d+)/(\d+)\}')


def _rules(html_dir) -> dict:
    """{(key, "phone" | "wide"): (light file, dark file, width, height)} from chart-stills.css."""
    css = (html_dir / "_static" / stills.CSS).read_text(encoding="utf-8")
    return {(m[2], "wide" if m[1] else "phone"): (m[3], m[4], int(m[5]), int(m[6])) for m in RULE.finditer(css)}


def test_every_drawn_chart_has_its_stills_and_they_are_light(html_dir):
    rules = _rules(html_dir)
    chart_pages = 0
    for page in sorted(html_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        keys = stills.STILL.findall(text)
        linked = f"_static/{stills.CSS}" in text
        assert linked == bool(keys), f"{page}: the stills' stylesheet is on chart pages only"
        chart_pages += bool(keys)
    assert chart_pages >= 4
    repression = stills.STILL.findall((html_dir / PAGE).read_text(encoding="utf-8"))
    assert len(repression) == 6
    for key in repression:  # every chart shown when the page opens has a phone's and a desktop's still
        for width in ("phone", "wide"):
            light, dark, w, h = rules[(key, width)]
            assert light != dark and w > 250 and h > 200
            for name in (light, dark):  # plotly's own SVG, under 60 KB (a few KB compressed), nothing it fetches
                svg = (html_dir / "_static" / name).read_bytes()
                assert svg.startswith(b"<svg") and len(svg) < 60_000, (name, len(svg))
                assert b"<script" not in svg and b"href=\"http" not in svg


def _page(b, base, width, mode, **options):
    context = b.new_context(viewport={"width": width, "height": 900}, color_scheme=mode, **options)
    return context, context.new_page()


@needs_chromium
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_still_shows_until_plotly_draws_then_goes_at_the_same_size(html_dir, width, mode, tmp_path):
    from playwright.sync_api import sync_playwright

    key = re.search(rf'id="{FIRST}".*?data-still="([0-9a-f]+)"', (html_dir / PAGE).read_text(encoding="utf-8"), re.S)[1]
    light, dark, w, h = _rules(html_dir)[(key, "phone" if width < stills.BREAKPOINT else "wide")]
    wanted, other = (light, dark) if mode == "light" else (dark, light)
    with serve(html_dir) as base, sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context, page = _page(b, base, width, mode)
        held = []
        page.route(re.compile(r"/_static/plotly\.min\.js"), lambda route: held.append(route))  # plotly.js waits until the still is checked
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base}/{PAGE}", wait_until="domcontentloaded")
        gd = page.locator(f"#{FIRST} div.plotly-figure")
        page.wait_for_function("(url) => performance.getEntriesByType('resource').some((e) => e.name.endsWith(url))",
                               arg=wanted.split("/")[-1], timeout=60_000)
        still = gd.evaluate("(gd) => ({ image: getComputedStyle(gd).backgroundImage, height: gd.getBoundingClientRect().height,"
                            " width: gd.getBoundingClientRect().width, drawn: !!gd.querySelector('.main-svg') })")
        assert wanted.split("/")[-1] in still["image"] and not still["drawn"], still
        assert abs(still["width"] - w) <= 1 and abs(still["height"] - h) <= 1, (still, w, h)
        # the still is the placeholder's background: the one accessible image, named by the chart's alt text
        alt = gd.get_attribute("aria-label")
        assert alt and gd.get_attribute("role") == "img"
        assert page.locator(f"#{FIRST}").get_by_role("img").count() == 1
        fetched = page.evaluate("() => performance.getEntriesByType('resource').map((e) => e.name)")
        assert not any(name.endswith(other.split("/")[-1]) for name in fetched), "the other mode's still was fetched"
        page.wait_for_timeout(300)
        page.locator(f"#{FIRST}").screenshot(path=str(tmp_path / f"still-{width}-{mode}.png"))
        assert held, "plotly.min.js was not requested"
        held[0].continue_()
        page.wait_for_function(f"() => document.querySelector('#{FIRST} div.plotly-figure.drawn .main-svg .trace')", timeout=120_000)
        drawn = gd.evaluate("(gd) => ({ image: getComputedStyle(gd).backgroundImage, height: gd.getBoundingClientRect().height })")
        assert drawn["image"] == "none", drawn
        assert abs(drawn["height"] - still["height"]) <= 2, (still, drawn)  # no layout shift
        assert page.locator(f"#{FIRST}").get_by_role("img", name=alt, exact=True).count() == 1  # now the drawn chart's SVG
        assert errors == []
        context.close()
        b.close()


@needs_chromium
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_with_scripts_blocked_from_file_the_still_is_the_chart(html_dir, mode, tmp_path):
    """No script at all, opened from the disk: the still is painted (many colours, not a blank box)."""
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context, page = _page(b, None, 390, mode, java_script_enabled=False)
        page.goto((html_dir / PAGE).as_uri(), wait_until="load")
        figure = page.locator(f"#{FIRST}")
        figure.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        box = page.locator(f"#{FIRST} div.plotly-figure").bounding_box()
        assert box["height"] > 300 and box["width"] > 330, box
        shot = tmp_path / f"still-noscript-{mode}.png"
        page.screenshot(path=str(shot), clip=box)
        colours = Image.open(shot).convert("RGB").getcolors(maxcolors=100_000)
        assert colours and len(colours) > 50, "the chart's box is blank"
        # without scripts the theme keeps the page light, even on a dark system: so does the still
        corner = Image.open(shot).convert("L").getpixel((3, 3))
        assert corner > 200, corner
        context.close()
        b.close()


@pytest.mark.check
def test_a_chromium_that_fails_costs_the_stills_not_the_book(tmp_path, monkeypatch):
    """make() with a Chromium that crashes: one line in the log, the stylesheet without stills, no exception."""
    static = tmp_path / "html" / "_static"
    static.mkdir(parents=True)
    for name in ("plotly.min.js", "plotly-figures.js", "edition-template.js"):
        (static / name).write_text("// stand-in\n", encoding="utf-8")
    (tmp_path / "html" / "page.html").write_text('<div class="plotly-figure" data-still="0123abcd"></div>', encoding="utf-8")

    def crash(*args):
        raise RuntimeError("Target page, context or browser has been closed\nmore detail")

    monkeypatch.setattr(stills, "_draw", crash)
    monkeypatch.setattr(stills, "CHROMIUM", "/bin/sh")  # "installed"
    said: list[str] = []
    stills.make(tmp_path / "html", tmp_path / "cache", log=said.append)
    assert said == ["No chart stills for 1 page(s): Chromium failed (Target page, context or browser has been closed); "
                    "those charts draw as before."]
    css = (static / stills.CSS).read_text(encoding="utf-8")
    assert "0123abcd" not in css and "div.plotly-figure[data-still]:not(.drawn)" in css
