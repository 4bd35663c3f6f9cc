"""Issue 14 in a real browser, from file://: previews (focus, tap, hover, Escape) of every kind of link,
a paragraph's citation, the citation files and meta tags, the search that knows the spellings, and
the map that draws with no request leaving the page.

Debian's Chromium driven by Playwright opens the built book (`make book`) from disk.
"""
from __future__ import annotations

import json
import os
import re

import pytest

from browser import CHROMIUM, browser, serve
from fidelity import HTML

pytestmark = [pytest.mark.book,
              pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                 reason="Debian's chromium is not installed (make test installs it)")]

TIP = "#edition-preview"


def public_address() -> str:
    """The book's public address as _config.yml sets it (`html: baseurl:`), "" when none is."""
    import yaml

    from edition.sphinx.web.address import base_url

    config = yaml.safe_load((HTML.parent.parent / "_config.yml").read_text(encoding="utf-8"))
    return base_url((config.get("html") or {}).get("baseurl"))

# (kind, page, a link of that kind on it)
KINDS = [
    ("footnote mark", "chapters/workers-group.html", "a.footnote-reference"),
    ("paragraph reference", "chapters/workers-group.html", "a[href='#wg-1']:not(.para-label)"),
    ("glossary term", "chapters/workers-group.html", "a.glossary-term"),
    ("person's name", "chapters/workers-group.html", "a.person-link"),
    ("figure reference", "chapters/repression.html", "a.reference[href='#fig-repression-map']"),
    ("exercise reference", "chapters/teachers-guide.html", "a[href*='-ex-']"),
    ("citation", "chapters/glossary.html", "a[href*='bibliography.html#']"),
]


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture()
def desktop(chromium, html_dir):
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture()
def phone(chromium, html_dir):
    ctx = chromium.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    yield ctx
    ctx.close()


def open_page(ctx, page_path: str):
    page = ctx.new_page()
    page.goto((HTML / page_path).as_uri())
    page.wait_for_load_state("load")
    return page


def target_text(ctx, link_page: str, href: str) -> str:
    """The text of what a link points to, read from its own page."""
    path, _, anchor = href.partition("#")
    page = open_page(ctx, str((HTML / link_page).parent.joinpath(path).resolve().relative_to(HTML)) if path else link_page)
    text = page.evaluate("""(id) => {
      const el = document.getElementById(id);
      if (!el) return "";
      // a who's who target stands before its section; a glossary term's text is its definition
      const section = el.closest("section");
      const box = el.tagName === "DT" ? el.nextElementSibling
        : (/^(SPAN|H[1-6])$/.test(el.tagName) && section) ? section
        : (el.innerText.trim() ? el : el.nextElementSibling);
      return box ? box.innerText : "";
    }""", anchor)
    page.close()
    return words(text)


@pytest.mark.parametrize("kind,page_path,selector", KINDS, ids=[k[0] for k in KINDS])
def test_preview_on_focus_shows_the_target_and_escape_dismisses(desktop, kind, page_path, selector):
    page = open_page(desktop, page_path)
    link = page.locator(selector).first
    assert link.count(), f"no {kind} link on {page_path}"
    href = link.get_attribute("href")
    link.focus()
    tip = page.locator(TIP)
    assert tip.is_visible(), kind
    assert link.get_attribute("aria-controls") == "edition-preview"
    assert link.get_attribute("aria-expanded") == "true"
    body = words(page.locator(f"{TIP} .edition-preview-body").inner_text())
    target = target_text(desktop, page_path, href)
    assert body and target
    # the preview is the target's own words (shortened): its first words are in the target
    start = body.replace(" …", "")[:40]
    assert words(start) in target or words(start.split(" ", 1)[-1]) in target, (kind, body[:80], target[:200])
    page.keyboard.press("Escape")
    assert not tip.is_visible()
    assert page.evaluate("(h) => document.activeElement && document.activeElement.getAttribute('href') === h", href)


def test_first_tap_previews_second_tap_goes_on(phone):
    page = open_page(phone, "chapters/workers-group.html")
    link = page.locator("a.glossary-term").nth(1)
    link.scroll_into_view_if_needed()
    link.tap()
    page.wait_for_timeout(200)
    assert page.locator(TIP).is_visible()
    assert page.url.endswith("workers-group.html")
    link.tap()
    page.wait_for_url("**/glossary.html#term-*")


def test_the_link_inside_a_preview_goes_on(phone):
    page = open_page(phone, "chapters/workers-group.html")
    link = page.locator("a.footnote-reference").first
    link.scroll_into_view_if_needed()
    link.tap()
    go = page.locator(f"{TIP} a.edition-preview-go")
    assert go.is_visible()
    go.tap()
    page.wait_for_timeout(300)
    assert page.url.endswith(link.get_attribute("href"))


