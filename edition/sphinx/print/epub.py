"""The EPUB edition (Sphinx's epub builder): a plain, script-free EPUB 3 that passes epubcheck.

Loaded by edition.sphinx.book.labels; everything here acts for the epub builder only. The web pages' extras
(dropdowns, copy buttons, Thebe, myst-nb's CSS) need scripts or CSS that e-readers and
epubcheck reject ("scripted" pages, CSS nesting), so the EPUB keeps only Sphinx's epub theme
CSS, pygments and `edition/sphinx/print/assets/epub/edition-epub.css` (named in `_config.yml`, epub_css_files).

What an e-reader shows of the book as a whole comes from `_config.yml` (epub_*: title, author,
description, identifier, table of contents) and from here:
- the cover, drawn at each build from the book's title and author: an HTML page (COVER) that
  Chromium, which the EPUB build needs anyway for the charts, saves as a PNG; marked as the
  cover image in content.opf, as EPUB 3 asks;
- the table of contents grouped by the parts of `_toc.yml` ("The essay, with the data" ...), each
  part a heading over its pages and their sections, as in the PDF and on the web;
- notes that e-readers open as pop-ups: each note mark an `epub:type="noteref"` link, each note an
  `<aside epub:type="footnote">` (EPUB 3 Structural Semantics; `note_markup()`). The marks read
  "[1]": the markup has its brackets, so the stylesheet adds none (edition-epub.css).
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path
from xml.etree import ElementTree

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder

from edition.sphinx.book.folders import PACKAGE, data_dir
from edition.data import essay_facts
from edition.sphinx.book import register

HERE = PACKAGE / "sphinx" / "print" / "assets" / "epub"
KEEP_CSS = {"epub.css", "basic.css", "pygments.css", "edition-epub.css"}


COVER_SIZE = (1600, 2400)  # pixels: the 2:3 of most e-readers' covers
COVER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><style>
html, body {{ margin: 0; width: {width}px; height: {height}px; background: #f3eee3; color: #1f1f1d; }}
body {{ box-sizing: border-box; padding: 300px 170px 170px; display: flex; flex-direction: column;
        font-family: FreeSerif, serif; text-align: center; }}
h1 {{ font-weight: normal; font-size: 118px; line-height: 1.22; margin: 0; }}
.author {{ font-size: 84px; margin-top: 150px; }}
.rule {{ width: 220px; border-top: 4px solid #8a8170; margin: 130px auto 110px; }}
.edition {{ font-style: italic; font-size: 70px; }}
.what {{ font-family: FreeSans, sans-serif; font-size: 44px; color: #55524b; margin-top: 40px; line-height: 1.4; }}
.source {{ margin-top: auto; font-family: FreeSans, sans-serif; font-size: 40px; color: #55524b; line-height: 1.4; }}
</style></head><body>
<h1>{title}</h1>
<div class="author">{author}</div>
<div class="rule"></div>
<div class="edition">A teaching edition</div>
<div class="what">with editor's notes, a companion dataset and data notebooks</div>
<div class="source">The essay's text: {publisher},<br>first published in its <i>{periodical}</i></div>
</body></html>
"""


def draw_cover(title: str, author: str, essay: dict, png: Path) -> None:
    """The cover as a PNG: COVER filled in (`essay`: edition.data.essay_facts), saved by headless Chromium at COVER_SIZE."""
    browser = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        raise RuntimeError("The EPUB's cover is drawn by Chromium, which is not installed (make epub installs it).")
    png.parent.mkdir(parents=True, exist_ok=True)
    page = png.parent.parent / "cover.html"  # beside the static folder, whose files all go in the EPUB
    width, height = COVER_SIZE
    page.write_text(COVER.format(title=html.escape(title).replace(" Part ", "<br>Part "), author=html.escape(author),
                                 publisher=html.escape(essay["publisher"]), periodical=html.escape(essay["periodical"]),
                                 width=width, height=height), encoding="utf-8")
    png.unlink(missing_ok=True)
    run = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                          f"--window-size={width},{height}", f"--screenshot={png}", page.as_uri()],
                         capture_output=True, text=True, timeout=120)
    if not png.is_file():
        raise RuntimeError(f"Chromium did not draw the EPUB's cover:\n{run.stderr[-2000:]}")


