"""The reading-experience gate: every page as people see it, on a phone and a desktop, light and dark.

Debian's Chromium (Playwright) opens every page of the book at 390x844 and 1280x900, with the
system's colour scheme light and dark (the theme follows it), every box opened (dropdowns,
`details`, hidden solutions, every reading layer on), and checks:

- no serious or critical violation from axe-core (vendored in tests/vendor, MPL-2.0; no network):
  every rule at both widths in light, the colour rules in dark;
- no page scrolls sideways on a phone;
- every chart keeps at least 200 px of plot width on a phone;
- the page really is in the mode asked for, and every chart's text reads on its background
  (axe cannot see into a chart's SVG) at 4.5:1 or more.

It saves a screenshot of every page's first screen in every view under
`_build/screens/<view>/<page>.png`, a contact sheet of them per view
(`_build/screens/contact-<view>.png`, drawn by Chromium from `contact-<view>.html`) and every number
it measured in `_build/screens/report.json`. `make screens` (SCREENS=full) saves every page whole
instead: no test reads those pixels, and they were a quarter of the sweep's CPU.
The sweep runs once per session (each view its own browser, two views at a time); the tests read
its record. tools/bench_sweep.py times it by phase.
"""
from __future__ import annotations

import base64
import contextlib
import json
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from browser import CHROMIUM, browser, png, png_top, serve
from fidelity import ROOT

pytestmark = [pytest.mark.book,
              pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                 reason="Debian's chromium is not installed (make test installs it)")]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENS = ROOT / "_build" / "screens"
VIEWS = {  # name: (width, height, colour scheme)
    "phone-light": (390, 844, "light"),
    "phone-dark": (390, 844, "dark"),
    "desktop-light": (1280, 900, "light"),
    "desktop-dark": (1280, 900, "dark"),
}
MIN_PLOT_WIDTH = 200  # px of plot area a phone must keep for every chart
SERIOUS = {"serious", "critical"}
FULL_PAGES = os.environ.get("SCREENS") == "full"  # make screens: every page whole, for a person to read

# Open every box a reader can open: <details>, sphinx-togglebutton dropdowns (editor's notes, data
# boxes, solutions), hidden cell inputs/outputs.
OPEN_EVERYTHING = """() => {
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  document.querySelectorAll("button.toggle-button").forEach((b) => {
    const box = b.closest(".dropdown, .toggle");
    if (b.getAttribute("aria-expanded") === "false" || (box && box.classList.contains("toggle-hidden"))) b.click();
  });
  document.querySelectorAll(".toggle-hidden").forEach((el) => el.classList.remove("toggle-hidden"));
}"""

CHARTS_DRAWN = """() => [...document.querySelectorAll("div.plotly-figure")]
  .every((d) => d.querySelector("svg.main-svg") && d._fullLayout)"""

# Everything opened has taken its place: every chart that shows is drawn at the width it has now
# (plotly-figures.js redraws a chart when a box it is in opens and its width changes), the fonts
# are in, and neither the charts' sizes nor the page's height changed over the last two frames.
# Polled once a frame (wait_for_function's default); in place of a fixed 600 ms wait, it takes
# about 30 ms on most page-views and up to a few hundred where opened boxes hold charts.
SETTLED = """() => {
  const sizes = [...document.querySelectorAll("div.plotly-figure")].map((gd) => [
    Math.round(gd.getBoundingClientRect().width), gd.classList.contains("drawn"),
    gd._fullLayout ? gd._fullLayout.width : null, gd._fullLayout ? gd._fullLayout.height : null]);
  const ready = document.fonts.status === "loaded"
    && sizes.every(([width, drawn, drawnWidth]) => width === 0 || (drawn && drawnWidth === width));
  const now = JSON.stringify([document.scrollingElement.scrollHeight, sizes]);
  const seen = window.sweepSettled || (window.sweepSettled = {last: "", frames: 0});
  seen.frames = ready && now === seen.last ? seen.frames + 1 : 0;
  seen.last = now;
  return seen.frames >= 2;
}"""