def test_hover_preview_stays_while_hovered(desktop):
    page = open_page(desktop, "chapters/workers-group.html")
    link = page.locator("a.glossary-term").first
    link.scroll_into_view_if_needed()
    link.hover()
    page.wait_for_timeout(600)
    tip = page.locator(TIP)
    assert tip.is_visible()
    box = tip.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)  # onto the preview
    page.wait_for_timeout(1200)
    assert tip.is_visible(), "the preview must stay while the pointer is over it (WCAG 1.4.13)"
    page.mouse.move(5, 5, steps=5)
    page.wait_for_timeout(800)
    assert not tip.is_visible()


def test_paragraph_label_offers_its_citation(desktop):
    page = open_page(desktop, "chapters/workers-group.html")
    page.locator("a.para-label[href='#wg-4']").focus()
    text = words(page.locator(TIP).inner_text())
    base = public_address()
    # the book's public address, or none: never the address this copy is read from (file:///)
    address = f"{base}chapters/workers-group.html#wg-4" if base else "no address"
    for style in ("Chicago:", "MLA:", "APA:"):
        assert style in text
    assert "file:" not in text and "edition.invalid" not in text, text
    if base:
        assert text.count(address) == 3, text
    else:
        assert "http" not in text, text
    assert "The Communist Left in Russia 1918-1930 Part 2" in text
    assert "Ward" in text and "International Communist Current" in text and "International Review" in text
    assert "wg-4" in text.replace(address, "")  # the label itself, not only in the address


def test_every_page_has_citation_meta_tags(html_dir):
    pages = sorted((html_dir / "chapters").glob("*.html"))
    assert len(pages) >= 15
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert re.search(r'<meta name="citation_title" content="[^"]+"', html), page.name
        assert 'name="citation_publisher" content="International Communist Current"' in html, page.name
    essay = (html_dir / "chapters/workers-truth.html").read_text(encoding="utf-8")
    assert '<meta name="citation_author" content="Ward, C. D."' in essay


def test_one_citation_file_per_format_with_an_entry_per_paragraph(html_dir):
    from edition.essay import paragraphs

    labels = list(paragraphs()["label"])
    folder = html_dir / "_static" / "citations"
    bib = (folder / "ward-paragraphs.bib").read_text(encoding="utf-8")
    ris = (folder / "ward-paragraphs.ris").read_text(encoding="utf-8")
    items = json.loads((folder / "ward-paragraphs.json").read_text(encoding="utf-8"))
    assert re.findall(r"^@incollection\{ward-([a-z]+-\d+),", bib, re.M) == labels
    assert ris.count("TY  - CHAP") == len(labels) == ris.count("ER  - ")
    assert [i["id"] for i in items] == [f"ward-{label}" for label in labels]
    base = public_address()
    if base:
        assert items[0]["URL"] == f"{base}chapters/counter-revolution.html#{labels[0]}"
    else:  # no public address: no entry claims one (not a path in this copy either)
        assert not [i for i in items if "URL" in i] and "url = " not in bib and "UR  - " not in ris
    front = (html_dir / "chapters/index.html").read_text(encoding="utf-8")
    for ext in ("bib", "ris", "json"):
        assert f'href="../_static/citations/ward-paragraphs.{ext}"' in front


