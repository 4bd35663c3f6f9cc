"""The PDF edition (`make pdf`: the whole edition, a tagged PDF/UA-1 written by Typst, which
`make test` builds first): complete, faithful, clean, accessible."""
import re
import subprocess
import unicodedata

import pytest
import yaml

from edition.data import load
from edition.essay import CHAPTERS
from fidelity import essay_pages, first_difference, seed_parts, words
from edition.sphinx.book.print_wording import print_wording
from edition.essay import paragraphs
from printed import (PDF, chapter_texts, dehyphenate, essay_words_from_pdf, figure_captions, bibliography_entry,
                     body_texts, page_texts, page_title, prints, serif_words, source_figures, toc_parts)


@pytest.fixture(scope="session")
def pdf():
    if not PDF.exists():
        pytest.fail("The PDF is not built: run `make pdf` (make test does it for you).")
    return PDF


@pytest.fixture(scope="session")
def pdf_words(pdf):
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return words(text)


@pytest.fixture(scope="session")
def essay_words(pdf):
    return essay_words_from_pdf(pdf, seed_parts()[0])


def contains(haystack: list[str], needle: list[str]) -> bool:
    """needle's words appear in order in haystack, allowing line-end hyphenation."""
    joined = " ".join(haystack)
    pattern = r"\s?".join(re.escape(w) for w in needle)  # "counter-" + "revolution" too
    return re.search(pattern.replace(r"\-", r"\-?"), joined) is not None


def test_title_page(pdf):
    """Who published the essay (the ICC, in its International Review; no date, for no source gives
    one) and, apart from it, who made this edition."""
    page = " ".join(page_texts(pdf)[0].split())
    for text in ["The Communist Left in Russia 1918-1930 Part 2", "C. D. Ward", "A teaching edition",
                 "The essay: first published by the International Communist Current in its International Review",
                 "Revue Internationale no. 9", "This edition: notes, companion dataset and notebooks by its editors"]:
        assert text in page, f"the title page lacks {text!r}: {page!r}"
    essay = page.split("The essay:", 1)[1].split("This edition:")[0]
    assert not re.search(r"\b(1[89]|20)\d\d\b", essay), "a year stands with the essay's publication"


def test_every_chapter_title(pdf_words):
    for caption, chapters in toc_parts():
        assert contains(pdf_words, words(caption)), f"part {caption!r} is missing"
        for doc in chapters:
            title = page_title(doc)[0]
            assert contains(pdf_words, words(title)), f"chapter {title!r} ({doc}) is missing"


def test_every_figure_caption(pdf_words):
    """Every caption, in its print wording (edition/sphinx/book/print_wording.py: no "hover" on paper)."""
    for caption in figure_captions():
        assert contains(pdf_words, words(print_wording(caption))), f"figure caption {caption!r} is missing"


def test_at_least_one_raster_image_per_figure(pdf):
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True,
                             text=True).stdout.splitlines()[2:]
    images = [line for line in listing if line.split()[2] == "image"]
    assert len(images) >= len(figure_captions())


def test_body_and_notes_in_pdf(essay_words):
    seed_body, seed_notes = seed_parts()
    body, notes = essay_words
    problem = first_difference(seed_body, body, "essay body (PDF)") or first_difference(
        seed_notes, dehyphenate(notes, seed_notes), "notes (PDF)")
    assert problem is None, problem


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_each_note_is_a_footnote(n, essay_words):
    _, seed_notes = seed_parts()
    _, notes = essay_words
    notes = dehyphenate(notes, seed_notes)
    start = [i for i, w in enumerate(seed_notes) if w == str(n)][0]
    assert notes[start:start + 12] == seed_notes[start:start + 12], f"note {n} is not printed as a note"


@pytest.mark.parametrize("mutation", ["drop", "change", "swap"])
def test_pdf_check_catches_one_word_mutated(essay_words, mutation):
    """The check is not vacuous: one word dropped, changed or moved in the PDF's text fails it."""
    seed_body, _ = seed_parts()
    body = list(essay_words[0])
    k = next(i for i in range(len(body)) if body[i:i + 3] == ["leading", "a", "miserable"]) + 2
    if mutation == "drop":
        del body[k]
    elif mutation == "change":
        body[k] = "miserabel"
    else:
        body[k - 1], body[k] = body[k], body[k - 1]
    problem = first_difference(seed_body, body, "essay body (PDF)")
    assert problem is not None and "miserable" in problem


@pytest.fixture(scope="session")
def chapters(pdf):
    return chapter_texts(pdf)


def squash(text: str) -> str:
    """Text without spaces and hyphens, so that a line break (hyphenated or not) cannot hide it."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text))


def hand_written_notes() -> list[tuple[str, str]]:
    """(title, text) of each "Editor's note" box written in the essay's chapter files."""
    found = []
    for doc in essay_pages():
        source = (CHAPTERS / f"{doc.removeprefix('chapters/')}.md").read_text(encoding="utf-8")
        found += re.findall(r"^:::\{admonition\} Editor's note: (.*)\n:class: .*\n(.*)$", source, re.M)
    return found


