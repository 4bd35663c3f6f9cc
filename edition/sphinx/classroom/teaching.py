"""Sphinx plug-in for the classroom edition: worked solutions, notebook downloads, launch buttons.

- Numbers. Exercises are numbered through the book (sphinx-exercise, from Sphinx's numbering of
  the whole toc); figures too, but a worked solution's chart takes no number: the printed
  editions leave the solutions out, and a number only the web edition had would shift every later
  figure's number there (Fig. 5 on the web, Fig. 3 in print). So every edition numbers the same
  figures the same way (tests/test_numbering.py), and a solution's chart is cited by its words.
- Solutions (sphinx-exercise). `edition_solutions` (in `_config.yml`, or the environment variable
  EDITION_SOLUTIONS, which `make book SOLUTIONS=...` sets) is "hide" (the default: each worked
  solution is a closed dropdown), "show" (the teacher's edition: solutions open) or "omit" (the
  students' edition for a graded class: no solution at all). The printed editions (the PDFs,
  the handouts, the EPUB: edition.sphinx.book.editions says which) leave the solutions out in every mode. Leaving them out is one step, `SolutionsLeftOut`,
  done as each page is read: what is built from the page afterwards (figure numbers and the
  figure record, the data boxes, Sphinx's search index and the edition's own, link previews,
  the page itself) never sees a solution. The kernels still run the solutions' cells (so one
  execution, cached, serves every mode and edition; the executed notebooks stay in _build/.stage
  and are not published); their outputs go with the solution. In "omit" the page's copy of its
  source (`_sources/<page>.md`) is written without the solutions too (`_sources_without_solutions`).
- Notebook downloads. Every notebook page offers a zip that runs where it is unzipped, offline:
  the notebook as `.ipynb` (plain Markdown, no solutions, no outputs; edition/classroom/student_notebook.py)
  with the data, the loader and the public checks beside it (edition/classroom/zip.py), written at
  the end of the build to `_sources/<page>.zip` and linked under the page's title. The bare
  `_sources/<page>.ipynb` stays in the theme's download menu (it runs only beside `edition/`).
- Check cells. A code cell tagged `check-answer` ("Check your answer": `check("...")`) is shown
  inside the exercise it follows on the web, with a line saying what it is for; the printed
  editions (the PDFs, the handouts, the EPUB: edition.sphinx.book.editions) leave these cells out, and the
  cell that imports `check` with them.
- Launch buttons. `launch_buttons` in `_config.yml` only take effect once `repository: url:` is set
  to the repository's public address; without it the book has none (and builds without warnings).
"""
from __future__ import annotations

import html
import os
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from edition.classroom.student_notebook import (FENCE, GATED_SOLUTION, LEFT_OUT, SECTION_LEFT_OUT, SOLUTION_LEFT_OUT,
                                                TEACHERS_ONLY)
from edition.derived import write_atomic
from edition.essay import ESSAY

from edition.sphinx.book.freshness import build_package, notebook_pages
from edition.sphinx.book.editions import edition_of, is_print
from edition.sphinx.book import register

LOG = logging.getLogger(__name__)
MODES = ("hide", "show", "omit")
# What the reader reads where the solutions were (editorial words, set apart like the editors' notes).
PRINTED_NOTE = "The worked solutions are in the web edition of the book."
OMITTED_NOTE = ("This is the students' edition of the book: it has no worked solutions. "
                "They are in the teacher's edition.")
JB_DEFAULT_REPOSITORY = "https://github.com/executablebooks/jupyter-book"


def _solutions_mode(app: Sphinx, config) -> None:
    mode = os.environ.get("EDITION_SOLUTIONS") or config.edition_solutions
    if mode not in MODES:
        raise ValueError(f"edition_solutions (or EDITION_SOLUTIONS) must be one of {MODES}, not {mode!r}")
    config.edition_solutions = mode


def _launch_buttons_need_a_repository(app: Sphinx, config) -> None:
    options = config.html_theme_options
    url = (options.get("repository_url") or "").strip()
    if not url or url.rstrip("/") == JB_DEFAULT_REPOSITORY:
        options.pop("launch_buttons", None)


def _is_solution(node) -> bool:
    from sphinx_exercise.nodes import solution_node
    return isinstance(node, solution_node)


