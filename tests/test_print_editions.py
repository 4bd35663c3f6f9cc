"""Every print output (the PDF, the reading edition, each handout, the EPUB) is a print edition,
decided in one place (edition/sphinx/book/editions.py): no "Check your answer" cell nor the cell that
imports `check`, and no sentence asking the reader to hover (edition/sphinx/book/print_wording.py).
"""
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from edition.sphinx.book.print_wording import PRINT_WORDING, SCREEN_ONLY, print_wording
from edition.essay import ESSAY
from notebooks import notebooks
from fidelity import ROOT
from printed import page_texts, runs

BUILD = ROOT / "_build"
NOTEBOOKS = [p.stem for p in notebooks()]  # every page with a kernelspec, as the handouts find them
PDFS = [BUILD / "pdf" / "book.pdf", BUILD / "reading" / "reading.pdf"] + [
    BUILD / "handouts" / f"{doc}.pdf" for doc in ESSAY + NOTEBOOKS]
EPUB = BUILD / "epub" / "book.epub"
MAKE = {"pdf": "make pdf", "reading": "make pdf EDITION=reading", "handouts": "make handouts", "epub": "make epub"}
CHECK_CALL = re.compile(r"^\s*check\(\"[\w-]+\"\)\s*$", re.M)  # a check cell's one line
CHECK_LABEL = "In the downloaded notebook, run this cell after your answer"  # edition/sphinx/classroom/teaching.py


