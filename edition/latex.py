"""The printed edition (Sphinx's LaTeX builder, xelatex): book structure and the editors' marks.

Loaded by edition.book. Every transform here runs for the LaTeX builder only, on the whole book
assembled into one doctree, so the HTML and EPUB editions are untouched. The look itself is in
`edition/latex/edition.sty`, named in `_config.yml` (latex_elements, latex_additional_files).

Jupyter Book's own LaTeX layer (`use_jupyterbook_latex`) would turn the toc's parts into \\part,
but its document class needs bbm.sty (Debian: the 1.4 GB texlive-fonts-extra) and sets a 17.5 cm
text width. It is switched off in `_config.yml` and the little it did for this book is done here.
"""
from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.i18n import format_date

# Paragraph classes that the style file sets apart (environment sphinxclass<name>).
STYLED_PARAGRAPHS = ("attribution", "signature", "editorial-heading-note")
FRONT_MATTER_TITLE = "Introduction"


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


class PrintLayout(SphinxPostTransform):
    """What a page of print needs instead of a web page's: no "dropdown" on the editors' notes
    (they print as boxed notes, see div.note_* in latex_elements.sphinxsetup), no rule before
    the notes (LaTeX has its footnote rule), and long tables allowed to break across pages."""

    default_priority = 700
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        for node in self.document.findall(nodes.admonition):
            node["classes"] = [c for c in node["classes"] if c != "dropdown"]
        for node in list(self.document.findall(nodes.transition)):
            if "footnotes" in node["classes"]:
                node.parent.remove(node)
        for table in self.document.findall(nodes.table):
            if len(list(table.findall(nodes.row))) > 6:
                self._breakable(table)

    @staticmethod
    def _breakable(table: nodes.table) -> None:
        """A longtable, with wrapping columns as wide as their longest cell (within limits)."""
        table["classes"] = [c for c in table["classes"] if c != "colwidths-auto"]
        table["classes"] += ["longtable", "colwidths-given"]
        colspecs = list(table.findall(nodes.colspec))
        longest = [8] * len(colspecs)
        for row in table.findall(nodes.row):
            for i, entry in enumerate(row.children[: len(colspecs)]):
                longest[i] = max(longest[i], min(60, len(entry.astext())))
        for colspec, width in zip(colspecs, longest):
            colspec["colwidth"] = width


def _date(app: Sphinx) -> None:
    """The title page's date: the day of the build ("27 November 2026"; SOURCE_DATE_EPOCH is
    honoured), in the book's form rather than Sphinx's "Nov 27, 2026"."""
    if app.builder.name == "latex" and not app.config.today:
        app.builder.context["date"] = format_date("%d %B %Y", language="en").lstrip("0")


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _date)
    app.add_post_transform(BookStructure)
    app.add_post_transform(StyledParagraphs)
    app.add_post_transform(PrintLayout)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