class SolutionFiguresUnnumbered(SphinxTransform):
    """A worked solution's chart keeps its id, its name and its words, but no figure number.

    Sphinx numbers a figure that has a caption (and gives it an id to do so). Here, when the page
    is read (after sphinx-exercise has gathered each solution's cells, before Sphinx's AutoNumbering
    and its collection of the numbers), the caption of a chart in a solution becomes the figure's
    legend: the same words under the chart, not numbered, in every edition. The chart's name stays
    a target for {ref} with a title of its own; {numref} to it fails the build.
    """

    default_priority = 20  # after sphinx-exercise's MergeGatedSolutions (10), before AutoNumbering (210)

    def apply(self) -> None:
        for solution in list(self.document.findall(_is_solution)):
            for figure in list(solution.findall(nodes.figure)):
                for caption in [c for c in figure.children if isinstance(c, nodes.caption)]:
                    legend = nodes.legend("", nodes.paragraph("", "", *caption.children), classes=["solution-caption"])
                    figure.replace(caption, legend)


def solutions_left_out(app: Sphinx) -> bool:
    """True when this build leaves the worked solutions out: a printed edition, or `omit`."""
    return is_print(app) or app.config.edition_solutions == "omit"


def _left_out(head: str, rest: str) -> nodes.paragraph:
    """The editors' line standing where a solution or a teachers-only section was."""
    return nodes.paragraph("", "", nodes.strong("", head), nodes.Text(rest), classes=["editorial", "solution-omitted"])


class SolutionsLeftOut(SphinxTransform):
    """Print and `omit`: each worked solution taken out of the page as it is read, its words, code
    and outputs (charts included) with it, and a line of the editors' saying where the solutions are.

    This runs right after sphinx-exercise has gathered each solution's cells into one node (10),
    before anything reads the page: the figure numbers and the figure record (20, 21), the domains'
    labels (850) and every plug-in that reads the doctree afterwards. In print the exercises' intro
    says that the solutions are in the web edition; in `omit` it says that this is the students'
    edition, and each exercise says, where its solution stood, that it is in the teacher's edition.
    """

    default_priority = 15

    def apply(self) -> None:
        if not solutions_left_out(self.app):
            return
        printed = is_print(self.app)
        for node in list(self.document.findall(_is_solution)):
            if printed:
                node.parent.remove(node)
            else:
                node.replace_self(_left_out(*SOLUTION_LEFT_OUT))
        for section in list(self.document.findall(nodes.section)):
            if TEACHERS_ONLY in section["classes"]:  # the teacher's guide's answers and marking notes
                head, rest = SECTION_LEFT_OUT
                section.replace_self(_left_out(head, rest.replace("the teacher's edition", "the web edition") if printed else rest))
        for node in list(self.document.findall(nodes.Element)):
            if "exercises-intro" in node.get("classes", []):
                note = nodes.paragraph("", PRINTED_NOTE if printed else OMITTED_NOTE,
                                       classes=["editorial", "solutions-note"])
                node.parent.insert(node.parent.index(node) + 1, note)  # beside, not inside, the paragraph


class Solutions(SphinxPostTransform):
    """HTML: a closed dropdown, or open in the teacher's edition (print and `omit` have none left:
    SolutionsLeftOut)."""

    default_priority = 900  # after sphinx-exercise's own post-transforms

    def run(self, **kwargs) -> None:
        mode = self.config.edition_solutions
        for node in list(self.document.findall(_is_solution)):
            node["classes"] = [c for c in node["classes"] if c != "dropdown"]
            if mode == "hide":
                node["classes"].append("dropdown")
        # sphinx-exercise gives every exercise's body the same id; ids must be unique (EPUB checks)
        for section in self.document.findall(nodes.section):
            if "exercise-content" in section["ids"] or "solution-content" in section["ids"]:
                owner = section.parent["ids"][0] if section.parent.get("ids") else ""
                section["ids"] = [f"{owner}-content" if owner else i for i in section["ids"]]




def _web(app: Sphinx) -> bool:
    return edition_of(app) == "html"


def _is_check_cell(node) -> bool:
    return isinstance(node, nodes.container) and "tag_check-answer" in node.get("classes", [])


