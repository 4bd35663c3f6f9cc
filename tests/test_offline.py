"""No built page needs the network: scripts, styles, fonts and images all come from the book."""
import re

from bs4 import BeautifulSoup

EXTERNAL = re.compile(r"^(https?:)?//", re.I)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")
LOADED = {"script": "src", "img": "src", "source": "src", "iframe": "src", "video": "src",
          "audio": "src", "embed": "src", "object": "data"}


def test_pages_load_nothing_from_outside(html_dir):
    bad = []
    pages = sorted(html_dir.rglob("*.html"))
    assert pages
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag, attr in LOADED.items():
            bad += [(page.name, el[attr]) for el in soup.find_all(tag) if EXTERNAL.match(el.get(attr, ""))]
        for link in soup.find_all("link"):
            rel = set(link.get("rel", []))
            if rel & {"stylesheet", "preload", "modulepreload", "icon", "manifest", "prefetch"}:
                if EXTERNAL.match(link.get("href", "")):
                    bad.append((page.name, link["href"]))
        for style in soup.find_all("style"):
            bad += [(page.name, u) for u in CSS_URL.findall(style.get_text()) if EXTERNAL.match(u)]
    for css in html_dir.rglob("*.css"):
        bad += [(css.name, u) for u in CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace"))
                if EXTERNAL.match(u)]
    assert not bad, "external resources: " + ", ".join(f"{p}: {u}" for p, u in bad[:20])


def pages(html_dir):
    """The built pages (not the theme's template fragments under _static/)."""
    return [p for p in sorted(html_dir.rglob("*.html")) if "_static" not in p.parts]


def test_local_resources_exist(html_dir):
    missing = []
    for page in pages(html_dir):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        refs = [el.get("src") for el in soup.find_all(["script", "img"])]
        refs += [l.get("href") for l in soup.find_all("link", rel="stylesheet")]
        for ref in filter(None, refs):
            target = (page.parent / ref.split("?")[0].split("#")[0]).resolve()
            if not EXTERNAL.match(ref) and not ref.startswith("data:") and not target.exists():
                missing.append(f"{page.relative_to(html_dir)}: {ref}")
    assert not missing, "missing local files: " + ", ".join(missing[:20])
