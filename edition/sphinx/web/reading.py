"""Sphinx plug-in: the web book as a reader meets it (loaded by edition.sphinx.book.labels).

- Reading layers. Every essay page offers "Essay", "Essay + editors' notes" and "Essay + notes +
  data" (a radio group under the title, shown by `edition/sphinx/web/static/edition.js`). The choice is kept
  in the browser (localStorage, which works from file:// too) for every essay page. "Essay" shows
  the author's words, headings, paragraph labels and notes only. The default is DEFAULT_LAYER, the
  middle one: the editors' notes correct or question what the essay says (a spelling, a disputed
  date), so a first reading should meet them; the lists of data rows serve the data lessons and
  are one click away.
- Code on the notebook pages (chronology, membership, ...): folded for the history reader, as Quarto
  books and the Journal of Digital History fold it, under a switch like the essay's: "Text and
  charts" (each code cell a "Show the code" button) or "With the code" (every cell open); kept in
  the browser like the reading layer (CODE_KEY). Only the web pages fold: the students' notebooks
  and the .ipynb downloads keep their code, and without scripts every cell shows.
- Glossary terms are marked (class "glossary-term") so they read as quiet dotted underlines, not
  as blue links (`_static/edition.css`).
- One search box: pydata-sphinx-theme puts a search field in the header when the theme options
  do not say otherwise, and sphinx-book-theme has one in the sidebar already.
- The bibliography's list is a list to assistive technology (its entries are list items).
- The header's download menu offers what runs: a notebook page's zip (the notebook with its data
  and loader; edition/sphinx/classroom/teaching.py writes it) and the print button, not the page's bare
  .md source or an .ipynb that runs only beside the repository's `edition/`.
- A clean console: a favicon (edition/sphinx/web/static/favicon.svg; browsers ask for one and log a 404
  without it), the theme's colour mode named ("auto": left empty the theme logs an error on every
  page), and each script of a page once (sphinx-thebe adds its configuration script twice, and the
  second `const THEBE_JS_URL` is an error).
- Only what a page uses: without a "Live code" button (`launch_buttons: thebe: true` in
  _config.yml, which this book leaves off), sphinx-thebe's script, stylesheet and configuration
  (which names thebe's CDN address) leave every page: Jupyter Book loads the extension always.
"""
from __future__ import annotations

import html
import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from edition.essay import ESSAY
from edition.sphinx.book.editions import edition_of
from edition.sphinx.book import register
from edition.sphinx.book.freshness import notebook_pages

LAYERS = {"essay": "Essay", "notes": "Essay + editors' notes", "data": "Essay + notes + data"}
DEFAULT_LAYER = "notes"
STORAGE_KEY = "edition-reading-layer"
CODE_LAYERS = {"folded": "Text and charts", "open": "With the code"}
DEFAULT_CODE = "folded"
CODE_KEY = "edition-code-layer"
FAVICON = Path(__file__).parent / "static" / "favicon.svg"


def is_essay(docname: str) -> bool:
    return docname.removeprefix("chapters/") in ESSAY


def layer_switch(layers: dict = LAYERS, name: str = "reading-layer", key: str = STORAGE_KEY) -> str:
    """The radio group (hidden until edition.js gives it life; editorial: not the author's words)."""
    options = "".join(f'<label><input type="radio" name="{name}" value="{value}"> {text}</label>'
                      for value, text in layers.items())
    return (f'<fieldset class="reading-layers editorial" data-name="{name}" data-key="{key}" hidden>'
            f'<legend>Show</legend>{options}</fieldset>')


def _early_script(attribute: str, key: str, default: str, allowed: list[str]) -> str:
    """Sets <html data-...> from the stored choice before the page is drawn (no flash of the wrong layer)."""
    return (f"(function () {{ var d = {json.dumps(default)}, v = d; try {{ v = localStorage.getItem("
            f"{json.dumps(key)}) || d; }} catch (e) {{}} if (!{json.dumps(allowed)}.includes(v)) v = d; "
            f"document.documentElement.dataset.{attribute} = v; }})();")


def _one_search_box(app: Sphinx, config) -> None:
    config.html_theme_options.setdefault("navbar_persistent", [])
    config.html_context.setdefault("default_mode", "auto")  # pydata-sphinx-theme's layout reads it
    if not config.html_favicon:
        config.html_favicon = str(FAVICON)
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
        if self.app.builder.name == "epub" or edition_of(self.app) != "html":
            return
        if is_essay(self.env.docname):
            switch = layer_switch()
        elif self.env.docname in notebook_pages(self.app):
            switch = layer_switch(CODE_LAYERS, "code-layer", CODE_KEY)
        else:
            return
        title = self.document.next_node(nodes.title)
        if title is not None:
            section = title.parent
            section.insert(section.index(title) + 1, nodes.raw("", switch, format="html"))


