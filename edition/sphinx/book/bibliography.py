"""The book's bibliography (`references.bib`), generated from the `sources` table.

    python -m edition.sphinx.book.bibliography            # write references.bib at the repository root
    python -m edition.sphinx.book.bibliography --check    # exit 1 if references.bib differs from sources.csv

One BibTeX entry per row of data/sources.csv, its key the row's `source_id`, so the book can cite
any source of the essay or of the dataset with {cite}`source_id`. Nothing is added that the
table does not say: no year, publisher or place is guessed. Every entry is `@misc` (all fields
optional), authors are kept whole in braces (corporate authors stay as written), and the
source's own date is kept as written (`note`), not parsed. Only http(s) addresses are kept (the
page links them), and a source_id must be a plain key.

The book prints every field exactly as the table has it (issue 10, "Data is data"), whatever
characters teachers and students put there. Two things stand in the way, and both are handled
here:

- BibTeX itself: a value is delimited by braces, which must balance inside it, and pybtex's
  parser turns every run of whitespace (no-break and ideographic spaces too) into one space.
  `encode()` writes a cell as LaTeX text that any BibTeX reads: `\\textbraceleft{}` for `{`,
  `\\&` for `&`, `~` for a no-break space, `-{}-` for two hyphens (LaTeX would print an en dash),
  and so on; runs of ordinary whitespace (space, tab, newline) become one space.
- pybtex's styles read a field as LaTeX (`Text.from_latex`: latexcodec, then braces as groups),
  which can never give back a brace and turns `--` into an en dash or `''` into a curly quote.
  The book's style `edition` (`Style`, registered by `setup()`; `bibtex_default_style` in
  `_config.yml`) is unsrt's, but reads each field with `decode()`, the exact inverse of
  `encode()`. The text then goes into docutils nodes, which Sphinx escapes for each output.

`url` keeps its characters as they are (a `%` or `~` in a web address must stay itself for any
BibTeX program); only `\\`, braces and unusual spaces are escaped there.

A field that would only repeat the title is left out: the source titled "Workers' Dreadnought,
1 December 1923" is printed without its container ("Workers' Dreadnought") and its date ("1
December 1923"), and a date already in the container is not printed twice.
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from sphinx.application import Sphinx

from edition.sphinx.book import register

BIB = "references.bib"  # in the book's folder, beside data/ (bibtex_bibfiles in _config.yml)
# A web address as the book links it: http(s) only (a "javascript:" or "file:" address would be a
# live link on the bibliography page); anything else is left out of the entry.
URL = re.compile(r"https?://[^\s{}\\\"]+", re.I)
# A source_id that BibTeX reads as one key and nothing more (the validator asks for a slug).
KEY = re.compile(r"[^\s{}(),=\\#%\"']+")
HEADER = ("% Generated from data/sources.csv by `python -m edition.sphinx.book.bibliography`: do not edit by hand.\n"
          "% One entry per source; the key is the source_id. Fields are the table's, as written.\n")
STYLE = "edition"  # the pybtex style that prints the fields exactly (bibtex_default_style)

# Characters that are not themselves in LaTeX text, or in BibTeX: their LaTeX text commands.
TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
                "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "$": r"\$", "&": r"\&",
                "%": r"\%", "#": r"\#", "_": r"\_", "\u00a0": "~"}
URL_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
# Pairs that TeX fonts would print as one sign ("--" an en dash, "''" a closing quote): kept
# apart by an empty group.
LIGATURES = {"--", "''", "``", "?`", "!`", "<<", ">>", ",,"}
SEPARATOR = "{}"
_LAYOUT_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # what a CSV cell may hold for layout: one space


def _symbol(char: str) -> str:
    return r'\symbol{"%04X}' % ord(char)


def encode(text: str, url: bool = False) -> str:
    """A cell's text as the inside of a BibTeX value that `decode()` reads back exactly (apart
    from runs of spaces, tabs and newlines, which become one space, none at either end)."""
    text = _LAYOUT_SPACE.sub(" ", text).strip(" ")
    escapes = URL_ESCAPES if url else TEXT_ESCAPES
    out = []
    for i, char in enumerate(text):
        if char in escapes:
            out.append(escapes[char])
        elif char.isspace() and char != " ":  # pybtex would make it a plain space
            out.append(_symbol(char))
        else:
            out.append(char)
        if not url and text[i:i + 2] in LIGATURES:
            out.append(SEPARATOR)
    return "".join(out)


def _decoder(escapes: dict[str, str], separator: bool):
    inverse = {code: char for char, code in escapes.items()}
    if separator:
        inverse[SEPARATOR] = ""
    codes = sorted(inverse, key=len, reverse=True)
    pattern = re.compile(r'\\symbol\{"([0-9A-F]{4,6})\}|' + "|".join(re.escape(c) for c in codes))
    return lambda value: pattern.sub(lambda m: chr(int(m[1], 16)) if m[1] else inverse[m[0]], value)


_decode_text = _decoder(TEXT_ESCAPES, separator=True)
_decode_url = _decoder(URL_ESCAPES, separator=False)


def decode(value: str, url: bool = False) -> str:
    """The text that `encode()` wrote as `value` (one field's value as pybtex parsed it)."""
    return (_decode_url if url else _decode_text)(value)


def _said(part: str, *printed: str) -> bool:
    """Whether `part` (without its remarks in brackets) already stands in the printed text."""
    part = re.sub(r"\s*\([^)]*\)", "", part or "").strip().casefold()
    return bool(part) and any(part in (text or "").casefold() for text in printed)


def entry(row: dict) -> str:
    if not KEY.fullmatch(row["source_id"]):
        raise ValueError(f"source_id {row['source_id']!r} cannot be a BibTeX key: use a slug (a-z, 0-9, -)")
    row = {**row, "url": row["url"] if URL.fullmatch(" ".join((row["url"] or "").split())) else ""}
    if _said(row["container"], row["title"]):
        row["container"] = ""
    if _said(row["date_text"], row["title"], row["container"]):
        row["date_text"] = ""
    # (field, cell, kept in an inner pair of braces: the author is one name, as written; the
    # title keeps its capitals), in the order the style prints them (language is not printed).
    wanted = [("author", "author", True), ("title", "title", True), ("howpublished", "container", False),
              ("note", "date_text", False), ("url", "url", False), ("language", "language", False)]
    fields = []
    for name, column, inner in wanted:
        value = encode(row[column] or "", url=name == "url")
        if value:
            fields.append((name, "{{" + value + "}}" if inner else "{" + value + "}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{row['source_id']},\n{body}\n}}\n"


def render(data_dir: Path) -> str:
    """references.bib from the sources table (the file datapackage.json names, which the validator
    checked). A row that cannot be an entry raises ValueError with one line: file, row, column."""
    from edition.data.validate import display, quote, table_path

    path = table_path(data_dir, "sources")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    entries = []
    for number, row in enumerate(rows, start=2):
        if not KEY.fullmatch(row["source_id"] or ""):
            raise ValueError(f"{display(path)}, row {number}, column source_id: {quote(row['source_id'] or '')} cannot be "
                             "a BibTeX key: use a slug (lower-case letters and digits, words joined by single hyphens)")
        entries.append(entry(row))
    return HEADER + "\n" + "\n".join(entries)


# --- The book's pybtex style: unsrt's @misc entry, each field's text as the table has it. ---

def _unbrace(value: str) -> str:
    """`{text}` -> `text` when the braces enclose the whole value (author, title: see entry())."""
    if not (value.startswith("{") and value.endswith("}")):
        return value
    depth = 0
    for i, char in enumerate(value):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return value[1:-1] if i == len(value) - 1 else value
    return value


def _style_class():
    from pybtex.richtext import String, Text
    from pybtex.style.formatting.unsrt import Style as UnsrtStyle
    from pybtex.style.formatting import toplevel
    from pybtex.style.template import FieldIsMissing, href, node, optional, sentence, words

    @node
    def exact(children, context, name, url=False):
        """A field's text as data/sources.csv has it (decoded, not read as LaTeX); a str for a
        URL, as href() wants."""
        entry = context["entry"]
        if name in entry.persons:  # the author: one name, written whole in braces
            value = " and ".join(str(person) for person in entry.persons[name])
        elif name in entry.fields:
            value = entry.fields[name]
        else:
            raise FieldIsMissing(name, entry)
        text = decode(_unbrace(value), url=url)
        return text if url else Text(String(text))

    class Style(UnsrtStyle):
        """unsrt's look (author. title. container. date. URL: address.), every field exact."""

        def get_misc_template(self, e):
            return toplevel[
                optional[sentence[exact("author")]],
                optional[sentence[exact("title")]],
                optional[sentence[exact("howpublished")]],
                optional[sentence[exact("note")]],
                optional[sentence[words["URL:", href(exact("url", url=True))[exact("url", url=True)]]]],
            ]

    return Style


def register_style() -> None:
    """Make the `edition` pybtex style known (bibtex_default_style in _config.yml)."""
    from pybtex.plugin import register_plugin

    register_plugin("pybtex.style.formatting", STYLE, _style_class())


# What sphinxcontrib-bibtex asks pybtex for while it resolves citations: once per citation, and
# each answer is looked for in every installed package's entry points (about 37 ms here; 7 of the
# 38 s of a one-page rebuild). Registering each found class under its own name puts it in pybtex's
# store of run-time plug-ins, which is searched first: the same classes, found once.
LOOKED_UP = [("pybtex.backends", "plaintext")]


def register_lookups() -> None:
    from pybtex.plugin import find_plugin, register_plugin

    for group, name in LOOKED_UP:
        register_plugin(group, name, find_plugin(group, name), force=True)


def setup(app: Sphinx) -> dict:
    """Sphinx extension: the `edition` pybtex style (bibtex_default_style), and the printed list
    of works on its own page."""
    register_style()
    register_lookups()
    return register(app)


def main(argv: list[str]) -> int:
    """`python -m edition.sphinx.book.bibliography [--check] [BOOK]`: BOOK is the book's folder (the
    current one if not given), with data/ in it."""
    book = Path(next((a for a in argv if not a.startswith("--")), "."))
    if not (book / "data").is_dir():
        print(f"{book.resolve()} has no data/ folder: run this in the book's folder, or name it.")
        return 1
    text, bib = render(book / "data"), book / BIB
    if "--check" in argv:
        if not bib.exists() or bib.read_text(encoding="utf-8") != text:
            print(f"{BIB} is out of date with data/sources.csv: run `python -m edition.sphinx.book.bibliography`.")
            return 1
        return 0
    bib.write_text(text, encoding="utf-8")
    print(f"Wrote {bib} ({text.count('@misc')} entries).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
