"""The book's bibliography (`references.bib`), generated from the `sources` table; in print, the
list stands on its page.

    python -m edition.bibliography            # write references.bib at the repository root
    python -m edition.bibliography --check    # exit 1 if references.bib differs from sources.csv

One BibTeX entry per row of data/sources.csv, its key the row's `source_id`, so the book can cite
any source of the essay or of the dataset with {cite}`source_id`. Nothing is added that the
table does not say: no year, publisher or place is guessed. Every entry is `@misc` (all fields
optional), authors are kept whole in braces (corporate authors stay as written), and the
source's own date is kept as written (`note`), not parsed. Only http(s) addresses are kept (the
page links them), and a source_id must be a plain key: the table's text never becomes BibTeX
syntax of its own. A field that would only repeat the title is left out: the source titled
"Workers' Dreadnought, 1 December 1923" is printed without its container ("Workers' Dreadnought")
and its date ("1 December 1923"), a date already in the container is not printed twice.
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.latex.nodes import thebibliography
from sphinx.transforms.post_transforms import SphinxPostTransform

from edition.data import DATA_DIR

ROOT = DATA_DIR.parent
BIB = ROOT / "references.bib"
# A web address as the book links it: http(s) only (a "javascript:" or "file:" address would be a
# live link on the bibliography page) and nothing that could end the BibTeX value early.
URL = re.compile(r"https?://[^\s{}\\\"]+", re.I)
# A source_id that BibTeX reads as one key and nothing more (the validator asks for a slug).
KEY = re.compile(r"[^\s{}(),=\\#%\"']+")
HEADER = ("% Generated from data/sources.csv by `python -m edition.bibliography`: do not edit by hand.\n"
          "% One entry per source; the key is the source_id. Fields are the table's, as written.\n")


def _braced(text: str) -> str:
    """A BibTeX value in braces; LaTeX's special characters escaped so that pybtex reads them back."""
    text = " ".join(text.split())
    for char in "&%#_$":
        text = text.replace(char, "\\" + char)
    return "{" + text.replace("{", "").replace("}", "") + "}"


def _said(part: str, *printed: str) -> bool:
    """Whether `part` (without its remarks in brackets) already stands in the printed text."""
    part = re.sub(r"\s*\([^)]*\)", "", part).strip().casefold()
    return bool(part) and any(part in text.casefold() for text in printed)


def entry(row: dict) -> str:
    if not KEY.fullmatch(row["source_id"]):
        raise ValueError(f"source_id {row['source_id']!r} cannot be a BibTeX key: use a slug (a-z, 0-9, -)")
    fields = []
    if row["author"]:
        fields.append(("author", "{" + _braced(row["author"]) + "}"))  # one name, as written
    if row["title"]:
        fields.append(("title", "{" + _braced(row["title"]) + "}"))  # keep its capitals
    container = row["container"] if not _said(row["container"], row["title"]) else ""
    if container:
        fields.append(("howpublished", _braced(container)))
    if row["date_text"] and not _said(row["date_text"], row["title"], container):
        fields.append(("note", _braced(row["date_text"])))
    url = " ".join(row["url"].split())
    if url and URL.fullmatch(url):  # anything else is left out: not an address the book links
        fields.append(("url", "{" + url + "}"))
    if row["language"]:
        fields.append(("language", _braced(row["language"])))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{row['source_id']},\n{body}\n}}\n"


def render(data_dir: Path = DATA_DIR) -> str:
    with (data_dir / "sources.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return HEADER + "\n" + "\n".join(entry(r) for r in rows)


# In print (Sphinx's LaTeX builder) every citation is gathered into one list at the end of the book
# (sphinx.builders.latex.transforms.BibliographyTransform, priority 750), after the last page and
# under a second heading "Bibliography", while the page "Bibliography" keeps only its introduction.
# The two post-transforms below put the list back where the page's {bibliography} stood, without a
# heading of its own: the page's title is its heading. (Loaded by edition.book.)
LIST_HERE = "edition-bibliography-here"
# thebibliography (book class) opens with \chapter*{\bibname}: within this group, nothing.
IN_PAGE = (r"\begingroup\makeatletter\renewenvironment{sphinxthebibliography}[1]"
           r"{\let\chapter\@gobbletwo\let\@mkboth\@gobbletwo\begin{thebibliography}{#1}}"
           r"{\end{thebibliography}}\makeatother")


def _latex(text: str) -> nodes.raw:
    return nodes.raw("", text, format="latex")


class MarkTheList(SphinxPostTransform):
    """Mark where the first citation stands, before Sphinx gathers them all."""

    default_priority = 749
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        first = next(iter(self.document.findall(nodes.citation)), None)
        if first is not None:
            first.parent.insert(first.parent.index(first), nodes.container(classes=[LIST_HERE]))


class ListOnItsPage(SphinxPostTransform):
    """Move the list that Sphinx gathered to the mark."""

    default_priority = 751
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        mark = next((n for n in self.document.findall(nodes.container) if LIST_HERE in n["classes"]), None)
        if mark is None:
            return
        gathered = next(iter(self.document.findall(thebibliography)), None)
        if gathered is None:
            mark.parent.remove(mark)
            return
        gathered.parent.remove(gathered)
        mark.replace_self([_latex(IN_PAGE), gathered, _latex(r"\endgroup")])


def setup(app: Sphinx) -> dict:
    app.add_post_transform(MarkTheList)
    app.add_post_transform(ListOnItsPage)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not BIB.exists() or BIB.read_text(encoding="utf-8") != text:
            print(f"{BIB.name} is out of date with data/sources.csv: run `python -m edition.bibliography`.")
            return 1
        return 0
    BIB.write_text(text, encoding="utf-8")
    print(f"Wrote {BIB} ({text.count('@misc')} entries).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