def _page_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if edition_of(app) != "html" or doctree is None:
        return
    if is_essay(pagename):
        # before the page is drawn, so that it never flashes the wrong layer
        app.add_js_file(None, priority=100, body=_early_script("readingLayer", STORAGE_KEY, DEFAULT_LAYER, list(LAYERS)))
    elif pagename in notebook_pages(app):
        app.add_js_file(None, priority=100, body=_early_script("codeLayer", CODE_KEY, DEFAULT_CODE, list(CODE_LAYERS)))
    app.add_js_file("edition.js", defer="defer")
    if "citation-list" in context.get("body", ""):
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def _download_menu(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """After sphinx-book-theme's header buttons (priority 501): the zip and print, nothing else."""
    if edition_of(app) != "html":
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        kept = [b for b in group["buttons"] if b.get("label") == "download-pdf-button"]
        if context.get("ipynb_source"):
            kept.insert(0, {"type": "link", "url": f"{context['pathto']('_sources', 1)}/{pagename}.zip",
                            "text": ".zip", "icon": "fas fa-file-zipper", "label": "download-zip-button",
                            "tooltip": "Download this notebook with its data, to run in Jupyter"})
        group["buttons"] = kept


def _uses_thebe(app: Sphinx) -> bool:
    return bool((app.config.html_theme_options.get("launch_buttons") or {}).get("thebe"))


def _drop_thebe_config(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """sphinx-thebe's per-page configuration (a <script type="text/x-thebe-config">, doctree-resolved)."""
    if edition_of(app) == "html" and not _uses_thebe(app):
        for raw in list(doctree.findall(nodes.raw)):
            if "x-thebe-config" in raw.astext():
                raw.parent.remove(raw)


def _is_thebe(asset) -> bool:
    filename = str(getattr(asset, "filename", asset) or "")  # "_static/sphinx-thebe.js" by then
    return Path(filename).name.startswith("sphinx-thebe.") or "THEBE_JS_URL" in str(getattr(asset, "attributes", {}).get("body", ""))


def _each_script_once(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts, seen = [], set()
    if edition_of(app) == "html" and not _uses_thebe(app):
        context["css_files"] = [c for c in context.get("css_files", []) if not _is_thebe(c)]
        context["script_files"] = [s for s in context.get("script_files", []) if not _is_thebe(s)]
    for script in context.get("script_files", []):
        # the same script may come as filename None and as "" (added before and after the builder)
        key = (str(getattr(script, "filename", script) or ""), getattr(script, "priority", 0),
               tuple(sorted((getattr(script, "attributes", None) or {}).items())))
        if key not in seen:
            seen.add(key)
            scripts.append(script)
    context["script_files"] = scripts


REDIRECT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Refresh" content="0; url={page}">
<link rel="icon" href="_static/favicon.svg">
<title>{title}</title></head>
<body><p><a href="{page}">{title}</a></p></body></html>
"""


def _front_door(app: Sphinx, exception) -> None:
    """The book's root index.html: the redirect to the front page that sphinx-external-toc would
    write (it writes none when one exists), with the favicon, so the browser asks for no
    /favicon.ico (a 404 in the console)."""
    if exception is not None or edition_of(app) != "html" or app.builder.name != "html":
        return
    page = f"{app.config.master_doc}{app.builder.out_suffix}"
    if page == "index.html":
        return
    (Path(app.outdir) / "index.html").write_text(
        REDIRECT.format(page=page, title=html.escape(app.config.project)), encoding="utf-8")


TEMPLATES = Path(__file__).parent / "templates"


def _templates(app: Sphinx, config) -> None:
    """edition/sphinx/web/templates first: its layout.html leaves Sphinx's search tools off every page but
    the search page."""
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path.insert(0, str(TEMPLATES))


def setup(app: Sphinx) -> dict:
    return register(app, post_transforms=[WebReading],
                    events=[("config-inited", _templates), ("config-inited", _one_search_box), ("html-page-context", _page_scripts),
                            ("html-page-context", _download_menu, 600),
                            ("html-page-context", _each_script_once, 999),
                            ("doctree-resolved", _drop_thebe_config, 900),  # after sphinx-thebe's
                            ("build-finished", _front_door, 400)])  # before sphinx-external-toc's (500)
