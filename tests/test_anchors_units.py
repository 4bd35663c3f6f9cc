"""Issue 14's pure functions, no book build: transliterations and name groups for search, CSL
citations, the citation files, preview text, the map helpers and the gazetteer's own checks."""
from __future__ import annotations

import json
import re
import shutil

import pytest
from docutils import nodes

from edition import maps
from edition.sphinx.web import cite, previews, search
from edition.data.validate import validate
from fidelity import ROOT

# The book's essay facts (author, title, year), as the plug-ins give them to the citation writers.
ESSAY = cite.essay_source(ROOT / "data", ROOT / "CITATION.cff")

pytestmark = pytest.mark.check


def test_transliterations_cover_the_catalogue_and_german_spellings():
    forms = search.transliterations("Мясников")
    assert "Mi͡asnikov" in forms  # Library of Congress (ALA-LC)
    assert "Mjasnikov" in forms  # scientific, as German scholarship writes it
    assert "Mâsnikov" in forms  # ISO 9:1995
    assert "Myasnikov" in forms  # BGN/PCGN and Wikipedia
    # stress marks, as dictionaries print them, do not change the spelling
    assert search.transliterations("Мяснико́в") == forms


def test_name_groups_join_every_spelling_of_a_person_and_a_group():
    groups = search.name_groups(ROOT / "data")
    miasnikov = next(g for g in groups if "Miasnikov" in g)
    assert {"Mjasnikov", "Myasnikov", "Мясников", "Gabriel Miasnikov"} <= set(miasnikov)
    truth = next(g for g in groups if "Workers' Truth" in g)
    assert "Rabochai͡a pravda" in truth and "Рабочая правда" in truth
    assert not any("Workers' Truth" in g for g in groups if g is not truth)


def test_citation_in_three_styles_names_essay_edition_label_and_address():
    address = "https://example.org/chapters/workers-group.html#wg-4"
    styles = cite.formatted("wg-4", ESSAY, address)
    assert set(styles) == {"chicago", "mla", "apa"}
    for text in styles.values():
        assert "Ward" in text and "The Communist Left in Russia 1918-1930 Part 2" in text
        assert address in text
        assert "wg-4" in text.replace(address, "")  # the label kept as written (no en dash)
        assert "Teaching Edition" in text
    assert f"(Ward, {ESSAY['year']}, para. wg-4)" in styles["apa"]
    assert not any("n.d." in text for text in styles.values())


def test_citations_formatted_once_are_those_citeproc_makes_for_each_label():
    from edition.essay import paragraphs

    labels = paragraphs()["label"].tolist()
    for label in [labels[0], labels[-1], "lo-10", "wt-1"]:  # every prefix length; one and two digits
        assert cite.formatted(label, ESSAY) == cite._formatted_for(label, cite.PLACEHOLDER, tuple(ESSAY.items()))


def test_citation_files_escape_and_list_every_paragraph(tmp_path):
    from edition.essay import paragraphs

    bib, ris, csl = cite.write_files(tmp_path, "https://example.org/book/", ROOT / "chapters", ESSAY)
    n = len(paragraphs())
    assert bib.read_text(encoding="utf-8").count("@incollection{") == n
    assert ris.read_text(encoding="utf-8").count("ER  - ") == n
    items = json.loads(csl.read_text(encoding="utf-8"))
    assert items[0]["URL"].startswith("https://example.org/book/chapters/")


