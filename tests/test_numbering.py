"""One numbering: figures and exercises carry the same numbers on the web, in the PDF and in the
EPUB, and the teacher's guide cites them by reference, so that its numbers are the pages' numbers.

Each edition is read as its reader sees it: the web pages' and the EPUB's caption numbers
("Fig. 5", "Exercise 16"), the PDF's text as pdftotext gives it ("Fig. 5: The groups' ...").
A worked solution's chart has no number (edition/sphinx/classroom/teaching.py): the printed editions leave the
solutions out, so a number for it on the web would shift every later figure's number there.
"""
import re
import zipfile

import pytest
from bs4 import BeautifulSoup

from fidelity import HTML, ROOT
from printed import PDF, chapter_texts, source_figures, toc_parts

EPUB = ROOT / "_build" / "epub" / "book.epub"
CAPTION_NUMBER = re.compile(r"^(Fig\.|Exercise)\s+(\d+)")


def squash(text: str) -> str:
    return re.sub(r"[^\w]", "", text).casefold()


def pages() -> list[str]:
    return [doc for _, docs in toc_parts() for doc in docs]


def numbers_in_markup(markup: str, doc: str) -> dict[str, str]:
    """name -> "Fig. 5" / "Exercise 16" from a built page (HTML or EPUB XHTML): each numbered
    figure by its id, each exercise by its label; a figure without a number is recorded as ""."""
    soup = BeautifulSoup(markup, "html.parser")
    found = {}
    for figure in soup.select("figure"):
        number = figure.select_one("figcaption .caption-number")
        ident = figure.get("id") or ""
        found[f"{doc}:{ident}"] = " ".join(number.get_text().split()) if number else ""
    for exercise in soup.select("div.exercise"):
        title = exercise.select_one(".admonition-title")
        match = CAPTION_NUMBER.match(" ".join(title.get_text().split())) if title else None
        found[f"{doc}:{exercise.get('id')}"] = " ".join(match.groups()) if match else ""
    return found


def numbers_in_pdf(texts: dict[str, str]) -> dict[str, str]:
    """name -> "Fig. 5" / "Exercise 16" from the PDF's text: a figure is known by the opening words
    of its caption (from the chapter sources), an exercise by its place among its page's exercises."""
    found = {}
    for doc, name, caption, solution in source_figures():
        if solution:
            continue
        opening = squash(" ".join(caption.split()[:8]))
        text = texts[doc]
        hits = [m.group(1) for m in re.finditer(r"Fig\. (\d+): ", text)
                if squash(text[m.end():m.end() + 200]).startswith(opening)]
        found[f"{doc}:{name}"] = f"Fig. {hits[0]}" if len(hits) == 1 else f"{len(hits)} captions"
    for doc in pages():
        source = (ROOT / f"{doc}.md").read_text(encoding="utf-8") if (ROOT / f"{doc}.md").exists() else ""
        labels = re.findall(r"^```\{exercise\}.*\n:label: (\S+)", source, re.M)
        printed = re.findall(r"^Exercise (\d+) \(", texts[doc], re.M)
        for label, number in zip(labels, printed + [""] * (len(labels) - len(printed))):
            found[f"{doc}:{label}"] = f"Exercise {number}" if number else ""
    return found


def differences(one: dict[str, str], other: dict[str, str]) -> list[str]:
    """The names whose numbers differ between two editions (or that one of them lacks)."""
    return [f"{name}: {one.get(name, 'missing')} / {other.get(name, 'missing')}"
            for name in sorted(set(one) | set(other)) if one.get(name) != other.get(name)]


@pytest.fixture(scope="session")
def web():
    if not (HTML / "chapters" / "index.html").exists():
        pytest.fail("The book is not built: run `make book` (make test does it for you).")
    found = {}
    for doc in pages():
        found.update(numbers_in_markup((HTML / f"{doc}.html").read_text(encoding="utf-8"), doc))
    return found


@pytest.fixture(scope="session")
def epub():
    if not EPUB.exists():
        pytest.fail("The EPUB is not built: run `make epub` (make test does it for you).")
    found = {}
    with zipfile.ZipFile(EPUB) as z:
        for doc in pages():
            found.update(numbers_in_markup(z.read(f"{doc}.xhtml").decode("utf-8"), doc))
    return found


@pytest.fixture(scope="session")
def pdf():
    if not PDF.exists():
        pytest.fail("The PDF is not built: run `make pdf` (make test does it for you).")
    return numbers_in_pdf(chapter_texts(PDF))


