"""The students' edition (issue 23, item 8): `make book SOLUTIONS=omit` publishes no worked solution.

On one scratch copy of the book, built cold, each test starting from an `omit` build: an `omit` build has none of the solutions' code, words,
chart names or captions in any file it publishes (every page, Sphinx's searchindex.js, the
edition's search index, `_sources/` with the notebooks' .md, .ipynb and the files inside each .zip),
and its exercises and "Check your answer" cells are all there, each exercise saying that its
worked solution is in the teacher's edition; a second `omit` build is "Up to date"; a `hide` build
after it executes no notebook (one execution serves every mode) and brings every solution back
(the same search finds each of them there, which is also what keeps this test honest: it fails on
the `hide` edition), with the same figure and exercise numbers; an `omit` build after that leaves
them out again.

What is searched for comes from the chapters themselves: each solution's code lines
(edition.classroom.student_notebook.solutions), the runs of plain words of its text, its chart's
name, caption and alt text, and the words Sphinx's search would index for it; each only if it is
distinctive (nowhere in the book's text outside the solutions, nor in data/).
"""
from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path

import jupytext
import pytest
from bs4 import BeautifulSoup

from edition.classroom.student_notebook import GATED_SOLUTION, solutions
from edition.sphinx.classroom.teaching import without_solutions
from fidelity import ROOT
from notebooks import build, copy_book, front_door, notebooks
from test_numbering import numbers_in_markup

pytestmark = pytest.mark.book

OMIT, HIDE = {"EDITION_SOLUTIONS": "omit"}, {"EDITION_SOLUTIONS": ""}  # make book SOLUTIONS=omit / make book
TAG = re.compile(r"<[^>]+>")
PLAIN_RUN = re.compile(r"[A-Za-z][A-Za-z ,;'-]{38,}[A-Za-z]")  # a run of plain words in a solution's text
TEXT_SUFFIXES = {".html", ".js", ".json", ".md", ".ipynb", ".txt", ".csv", ".py", ".css", ".inv", ".xml", ".cff", ""}


def squash(text: str) -> str:
    return " ".join(text.split())


def chapter_texts(root: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((root / "chapters").glob("*.md"))}


def solution_blocks(text: str) -> list[str]:
    return [m[0] for m in GATED_SOLUTION.finditer(text)]


def solution_metadata(path: Path) -> list[str]:
    """The chart names, captions and alt texts of the code cells inside the solutions."""
    found, inside = [], False
    for cell in jupytext.read(path).cells:
        if cell.cell_type == "markdown":
            if re.search(r"\{solution-start\}", cell.source):
                inside = True
            if "{solution-end}" in cell.source:
                inside = False
        elif inside:
            options = cell.metadata.get("mystnb", {})
            found += [options.get("figure", {}).get("name"), options.get("figure", {}).get("caption"),
                      options.get("image", {}).get("alt")]
    return [squash(f) for f in found if f]


def needles(root: Path) -> dict[str, set[str]]:
    """Solution label (or notebook, for its charts) -> the distinctive strings that give it away."""
    texts = chapter_texts(root)
    elsewhere = squash(" ".join(without_solutions(t) for t in texts.values()))
    found: dict[str, set[str]] = {}
    for path in notebooks():
        path = root / "chapters" / path.name
        for label, code in solutions(path).items():
            lines = {squash(line) for line in code.splitlines() if len(line.strip()) >= 20 and not line.strip().startswith("#")}
            found.setdefault(label, set()).update(line for line in lines if line not in elsewhere)
        for block in solution_blocks(texts[path.stem]):
            label = re.search(r"\{solution-start\}[ \t]*(\S+)", block).group(1)
            prose = re.sub(r"^(`{3,}).*?^\1[ \t]*$", " ", block, flags=re.M | re.S)  # the code cells and directives out
            runs = {squash(run) for run in PLAIN_RUN.findall(squash(prose))}
            found[label].update(run for run in runs if run not in elsewhere)
        found[path.stem + " (solution charts)"] = {m for m in solution_metadata(path) if m not in elsewhere}
    return found


