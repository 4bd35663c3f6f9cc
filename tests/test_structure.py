"""The table of contents, the chapter files and the author's notes agree."""
import re

import pytest
import yaml
from bs4 import BeautifulSoup

from fidelity import ROOT

PAGE_SUFFIXES = {".md", ".ipynb"}


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc["parts"]:
        files += [c["file"] for c in part["chapters"]]
        files += [s["file"] for c in part["chapters"] for s in c.get("sections", [])]
    return files


def test_every_toc_entry_exists():
    for f in toc_files():
        assert any((ROOT / (f + s)).exists() for s in PAGE_SUFFIXES), f"_toc.yml lists {f}, which does not exist"


def test_every_chapter_file_is_in_the_toc():
    listed = set(toc_files())
    for path in sorted((ROOT / "chapters").rglob("*")):
        if path.suffix in PAGE_SUFFIXES:
            name = path.relative_to(ROOT).with_suffix("").as_posix()
            assert name in listed, f"{name} is not in _toc.yml: publish it or move it out of chapters/"


def test_toc_has_no_duplicates():
    files = toc_files()
    assert len(files) == len(set(files))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_author_note_has_reference_and_definition(n, html_dir):
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "chapters").glob("*.md"))
    assert len(re.findall(rf"\[\^{n}\](?!:)", sources)) == 1, f"note {n} must be referenced once"
    assert len(re.findall(rf"^\[\^{n}\]:", sources, re.M)) == 1, f"note {n} must be defined once"
    pages = [BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
             for p in (html_dir / "chapters").glob("*.html")]
    refs = [a for s in pages for a in s.select(f'a.footnote-reference[href="#note-{n}"]')]
    defs = [d for s in pages for d in s.select(f'aside.footnote#note-{n}')]
    assert len(refs) == 1 and refs[0].get("id") == f"note-{n}-ref", f"note {n}: no link from the text"
    assert len(defs) == 1 and defs[0].select_one(f'a[href="#note-{n}-ref"]'), f"note {n}: no link back"


def test_quoted_paragraphs_are_block_quotations(html_dir):
    soup = BeautifulSoup((html_dir / "chapters" / "workers-truth.html").read_text(encoding="utf-8"), "html.parser")
    quotes = [q.get_text(" ") for q in soup.select("article blockquote")]
    assert any("The working class of Russia is disorganized" in q for q in quotes)
    assert any("(Quoted in E.H. Carr, The Interregnum.)" in q for q in quotes)


def test_subject_keywords_are_metadata(html_dir):
    soup = BeautifulSoup((html_dir / "chapters" / "workers-group.html").read_text(encoding="utf-8"), "html.parser")
    keywords = soup.select_one('meta[name="keywords"]')["content"]
    for subject in ["History of the workers' movement", "Heritage of the Communist Left",
                    "Political currents and reference",
                    "Development of proletarian consciousness and organisation",
                    "General and theoretical questions"]:
        assert subject in keywords