def test_editors_notes_on_the_essays_pages(chapters):
    """Every editor's note written in an essay page is printed on that page, in the editors' box,
    and the essay's pages keep the editors' other boxes."""
    assert hand_written_notes()
    for doc in essay_pages():
        source = (CHAPTERS / f"{doc.removeprefix('chapters/')}.md").read_text(encoding="utf-8")
        for title, text in re.findall(r"^:::\{admonition\} Editor's note: (.*)\n:class: .*\n(.*)$", source, re.M):
            assert squash(text) in squash(chapters[doc]), f"{doc}: the editor's note {title!r} is missing"
    essay = "\n".join(chapters[doc] for doc in essay_pages())
    for box in ["Before you read: objectives and key terms", "Discussion questions"]:
        assert essay.count(box) == len(essay_pages()), f"{box!r} should stay on every essay page"


def test_every_reference_resolved(pdf):
    """No "??" in print: every {numref} and {ref} found its target."""
    assert "??" not in " ".join(page_texts(pdf))


@pytest.mark.check
def test_a_character_no_font_has_stops_the_pdf(tmp_path):
    """Typst refuses to write a PDF/UA-1 file with text no font can show; the build names the
    character (the data would otherwise print as empty boxes)."""
    import typst

    from edition.sphinx.print.typst import UNPRINTABLE, compile_pdf, describe, escape, preamble

    typ = tmp_path / "t.typ"
    text = escape("Private use \U00013000 character")
    typ.write_text(preamble("t", "t", "t") + f"#par[{text}]\n", encoding="utf-8")
    with pytest.raises(typst.TypstError) as error:
        compile_pdf(typ, tmp_path / "t.pdf")
    lost = UNPRINTABLE.search(str(error.value))
    assert lost and "\U00013000" in lost["text"], str(error.value)
    assert describe("\U00013000") == "U+13000 \U00013000 (EGYPTIAN HIEROGLYPH A001)"
    assert describe("\ue000") == "U+E000 (a private-use character)"
    assert describe("\u0301") == "U+0301 (COMBINING ACUTE ACCENT)"
    assert not (tmp_path / "t.pdf").exists()


def test_bibliography_prints_every_source_exactly(pdf):
    """Every source's entry, character for character (the PDF prints what the data holds)."""
    pages = body_texts(pdf)
    first = next(i for i, page in enumerate(pages) if words(page)[:1] == ["Bibliography"]
                 and "Every work the essay cites" in page)
    # pdftotext may read a page's column of labels ([61], [62], ...) apart from the entries.
    text = re.sub(r"^\[\d+\]\n", "", "\n".join(pages[first:]), flags=re.M)
    missing = [s["source_id"] for s in load("sources").fillna("").to_dict("records")
               if not prints(bibliography_entry(s), text)]
    assert not missing, f"{len(missing)} entries are not printed exactly: {missing[:5]}"


# The PDF as a book: document info, contents, bibliography and editor's notes each once.

def config() -> dict:
    from fidelity import ROOT
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def pdfinfo(pdf) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(pdf)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def test_document_info(pdf):
    info, settings = pdfinfo(pdf), config()["sphinx"]["config"]
    assert info.get("Title") == config()["title"]
    assert info.get("Author") == "C. D. Ward"
    assert info.get("Subject") == " ".join(settings["epub_description"].split())
    assert info.get("Keywords") == ", ".join(settings["edition_keywords"])  # Typst joins them with commas


def contents(pdf) -> tuple[list[str], int]:
    """The entries of the contents ("Who's who 89"), from the page titled Contents to the first
    page without entries, and the number of pages they take."""
    texts = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout.split("\f")
    start = next(i for i, t in enumerate(texts) if t.split()[:1] == ["Contents"])
    entries, pages = [], 0
    for text in texts[start:]:
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")  # Typst's word joiner before a page number
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        lines = [line for line in lines if line != config()["title"]]  # the running head
        found = [re.sub(r"[ .]+\d+$", "", line) for line in lines if re.search(r"\S.*[ .]\d+$", line)]
        if not found:
            break
        entries, pages = entries + found, pages + 1
    return [e for e in entries if e != "Contents"], pages


def test_contents_list_parts_and_chapters_only(pdf):
    """The contents: the book's first page, then each part and its pages, in _toc.yml's order."""
    entries, pages = contents(pdf)
    expected = [page_title("chapters/index")[0]]
    for caption, docs in toc_parts():
        expected += [caption] + [page_title(d)[0] for d in docs]
    assert [e for e in entries if e in expected] == expected, entries
    assert pages <= 2, f"the contents take {pages} pages"


def bib_entries() -> int:
    from fidelity import ROOT
    return (ROOT / "references.bib").read_text(encoding="utf-8").count("@misc{")


