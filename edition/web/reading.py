"""Sphinx plug-in: the web book as a reader meets it (loaded by edition.book.labels).

- Reading layers. Every essay page offers "Essay", "Essay + editors' notes" and "Essay + notes +
  data" (a radio group under the title, shown by `edition/web/static/edition.js`). The choice is kept
  in the browser (localStorage, which works from file:// too) for every essay page. "Essay" shows
  the author's words, headings, paragraph labels and notes only. The default is DEFAULT_LAYER, the
  middle one: the editors' notes correct or question what the essay says (a spelling, a disputed
  date), so a first reading should meet them; the lists of data rows serve the data lessons and
  are one click away.
- Glossary terms are marked (class "glossary-term") so they read as quiet dotted underlines, not
  as blue links (`_static/edition.css`).
- One search box: pydata-sphinx-theme puts a search field in the header when the theme options
  do not say otherwise, and sphinx-book-theme has one in the sidebar already.
- The bibliography's list is a list to assistive technology (its entries are list items).
"""
from __future__ import annotations

import json

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from edition.essay import ESSAY
from edition.book.plotly_outputs import edition_of
from edition.book import register

LAYERS = {"essay": "Essay", "notes": "Essay + editors' notes", "data": "Essay + notes + data"}
DEFAULT_LAYER = "notes"
STORAGE_KEY = "edition-reading-layer"


def is_essay(docname: str) -> bool:
    return docname.removeprefix("chapters/") in ESSAY


def layer_switch() -> str:
    """The radio group (hidden until edition.js gives it life; editorial: not the author's words)."""
    options = "".join(f'<label><input type="radio" name="reading-layer" value="{key}"> {text}</label>'
                      for key, text in LAYERS.items())
    return (f'<fieldset class="reading-layers editorial" hidden><legend>Show</legend>{options}</fieldset>')


def _one_search_box(app: Sphinx, config) -> None:
    config.html_theme_options.setdefault("navbar_persistent", [])
    # a web address is shown as written (the theme would print "datasets/world-cities" for a
    # GitHub address): the bibliography and the notes cite them exactly
    config.html_theme_options["shorten_urls"] = False


class WebReading(SphinxPostTransform):
    """Glossary terms marked; the reading-layer switch under an essay page's title."""

    default_priority = 20  # after the references are resolved (10)
    builders = ("html", "dirhtml", "singlehtml", "epub")

    def run(self, **kwargs) -> None:
        for ref in self.document.findall(nodes.reference):
            if any("std-term" in child.get("classes", []) for child in ref.children if isinstance(child, nodes.Element)):
                ref["classes"].append("glossary-term")
        if self.app.builder.name == "epub" or edition_of(self.app) != "html" or not is_essay(self.env.docname):
            return
        title = self.document.next_node(nodes.title)
        if title is not None:
            section = title.parent
            section.insert(section.index(title) + 1, nodes.raw("", layer_switch(), format="html"))


def _page_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if edition_of(app) != "html" or doctree is None:
        return
    if is_essay(pagename):
        # before the page is drawn, so that it never flashes the wrong layer
        app.add_js_file(None, priority=100, body=(
            f"(function () {{ var d = {json.dumps(DEFAULT_LAYER)}, v = d; try {{ v = localStorage.getItem("
            f"{json.dumps(STORAGE_KEY)}) || d; }} catch (e) {{}} if (!{json.dumps(list(LAYERS))}.includes(v)) v = d; "
            "document.documentElement.dataset.readingLayer = v; })();"))
    app.add_js_file("edition.js", defer="defer")
    if "citation-list" in context.get("body", ""):
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Sphinx) -> dict:
    return register(app, post_transforms=[WebReading],
                    events=[("config-inited", _one_search_box), ("html-page-context", _page_scripts)])
