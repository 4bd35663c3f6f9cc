"""A book notebook (MyST text in chapters/) as a plain Jupyter notebook for students.

    from edition.classroom.student_notebook import student_notebook
    nb = student_notebook(Path("chapters/chronology.md"))   # an nbformat v4 notebook, no outputs

The code cells are the book's, unchanged. The Markdown is made plain for JupyterLab and classic
Jupyter, which do not know MyST: roles become their text ({term}`NEP` -> NEP, a citation ->
"(author, title)"), directives become bold-titled paragraphs, exercises are named as the book
names them ("Exercise 13 (Read the chart)", edition/checks/exercises.py), and each
worked solution is replaced by an empty code cell for the student's answer, and by a Markdown
"*Your answer:*" cell where the exercise asks for words (edition/checks/exercises.py, WRITTEN; the
solutions are in the book's teacher edition). Each "Check your answer" cell (a code cell tagged
`check-answer`, which the book shows inside its exercise) follows the student's answer cell, and the notebook ends with
a hand-in cell (edition/checks/handin.py). Used by the book build (the notebook downloads,
edition/sphinx/classroom/teaching.py) and by the classroom zips (edition/classroom/zip.py).

A pure function of its inputs: the chapter file, the other chapters' titles and data/sources.csv
(for citations); no time or machine in the output.
"""
from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat

from edition.checks.exercises import EXERCISES, WRITTEN
from edition.data import essay_facts, references
from edition.paths import CHAPTERS


FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>[^\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$\n?",
                   re.S | re.M)
ROLE = re.compile(r"\{(?P<role>[\w:]+)\}`(?P<text>[^`]*)`")
TARGET = re.compile(r"^\([\w-]+\)=[ \t]*\n", re.M)
ATTRS = re.compile(r"^\{[.#][^}\n]*\}[ \t]*\n", re.M)
OPTION = re.compile(r"^:[\w-]+:[^\n]*\n", re.M)
SOLUTION_END = re.compile(r"^(`{3,})\{solution-end\}[^\n]*\n(?:.*?\n)??\1[ \t]*$", re.M | re.S)
# Characters that Markdown (and Jupyter's math) would read as markup: a source's author and title
# come from data/sources.csv, so in a citation they are escaped and show as typed.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&$~|{}!#])")
ANSWER = "# Your answer here: write your code and run it.\n"  # no worked solution to compare with in a graded class's edition
WRITTEN_ANSWER = "*Your answer:* ..."  # a Markdown cell: words, which a code cell would stop at (SyntaxError)
CHECK_TAG = "check-answer"  # a "Check your answer" cell, and the import its exercises share
BOOK_ONLY_TAGS = {"remove-output", "skip-execution"}
HAND_IN = ("# Hand in: write your name between the quotes, save the notebook (Ctrl+S), then run this cell.\n"
           "# It writes one file, {notebook}-your-name.ipynb, beside this notebook: give that file to your teacher.\n"
           "from edition.checks import hand_in\n"
           "hand_in(\"{notebook}\", \"\")\n")

# {author} and {title}: the essay's (edition.data.essay_facts), from the data: escaped as a citation's are
INTRO = ("*This notebook comes from the teaching edition of {author}'s essay \"{title}\". Run it from "
         "the folder that holds `edition/` and `data/` (the "
         "folder you unzipped, or the book's repository): run the cells from top to bottom "
         "(**Run > Run All Cells**). Words marked as glossary terms in the book are explained on its "
         "Glossary page; the worked solutions to the exercises are in the book's teacher edition. "
         "Under an exercise, write your code in the empty code cell, run it, then run the "
         "**Check your answer** cell below it; where the exercise asks for words, write them in the "
         "*Your answer* cell (double-click it). The last cell hands your work in.*")


def _titles(chapters: Path) -> dict[str, str]:
    found = {}
    for page in chapters.glob("*.md"):
        heading = next((l[2:].strip() for l in page.read_text(encoding="utf-8").splitlines() if l.startswith("# ")), None)
        if heading:
            found[page.stem] = heading
    return found


def _sources(data: Path | None) -> dict[str, str]:
    return references(data).to_dict()


