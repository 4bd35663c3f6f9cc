"""Text and data linked both ways: paragraph labels, data behind paragraphs, editor's notes on
disputed facts, and clicks between charts and paragraphs in a real browser."""
import re
from collections import Counter

import pytest
from bs4 import BeautifulSoup

from browser import CHROMIUM, browser, serve
from edition.apparatus import FIGURES, rows_by_paragraph
from edition.data import load
from edition.essay import paragraphs

YEAR = re.compile(r"\b19(1[7-9]|[23]\d|4[0-6])\b")
# Paragraphs that name a year but state no datable fact of their own (reviewed by the editors).
NO_DATA_NEEDED = {
    "cr-7": "'after 1921' dates the Bolshevik Party's degeneration in general, not an event.",
    "wt-11": "'after 1921' describes the revolutionaries' conditions in general.",
    "end-3": "'the revolution of 1917' is named as a whole, not dated as an event.",
}


def cited_labels() -> Counter:
    cited = Counter()
    for name in ["events", "publications", "memberships", "size_estimates", "groups", "people",
                 "quotations", "disputes"]:
        for cell in load(name)["paragraph"].dropna():
            cited.update(cell.split(";"))
    return cited


def test_labels_are_unique_and_every_cited_label_exists():
    labels = paragraphs()["label"]
    assert labels.is_unique
    known = set(labels) | {f"note-{n}" for n in range(1, 6)}
    assert not set(cited_labels()) - known


def test_every_dated_paragraph_has_data_or_a_reviewed_reason():
    cited = cited_labels()
    missing = [row.label for row in paragraphs().itertuples()
               if YEAR.search(row.text) and row.label not in cited and row.label not in NO_DATA_NEEDED]
    assert not missing, f"dated paragraphs with no data row: {missing}"
    assert all(label not in cited for label in NO_DATA_NEEDED), "an exception now has data: drop it"


def test_every_dispute_has_an_editors_note_in_the_book(html_dir):
    ids = set()
    for page in (html_dir / "chapters").glob("*.html"):
        ids |= {el["id"] for el in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("[id]")}
    for dispute in load("disputes").itertuples():
        assert f"dispute-{dispute.dispute_id}" in ids, dispute.dispute_id


def test_data_behind_boxes_and_their_figures(html_dir):
    soup = BeautifulSoup((html_dir / "chapters" / "workers-group.html").read_text(encoding="utf-8"), "html.parser")
    titles = [box.select_one(".admonition-title").get_text() for box in soup.select("div.data-behind")]
    shown = [label for title in titles for label in re.findall(r"\b(?:cr|wt|wg|lo|end)-\d+\b", title)]
    expected = [label for label in rows_by_paragraph() if label.startswith("wg-")]
    assert sorted(shown) == sorted(expected)  # every paragraph with data, in one box each
    figure_ids = {f["id"] for p in (html_dir / "chapters").glob("*.html")
                  for f in BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").select("figure[id]")}
    assert {name for rules in FIGURES.values() for name, _ in rules} <= figure_ids


pytestmark_browser = pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="no chromium")


@pytestmark_browser
def test_click_from_chart_mark_to_paragraph_and_back(html_dir):
    with serve(html_dir) as base, browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/chapters/repression.html")
        fig = page.locator("figure#fig-miasnikov div.plotly-figure")
        fig.locator("svg.main-svg").first.wait_for()
        fig.scroll_into_view_if_needed()
        # the screen position of the essay's mark for Miasnikov's escape ("1927", note 3)
        where = fig.evaluate("""(gd) => {
            for (const trace of gd._fullData) {
              const m = /paragraph=%\\{customdata\\[(\\d+)\\]\\}/.exec(trace.hovertemplate || "");
              if (!m || !trace.customdata) continue;
              for (let i = 0; i < trace.x.length; i++) {
                if (String(trace.customdata[i][+m[1]]) === "note-3" && trace.y[i] === "escape") {
                  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, s = gd._fullLayout._size;
                  return {x: s.l + xa.d2p(trace.x[i]), y: s.t + ya.d2p(trace.y[i])};
                }
              }
            }
            return null; }""")
        assert where, "no mark of the essay's escape date found"
        box = fig.bounding_box()
        page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
        page.wait_for_url(re.compile(r"workers-group\.html#"))
        assert page.url.endswith("#note-3"), page.url  # the mark comes from the author's note 3
        # and from a paragraph's data box to a figure
        page.goto(f"{base}/chapters/workers-group.html#wg-4")
        page.get_by_label("Essay + notes + data").check()  # the reading layer with the data boxes
        data_box = page.locator("div.data-behind").filter(has_text=re.compile(r"Data behind .*wg-4"))
        data_box.locator("button, .admonition-title").first.click()
        link = data_box.locator("a", has_text=re.compile(r"^Fig\. \d+$")).first
        href = link.get_attribute("href")
        link.click()
        page.wait_for_url(re.compile(r"#fig-"))
        target = page.url.split("#")[1]
        assert href.endswith(f"#{target}")
        assert page.locator(f"figure#{target}").is_visible()


# --- the author's words are never interrupted --------------------------------------------------
LABELLED = re.compile(r"^(?:cr|wt|wg|lo|end)-\d+$")


def essay_soups(html_dir):
    from fidelity import essay_pages
    return {page: BeautifulSoup((html_dir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
            for page in essay_pages()}


def own_text(p) -> str:
    """A paragraph's words without its label and the marks of the author's notes."""
    return " ".join(t for t in p.find_all(string=True)
                    if not t.find_parent(class_=["para-label", "footnote-reference"])).strip()


def test_no_box_inside_a_quotation(html_dir):
    inside = [(page, quote.get("id")) for page, soup in essay_soups(html_dir).items()
              for quote in soup.select("article blockquote") if quote.select(".admonition, .apparatus")]
    assert not inside, f"editors' boxes inside the author's quotations: {inside}"


def test_no_box_between_a_lead_in_and_its_quotation(html_dir):
    lead_ins, broken = 0, []
    for page, soup in essay_soups(html_dir).items():
        for p in soup.select("article section > p[id]"):
            if not LABELLED.match(p["id"]) or not own_text(p).endswith(":"):
                continue
            after = p.find_next_sibling()
            if p.find_next_sibling("blockquote") is None:
                continue
            lead_ins += 1
            if after.name != "blockquote":
                broken.append((page, p["id"], " ".join(after.get("class", [])) or after.name))
    assert lead_ins >= 6  # wt-1, wt-3, lo-2, lo-4, lo-6, end-1 at least: the check looks at them
    assert not broken, f"something stands between a lead-in and its quotation: {broken}"


def test_boxes_after_a_passage_stand_together(html_dir):
    for page, soup in essay_soups(html_dir).items():
        for box in soup.select("article .admonition.dropdown.editorial"):
            assert box.parent.get("class") and "apparatus" in box.parent["class"], \
                (page, box.select_one(".admonition-title").get_text())
        for group in soup.select("article div.apparatus"):
            assert len(group.select(":scope > .data-behind")) <= 1, (page, "two data boxes after one passage")
            following = group.find_next_sibling()
            assert following is None or "apparatus" not in following.get("class", []), (page, "two groups in a row")


def test_no_glossary_link_inside_the_authors_quotations(html_dir):
    found = [(page, a.get_text()) for page, soup in essay_soups(html_dir).items()
             for a in soup.select("article blockquote a.reference[href*='glossary']")]
    assert not found, found
    marked = [a for soup in essay_soups(html_dir).values() for a in soup.select("a.glossary-term")]
    assert marked and all("glossary" in a["href"] for a in marked)
