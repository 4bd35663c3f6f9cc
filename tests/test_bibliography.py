"""The bibliography says each thing once: no entry repeats its title in its container or its date."""
import csv
import re

from bs4 import BeautifulSoup

from edition.sphinx.book.bibliography import entry, render
from edition.data import DATA_DIR
from fidelity import ROOT


def row(**fields) -> dict:
    base = {"source_id": "s", "author": "", "title": "", "container": "", "date_text": "", "url": "", "language": ""}
    return base | fields


def test_a_title_that_names_its_periodical_and_date_stands_alone():
    text = entry(row(title="Workers' Dreadnought, 1 December 1923", container="Workers' Dreadnought",
                     date_text="1 December 1923"))
    assert "howpublished" not in text and "note" not in text


def test_remarks_in_brackets_do_not_hide_a_repeat():
    text = entry(row(title="Socialist Herald (Sotsialisticheskii Vestnik), 31 January 1923",
                     container="Socialist Herald (Berlin)", date_text="31 January 1923"))
    assert "howpublished" not in text and "note" not in text


def test_a_date_already_in_the_container_is_not_printed_twice():
    text = entry(row(title="Statement", container="Workers' Dreadnought, 3 June 1922", date_text="3 June 1922"))
    assert "howpublished = {Workers' Dreadnought, 3 June 1922}" in text and "note" not in text


def test_what_the_title_does_not_say_is_kept():
    text = entry(row(title="The Interregnum", author="E. H. Carr", container="Macmillan", date_text="1954"))
    assert "howpublished = {Macmillan}" in text and "note = {1954}" in text


def test_references_bib_is_up_to_date():
    assert (ROOT / "references.bib").read_text(encoding="utf-8") == render(DATA_DIR)


def test_no_source_printed_with_a_repeat(html_dir):
    """On the built page, no entry of a source says its container or date a second time."""
    with (DATA_DIR / "sources.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    soup = BeautifulSoup((html_dir / "chapters" / "bibliography.html").read_text(encoding="utf-8"), "html.parser")
    entries = [" ".join(c.get_text(" ").split()) for c in soup.select("div.citation")]
    assert len(entries) == len(rows)
    checked = 0
    for r in rows:
        for part in (r["date_text"], re.sub(r"\s*\([^)]*\)", "", r["container"]).strip()):
            if part and part in r["title"]:
                printed = next(e for e in entries if r["title"] in e).split(" URL: ")[0]
                assert printed.count(part) == 1, printed
                checked += 1
    assert checked >= 10  # the Dreadnought issues, the Socialist Herald, L'Ouvrier Communiste ...
