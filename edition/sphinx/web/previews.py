"""Sphinx plug-in: previews of what a link points to, embedded in the page at build time (web book only).

Every internal link of a page (a footnote mark, a paragraph reference such as wg-4, a glossary
term, a person's name linked to the who's who, a figure or exercise reference, a citation) gets
the text of its target, taken from the target page's doctree, in one
`<script type="application/json" id="edition-previews">` per page, keyed by the link's href.
`edition/sphinx/web/static/previews.js` shows it on hover, keyboard focus and tap (WCAG 2.1 SC 1.4.13:
dismissable with Escape, hoverable, persistent). Text only: the script sets textContent, never
HTML, so nothing from data/ is parsed as markup. Nothing leaves the page: works from file://.

Why a script of our own and not sphinx-tippy: tippy needs Popper and tippy.js (vendored, ~40 KB),
fetches Wikipedia and DOI tips at build time unless switched off, shows on hover and focus but has
no "first tap previews, second tap follows" for touch, and writes one HTML tip per link (markup from
the doctree, parsed in the browser). Ours is ~5 KB, plain text, one shared tip element.

The author's paragraph labels (the "wg-4" mark before each paragraph) preview the paragraph's
citation instead (edition/sphinx/web/cite.py). People's names: the first mention of each person on an essay
page, in the author's words (by `people.essay_spellings`), becomes a quiet link to the who's who.
"""
from __future__ import annotations

import hashlib
import json
import posixpath
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from edition.paths import LABEL
from edition.sphinx.book.editions import edition_of
from edition.sphinx.book.plotly_outputs import script_json
from edition.sphinx.book import ancestor, internals, register
from edition.sphinx.book.folders import data_dir

MAX_CHARS = 480  # a preview is a glimpse: about four lines of a phone's width


def shorten(text: str, limit: int = MAX_CHARS) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"


def _section_title(node: nodes.Node) -> str:
    node = ancestor(node, nodes.section)
    title = node.next_node(nodes.title) if node is not None else None
    return title.astext() if title is not None else ""


def _next_content(target: nodes.Element) -> nodes.Element | None:
    """The element after an empty target (a who's who entry: target, then its section)."""
    parent = target.parent
    if parent is None:
        return None
    for sibling in parent.children[parent.index(target) + 1:]:
        if isinstance(sibling, nodes.Element) and not isinstance(sibling, nodes.target):
            return sibling
    return None


def describe(node: nodes.Element, anchor: str) -> tuple[str, str] | None:
    """(title, text) of what a link to `node` shows in a preview."""
    if isinstance(node, nodes.target) and not node.children:
        node = _next_content(node)
        if node is None:
            return None
    if isinstance(node, nodes.footnote):
        label = node.next_node(nodes.label)
        body = " ".join(c.astext() for c in node.children if not isinstance(c, nodes.label))
        return (f"Note {label.astext() if label else ''}".strip(), body)
    if isinstance(node, nodes.term):
        item = node.parent
        definition = item.next_node(nodes.definition) if item is not None else None
        return (f"Glossary: {node.astext()}", definition.astext() if definition is not None else "")
    if LABEL.match(anchor):
        text = node.astext()
        text = text[len(anchor):] if text.startswith(anchor) else text
        return (f"Paragraph {anchor}, in “{_section_title(node)}”", text)
    if isinstance(node, nodes.figure):
        caption = node.next_node(nodes.caption)
        legend = node.next_node(nodes.legend)
        text = " ".join(x.astext() for x in (caption, legend) if x is not None)
        return ("Figure", text)
    if isinstance(node, nodes.citation):
        label = node.next_node(nodes.label)
        entry = node.next_node(nodes.paragraph)
        return (f"Source {label.astext() if label else ''}".strip(), entry.astext() if entry is not None else node.astext())
    if isinstance(node, nodes.section):
        title = node.next_node(nodes.title)
        rest = [c.astext() for c in node.children if not isinstance(c, (nodes.title, nodes.target))]
        kind = "Who's who" if anchor.startswith("person-") else "Section"
        return (f"{kind}: {title.astext() if title else ''}", " ".join(rest))
    if "exercise" in " ".join(node.get("classes", [])) or type(node).__name__.startswith("exercise"):
        title = node.next_node(nodes.title)
        body = [c.astext() for c in node.children if not isinstance(c, nodes.title)]
        return (f"Exercise: {title.astext() if title else ''}".rstrip(": "), " ".join(body))
    text = node.astext()
    return (_section_title(node) or "Preview", text) if text.strip() else None


