"""The classroom edition: glossary, citations, exercises, who's who, notebook downloads and the
classroom zip, which must run on a fresh Python with only its own requirements."""
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_file

import edition.classroom.zip as classroom
from edition.sphinx.book import bibliography
from edition.checks import exercises
from edition.data import load
from edition.essay import ESSAY
from fidelity import ROOT
from notebooks import notebooks

CHAPTERS = ROOT / "chapters"
ISSUE_TERMS = ["NEP", "GPU", "RCP(b)", "Comintern", "KAPD", "Communist Workers' International", "United Front",
               "workers' government", "Proletkult", "Tenth Congress ban on factions", "Workers' Opposition",
               "Democratic Centralism", "Left Opposition", "Curzon Ultimatum", "state capitalism"]
ROLE = re.compile(r"\{(term|cite(?::\w+)?|numref|ref)\}`([^`]*)`")


def glossary_terms() -> list[str]:
    text = (CHAPTERS / "glossary.md").read_text(encoding="utf-8")
    block = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    return [line.strip() for line in block.split("\n") if line.strip() and not line.startswith((" ", "\t"))]


def roles(kind: str, skip: str | None = None) -> list[tuple[str, str]]:
    """(page, target) of every role of a kind in chapters/ (the page `skip` left out)."""
    found = []
    for page in sorted(CHAPTERS.glob("*.md")):
        if page.stem == skip:
            continue
        for role, text in ROLE.findall(page.read_text(encoding="utf-8")):
            if role.split(":")[0] == kind:
                target = text.rsplit("<", 1)[1].rstrip(">").strip() if "<" in text else text
                found += [(page.stem, t.strip()) for t in (target.split(",") if kind == "cite" else [target])]
    return found


def test_issue_terms_are_in_the_glossary():
    missing = [t for t in ISSUE_TERMS if t not in glossary_terms()]
    assert not missing, f"glossary lacks: {missing}"


def test_every_glossary_term_is_used_outside_the_glossary():
    used = {t.lower() for _, t in roles("term", skip="glossary")}
    unused = [t for t in glossary_terms() if t.lower() not in used]
    assert not unused, f"glossary terms no page links to with {{term}}: {unused}"


def test_bibliography_matches_sources_and_every_citation_resolves():
    assert (ROOT / bibliography.BIB).read_text(encoding="utf-8") == bibliography.render(ROOT / "data"), \
        "references.bib is stale: run `python -m edition.sphinx.book.bibliography`"
    keys = set(parse_file(str(ROOT / bibliography.BIB)).entries)
    assert keys == set(load("sources")["source_id"])
    cited = roles("cite")
    assert cited, "the book cites nothing"
    assert not [c for c in cited if c[1] not in keys], "citations with no entry"
    for required in ["carr-interregnum", "deutscher-prophet-outcast", "ciliga-grand-mensonge",
                     "daniels-documentary-history", "invariance-ii-6", "wd-1922-06-03", "wd-1922-06-17",
                     "wd-1923-12-01", "wd-1924-01-05", "wd-1924-05-31", "ouvrier-communiste-6",
                     "ouvrier-communiste-1929", "socialist-herald-1923-01-31", "workers-voice-14",
                     "luxemburg-russian-revolution", "revolutionary-politics-stalins-prisons"]:
        assert required in keys


def test_bibliography_page_lists_every_source(html_dir):
    soup = BeautifulSoup((html_dir / "chapters" / "bibliography.html").read_text(encoding="utf-8"), "html.parser")
    entries = soup.select("div.citation, dl.citation > dt")
    assert len(entries) == len(load("sources")), len(entries)


@pytest.mark.parametrize("chapter", ESSAY)
def test_essay_chapter_opens_with_objectives_and_closes_with_questions(chapter, html_dir):
    soup = BeautifulSoup((html_dir / "chapters" / f"{chapter}.html").read_text(encoding="utf-8"), "html.parser")
    boxes = soup.select("article div.admonition.editorial")
    titles = [b.select_one(".admonition-title").get_text() for b in boxes]
    assert titles[0].startswith("Before you read"), titles  # before the first paragraph
    assert titles.count("Discussion questions") == 1, titles
    opening, closing = boxes[0], boxes[titles.index("Discussion questions")]
    last_paragraph = soup.select("article a.para-label")[-1]
    assert last_paragraph in closing.find_all_previous("a"), "the questions come after the essay's text"
    assert opening.select("a.reference[href*='glossary']"), "key terms must link to the glossary"
    questions = closing.select("ol > li")
    assert len(questions) >= 4
    assert closing.select("a[href*='#" + chapter.split("-")[0][:2] + "'], a[href*='#end-'], a[href*='#cr-'], "
                          "a[href*='#wt-'], a[href*='#wg-'], a[href*='#lo-']"), "questions cite paragraphs"
    assert any("Fig." in li.get_text() for li in questions), "a question sends students to a figure"


