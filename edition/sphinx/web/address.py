"""Sphinx plug-in: the book's one public address, and everything that claims it (web book).

`html: baseurl:` in `_config.yml` (Sphinx's `html_baseurl`) is where the book is published, such as
https://<owner>.github.io/<repository>/. Set, it drives:

- the paragraph citations (edition/sphinx/web/cite.py): their URL, the `citation_public_url` meta tag and
  the BibTeX, RIS and CSL-JSON files;
- `<link rel="canonical">` on every page (Sphinx's own template writes it from `html_baseurl`);
- OpenGraph's `og:url` (the other OpenGraph tags, title, kind, site name and description, are on
  every page: they claim no address);
- `sitemap.xml`, one `<loc>` per page; when the book is at the root of its host, `robots.txt`
  naming the sitemap (crawlers read robots.txt only there) and, for a domain of its own rather
  than *.github.io, `CNAME`, which tells GitHub Pages the domain.

Every web build writes `.nojekyll`, so that GitHub Pages serves `_static/` and `_sources/` as they are.

Left empty, none of them claims an address: no sitemap, no robots.txt, no canonical link, no
og:url, and citations without a URL (not the address the reader happens to have open, such as a
local server or file:///). sphinx-sitemap and sphinxext-opengraph were not used: the first warns
(and so fails this book's -W builds) when no address is set and reads every page's date from git,
the second draws social cards with matplotlib by default; both are a few lines here.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from docutils import nodes
from sphinx.application import Sphinx

from edition.sphinx.book import register
from edition.sphinx.book.editions import edition_of
from edition.paths import PARAGRAPH

SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
SITE_NAME = "The Communist Left in Russia 1918-1930 Part 2: A Teaching Edition"
DESCRIPTION_CHARS = 200
NOT_PAGES = {"genindex", "search", "py-modindex"}  # pages Sphinx writes that are no page of the book


def base_url(value: str | None) -> str:
    """The public address as pages are joined to it: "" when none is set, else ending in "/"."""
    value = (value or "").strip()
    return value if not value or value.endswith("/") else value + "/"


def page_url(base: str, pagename: str, suffix: str = ".html") -> str:
    return f"{base}{pagename}{suffix}" if base else ""


def sitemap(base: str, pagenames: list[str], suffix: str = ".html") -> str:
    """sitemap.xml (sitemaps.org 0.9): one <loc> per page, in the order given. No <lastmod>: the
    build's clock is not the page's date, and the file stays the same when nothing changed."""
    locs = "".join(f"  <url><loc>{escape(page_url(base, name, suffix))}</loc></url>\n" for name in pagenames)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + locs + "</urlset>\n")


def robots(base: str) -> str | None:
    """robots.txt naming the sitemap, for a book at the root of its host (None elsewhere)."""
    return f"User-agent: *\nAllow: /\nSitemap: {base}{SITEMAP}\n" if urlsplit(base).path in ("", "/") else None


def cname(base: str) -> str | None:
    """GitHub Pages' CNAME: the host of a book at the root of a domain of its own (None elsewhere)."""
    parts = urlsplit(base)
    if not parts.hostname or parts.path not in ("", "/") or parts.hostname.endswith(".github.io"):
        return None
    return parts.hostname + "\n"


def description(doctree) -> str:
    """The page's first paragraph of prose (a paragraph label such as wg-4 left out), shortened:
    a paragraph of a section itself, not of a box (learning objectives, an editor's note, a cell)."""
    if doctree is None:
        return ""
    for para in doctree.findall(nodes.paragraph):
        if not isinstance(para.parent, (nodes.section, nodes.document)):
            continue
        text = re.sub(rf"^{PARAGRAPH}(?=\S)", "", re.sub(r"\s+", " ", para.astext()).strip())
        if len(text) >= 40:  # a caption, a label or a button's words are not a description
            if len(text) <= DESCRIPTION_CHARS:
                return text
            return text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return ""


def opengraph(*, title: str, description_text: str, url: str, front: bool) -> list[tuple[str, str]]:
    """OpenGraph properties of one page; og:url only when the book has a public address."""
    tags = [("og:title", re.sub(r"<[^>]*>", "", title)), ("og:type", "website" if front else "article"),
            ("og:site_name", SITE_NAME), ("og:locale", "en_GB")]
    if description_text:
        tags.append(("og:description", description_text))
    if url:
        tags.append(("og:url", url))
    return tags


def _normalise(app: Sphinx, config) -> None:
    config.html_baseurl = base_url(config.html_baseurl)


def _meta(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if edition_of(app) != "html":
        return
    base = base_url(app.config.html_baseurl)
    url = page_url(base, pagename, app.builder.out_suffix) if doctree is not None else ""
    front = pagename == app.config.root_doc
    tags = opengraph(title=context.get("title", "") or app.config.project, description_text=description(doctree),
                     url=url, front=front)
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<meta property="{name}" content="{html.escape(value, quote=True)}" />' for name, value in tags)


def pages(app: Sphinx) -> list[str]:
    """Every page of the book, in the table of contents' order (then any other, by name)."""
    env = app.env
    ordered, seen = [], set()

    def walk(doc: str) -> None:
        if doc in seen or doc not in env.found_docs:
            return
        seen.add(doc)
        ordered.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(app.config.root_doc)
    ordered += sorted(d for d in env.found_docs if d not in seen)
    return [d for d in ordered if d not in NOT_PAGES and Path(app.outdir, d + app.builder.out_suffix).is_file()]


def _files(app: Sphinx, exception) -> None:
    """sitemap.xml, robots.txt and CNAME where the address calls for them; none left from an
    earlier build where it does not; .nojekyll always."""
    if exception is not None or edition_of(app) != "html":
        return
    from edition.derived import write_atomic

    base = base_url(app.config.html_baseurl)
    out = Path(app.outdir)
    for name, text in ((SITEMAP, sitemap(base, pages(app), app.builder.out_suffix) if base else None),
                       (ROBOTS, robots(base) if base else None), ("CNAME", cname(base) if base else None),
                       (".nojekyll", "")):
        if text is None:
            (out / name).unlink(missing_ok=True)
        else:
            write_atomic(out / name, text.encode("utf-8"))


def setup(app: Sphinx) -> dict:
    return register(app, events=[("config-inited", _normalise), ("html-page-context", _meta),
                                 ("build-finished", _files)])