def _cover_as_tuple(app: Sphinx, config) -> None:
    """`_config.yml` can only give epub_cover as a list; Sphinx wants (image, page) as a tuple."""
    if isinstance(config.epub_cover, list):
        config.epub_cover = tuple(config.epub_cover)


class EditionEpub(Epub3Builder):
    """Sphinx's EPUB 3 builder, with what this book's EPUB needs (registered as "epub")."""

    def copy_static_files(self) -> None:
        # The EPUB's manifest lists every file in _static: leave out scripts and unused CSS.
        super().copy_static_files()
        for path in (Path(self.outdir) / "_static").iterdir():
            if path.suffix == ".js" or (path.suffix == ".css" and path.name not in KEEP_CSS):
                path.unlink()

    def get_toc(self) -> None:
        """The table of contents in the book's parts, each page with its sections."""
        super().get_toc()
        suffix = self.out_suffix
        pages = with_sections(self.refnodes, lambda uri: _sections(self.app, uri.removesuffix(suffix), suffix))
        parts = _parts(self.app)
        tops = {docs[0] + suffix: _top_anchor(self.app, docs[0]) for _, docs in parts if docs}
        self.refnodes = in_parts(pages, parts, suffix, tops)

    def toc_metadata(self, level, navpoints):
        """toc.ncx names the book by the package's identifier (its dtb:uid), where Sphinx puts the
        XML id of the identifier element (epub_uid); the template escapes nothing, so we do."""
        return super().toc_metadata(level, navpoints) | {"uid": html.escape(self.config.epub_identifier)}

    def build_epub(self) -> None:
        outdir = Path(self.outdir)
        if self.config.epub_cover:
            mark_cover_image(outdir / "content.opf", self.config.epub_cover[0])
        for page in outdir.rglob(f"*{self.out_suffix}"):
            text = page.read_text(encoding="utf-8")
            marked = note_markup(text)
            if marked != text:
                page.write_text(marked, encoding="utf-8")
        super().build_epub()


def _setup_epub(app: Sphinx) -> None:
    if app.builder.name != "epub":
        return
    app.config.html_static_path.append(str(HERE))
    if app.config.epub_cover:
        # Drawn beside the build (not in the sources), then copied to _static/ with the static files.
        covers = Path(app.doctreedir).parent / "epub-cover" / "static"
        draw_cover(app.config.project, app.config.epub_author, essay_facts(data_dir(app)), covers / Path(app.config.epub_cover[0]).name)
        app.config.html_static_path.append(str(covers))
    if not app.config.version:  # EPUB 3 metadata needs a version: the edition package's own
        app.config.version = app.config.release = version("edition")
    # Sphinx writes the cover page at the end of each build, but takes a cover page already in the
    # output folder (the last build's: the staged build keeps it) for a page of the book's own and
    # lists it twice in the spine, which epubcheck rejects.
    (Path(app.builder.outdir) / app.builder.coverpage_name).unlink(missing_ok=True)


def _parts(app: Sphinx) -> list[tuple[str, list[str]]]:
    """(caption, docnames) of each part of `_toc.yml`, from sphinx-external-toc."""
    site_map = getattr(app.config, "external_site_map", None)
    if site_map is None:
        return []
    return [(sub.caption, [item for item in sub.items if isinstance(item, str)])
            for sub in site_map.root.subtrees if sub.caption]


def smarten(text: str) -> str:
    """Dashes and quotes in escaped toc text, as Sphinx's EPUB builder writes its own entries
    (its private sphinx_smarty_pants, with docutils' public smartquotes)."""
    from docutils.utils import smartquotes

    text = smartquotes.educateDashesOldSchool(text.replace("&quot;", '"'))
    return smartquotes.educateQuotes(text, "en").replace('"', "&quot;")


def _sections(app: Sphinx, docname: str, suffix: str) -> list[dict]:
    """The sections of a page as toc entries ({level, refuri, text}, level 1 for the page's own
    sections), from Sphinx's table of contents of the page (env.tocs)."""
    toc = app.env.tocs.get(docname)
    found = []

    def walk(items: nodes.bullet_list, level: int) -> None:
        for item in items.children:
            ref = item.next_node(nodes.reference)
            if ref is not None and ref.get("anchorname"):
                found.append({"level": level, "refuri": f"{docname}{suffix}{ref['anchorname']}",
                              "text": smarten(html.escape(ref.astext()))})
            for sub in item.children:
                if isinstance(sub, nodes.bullet_list):
                    walk(sub, level + 1)

    if toc is not None:
        for title in toc.children:  # the page's title; its sections below it
            for sub in title.children:
                if isinstance(sub, nodes.bullet_list):
                    walk(sub, 1)
    return found