class CheckCells(SphinxPostTransform):
    """HTML: each "Check your answer" cell inside the exercise it follows. Print: left out."""

    default_priority = 910  # after Solutions

    def run(self, **kwargs) -> None:
        from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node

        printed = is_print(self.app)
        for cell in list(self.document.findall(_is_check_cell)):
            parent = cell.parent
            if printed:
                parent.remove(cell)
                continue
            before = parent[parent.index(cell) - 1] if parent.index(cell) > 0 else None
            if not isinstance(before, (exercise_enumerable_node, exercise_node)):
                continue
            parent.remove(cell)
            body = before[-1] if isinstance(before[-1], nodes.section) else before
            label = nodes.paragraph("", "", nodes.strong("", "Check your answer."),
                                    nodes.Text(" In the downloaded notebook, run this cell after your answer: "
                                               "it says what is right, or what to look at next."),
                                    classes=["check-answer-label", "editorial"])
            body += [label, cell]


class DownloadLink(SphinxPostTransform):
    """Put "Download this notebook (.zip)" under a notebook page's title (web edition only)."""

    default_priority = 100

    def run(self, **kwargs) -> None:
        if not _web(self.app) or self.env.docname not in notebook_pages(self.app):
            return
        docname = self.env.docname
        href = relative_uri(self.app.builder.get_target_uri(docname), f"_sources/{docname}.zip")
        name = Path(docname).name + ".zip"
        notebook = Path(docname).name + ".ipynb"
        guide = relative_uri(self.app.builder.get_target_uri(docname), self.app.builder.get_target_uri("chapters/teachers-guide"))
        markup = (f'<div class="edition-download editorial"><a class="edition-download-button" href="{html.escape(href)}" '
                  f'download="{html.escape(name)}">Download this notebook ({html.escape(name)})</a> '
                  f'<span>the notebook with its data, to run offline in JupyterLab or Jupyter Notebook: unzip it, '
                  f'open <code>{html.escape(notebook)}</code>, check your answers and hand them in (its '
                  f'<code>HOWTO.md</code> says how; teachers, see the '
                  f'<a href="{html.escape(guide)}#running-the-notebooks-offline">teacher\'s guide</a>).</span></div>')
        title = self.document.next_node(nodes.title)
        section = title.parent if title is not None else self.document
        section.insert(section.index(title) + 1 if title is not None else 0, nodes.raw("", markup, format="html"))


