"""The plug-ins on a book of their own: tests/roots/test-book, a tiny book (two essay paragraphs, a
notebook, a who's who, one or two rows a table of data), built in this process by Sphinx's test
application with the settings Jupyter Book makes of its _config.yml, as `make book` does. No copy
of the repository and no kernel: the notebook's cells are read, not run (execute_notebooks: off).

Its data package is in dataset/, not data/ (edition_data_dir: dataset), so every test here also
shows that the plug-ins take their folders from the build's settings (edition/sphinx/book/folders.py).
Its rows follow the book's own schema: data/datapackage.json is copied in at each build, so a
change of schema reaches the fixture (and a column the fixture lacks fails its validation).
"""
from __future__ import annotations

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.check

ROOTS = Path(__file__).resolve().parent / "roots"
SCHEMA = ROOTS.parent.parent / "data" / "datapackage.json"  # the book's descriptor


def build(tmp: Path, builder: str = "html", root: str = "test-book", edit=None, **settings):
    """A fresh copy of a fixture book built with `builder`; the Sphinx test application, built.
    `edit`: called with the copy's folder before the build (a test's own change of its data)."""
    from jupyter_book.config import get_final_config
    from sphinx.testing.util import SphinxTestApp

    from edition.sphinx.book.bibliography import render

    src = tmp / root
    shutil.copytree(ROOTS / root, src)
    shutil.copy(SCHEMA, src / "dataset" / "datapackage.json")
    if edit is not None:
        edit(src)
    (src / "references.bib").write_text(render(src / "dataset"), encoding="utf-8")  # as edition/build.py makes it
    config, _ = get_final_config(user_yaml=src / "_config.yml", sourcedir=src,
                                 cli_config={"latex_individualpages": False, "external_toc_path": (src / "_toc.yml").as_posix()})
    app = SphinxTestApp(builder, srcdir=src, confoverrides=config | settings, status=StringIO(), warning=StringIO())
    try:
        app.build()
    finally:
        app.cleanup()
    return app


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    app = build(tmp_path_factory.mktemp("html"))
    warnings = app.warning.getvalue()
    assert "WARNING" not in warnings and "ERROR" not in warnings, warnings
    return Path(app.outdir)


