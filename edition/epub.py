"""The EPUB edition (Sphinx's epub builder): a plain, script-free EPUB 3 that passes epubcheck.

Loaded by edition.book; everything here acts for the epub builder only. The web pages' extras
(dropdowns, copy buttons, Thebe, myst-nb's CSS) need scripts or CSS that e-readers and
epubcheck reject ("scripted" pages, CSS nesting), so the EPUB keeps only Sphinx's epub theme
CSS, pygments and `edition/epub/edition-epub.css` (named in `_config.yml`, epub_css_files).
"""
from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

HERE = Path(__file__).parent / "epub"
KEEP_CSS = {"epub.css", "basic.css", "pygments.css", "edition-epub.css"}


def _setup_epub(app: Sphinx) -> None:
    if app.builder.name != "epub":
        return
    app.config.html_static_path.append(str(HERE))
    if not app.config.version:  # EPUB 3 metadata needs a version: the edition package's own
        app.config.version = app.config.release = version("edition")
    builder = app.builder
    copy_static_files = builder.copy_static_files

    def copy_then_prune() -> None:
        # The EPUB's manifest lists every file in _static: leave out scripts and unused CSS.
        copy_static_files()
        for path in (Path(builder.outdir) / "_static").iterdir():
            if path.suffix == ".js" or (path.suffix == ".css" and path.name not in KEEP_CSS):
                path.unlink()

    builder.copy_static_files = copy_then_prune


def _page_without_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if app.builder.name == "epub":
        context["script_files"] = []
        context["css_files"] = [c for c in context.get("css_files", [])
                                if Path(str(getattr(c, "filename", c))).name in KEEP_CSS]


def _drop_inline_scripts(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """sphinx-thebe appends <script> configuration to every page (doctree-resolved); pandas
    tables carry a `<style scoped>` block, which EPUB's XHTML allows neither there nor so
    (the EPUB's own CSS styles the tables instead)."""
    if app.builder.name == "epub":
        for raw in list(doctree.findall(nodes.raw)):
            if "html" not in raw.get("format", "").split():
                continue
            if "<script" in raw.astext():
                raw.parent.remove(raw)
            elif "<style" in raw.astext():
                html = re.sub(r"<style[^>]*>.*?</style>", "", raw.astext(), flags=re.S)
                raw.parent.replace(raw, nodes.raw("", html, format=raw["format"]))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _setup_epub, priority=100)  # before Sphinx checks the version
    app.connect("html-page-context", _page_without_scripts, priority=900)
    app.connect("doctree-resolved", _drop_inline_scripts, priority=900)  # after sphinx-thebe
    return {"parallel_read_safe": True, "parallel_write_safe": True}
