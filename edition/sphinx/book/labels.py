"""Sphinx plug-in for the edition: stable, visible paragraph labels and stable note anchors.

Loaded from `_config.yml` (sphinx.extra_extensions). It never changes the author's words: it only
adds editorial marks (class "editorial") and renames anchors.
"""
from __future__ import annotations


from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from edition.paths import LABEL
from edition.sphinx.book import register


def paragraph_labels(doctree: nodes.document) -> list[tuple[str, nodes.Element]]:
    """The labelled paragraphs (or block quotations) of one page, in order."""
    found = []
    for node in doctree.findall(lambda n: isinstance(n, (nodes.paragraph, nodes.block_quote))):
        for ident in node["ids"]:
            if LABEL.match(ident):
                found.append((ident, node))
    return found


class ParagraphLabels(SphinxTransform):
    """Put each paragraph's label in front of it, as a link to itself."""

    default_priority = 900

    def apply(self) -> None:
        for label, node in paragraph_labels(self.document):
            para = node if isinstance(node, nodes.paragraph) else node.next_node(nodes.paragraph)
            mark = nodes.reference("", label, refid=label, classes=["para-label", "editorial"])
            mark["reftitle"] = f"Paragraph {label}: cite it as “{label}”"
            para.insert(0, mark)


class EditorialTitle(SphinxTransform):
    """Mark a page title as the editors' when its front matter says `editorial_title: true`."""

    default_priority = 900

    def apply(self) -> None:
        if self.env.metadata.get(self.env.docname, {}).get("editorial_title"):
            title = self.document.next_node(nodes.title)
            if title is not None:
                title["classes"].append("editorial")


class NoteAnchors(SphinxTransform):
    """Give the author's numbered notes fixed anchors (#note-3, #note-3-ref) instead of id1, id2."""

    default_priority = 900

    def apply(self) -> None:
        renamed = {}
        for fn in self.document.findall(nodes.footnote):
            number = fn.get("names", [""])[0]
            if number.isdigit():
                renamed[fn["ids"][0]] = f"note-{number}"
                fn["ids"][0] = f"note-{number}"
        for ref in self.document.findall(nodes.footnote_reference):
            if ref.get("refid") in renamed:
                new = renamed[ref["refid"]]
                old_ref = ref["ids"][0]
                ref["refid"] = new
                ref["ids"][0] = f"{new}-ref"
                for fn in self.document.findall(nodes.footnote):
                    fn["backrefs"] = [f"{new}-ref" if b == old_ref else b for b in fn["backrefs"]]


def _data_must_be_valid(app: Sphinx, config) -> None:
    """Stop a build of bad data before any page is read, with the validator's lines (edition/build.py
    checks first; this catches a direct `jupyter-book build`)."""
    from sphinx.errors import ConfigError

    from edition.sphinx.book.folders import data_dir
    from edition.data import problems

    found = problems(data_dir(app))
    if found:
        lines = "\n".join(str(p) for p in found)
        raise ConfigError(f"{len(found)} problem(s) in data/; fix them and build again:\n{lines}")


def setup(app: Sphinx) -> dict:
    return register(app, transforms=[EditorialTitle, NoteAnchors, ParagraphLabels],
                    events=[("config-inited", _data_must_be_valid)])
