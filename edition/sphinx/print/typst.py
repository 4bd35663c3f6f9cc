"""The print editions: a Sphinx builder that writes Typst from the book's doctrees.

    python -m edition.build pdf         # make pdf: the whole edition, one tagged PDF
    python -m edition.build reading     # make pdf EDITION=reading: the essay alone
    python -m edition.build handouts    # make handouts: one PDF per essay section and notebook

This is the book's one PDF route. The other one, Sphinx's LaTeX builder (xelatex), was removed
after a side-by-side comparison (the numbers are in the commit that removed it): it wrote an
untagged PDF (no PDF/UA, so no WCAG 2.1 AA document) with blank pages, in more time, and needed
TeX Live.

Why Typst and not tagged LaTeX: TeX Live 2022 (Debian 12) tags PDFs only experimentally (the
LaTeX team's tagging project needed 2024-25 kernels, and Sphinx's LaTeX packages are not
supported by it), while the Typst compiler in the `typst` wheel writes PDF/UA-1 itself
(`pdf_standards=["ua-1"]`): structure tree, headings, reading order, language, alt text, real
tables and the title, and it refuses to write a PDF/UA file that lacks them (an image with no
alt text stops the build). It compiles a handout in about a second, so one PDF per page costs
little. The content has one source: this builder reads the same doctrees (myst-nb's outputs,
sphinx-exercise's exercises, the paragraph labels of edition.sphinx.book.labels) that the HTML and EPUB
builders read, and only translates them; nothing of the text is copied by hand.

The look says whose words are whose (tests/printed.py reads it back):
the author's words (and the notebooks' prose) are serif; everything the editors add (paragraph
labels, front matter, boxes, exercises' headings) is sans serif; the author's notes are smaller
serif footnotes numbered as the essay numbers them.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.util import logging
from sphinx.util.osutil import ensuredir

from edition.paths import LABEL
from sphinx.transforms.post_transforms import SphinxPostTransform
from html.parser import HTMLParser
from edition.essay import ESSAY
from edition.data import essay_facts
from edition.sphinx.book import register
from edition.sphinx.book.freshness import notebook_pages

logger = logging.getLogger(__name__)

# Typst font lists. Libertinus and DejaVu ship with Typst. Han characters come from the Simplified
# Chinese cut of Noto CJK, named second: Typst's own fallback took the Japanese cut, whose letter
# forms differ for Chinese names (Noto CJK's SC cut also covers kana and Hangul).
SERIF = '("Libertinus Serif", "Noto Serif CJK SC")'
SANS = '("FreeSans", "Noto Sans CJK SC")'
MONO = "DejaVu Sans Mono"
FONT_PATHS = ["/usr/share/fonts"]  # FreeSans (fonts-freefont-otf), Noto CJK and Amiri for data in other scripts
# Characters with a meaning in Typst markup are written as escapes: text stays text (a dataset's
# "#" or "*" is never code or markup), and "--", "...", quotes are not turned into dashes, an
# ellipsis or curly quotes (the essay's punctuation reaches the reader unchanged).
SPECIAL = set("\\#*_`$<>@[]=-+/~'\":.{}")


def escape(text: str) -> str:
    """Text as Typst markup that prints exactly this text."""
    return "".join(f"\\u{{{ord(c):x}}}" if c in SPECIAL else c for c in " ".join(text.split("\n")))


def string(text: str) -> str:
    """A Typst string literal."""
    return json.dumps(text, ensure_ascii=False)


def preamble(title: str, author: str, subtitle: str, description: str = "", keywords: tuple[str, ...] = ()) -> str:
    """The page, the type and the document's metadata (title and language for PDF/UA; what a
    reader's "Properties" show). The paper is an input of the compiler (`paper`: a4 or letter),
    so one source prints on either."""
    info = (f", description: {string(description)}" if description else "") + (
        f", keywords: ({''.join(string(k) + ', ' for k in keywords)})" if keywords else "")
    return f"""#set document(title: {string(title)}, author: {string(author)}{info})