def printed_names() -> set[str]:
    """What the printed editions show: every chart not in a worked solution, every exercise."""
    names = {f"{doc}:{name}" for doc, name, _, solution in source_figures() if not solution}
    for doc in pages():
        path = ROOT / f"{doc}.md"
        if path.exists():
            names |= {f"{doc}:{label}" for label in
                      re.findall(r"^```\{exercise\}.*\n:label: (\S+)", path.read_text(encoding="utf-8"), re.M)}
    return names


def test_the_web_numbers_figures_and_exercises_in_order(web):
    shown = {name: n for name, n in web.items() if n}
    assert set(shown) == printed_names(), sorted(set(shown) ^ printed_names())
    for kind in ("Fig.", "Exercise"):
        numbers = [int(n.split()[1]) for n in shown.values() if n.startswith(kind)]
        assert numbers == list(range(1, len(numbers) + 1)), f"{kind} numbers on the web: {numbers}"


def test_solution_charts_have_no_number_on_the_web(web):
    solutions = [(doc, name) for doc, name, _, solution in source_figures() if solution]
    assert solutions
    unnumbered = [name for name, n in web.items() if name.startswith("chapters/") and n == ""]
    assert len(unnumbered) == len(solutions), unnumbered
    for doc, name in solutions:
        soup = BeautifulSoup((HTML / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")
        figure = soup.select_one(f"figure#{name}")
        assert figure is not None and figure.select_one(".caption-number") is None, name
        assert "(Solution to an exercise.)" in figure.get_text(), f"{name} lost its words"


def test_pdf_numbers_are_the_web_numbers(web, pdf):
    shown = {name: n for name, n in web.items() if n}
    assert set(pdf) == printed_names()
    assert not differences(shown, pdf), differences(shown, pdf)


def test_epub_numbers_are_the_web_numbers(web, epub):
    shown = {name: n for name, n in web.items() if n}
    assert not differences(shown, {name: n for name, n in epub.items() if n}), differences(shown, epub)


def test_the_comparison_sees_a_shifted_number(pdf):
    """The check is not vacuous: a figure numbered as the web numbered it before (a solution's
    chart counted: Fig. 5 for Fig. 3), or an exercise left out, is reported."""
    name = next(n for n, v in pdf.items() if v == "Fig. 3")
    assert differences(pdf, {**pdf, name: "Fig. 5"}) == [f"{name}: Fig. 3 / Fig. 5"]
    assert len(differences(pdf, {k: v for k, v in pdf.items() if v != "Exercise 16"})) == 1


def guide_source() -> str:
    return (ROOT / "chapters" / "teachers-guide.md").read_text(encoding="utf-8")


def test_teachers_guide_types_no_figure_or_exercise_number():
    """Outside roles ({numref}`...`), the guide writes no "exercise 4", "Fig. 2" or "figure 3"."""
    prose = re.sub(r"\{\w+\}`[^`]*`", "", guide_source())
    typed = re.findall(r"\b(?:exercises?|fig(?:ure)?s?\.?)\s+\d", prose, re.I)
    assert not typed, typed


def test_teachers_guide_cites_what_the_pages_number(web):
    """Every figure or exercise the guide links to is named with the number its page gives it."""
    soup = BeautifulSoup((HTML / "chapters" / "teachers-guide.html").read_text(encoding="utf-8"), "html.parser")
    cited = 0
    for link in soup.select("article a[href]"):
        page, _, anchor = link["href"].partition("#")
        key = f"chapters/{page.removesuffix('.html')}:{anchor}"
        if key not in web or not web[key]:
            continue
        cited += 1
        text = " ".join(link.get_text().split())
        said = re.findall(r"\d+", text)
        assert said and said[-1] == web[key].split()[1], f"the guide says {text!r} for {web[key]} ({key})"
    assert cited >= 15, cited  # the lesson plans cite the exercises of all four notebooks


def test_teachers_guide_in_print_uses_the_same_numbers(web, pdf):
    text = " ".join(chapter_texts(PDF)["chapters/teachers-guide"].split())
    by_number = {v: k for k, v in web.items() if v}
    for said in re.findall(r"\b(?:Fig\.|Exercises?) \d+", text):
        kind, number = said.replace("Exercises", "Exercise").split()
        assert f"{kind} {number}" in by_number, f"the printed guide cites {said}, which no page numbers"
    assert "Exercise 16" in text and "Exercises 13 and 14" in text
