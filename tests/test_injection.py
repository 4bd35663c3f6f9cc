"""Data is data: markup in the dataset never runs, never reaches a parser, never copies a file.

Teachers and students edit data/, so every field is untrusted. A copy of the book gets hostile
text in every field of the dataset that the generated pages show (the who's who, the data
dictionary, the data boxes and editor's notes on the essay's pages, the charts): Jinja that would
write a file, MyST roles and directives that would copy or embed local files ({download},
{raw} with :file:, {eval-rst}), raw LaTeX and Typst code that would print a local file into the
PDF, HTML with a script, a javascript: link, shell syntax. The copy is built once (HTML, and the
PDF with Typst), and the tests check that nothing ran, no file was copied or embedded, nothing is
live, and the text is shown as typed.

The validator refuses such data (and the book build validates the data whenever a notebook or a
directive loads it), so the copy's own validator is switched off (the copy only: the copy's
`edition/` is first on PYTHONPATH, see tests/notebooks.py): the pages must be safe even if the
validator is bypassed.
"""
from __future__ import annotations

import csv
import json
import re
import uuid
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from notebooks import build, copy_book, jupyter_book

pytestmark = pytest.mark.book

MARK = f"pwned-{uuid.uuid4().hex[:12]}"  # the name of any file a payload would write
SECRET = f"secret-{uuid.uuid4().hex[:12]}"  # the content of local files a payload would copy
HOSTNAME_INPUT = r"\input{/etc/hostname}"
TYPST_READ = '#read("/etc/hostname")'


def payloads(tag: str) -> list[str]:
    """Each way in, tagged (`tag`) so a test can find where it landed. No ';' (lists split on it)."""
    return [
        f"{tag}-jinja {{{{ env.__class__.__init__.__globals__['os'].system('touch {MARK} /tmp/{MARK}') }}}}",
        f"{tag}-jinja-block {{% set x = env.__class__.__init__.__globals__['os'].system('touch {MARK}-b /tmp/{MARK}-b') %}}",
        f"{tag}-chars {{{{ '%c' % 60 }}}}script{{{{ '%c' % 62 }}}}alert(3){{{{ '%c' % 60 }}}}/script{{{{ '%c' % 62 }}}}",
        f"{tag}-download {{download}}`../README.md` {{download}}`../../README.md`",
        f"{tag}-raw-html\n\n```{{raw}} html\n:file: ../README.md\n```\n",
        f"{tag}-raw-latex\n\n```{{raw}} latex\n{HOSTNAME_INPUT}\n```\n",
        f"{tag}-typst {TYPST_READ} #include \"../README.md\"",
        f"{tag}-script <script>alert(1)</script>",
        f"{tag}-eval-rst\n\n```{{eval-rst}}\n.. raw:: html\n   :file: ../README.md\n\n.. raw:: html\n\n   <script>alert(2)</script>\n```\n",
        f"{tag}-rst-raw\n\n.. raw:: html\n   :file: ../README.md\n",
        f"{tag}-link [x](javascript:alert(1))",
        f"{tag}-shell $(id) `id`",
        f"{tag}-ref {{ref}}`index`",
    ]


def hostile(tag: str) -> str:
    return "\n\n".join(payloads(tag))


def shown(text: str) -> str:
    return " ".join(text.split())


def edit_table(data: Path, table: str, key: str, row_id: str, **values: str) -> None:
    path = data / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    row = next(r for r in rows if r[key] == row_id)
    for column, value in values.items():
        assert column in row, (table, column)
        row[column] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# Where the payloads go: (table, key column, row, column). Miasnikov has every field the who's who
# shows (spellings, dates, description, memberships); his first membership's group is the
# Workers' Group. An event and a dispute that the essay's pages show in their boxes and notes.
FIELDS = [
    ("people", "person_id", "miasnikov", "name"),
    ("people", "person_id", "miasnikov", "other_spellings"),
    ("people", "person_id", "miasnikov", "description"),
    ("attestations", "attestation_id", "at-born-miasnikov", "locator"),
    ("happenings", "happening_id", "ms-miasnikov-wg", "role"),
    ("groups", "group_id", "workers-group", "name"),
    ("happenings", "happening_id", "ev-wt-founded", "title"),
    ("disputes", "dispute_id", "wg-founding", "essay_says"),
]


