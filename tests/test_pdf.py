"""The PDF edition (`make pdf`, which `make test` runs first): complete, faithful, clean."""
import re
import subprocess
import unicodedata
from collections import Counter

import pytest
import yaml

from edition.data import load
from edition.essay import CHAPTERS
from fidelity import essay_pages, first_difference, seed_parts, words
from edition.print.latex import describe, lost_characters
from printed import (ENDNOTES, LATEX_LOG, PDF, chapter_texts, dehyphenate, essay_words_from_pdf,
                     figure_captions, bibliography_entry, body_texts, page_texts, page_title, prints, toc_parts)


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
    one) and, apart from it, who made this edition and when (the build's date)."""
    page = " ".join(page_texts(pdf)[0].split())
    for text in ["The Communist Left in Russia 1918-1930 Part 2", "C. D. Ward", "A teaching edition",
                 "The essay First published by the International Communist Current in its International Review",
                 "Revue Internationale no. 9", "This edition Notes, companion dataset and notebooks by its editors"]:
        assert text in page, f"the title page lacks {text!r}: {page!r}"
    essay, edition = page.split("The essay", 1)[1].split("This edition")
    assert re.search(r"\b\d{1,2} [A-Z][a-z]+ 20\d\d$", edition), "this edition's date is not under it"
    assert not re.search(r"\b(1[89]|20)\d\d\b", essay), "a year stands with the essay's publication"


def test_every_chapter_title(pdf_words):
    for caption, chapters in toc_parts():
        assert contains(pdf_words, words(caption)), f"part {caption!r} is missing"
        for doc in chapters:
            title = page_title(doc)[0]
            assert contains(pdf_words, words(title)), f"chapter {title!r} ({doc}) is missing"


def test_every_figure_caption(pdf_words):
    for caption in figure_captions():
        assert contains(pdf_words, words(caption)), f"figure caption {caption!r} is missing"


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


def endnote_numbers(text: str) -> list[int]:
    """The numbers of the endnotes: each note's first line begins "E7 wg-4, p. 32"."""
    return [int(n) for n in re.findall(r"^E(\d+) ", text, re.M)]


def margin_markers(text: str) -> list[int]:
    """The markers in the margin, a line of their own: "E5", or "E10, E11" for notes at one place."""
    lines = re.findall(r"^E\d+(?:, E\d+)*$", text, re.M)
    return [int(n) for line in lines for n in re.findall(r"\d+", line)]


def test_editors_notes_are_endnotes_after_the_essay(chapters):
    """Every editor's note of the essay's pages is in the chapter "Editor's notes", numbered
    E1, E2, ... with the paragraph it belongs to; each number stands once in the essay's margin."""
    notes = chapters[ENDNOTES]
    disputes = [d for d in load("disputes").itertuples() if isinstance(d.paragraph, str) and d.paragraph]
    assert disputes and hand_written_notes()
    for d in disputes:
        assert squash(d.topic) in squash(notes), f"no endnote on {d.dispute_id!r}"
        first = d.paragraph.split(";")[0]
        if not first.startswith("note-"):  # a note on an author's note names the paragraph holding it
            assert squash(f"{first}, p.") in squash(notes), f"the endnote on {d.dispute_id!r} lacks {first}"
    for title, text in hand_written_notes():
        assert squash(title) in squash(notes) and squash(text) in squash(notes), title
    numbered = endnote_numbers(notes)
    assert numbered == list(range(1, len(numbered) + 1)), numbered  # in order, none left out
    assert len(numbered) > len(hand_written_notes())
    in_margin = Counter(n for doc in essay_pages() for n in margin_markers(chapters[doc]))
    assert in_margin == Counter(numbered), "each endnote's marker stands once in the essay's pages"


def test_no_editors_note_box_in_the_essay(chapters):
    """The essay's pages keep the editors' other boxes but no editor's note, nor its text."""
    essay = "\n".join(chapters[doc] for doc in essay_pages())
    for phrase in ["Editor's note", "The essay says:", "Other sources say:", "The editors' view:"]:
        assert phrase not in essay, f"{phrase!r} is still in the essay's pages"
    for d in load("disputes").itertuples():
        assert squash(d.topic) not in squash(essay), d.dispute_id
    for title, text in hand_written_notes():
        assert squash(text) not in squash(essay), title
    for box in ["Before you read: objectives and key terms", "Discussion questions"]:
        assert essay.count(box) == len(essay_pages()), f"{box!r} should stay on every essay page"


def test_every_reference_resolved(pdf):
    """No "??" in print: every {numref}, {ref} and page reference (the editor's notes' "p. 60")
    found its target."""
    log = LATEX_LOG.read_text(encoding="utf-8", errors="replace")
    undefined = [l for l in log.splitlines() if "undefined" in l and "Warning" in l]
    assert not undefined, undefined[:5]
    assert "??" not in " ".join(page_texts(pdf))


def test_latex_log_is_clean(pdf):
    log = LATEX_LOG.read_text(encoding="utf-8", errors="replace")
    lost = lost_characters(log)
    assert not lost, [f"{describe(char)} not in {', '.join(fonts)}" for char, fonts in lost.items()]
    assert "Missing character" not in log
    errors = [l for l in log.splitlines() if l.startswith("! ")]
    assert not errors, errors[:5]
    overfull = [l for l in log.splitlines() if l.startswith("Overfull \\hbox")]
    assert not overfull, overfull[:5]


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
    assert info.get("Keywords") == "; ".join(settings["edition_keywords"])


def contents(pdf) -> tuple[list[str], int]:
    """The entries of the contents ("Who's who 89"), from the page titled Contents to the first
    page without entries, and the number of pages they take."""
    texts = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout.split("\f")
    start = next(i for i, t in enumerate(texts) if t.split()[:1] == ["Contents"])
    entries, pages = [], 0
    for text in texts[start:]:
        lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        found = [re.sub(r"[ .]+\d+$", "", line) for line in lines if re.search(r"\S.*[ .]\d+$", line)]
        if not found:
            break
        entries, pages = entries + found, pages + 1
    return [e for e in entries if e != "Contents"], pages


def test_contents_list_parts_and_chapters_only(pdf):
    entries, pages = contents(pdf)
    expected = ["Introduction"]
    for caption, docs in toc_parts():
        expected += [caption] + [page_title(d)[0] for d in docs]
        if "chapters/closing" in docs:
            expected.append(ENDNOTES)  # after the essay's last page
    assert entries == expected, entries
    assert pages == 1, f"the contents take {pages} pages"


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
    """Each editor's note is printed once: a note on a fact the essay states as an endnote (the
    page "Editorial notes" points to it: "E7, p. 60"), a note on a fact the essay does not state
    on that page only."""
    whole = squash(" ".join(chapters.values()))
    disputes = list(load("disputes").itertuples())
    anchored = [d for d in disputes if isinstance(d.paragraph, str) and d.paragraph]
    assert anchored and len(anchored) < len(disputes)
    for d in disputes:
        said = squash(f"Other sources say: {d.others_say}")  # (what the essay says may be "Nothing.")
        assert whole.count(said) == 1, f"{d.dispute_id}: printed {whole.count(said)} times"
        where = ENDNOTES if d in anchored else "chapters/editorial-notes"
        assert said in squash(chapters[where]), f"{d.dispute_id} is not in {where}"
    for title, text in hand_written_notes():
        assert whole.count(squash(text)) == 1, title
    pointers = re.findall(r"editor's note E(\d+), p\. ?(\d+)", " ".join(chapters["chapters/editorial-notes"].split()))
    assert len(pointers) == len(anchored), pointers
    numbered = set(endnote_numbers(chapters[ENDNOTES]))
    assert {int(n) for n, _ in pointers} <= numbered


def test_every_page_a4_or_letter(pdf):
    """make pdf prints on A4, make pdf PAPER=letter on US Letter (612 x 792 pt): every page alike."""
    pages = int(pdfinfo(pdf)["Pages"])
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", str(pages), str(pdf)], check=True, capture_output=True,
                         text=True).stdout
    sizes = {(round(float(w)), round(float(h))) for w, h in re.findall(r"^Page +\d+ size: +([\d.]+) x ([\d.]+) pts", out, re.M)}
    assert len(sizes) == 1 and sizes <= {(595, 842), (612, 792)}, sizes
