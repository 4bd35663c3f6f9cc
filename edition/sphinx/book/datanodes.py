"""Docutils and Sphinx nodes for pages and boxes generated from the dataset.

The dataset (data/*.csv, data/datapackage.json) is edited by teachers and students, so every
field is untrusted text. The directives that turn it into pages (edition/sphinx/book/whoswho.py,
edition/sphinx/book/datadict.py) never write it into MyST, reStructuredText, HTML or LaTeX to be parsed:
MyST would run Jinja on `{{ ... }}`, and roles and directives in a field could copy local files
into the book ({download}, {raw} with :file:) or put live HTML or LaTeX into it. They build the
nodes themselves with these helpers; a field only ever becomes a `nodes.Text` or the text of a
`nodes.literal` (which every writer escapes), or a node attribute: a citation key (refused
unless it is one plain key, all that sphinxcontrib-bibtex reads from it), a label or anchor
name (docutils turns it into a safe id). Download links go only to files the helper itself
found inside data/. The directives return sections and paragraphs, so they stand at a page's
top level, where the page's own headings would.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinxcontrib.bibtex.citation_target import CitationTarget
from sphinxcontrib.bibtex.roles import CitationRef

LOG = logging.getLogger(__name__)

# A citation key as sphinxcontrib-bibtex reads a {cite} target: one key, no "{pre}"/"{post}"
# text, no second key after a comma (sphinxcontrib.bibtex.citation_target).
CITATION_KEY = re.compile(r"[^{}\s,]+")
CODE = re.compile(r"`([^`\n]+)`")


def text(value) -> str:
    """A field as one line of text (the whitespace of a CSV cell or JSON string collapsed)."""
    return " ".join(str(value).split())


def with_code(value) -> list[nodes.Node]:
    """A descriptor's text, its `backticked` names set as code (the only markup kept: it makes
    a literal node with the name as its text, never anything parsed)."""
    out, at = [], 0
    value = text(value)
    for m in CODE.finditer(value):
        if m.start() > at:
            out.append(nodes.Text(value[at:m.start()]))
        out.append(nodes.literal(m.group(1), m.group(1)))
        at = m.end()
    if at < len(value):
        out.append(nodes.Text(value[at:]))
    return out


def strong(label: str) -> nodes.strong:
    return nodes.strong(label, label)


def para(*parts, **attributes) -> nodes.paragraph:
    """A paragraph of nodes; a plain string is text (nodes.Text), never markup."""
    node = nodes.paragraph("", "", **attributes)
    for part in parts:
        if isinstance(part, (list, tuple)):
            node.extend(part)
        elif isinstance(part, str):
            if part:
                node += nodes.Text(part)
        elif part is not None:
            node += part
    return node


class DataDirective(SphinxDirective):
    """A directive that writes nodes from the dataset: cross-references, citations, downloads."""

    def xref(self, reftype: str, target: str, title: str | None = None) -> addnodes.pending_xref:
        """What {ref}`title <target>` (reftype "ref") or {doc}`target` ("doc") make: a pending
        reference that Sphinx resolves, and warns about if its target is missing."""
        node = addnodes.pending_xref("", refdoc=self.env.docname, refdomain="std", reftype=reftype,
                                     refexplicit=title is not None, refwarn=True, reftarget=target)
        self.set_source_info(node)
        node += nodes.inline("", title if title is not None else target, classes=["xref", "std", f"std-{reftype}"])
        return node

    def cite(self, key) -> list[nodes.Node]:
        """What {cite:p}`key` makes (sphinxcontrib-bibtex 2.7, CiteRole): a pending reference to
        the bibtex domain, which is told of the citation so the bibliography numbers it. The key
        is only an attribute; one that is not a single plain key is refused (a warning)."""
        if not isinstance(key, str) or not CITATION_KEY.fullmatch(key):
            LOG.warning("not a citation key (a source_id): %r; no citation made", key,
                        location=(self.env.docname, self.lineno))
            return []
        node = addnodes.pending_xref("", refdoc=self.env.docname, refdomain="cite", reftype="p",
                                     refexplicit=False, refwarn=False, reftarget=key)
        self.set_source_info(node)
        node += nodes.inline("", key, classes=["xref", "cite", "cite-p"])
        self.state.document.note_explicit_target(node, node)  # an id, for the bibliography's backrefs
        self.env.get_domain("cite").citation_refs.append(
            CitationRef(citation_ref_id=node["ids"][0], docname=self.env.docname, line=self.lineno,
                        targets=[CitationTarget(key=key, pre="", post="")]))
        return [node]

    def download(self, folder: Path, name: str, title: str | None = None) -> nodes.Node:
        """What {download}`title <path>` makes, for a file that is really inside `folder` (the
        data package): the name is resolved here, and a name that leads out of the folder (or to
        no file) gets plain text, never a link. Sphinx copies the file to _downloads/."""
        folder = folder.resolve()
        path = (folder / name).resolve()
        shown = title if title is not None else text(name)
        if not path.is_file() or not path.is_relative_to(folder):
            LOG.warning("not a file of the data package: %r; no download link made", name,
                        location=(self.env.docname, self.lineno))
            return nodes.Text(shown)
        here = Path(self.env.doc2path(self.env.docname)).resolve().parent
        target = Path(os.path.relpath(path, here)).as_posix()
        node = addnodes.download_reference("", refdoc=self.env.docname, refdomain="", reftype="download",
                                           refexplicit=True, refwarn=False, reftarget=target)
        self.set_source_info(node)
        node += nodes.literal("", shown, classes=["xref", "download"])
        return node

    def labelled(self, node: nodes.Element, label: str) -> nodes.Element:
        """Give the node the explicit target `label` ({ref}`label` links to it), as a
        directive's :name: option does."""
        node["names"].append(nodes.fully_normalize_name(label))
        self.state.document.note_explicit_target(node, node)
        return node

    def target(self, label: str) -> nodes.target:
        """What MyST's `(label)=` makes: a target for the next node (docutils moves its id there)."""
        node = nodes.target("", "", names=[nodes.fully_normalize_name(label)])
        self.set_source_info(node)
        self.state.document.note_explicit_target(node, node)
        return node

    def section(self, title: str) -> nodes.section:
        """A section with its title, as a heading makes it (id from the title, implicit target)."""
        node = nodes.section("", nodes.title("", title))
        self.set_source_info(node)
        node["names"].append(nodes.fully_normalize_name(title))
        self.state.document.note_implicit_target(node, node)
        return node
