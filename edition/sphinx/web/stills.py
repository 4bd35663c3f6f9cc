"""A still of every chart, shown in its place at once and replaced when plotly.js has drawn it (issue 29).

A phone on 4G with a slow processor waited about 5 s for a chart: the page parsed, plotly.js (1.2 MB)
fetched and run, then the chart drawn. Each chart now has a picture of itself from the build, in
the page's first paint:

- Drawn by the page's own scripts: the built page is opened in Chromium (Playwright, Debian's
  chromium, as the tests use) at a phone's width (390 px) and a desktop's (1280 px), light and dark;
  when `_static/plotly-figures.js` has drawn its charts, each is saved as plotly's SVG of that very
  drawing (Plotly.toImage). The still is what the reader's chart will be at that width: same
  size (no layout shift when it is replaced), same labels, legend and colours.
- SVG: the repression page's six stills for a phone are 150 KB, 19 KB compressed (the first, 46 KB
  and 3 KB); as lossless WebP, sharp on a phone (2 device pixels a CSS pixel), 32 KB for the first
  alone, and drawing them took a cold build 121 s instead of 48. WebP is decoded off the page's
  main thread, SVG on it, but the phone bench found no difference (tools/bench_pages.py, load 16:
  interactive 7.16 s with WebP, 6.26 s with SVG, within the noise).
- Shown by `_static/chart-stills.css` (chart pages only, written here): each chart's
  placeholder (`div.plotly-figure[data-still=<key>]`, edition/sphinx/book/plotly_outputs.py) takes the
  still's height and shows it as its background, the light or dark one as the theme decides (its
  `data-theme`, or the system's mode when that is "auto"; only that one is fetched), the phone's or
  the desktop's by the screen's width. plotly-figures.js marks a drawn chart `.drawn` and the still
  goes. A background is no element: screen readers meet the placeholder's name (role="img", the
  chart's alt text) once, then the drawn chart's, never a second image. Relative URLs in the
  stylesheet: it works from file:// and offline.
- Cached by content: a still is kept (`_build/.stage/.chart_still/`) under a key made of its
  figure, its place on the page, the page's scripts and styles, the width and the mode; a build
  opens only the chart pages that have a chart without its stills. No Chromium: the book is built
  without stills (said in the build's log), and its charts draw as before.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
import urllib.parse
from pathlib import Path
from typing import Literal

from docutils import nodes

from edition.sphinx.book import register
from edition.sphinx.book.editions import edition_of
from edition.derived import fingerprint, write_atomic

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--disable-sync", "--disable-quic"]
# (name, viewport width): the phone's still shows on screens narrower than the breakpoint, where
# plotly-figures.js lays charts out for a phone (charts under 600 px wide); the desktop's above it
WIDTHS = (("phone", 390), ("wide", 1280))
BREAKPOINT = 640  # px of screen: under it a chart is under 600 px wide (the article's padding)
MODES: tuple[Literal["light"], Literal["dark"]] = ("light", "dark")
STILL = re.compile(r'data-still="([0-9a-f]+)"')
CSS = "chart-stills.css"
FOLDER = "stills"  # in _static/
CACHE = ".chart_still"  # beside the stage's output, as print's .chart_png
VERSION = "2"  # bump when what a still holds changes


def _assets(static: Path) -> str:
    """What a chart's drawing depends on besides its figure: the scripts that draw it and every style."""
    return fingerprint(VERSION, *(static / n for n in ("plotly.min.js", "plotly-figures.js", "edition-template.js")),
                       sorted((p for p in static.rglob("*.css") if p.name != CSS), key=str))  # not its own output


def _name(key: str, assets: str, width: str, mode: str) -> str:
    return hashlib.sha256(f"{key}\0{assets}\0{width}\0{mode}".encode()).hexdigest()[:20]


DRAWN = """() => [...document.querySelectorAll('div.plotly-figure')]
  .every((gd) => gd.classList.contains('drawn') || !gd.getBoundingClientRect().width)"""
# a chart in a closed box (no width) has no still, recorded as such: the page is not opened again for it
SAVE = """async () => Promise.all([...document.querySelectorAll('div.plotly-figure')].map(async (gd) => {
    if (!gd.getBoundingClientRect().width || !gd.classList.contains('drawn')) return [gd.dataset.still, 0, 0, null];
    const L = gd._fullLayout;
    const svg = await Plotly.toImage(gd, {format: 'svg', width: L.width, height: L.height});
    return [gd.dataset.still, L.width, L.height, svg]; }))"""


