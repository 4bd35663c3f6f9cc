"""The editions print what the data holds, exactly (issue 10, "Data is data").

Unit tests: the bibliography's encoding (data/sources.csv -> references.bib -> pybtex -> the
text sphinxcontrib-bibtex renders) on nasty strings.

On the fixture book (tests/roots/test-book, built in this process): a source's title full of
TeX's and Typst's special characters and of several scripts is printed exactly in the HTML
bibliography and in the PDF (Typst), the Arabic right to left. The real book's PDF prints every
real source exactly (tests/test_pdf.py, on the PDF `make pdf` made).

End to end, in a copy of the book: `make pdf` succeeds, then a character no font has, typed into
the data, makes `make pdf` fail, naming the character, and the last good PDF stays.
"""
from __future__ import annotations

import csv
import os
import random
import re
import subprocess
from pathlib import Path

import pybtex_docutils
import pytest
from bs4 import BeautifulSoup
from pybtex.database.input.bibtex import Parser
from pybtex.plugin import find_plugin

from edition.sphinx.book import bibliography
from edition.data import load
from fidelity import ROOT
from notebooks import copy_book
from printed import BIDI_CONTROLS, bibliography_entry, prints

# Strings a teacher or a student could put in a cell of data/sources.csv.
NASTY = [
    "Th{e} Inter~regnum: $5 & 50% #1 a_b x^2 C:\\dir\\ -- 'q' \"q\"",
    "{", "}", "}{", "{}", "\\", "\\\\", "\\{", "\\}", "a\\", "~", "~~", "$$", "%", "#", "_", "^", "&",
    "--", "---", "''", "``", "?`", "!`", "<<", ">>", ",,", "\"quoted\"", "'single'", "`back`",
    "x\u00a0y", "a\u3000b\u2009c\u202fd\u2007e", "\u00a0lead and trail\u00a0",
    "\\textbraceleft{}", "\\symbol{\"0041}", "\\&", "{\\em emph}", "$x^2_i$", "@misc{x,", "a, b and c",
    "Smith, John and Jane Doe", "von Neumann", "{{C. D. Ward}}", "%comment",
    "Жизнь", "Ελλάδα", "中文标题", "العربية الحديثة", "עברית", "हिन्दी", "日本語のかな", "한국어", "emoji 🙂",
    "combining e\u0301 and a\u0308", "zero\u200bwidth\u200djoiner", "Ab\u00adsoft hyphen",
]


def parse_string(bib: str, _format: str = "bibtex"):
    """pybtex's BibTeX parser, as sphinxcontrib-bibtex runs it (without pybtex's plugin lookup,
    slow when called thousands of times)."""
    return Parser().parse_string(bib)


LAYOUT_SPACE = re.compile(r"[ \t\n\r\f\v]+")


def as_printed(text: str) -> str:
    """What the book must print for a cell: the cell, with runs of spaces, tabs and newlines as
    one space (as in HTML and TeX), none at either end."""
    return LAYOUT_SPACE.sub(" ", text).strip(" ")


def rendered(row: dict) -> tuple[str, dict]:
    """(the entry's text as sphinxcontrib-bibtex renders it, the parsed pybtex entry)."""
    bib = bibliography.entry(row)
    parsed = parse_string(bib, "bibtex").entries[row["source_id"]]
    bibliography.register_style()
    style = find_plugin("pybtex.style.formatting", bibliography.STYLE)()
    formatted = next(iter(style.format_entries([parsed])))
    return pybtex_docutils.Backend().paragraph(formatted).astext(), parsed


@pytest.fixture(autouse=True)
def every_field_printed(monkeypatch):
    """These tests put the same text in every field: keep the fields that repeat the title (the
    book leaves those out, tests/test_bibliography.py) so each field's encoding is tested."""
    monkeypatch.setattr(bibliography, "_said", lambda *args: False)


def source_row(text: str, url: str = "https://example.org/") -> dict:
    return {"source_id": "k", "author": text, "title": text, "container": text, "date_text": text,
            "url": url, "language": text}


