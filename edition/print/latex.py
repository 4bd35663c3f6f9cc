"""The printed edition (Sphinx's LaTeX builder, xelatex): book structure and the editors' marks.

Loaded by edition.book.labels. Every transform here runs for the LaTeX builder only, on the whole book
assembled into one doctree, so the HTML and EPUB editions are untouched. The editor's notes of the
essay's pages become endnotes (edition/print/endnotes.py). The look itself is in
`edition/print/assets/latex/edition.sty`, named in `_config.yml` (latex_elements, latex_additional_files).
Right-to-left text (Arabic, Hebrew) is marked for TeX--XeT here; the fonts for every script are
set in edition.sty. `python -m edition.print.latex _build/latex/book.log`, which `make pdf` runs after
xelatex, fails when xelatex could not print a character (no font had it).

Jupyter Book's own LaTeX layer (`use_jupyterbook_latex`) would turn the toc's parts into \\part,
but its document class needs bbm.sty (Debian: the 1.4 GB texlive-fonts-extra) and sets a 17.5 cm
text width. It is switched off in `_config.yml` and the little it did for this book is done here.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.i18n import format_date

from edition.print.endnotes import EditorsNotesAsEndnotes
from edition.book import register

logger = logging.getLogger(__name__)

# Paragraph classes that the style file sets apart (environment sphinxclass<name>).
STYLED_PARAGRAPHS = ("attribution", "signature", "editorial-heading-note")
FRONT_MATTER_TITLE = "Introduction"
# Tables whose column widths this module computes are set one size smaller (container class
# "print-table", see edition.sty); a DataFrame too wide for that is set smaller still, with less
# space between columns and its numbers' headings turned upright ("print-table-wide"). Widths are
# measured in characters of the table's serif type: (characters in a line of the 132 mm text
# width, the two \tabcolsep of a column in characters). FreeSerif averages about 0.5 em.
TABLE_LAYOUTS = {"print-table": (72, 3), "print-table-wide": (82, 2)}
# How much wider than an average serif character a character of each kind of text is.
MONO, HEAD = 1.25, 1.15  # FreeMono (inline code); the header row's sans serif
ROTATED = 1.6            # a heading turned upright takes a line's height


def _raw(latex: str) -> nodes.raw:
    return nodes.raw("", latex, format="latex")


class BookStructure(SphinxPostTransform):
    """Front matter, then one \\part per part of `_toc.yml` with its pages as chapters.

    The root page's title is the book's title (the title page shows it), its byline is on the
    title page, and its own sections become an unnumbered "Introduction" chapter.
    """

    default_priority = 700
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        root = self.document.next_node(nodes.section)
        if root is None or not any(isinstance(n, addnodes.start_of_file) for n in root.findall()):
            return  # not the assembled book
        wrappers = [c for c in root.children
                    if isinstance(c, nodes.compound) and "toctree-wrapper" in c["classes"]]
        front = [c for c in root.children if c not in wrappers and not isinstance(c, nodes.title)]
        # The byline ("C. D. Ward · a teaching edition") repeats the title page.
        if front and isinstance(front[0], nodes.paragraph) and "·" in front[0].astext():
            front[0].parent.remove(front[0])
            front = front[1:]
        if front:
            intro = nodes.section("", nodes.title("", FRONT_MATTER_TITLE), ids=["edition-introduction"])
            for node in front:
                root.remove(node)
                intro.append(node)
            root.insert(1, intro)
        captions = self._captions()
        for wrapper in wrappers:
            first = wrapper.next_node(addnodes.start_of_file)
            caption = captions.get(first["docname"]) if first is not None else None
            if caption:
                wrapper.parent.insert(wrapper.parent.index(wrapper),
                                      _raw(r"\part{%s}" % self._escape(caption)))

    def _captions(self) -> dict[str, str]:
        """docname of each part's first page -> the part's caption, from sphinx-external-toc."""
        site_map = getattr(self.config, "external_site_map", None)
        found = {}
        if site_map is None:
            return found
        for subtree in site_map.root.subtrees:
            pages = [item for item in subtree.items if isinstance(item, str)]  # not globs or URLs
            if subtree.caption and pages:
                found[pages[0]] = subtree.caption
        return found

    @staticmethod
    def _escape(text: str) -> str:
        from sphinx.util.texescape import escape
        return escape(text)


class StyledParagraphs(SphinxPostTransform):
    """Wrap class-marked paragraphs (attribution lines, the signature, editors' remarks) in a
    container, which Sphinx writes as \\begin{sphinxuseclass}{name}: the style file gives each
    name its look. In HTML the classes are styled by CSS directly."""

    default_priority = 700
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        for para in list(self.document.findall(nodes.paragraph)):
            names = [c for c in para["classes"] if c in STYLED_PARAGRAPHS]
            if names and not isinstance(para.parent, nodes.container):
                box = nodes.container("", classes=names[:1])
                para.replace_self(box)
                box.append(para)


class _DataFrameHTML(HTMLParser):
    """The rows of pandas' HTML table (`<table class="dataframe">`): [(in_head, [(text, span)])]."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[bool, list[tuple[str, int]]]] = []
        self.after: list[str] = []  # text after the table ("60 rows × 5 columns")
        self.spans = False
        self._head = self._table_done = False
        self._cell: list[str] | None = None
        self._style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "style":
            self._style = True
        elif tag == "thead":
            self._head = True
        elif tag == "tbody":
            self._head = False
        elif tag == "tr":
            self.rows.append((self._head, []))
        elif tag in ("th", "td"):
            self._cell = []
            self.spans = self.spans or "colspan" in attrs or "rowspan" in attrs

    def handle_endtag(self, tag):
        if tag == "style":
            self._style = False
        elif tag in ("th", "td") and self._cell is not None and self.rows:
            self.rows[-1][1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table_done = True

    def handle_data(self, data):
        if self._style:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._table_done and data.strip():
            self.after.append(" ".join(data.split()))


class DataFrameTables(SphinxPostTransform):
    """A pandas DataFrame printed by a notebook becomes a real table in print.

    In the PDF, myst-nb would show a DataFrame's text/plain form: at 80 columns pandas splits a
    wide frame into blocks of columns with backslashes, which the page then wraps again. The
    print build asks for the text/html form instead (`nb_mime_priority_overrides` in
    `_config.yml`), and this transform turns pandas' HTML table into a docutils table with the
    same cells; PrintLayout sizes it. HTML and EPUB keep pandas' own HTML.
    """

    default_priority = 690
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        for raw in list(self.document.findall(nodes.raw)):
            if "html" not in raw.get("format", "").split() or "text_html" not in raw["classes"]:
                continue
            parsed = _DataFrameHTML()
            parsed.feed(raw.astext())
            if 'class="dataframe"' not in raw.astext() or parsed.spans or not parsed.rows:
                # Only plain DataFrames are known here; anything else would vanish from print.
                logger.warning("a notebook's HTML output cannot be printed (not a plain pandas "
                               "DataFrame)", location=raw)
                continue
            raw.replace_self(self._table(parsed))

    @staticmethod
    def _table(parsed: _DataFrameHTML) -> nodes.container:
        width = max(len(cells) for _, cells in parsed.rows)
        tgroup = nodes.tgroup(cols=width)
        tgroup += [nodes.colspec(colwidth=1) for _ in range(width)]
        head, body = nodes.thead(), nodes.tbody()
        for in_head, cells in parsed.rows:
            row = nodes.row()
            for text in cells + [""] * (width - len(cells)):
                row += nodes.entry("", nodes.paragraph("", text)) if text else nodes.entry()
            (head if in_head else body).append(row)
        if len(head):
            tgroup += head
        tgroup += body
        table = nodes.table("", tgroup, classes=["dataframe"])
        layout = "print-table"
        if sum(_column_widths(table, TABLE_LAYOUTS[layout])[0]) > TABLE_LAYOUTS[layout][0]:
            # Too wide even with every column as narrow as its longest word: typically a count
            # matrix (years by kinds) whose headings are words and whose cells are numbers.
            layout = "print-table-wide"
            DataFrameTables._upright_headings(table)
        box = nodes.container("", nodes.container("", table, classes=[layout]), classes=["output"])
        for text in parsed.after:
            box += nodes.container("", nodes.paragraph("", text), classes=["dataframe-shape"])
        return box


    @staticmethod
    def _upright_headings(table: nodes.table) -> None:
        """Turn the headings of columns of short cells (numbers) upright, to read bottom to top."""
        body = [row.children for row in table.findall(nodes.row) if isinstance(row.parent, nodes.tbody)]
        for row in table.findall(nodes.row):
            if not isinstance(row.parent, nodes.thead):
                continue
            for i, entry in enumerate(row.children[1:], start=1):  # not the index's heading
                short = all(len(cells[i].astext()) <= 4 for cells in body if len(cells) > i)
                para = entry.next_node(nodes.paragraph)
                if short and para is not None:
                    para.insert(0, nodes.raw("", r"\rotatebox{90}{", format="latex"))
                    para.append(nodes.raw("", "}", format="latex"))
                    entry["classes"].append("upright")


def _column_widths(table: nodes.table, layout: tuple[int, int]) -> tuple[list[float], list[float]]:
    """(need, want) of each column, in characters: its longest word (what LaTeX cannot break,
    which would stick out of its column as an overfull line) and its longest cell (up to 60
    characters), each with the space between columns."""
    _, padding = layout
    colspecs = list(table.findall(nodes.colspec))
    need = [0.0] * len(colspecs)
    want = [8.0] * len(colspecs)
    for row in table.findall(nodes.row):
        in_head = isinstance(row.parent, nodes.thead)
        for i, entry in enumerate(row.children[: len(colspecs)]):
            if "upright" in entry["classes"]:
                need[i] = max(need[i], ROTATED)
                continue
            want[i] = max(want[i], min(60, len(entry.astext())))
            for text in entry.findall(nodes.Text):
                if isinstance(text.parent, nodes.raw):
                    continue
                scale = MONO if isinstance(text.parent, nodes.literal) else 1.0
                scale *= HEAD if in_head else 1.0
                need[i] = max([need[i]] + [scale * len(w) for w in text.split()])
    need = [n + padding for n in need]
    want = [max(w + padding, n) for w, n in zip(want, need)]
    return need, want


class PrintLayout(SphinxPostTransform):
    """What a page of print needs instead of a web page's: no "dropdown" on the editors' notes
    (they print as boxed notes, see div.note_* in latex_elements.sphinxsetup), no rule before
    the notes (LaTeX has its footnote rule), long tables allowed to break across pages, and
    column widths that fit the longest word of each column."""

    default_priority = 700
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        for node in self.document.findall(nodes.admonition):
            node["classes"] = [c for c in node["classes"] if c != "dropdown"]
        for node in list(self.document.findall(nodes.transition)):
            if "footnotes" in node["classes"]:
                node.parent.remove(node)
        for table in list(self.document.findall(nodes.table)):
            long = len(list(table.findall(nodes.row))) > 6
            if long or {"dataframe", "data-fields"} & set(table["classes"]):  # a short field list too
                self._sized(table, long)

    @staticmethod
    def _sized(table: nodes.table, long: bool) -> None:
        """Wrapping columns as wide as their longest cell, but never narrower than their longest
        word. Long tables become longtables, which break across pages. The table is set in the
        style of its container (print-table unless DataFrameTables chose otherwise)."""
        table["classes"] = [c for c in table["classes"] if c != "colwidths-auto"]
        table["classes"] += ["colwidths-given"] + (["longtable"] if long else [])
        box = table.parent
        if not (isinstance(box, nodes.container) and set(box["classes"]) & set(TABLE_LAYOUTS)):
            box = nodes.container("", classes=["print-table"])
            table.replace_self(box)
            box.append(table)
        layout = TABLE_LAYOUTS[next(c for c in box["classes"] if c in TABLE_LAYOUTS)]
        need, want = _column_widths(table, layout)
        line_chars = layout[0]
        spare = line_chars - sum(need)
        if sum(want) <= line_chars or spare <= 0:
            widths = want if sum(want) <= line_chars else need
        else:  # every column gets its longest word, the rest of the line goes by what they want
            extra = [w - n for w, n in zip(want, need)]
            widths = [n + spare * e / sum(extra) for n, e in zip(need, extra)]
        for colspec, width in zip(table.findall(nodes.colspec), widths):
            colspec["colwidth"] = max(1, round(width * 10))


class RightToLeft(SphinxPostTransform):
    """Runs of right-to-left text (Arabic, Hebrew, ...) in print: \\editionrtl{...}.

    XeTeX shapes an Arabic word right to left by itself, but sets a paragraph's words left to
    right: a title of two Arabic words would print them in the wrong order. Each run (from its
    first right-to-left letter to its last, the spaces, digits and punctuation between them too)
    is set right to left with TeX--XeT (edition.sty). A simple form of the Unicode bidirectional
    algorithm, enough for words and titles inside English text; the web does the full one.
    Code blocks are left as they are (their letters still print, in visual word order).
    """

    default_priority = 950  # after every transform that moves or makes text (the 900s too)
    builders = ("latex",)
    SKIP = (nodes.FixedTextElement, nodes.raw, nodes.math)

    def run(self, **kwargs) -> None:
        for text in list(self.document.findall(nodes.Text)):
            runs = rtl_runs(str(text))
            if not runs or any(isinstance(a, self.SKIP) for a in _ancestors(text)):
                continue
            parts, at = [], 0
            for start, end in runs:
                parts += [nodes.Text(text[at:start]), _raw(r"\editionrtl{"), nodes.Text(text[start:end]),
                          _raw("}")]
                at = end
            parts.append(nodes.Text(text[at:]))
            parent = text.parent
            index = parent.index(text)
            parent.remove(text)
            for offset, part in enumerate(p for p in parts if not isinstance(p, nodes.Text) or str(p)):
                parent.insert(index + offset, part)


def _ancestors(node: nodes.Node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def rtl_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each right-to-left run in text: from a letter of a right-to-left script
    to the last such letter before a left-to-right letter, with the marks on it (vowel signs) and
    any number after it; the spaces and punctuation around a run stay outside."""
    runs, start, end = [], None, None
    for i, char in enumerate(text):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            start = i if start is None else start
            end = i + 1
        elif start is not None and (kind in ("AN", "EN") or (kind == "NSM" and end == i)):
            end = i + 1
        elif kind == "L" and start is not None:
            runs.append((start, end))
            start = None
    if start is not None:
        runs.append((start, end))
    return runs


def _date(app: Sphinx) -> None:
    """The title page's date: the day of the build ("27 November 2026"; SOURCE_DATE_EPOCH is
    honoured), in the book's form rather than Sphinx's "Nov 27, 2026"."""
    if app.builder.name == "latex" and not app.config.today:
        app.builder.context["date"] = format_date("%d %B %Y", language="en").lstrip("0")


def _pdf_string(text: str) -> str:
    """Text for a hyperref PDF string: TeX's special characters escaped (\\, ~ and ^ left out)."""
    return "".join("\\" + c if c in "#$%&_{}" else c for c in text if c not in "\\~^")


def _document_info(app: Sphinx) -> None:
    """The PDF's document info (what `pdfinfo` and a reader's "Properties" show): the book's title,
    its author as the EPUB names him (epub_author), the EPUB's description as the subject, and
    `edition_keywords`, all from `_config.yml`."""
    if app.builder.name != "latex":
        return
    config = app.config
    info = {"pdftitle": config.project, "pdfauthor": config.epub_author,
            "pdfsubject": config.epub_description, "pdfkeywords": "; ".join(config.edition_keywords)}
    fields = ",\n  ".join(f"{key}={{{_pdf_string(value)}}}" for key, value in info.items())
    app.builder.context["preamble"] += f"\n\\hypersetup{{\n  {fields}}}\n"


LATEX_PAPER = {"a4": "a4paper", "letter": "letterpaper"}


def _paper(app: Sphinx, config) -> None:
    """`edition_paper` (make pdf PAPER=letter) chooses LaTeX's paper size; the margins of
    latex_elements.sphinxsetup are lengths, the same on either paper."""
    if config.edition_paper not in LATEX_PAPER:
        from sphinx.errors import ConfigError
        raise ConfigError(f"edition_paper must be one of {', '.join(LATEX_PAPER)}, not {config.edition_paper!r}")
    config.latex_elements = {**config.latex_elements, "papersize": LATEX_PAPER[config.edition_paper]}


def setup(app: Sphinx) -> dict:
    return register(app, config={"edition_keywords": ([], "env", [list]),
                                 "edition_paper": ("a4", "", [str])},  # only the writing depends on the paper
                    post_transforms=[BookStructure, StyledParagraphs, DataFrameTables, PrintLayout,
                                     EditorsNotesAsEndnotes,  # editor's notes: margin marks, endnotes
                                     RightToLeft],
                    events=[("config-inited", _paper), ("builder-inited", _date), ("builder-inited", _document_info)])


# --- After xelatex: characters the PDF's fonts could not print (make pdf runs this). ---

LOST = re.compile(r"^Missing character: There is no .*? \(U\+([0-9A-F]{4,6})\) in font (.*?)!$", re.M)
LOG_WIDTH = 79  # TeX breaks its log's lines at this many characters (max_print_line)


def _font_name(spec: str) -> str:
    """'[FreeSerif.otf]/OT:script=latn;...' -> 'FreeSerif'; 'Noto Serif CJK SC/OT:...' -> 'Noto Serif CJK SC'."""
    if spec.startswith("["):
        spec = spec[1:spec.find("]")] if "]" in spec else spec[1:]
        spec = re.sub(r"\.(otf|ttf|ttc|pfb)$", "", Path(spec).name)
    return re.split(r"[/:]", spec)[0].strip('"')


def lost_characters(log: str) -> dict[str, list[str]]:
    """Each character xelatex could not print ("Missing character" in its log, whose lines TeX
    breaks at 79 characters): the fonts that lacked it, in order of appearance."""
    lines = log.split("\n")
    log = "".join(line + ("" if len(line) == LOG_WIDTH else "\n") for line in lines)
    found: dict[str, list[str]] = {}
    for match in LOST.finditer(log):
        char, font = chr(int(match[1], 16)), _font_name(match[2])
        fonts = found.setdefault(char, [])
        if font not in fonts:
            fonts.append(font)
    return found


def describe(char: str) -> str:
    shown = f" {char}" if char.isprintable() and not unicodedata.combining(char) else ""
    kind = {"Co": "a private-use character", "Cn": "not a character in Unicode"}
    name = unicodedata.name(char, kind.get(unicodedata.category(char), "no Unicode name"))
    return f"U+{ord(char):04X}{shown} ({name})"


def main(argv: list[str]) -> int:
    """python -m edition.print.latex LOG: exit 1, one line per character, if any was not printed."""
    log = Path(argv[0] if argv else "_build/latex/book.log")
    lost = lost_characters(log.read_text(encoding="utf-8", errors="replace"))
    for char, fonts in lost.items():
        print(f"The PDF's fonts cannot print {describe(char)}: it is not in {', '.join(fonts)}.")
    if lost:
        print(f"This PDF was not published: {len(lost)} character(s) would be missing from it (see {log}). "
              "Find them in data/ or the chapters and replace them, or give the PDF a font that has "
              "them: a Debian font package in PRINT_DEBS (Makefile) and a fallback for their script "
              "in edition/print/assets/latex/edition.sty.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