def test_bibliography_once_on_its_page(pdf, chapters):
    """The list of works stands on the page "Bibliography", under its introduction, and nowhere
    else (Sphinx would gather it after the last page, under a second heading)."""
    labels = lambda text: [int(n) for n in re.findall(r"^\[(\d+)\]", text, re.M)]  # noqa: E731
    on_page = labels(chapters["chapters/bibliography"])
    assert on_page == list(range(1, bib_entries() + 1)), on_page[:10]
    # an entry is its label and its text on one line; a citation such as "[44]." or "[44]; died"
    # can also begin a line where the text around it wraps (the who's who cites its dates)
    entries = lambda text: re.findall(r"^\[(\d+)\][ \t]+\w", text, re.M)  # noqa: E731
    elsewhere = [doc for doc, text in chapters.items() if doc != "chapters/bibliography" and entries(text)]
    assert not elsewhere, f"bibliography entries also on {elsewhere}"
    assert contents(pdf)[0].count("Bibliography") == 1
    page = " ".join(chapters["chapters/bibliography"].split())
    assert page.index("Every work the essay cites") < page.index("[1]")


def test_editors_notes_printed_once(pdf, chapters):
    """Each editor's note on a dispute is printed once in the essay's pages (where the web book
    has its box) or on the page "Editorial notes", and each hand-written note once."""
    whole = squash(" ".join(chapters.values()))
    disputes = list(load("disputes").itertuples())
    assert disputes
    for d in disputes:
        said = squash(f"Other sources say: {d.others_say}")  # (what the essay says may be "Nothing.")
        assert whole.count(said) >= 1, f"{d.dispute_id}: not printed"
    for title, text in hand_written_notes():
        assert whole.count(squash(text)) == 1, title


def test_every_page_a4_or_letter(pdf):
    """make pdf prints on A4, make pdf PAPER=letter on US Letter (612 x 792 pt): every page alike."""
    pages = int(pdfinfo(pdf)["Pages"])
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", str(pages), str(pdf)], check=True, capture_output=True,
                         text=True).stdout
    sizes = {(round(float(w)), round(float(h))) for w, h in re.findall(r"^Page +\d+ size: +([\d.]+) x ([\d.]+) pts", out, re.M)}
    assert len(sizes) == 1 and sizes <= {(595, 842), (612, 792)}, sizes


# --- Accessible: tagged PDF/UA-1 (the reason this is the one PDF route). ---

def structure(pdf, key: str = "/Alt") -> list[tuple[str, str]]:
    from test_typst import structure as walk
    return walk(pdf, key)


def test_tagged_with_alt_text_and_headings(pdf):
    import pikepdf

    info = pdfinfo(pdf)
    assert info["Tagged"] == "yes"
    with pikepdf.open(pdf) as doc:
        assert str(doc.Root.Lang) == "en-GB"
        assert "pdfuaid" in str(doc.open_metadata())  # claims PDF/UA-1
    found = structure(pdf)
    figures = [alt for role, alt in found if role == "Figure"]
    assert len(figures) == len([f for f in source_figures() if not f[3]]) and all(a.strip() for a in figures)
    parts = [caption for caption, _ in toc_parts()]
    # (pdfinfo -struct-text takes minutes on a book this long: the titles are read with pikepdf)
    assert [title for role, title in structure(pdf, "/T") if role == "H1"] == [page_title("chapters/index")[0]] + parts


def test_pdfua_checker_passes(pdf):
    import sys
    check = subprocess.run([sys.executable, "-m", "pdfua", "check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-2000:]


def test_holds_every_paragraph_in_order(pdf):
    """Every labelled paragraph of the essay, word for word as the seed has it, in the essay's order
    (the notebooks' pages stand between the essay's), and the author's notes in order."""
    seed_body, _seed_notes = seed_parts()
    body, _notes = serif_words(pdf)
    at = 0
    for label, text in paragraphs()[["label", "text"]].itertuples(index=False):
        first = words(text)[:8]
        start = next(i for i in range(len(seed_body)) if seed_body[i:i + 8] == first)
        expected = seed_body[start:start + len(words(text))]
        at = next((i for i in range(at, len(body)) if body[i:i + 8] == first), None)
        assert at is not None, f"{label} is missing, or out of order"
        got = dehyphenate(body[at:], expected)[:len(expected)]
        assert got == expected, first_difference(expected, got, f"paragraph {label}")


def test_no_blank_page(pdf):
    """Every page has text besides its running head and number (a part's title page has the part's
    title): no blank left-hand pages as the LaTeX edition had."""
    head = words(config()["title"])
    for number, text in enumerate(page_texts(pdf)[:-1], start=1):  # (the text after the last page break is empty)
        rest = [w for w in words(text) if not w.isdigit()]
        rest = rest[len(head):] if rest[:len(head)] == head else rest
        assert len(rest) >= 2, f"page {number} is blank but for its running head: {text!r}"


def test_charts_drawn_at_print_width(pdf):
    """Each chart is drawn for the page: at PRINT_WIDTH x PRINT_SCALE pixels across, not a phone's width."""
    from edition.sphinx.book.plotly_outputs import PRINT_SCALE, PRINT_WIDTH

    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True,
                             text=True).stdout.splitlines()[2:]
    widths = [int(line.split()[3]) for line in listing if line.split()[2] == "image"]
    assert widths and all(w == PRINT_WIDTH * PRINT_SCALE for w in widths), widths