def _draw(pages: list[Path], cache: Path, assets: str) -> None:
    """Open each page at each width and save every chart as drawn (SVG) with its size, light; then
    the page turned dark as the theme's switch does (plotly-figures.js draws every chart again)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            for page_file in pages:
                for width_name, width in WIDTHS:
                    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme="light")
                    page = context.new_page()
                    page.goto(page_file.as_uri(), wait_until="load")
                    for mode in MODES:
                        if mode == "dark":
                            page.evaluate("""() => { document.querySelectorAll('div.plotly-figure').forEach((gd) =>
                                gd.classList.remove('drawn')); document.documentElement.dataset.theme = 'dark'; }""")
                        page.wait_for_function(DRAWN, timeout=120_000)
                        for key, w, h, svg in page.evaluate(SAVE):
                            name = _name(key, assets, width_name, mode)
                            if svg:
                                write_atomic(cache / f"{name}.svg", urllib.parse.unquote(svg.split(",", 1)[1]).encode())
                            write_atomic(cache / f"{name}.json", json.dumps([round(w), round(h)]).encode())
                    context.close()
        finally:
            browser.close()


def _rules(key: str, sizes: dict) -> str:
    """One chart's custom properties: its still and size per width and mode."""
    out = []
    for width_name, _ in WIDTHS:
        if width_name not in sizes:
            continue
        w, h, names = sizes[width_name]
        props = (f"--still-light:url({FOLDER}/{names['light']}.svg);--still-dark:url({FOLDER}/{names['dark']}.svg);"
                 f"--still-ratio:{w}/{h}")
        rule = f'div.plotly-figure[data-still="{key}"]{{{props}}}'
        out.append(rule if width_name == "phone" else f"@media (min-width:{BREAKPOINT}px){{{rule}}}")
    return "\n".join(out)


# Shown until drawn: the still, the light or dark one as plotly-figures.js's mode() decides (the
# page's data-theme; "auto": the system's mode). With scripts off the theme never turns the page
# dark ("auto" stays light), so neither does the still.
GENERAL = """/* Written by edition/sphinx/web/stills.py: each chart's still until plotly.js has drawn it. */
div.plotly-figure[data-still]:not(.drawn){aspect-ratio:var(--still-ratio,auto);
  background:var(--still-light) left top/100% auto no-repeat}
html[data-theme="dark"] div.plotly-figure[data-still]:not(.drawn){background-image:var(--still-dark)}
@media (prefers-color-scheme:dark) and (scripting:enabled){
  html:not([data-theme="light"]) div.plotly-figure[data-still]:not(.drawn){background-image:var(--still-dark)}}
"""


def make(outdir: Path, cache: Path, log=print) -> None:
    """Write `_static/chart-stills.css` and the stills it names into the built HTML book."""
    static = outdir / "_static"
    pages = {p: sorted(set(STILL.findall(p.read_text(encoding="utf-8"))))
             for p in outdir.rglob("*.html") if "_static" not in p.parts}
    pages = {p: keys for p, keys in pages.items() if keys}
    assets = _assets(static)
    missing = [p for p, keys in sorted(pages.items())
               if any(not (cache / f"{_name(k, assets, w, m)}.json").is_file() for k in keys for w, _ in WIDTHS for m in MODES)]
    if missing:
        if Path(CHROMIUM).exists():
            cache.mkdir(parents=True, exist_ok=True)
            start = time.monotonic()
            try:
                _draw(missing, cache, assets)
                log(f"  drew the chart stills of {len(missing)} page(s) in {time.monotonic() - start:.0f} s")
            except Exception as error:  # a still is a courtesy: a Chromium that fails costs it, not the book
                first = (str(error).strip().splitlines() or [type(error).__name__])[0]
                log(f"No chart stills for {len(missing)} page(s): Chromium failed ({first}); those charts draw as before.")
        else:
            log(f"No chart stills: {CHROMIUM} is not installed (make book installs it); the charts draw as before.")
    rules, used = [GENERAL], set()
    for key in sorted({k for keys in pages.values() for k in keys}):
        sizes = {}
        for width_name, _ in WIDTHS:
            names = {m: _name(key, assets, width_name, m) for m in MODES}
            if all((cache / f"{n}.json").is_file() for n in names.values()):
                w, h = json.loads((cache / f"{names['light']}.json").read_text())
                if w and h:
                    sizes[width_name] = (w, h, names)
                    used |= set(names.values())
        if sizes:
            rules.append(_rules(key, sizes))
    folder = static / FOLDER
    for name in used:
        if not (folder / f"{name}.svg").is_file():
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cache / f"{name}.svg", folder / f"{name}.svg")
    for old in folder.glob("*.svg") if folder.is_dir() else ():
        if old.stem not in used:
            old.unlink()
    write_atomic(static / CSS, "\n".join(rules).encode() + b"\n")


def _stylesheet(app, pagename, templatename, context, doctree) -> None:
    """Chart pages link the stills' stylesheet (render-blocking: it gives each chart its size)."""
    if edition_of(app) == "html" and doctree is not None and any(
            'data-still="' in n.astext() for n in doctree.findall(nodes.raw)):
        app.add_css_file(CSS)


def _write(app, exception) -> None:
    """After plotly.js and the house templates are in _static/ (edition/sphinx/web/vendored.py,
    edition/sphinx/book/plotly_outputs.py), which the pages drawn here need."""
    if exception is None and edition_of(app) == "html":
        from sphinx.util import logging

        make(Path(app.outdir), Path(app.outdir).parent / CACHE, log=logging.getLogger(__name__).info)  # in html.log


def setup(app) -> dict:
    return register(app, events=[("html-page-context", _stylesheet), ("build-finished", _write, 900)])