def test_only_a_public_address_is_claimed(html_dir):
    """html_baseurl set: sitemap.xml, canonical links and og:url name it; unset, nothing claims one.
    tests/test_publish.py builds a copy with an address set."""
    base = public_address()
    assert (html_dir / ".nojekyll").is_file()  # GitHub Pages serves _static/ and _sources/ as they are
    assert (html_dir / "sitemap.xml").is_file() == bool(base)
    for page in sorted((html_dir / "chapters").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert re.search(r'<meta property="og:title" content="[^"]+"', text), page.name
        canonical = re.findall(r'<link rel="canonical" href="([^"]*)"', text)
        og_url = re.findall(r'<meta property="og:url" content="([^"]*)"', text)
        public = re.findall(r'<meta name="citation_public_url" content="([^"]*)"', text)
        if base:
            assert canonical == og_url == public == [f"{base}chapters/{page.name}"], page.name
        else:
            assert canonical == og_url == public == [], page.name


def test_every_internal_link_and_anchor_resolves(html_dir, tmp_path):
    """tools/linkcheck.py (make linkcheck) on the built book: every link that stays in the book
    reaches a file, and its #anchor an id on that page; the external addresses are listed."""
    import sys

    sys.path.insert(0, str(HTML.parent.parent / "tools"))
    import linkcheck

    problems, external, checked = linkcheck.check(html_dir)
    assert problems == [], "\n".join(problems[:30])
    assert checked > 2000  # pages, notes, paragraph labels, glossary, who's who, sources, downloads
    assert any(url.startswith("https://") for url in external)
    listing = tmp_path / "external.txt"
    assert linkcheck.main([str(html_dir), "--list", str(listing)]) == 0
    assert len(listing.read_text(encoding="utf-8").splitlines()) == len(external)


def search(ctx, query: str):
    page = ctx.new_page()
    page.goto((HTML / "search.html").as_uri() + "?q=" + query)
    page.wait_for_load_state("load")
    page.wait_for_selector("#edition-search")
    return page


def test_search_mjasnikov_finds_the_workers_group_chapter(desktop):
    page = search(desktop, "Mjasnikov")
    pages = page.locator("#edition-search a.edition-search-page").evaluate_all("(a) => a.map((x) => x.getAttribute('href'))")
    assert pages[0] == "chapters/workers-group.html", pages
    snippet = page.locator("#edition-search .edition-search-snippet mark").first.inner_text()
    assert snippet in ("Miasnikov", "Myasnikov")  # the book's spelling, found from the German one


def test_search_rabochaia_pravda_finds_the_workers_truth(desktop):
    page = search(desktop, "Rabochaia Pravda")
    pages = page.locator("#edition-search a.edition-search-page").evaluate_all("(a) => a.map((x) => x.getAttribute('href'))")
    assert pages[0] == "chapters/workers-truth.html", pages
    assert "Workers" in page.locator("#edition-search .edition-search-snippet mark").first.inner_text()


def test_search_in_cyrillic(desktop):
    page = search(desktop, "Мясников")
    pages = page.locator("#edition-search a.edition-search-page").evaluate_all("(a) => a.map((x) => x.getAttribute('href'))")
    assert "chapters/workers-group.html" in pages[:3]


def test_map_draws_with_no_request_leaving_the_page(chromium, html_dir):
    from edition.data import load

    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
    outside = []
    ctx.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None)
    page = ctx.new_page()
    page.goto((HTML / "chapters/repression.html").as_uri())
    page.wait_for_load_state("load")
    page.wait_for_function("() => { const d = document.querySelector('#fig-repression-map div.plotly-figure');"
                           " return d && d._fullLayout && d.querySelector('svg.main-svg'); }")
    drawn = page.evaluate("""() => {
      const gd = document.querySelector('#fig-repression-map div.plotly-figure');
      const marks = gd.data.filter((t) => t.mode === 'markers');
      const coast = gd.data.filter((t) => t.name === 'coastline');
      return {marks: marks.reduce((n, t) => n + t.customdata.length, 0),
              ids: marks.flatMap((t) => t.customdata.map((c) => c[0])),
              points: gd.querySelectorAll('.scatterlayer .point').length,
              coast: coast.length ? coast[0].x.filter((v) => v !== null).length : 0,
              geo: gd._fullLayout._subplots.geo ? gd._fullLayout._subplots.geo.length : 0};
    }""")
    ctx.close()
    assert outside == [], outside
    assert drawn["geo"] == 0  # no geo subplot: plotly would fetch its outlines from a CDN
    assert drawn["coast"] > 500
    events, places = load("events"), load("places")
    repression = events[(events["category"] == "repression") & events["date_start"].notna()]
    where = repression.assign(place=repression["place"].str.split(";")).explode("place").dropna(subset=["place"])
    placed = where.assign(place=where["place"].str.strip()).merge(places, on="place").dropna(subset=["latitude"])
    assert drawn["points"] == drawn["marks"] == len(placed) > 0  # every event a source places in a known town
    assert sorted(drawn["ids"]) == sorted(placed["event_id"])


def test_preview_and_search_from_a_server_too(chromium, html_dir):
    """The same book served over http (as `make serve` does): previews and the spelling search."""
    with serve(html_dir) as base:
        ctx = chromium.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.goto(f"{base}/chapters/workers-group.html")
        page.wait_for_load_state("load")
        page.locator("a.footnote-reference").first.focus()
        assert page.locator(TIP).is_visible()
        page.locator("a.para-label[href='#wg-4']").focus()
        cited = page.locator(TIP).inner_text()
        assert "Cite paragraph wg-4" in cited and "APA:" in cited
        # a local server is no public address: the citation names the book's, or none
        public = public_address()
        assert base not in cited
        assert f"{public}chapters/workers-group.html#wg-4" in cited if public else "http" not in cited
        page.goto(f"{base}/search.html?q=Mjasnikov")
        page.wait_for_selector("#edition-search")
        first = page.locator("#edition-search a.edition-search-page").first.get_attribute("href")
        ctx.close()
    assert first == "chapters/workers-group.html"
