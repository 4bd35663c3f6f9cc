"""Text and data linked both ways: paragraph labels, data behind paragraphs, editor's notes on
disputed facts, and clicks between charts and paragraphs in a real browser."""
import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from browser import CHROMIUM, browser, serve
from edition.data import load
from edition.essay import paragraphs

YEAR = re.compile(r"\b19(1[7-9]|[23]\d|4[0-6])\b")
# Paragraphs that name a year but state no datable fact of their own (reviewed by the editors).
NO_DATA_NEEDED = {
    "cr-7": "'after 1921' dates the Bolshevik Party's degeneration in general, not an event.",
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


# what the data boxes list: table -> its column of paragraph labels
BOXED_TABLES = {"attestations": "paragraph", "size_estimates": "paragraph", "quotations": "quote_paragraph"}


def essay_labels_cited_in_csv() -> set[str]:
    """Paragraph labels the data rows cite, read from the CSV files themselves (not the loader)."""
    data = Path(__file__).resolve().parents[1] / "data"
    cited = set()
    for name, column in BOXED_TABLES.items():
        for row in csv.DictReader((data / f"{name}.csv").open(encoding="utf-8", newline="")):
            cited.update(label for label in (row[column] or "").split(";") if LABELLED.match(label))
    return cited


def test_every_cited_paragraph_has_its_data_box(html_dir):
    boxed = set()
    for page in (html_dir / "chapters").glob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for title in soup.select("div.data-behind > .admonition-title"):
            boxed.update(re.findall(r"\b(?:cr|wt|wg|lo|end)-\d+\b", title.get_text()))
    charted = {label for *_, labels in chart_marks(html_dir)[0] for label in labels if LABELLED.match(label)}
    assert boxed == essay_labels_cited_in_csv() | charted  # every paragraph with data or a chart, and only those


def chart_marks(html_dir):
    """(page, figure id, row ids, labels) of every mark of every main chart, and the main charts,
    read from the built pages: the marks' customdata (row ids, then the paragraphs they cite)."""
    marks, charts = [], []
    for page in sorted((html_dir / "chapters").glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for gd in soup.select("figure[id] div.plotly-figure"):
            figure = gd.find_parent("figure")
            if figure.find_parent(class_="solution"):
                continue  # a worked solution's chart: hidden, and not in print
            charts.append((page.name, figure["id"], gd.get("data-paragraph-column")))
            if gd.get("data-paragraph-column") is None:
                continue
            spec = json.loads(gd.select_one("script.plotly-json").get_text())
            for trace in spec["data"]:
                if not trace.get("customdata") or "%{customdata[0]" in str(trace.get("hovertemplate")):
                    continue
                for row in trace["customdata"]:
                    ids, labels = (str(v or "").split(";") for v in row[:2])
                    marks.append((page.name, figure["id"], {i for i in ids if i}, {l for l in labels if l}))
    return marks, charts


def test_every_main_chart_carries_its_rows(html_dir):
    marks, charts = chart_marks(html_dir)
    assert len(charts) >= 10
    assert not [c for c in charts if c[2] is None], "main charts whose marks carry no rows (custom_data)"
    assert len(marks) > 300


def test_every_drawn_row_citing_a_paragraph_is_linked_both_ways(html_dir):
    """From the paragraph's data box to the chart, and from the chart's marks to the paragraph."""
    marks, _ = chart_marks(html_dir)
    pages = {p.name: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
             for p in (html_dir / "chapters").glob("*.html")}
    where = {el["id"]: name for name, soup in pages.items() for el in soup.select("[id]")
             if LABELLED.match(el["id"]) or el["id"].startswith("note-")}
    boxes = {}  # label -> the figures its data box links to
    for soup in pages.values():
        for box in soup.select("div.data-behind"):
            links = {a["href"].split("#")[1] for a in box.select("a[href*='#fig-']")}
            for label in re.findall(r"\b(?:cr|wt|wg|lo|end)-\d+\b", box.select_one(".admonition-title").get_text()):
                boxes.setdefault(label, set()).update(links)
    missing_there, missing_back, pairs = [], [], 0
    for page, figure, ids, labels in marks:
        index = json.loads(pages[page].select_one("#paragraph-index").get_text())
        for label in labels:
            pairs += 1
            if LABELLED.match(label) and figure not in boxes.get(label, set()):
                missing_there.append((figure, sorted(ids), label))
            target = index.get(label, "")
            if not target or where.get(label) != target.split("#")[0].split("/")[-1] or not target.endswith(f"#{label}"):
                missing_back.append((figure, label, target))
    assert pairs > 150
    assert not missing_there, f"drawn rows whose paragraph does not link to the chart: {missing_there[:10]}"
    assert not missing_back, f"marks whose paragraph the chart cannot reach: {missing_back[:10]}"


def test_every_main_chart_has_its_table_and_csv(html_dir):
    """Under each main chart, a table of exactly its marks, and the same rows as CSV."""
    marks, charts = chart_marks(html_dir)
    for page, figure, _ in charts:
        soup = BeautifulSoup((html_dir / "chapters" / page).read_text(encoding="utf-8"), "html.parser")
        box = soup.select_one(f"figure#{figure}").find_next_sibling(class_="chart-data")
        drawn = sum(1 for m in marks if m[1] == figure)
        assert box is not None and len(box.select("tbody tr")) == drawn, figure
        link = box.select_one("a.download")
        rows = list(csv.reader((html_dir / "chapters" / link["href"]).resolve().open(encoding="utf-8")))
        assert len(rows) == drawn + 1, figure
        # every cell as a reader reads it: never plotly's encoding of a number ({'dtype': 'i2', 'bdata': ...})
        cells = [td.get_text() for td in box.select("td")] + [cell for row in rows for cell in row]
        unreadable = [c for c in cells if "bdata" in c or c.lstrip("'").startswith("{")]
        assert not unreadable, (figure, unreadable[:3])
        # every column named as a reader would name it (a chart labelled "" leaves plotly's "x")
        assert not {"x", "y", ""} & set(rows[0]), (figure, rows[0])


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
            const column = Number(gd.dataset.paragraphColumn);
            for (const trace of gd._fullData) {
              if (!trace.customdata) continue;
              for (let i = 0; i < trace.x.length; i++) {
                if (String(trace.customdata[i][column]) === "note-3" && trace.y[i] === "escape") {
                  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, s = gd._fullLayout._size;
                  return {x: s.l + xa.d2p(trace.x[i]), y: s.t + ya.d2p(trace.y[i])};
                }
              }
            }
            return null; }""")
        assert where, "no mark of the essay's escape date found"
        box = fig.bounding_box()
        page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
        # a click shows the mark's label under the chart, with its paragraph's link (issue 25)
        link = page.locator("figure#fig-miasnikov div.chart-pick a", has_text=re.compile(r"^Read the paragraph"))
        link.click()
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
