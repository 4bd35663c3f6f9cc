"""Issue 25 (items 5, 6, 9), no book build: search names without patronymics, citations dated,
punctuated as their styles ask and checked against citeproc's own locale, the citation files with
years, the EPUB's pop-up note markup."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from edition.sphinx.print import epub
from edition.sphinx.web import cite, search
from fidelity import ROOT

# The book's essay facts (author, title, year), as the plug-ins give them to the citation writers.
ESSAY = cite.essay_source(ROOT / "data", ROOT / "CITATION.cff")

pytestmark = pytest.mark.check


def test_a_patronymic_is_never_a_name_of_its_own():
    groups = search.name_groups(ROOT / "data")
    miasnikov = next(g for g in groups if "Miasnikov" in g)
    assert miasnikov[0] == "Gavril Miasnikov" or miasnikov[0].endswith("Miasnikov")  # its name first
    folded = {f.lower() for f in miasnikov}
    assert not folded & {"ilyich", "ilʹich", "il’ich", "ильич"}, "Mjasnikov would find Lenin through Ilyich"
    lenin = next(g for g in groups if any("Lenin" in f for f in g))
    assert not set(lenin) & set(miasnikov)
    # no single word of any person's forms is a patronymic, unless it is a surname (Khaikevich)
    for g in groups:
        for form in g:
            if " " not in form and search.PATRONYMIC.search(form):
                assert any(form.lower() == f.split()[-1].lower() or form.lower() == f.split()[0].lower().rstrip(",")
                           for f in g if " " in f), form
    assert "Khaikevich" in next(g for g in groups if "Khaikevich" in g)


def test_surname_in_either_order():
    assert search._surname("Мясников Гавриил Ильич") == "Мясников"
    assert search._surname("Gavril Ilyich Miasnikov") == "Miasnikov"
    assert search._surname("Miasnikov, Gavriil Ilitch") == "Miasnikov"
    assert search._surname("Vladimir Markovich Khaikevich", {"khaikevich"}) == "Khaikevich"


def _locale_puts_punctuation_in_quotes() -> bool:
    """The styles' own locale (citeproc-py's en-US) says where a comma goes beside a quotation mark."""
    import citeproc

    locale = Path(citeproc.__file__).parent / "data" / "locales" / "locales-en-US.xml"
    root = ET.parse(locale).getroot()
    options = root.find("{http://purl.org/net/xbiblio/csl}style-options")
    return options is not None and options.get("punctuation-in-quote") == "true"


def test_citations_put_commas_and_stops_inside_quotation_marks():
    assert _locale_puts_punctuation_in_quotes()
    styles = cite.formatted("wg-4", ESSAY, "https://example.org/chapters/workers-group.html#wg-4")
    for key, text in styles.items():
        assert not re.search(r"[”’][.,]", text), (key, text)
    title = ESSAY["title"]
    assert f"“{title},”" in styles["chicago"]  # Chicago's note: "Title," in ...
    assert f"“{title}.”" in styles["mla"]  # MLA's entry
    assert f"“{title},” par. wg-4)" in styles["mla"]  # MLA's in-text form
    assert cite.in_quotes("“A”, “B”.") == "“A,” “B.”"


def test_citations_are_dated_and_name_the_first_publication():
    year = str(ESSAY["year"])
    assert year == "2026"  # CITATION.cff's date-released
    for key, text in cite.formatted("wg-4", ESSAY, "").items():
        assert "n.d." not in text and year in text, key
        assert "Revue Internationale, no. 9" in text and "International Review" in text, key
    assert "(Ward, 2026, para. wg-4)" in cite.formatted("wg-4", ESSAY, "")["apa"]


def test_one_title_form():
    from edition.sphinx.web import address

    title = ESSAY["title"]
    assert title == "The Communist Left in Russia 1918-1930 Part 2"  # as the ICC's page gives it
    assert address.SITE_NAME.startswith(title) and cite.SITE_NAME is address.SITE_NAME


def test_citation_files_have_years_and_absolute_links(tmp_path):
    bib, ris, _csl = cite.write_files(tmp_path, "https://example.org/book/", ROOT / "chapters", ESSAY)
    bib_text, ris_text = bib.read_text(encoding="utf-8"), ris.read_bytes().decode("utf-8")
    n = bib_text.count("@incollection{")
    assert bib_text.count("year = {2026}") == n or bib_text.count('year = "2026"') == n
    assert ris_text.count("PY  - 2026") == n
    urls = re.findall(r"url = [{\"](.*?)[}\"],?\n", bib_text) + re.findall(r"UR  - (.*?)\r\n", ris_text)
    assert len(urls) == 2 * n and all(u.startswith("https://example.org/book/chapters/") for u in urls)


def test_epub_note_marks_are_noterefs_and_notes_are_footnote_asides():
    page = ('<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Truth.<a class="footnote-reference brackets" '
            'href="#id6" id="id1" role="doc-noteref"><span class="fn-bracket">[</span>1<span class="fn-bracket">]'
            '</span></a></p><aside class="footnote-list brackets"><aside class="footnote brackets" id="id6" '
            'role="doc-footnote"><span class="label"><span class="fn-bracket">[</span>1<span class="fn-bracket">]'
            '</span></span><p>A note.</p></aside></aside></body></html>')
    out = epub.note_markup(page)
    assert 'xmlns:epub="http://www.idpf.org/2007/ops"' in out
    assert out.count('epub:type="noteref"') == 1 and out.count('<aside epub:type="footnote"') == 1
    assert '<aside class="footnote-list brackets">' in out  # the wrapper is no note
    assert epub.note_markup(out) == out  # once only
    ET.fromstring(out)  # still well-formed XML
    css = (epub.HERE / "edition-epub.css").read_text(encoding="utf-8")
    assert "a.footnote-reference.brackets::before" in css and "content: none" in css
    assert "white-space: pre-wrap" in css


def test_search_snippets_carry_no_row_ids():
    ids = search.row_ids(ROOT / "data")
    assert "ev-miasnikov-expelled" in ids or any(i.startswith("ev-") for i in ids)
    some = sorted(i for i in ids if i.startswith("ev-"))[0]
    assert search.without_ids(f"{some}", ids) == ""
    assert search.without_ids(f"Miasnikov escapes · events/{some}", ids) == "Miasnikov escapes"
    # hyphenated words, dates and paragraph labels stay
    for text in ["counter-revolution, 1921-30", "the label wt-4", "day, month, part-of-year"]:
        assert search.without_ids(text, ids) == text
