"""Which edition is this build? The one answer every plug-in asks.

"web" is the HTML book (interactive charts, previews, solutions in dropdowns, check cells inside
their exercises). "print" is every edition read on paper or an e-reader: the PDF, the reading
edition and the handouts (Typst) and the EPUB. A print edition draws its charts as images, leaves
the worked solutions and the "Check your answer" cells out, and words what a reader cannot do on
paper ("hover") for paper. Asked once here, so a new print builder cannot be forgotten in one place
and remembered in another (the Typst editions once printed the check cells that way).
"""
from __future__ import annotations

from sphinx.application import Sphinx



def edition_of(app: Sphinx) -> str:
    """"html" for the web book (the builders that write web pages: html, dirhtml, singlehtml);
    "print" for every other: the Typst PDF, reading edition and handouts, the EPUB (which writes
    XHTML but is read as a book), and any builder the book does not know (images, not scripts)."""
    return "html" if app.builder.format == "html" and app.builder.name != "epub" else "print"


def is_print(app: Sphinx) -> bool:
    return edition_of(app) == "print"