# Exercises of each notebook: four (read, filter, chart, criticise); the repression notebook's fifth uses its map.
EXERCISES = {"chronology": 4, "membership": 4, "publications": 4, "repression": 5}


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_notebook_ends_with_its_exercises_with_hidden_solutions(path, html_dir):
    soup = BeautifulSoup((html_dir / "chapters" / f"{path.stem}.html").read_text(encoding="utf-8"), "html.parser")
    exercises = soup.select("div.exercise")
    solutions = soup.select("div.solution")
    assert len(exercises) == EXERCISES[path.stem] and len(solutions) == EXERCISES[path.stem]
    assert all("dropdown" in s["class"] for s in solutions), "solutions are closed by default"
    link = soup.select_one("a.edition-download-button")
    assert link is not None and link["href"].endswith(f"_sources/chapters/{path.stem}.zip")
    assert (html_dir / "_sources" / "chapters" / f"{path.stem}.zip").is_file()
    # each "Check your answer" cell is inside the exercise it checks (exercises 1-3)
    checked = [e for e in exercises if e.select("div.tag_check-answer")]
    assert len(checked) == 3 and all("Check your answer" in e.get_text() for e in checked)
    assert [f'check("{e["id"]}")' in e.select_one("div.tag_check-answer").get_text() for e in checked] == [True] * 3


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_ipynb_download_is_a_valid_notebook_without_solutions(path, html_dir):
    target = html_dir / "_sources" / "chapters" / f"{path.stem}.ipynb"
    nb = nbformat.read(target, as_version=4)
    nbformat.validate(nb)
    text = "\n".join(c.source for c in nb.cells)
    assert "{term}" not in text and "{solution" not in text and "```{" not in text
    assert text.count("**Exercise") == EXERCISES[path.stem]
    assert re.findall(r"^\*\*(Exercise[^*]*)\*\*", text, re.M) == [e.name for e in exercises.of(path.stem)]
    assert text.count('check("') == 3 and 'hand_in("' in text
    assert not [c for c in nb.cells if c.cell_type == "code" and c.get("outputs")]


def test_whos_who_lists_everyone_with_dates_groups_and_chapters(html_dir):
    soup = BeautifulSoup((html_dir / "chapters" / "whos-who.html").read_text(encoding="utf-8"), "html.parser")
    people = load("people")
    headings = [h.get_text().rstrip("#").strip() for h in soup.select("article section > section > h2")]
    assert sorted(headings) == sorted(people["name"])
    text = soup.select_one("article").get_text(" ")
    assert "born 25 February 1889" in text  # Miasnikov, recorded to the day
    miasnikov = soup.select_one("#person-miasnikov").find_parent("section")
    assert "Workers' Group" in miasnikov.get_text() and miasnikov.select("a[href*='workers-group.html#wg-4']")
    for person in people.itertuples():  # each anchor person-<id> stands at the person's own heading
        anchor = soup.select_one(f"#person-{person.person_id}")
        section = anchor if anchor.name == "section" else anchor.find_parent("section")
        assert section.find("h2").get_text().rstrip("#").strip() == person.name, person.person_id
    listed = [a.get_text().strip() for a in soup.select("nav#pst-page-toc-nav li.toc-h2 > a")]
    assert sorted(listed) == sorted(people["name"]), "the page's contents (On this page) list everyone"


def test_teachers_solutions_mode_is_configurable():
    from edition.sphinx.classroom import teaching
    config = type("C", (), {"edition_solutions": "hide"})()
    os.environ["EDITION_SOLUTIONS"] = "show"
    try:
        teaching._solutions_mode(None, config)
    finally:
        del os.environ["EDITION_SOLUTIONS"]
    assert config.edition_solutions == "show"
    assert "SOLUTIONS" in (ROOT / "Makefile").read_text()


def test_classroom_requirements_are_ranges_that_hold_the_books_pins():
    """The students' requirements are tested ranges (tools/student_matrix.py): each has a lower
    bound and an upper one, and the book's own pin of the package (or Binder's, for JupyterLab and
    Notebook, which the book does not install) lies inside."""
    from packaging.requirements import Requirement

    book = {l.split("==")[0].lower(): l.split("==")[1]
            for path in (ROOT / "binder" / "requirements.txt", ROOT / "requirements.txt")
            for l in path.read_text().split() if "==" in l}
    lines = (line.split("#", 1)[0].strip() for line in (ROOT / "edition" / "classroom" / "requirements.txt").read_text().splitlines())
    kit = [Requirement(line) for line in lines if line]
    assert {"pandas", "plotly", "ipykernel", "nbclient"} <= {r.name for r in kit}
    for requirement in kit:
        operators = {s.operator for s in requirement.specifier}
        assert ">=" in operators and "<" in operators, f"{requirement}: a tested range has both ends"
        assert book[requirement.name.lower()] in requirement.specifier, \
            f"{requirement}: the book pins {book[requirement.name.lower()]}"


