"""The print editions of edition/sphinx/print/typst.py: `make pdf EDITION=reading` and `make handouts`
(the whole edition, `make pdf`, in tests/test_pdf.py).

Every PDF is checked the same ways: tagged (pdfinfo "Tagged: yes"), with its title, its language,
a structure tree with headings, alt text on every figure (the cells' `mystnb` alt text), tables
with header cells, the pdfua checker's rules; and the fidelity check: the author's words in order.
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import yaml

from edition.sphinx.book.print_wording import print_wording
from edition.essay import ESSAY, paragraphs
from edition.sphinx.print.typst import compile_pdf
from notebooks import notebooks
from fidelity import ROOT, first_difference, seed_parts, words
from printed import dehyphenate, page_title, serif_words, source_figures

NOTEBOOKS = [p.stem for p in notebooks()]  # the pages with a kernelspec, as the handouts find them

READING = ROOT / "_build" / "reading" / "reading.pdf"
HANDOUTS = ROOT / "_build" / "handouts"
APPARATUS = ["Before you read", "Discussion questions", "Editor's note", "Exercise", "Data behind",
             "Worked solution", "Key terms", "Summary"]


def built(path: Path, make: str) -> Path:
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is not built: run `{make}` (make test does it for you).")
    return path


def handouts() -> list[Path]:
    order = [c["file"].removeprefix("chapters/") for p in yaml.safe_load((ROOT / "_toc.yml").read_text())["parts"]
             for c in p["chapters"]]
    return [HANDOUTS / f"{doc}.pdf" for doc in order if doc in ESSAY or doc in NOTEBOOKS]


def every_pdf() -> list[Path]:
    return [READING] + handouts()


def pdfinfo(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(pdf)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def structure(pdf: Path, key: str = "/Alt") -> list[tuple[str, str]]:
    """(role, alt text) of every element of the structure tree, in reading order (key="/T": the
    element's title, which Typst sets to a heading's text)."""
    found = []

    def walk(element):
        role = element.get("/S")
        if role is not None:
            found.append((str(role)[1:], str(element.get(key, ""))))
        kids = element.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)

    with pikepdf.open(pdf) as doc:
        walk(doc.Root.StructTreeRoot)
    return found


def test_every_handout_builds():
    names = sorted(p.name for p in built(HANDOUTS, "make handouts").glob("*.pdf"))
    assert names == sorted(f"{doc}.pdf" for doc in ESSAY + NOTEBOOKS)


@pytest.mark.parametrize("pdf", every_pdf(), ids=lambda p: p.stem)
def test_tagged_titled_in_english(pdf):
    built(pdf, "make handouts" if pdf.parent == HANDOUTS else "make pdf EDITION=reading")
    info = pdfinfo(pdf)
    assert info["Tagged"] == "yes"
    project = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["project"]
    expected = {READING: f"{project}: reading edition"}.get(pdf) or f"{page_title('chapters/' + pdf.stem)[0]} (handout)"
    assert info["Title"] == expected
    with pikepdf.open(pdf) as doc:
        assert str(doc.Root.Lang) == "en-GB"
        assert bool(doc.Root.MarkInfo.Marked)
        assert bool(doc.Root.ViewerPreferences.DisplayDocTitle)  # a reader shows the title, not the file name
        assert "pdfuaid" in str(doc.open_metadata())  # claims PDF/UA-1
    roles = [role for role, _ in structure(pdf)]
    assert "H1" in roles and roles.count("P") > 5


def struct_text(pdf: Path) -> str:
    # poppler 22 prints a heading's title attribute raw when it is UTF-16 (a curly quote): replaced
    return subprocess.run(["pdfinfo", "-enc", "UTF-8", "-struct-text", str(pdf)], capture_output=True).stdout.decode(
        "utf-8", errors="replace")


def h1_texts(out: str) -> list[str]:
    """The text of each H1 of `pdfinfo -struct-text`: its quoted lines, joined."""
    return ["".join(re.findall(r'^    "(.*)"$', block, re.M)).strip()
            for block in re.findall(r'^  H1 .*\n((?:    ".*"\n)+)', out, re.M)]


def test_struct_text_reads_the_title_first():
    """`pdfinfo -struct-text`: the structure tree as a screen reader walks it, headings in place."""
    out = struct_text(built(READING, "make pdf EDITION=reading"))
    headings = h1_texts(out)
    assert headings == [page_title(f"chapters/{doc}")[0] for doc in ESSAY]
    assert out.index("Reading edition") < out.index(headings[0])


@pytest.mark.parametrize("doc", NOTEBOOKS)
def test_every_figure_has_its_alt_text(doc):
    """Each chart of a notebook's handout is a Figure with the cell's alt text (worked solutions
    are left out of print, their charts too)."""
    pdf = built(HANDOUTS / f"{doc}.pdf", "make handouts")
    alts = [alt for role, alt in structure(pdf) if role == "Figure"]
    source = (ROOT / "chapters" / f"{doc}.md").read_text(encoding="utf-8")
    solutions = [m.span() for m in re.finditer(r"```\{solution-start\}.*?```\{solution-end\}", source, re.S)]
    expected = []
    for m in re.finditer(r"```\{code-cell\}[^\n]*\n---\n(.*?)\n---\n", source, re.S):
        options = (yaml.safe_load(m.group(1)) or {}).get("mystnb", {})
        alt = options.get("image", {}).get("alt") or options.get("figure", {}).get("alt")
        if alt and not any(a <= m.start() < b for a, b in solutions):
            expected.append(" ".join(alt.split()))
    assert expected, f"{doc} has no charts with alt text in its source"
    assert [" ".join(a.split()) for a in alts] == expected


@pytest.mark.parametrize("doc", NOTEBOOKS)
def test_tables_are_tables(doc):
    """A DataFrame prints as a real table: Table, with header cells (TH) and data cells (TD)."""
    roles = [role for role, _ in structure(built(HANDOUTS / f"{doc}.pdf", "make handouts"))]
    assert roles.count("Table") >= 1 and "TH" in roles and "TD" in roles


@pytest.mark.parametrize("pdf", every_pdf(), ids=lambda p: p.stem)
def test_pdfua_checker_passes(pdf):
    """The pdfua package's machine-checkable rules of PDF/UA-1 (structure tree, marked content,
    language, alt text, tables, title): no finding."""
    run = subprocess.run([sys.executable, "-m", "pdfua", "check", str(pdf)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:]


def test_pdfua_checker_catches_an_untagged_pdf(tmp_path):
    """The checker is not vacuous: the reading edition with its structure tree taken out fails it."""
    broken = tmp_path / "untagged.pdf"
    with pikepdf.open(built(READING, "make pdf EDITION=reading")) as doc:
        del doc.Root["/StructTreeRoot"]
        doc.save(broken)
    run = subprocess.run([sys.executable, "-m", "pdfua", "check", str(broken)], capture_output=True, text=True)
    assert run.returncode == 3 and "UA-01-005" in run.stdout


def test_reading_edition_holds_the_essay():
    """Every word of the essay and of its notes, in order (the fidelity check of tests/fidelity.py)."""
    seed_body, seed_notes = seed_parts()
    body, notes = serif_words(built(READING, "make pdf EDITION=reading"))
    problem = first_difference(seed_body, dehyphenate(body, seed_body), "essay body (reading edition)") or \
        first_difference(seed_notes, dehyphenate(notes, seed_notes), "notes (reading edition)")
    assert problem is None, problem


def test_reading_edition_has_no_apparatus():
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(built(READING, "make pdf EDITION=reading")), "-"],
                          check=True, capture_output=True, text=True).stdout
    for heading in APPARATUS:
        assert heading not in text, f"{heading!r} is in the reading edition"
    assert "Reading edition" in text.split("\f")[0]  # the front matter names the edition
    labels = re.findall(r"^((?:cr|wt|wg|lo|end)-\d+)$", text, re.M)
    assert labels == list(paragraphs()["label"]), "every paragraph label, in order"


def test_essay_handouts_hold_the_essay():
    """The essay's handouts, one after another, hold every word of the essay and its notes in order."""
    seed_body, seed_notes = seed_parts()
    body, notes = [], []
    for doc in ESSAY:
        b, n = serif_words(built(HANDOUTS / f"{doc}.pdf", "make handouts"))
        body, notes = body + b, notes + n
    problem = first_difference(seed_body, dehyphenate(body, seed_body), "essay body (handouts)") or \
        first_difference(seed_notes, dehyphenate(notes, seed_notes), "notes (handouts)")
    assert problem is None, problem