def built(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is not built: run `{MAKE[path.parent.name]}` (make test does it).")
    return path


def epub_texts(epub: Path) -> dict[str, tuple[str, str]]:
    """(all text, prose: the text without code) of each XHTML page of the EPUB."""
    found = {}
    with zipfile.ZipFile(epub) as book:
        for name in book.namelist():
            if name.endswith(".xhtml"):
                soup = BeautifulSoup(book.read(name).decode("utf-8"), "html.parser")
                text = soup.get_text(" ")
                for code in soup.select("pre, code, .highlight"):
                    code.decompose()
                found[name] = (text, soup.get_text(" "))
    return found


def outputs() -> list[Path]:
    return PDFS + [EPUB]


@pytest.mark.parametrize("output", outputs(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_check_cell(output):
    """The check cells are the web's and the downloaded notebook's: no print edition has them, nor
    the cell importing `check`, nor the web's label over them. (The teacher's guide may name
    `check("...")` in a sentence: a cell is a line of its own.)"""
    built(output)
    if output.suffix == ".epub":
        with zipfile.ZipFile(output) as book:
            pages = {n: book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xhtml")}
        for name, page in pages.items():
            soup = BeautifulSoup(page, "html.parser")
            assert not soup.select(".tag_check-answer, .check-answer-label"), name
            assert "edition.checks" not in soup.get_text(" "), name
        return
    for number, text in enumerate(page_texts(output), start=1):
        assert "edition.checks" not in text, f"{output.name}, page {number}: the import of `check`"
        assert not CHECK_CALL.search(text), f"{output.name}, page {number}: {CHECK_CALL.search(text)[0]!r}"
        assert CHECK_LABEL not in " ".join(text.split()), f"{output.name}, page {number}"


@pytest.mark.parametrize("output", outputs(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_hover_in_print(output):
    """No sentence of print asks the reader to hover; code (`hover_data=`) is code."""
    built(output)
    if output.suffix == ".epub":
        prose = {name: text for name, (_, text) in epub_texts(output).items()}
    else:
        prose = {}
        for run in runs(output):
            if "Mono" not in run.family:
                prose.setdefault(f"page {run.page}", []).append(run.text)
        prose = {where: " ".join(texts) for where, texts in prose.items()}
    for where, text in prose.items():
        found = SCREEN_ONLY.search(text)
        assert not found, f"{output.name}, {where}: {text[max(0, found.start() - 100):found.end() + 60]!r}"


def test_print_points_to_the_table_under_each_chart():
    """Where the PDF says "the table under the chart", the table is there: one "The data this chart
    draws" box per chart whose caption says so. A handout has no such table (a handout stays a few
    pages) and points to the PDF edition's."""
    pdf = built(BUILD / "pdf" / "book.pdf")
    flat = " ".join(" ".join(page_texts(pdf)).split())
    pointers = flat.count("The table under the chart gives")
    assert pointers and flat.count("The data this chart draws") >= pointers
    for doc in NOTEBOOKS:
        flat = " ".join(" ".join(page_texts(built(BUILD / "handouts" / f"{doc}.pdf"))).split())
        assert "The data this chart draws" not in flat and "The table under the chart" not in flat, doc
        assert "table under this chart in the PDF edition" in flat, doc


# --- Fast: the table of print wordings itself. ---

def chapter_sources() -> str:
    return " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in sorted((ROOT / "chapters").glob("*.md")))


@pytest.mark.check
def test_every_print_wording_is_used():
    """Each screen sentence of PRINT_WORDING stands in a chapter (a reworded one would leave its
    print wording unused, and the build warns about the new sentence instead)."""
    sources = chapter_sources()
    unused = [screen for screen in PRINT_WORDING if screen not in sources]
    assert not unused, unused


@pytest.mark.check
def test_print_wording_says_no_hover_and_keeps_the_rest():
    for screen, paper in PRINT_WORDING.items():
        assert not SCREEN_ONLY.search(paper), paper
        assert SCREEN_ONLY.search(screen), screen
    text = "A caption.\nOn screen, hover for the sources. And more."
    assert print_wording(text) == "A caption. The table under the chart gives each bar's sources. And more."
    assert print_wording("No screen words here.") == "No screen words here."
    assert print_wording(text, handout=True) == (
        "A caption. The table under this chart in the PDF edition gives each bar's sources. And more.")
    assert print_wording("Hover over the marks of ", handout=True) == "Read, in the PDF edition, the table under "


@pytest.mark.check
def test_every_caption_and_exercise_that_says_hover_has_a_print_wording():
    """Every sentence of the chapters' prose and captions with "hover" is covered by PRINT_WORDING
    (code cells, where hover_data= is plotly's, are left out)."""
    for path in sorted((ROOT / "chapters").glob("*.md")):
        source = re.sub(r"```\{solution-start\}.*?```\{solution-end\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        captions = []
        for m in re.finditer(r"```\{code-cell\}[^\n]*\n---\n(.*?)\n---\n", source, re.S):
            fig = (yaml.safe_load(m.group(1)) or {}).get("mystnb", {}).get("figure", {})
            captions.append(fig.get("caption", ""))
        prose = re.sub(r"```.*?```", "", source, flags=re.S)  # code cells and fences out
        prose = re.sub(r"`[^`]*`", "", prose)  # inline code out
        for text in captions + [prose]:
            left = SCREEN_ONLY.search(print_wording(text))
            assert not left, f"{path.name}: {print_wording(text)[max(0, left.start() - 100):left.end() + 40]!r}"


@pytest.mark.check
def test_print_charts_are_page_wide_with_two_year_marks_over_decades():
    from edition.sphinx.book.plotly_outputs import PRINT_WIDTH, for_print

    def chart(x, **axis):
        return {"data": [{"type": "bar", "x": x}], "layout": {"xaxis": {"type": "date", **axis}}}

    long = for_print(chart(["1917-03-08", "1946-01-01"]))
    assert long["layout"]["width"] == PRINT_WIDTH and long["layout"]["xaxis"]["dtick"] == "M24"
    assert "dtick" not in for_print(chart(["1921-01-01", "1924-06-01"]))["layout"]["xaxis"]  # plotly's months
    cut = chart(["1907-01-01", "1926-01-01"], range=["1921-01-01", "1926-01-01"])  # the notebook's own range wins
    assert "dtick" not in for_print(cut)["layout"]["xaxis"]
    own = chart(["1917-03-08", "1946-01-01"], dtick="M12")
    assert for_print(own)["layout"]["xaxis"]["dtick"] == "M12"