#let paper = (a4: "a4", letter: "us-letter").at(sys.inputs.at("paper", default: "a4"))
#set page(paper: paper, margin: (left: 34mm, right: 30mm, top: 26mm, bottom: 30mm),
  header: context {{
    if here().page() > 1 {{ set text(font: {SANS}, size: 8pt, fill: luma(35%)); {string(subtitle)} }}
  }},
  footer: context {{ set text(font: {SANS}, size: 8pt, fill: luma(35%)); h(1fr); counter(page).display(); h(1fr) }})
#set text(font: {SERIF}, size: 11pt, lang: "en", region: "GB", hyphenate: false, fallback: true)
#set smartquote(enabled: false)
#set par(justify: true, leading: 0.62em, spacing: 0.95em)
#set heading(numbering: none)
#show heading: set block(above: 1.4em, below: 0.8em)
#show heading.where(level: 1): it => {{ pagebreak(weak: true); v(16mm); set text(size: 17pt); it }}
#show heading.where(level: 2): set text(size: 13pt)
#show heading.where(level: 3): set text(size: 11.5pt)
#show raw: set text(font: "{MONO}", size: 8.5pt)
#set footnote.entry(separator: line(length: 30%, stroke: 0.4pt))
#show footnote.entry: set text(size: 9pt)
#show link: set text(fill: rgb("#1a3a6a"))
#set table(stroke: 0.4pt + luma(60%), inset: 4pt)
#show table: set text(size: 8.5pt)
#set figure(numbering: none)  // the caption says the edition's own number ("Fig. 5: ...")
#show figure.caption: set text(font: {SANS}, size: 8.5pt)
#let ed(body) = text(font: {SANS}, size: 0.82em, fill: luma(25%), body)
#let edbox(title, body, breakable: true) = block(width: 100%, inset: 7pt, stroke: 0.4pt + luma(70%), fill: luma(97%), breakable: breakable, {{
  set text(font: {SANS}, size: 9pt, fill: luma(15%))
  set par(justify: false)
  if title != none {{ block(below: 0.6em, strong(title)) }}
  body
}})
#let label(name) = box(width: 0pt, place(dx: -16mm, dy: 0.1em, text(font: {SANS}, size: 7.5pt, fill: luma(35%), name)))
"""


def front_matter(title: str, edition: str, lines: list[str]) -> str:
    """A title page in the editors' type: the book, this edition's name, what it holds."""
    body = "".join(f"#par[{escape(line)}]\n" for line in lines)
    return (f'#page(header: none)[#set text(font: {SANS})\n#v(30mm)\n#text(size: 20pt, weight: "bold")[{escape(title)}]\n'
            f"#v(4mm)\n#text(size: 13pt)[{escape(edition)}]\n#v(14mm)\n#set text(size: 10pt)\n{body}]\n")


# Most nodes, by their class's name; the translator's visit_ and depart_ methods print the rest.
WRAPS = {  # their children inside a Typst wrapper: (opening, closing)
    "block_quote": ("\n#pad(left: 1.5em, right: 1em)[\n", "]\n"),
    "enumerated_list": ("\n#enum(\n", ")\n"),
    "definition_list_item": ("\n#block[", "]\n"),
    "term": ("#strong[", "] "),
    "definition": ("#pad(left: 1.5em)[", "]"),
    "rubric": ("\n#block(above: 1em, below: 0.6em)[#strong[", "]]\n"),
    "citation": ("\n#block(above: 0.5em)[", "]\n"),  # a bibliography entry: its label ("[12]") and text, a paragraph
    "label": ("[", "] "),
    "emphasis": ("#emph[", "]"),
    "strong": ("#strong[", "]"),
    "subscript": ("#sub[", "]"),
    "superscript": ("#super[", "]"),
    "number_reference": ("", ""),  # the words stay, without a link
}
CHILDREN_ONLY = {"document", "definition_list", "glossary", "target", "download_reference", "pending_xref"}
LEFT_OUT = {
    "toctree", "comment", "meta", "substitution_definition", "system_message", "index",
    "raw",  # HTML or LaTeX for other builders (DataFrames are tables by now)
    "footnote",  # printed where it is referred to (visit_footnote_reference)
}


class TypstTranslator(nodes.NodeVisitor):
    """One doctree (one page of the book) as Typst markup."""

    def __init__(self, document: nodes.document, builder: "TypstBuilder", docname: str, options: dict) -> None:
        super().__init__(document)
        self.builder, self.docname, self.options = builder, docname, options
        self.out: list[str] = []
        self.section_level = 0
        self.ends: list[str] = []
        self.footnotes = {fn["ids"][0]: fn for fn in document.findall(nodes.footnote) if fn["ids"]}
        self.unknown: set[str] = set()
        self.in_editorial = 0

    # --- generic ---
    def astext(self) -> str:
        return "".join(self.out)

    def unknown_visit(self, node: nodes.Node) -> None:
        self.unknown.add(type(node).__name__)  # its children still print: nothing of the text is lost

    def unknown_departure(self, node: nodes.Node) -> None:
        pass  # a node with nothing to print after its children has no depart_ method

    def dispatch_visit(self, node):
        """A node by the tables above (WRAPS, CHILDREN_ONLY, LEFT_OUT), or by its whole_ method (its
        markup, the children's included, as one string), or by its visit_ and depart_ methods."""
        name = type(node).__name__
        if name in LEFT_OUT:
            raise nodes.SkipNode
        if name in WRAPS:
            return self._open(*WRAPS[name])
        if name in CHILDREN_ONLY:
            return None
        whole = getattr(self, f"whole_{name}", None)
        if whole is not None:  # the node's markup made at once, its children's with it
            self.out.append(whole(node))
            raise nodes.SkipNode
        return super().dispatch_visit(node)

    def dispatch_departure(self, node):
        if type(node).__name__ in WRAPS:
            return self._close()
        return super().dispatch_departure(node)

    def _open(self, code: str, end: str) -> None:
        self.out.append(code)
        self.ends.append(end)

    def _close(self, node=None) -> None:
        self.out.append(self.ends.pop())

    def _apart(self, children) -> str:
        """Nodes printed by a translator of their own (a footnote's text, a table's cell), trimmed."""
        inner = TypstTranslator(self.document, self.builder, self.docname, self.options)
        for child in children:
            child.walkabout(inner)
        return inner.astext().strip()

    def visit_Text(self, node: nodes.Text) -> None:
        self.out.append(escape(node.astext()))

    # --- structure ---
    def visit_section(self, node) -> None:
        self.section_level += 1
        for _ in node["ids"][:1]:
            self.out.append("\n")

    def depart_section(self, node) -> None:
        self.section_level -= 1

    def visit_title(self, node) -> None:
        parent = node.parent
        if type(parent).__name__ == "exercise_enumerable_node":
            number = self.builder.number(self.docname, parent, "exercise")
            self._open(f"#block(below: 0.7em)[#strong[{escape(number)}", "]]\n")
            return
        if isinstance(parent, nodes.section):
            level = self.section_level + self.options.get("level_offset", 0)
            editorial = "editorial" in node["classes"] or self.options.get("editorial_headings")
            font = f', font: {SANS}' if editorial else ""
            self._open(f"\n#heading(level: {max(1, level)})[#text({font.lstrip(', ') or ''})[", "]]\n\n")
            return
        if isinstance(parent, nodes.table):
            self._open("#ed[#strong[", "]]\n")
            return
        self._open("#strong[", "]\n")

    def depart_title(self, node) -> None:
        self._close()
        if isinstance(node.parent, nodes.section) and self.options.get("lead") and self.section_level == 1:
            self.out.append(self.options.pop("lead"))  # the handout's note, under the page's title

    def visit_exercise_enumerable_node(self, node) -> None:
        self.in_editorial += 1
        self._open("\n#edbox(none, breakable: false)[\n", "]\n")  # an exercise is read whole: never split by a page

    def depart_exercise_enumerable_node(self, node) -> None:
        self.in_editorial -= 1
        self._close()

    def visit_paragraph(self, node) -> None:
        editorial = "editorial" in node["classes"]
        self.out.append("\n")
        if editorial and not self.in_editorial:
            self._open("#ed[", "]\n\n")
        else:
            self.ends.append("\n\n")
        labels = [i for i in node["ids"] if LABEL.match(i)]
        if isinstance(node.parent, nodes.block_quote) and node.parent.index(node) == 0:
            labels += [i for i in node.parent["ids"] if LABEL.match(i)]
        for ident in labels[:1]:
            self.out.append(f"#label({string(ident)})")

    def depart_paragraph(self, node) -> None:
        self._close()

    def visit_bullet_list(self, node) -> None:
        self.out.append("\n")

    def depart_bullet_list(self, node) -> None:
        self.out.append("\n")

    def visit_list_item(self, node) -> None:
        if isinstance(node.parent, nodes.enumerated_list):
            self._open("[", "],\n")
        else:
            self._open("#list[", "]\n")

    def depart_list_item(self, node) -> None:
        self._close()

    def whole_transition(self, node) -> str:
        return "\n#align(center, line(length: 20%, stroke: 0.4pt))\n"

    def visit_compound(self, node) -> None:
        if "toctree-wrapper" in node["classes"]:
            raise nodes.SkipNode

    def visit_only(self, node) -> None:
        if node.get("expr") not in ("typst", "format_typst"):
            raise nodes.SkipNode

    # --- boxes: the editors' (admonitions), exercises ---
    def visit_admonition(self, node) -> None:
        title = node.next_node(nodes.title)
        heading = escape(title.astext()) if title is not None and title.parent is node else ""
        if title is not None and title.parent is node:
            title.parent.remove(title)
        self.in_editorial += 1
        self._open(f"\n#edbox([{heading}])[\n", "]\n")

    def depart_admonition(self, node) -> None:
        self.in_editorial -= 1
        self._close()

    visit_note = visit_tip = visit_important = visit_warning = visit_hint = visit_attention = visit_admonition
    depart_note = depart_tip = depart_important = depart_warning = depart_hint = depart_attention = depart_admonition

    def visit_container(self, node) -> None:
        if node.get("nb_element") == "cell_code_source" or "cell_input" in node["classes"]:
            if self.options.get("code", True) is False or "tag_hide-input" in node.parent.get("classes", []):
                raise nodes.SkipNode

    def whole_literal_block(self, node) -> str:
        lang = node.get("language", "")
        lang = "python" if lang in ("ipython3", "ipython", "python3") else lang
        return (f"\n#block(width: 100%, inset: 5pt, fill: luma(96%), raw({string(node.astext())}, block: true"
                + (f", lang: {string(lang)}" if lang else "") + "))\n")

    whole_doctest_block = whole_literal_block

    # --- inline ---
    def whole_literal(self, node) -> str:
        return f"#raw({string(node.astext())})"

    def visit_inline(self, node) -> None:
        if "editorial" in node["classes"] and not self.in_editorial:
            self._open("#ed[", "]")
        else:
            self.ends.append("")

    def depart_inline(self, node) -> None:
        self._close()

    def visit_reference(self, node) -> None:
        if "para-label" in node["classes"]:
            raise nodes.SkipNode  # printed in the margin by visit_paragraph
        uri = node.get("refuri", "")
        if uri.startswith(("http://", "https://", "mailto:")):
            self._open(f"#link({string(uri)})[", "]")
        else:
            self.ends.append("")  # a page of the web book: the words stay, without a link

    def depart_reference(self, node) -> None:
        self._close()

    def whole_footnote_reference(self, node) -> str:
        note = self.footnotes.get(node.get("refid", ""))
        if note is None:
            return f"#super[{escape(node.astext())}]"
        text = self._apart(child for child in note.children if not isinstance(child, nodes.label))
        number = node.astext().strip("[]")
        # "~": the note's number and its first word apart, as the essay prints them ("2 The ...")
        return f"#footnote(numbering: _ => {string(number)})[~{text}]"

    def whole_citation_reference(self, node) -> str:
        return f"[{escape(node.astext())}]"

    # --- figures, images and tables ---
    def whole_figure(self, node) -> str:
        image = node.next_node(nodes.image)
        caption = node.next_node(nodes.caption)
        legend = node.next_node(nodes.legend)
        number = self.builder.number(self.docname, node, "figure")
        words = (number + ": " if number else "") + (caption.astext() if caption is not None else "")
        words += (" " + legend.astext()) if legend is not None else ""
        return f"\n#figure({self.builder.image_call(image, self.docname)}, caption: [{escape(words)}])\n"

    def whole_image(self, node) -> str:
        return f"\n#block({self.builder.image_call(node, self.docname)})\n"

    def visit_table(self, node) -> None:
        tgroup = node.next_node(nodes.tgroup)
        cols = int(tgroup["cols"]) if tgroup is not None else 1
        title = node.next_node(nodes.title)
        if title is not None and title.parent is node:
            self.out.append(f"\n#ed[#strong[{escape(title.astext())}]]\n")
        # each column as wide as its cells ask, within the line (equal columns broke dates mid-way);
        # the table under a chart is a reference list of its marks: set small, like a table of figures
        small = "#show table: set text(size: 7pt)\n" if "chart-data" in node.parent.get("classes", []) else ""
        self.out.append(f"\n#block(width: 100%)[{small}#table(columns: ({'auto, ' * cols}),\n")
        self.ends.append(")]\n")
        head = node.next_node(nodes.thead)
        for part, wrap in ((head, "table.header("), (node.next_node(nodes.tbody), "")):
            if part is None:
                continue
            self.out.append(wrap)
            for row in part.children:
                for entry in row.children:
                    self.out.append(f"[{self._apart(entry.children)}],\n")
            self.out.append("),\n" if wrap else "")
        self._close()
        raise nodes.SkipNode


class TypstBuilder(Builder):
    """Writes each print edition of `edition_typst` ("reading" or "handouts") as .typ files and
    compiles them to PDF/UA-1 with the typst wheel."""

    name = "typst"
    format = "typst"
    epilog = "The Typst editions are in %(outdir)s."
    supported_image_types = ["image/png", "image/jpeg", "image/svg+xml"]
    default_translator_class = TypstTranslator

    def init(self) -> None:
        self.image_dir = Path(self.outdir) / "images"
        self.unknown: set[str] = set()

    def get_outdated_docs(self):
        return "all Typst editions"

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return f"%{docname}"

    def prepare_writing(self, docnames) -> None:
        pass

    def write_doc(self, docname, doctree) -> None:
        pass

    def write(self, *args, **kwargs) -> None:
        ensuredir(self.image_dir)
        editions = {"reading": self.write_reading, "handouts": self.write_handouts, "pdf": self.write_book}
        editions[self.config.edition_typst]()
        if self.unknown:
            logger.info(f"Typst: printed only the contents of {', '.join(sorted(self.unknown))}")

    # --- what goes in each edition ---
    def page(self, docname: str, **options) -> str:
        doctree = self.env.get_and_resolve_doctree(docname, self)
        translator = TypstTranslator(doctree, self, docname, options)
        doctree.walkabout(translator)
        self.unknown |= translator.unknown
        return translator.astext()

    def essay_page(self, docname: str) -> str:
        """An essay page as the reading edition prints it: the author's words, their notes and the
        paragraph labels; no editors' box (they are the teaching edition's)."""
        doctree = self.env.get_and_resolve_doctree(docname, self)
        for node in list(doctree.findall(nodes.Element)):
            if node.parent is not None and "editorial" in node.get("classes", []) and not (
                    isinstance(node, nodes.reference) and "para-label" in node["classes"]) and not isinstance(node, nodes.title):
                node.parent.remove(node)
        translator = TypstTranslator(doctree, self, docname, {})
        doctree.walkabout(translator)
        self.unknown |= translator.unknown
        return translator.astext()

    def write_book(self) -> None:
        """The whole edition as one tagged PDF: every page of _toc.yml under its part (H1), each
        page a chapter (H2), the editors' boxes in place as on the web, worked solutions left out
        as in every printed edition. Its document info is the EPUB's library card (_config.yml)."""
        title, essay = self.config.project, self.essay()
        lines = [
            f"{essay['author']}. A teaching edition.",
            f"The essay: {essay['first_published']}.",
            "This edition: notes, companion dataset and notebooks by its editors. The PDF is tagged "
            "(PDF/UA-1), with the charts described in words.",
        ]
        source = preamble(f"{title}", self.config.epub_author, title, " ".join(self.config.epub_description.split()),
                          tuple(self.config.edition_keywords))
        source += "#show heading.where(level: 2): it => { pagebreak(weak: true); v(12mm); set text(size: 16pt); it }\n"
        source += front_matter(title, "A teaching edition", lines)
        # (the outline's own title would be a heading, which the page-breaking heading rule would
        # put on a page of its own, leaving a blank one)
        source += (f'#page(header: none)[#set text(font: {SANS}, size: 10pt)\n#v(16mm)\n'
                   '#text(size: 17pt, weight: "bold")[Contents]\n#v(4mm)\n#outline(title: none, depth: 2)]\n')
        root = self.config.root_doc
        source += self.page(root)  # its title (the book's) is the first H1, before the parts
        for subtree in self.config.external_site_map.root.subtrees:
            pages = [item for item in subtree.items if isinstance(item, str)]
            if subtree.caption:
                source += f'\n#heading(level: 1)[#text(font: {SANS})[{escape(subtree.caption)}]]\n'
            source += "".join(self.page(doc, level_offset=1) for doc in pages)
        self.compile("book", source)

    def essay(self) -> dict:
        """The essay's author, publisher and first publication, from the book's data (edition.data.essay_facts)."""
        from edition.sphinx.book.folders import data_dir

        return essay_facts(data_dir(self.env))

    def write_reading(self) -> None:
        title, essay = self.config.project, self.essay()
        lines = [
            essay["author"],
            "The reading edition: the essay alone, every word in its order, with the author's notes. "
            "The labels in the margin (cr-1, wt-3, wg-14, ...) are the ones by which the teaching edition, "
            "its data and its exercises cite each paragraph.",
            f"The essay was {essay['first_published']}.",
            "The teaching edition, with the editors' notes, the companion data, the notebooks and the exercises, "
            "is a separate book made from the same sources.",
        ]
        source = preamble(f"{title}: reading edition", essay["author"], "Reading edition")
        source += front_matter(title, "Reading edition", lines)
        source += "".join(self.essay_page(f"chapters/{doc}") for doc in ESSAY)
        self.compile("reading", source)

    def write_handouts(self) -> None:
        """One handout per essay section and per notebook, numbered like the full edition."""
        for doc in self.handout_docs():
            docname = f"chapters/{doc}"
            title = self.env.titles[docname].astext()
            source = preamble(f"{title} (handout)", self.essay()["author"], f"Handout: {title}")
            source += self.page(docname, lead=self.handout_head(title))
            if docname in notebook_pages(self.app):
                source += self.paragraphs_cited(docname)
            self.compile(doc, source)

    def handout_docs(self) -> list[str]:
        return [d.removeprefix("chapters/") for d in _toc_order(self)
                if d.removeprefix("chapters/") in ESSAY or d in notebook_pages(self.app)]

    def handout_head(self, title: str) -> str:
        return (f'#block(below: 6mm)[#set text(font: {SANS}, size: 8.5pt, fill: luma(30%))\n'
                + escape(f"A handout from {self.config.project}, a teaching edition. Figures, exercises and "
                         "paragraph labels are numbered as in the full edition; the worked solutions are in "
                         "the web edition.") + "]\n")

    def paragraphs_cited(self, docname: str) -> str:
        """The essay's paragraphs a notebook names (by their labels), printed after it in full."""
        from edition.sphinx.book.folders import chapters_dir
        from edition.essay import paragraphs

        doctree = self.env.get_doctree(docname)
        text = doctree.astext()
        labels = list(dict.fromkeys(m.group(0) for m in re.finditer(r"\b(?:cr|wt|wg|lo|end)-\d+\b", text)))
        if not labels:
            return ""
        paras = paragraphs(chapters_dir(self.env)).set_index("label")
        labels = [label for label in paras.index if label in labels]  # in the essay's order
        out = [f'\n#heading(level: 1)[#text(font: {SANS})[{escape("The paragraphs of the essay this notebook cites")}]]\n']
        for label in labels:
            out.append(self.essay_paragraph(label))
        return "".join(out)

    def essay_paragraph(self, label: str) -> str:
        """One labelled paragraph of the essay, from its page's doctree (with its notes)."""
        for doc in ESSAY:
            doctree = self.env.get_and_resolve_doctree(f"chapters/{doc}", self)
            for node in doctree.findall(lambda n: isinstance(n, (nodes.paragraph, nodes.block_quote))):
                if label in node["ids"]:
                    translator = TypstTranslator(doctree, self, f"chapters/{doc}", {})
                    node.walkabout(translator)
                    return translator.astext()
        raise KeyError(label)

    # --- figures ---
    def number(self, docname: str, node: nodes.Element, kind: str) -> str:
        """"Fig. 5", "Exercise 16": the number Sphinx gave the figure or exercise for every
        edition (numfig), so a handout numbers them like the full book; "" if it has none."""
        numbers = self.env.toc_fignumbers.get(docname, {}).get(kind, {})
        for ident in node["ids"]:
            if ident in numbers:
                return self.config.numfig_format[kind] % ".".join(map(str, numbers[ident]))
        return ""

    def image_call(self, node: nodes.image | None, docname: str) -> str:
        if node is None:
            return "[]"
        uri = node["uri"]
        if "candidates" in node and "image/png" in node["candidates"]:
            uri = node["candidates"]["image/png"]
        source = Path(self.srcdir) / uri
        if not source.is_file():
            source = Path(self.env.doc2path(docname)).parent / uri
        target = self.image_dir / source.name
        shutil.copyfile(source, target)
        alt = node.get("alt", "")
        if not alt:
            logger.warning(f"a figure of {docname} has no alt text (mystnb: image: alt)", location=node)
        return f'image("images/{source.name}", width: 100%, alt: {string(alt)})'

    def compile(self, name: str, source: str) -> None:
        typ = Path(self.outdir) / f"{name}.typ"
        typ.write_text(source, encoding="utf-8")
        pdf = typ.with_suffix(".pdf")
        try:
            compile_pdf(typ, pdf, self.config.edition_paper)
        except Exception as error:  # typst's own message names the line of the .typ file
            lost = UNPRINTABLE.search(str(error))
            if lost:  # PDF/UA-1: typst refuses text that no font can show (it would print as boxes)
                chars = sorted(set(json.loads(lost["text"])) - set(" "), key=ord)
                logger.warning(f"{pdf.name} was not written: the PDF's fonts cannot print "
                               f"{', '.join(describe(c) for c in chars)} (not in {lost['font']} nor any "
                               "installed font). Find it in data/ or the chapters and replace it, or install a font "
                               "that has it (a Debian package in TYPST_DEBS, Makefile).")
            else:
                logger.warning(f"typst could not make {pdf.name}: {error}")


UNPRINTABLE = re.compile(r'the text `(?P<text>".*?")` could not be displayed with font `"(?P<font>[^"]*)"`')


def describe(char: str) -> str:
    """'U+13000 𓀀 (EGYPTIAN HIEROGLYPH A001)': a character named so that an editor can find it."""
    import unicodedata

    shown = f" {char}" if char.isprintable() and not unicodedata.combining(char) else ""
    kind = {"Co": "a private-use character", "Cn": "not a character in Unicode"}
    name = unicodedata.name(char, kind.get(unicodedata.category(char), "no Unicode name"))
    return f"U+{ord(char):04X}{shown} ({name})"


def compile_pdf(typ: Path, pdf: Path, paper: str = "a4") -> None:
    """A .typ file of this builder as a PDF/UA-1 file; typst refuses what PDF/UA-1 forbids (no
    title, an image without alt text)."""
    import typst

    typst.compile(str(typ), output=str(pdf), root=str(typ.parent), font_paths=FONT_PATHS,
                  pdf_standards=["ua-1"], sys_inputs={"paper": paper})


def _toc_order(builder: TypstBuilder) -> list[str]:
    site_map = getattr(builder.config, "external_site_map", None)
    found = []
    for subtree in site_map.root.subtrees:
        found += [item for item in subtree.items if isinstance(item, str)]
    return found


def _print_outputs(app: Sphinx, config) -> None:
    """The Typst builder takes from a notebook's outputs what myst-nb gives print (its table for
    the LaTeX builder): the PNG of a chart (never plotly's JSON), a DataFrame's HTML table (made a
    real table below)."""
    from myst_nb.core.render import base_render_priority

    wanted = [("typst", mime, rank) for mime, rank in base_render_priority()["latex"].items()]
    config.nb_mime_priority_overrides = [*config.nb_mime_priority_overrides, *wanted, ("typst", "text/html", 55)]


class _DataFrameHTML(HTMLParser):
    """The rows of pandas' HTML table (`<table class="dataframe">`): [(in_head, [cell text])]."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[bool, list[str]]] = []
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

    myst-nb would show a DataFrame's text/plain form: at 80 columns pandas splits a wide frame
    into blocks of columns with backslashes, which the page then wraps again. The print build asks
    for the text/html form instead (_print_outputs), and this transform turns pandas' HTML table
    into a docutils table with the same cells (a tagged table, with header cells, in the PDF).
    """

    default_priority = 690
    builders = ("typst",)

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
        box = nodes.container("", nodes.table("", tgroup, classes=["dataframe"]), classes=["output"])
        for text in parsed.after:
            box += nodes.container("", nodes.paragraph("", text), classes=["dataframe-shape"])
        return box


PAPERS = ("a4", "letter")


def _paper(app: Sphinx, config) -> None:
    if config.edition_paper not in PAPERS:
        from sphinx.errors import ConfigError
        raise ConfigError(f"edition_paper must be one of {', '.join(PAPERS)}, not {config.edition_paper!r}")


def setup(app: Sphinx) -> dict:
    app.add_builder(TypstBuilder)
    return register(app, config={"edition_typst": ("reading", "", [str]),
                                 "edition_keywords": ([], "env", [list]),
                                 "edition_paper": ("a4", "", [str])},  # only the writing depends on the paper
                    post_transforms=[DataFrameTables],
                    events=[("config-inited", _print_outputs), ("config-inited", _paper)])