@pytest.mark.parametrize("doc", NOTEBOOKS)
def test_notebook_handout_prints_the_paragraphs_it_cites(doc):
    """After a notebook, the essay's paragraphs it cites, each word in order as the essay has it;
    its figures' captions and its exercises (no worked solution)."""
    pdf = built(HANDOUTS / f"{doc}.pdf", "make handouts")
    source = (ROOT / "chapters" / f"{doc}.md").read_text(encoding="utf-8")
    # the handouts leave the worked solutions out, and with them what only a solution cites
    source = re.sub(r"```\{solution-start\}.*?```\{solution-end\}", "", source, flags=re.S)
    cited = set(re.findall(r"\b(?:cr|wt|wg|lo|end)-\d+\b", source))
    paras = paragraphs()
    seed_body, _ = seed_parts()
    body, _ = serif_words(pdf)
    for text in paras[paras["label"].isin(cited)]["text"]:
        first = words(text)[:8]
        start = next(i for i in range(len(seed_body)) if seed_body[i:i + 8] == first)
        expected = seed_body[start:start + len(words(text))]
        at = max(i for i in range(len(body)) if body[i:i + 8] == first)
        got = dehyphenate(body[at:], expected)[:len(expected)]
        assert got == expected, first_difference(expected, got, f"{doc}: a paragraph it cites")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    flat = " ".join(text.split())
    for d, _, caption, solution in source_figures():
        if d == f"chapters/{doc}":
            assert (" ".join(print_wording(caption, handout=True).split()) in flat) != solution, caption  # no "hover"
    assert re.search(r"Exercise \d+ \(", text) and "Solution" not in text


