"""The EPUB edition (`make epub`, which `make test` runs first) is valid EPUB 3, and an e-reader
can show it: title, author, cover, a table of contents with every part, page and section."""
import re
import struct
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import pytest
import yaml
from bs4 import BeautifulSoup

from fidelity import ROOT

EPUB = ROOT / "_build" / "epub" / "book.epub"


@pytest.fixture(scope="session")
def epub():
    if not EPUB.exists():
        pytest.fail("The EPUB is not built: run `make epub` (make test does it for you).")
    return EPUB


def test_epubcheck_finds_no_errors(epub):
    result = subprocess.run(["java", "-jar", "/usr/share/java/epubcheck.jar", str(epub)],
                            capture_output=True, text=True)
    report = result.stdout + result.stderr
    assert result.returncode == 0 and "0 errors" in report, report[-3000:]


def test_epub_has_no_scripts(epub):
    with zipfile.ZipFile(epub) as z:
        names = z.namelist()
        assert not [n for n in names if n.endswith(".js")]
        pages = [z.read(n).decode("utf-8") for n in names if n.endswith(".xhtml")]
    assert pages and not [p for p in pages if "<script" in p]


# What an e-reader shows of the book: its library card (content.opf) and its table of contents
# (nav.xhtml for EPUB 3 readers, toc.ncx for older ones), read from the built file.
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def package(epub):
    with zipfile.ZipFile(epub) as z:
        container = ET.fromstring(z.read("META-INF/container.xml"))
        path = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
        opf = ET.fromstring(z.read(path))
        files = {name: z.read(name) for name in z.namelist()}
    return opf, files


def test_library_card(package):
    opf, _ = package
    meta = opf.find(f"{OPF}metadata")
    one = lambda tag: [e.text for e in meta.findall(f"{DC}{tag}")]  # noqa: E731
    settings = config()["sphinx"]["config"]
    assert one("title") == [config()["title"]]
    assert one("creator") == ["C. D. Ward"]
    assert one("language") == ["en"]
    assert one("description") == [" ".join(settings["epub_description"].split())]
    assert "International Communist Current" in one("description")[0]
    assert one("contributor") == ["the editors of the teaching edition"]
    for tag in ("title", "creator", "description", "contributor", "publisher", "identifier", "rights"):
        assert one(tag) and all(v and v.strip() not in ("unknown", "Project name not set") for v in one(tag)), tag


def test_identifier_is_fixed_and_unique(package):
    opf, _ = package
    uid = opf.get("unique-identifier")
    identifier = opf.find(f"{OPF}metadata/{DC}identifier[@id='{uid}']")
    assert identifier is not None, "the package names no identifier element"
    assert identifier.text == config()["sphinx"]["config"]["epub_identifier"]
    assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", identifier.text)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_cover(package):
    """A cover image, named as EPUB 3 and EPUB 2 readers look for it, drawn for this book, and
    the first page of the spine."""
    opf, files = package
    items = {i.get("id"): i for i in opf.iter(f"{OPF}item")}
    covers = [i for i in items.values() if "cover-image" in (i.get("properties") or "").split()]
    assert len(covers) == 1, "no manifest item has properties=\"cover-image\""
    cover = covers[0]
    assert cover.get("media-type") == "image/png"
    meta = [m for m in opf.iter(f"{OPF}meta") if m.get("name") == "cover"]
    assert meta and meta[0].get("content") == cover.get("id")
    width, height = png_size(files[cover.get("href")])
    assert (width, height) == (1600, 2400)
    assert len(files[cover.get("href")]) > 20_000, "the cover is (nearly) blank"
    first = items[opf.find(f"{OPF}spine/{OPF}itemref").get("idref")]
    page = files[first.get("href")].decode("utf-8")
    assert cover.get("href").split("/")[-1] in page, "the spine does not open on the cover page"


def nav_tree(files) -> list[tuple[str, str, list]]:
    """nav.xhtml's table of contents as [(text, href, children)]."""
    nav = ET.fromstring(files["nav.xhtml"])
    toc = next(n for n in nav.iter(f"{XHTML}nav")
               if n.get("{http://www.idpf.org/2007/ops}type") == "toc")

    def items(ol):
        out = []
        for li in ol.findall(f"{XHTML}li"):
            a = li.find(f"{XHTML}a")
            sub = li.find(f"{XHTML}ol")
            out.append((" ".join("".join(a.itertext()).split()), a.get("href"), items(sub) if sub is not None else []))
        return out

    return items(toc.find(f"{XHTML}ol"))