def _literal(text: str) -> str:
    """Text (from the dataset) as Markdown that shows it as it is: no link, HTML, emphasis or math."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _role(match: re.Match, titles: dict, sources: dict) -> str:
    role, text = match["role"], match["text"]
    shown, _, target = text.partition(" <")
    target = target.rstrip(">") if target else shown
    if role.startswith("cite"):
        return "(" + "; ".join(_literal(sources.get(k.strip(), k.strip())) for k in text.split(",")) + ")"
    if role == "doc" and not _:
        return f"*{titles.get(Path(shown).name, shown)}*"
    if role == "numref" and not _:
        return f"the book's figure `{shown}`"
    return shown


def plain_markdown(text: str, counter: list[int] | None = None, chapters: Path | None = None,
                   data: Path | None = None) -> str:
    """MyST Markdown -> Markdown that JupyterLab and classic Jupyter render (page titles from
    `chapters`, works cited from the data package `data`: the book's own unless told)."""
    titles, sources = _titles(chapters or CHAPTERS), _sources(data)
    counter = counter if counter is not None else [0]

    def directive(m: re.Match) -> str:
        name, arg, body = m["name"], m["arg"].strip(), m["body"]
        label = re.search(r"^:label:[ \t]*(\S+)", body, re.M)
        body = OPTION.sub("", body.lstrip("\n") if not body.startswith(":") else body).strip("\n")
        body = FENCE.sub(directive, body + "\n").strip("\n")
        if name in ("solution", "solution-start", "solution-end"):
            return ""
        if name == "exercise":
            counter[0] += 1
            known = EXERCISES.get(label.group(1)) if label else None  # its name in the book: 'Exercise 13 (Read the chart)'
            title = known.name if known else "Exercise" + (f" ({arg})" if arg else "")
            return f"**{title}**\n\n{body}\n"
        if name in ("code-block", "code"):
            return f"```{arg}\n{body}\n```\n"
        title = arg or name.replace("-", " ").capitalize()
        quoted = "\n".join("> " + line if line else ">" for line in body.split("\n"))
        return f"> **{title}**\n>\n{quoted}\n"

    text = FENCE.sub(directive, text)
    text = TARGET.sub("", text)
    text = ATTRS.sub("", text)
    text = ROLE.sub(lambda m: _role(m, titles, sources), text)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def written_answer(label: str | None) -> nbformat.NotebookNode:
    """The Markdown cell for an answer in words (edition.written: the marking sheet reads it)."""
    return nbformat.v4.new_markdown_cell(WRITTEN_ANSWER, metadata={"edition": {"answer": label, "written": True}}
                                         if label else {})


def student_notebook(path: Path, chapters: Path | None = None, data: Path | None = None) -> nbformat.NotebookNode:
    """The notebook at `path` (MyST text) for students: plain Markdown, no solutions, no outputs
    (`chapters` and `data` as plain_markdown() takes them)."""
    source = jupytext.read(path)
    cells, counter, in_solution, checks = [], [0], False, []
    for cell in source.cells:
        if cell.cell_type == "code" and CHECK_TAG in cell.metadata.get("tags", []) and not in_solution:
            tags = [t for t in cell.metadata["tags"] if t not in BOOK_ONLY_TAGS]
            checks.append(nbformat.v4.new_code_cell(cell.source, metadata={"tags": tags}))
            if "check(" not in cell.source:  # the shared import: in place
                cells.append(checks.pop())
            continue
        if cell.cell_type == "markdown":
            text = cell.source
            if in_solution:
                if "{solution-end}" not in text:
                    continue
                text = SOLUTION_END.split(text, 1)[-1]
                in_solution = False
            starts = re.search(r"^`{3,}\{solution-start\}", text, re.M)
            before = text[: starts.start()] if starts else text
            had_solution = bool(re.search(r"\{solution\}", before))
            md = plain_markdown(before, counter, chapters, data)
            if md:
                cells.append(nbformat.v4.new_markdown_cell(md))
            if starts:
                in_solution = True
                label = text[starts.end():].split("\n", 1)[0].strip()
                cells.append(nbformat.v4.new_code_cell(ANSWER, metadata={"edition": {"answer": label}}))
                cells += checks  # the check runs after the answer
                checks = []
                if label in WRITTEN:
                    cells.append(written_answer(label))
            elif had_solution:
                cells.append(written_answer(None))
        elif cell.cell_type == "code":
            if in_solution:
                continue
            meta = {k: v for k, v in cell.metadata.items() if k in ("mystnb", "tags")}
            cells.append(nbformat.v4.new_code_cell(cell.source, metadata=meta))
        else:
            cells.append(cell)
    cells += checks
    if any(CHECK_TAG in c.metadata.get("tags", []) for c in cells):
        cells.append(nbformat.v4.new_markdown_cell("**Hand in your work**"))
        cells.append(nbformat.v4.new_code_cell(HAND_IN.format(notebook=path.stem), metadata={"tags": ["hand-in"]}))
    if cells and cells[0].cell_type == "markdown":
        cells.insert(1, nbformat.v4.new_markdown_cell(INTRO.format(**{k: _literal(v) for k, v in essay_facts(data).items()})))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{path.stem}-{i}"
    nbformat.validate(nb)
    return nb


def write(path: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(student_notebook(path), str(target))
    return target


GATED_SOLUTION = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution-start\}.*?^(?P=fence)\{solution-end\}[^\n]*\n(?:.*?\n)??(?P=fence)[ \t]*$\n?",
                            re.M | re.S)
# What stands where something was left out, as (bold words, the rest): written as Markdown in a page's
# source copy here, and as the page's own nodes by edition/sphinx/classroom/teaching.py.
SOLUTION_LEFT_OUT = ("Worked solution:", " not in this edition; it is in the teacher's edition of the book.")
SECTION_LEFT_OUT = ("Answers and marking notes:", " not in this edition; they are in the teacher's edition of the book.")
LEFT_OUT = f"**{SOLUTION_LEFT_OUT[0]}**{SOLUTION_LEFT_OUT[1]}\n"


TEACHERS_ONLY = "teachers-only"  # the class of a teacher's guide section the students' edition leaves out


def solutions(path: Path) -> dict[str, str]:
    """The worked solutions' code, by exercise label (what a correct hand-in writes)."""
    found, label = {}, None
    for cell in jupytext.read(path).cells:
        if cell.cell_type == "markdown":
            starts = re.search(r"^`{3,}\{solution-start\}[ \t]*(\S+)", cell.source, re.M)
            if "{solution-end}" in cell.source:
                label = None
            if starts:
                label = starts.group(1)
        elif cell.cell_type == "code" and label:
            found[label] = (found.get(label, "") + "\n" + cell.source).strip("\n")
    return found