def test_letter_paper(tmp_path):
    """PAPER=letter: the same Typst source prints on US Letter, 612 x 792 pt (A4 is the default)."""
    typ = built(HANDOUTS / "workers-truth.typ", "make handouts")
    copy = tmp_path / "handouts"
    shutil.copytree(typ.parent, copy)
    for paper, size in (("letter", "612 x 792 pts"), ("a4", "595.276 x 841.89 pts")):
        out = copy / f"{paper}.pdf"
        compile_pdf(copy / typ.name, out, paper)
        assert pdfinfo(out)["Page size"].startswith(size), paper


# --- Fast tests (make check): what the translator writes. ---

HOSTILE = ['#set page(width: 1cm) *bold* _em_ $x^2$ `raw` <label> @ref', "// not a comment /* nor this */",
           '-- --- ... "straight" \'single\' ~ \\ [brackets] {braces} = heading', "- not a list", "1. not a list",
           "https://example.org/a_b", "Sapranov offical"]


@pytest.mark.check
@pytest.mark.parametrize("text", HOSTILE)
def test_text_prints_as_written(text, tmp_path):
    """Text from the essay or the data is never Typst code or markup: it prints as written,
    dashes, dots and quotes unchanged (the essay's own punctuation)."""
    from edition.sphinx.print.typst import escape, preamble

    typ = tmp_path / "t.typ"
    typ.write_text(preamble("t", "t", "t") + f"#par[{escape(text)}]\n", encoding="utf-8")
    compile_pdf(typ, tmp_path / "t.pdf")
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "t.pdf"), "-"], check=True,
                         capture_output=True, text=True).stdout
    assert out.split()[-1] == "1"  # the page number, in the footer
    assert " ".join(out.split()[:-1]) == " ".join(text.split())


@pytest.mark.check
def test_paper_names_checked():
    """edition_paper (make pdf PAPER=...) is a4 or letter; anything else stops the build at once."""
    from types import SimpleNamespace

    from sphinx.errors import ConfigError

    from edition.sphinx.print.typst import _paper

    for paper in ("a4", "letter"):
        _paper(None, SimpleNamespace(edition_paper=paper))
    with pytest.raises(ConfigError, match="a4, letter"):
        _paper(None, SimpleNamespace(edition_paper="a3"))


# The whole edition as one tagged PDF (make pdf): tests/test_pdf.py.