@pytest.fixture(scope="module")
def classroom_zip(tmp_path_factory):
    return classroom.build(tmp_path_factory.mktemp("zip"))


def test_classroom_zip_contents(classroom_zip):
    with zipfile.ZipFile(classroom_zip) as z:
        names = set(z.namelist())
    top = classroom.NAME
    for required in ["HOWTO.md", "requirements.txt", "edition/data/__init__.py", "edition/data/validate.py",
                     "edition/charts.py", "edition/paths.py", "data/datapackage.json", "data/happenings.csv",
                     "data/attestations.csv", "chapters/workers-truth.md"] + \
                    [f"{nb}.ipynb" for nb in classroom.NOTEBOOKS]:
        assert f"{top}/{required}" in names
    assert not [n for n in names if "teaching" in n or "plotly" in n or n.endswith(".pyc")]
    assert f"{top}/edition/checks/public.py" in names and f"{top}/edition/checks/hidden.py" not in names


@pytest.mark.book
def test_classroom_zip_runs_in_a_fresh_venv(classroom_zip, tmp_path):
    """Unpacked, with a new venv and only its requirements, every notebook runs top to bottom.
    The packages come from the machine's uv cache when it holds a set that fits the ranges (no
    network: seconds), else from the registry (the offline wheels are checked by pip itself)."""
    with zipfile.ZipFile(classroom_zip) as z:
        z.extractall(tmp_path)
    folder = tmp_path / classroom.NAME
    # no pip in it (ensurepip: 13 s here) while uv installs; pip is put in only if it must install
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder / ".venv")], check=True)
    py = folder / ".venv" / "bin" / "python"
    uv = Path(sys.executable).parent / "uv"  # the book's installer (tools/setup-venv.sh)
    ways = [[str(uv), "pip", "install", "--python", str(py), "--quiet", *online, "-r", "requirements.txt"]
            for online in (["--offline"], [])] if uv.is_file() else []
    for command in ways + [None]:
        if command is None:  # no uv, or it could not install: pip does, put in first
            subprocess.run([str(py), "-m", "ensurepip"], check=True, capture_output=True)
            command = [str(py), "-m", "pip", "install", "--quiet", "-r", "requirements.txt"]
        install = subprocess.run(command, cwd=folder, capture_output=True, text=True)
        if install.returncode == 0:
            break
    assert install.returncode == 0, install.stderr[-3000:]
    script = (
        "import sys, nbformat\n"
        "from nbclient import NotebookClient\n"
        "for name in sys.argv[1:]:\n"
        "    nb = nbformat.read(name, as_version=4)\n"
        "    NotebookClient(nb, timeout=120, kernel_name='python3', resources={'metadata': {'path': '.'}}).execute()\n"
        "    charts = sum('application/vnd.plotly.v1+json' in o.get('data', {}) for c in nb.cells for o in c.get('outputs', []))\n"
        "    assert charts >= 2, (name, charts)\n"
        "    print(name, 'ran,', charts, 'charts')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PLOTLY_RENDERER", "VIRTUAL_ENV")}
    # the interfaces start beside the notebooks, whose kernels leave a core idle much of the time
    versions = [subprocess.Popen([str(folder / ".venv" / "bin" / interface), "--version"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for interface in ("jupyter-lab", "jupyter-notebook")]
    run = subprocess.run([str(py), "-c", script] + [f"{nb}.ipynb" for nb in classroom.NOTEBOOKS],
                         cwd=folder, capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    for version in versions:
        said = version.communicate()[1]
        assert version.returncode == 0, said


def test_pdf_leaves_the_check_cells_out():
    """The web shows each "Check your answer" cell inside its exercise; the PDF prints the exercise
    alone (and not the cell that imports `check`)."""
    from printed import PDF
    if not PDF.exists():
        pytest.fail("The PDF is not built: run `make pdf` (make test does it for you).")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(PDF), "-"], check=True, capture_output=True,
                          text=True).stdout
    guide = text.index("Running the notebooks offline")  # the teacher's guide explains the cells in prose
    assert "Keep the rows in a table later" in " ".join(text[:guide].split())  # the exercises are printed
    assert 'check("' not in text[:guide] and "from edition.checks" not in text