def page(html: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((html / "chapters" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def words(node) -> str:
    return re.sub(r"\s+", " ", node.get_text()).strip()


def person(html: Path, person_id: str):
    """A person's section of the who's who (the entry's target opens it)."""
    return page(html, "whos-who").find(id=f"person-{person_id}").find_parent("section")


def test_paragraph_labels_anchor_the_essay(html):
    essay = page(html, "workers-group")
    paragraph = essay.find(id="wg-1")
    assert paragraph.name == "p" and "was arrested in 1923" in words(paragraph)
    assert paragraph.find("a", class_="para-label")["href"] == "#wg-1"
    assert page(html, "counter-revolution").find(id="note-1") is not None  # the author's note, by its number


def test_the_data_box_lists_the_rows_of_the_books_own_data(html):
    """Under wg-1: the happening its attestations cite (two sources that disagree, so "disputed")
    and the quotation of the Manifesto; nothing from the repository's data/."""
    box = page(html, "workers-group").find("div", class_="data-behind")
    assert words(box.find(class_="admonition-title")) == "Data behind wg-1 (2 rows)"
    lines = [words(li) for li in box.find_all("li")]
    assert len(lines) == 2
    assert lines[0].startswith("sources disagree: March to May 1922 or 1923 · Arrest of Miasnikov") and "2 sources" in lines[0]
    assert box.find("a", href="#dispute-arrest-year").get_text() == "disputed"
    assert "The Workers' Group's Manifesto" in lines[1]


def test_a_data_field_is_text_never_markup(html):
    """Markdown and HTML characters in a data field reach the reader as the characters themselves
    (the validator lets these through: they are not markup a page acts on until a parser reads them)."""
    box = page(html, "workers-group").find("div", class_="data-behind")
    assert "Arrest of Miasnikov *not emphasis* < 1 & co" in words(box)
    assert box.find("em") is None
    raw = (html / "chapters" / "workers-group.html").read_text(encoding="utf-8")
    assert "*not emphasis* &lt; 1 &amp; co" in raw
    entry = person(html, "miasnikov")
    assert "**not bold** _nor this_ & co" in words(entry) and entry.find("strong", string="not bold") is None


def test_the_editors_note_on_a_dispute_stands_after_its_paragraph(html):
    essay = page(html, "workers-group")
    note = essay.find(id="dispute-arrest-year")
    assert "The essay says: 1923." in words(note) and "Other sources say: Spring 1922 (his memoir)." in words(note)
    assert "Sources: the essay; G. Miasnikov, A memoir." in words(note)
    group = note.find_parent("div", class_="apparatus")
    assert group.find_previous_sibling("p")["id"] == "wg-1"  # after the paragraph, in one group with the data box
    assert group.find("div", class_="data-behind") is not None


def test_the_whos_who_comes_from_the_books_people_and_links_the_essay(html):
    whoswho = page(html, "whos-who")
    people = [words(h) for h in whoswho.find_all(["h2", "h3"])]
    assert any(p.startswith("Gavril Miasnikov") for p in people), people
    assert not any("Kuznetsov" in p for p in people), "the repository's people, not the fixture's"
    entry = person(html, "miasnikov")
    named = words(entry)
    assert "The essay writes: “Miasnikov”" in named and "Named in the essay: The Workers' Group (wg-1)." in named
    assert entry.find("a", href="workers-group.html#wg-1") is not None
    # and the essay links the name back to the entry
    link = page(html, "workers-group").find("a", class_="person-link")
    assert link["href"] == "whos-who.html#person-miasnikov" and link.get_text() == "Miasnikov"


def test_the_check_cell_stands_in_its_exercise_on_the_web(html):
    notebook = page(html, "numbers")
    exercise = notebook.find(class_="exercise")
    assert exercise is not None and 'check("numbers-ex-1")' in words(exercise)
    assert "Check your answer." in words(exercise)


def test_a_print_edition_leaves_out_the_check_cells_and_solutions(tmp_path):
    """edition_of(app) is "print" for the EPUB: the "Check your answer" cell and the worked
    solution are left out, the exercise itself kept."""
    app = build(tmp_path, "epub")
    xhtml = (Path(app.outdir) / "chapters" / "numbers.xhtml").read_text(encoding="utf-8")
    assert "How many rows are there?" in xhtml
    assert 'check("numbers-ex-1")' not in xhtml and "Check your answer" not in xhtml
    assert "count = len(rows)" not in xhtml


def test_citations_name_the_books_own_year(html):
    """cite.py reads date-released from the fixture's CITATION.cff (2026-01-01), not the repository's."""
    ris = (html / "_static" / "citations" / "ward-paragraphs.ris").read_text(encoding="utf-8")
    assert ris.count("TY  - CHAP") == 2  # the fixture's two labelled paragraphs, cr-1 and wg-1
    assert "PY  - 2026" in ris and "SE  - The Workers' Group" in ris


def test_the_students_notebook_has_the_exercise_and_its_check_but_no_solution(html):
    import nbformat

    notebook = nbformat.read(html / "_sources" / "chapters" / "numbers.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "(Count the rows)**\n\nHow many rows are there?" in text and 'check("numbers-ex-1")' in text
    assert "count = len(rows)" not in text and "{solution" not in text


def test_a_build_that_warns_records_the_pages_to_read_again(tmp_path):
    """edition/sphinx/book/warned.py: every warning placed on its page, recorded for the next build
    (edition/build.py reads every page again when there is no record)."""
    import json

    from edition.build import WARNED
    from edition.sphinx.book.warned import RECORD

    assert WARNED == RECORD

    def broken_link(src: Path) -> None:
        chapter = src / "chapters" / "workers-truth.md"
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA broken link: {doc}`no-such-page`.\n", encoding="utf-8")

    app = build(tmp_path, edit=broken_link)
    assert "no-such-page" in app.warning.getvalue()
    assert json.loads((Path(app.doctreedir) / RECORD).read_text(encoding="utf-8")) == {"pages": ["chapters/workers-truth"]}
    assert not (Path(build(tmp_path / "clean").doctreedir) / RECORD).exists()  # no warning, no record


def test_a_warning_with_no_page_leaves_no_record(tmp_path):
    """A warning Sphinx cannot place on a page (none being read, no location) means every page is
    read again: no record is written, however many warnings were placed."""
    import logging
    from types import SimpleNamespace

    from edition.sphinx.book import warned

    env = SimpleNamespace(temp_data={}, found_docs={"chapters/closing"},
                          path2doc=lambda path: "chapters/closing" if path.endswith("closing.md") else None)
    app = SimpleNamespace(env=env, doctreedir=str(tmp_path))
    warned._started(app)
    log = logging.getLogger("sphinx.edition-test")
    log.warning("placed", extra={"location": f"{tmp_path}/chapters/closing.md:3"})
    env.temp_data["docname"] = "chapters/closing"
    log.warning("placed too: the page being read")
    assert app.edition_placer.pages == {"chapters/closing"} and app.edition_placer.unplaced == 0
    env.temp_data.clear()
    log.warning("nowhere")
    warned._finished(app, None)
    assert app.edition_placer.unplaced == 1 and not (tmp_path / warned.RECORD).exists()