# pydata-sphinx-theme makes a code block, cell output or table that scrolls focusable (axe's
# scrollable-region-focusable), 300 ms after the page changes (debounced): opened boxes wait for
# it; a region it never marks is left to axe to name (THEME_MARKED: at most a second and a half).
THEME_MARKED = """() => [...document.querySelectorAll(
    "pre, .nboutput > .output_area, .cell_output > .output, .jp-RenderedHTMLCommon, .pst-scrollable-table-container")]
  .every((el) => el.tabIndex === 0 || !(el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight))"""

# What a page shows: the mode, sideways overflow, each chart's plot width and its colours.
MEASURE = """() => {
  const rgb = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c || "");
    if (m) { const v = m[1].split(",").map(Number); return {r: v[0], g: v[1], b: v[2], a: v.length > 3 ? v[3] : 1}; }
    const h = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec((c || "").trim());
    if (!h) return null;
    let s = h[1]; if (s.length === 3) s = s.split("").map((x) => x + x).join("");
    return {r: parseInt(s.slice(0, 2), 16), g: parseInt(s.slice(2, 4), 16), b: parseInt(s.slice(4, 6), 16), a: 1};
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const pageBg = rgb(getComputedStyle(document.body).backgroundColor);
  const over = (c, bg) => c.a >= 1 || !bg ? c : {r: c.r * c.a + bg.r * (1 - c.a), g: c.g * c.a + bg.g * (1 - c.a), b: c.b * c.a + bg.b * (1 - c.a), a: 1};
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const charts = [...document.querySelectorAll("div.plotly-figure")].map((gd, i) => {
    const fig = gd.closest("figure");
    const name = fig && fig.id ? fig.id : `chart ${i + 1}`;
    const drags = [...gd.querySelectorAll(".nsewdrag")].map((r) => r.getBoundingClientRect().width);
    const L = gd._fullLayout || {};
    const paper = over(rgb(L.paper_bgcolor) || {r: 255, g: 255, b: 255, a: 1}, pageBg);
    const font = rgb(L.font && L.font.color) || {r: 0, g: 0, b: 0, a: 1};
    const box = gd.getBoundingClientRect();
    // hover lines that would show a blank: "=value" (no label) or "label=" (no value for a mark)
    const blanks = [];
    (gd.data || []).forEach((t) => {
      const templates = Array.isArray(t.hovertemplate) ? t.hovertemplate : (t.customdata || [null]).map(() => t.hovertemplate);
      templates.forEach((one, i) => String(one || "").split("<br>").forEach((line) => {
        const m = /^(?:[^=:%]+(?:=|: ))?%\\{customdata\\[(\\d+)\\]\\}/.exec(line);  // "label: value" as drawn, or a sentence alone
        const value = m && t.customdata && t.customdata[i] ? t.customdata[i][Number(m[1])] : "x";
        if (line.startsWith("=") || value === null || value === "" || value === undefined) blanks.push(line);
      }));
    });
    const ticks = [...gd.querySelectorAll(".xtick text, .ytick text")].map((t) => t.textContent);
    return {name, visible: box.width > 0 && box.height > 0, width: Math.round(box.width), blanks, ticks,
            plot_width: drags.length ? Math.round(Math.max(...drags)) : null,
            paper_luminance: +lum(paper).toFixed(3), text_contrast: +ratio(over(font, paper), paper).toFixed(2)};
  });
  const el = document.scrollingElement;
  return {theme: document.documentElement.dataset.theme || "", scroll_width: el.scrollWidth,
          inner_width: window.innerWidth, charts};
}"""


def pages(html_dir: Path) -> list[str]:
    """Every page of the book a reader opens (the toc's pages, not the index or search)."""
    return sorted(p.relative_to(html_dir).as_posix() for p in (html_dir / "chapters").glob("*.html"))