def with_sections(refnodes: list[dict], sections) -> list[dict]:
    """Sphinx's entries of the pages (the book's toctrees list titles only: _toc.yml's
    `titlesonly`), each followed by its sections one level down (`sections`: page -> entries)."""
    out = []
    for node in refnodes:
        out.append(node)
        if "#" not in node["refuri"]:
            out += [{**s, "level": node["level"] + s["level"]} for s in sections(node["refuri"])]
    return out


def _top_anchor(app: Sphinx, docname: str) -> str:
    """The id of a page's title section (its top)."""
    section = app.env.get_doctree(docname).next_node(nodes.section)
    return section["ids"][0] if section is not None and section["ids"] else ""


def in_parts(refnodes: list[dict], parts: list[tuple[str, list[str]]], suffix: str,
             tops: dict[str, str]) -> list[dict]:
    """Sphinx's flat list of toc entries ({level, refuri, text}: the root page, then each page at
    level 1 and its sections below) with a heading for each part before its first page, and the
    part's pages and sections one level down. A part's heading links to its first page, and that
    page's own entry to the page's title (`tops`: page -> the title's id): no two entries alike
    (Sphinx refuses that), and every link in reading order (epubcheck asks for that)."""
    first = {docs[0] + suffix: caption for caption, docs in parts if docs}
    members = {doc + suffix for _, docs in parts for doc in docs}
    out, inside = [], False
    for node in refnodes:
        page = node["refuri"].split("#")[0]
        if node["level"] == 1:
            inside = page in members
            if page in first and "#" not in node["refuri"] and tops.get(page):
                out.append({"level": 1, "refuri": page, "text": html.escape(first[page])})
                node = {**node, "refuri": f"{page}#{tops[page]}"}
        out.append({**node, "level": node["level"] + 1} if inside else node)
    return out


EPUB_NS = 'xmlns:epub="http://www.idpf.org/2007/ops"'
# a class attribute holding the word exactly (not "footnote-list", the notes' wrapper)
_NOTEREF = re.compile(r'<a (?=[^>]*class="(?:[^"]*\s)?footnote-reference[\s"])(?![^>]*epub:type)')
_FOOTNOTE = re.compile(r'<aside (?=[^>]*class="(?:[^"]*\s)?footnote[\s"])(?![^>]*epub:type)')


def note_markup(xhtml: str) -> str:
    """A page's note marks and notes as EPUB 3 readers know them (pop-up notes): the mark
    `epub:type="noteref"`, the note, already an <aside>, `epub:type="footnote"`; the page's root
    declares the epub namespace."""
    out = _FOOTNOTE.sub('<aside epub:type="footnote" ', _NOTEREF.sub('<a epub:type="noteref" ', xhtml))
    if out != xhtml and EPUB_NS not in out:
        out = re.sub(r"<html\b", f"<html {EPUB_NS}", out, count=1)
    return out


OPF, DC = "http://www.idpf.org/2007/opf", "http://purl.org/dc/elements/1.1/"


def mark_cover_image(opf: Path, image: str) -> None:
    """EPUB 3 names its cover image in the manifest (properties="cover-image"); Sphinx writes only
    the older <meta name="cover">, which readers of EPUB 2 read."""
    for prefix, uri in (("", OPF), ("dc", DC)):  # written back with Sphinx's prefixes, not ns0:
        ElementTree.register_namespace(prefix, uri)
    tree = ElementTree.parse(opf)
    items = [item for item in tree.iter(f"{{{OPF}}}item") if item.get("href") == image]
    if len(items) != 1:
        raise RuntimeError(f"the cover image {image} is not in the EPUB's manifest")
    items[0].set("properties", "cover-image")
    tree.write(opf, encoding="utf-8", xml_declaration=True)


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
    app.add_builder(EditionEpub, override=True)
    return register(app, events=[("config-inited", _cover_as_tuple, 100),  # before Sphinx checks types (800)
                                 ("builder-inited", _setup_epub, 100),  # before Sphinx checks the version
                                 ("html-page-context", _page_without_scripts, 900),
                                 ("doctree-resolved", _drop_inline_scripts, 900)])  # after sphinx-thebe