STORE = "edition-previews.json"  # beside the doctrees: {docname: [key, {id: [title, text]}]}


def previews_of(app: Sphinx, docname: str) -> dict[str, list[str]]:
    """id -> [title, text] of every element of one page that a link can preview.

    Resolving a page apart costs as much as writing it (0.5 s and more), and a page links to a
    dozen others: so each page's previews are kept between builds, under a key of its doctree and
    of all that resolving it reads from other pages (see _state_key). An edit of one page makes
    its previews again, and no other's."""
    store = _store(app)
    key = _key(app, docname)
    if docname in store and store[docname][0] == key:
        return store[docname][1]
    app._edition_preview_resolving = True  # resolving runs the post-transforms, this one too
    try:
        doctree = _resolved_apart(app, docname)
    finally:
        app._edition_preview_resolving = False
    found = {}
    for node in doctree.findall(nodes.Element):
        for ident in node.get("ids", []):
            if ident not in found:
                described = describe(node, ident)
                found[ident] = [described[0], shorten(described[1])] if described and described[1].strip() else None
    store[docname] = [key, {ident: shown for ident, shown in found.items() if shown}]
    app._edition_previews_changed = True
    return store[docname][1]


def _store(app: Sphinx) -> dict:
    if not hasattr(app, "_edition_previews"):
        try:
            app._edition_previews = json.loads((Path(app.doctreedir) / STORE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            app._edition_previews = {}
    return app._edition_previews


def _save(app: Sphinx, exception) -> None:
    if exception is None and getattr(app, "_edition_previews_changed", False):
        from edition.derived import write_atomic

        write_atomic(Path(app.doctreedir) / STORE, json.dumps(_store(app), sort_keys=True).encode("utf-8"))


def _key(app: Sphinx, docname: str) -> str:
    doctree = Path(app.doctreedir) / f"{docname}.doctree"
    return hashlib.sha256(doctree.read_bytes() + _state_key(app).encode()).hexdigest()


def _state_key(app: Sphinx) -> str:
    """One hash of what a resolved page takes from elsewhere: titles, section and figure numbers,
    labels, exercises, citations; the data and the edition package (the plug-ins' own text).
    Line numbers are left out, so that an edit of one page changes no other page's key."""
    if not hasattr(app, "_edition_state_key"):
        from edition.sphinx.book.freshness import build_package
        from edition.derived import fingerprint

        env = app.env
        std, cite = env.get_domain("std"), env.get_domain("cite")
        state = {
            "titles": {doc: title.astext() for doc, title in env.titles.items()},
            "numbers": [env.toc_secnumbers, env.toc_fignumbers],
            "labels": [std.labels, std.anonlabels],
            "exercises": {label: [entry["docname"], entry["type"], entry["node"].astext()]
                          for label, entry in internals.exercises(env).items()},
            "citations": sorted([c.citation_id, c.key, c.formatted_entry.label] for c in cite.citations),
        }
        text = json.dumps(state, sort_keys=True, default=repr)
        app._edition_state_key = fingerprint(text, build_package(env),
                                             sorted(data_dir(app).glob("*.*")))
    return app._edition_state_key


def _resolved_apart(app: Sphinx, docname: str) -> nodes.document:
    """The page's resolved doctree, leaving the build's own state as it was (sphinxcontrib-bibtex's
    bibliographies too: see internals.bibliographies_apart)."""
    with internals.bibliographies_apart(app.env):
        return app.env.get_and_resolve_doctree(docname, app.builder)


def target_of(here: str, href: str, suffix: str, docnames) -> tuple[str, str] | None:
    """(docname, anchor) of an internal href written on page `here`; None for anything else."""
    if "://" in href or href.startswith(("mailto:", "data:")):
        return None
    path, _, anchor = href.partition("#")
    if not anchor:
        return None
    if not path:
        return here, anchor
    if not path.endswith(suffix):
        return None
    doc = posixpath.normpath(posixpath.join(posixpath.dirname(here), path[: -len(suffix)]))
    return (doc, anchor) if doc in docnames else None


class Previews(SphinxPostTransform):
    """Collect each internal link's preview; put them in the page as JSON."""

    default_priority = 30  # after references are resolved (10) and the web book's marks (20)
    builders = ("html", "dirhtml", "singlehtml")

    def run(self, **kwargs) -> None:
        if edition_of(self.app) != "html" or getattr(self.app, "_edition_preview_resolving", False):
            return
        here = self.env.docname
        suffix = self.app.builder.out_suffix
        previews = {}
        for ref in self.document.findall(lambda n: isinstance(n, (nodes.reference, nodes.footnote_reference))):
            if "para-label" in ref.get("classes", []):
                continue  # the paragraph's own mark previews its citation (edition/sphinx/web/cite.py)
            href = f"#{ref['refid']}" if ref.get("refid") else ref.get("refuri", "")
            if not href or href in previews:
                continue
            found = target_of(here, href, suffix, self.env.all_docs)
            if found is None:
                continue
            doc, anchor = found
            shown = previews_of(self.app, doc).get(anchor)
            if shown:
                previews[href] = shown
        if previews:
            self.document += nodes.raw(
                "", f'<script type="application/json" id="edition-previews">{script_json(previews)}</script>',
                format="html")


class PeopleLinks(SphinxPostTransform):
    """On an essay page, the first mention of each person in the author's text links to the who's who."""

    default_priority = 25  # before the previews are collected (30)
    builders = ("html", "dirhtml", "singlehtml")

    def run(self, **kwargs) -> None:
        from edition.sphinx.web.reading import is_essay

        if edition_of(self.app) != "html" or not is_essay(self.env.docname) or "chapters/whos-who" not in self.env.all_docs:
            return
        spellings = people_spellings(data_dir(self.env))
        if not spellings:
            return
        uri = self.app.builder.get_relative_uri(self.env.docname, "chapters/whos-who")
        pattern = re.compile(r"\b(" + "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True)) + r")\b")
        seen = set()
        for para in list(self.document.findall(nodes.paragraph)):
            if not any(LABEL.match(i) for i in para.get("ids", [])):
                continue  # the author's own paragraphs; quotations keep the quoted words alone
            for text in [c for c in para.children if isinstance(c, nodes.Text)]:
                parts, last = [], 0
                for m in pattern.finditer(text):
                    person = spellings[m.group(1)]
                    if person in seen:
                        continue
                    seen.add(person)
                    parts += [nodes.Text(text[last:m.start()]),
                              nodes.reference("", m.group(1), refuri=f"{uri}#person-{person}",
                                              classes=["person-link"])]
                    last = m.end()
                if parts:
                    parts.append(nodes.Text(text[last:]))
                    index = para.index(text)
                    para.remove(text)
                    for offset, part in enumerate(p for p in parts if not (isinstance(p, nodes.Text) and not p)):
                        para.insert(index + offset, part)


def people_spellings(data: Path) -> dict[str, str]:
    """The essay's spelling of each name -> person_id (people.essay_spellings)."""
    from edition.data import load

    people = load("people", data)
    out = {}
    for row in people.itertuples():
        for spelling in str(row.essay_spellings if isinstance(row.essay_spellings, str) else "").split(";"):
            if spelling.strip():
                out[spelling.strip()] = row.person_id
    return out


def _page_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if edition_of(app) == "html" and doctree is not None:
        app.add_js_file("previews.js", defer="defer")
        app.add_css_file("previews.css")


def setup(app: Sphinx) -> dict:
    return register(app, post_transforms=[PeopleLinks, Previews],
                    events=[("html-page-context", _page_assets), ("build-finished", _save)])