# Titles an editor could put in data/sources.csv (the validator refuses some, such as line breaks;
# the writers must not rely on it). The three files must each give the title back.
HOSTILE_TITLES = [
    "A lone { brace", "A lone } brace", "}{ the wrong way round", "{balanced} braces",
    r"back\slash, \\ two, \textbf{bold}, \{ escaped", "~ ^ % # & $ _", "50% {x} & y_z",
    "one line\nthe next\r\nand\ranother\u2028and a separator",
    "x\nER  - \nTY  - JOUR\nTI  - a second record", '"Quoted" and \'single\' and \u201ccurly\u201d quotes',
    "Рабочая правда, 工人, العمال", "-- and '' and @comment{", "",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_citation_files_give_back_a_hostile_title(title):
    from pybtex.database import parse_string

    from edition.sphinx.book.bibliography import decode

    essay = ESSAY | {"title": title}
    paragraphs = [("wg-4", "2. " + title, "https://example.org/book/chapters/workers-group.html#wg-4")]
    # BibTeX reads any run of spaces, tabs and line breaks as one space; RIS has one line per value
    bibtex_title = " ".join(re.split(r"[ \t\n\r\f\v]+", title)).strip(" ")
    ris_title = " ".join(line.strip() for line in title.splitlines() if line.strip())
    # BibTeX: pybtex reads the one entry, and its title is the title (as LaTeX text: the book's decoder)
    entries = parse_string(cite.bibtex_text(paragraphs, essay), "bibtex").entries
    assert list(entries) == ["ward-wg-4"]
    assert decode(entries["ward-wg-4"].fields.get("title", "")) == bibtex_title
    assert decode(entries["ward-wg-4"].fields["chapter"]) == f"2. {bibtex_title}".strip(" ")
    # CSL-JSON: json reads back the same, line breaks and all
    items = json.loads(cite.csl_json_text(paragraphs, essay))
    assert [item["title"] for item in items] == [title]
    # RIS: one record, every line one tag, one TI line holding the title
    ris = cite.ris_text(paragraphs, essay)
    lines = ris.split("\r\n")
    assert lines[-1] == "" and all(re.match(r"[A-Z][A-Z0-9]  - ", line) for line in lines[:-1]), lines
    assert [line[:2] for line in lines[:-1]].count("TY") == 1 and lines[-2] == "ER  - "
    assert [line[6:] for line in lines if line.startswith("TI  - ")] == [ris_title]


def test_preview_text_of_a_term_a_footnote_and_a_paragraph():
    item = nodes.definition_list_item("", nodes.term("", "KAPD"),
                                      nodes.definition("", nodes.paragraph("", "The Communist Workers' Party of Germany.")))
    assert previews.describe(item[0], "term-KAPD") == ("Glossary: KAPD", "The Communist Workers' Party of Germany.")
    note = nodes.footnote("", nodes.label("", "3"), nodes.paragraph("", "Miasnikov's story."))
    assert previews.describe(note, "note-3") == ("Note 3", "Miasnikov's story.")
    section = nodes.section("", nodes.title("", "1. The Workers' Truth"), nodes.paragraph("", "wt-4The text."))
    assert previews.describe(section[1], "wt-4") == ("Paragraph wt-4, in “1. The Workers' Truth”", "The text.")
    assert previews.shorten("word " * 200).endswith(" …")
    assert len(previews.shorten("word " * 200)) <= previews.MAX_CHARS + 2


def test_target_of_relative_links():
    docs = {"chapters/glossary", "chapters/workers-group"}
    assert previews.target_of("chapters/workers-group", "glossary.html#term-KAPD", ".html", docs) == ("chapters/glossary", "term-KAPD")
    assert previews.target_of("chapters/workers-group", "#wg-4", ".html", docs) == ("chapters/workers-group", "wg-4")
    assert previews.target_of("chapters/workers-group", "https://example.org/x.html#a", ".html", docs) is None
    assert previews.target_of("chapters/workers-group", "missing.html#a", ".html", docs) is None


def test_map_coastline_is_a_line_trace_under_the_marks():
    import plotly.express as px
    import pandas as pd

    frame = pd.DataFrame({"longitude": [37.6, 37.6, 84.97], "latitude": [55.75, 55.75, 56.5], "event_id": ["a", "b", "c"]})
    spread = maps.spread(frame)
    assert spread[["x", "y"]].drop_duplicates().shape[0] == 3  # two marks at Moscow, side by side
    assert (spread["longitude"] == frame["longitude"]).all()
    fig = maps.coastlines(px.scatter(spread, x="x", y="y", custom_data=["event_id"]))
    assert fig.data[0].name == "coastline" and fig.data[0].mode == "lines"
    assert all(t.type == "scatter" for t in fig.data)  # no geo trace: it would fetch outlines from a CDN
    licence = json.loads(maps.COASTLINE.read_text(encoding="utf-8"))["licence"]
    assert "public domain" in licence


@pytest.fixture()
def data_copy(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "chapters", tmp_path / "chapters")
    return tmp_path / "data"


def test_gazetteer_and_name_checks(data_copy):
    places = (data_copy / "places.csv").read_text(encoding="utf-8")
    places = places.replace("Tomsk,Tomsk,56.5000,84.9667", "Tomsk,Tomsk,56.5000,")
    places = places.replace("Perm,Perm,58.0139,56.2489", "Perm,Perm,58.0139,256.2489")
    (data_copy / "places.csv").write_text(places, encoding="utf-8")
    names = (data_copy / "names.csv").read_text(encoding="utf-8").replace(",Мясников,Cyrl,", ",Miasnikov,Cyrl,", 1)
    (data_copy / "names.csv").write_text(names, encoding="utf-8")
    found = [str(p) for p in validate(data_copy)]
    assert any("places.csv" in p and "column longitude" in p and "give both latitude and longitude" in p for p in found), found
    assert any("places.csv" in p and "'256.2489'" in p for p in found), found
    assert any("names.csv" in p and "'Miasnikov'" in p and "no Cyrillic letter" in p for p in found), found