def index_words(root: Path) -> dict[str, set[str]]:
    """Solution label -> the stems Sphinx's search indexes for it that nothing outside the
    solutions (the chapters' other text, data/) gives it."""
    from sphinx.search.en import SearchEnglish

    stem = SearchEnglish({}).stem
    words = lambda text, least=2: {stem(w.lower()) for w in re.findall(rf"[A-Za-z]{{{least},}}", text)}  # noqa: E731
    elsewhere = set().union(*(words(without_solutions(t)) for t in chapter_texts(root).values()),
                            *(words(p.read_text(encoding="utf-8")) for p in sorted((root / "data").glob("*.*"))))
    found = {}
    for path in notebooks():
        for block in solution_blocks((root / "chapters" / path.name).read_text(encoding="utf-8")):
            label = re.search(r"\{solution-start\}[ \t]*(\S+)", block).group(1)
            found[label] = words(block, 6) - elsewhere
    return found


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def readable(name: str, data: bytes) -> str:
    """A published file as words: tags out and entities decoded (pages), JSON strings decoded
    (search indexes, notebooks), whitespace squashed; the raw text too."""
    text = data.decode("utf-8", errors="replace")
    views = [text, html.unescape(TAG.sub(" ", text)), html.unescape(TAG.sub("", text))]  # "" for highlighted code
    body = re.search(r"^[^{\[]*?(\{.*\})\)?;?\s*$", text, re.S)  # window.X = {...}; Search.setIndex({...})
    if body:
        try:
            views.append(" ".join(strings(json.loads(body.group(1)))))
        except ValueError:
            pass
    return squash(" \n ".join(views))


def published_files(html_dir: Path) -> dict[str, str]:
    """Every text file of the published book, and every text file inside its zips."""
    found = {}
    for path in sorted(html_dir.rglob("*")):
        if not path.is_file():
            continue
        name = str(path.relative_to(html_dir))
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as z:
                for inner in z.namelist():
                    if Path(inner).suffix in TEXT_SUFFIXES:
                        found[f"{name}!{inner}"] = readable(inner, z.read(inner))
        elif path.suffix in TEXT_SUFFIXES:
            found[name] = readable(name, path.read_bytes())
    return found


def leaks(book: Path) -> dict[str, list[str]]:
    """Solution label -> the published files that give it away (by a needle, or a search stem)."""
    files = published_files(book / "_build" / "html")
    found = {}
    for label, marks in needles(book).items():
        hits = sorted({f"{name}: {mark[:60]}" for mark in marks for name, text in files.items() if mark in text})
        if hits:
            found[label] = hits
    index = json.loads(re.search(r"setIndex\((.*)\)", (book / "_build/html/searchindex.js").read_text(encoding="utf-8"),
                                 re.S).group(1))
    docnames = index["docnames"]
    for label, stems in index_words(book).items():
        page = docnames.index(f"chapters/{label.rsplit('-ex-', 1)[0]}")
        hits = [s for s in sorted(stems) for terms in (index["terms"], index["titleterms"])
                if page in ([terms[s]] if isinstance(terms.get(s), int) else terms.get(s, []))]
        if hits:
            found.setdefault(label, []).append(f"searchindex.js: {', '.join(hits)}")
    return found


def figure_numbers(book: Path) -> dict[str, str]:
    html_dir = book / "_build" / "html"
    return {k: v for page in sorted(html_dir.joinpath("chapters").glob("*.html"))
            for k, v in numbers_in_markup(page.read_text(encoding="utf-8"), f"chapters/{page.stem}").items()}


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """The one cold build of the tests (no notebook cache): an `omit` build executes every notebook."""
    book = copy_book(tmp_path_factory.mktemp("omit") / "book", warm=False)
    assert build(book, env=OMIT) == ["chronology", "membership", "publications", "repression"]
    return book


@pytest.fixture
def book(copy):
    """The copy as an `omit` build left it, whichever mode the test before built."""
    build(copy, env=OMIT)
    return copy


def test_every_solution_has_something_to_look_for(book):
    """The search below means something: every solution, and every notebook's charts in them, is findable."""
    marks = needles(book)
    labels = {m.group(1) for p in notebooks() for m in re.finditer(r"\{solution-start\}[ \t]*(\S+)", p.read_text(encoding="utf-8"))}
    assert len(labels) == 17 and labels <= marks.keys()
    assert all(marks[label] for label in labels), {label: marks[label] for label in labels if not marks[label]}
    assert all(marks[f"{p.stem} (solution charts)"] for p in notebooks())
    assert len([label for label, stems in index_words(book).items() if stems]) >= 8


def test_omit_publishes_no_solution(book):
    assert leaks(book) == {}