class Book:
    """The hostile copy, built: its folders, and how each build ended."""

    def __init__(self, root: Path, failures: dict[str, str]):
        self.root = root
        self.html = root / "_build" / "html"
        self.pdf = root / "_build" / "typst"
        self.failures = failures

    def pages(self) -> dict[str, str]:
        return {p.relative_to(self.html).as_posix(): p.read_text(encoding="utf-8") for p in self.html.rglob("*.html")}

    def soup(self, page: str) -> BeautifulSoup:
        return BeautifulSoup((self.html / page).read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Book:
    book = copy_book(tmp_path_factory.mktemp("injection") / "book")
    # Files that a {download} or :file: payload would copy into the book, relative to chapters/.
    (book / "README.md").write_text((book / "README.md").read_text(encoding="utf-8") + f"\n{SECRET}\n", encoding="utf-8")
    (book.parent / "README.md").write_text(f"{SECRET}\n", encoding="utf-8")
    # The copy's validator is off (see the module's docstring): the hostile data gets through.
    with (book / "edition" / "data" / "validate.py").open("a", encoding="utf-8") as f:
        f.write("\n\n# tests/test_injection.py, in its copy of the book only: the data is hostile on purpose, and\n"
                "# the pages must be safe even when the validator is bypassed.\n"
                "def validate(data_dir):\n    return []\n")
    data = book / "data"
    for table, key, row, column in FIELDS:
        edit_table(data, table, key, row, **{column: hostile(f"{table}.{column}")})
    # essay_spellings are searched for in the essay: keep the real ones, so the links stay too.
    edit_table(data, "people", "person_id", "miasnikov",
               essay_spellings="Miasnikov;Gabriel Miasnikov;" + hostile("people.essay_spellings"))
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    people = next(r for r in package["resources"] if r["name"] == "people")
    people["title"] = hostile("resource.title")
    people["description"] = hostile("resource.description")
    next(f for f in people["schema"]["fields"] if f["name"] == "description")["description"] = hostile("field.description")
    (data / "datapackage.json").write_text(json.dumps(package, indent=1, ensure_ascii=False), encoding="utf-8")

    failures = {}
    try:
        build(book)  # the HTML book, notebooks executed
    except AssertionError as err:
        failures["html"] = str(err)
    # The PDF (Typst: the whole edition). The notebooks are not executed again (their print images
    # need Chromium, and time): without outputs their figures are missing, so the references to
    # figures are not checked in this build (the HTML build above checked them).
    config = book / "_config.yml"
    text = config.read_text(encoding="utf-8")
    for old, new in [("execute_notebooks: cache", 'execute_notebooks: "off"'),
                     ("suppress_warnings: []", "suppress_warnings: [ref.ref, ref.numref]\n    edition_typst: pdf")]:
        assert old in text, old
        text = text.replace(old, new)
    config.write_text(text, encoding="utf-8")
    try:
        jupyter_book(book, "--builder", "custom", "--custom-builder", "typst")
    except AssertionError as err:
        failures["pdf"] = str(err)
    return Book(book, failures)


def test_both_builds_complete(built):
    """Not a safety check (the others hold whatever the builds' outcome): hostile text is text,
    so it makes no warning either."""
    assert not built.failures, "\n\n".join(f"{k}:\n{v}" for k, v in built.failures.items())


def test_no_payload_ran(built):
    written = list(built.root.rglob(f"*{MARK}*")) + list(Path("/tmp").glob(f"*{MARK}*"))
    assert not written, f"a payload wrote {written}"


def test_no_local_file_was_copied_or_embedded(built):
    downloads = built.html / "_downloads"
    copied = [p for p in downloads.rglob("*") if p.is_file() and p.suffix not in (".csv", ".json")]
    assert not copied, copied
    for where in (built.html, built.pdf):
        leaked = [p for p in where.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
        assert not leaked, f"the content of a local file is in {leaked}"


def test_nothing_live_in_the_html(built):
    for name, page in built.pages().items():
        assert not re.search(r"<script>\s*alert", page, re.I), name
        soup = BeautifulSoup(page, "html.parser")
        for script in soup.find_all("script"):
            if script.get("type") not in ("application/json",):
                assert "alert(" not in script.get_text(), (name, str(script)[:300])
        links = [a["href"] for a in soup.find_all(href=True) if a["href"].strip().lower().startswith("javascript:")]
        assert not links, (name, links)
        assert not soup.select("iframe, object, embed"), name


@pytest.mark.parametrize("table,key,row,column", [f for f in FIELDS if f[0] in ("people", "groups") or f[2] in ("at-born-miasnikov", "ms-miasnikov-wg")]
                         + [("people", "person_id", "miasnikov", "essay_spellings")])
def test_whos_who_shows_every_field_as_typed(built, table, key, row, column):
    soup = built.soup("chapters/whos-who.html")
    section = soup.select_one("#person-miasnikov")
    section = section if section.name == "section" else section.find_parent("section")
    text = shown(section.get_text(" "))
    for payload in payloads(f"{table}.{column}"):
        assert shown(payload) in text, payload
    if column == "name":  # the heading, and the page's own contents beside it
        assert shown(hostile("people.name")) in shown(section.find("h2").get_text(" "))
        toc = soup.select_one("nav#pst-page-toc-nav")  # "On this page"
        assert toc is not None and shown(hostile("people.name")) in shown(toc.get_text(" "))


def test_whos_who_still_links_and_cites(built):
    section = built.soup("chapters/whos-who.html").select_one("#person-miasnikov")
    section = section if section.name == "section" else section.find_parent("section")
    assert section.select("a[href*='workers-group.html#wg-4']")  # named in the essay, still found
    assert section.select("span.bibtex-citation a[href*='bibliography.html#']")
    assert not section.select("a[href*='index.html']"), "a {ref} in the data became a link"


def test_data_dictionary_shows_the_descriptor_as_typed(built):
    soup = built.soup("chapters/about-data.html")
    rubric = soup.select_one("#table-people")
    assert shown(hostile("resource.title")) == shown(rubric.get_text(" "))
    # A description's `backticked` names are set as code (the one form the dictionary keeps).
    text = shown(soup.select_one("div.data-dictionary").get_text())
    for tag in ("resource.description", "field.description"):
        for payload in payloads(tag):
            assert shown(payload).replace("`", "") in text.replace("`", ""), payload
    table = soup.select_one("table#fields-people")
    assert table is not None and "field.description-script" in table.get_text()
    links = [a["href"] for a in soup.select("div.data-dictionary a.download")]
    assert links and all(re.search(r"_downloads/\w+/[\w-]+\.(csv|json)$", h) for h in links), links


def test_boxes_and_notes_on_the_essay_pages_show_data_as_typed(built):
    text = shown(built.soup("chapters/workers-group.html").get_text(" "))
    assert shown(payloads("disputes.essay_says")[-1]) in text  # the editor's note
    text = shown(built.soup("chapters/workers-truth.html").get_text(" "))
    assert shown(payloads("happenings.title")[-1]) in text  # the data box of its paragraph


def test_the_pdf_prints_the_text_not_the_commands(built):
    """Raw LaTeX and Typst code in the data print as the text typed; no file is read into the PDF."""
    import subprocess

    pdf = built.pdf / "book.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    # poppler drops a hyphen at a line's end, the text's own too: compared without spaces and hyphens
    flat = re.sub(r"[\s\-]", "", text)
    for tag in ("people.name", "people.description", "happenings.role", "resource.title", "field.description",
                "disputes.essay_says"):
        for typed in (f"{tag}-raw-latex", f"{tag}-typst {TYPST_READ}"):
            assert re.sub(r"[\s\-]", "", typed) in flat, typed
    assert re.sub(r"[\s\-]", "", HOSTNAME_INPUT) in flat
    text = " ".join(text.split())
    hostname = Path("/etc/hostname").read_text(encoding="utf-8").strip() or "no hostname"
    assert hostname not in text.replace(HOSTNAME_INPUT, "").replace(TYPST_READ, "")


def test_student_notebooks_escape_the_sources_text(monkeypatch):
    """A downloaded notebook's Markdown names a citation's source (author, title from sources.csv):
    rendered by Jupyter it must show the text, with no HTML, link or math made from it."""
    from edition.classroom import student_notebook
    monkeypatch.setattr(student_notebook, "_sources", lambda data=None: {"evil": hostile("sources.title")})
    markdown = student_notebook.plain_markdown("As said {cite:p}`evil`.")
    html = MarkdownIt("commonmark").render(markdown)  # raw HTML on, as in Jupyter (before its sanitizer)
    assert "<script" not in html and "<pre" not in html, html
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.select("a, script, img, code"), html
    text = shown(soup.get_text(" "))
    for payload in payloads("sources.title"):
        assert shown(payload) in text, payload
    assert "$" not in re.sub(r"\\\$", "", markdown), "an unescaped $ starts Jupyter's math"