@pytest.mark.parametrize("text", NASTY)
def test_every_field_round_trips(text):
    want = as_printed(text)
    shown, parsed = rendered(source_row(text))
    for name in ("title", "howpublished", "note", "language"):
        assert bibliography.decode(bibliography._unbrace(parsed.fields[name])) == want, name
    assert str(parsed.persons["author"][0]) == "{" + bibliography.encode(text) + "}", "one name, whole"
    # author. title. container. date. (each once, in that order, a period added after each)
    sentence = lambda s: s if s.endswith((".", "?", "!")) else s + "."  # noqa: E731
    assert shown == " ".join([sentence(want)] * 4 + ["URL: https://example.org/."]), shown


@pytest.mark.parametrize("url", ["https://fr.wikipedia.org/wiki/Opposition_ouvri%C3%A8re",
                                 "https://example.org/~user/a_b?q=1&r=2#frag", "https://zh.wikipedia.org/wiki/中文",
                                 "https://example.org/x$y^z!(1)"])
def test_urls_round_trip(url):
    shown, parsed = rendered(source_row("t", url))
    assert bibliography.decode(parsed.fields["url"], url=True) == url
    assert shown.endswith(f"URL: {url}."), shown
    assert "%" not in url or "\\%" not in bibliography.encode(url, url=True), "a URL keeps its % as is"


def test_round_trip_of_every_kind_of_space_and_random_text():
    """decode(encode(s)) is s for every character pybtex would take for whitespace, and for
    random strings of the characters that matter to TeX and BibTeX."""
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace() and chr(c) not in " \t\n\r\f\v"]
    alphabet = list("{}\\~^$&%#_-'`\"<>,?!@ aZ{}") + ["\u00a0", "中", "ع", "\u0301"] + spaces
    rng = random.Random(10)
    samples = spaces + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(2000)]
    for text in samples:
        want = as_printed(text)
        for url in (False, True):
            value = "{" + bibliography.encode(text, url) + "}"
            parsed = parse_string(f"@misc{{k, note = {value}}}", "bibtex").entries["k"].fields["note"]
            assert bibliography.decode(parsed, url) == want, (text, value)


def test_real_bibliography_prints_as_before():
    """On the dataset as it is (no special characters), the book's style prints every entry as
    pybtex's unsrt did."""
    bibliography.register_style()
    data = parse_string(bibliography.render(ROOT / "data"), "bibtex")
    entries = list(data.entries.values())
    backend = pybtex_docutils.Backend()
    unsrt = find_plugin("pybtex.style.formatting", "unsrt")()
    ours = find_plugin("pybtex.style.formatting", bibliography.STYLE)()
    for old, new in zip(unsrt.format_entries(entries), ours.format_entries(entries)):
        assert backend.paragraph(old).astext() == backend.paragraph(new).astext()


def test_html_bibliography_prints_every_source_exactly(html_dir):
    """The built book's bibliography page: every source's entry as data/sources.csv has it."""
    soup = BeautifulSoup((html_dir / "chapters" / "bibliography.html").read_text(encoding="utf-8"),
                         "html.parser")
    shown = {p.get_text() for p in soup.select("div.citation > p")}
    assert len(shown) > 100
    missing = [s["source_id"] for s in load("sources").fillna("").to_dict("records")
               if bibliography_entry(s) not in shown]
    assert not missing, f"{len(missing)} entries are not shown exactly: {missing[:5]}"


# --- The plug-ins on the fixture book (tests/roots/test-book, built in this process by
# tests/test_roots.py's build): a source's title full of TeX's and Typst's special characters and of
# several scripts, printed exactly in the web bibliography and in the PDF (Typst). ---

# Braces around a word ("{sic}") read like MyST role syntax and the validator refuses them;
# braces around anything else are plain text.
TITLE = ("Th{1} Inter~regnum: $5 & 50% #1 a_b x^2 C:\\dir\\ 'q' \"q\" -- "
         "Жизнь Ελλάδα 中文标题 العربية الحديثة")
FIXTURE_SOURCE = "memoir"  # the fixture's second source (its bibliography lists every source)