# The axe rules that read colours: all a dark view can change, so the dark views run these alone
# and every other rule runs once per width, in the light views.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def _axe(page, rules: list[str] | None = None) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async (rules) => {
      const only = rules ? {runOnly: {type: "rule", values: rules}} : {};
      const r = await axe.run(document, {resultTypes: ["violations"], ...only});
      return r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({impact: n.impact, target: n.target.join(" "),
                                    summary: (n.failureSummary || "").split("\\n").slice(0, 3).join(" ")}))}));
    }""", rules)
    return found


THUMB = 240  # px: a page's width on the contact sheets


def _contact_sheet(b, view: str, tops: list[tuple[str, bytes]]) -> Path:
    """The tops of all pages side by side (the first screen of each), drawn by the same Chromium
    into one PNG, so a person sees the whole book in one mode at a glance."""
    cells = "".join(f'<figure><img src="data:image/png;base64,{base64.b64encode(top).decode()}" width="{THUMB}">'
                    f'<figcaption>{name}</figcaption></figure>' for name, top in tops)
    page_html = SCREENS / f"contact-{view}.html"
    page_html.write_text(f"<!doctype html><meta charset=utf-8><title>{view}</title><style>body{{margin:8px;"
                         f"display:flex;flex-wrap:wrap;gap:8px;font:13px sans-serif;background:#888}}figure{{margin:0;"
                         f"width:{THUMB}px;background:#fff}}img{{display:block}}figcaption{{padding:2px 4px}}</style>{cells}",
                         encoding="utf-8")
    out = SCREENS / f"contact-{view}.png"
    page = b.new_page(viewport={"width": 6 * (THUMB + 8) + 16, "height": 400})
    page.goto(page_html.as_uri(), wait_until="load")
    png(page, out)
    page.close()
    return out


def _untimed(phase: str):
    return contextlib.nullcontext()


def sweep_view(base: str, names: list[str], view: str, timed=_untimed) -> tuple[dict, Path]:
    """One view: every page opened, measured, checked by axe and saved; (what was measured, the
    contact sheet). Its own browser, so that views can run side by side, each in a thread (one
    Playwright per thread, as Playwright asks). `timed(phase)` wraps each phase (tools/bench_sweep.py)."""
    width, height, scheme = VIEWS[view]
    (SCREENS / view).mkdir(parents=True, exist_ok=True)
    with browser() as b:
        context = b.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
        # every reading layer on: the gate reads all the editors' matter too
        context.add_init_script("try { localStorage.setItem('edition-reading-layer', 'data'); } catch (e) {}")
        page = context.new_page()
        tops, results = [], {}
        for name in names:
            with timed("load, charts drawn"):
                page.goto(f"{base}/{name}", wait_until="load")
                page.wait_for_function(CHARTS_DRAWN, timeout=30000)
            with timed("open everything, settled"):
                page.evaluate(OPEN_EVERYTHING)
                page.wait_for_function(SETTLED, timeout=30000)
                with contextlib.suppress(PlaywrightTimeout):
                    page.wait_for_function(THEME_MARKED, timeout=1500)
            with timed("measure"):
                measured = page.evaluate(MEASURE)
            with timed("axe"):
                measured["axe"] = _axe(page, COLOUR_RULES if scheme == "dark" else None)
            results[name] = measured
            with timed("screenshot"):
                shot = png(page, SCREENS / view / (Path(name).stem + ".png"), full=FULL_PAGES)
            with timed("top for the contact sheet"):
                tops.append((Path(name).stem, png_top(shot, height)))
        context.close()
        with timed("contact sheet"):
            return results, _contact_sheet(b, view, tops)


@pytest.fixture(scope="session")
def sweep(html_dir):
    """Open every page in every view once; record what was measured (and save the screenshots).
    Two views side by side: much of a view's time is its browser waiting (loads, frames)."""
    record = {"views": {}, "sheets": []}
    names = pages(html_dir)
    with serve(html_dir) as base, ThreadPoolExecutor(max_workers=2) as pool:
        done = {view: pool.submit(sweep_view, base, names, view) for view in VIEWS}
        for view, future in done.items():
            results, sheet = future.result()
            record["views"][view] = results
            record["sheets"].append(str(sheet.relative_to(ROOT)))
    (SCREENS / "report.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return record


def serious(record) -> list[tuple[str, str, dict]]:
    return [(view, name, v) for view, results in record["views"].items() for name, r in results.items()
            for v in r["axe"] if v["impact"] in SERIOUS]


def test_no_serious_or_critical_axe_violation(sweep):
    found = serious(sweep)
    by_rule = Counter(v["id"] for _, _, v in found)
    detail = "\n".join(f"  {view} {name}: {v['id']} ({v['impact']}) {v['help']}: "
                       f"{'; '.join(n['target'] for n in v['nodes'][:3])}" for view, name, v in found[:40])
    assert not found, (f"{len(found)} serious/critical axe violations over "
                       f"{sum(len(r) for r in sweep['views'].values())} page-views {dict(by_rule)}:\n{detail}")


def test_the_page_is_in_the_mode_the_system_asks_for(sweep):
    wrong = [(view, name, r["theme"]) for view, results in sweep["views"].items() for name, r in results.items()
             if r["theme"] != VIEWS[view][2]]
    assert not wrong, wrong[:10]


def test_no_page_scrolls_sideways_on_a_phone(sweep):
    wide = [(view, name, r["scroll_width"], r["inner_width"]) for view, results in sweep["views"].items()
            if view.startswith("phone") for name, r in results.items() if r["scroll_width"] > r["inner_width"]]
    assert not wide, f"pages wider than the phone (view, page, scrollWidth, innerWidth): {wide}"


def test_every_chart_keeps_its_plot_width_on_a_phone(sweep):
    narrow = [(view, name, c["name"], c["plot_width"]) for view, results in sweep["views"].items()
              if view.startswith("phone") for name, r in results.items() for c in r["charts"]
              if c["plot_width"] is None or c["plot_width"] < MIN_PLOT_WIDTH]
    assert not narrow, f"charts with less than {MIN_PLOT_WIDTH} px of plot on a phone: {narrow}"


def test_chart_text_reads_on_its_background_in_both_modes(sweep):
    bad = []
    for view, results in sweep["views"].items():
        dark = VIEWS[view][2] == "dark"
        for name, r in results.items():
            for c in r["charts"]:
                if c["text_contrast"] < 4.5 or (dark and c["paper_luminance"] > 0.2):
                    bad.append((view, name, c["name"], c["text_contrast"], c["paper_luminance"]))
    assert not bad, f"charts whose text does not read, or a white card on a dark page: {bad[:20]}"


def test_hover_labels_have_no_blanks(sweep):
    """No hover line is a bare "=value" (an empty label) or a "label=" with nothing after it."""
    bad = {(name, c["name"], line) for view, results in sweep["views"].items() for name, r in results.items()
           for c in r["charts"] for line in c["blanks"]}
    assert not bad, sorted(bad)[:20]


def test_no_row_label_is_a_raw_id(sweep):
    """Charts label their rows with names, not the dataset's ids or the pages' file names."""
    from edition.data import load
    from edition.essay import ESSAY
    ids = set(ESSAY)
    for table, column in [("groups", "group_id"), ("people", "person_id"), ("sources", "source_id"),
                          ("publications", "publication_id")]:
        ids |= set(load(table)[column].dropna().astype(str))
    bad = {(name, c["name"], tick) for view, results in sweep["views"].items() for name, r in results.items()
           for c in r["charts"] for tick in c["ticks"] if tick in ids}
    assert not bad, sorted(bad)


def test_screens_are_saved_for_a_person_to_look_at(sweep):
    for view in VIEWS:
        assert len(list((SCREENS / view).glob("*.png"))) == len(next(iter(sweep["views"].values())))
    assert all((ROOT / s).exists() for s in sweep["sheets"])


# --- the reading layers of an essay page ----------------------------------------------------------
VISIBLE_EDITORIAL = """() => [...document.querySelectorAll("article .editorial")]
  .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
  .filter((el) => !el.matches("a.para-label, h1, fieldset.reading-layers, fieldset.reading-layers *"))
  .map((el) => el.className + ": " + el.textContent.trim().slice(0, 60))"""


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@contextlib.contextmanager
def served_page(chromium, html_dir, layer: str | None = None, **options):
    """(page, base address): a page in a new 1280x900 browser context (`options` for new_context),
    the book served over HTTP; with `layer`, the reader has chosen that reading layer already."""
    context = chromium.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
    if layer:
        context.add_init_script(f"try {{ localStorage.setItem('edition-reading-layer', '{layer}'); }} catch (e) {{}}")
    try:
        with serve(html_dir) as base:
            yield context.new_page(), base
    finally:
        context.close()


def test_reading_layers_switch_and_are_remembered_from_file(chromium, html_dir):
    """The choice holds on every essay page, also for a book opened from the disk (file://)."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    chapters = (html_dir / "chapters").resolve()
    page.goto((chapters / "workers-truth.html").as_uri())
    from edition.sphinx.web.reading import DEFAULT_LAYER, LAYERS
    assert page.evaluate("document.documentElement.dataset.readingLayer") == DEFAULT_LAYER
    switch = page.locator("fieldset.reading-layers")
    assert switch.is_visible()
    assert [label.strip() for label in switch.locator("label").all_inner_texts()] == list(LAYERS.values())
    assert page.locator("div.data-behind").first.is_hidden()  # the default shows notes, not data
    assert page.locator(".admonition.editorial", has_text="Before you read").is_visible()
    page.get_by_label("Essay", exact=True).check()
    assert page.locator(".admonition.editorial").first.is_hidden()
    page.goto((chapters / "closing.html").as_uri())
    assert page.evaluate("document.documentElement.dataset.readingLayer") == "essay"
    assert page.get_by_label("Essay", exact=True).is_checked()
    page.get_by_label("Essay + notes + data").check()
    page.goto((chapters / "workers-group.html").as_uri())
    assert page.locator("div.data-behind").first.is_visible()
    context.close()


def test_essay_layer_shows_only_the_authors_words(chromium, html_dir):
    from fidelity import essay_pages
    with served_page(chromium, html_dir, layer="essay") as (page, base):
        for name in essay_pages():
            page.goto(f"{base}/{name}.html")
            assert page.evaluate(VISIBLE_EDITORIAL) == [], name
            assert page.locator("a.para-label").first.is_visible(), name  # labels stay, to cite by
            underlined = page.evaluate("""() => [...document.querySelectorAll("a.glossary-term")]
                .filter((a) => getComputedStyle(a).textDecorationLine !== "none").length""")
            assert underlined == 0, name


def test_a_link_to_a_hidden_note_shows_it(chromium, html_dir):
    """From the "Editorial notes" page to a note in place, with the essay alone chosen."""
    with served_page(chromium, html_dir, layer="essay") as (page, base):
        page.goto(f"{base}/chapters/editorial-notes.html")
        link = page.locator("a", has_text="read the note in place").first
        target = link.get_attribute("href").split("#")[1]
        link.click()
        page.wait_for_url(f"**#{target}")
        assert page.locator(f"[id='{target}']").is_visible()
        assert page.evaluate("localStorage.getItem('edition-reading-layer')") == "essay"  # the choice stands


def test_glossary_terms_are_quiet(chromium, html_dir):
    """In the text, a glossary term is the text's own colour with a dotted underline, not a blue link."""
    with served_page(chromium, html_dir) as (page, base):
        page.goto(f"{base}/chapters/workers-truth.html")
        style = page.evaluate("""() => { const a = document.querySelector("p#wt-1 a.glossary-term");
            const s = getComputedStyle(a), p = getComputedStyle(a.closest("p"));
            return [s.color === p.color, s.textDecorationStyle, s.textDecorationLine]; }""")
        assert style == [True, "dotted", "underline"]


def test_charts_follow_a_change_of_mode(chromium, html_dir):
    """The system (or the reader) switches to dark: the charts redraw with the dark house template."""
    paper = """() => [...document.querySelectorAll("div.plotly-figure")].map((gd) => gd._fullLayout.paper_bgcolor)"""
    with served_page(chromium, html_dir, color_scheme="light") as (page, base):
        page.goto(f"{base}/chapters/membership.html")
        page.wait_for_function(CHARTS_DRAWN, timeout=30000)
        assert set(page.evaluate(paper)) == {"white"}
        page.emulate_media(color_scheme="dark")
        page.wait_for_function("document.documentElement.dataset.theme === 'dark'")
        from edition.charts import DARK_BACKGROUND
        page.wait_for_function(f"""() => [...document.querySelectorAll("div.plotly-figure")]
            .every((gd) => gd._fullLayout.paper_bgcolor === "{DARK_BACKGROUND}")""", timeout=15000)
