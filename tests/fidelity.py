"""Compare the essay as received (seeds/) with the words a reader gets (built HTML, later PDF).

Only Unicode (NFKC) and whitespace are normalised. Editorial additions are recognised by their
class `editorial` and left out; everything else on an essay page must be the author's words.
"""
from __future__ import annotations

import copy
import unicodedata
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from edition.essay import ESSAY

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_567e60ce91505345.txt"
HTML = ROOT / "_build" / "html"
# Web-page debris in the seed that is not essay text (chapters/editing.md says where it went).
DEBRIS = ("Printer-friendly version",)
BLOCKS = ["p", "h1", "h2", "h3", "li", "blockquote", "div", "aside", "section", "span.label"]


def words(text: str) -> list[str]:
    return unicodedata.normalize("NFKC", text).split()


def seed_parts(seed: Path = SEED) -> tuple[list[str], list[str]]:
    """(body words, notes words) of the essay: title, debris and the subject lines left out."""
    paras = [p.strip() for p in seed.read_text(encoding="utf-8").split("\n\n")]
    paras = [p for p in paras[1:] if p and p not in DEBRIS]  # paras[0] is the page title
    end = next(i for i, p in enumerate(paras) if p == "C. D. Ward")
    subjects = next(i for i, p in enumerate(paras) if p.startswith("History of the workers"))
    body = [w for p in paras[: end + 1] for w in words(p)]
    notes = [w for p in paras[end + 1 : subjects] for w in words(p)]
    return body, notes


def essay_pages(root: Path = ROOT) -> list[str]:
    """Doc names of the essay's pages, in _toc.yml's reading order (the notebooks between them left out)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    listed = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    pages = [f for f in listed if f.removeprefix("chapters/") in ESSAY]
    assert len(pages) == len(ESSAY), f"_toc.yml must list every essay page: {ESSAY}"
    return pages


def _text(node) -> list[str]:
    node = copy.copy(node)
    for el in node.select(".editorial, .headerlink, span.fn-bracket, .toggle-button, button"):
        el.decompose()
    for el in node.select(",".join(BLOCKS)):
        el.insert_before(" ")
        el.append(" ")
    return words(node.get_text(""))


def rendered_parts(html_dir: Path = HTML, pages: list[str] | None = None):
    """(body words, notes words) as rendered in the built HTML, pages in reading order."""
    body, notes = [], []
    for page in pages or essay_pages():
        soup = BeautifulSoup((html_dir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        article = soup.select_one("article.bd-article")
        for aside in article.select("aside.footnote"):
            for backlinks in aside.select("span.backrefs"):
                backlinks.decompose()
            notes += _text(aside)
        for el in article.select("aside.footnote-list, hr.footnotes"):
            el.decompose()
        body += _text(article)
    return body, notes


def first_difference(expected: list[str], got: list[str], what: str) -> str | None:
    """None when the two word lists are equal, else a message naming the first missing/altered word."""
    if expected == got:
        return None
    i = next((k for k, (a, b) in enumerate(zip(expected, got)) if a != b), min(len(expected), len(got)))
    seed_ctx = " ".join(expected[max(0, i - 8) : i + 8])
    got_ctx = " ".join(got[max(0, i - 8) : i + 8])
    missing = expected[i] if i < len(expected) else "(nothing: the rendering has extra words)"
    return (f"{what}: word {i + 1} of {len(expected)} differs. Seed has {missing!r} in\n"
            f"    … {seed_ctx} …\n  the book has\n    … {got_ctx} …")
