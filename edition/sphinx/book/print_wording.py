"""Print wording: what the notebooks ask a reader to do on screen, said for paper.

A chart's caption or an exercise may say "hover a mark for its source": on paper and in an e-reader
the chart is an image, and the same facts stand in the table printed under it ("The data this chart
draws", edition/sphinx/book/figures.py; in the PDF and the EPUB, not in the handouts, which point there). The notebooks keep their screen wording; a print build (the
one answer: edition.sphinx.book.editions) swaps each sentence below for its print variant, whole, as the
page is written. A sentence of print that still says "hover" (a new caption, or one reworded on
screen but not here) stops the build with a warning that names it, so no print reader is asked
to hover. Code is left as written (`hover_data=` is code, not an instruction to the reader).
"""
from __future__ import annotations

import re

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from edition.sphinx.book import ancestor, register
from edition.sphinx.book.editions import is_print

logger = logging.getLogger(__name__)

UNDER = "The table under the chart"
# screen wording (as it stands in one text node of the page) -> print wording
PRINT_WORDING = {
    # chronology
    "reference we can show when the reader hovers over a mark.":  # (a line of its own in the source)
        "reference the chart can give with each mark (in print, in the table under the chart).",
    "On screen, hover a mark for its date as recorded, its precision and its source.":
        f"{UNDER} gives each mark's date as recorded, its precision and its source.",
    "Hover over the marks of ": "Read the table under ",
    # membership
    "On screen, hover for the sources.": f"{UNDER} gives each bar's sources.",
    "On screen, hover for the role and the source.": f"{UNDER} gives each bar's role and source.",
    "On screen, hover for what the source gives, the date, who made the estimate and the source.":
        f"{UNDER} gives, for each mark, what the source gives, the date, who made the estimate and the source.",
    # publications
    "On screen, hover for the title, the date as recorded and the essay paragraphs that cite it.":
        f"{UNDER} gives each text's title, the date as recorded and the essay paragraphs that cite it.",
    "On screen, hover for the opening words and the quoted text.":
        f"{UNDER} gives each quotation's opening words and the quoted text.",
    # repression
    "On screen, hover for the date as recorded, the number of people where a source gives it, and the source.":
        f"{UNDER} gives each mark's date as recorded, the number of people where a source gives it, and the source.",
    "on screen, hover any mark for its source.": "the table under the chart gives each mark's source.",
}
SCREEN_ONLY = re.compile(r"\bhover(s|ing|ed)?\b", re.I)
CODE = (nodes.literal_block, nodes.literal, nodes.raw, nodes.doctest_block)


def print_wording(text: str, handout: bool = False) -> str:
    """The text with each screen sentence of PRINT_WORDING in its print wording (a line break
    of the source counts as a space; MyST gives each line of a paragraph a text node of its own).
    A handout has no tables under its charts (they would make an 8-page handout 37 pages): it
    points to the PDF edition's."""
    text = re.sub(r"\s+", " ", text)
    for screen, paper in PRINT_WORDING.items():
        if handout:
            paper = paper.replace("Read the table under ", "Read, in the PDF edition, the table under ")
            paper = re.sub(r"(?i)(the) table under the chart", r"\1 table under this chart in the PDF edition", paper)
        text = text.replace(screen, paper)
    return text


class PrintWording(SphinxPostTransform):
    """Print editions: the screen's sentences in their print wording; "hover" left nowhere but code."""

    default_priority = 6  # after the table under each chart is placed (figures.ChartTables, 5)

    def run(self, **kwargs) -> None:
        if not is_print(self.app):
            return
        for text in list(self.document.findall(nodes.Text)):
            if ancestor(text, *CODE) or not SCREEN_ONLY.search(text):
                continue
            worded = print_wording(str(text), handout=self.app.builder.name == "typst"
                                   and getattr(self.config, "edition_typst", "") == "handouts")
            if worded != re.sub(r"\s+", " ", str(text)):
                text.parent.replace(text, nodes.Text(worded))
            if SCREEN_ONLY.search(worded):
                logger.warning(f"print would ask the reader to hover ({worded.strip()[:120]!r}): add this "
                               "sentence's print wording to PRINT_WORDING in edition/sphinx/book/print_wording.py",
                               location=text.parent)


def setup(app) -> dict:
    return register(app, post_transforms=[PrintWording])