def _ipynb_in_download_menu(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if _web(app) and doctree is not None and pagename in notebook_pages(app):
        context["ipynb_source"] = pagename + ".ipynb"


def _binder_opens_the_ipynb(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Binder's postBuild (binder/postBuild) writes each notebook as .ipynb beside its .md."""
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []) if isinstance(group, dict) else []:
            url = button.get("url", "")
            if "binder" in url and url.endswith(f"{pagename}.md"):
                button["url"] = url[: -len(".md")] + ".ipynb"


def _write_notebooks(app: Sphinx, exception: Exception | None) -> None:
    """Each download is rewritten only when its inputs changed (edition/derived.py): the page, the
    chapter titles, data/ (the citations' text) and the edition package (the conversion)."""
    if exception is not None or not _web(app):
        return
    from edition.sphinx.book.folders import chapters_dir, data_dir
    from edition.derived import Record, fingerprint, refresh

    record = Record(Path(app.doctreedir) / "edition-derived.json")
    chapters = chapters_dir(app)
    shared = fingerprint(build_package(app.env),
                         sorted(data_dir(app).glob("*.*")), [_heading(p) for p in sorted(chapters.glob("*.md"))])
    essay = [chapters / f"{name}.md" for name in ESSAY]  # the zips carry the essay's chapters
    for docname in notebook_pages(app):
        source = Path(app.env.doc2path(docname))
        target = Path(app.outdir) / "_sources" / f"{docname}.ipynb"
        refresh(target, fingerprint(shared, source), lambda: _student_notebook(source, chapters, data_dir(app)), record)
        refresh(target.with_suffix(".zip"), fingerprint(shared, source, essay),
                lambda: _notebook_zip(Path(docname).name, target.read_bytes()), record)
    record.save()


def _notebook_zip(notebook: str, ipynb: bytes) -> bytes:
    """The page's download (edition/classroom/zip.py), as bytes for edition.derived to write; it
    holds the students' notebook just refreshed beside it (`ipynb`), not one made again."""
    import tempfile

    from edition.classroom.zip import notebook_zip

    with tempfile.TemporaryDirectory() as tmp:
        return notebook_zip(notebook, Path(tmp), ipynb).read_bytes()


def _heading(page: Path) -> str:
    """A page's name and first line, enough to know when its title (which other notebooks cite) changed."""
    text = page.read_text(encoding="utf-8")
    return page.name + "\0" + next((line for line in text.splitlines() if line.startswith("# ")), "")


# A section the teacher's guide marks `{.teachers-only}` (its answers and marking notes) goes where
# the worked solutions go: from the mark to the next heading of its
# level or above, or to the end of the page. Headings are found by MyST's own parser (markdown-it
# tokens, with the book's block attributes and colon fences), so a '#' line in a code fence is none.
def _teachers_sections(text: str) -> list[tuple[int, int | None]]:
    """(first line, line after the last, None at the end of the page) of each `{.teachers-only}` section."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    parser = create_md_parser(MdParserConfig(enable_extensions={"attrs_block", "colon_fence"}), RendererHTML)
    headings = [(t.map[0], int(t.tag[1:]), TEACHERS_ONLY in str(t.attrs.get("class", "")).split())
                for t in parser.parse(text) if t.type == "heading_open" and t.map]
    return [(line - 1, next((later for later, up, _ in headings[i + 1:] if up <= level), None))
            for i, (line, level, marked) in enumerate(headings) if marked]


def without_solutions(text: str) -> str:
    """A book page's MyST text with each worked solution (gated, `solution-start` to `solution-end`,
    or one `solution` directive) replaced by a line saying where it is, and each section marked
    `{.teachers-only}` too: the students' edition's copy of the page's source."""
    lines = [line for line in re.split(r"(?<=\n)|(?<=\r)(?!\n)", text) if line]  # as markdown-it counts them
    for start, end in reversed(_teachers_sections(text)):
        said = f"**{SECTION_LEFT_OUT[0]}**{SECTION_LEFT_OUT[1]}\n"
        lines[start:end] = [said] if end is None else [said, "\n"]
    text = "".join(lines)
    text = GATED_SOLUTION.sub(LEFT_OUT, text)
    return FENCE.sub(lambda m: LEFT_OUT if m["name"] == "solution" else m[0], text)



def _sources_without_solutions(app: Sphinx, exception: Exception | None) -> None:
    """`omit`: the page's copy of its source (`_sources/<page>.md`, which Sphinx copies from
    chapters/ as it writes the page) without the worked solutions; rewritten only when it differs,
    so a page Sphinx did not write again keeps the file it has. In `hide` and `show`, Sphinx's
    copy of the source stays (a build after an `omit` one writes every page, and so every copy, again)."""
    if exception is not None or not _web(app) or app.config.edition_solutions != "omit" or not app.config.html_copy_source:
        return
    for docname in sorted(app.env.found_docs):
        source = Path(app.env.doc2path(docname))
        text = source.read_text(encoding="utf-8")
        if "{solution" not in text and "{." + TEACHERS_ONLY + "}" not in text:
            continue
        name = docname + source.suffix
        if source.suffix != app.config.html_sourcelink_suffix:
            name += app.config.html_sourcelink_suffix
        target = Path(app.outdir) / "_sources" / name
        if target.exists():
            write_atomic(target, without_solutions(text).encode("utf-8"))


def _student_notebook(source: Path, chapters: Path, data: Path) -> bytes:
    import nbformat

    from edition.classroom.student_notebook import student_notebook
    text = nbformat.writes(student_notebook(source, chapters, data))
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")  # as nbformat.write() writes it


def setup(app: Sphinx) -> dict:
    return register(app, config={"edition_solutions": ("hide", "env", [str])},
                    transforms=[SolutionsLeftOut, SolutionFiguresUnnumbered],
                    post_transforms=[Solutions, DownloadLink, CheckCells],
                    events=[("config-inited", _solutions_mode), ("config-inited", _launch_buttons_need_a_repository),
                            ("html-page-context", _ipynb_in_download_menu, 400),
                            ("html-page-context", _binder_opens_the_ipynb, 600),
                            ("build-finished", _write_notebooks), ("build-finished", _sources_without_solutions)])