def flatten(tree) -> list[tuple[str, str]]:
    return [(text, href) for text, href, sub in tree for text, href in [(text, href)] + flatten(sub)]


def test_nav_lists_every_part_page_and_section(package):
    """The e-reader's contents: the title page, then each part of _toc.yml with its pages in order,
    each page with its sections (the <section>s of its own XHTML file)."""
    _, files = package
    tree = nav_tree(files)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    assert [href for _, href, _ in tree][0] == f"{toc['root']}.xhtml"
    parts = tree[1:]
    assert [text for text, _, _ in parts] == [p["caption"] for p in toc["parts"]]
    for (caption, _, pages), part in zip(parts, toc["parts"]):
        assert [href.split("#")[0] for _, href, _ in pages] == [f"{c['file']}.xhtml" for c in part["chapters"]], caption
        for title, href, sections in pages:
            page = BeautifulSoup(files[href.split("#")[0]].decode("utf-8"), "html.parser")
            assert title == " ".join(page.find("h1").get_text().split()).rstrip("#").strip(), href
            expected = [s["id"] for s in page.select("section > section[id]")
                        if s.find_parent("section").find_parent("section") is None and s.find(["h2"])]
            assert [h.split("#")[1] for _, h, _ in sections] == expected, href
    assert len(flatten(tree)) > 60  # not the one entry of old


def test_nav_links_reach_their_targets(package):
    _, files = package
    for text, href in flatten(nav_tree(files)):
        page, _, anchor = href.partition("#")
        assert page in files, f"{text!r} links to {page}, which is not in the EPUB"
        if anchor:
            assert f'id="{anchor}"' in files[page].decode("utf-8"), f"{text!r}: no #{anchor} in {page}"


def test_ncx_matches_nav(package):
    """Readers of EPUB 2 read toc.ncx: the same entries, in the same order and nesting."""
    _, files = package
    ncx = ET.fromstring(files["toc.ncx"])

    def points(parent):
        return [(" ".join(p.find(f"{NCX}navLabel/{NCX}text").text.split()), p.find(f"{NCX}content").get("src"),
                 points(p)) for p in parent.findall(f"{NCX}navPoint")]

    assert points(ncx.find(f"{NCX}navMap")) == nav_tree(files)
    assert ncx.find(f"{NCX}docTitle/{NCX}text").text == config()["title"]


def test_no_empty_index_page(package):
    _, files = package
    assert "genindex.xhtml" not in files


def test_notes_pop_up_with_single_brackets_and_code_wraps(epub, tmp_path):
    """Issue 25, item 9: note marks are EPUB 3 noterefs reading "[1]" (not "[[1]]"), the notes
    footnote asides, and code lines wrap on a 600 px page (Chromium renders the EPUB's XHTML)."""
    import os

    from browser import CHROMIUM, browser

    with zipfile.ZipFile(epub) as z:
        z.extractall(tmp_path)
    page = next(tmp_path.rglob("workers-group.xhtml"))
    text = page.read_text(encoding="utf-8")
    marks = re.findall(r"<a [^>]*footnote-reference[^>]*>", text)
    assert marks and all('epub:type="noteref"' in m for m in marks)
    notes = re.findall(r"<aside [^>]*>", text)
    assert [n for n in notes if 'class="footnote brackets"' in n]
    assert all('epub:type="footnote"' in n for n in notes if 'class="footnote ' in n)
    assert not [n for n in notes if "footnote-list" in n and "epub:type" in n]
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    with browser() as b:
        tab = b.new_page(viewport={"width": 600, "height": 900})
        tab.goto(page.as_uri())
        shown = tab.locator("a.footnote-reference").first.inner_text()
        assert re.fullmatch(r"\[\d+\]", shown.strip()), shown
        label = tab.locator("aside.footnote .label").first.inner_text()
        assert re.fullmatch(r"\[\d+\]", label.strip()), label
        code = next(tmp_path.rglob("membership.xhtml"))
        tab.goto(code.as_uri())
        wide = tab.evaluate("""() => [...document.querySelectorAll('pre')]
            .filter((p) => p.scrollWidth > p.clientWidth + 1).length""")
        assert tab.locator("pre").count() and wide == 0