def _set_cell(table: Path, key: str, row_id: str, column: str, change) -> None:
    """`column` of the row whose `key` is `row_id` made change(its value), the CSV written back
    as the repository writes it."""
    with table.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
        fields = list(rows[0])
    row = next(r for r in rows if r[key] == row_id)
    row[column] = change(row[column])
    with table.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _nasty_title(src: Path) -> None:
    """The fixture's memoir retitled; undated, as the book's source was (E. H. Carr, The
    Interregnum), so that its entry ends with the title: pdftotext would read a date after the
    Arabic words into their right-to-left run."""
    sources = src / "dataset" / "sources.csv"
    _set_cell(sources, "source_id", FIXTURE_SOURCE, "title", lambda _: TITLE)
    _set_cell(sources, "source_id", FIXTURE_SOURCE, "date_text", lambda _: "")


def _fixture_source() -> dict:
    from test_roots import ROOTS

    with (ROOTS / "test-book" / "dataset" / "sources.csv").open(encoding="utf-8", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["source_id"] == FIXTURE_SOURCE)
    return {**row, "title": TITLE, "date_text": ""}


@pytest.mark.check
def test_nasty_title_in_the_html_bibliography(tmp_path):
    from test_roots import build as build_fixture

    app = build_fixture(tmp_path, edit=_nasty_title)
    assert bibliography.encode(TITLE) in (Path(app.srcdir) / "references.bib").read_text(encoding="utf-8")
    page = Path(app.outdir) / "chapters" / "bibliography.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    entries = [p.get_text() for p in soup.select("div.citation > p")]
    assert bibliography_entry(_fixture_source()) == f"G. Miasnikov. {TITLE}."
    assert f"G. Miasnikov. {TITLE}." in entries, entries


@pytest.mark.check
def test_nasty_title_in_the_pdf(tmp_path):
    from test_roots import build as build_fixture

    app = build_fixture(tmp_path, "typst", edit=_nasty_title, edition_typst="pdf")
    pdf = Path(app.outdir) / "book.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert prints(f"G. Miasnikov. {TITLE}.", text), [line for line in text.splitlines() if "regnum" in line]
    # The Arabic words are set right to left, in their order (pdftotext reads them back in it).
    assert "العربية الحديثة" in BIDI_CONTROLS.sub("", text)
    # Chinese words in Chinese letter forms: the Simplified Chinese cut of Noto CJK, not the Japanese
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "NotoSerifCJKsc" in fonts.replace("-", "") and "CJKjp" not in fonts, fonts


# --- End to end: `make pdf` in a copy of the book. ---

UNPRINTABLE = "\U00013000"  # an Egyptian hieroglyph: a letter the validator accepts and no installed font has
# Where the character goes: a person's description, which the who's who prints. Two notebooks
# read data/people.csv (membership, repression), so the failing build executes those two again, not
# all four (every notebook reads sources.csv).
PERSON = "miasnikov"


def _run(book: Path, *command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(book)}
    return subprocess.run(list(command), cwd=book, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def pdf_book(tmp_path_factory):
    """A warm copy of the book (tests/notebooks.py: its notebooks and print charts from the main
    build's caches), with the work tree's environment for make."""
    book = copy_book(tmp_path_factory.mktemp("print-text"))
    (book / ".venv").symlink_to(ROOT / ".venv")  # make pdf uses the work tree's environment
    return book


@pytest.mark.book
def test_an_unprintable_character_stops_make_pdf_and_keeps_the_last_good_pdf(pdf_book):
    pdf = pdf_book / "_build" / "pdf" / "book.pdf"
    run = _run(pdf_book, "make", "pdf")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    good = pdf.read_bytes()
    _set_cell(pdf_book / "data" / "people.csv", "person_id", PERSON, "description",
              lambda words: f"{words} A character no font has: {UNPRINTABLE}.")
    run = _run(pdf_book, "make", "pdf")
    assert run.returncode != 0, "make pdf must fail on a character the PDF cannot print"
    assert "book.pdf was not written: the PDF's fonts cannot print U+13000 \U00013000 (EGYPTIAN HIEROGLYPH A001)" \
        in " ".join(run.stdout.split()), run.stdout[-3000:]
    assert "Nothing was published" in run.stdout
    assert pdf.read_bytes() == good  # the last good PDF stays in place, untouched