def test_omit_keeps_the_exercises_and_their_checks_and_says_where_the_solutions_are(book):
    html_dir = book / "_build" / "html"
    for path in notebooks():
        source = path.read_text(encoding="utf-8")
        exercises = re.findall(r"^```\{exercise\}.*\n:label: (\S+)", source, re.M)
        checked = re.findall(r'^check\("([\w-]+)"\)', source, re.M)
        soup = BeautifulSoup((html_dir / "chapters" / f"{path.stem}.html").read_text(encoding="utf-8"), "html.parser")
        assert [e["id"] for e in soup.select("div.exercise")] == exercises
        assert not soup.select("div.solution, details.solution, .solution-content")
        for label in checked:
            exercise = soup.select_one(f"div.exercise#{label}")
            cell = exercise.select_one("div.tag_check-answer")
            assert cell is not None and f'check("{label}")' in cell.get_text() and "Check your answer" in exercise.get_text()
        notes = soup.select("p.editorial.solution-omitted")
        assert len(notes) == len(exercises) and all("teacher's edition" in n.get_text() for n in notes)
        # each note stands right after its exercise (the check cell is inside the exercise)
        assert [n.find_previous_sibling()["id"] for n in notes] == exercises
        assert "teacher's edition" in soup.select_one("p.editorial.solutions-note").get_text()
        # the downloads: the notebook's exercises and checks, and the source's notes where the solutions were
        with zipfile.ZipFile(html_dir / "_sources" / "chapters" / f"{path.stem}.zip") as z:
            ipynb = json.loads(z.read(f"{path.stem}/{path.stem}.ipynb"))
        cells = "\n".join("".join(c["source"]) for c in ipynb["cells"])
        assert cells.count("**Exercise") == len(exercises) and all(f'check("{label}")' in cells for label in checked)
        md = (html_dir / "_sources" / "chapters" / f"{path.stem}.md").read_text(encoding="utf-8")
        assert md == without_solutions(source) and md.count("teacher's edition") == len(exercises)


def teachers_answers() -> list[str]:
    """Sentences of the teacher's guide's answers and marking notes (its `{.teachers-only}` section)."""
    source = (ROOT / "chapters" / "teachers-guide.md").read_text(encoding="utf-8")
    section = source.split("{.teachers-only}\n", 1)[1]
    return [s for s in (line.strip(" -*") for line in section.splitlines())
            if len(s) > 40 and not set(s) & set("{`*'\"")][:12]  # no markup, no quotes (Sphinx curls them)


def test_omit_leaves_the_teachers_answers_out_and_says_where_they_are(book, html_dir):
    """The students' edition holds no answer: not the worked solutions, and not the teacher's
    guide's answers and marking notes (rubric, points to look for), in any page, search index or
    source copy; the hide edition (the main build) has them."""
    needles = teachers_answers()
    assert len(needles) >= 8
    main = (html_dir / "chapters" / "teachers-guide.html").read_text(encoding="utf-8")
    assert all(html.escape(n, quote=False) in main for n in needles)  # the needles find the section
    files = published_files(book / "_build" / "html")
    leaked = sorted({name for name, text in files.items() for n in needles if n in text or html.escape(n, quote=False) in text})
    assert not leaked, leaked
    soup = BeautifulSoup((book / "_build/html/chapters/teachers-guide.html").read_text(encoding="utf-8"), "html.parser")
    assert "Answers and marking notes" not in [h.get_text(strip=True).rstrip("#") for h in soup.select("h2")]
    assert "teacher's edition" in soup.select("p.editorial.solution-omitted")[-1].get_text()


def test_omit_again_is_up_to_date(book):
    run = front_door(book, "html", env=OMIT)
    assert run.returncode == 0 and "Up to date" in run.stdout, run.stdout[-2000:]


def test_hide_after_omit_brings_every_solution_back_with_the_same_numbers(book):
    omitted = figure_numbers(book)
    assert build(book, env=HIDE) == []  # one execution serves every mode: the notebooks come from the cache
    found = leaks(book)
    for label in needles(book):
        assert label in found and any(hit.startswith(f"chapters/{label.split('-ex-')[0].split(' ')[0]}.html")
                                      for hit in found[label]), (label, found.get(label))
    # and the search indexes: Sphinx's (by the words only solutions use), the edition's (by their text)
    assert len([label for label in found if any(h.startswith("searchindex.js") for h in found[label])]) >= 6
    assert len([label for label in found if any(h.startswith("_static/edition-search-index.js") for h in found[label])]) >= 12
    for path in notebooks():
        md = book / "_build/html/_sources/chapters" / f"{path.stem}.md"
        assert md.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    shown = figure_numbers(book)
    # the solutions' charts are unnumbered: every other figure and every exercise keeps its number
    assert {k: v for k, v in shown.items() if v} == {k: v for k, v in omitted.items() if v}
    assert len([v for v in shown.values() if v.startswith("Fig.")]) > 10


def test_omit_after_hide_leaves_them_out_again(book):
    assert build(book, env=OMIT) == []
    assert leaks(book) == {}
