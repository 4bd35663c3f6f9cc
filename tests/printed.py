"""Read the PDF edition back as words: essay body and author's notes, apart, in reading order.

`pdftohtml -xml` gives every run of text with its position, size and font. The PDF's look
(edition/sphinx/print/typst.py, preamble) makes the parts tell apart:
- page furniture (running heads, page numbers) sits above or below the text block, whose top
  is the highest line of body type (the serif size that carries the most text);
- whatever the editors add (paragraph labels in the margin, boxed notes, remarks) is sans serif;
- the author's notes are serif, smaller than the body; a note's number in the text is a small
  run of digits on a body line;
- the editor's notes are boxes in the editors' sans serif, where the web book has them.
Words hyphenated at a line end are joined back where the seed has them joined.
"""
from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from fidelity import ROOT, words

PDF = ROOT / "_build" / "pdf" / "book.pdf"  # make pdf: the whole edition (edition/sphinx/print/typst.py)


@dataclass
class Run:
    page: int
    top: float
    left: float
    width: float
    size: float
    family: str
    text: str


def runs(pdf: Path = PDF) -> list[Run]:
    out = subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-stdout", str(pdf)],
                         check=True, capture_output=True, text=True).stdout
    root = ET.fromstring(out)
    found = []
    for page in root.iter("page"):
        fonts = {f.get("id"): f for f in root.iter("fontspec")}
        for t in page.iter("text"):
            font = fonts[t.get("font")]
            found.append(Run(int(page.get("number")), float(t.get("top")), float(t.get("left")),
                             float(t.get("width")), float(font.get("size")), font.get("family"),
                             "".join(t.itertext())))
    return found


def _furniture_band(all_runs: list[Run], body_size: float) -> tuple[float, float]:
    """(top, bottom) of the text block: running heads are above the highest line of body type,
    page-number footers are the lowest runs of all (footnotes stay above them)."""
    head = min(r.top for r in all_runs if r.size == body_size) - 2
    foot = max(r.top for r in all_runs if r.text.strip().isdigit()) - 4
    return head, foot


def _lines_to_text(parts: list[Run]) -> str:
    """Join runs: no space where one run ends where the next begins on the same line."""
    text, prev = "", None
    for r in parts:
        if prev is not None:
            same_line = abs(r.top - prev.top) <= 8
            touching = same_line and -1 <= r.left - (prev.left + prev.width) <= 2
            text += "" if touching else " "
        text += r.text
        prev = r
    return text


def classify(all_runs: list[Run]):
    """Per page: (body runs, note runs), furniture and the editors' sans serif runs left out."""
    # The body size is the serif size that carries the most text. Counting runs instead would
    # pick the notebooks' code (\small, split by the syntax colours into a run per token), which
    # has the running heads' size: the heads would then pass for body text.
    chars = Counter()
    for r in all_runs:
        if "Sans" not in r.family and "Mono" not in r.family:
            chars[r.size] += len(r.text)
    body_size = chars.most_common(1)[0][0]
    head, foot = _furniture_band(all_runs, body_size)
    serif = [r for r in all_runs if "Sans" not in r.family and head < r.top < foot]
    body_lines: dict[int, list[float]] = {}  # page -> tops of its body-size runs
    for r in serif:
        if r.size >= body_size * 0.9:
            body_lines.setdefault(r.page, []).append(r.top)
    pages: dict[int, tuple[list[Run], list[Run]]] = {}
    for r in serif:
        body, notes = pages.setdefault(r.page, ([], []))
        if r.size >= body_size * 0.9:
            body.append(r)
        elif r.text.strip().isdigit() and any(abs(top - r.top) <= 8 for top in body_lines.get(r.page, [])):
            body.append(r)  # a note's number in the running text
        else:
            notes.append(r)
    return pages


def serif_words(pdf: Path) -> tuple[list[str], list[str]]:
    """(body words, notes words) of a PDF of the Typst editions (edition/sphinx/print/typst.py), in page order:
    the look tells the author's words (serif) from the editors' (sans),
    the notes (smaller serif) from the body; furniture is left out."""
    pages = classify(runs(pdf))
    body, notes = [], []
    for number in sorted(pages):
        body += words(_lines_to_text(pages[number][0]))
        notes += words(_lines_to_text(pages[number][1]))
    return body, notes


def dehyphenate(tokens: list[str], expected: list[str]) -> list[str]:
    """Join "counter-" + "revolution" where the expected text has the word whole, with or without
    its hyphen. After the first word that differs, tokens are kept as they are."""
    out, i, j = [], 0, 0
    while j < len(tokens):
        tok = tokens[j]
        want = expected[i] if i < len(expected) else None
        if tok != want and tok.endswith("-") and j + 1 < len(tokens) and want in (
                tok[:-1] + tokens[j + 1], tok + tokens[j + 1]):
            out.append(want)
            j += 2
        elif tok == want:
            out.append(tok)
            j += 1
        else:
            return out + tokens[j:]
        i += 1
    return out


def _find(seq: list[str], sub: list[str], start: int = 0) -> int:
    for k in range(start, len(seq) - len(sub) + 1):
        if seq[k:k + len(sub)] == sub:
            return k
    return -1


def page_title(docname: str) -> tuple[str, bool]:
    """(title, editorial_title?) of a page of the book, from its source."""
    for suffix in (".md", ".ipynb"):
        path = ROOT / (docname + suffix)
        if path.exists():
            break
    text = path.read_text(encoding="utf-8")
    if suffix == ".ipynb":
        import json
        cells = json.loads(text)["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        meta = {}
    else:
        meta = yaml.safe_load(text.split("---")[1]) if text.startswith("---") else {}
    title = next(line[2:].strip() for line in text.splitlines() if line.startswith("# "))
    return title, bool((meta or {}).get("editorial_title"))


def toc_parts() -> list[tuple[str, list[str]]]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [(p["caption"], [c["file"] for c in p["chapters"]]) for p in toc["parts"]]


def essay_words_from_pdf(pdf: Path, seed_body: list[str]) -> tuple[list[str], list[str]]:
    """(body words, notes words) of the essay's pages in the PDF, in reading order: the serif
    words of the pages of each essay chapter (chapter_pages), the editors' sans serif left out."""
    from fidelity import essay_pages
    pages = classify(runs(pdf))
    ranges = chapter_pages(pdf)
    body, notes = [], []
    for doc in essay_pages():
        for number in ranges[doc]:
            page_body, page_notes = pages.get(number, ([], []))
            body += words(_lines_to_text(page_body))
            notes += words(_lines_to_text(page_notes))
    return dehyphenate(body, seed_body), notes


def page_texts(pdf: Path = PDF) -> list[str]:
    """The text of every page, in every font, as pdftotext reads it (page 1 first)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return out.split("\f")


def chapter_pages(pdf: Path = PDF) -> dict[str, range]:
    """The pages (numbered from 1) of each chapter, by docname. Every page of _toc.yml starts a
    new page with its title: a chapter starts on the first page after the previous chapter's start
    whose text (after the running head: the book's title and the part's) begins with its title."""
    order = [(doc, page_title(doc)[0]) for _, docs in toc_parts() for doc in docs]
    texts, starts, k = page_texts(pdf), [], 0
    for key, title in order:
        title = words(title)
        while k < len(texts) and not _begins_with(words(texts[k]), title):
            k += 1
        assert k < len(texts), f"no page begins with the title {' '.join(title)!r}"
        starts.append((key, k))
    ends = [k for _, k in starts[1:]] + [len(texts)]
    return {key: range(k + 1, end + 1) for (key, k), end in zip(starts, ends)}


def chapter_texts(pdf: Path = PDF) -> dict[str, str]:
    """The text of each chapter's pages, every font (editors' boxes and margins too), by docname."""
    texts = page_texts(pdf)
    return {key: "\n".join(texts[n - 1] for n in pages) for key, pages in chapter_pages(pdf).items()}


def _begins_with(page: list[str], title: list[str]) -> bool:
    """The page's first words are the title, after a running head of at most 20 words."""
    return any(page[i:i + len(title)] == title for i in range(min(20, len(page))))


def source_figures() -> list[tuple[str, str, str, bool]]:
    """(docname, name, caption, in a worked solution?) of every captioned chart of the notebooks
    (`mystnb: figure:` in code cells), in the order of the book."""
    found = []
    for _, chapters in toc_parts():
        for doc in chapters:
            path = ROOT / (doc + ".md")
            if not path.exists():  # a page kept as .ipynb: its cells' metadata (no gated solutions)
                import json
                notebook = ROOT / (doc + ".ipynb")
                cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"] if notebook.exists() else []
                for cell in cells:
                    fig = cell.get("metadata", {}).get("mystnb", {}).get("figure", {})
                    if fig.get("caption"):
                        found.append((doc, fig.get("name", ""), fig["caption"], False))
                continue
            text = path.read_text(encoding="utf-8")
            solutions = [m.span() for m in re.finditer(r"```\{solution-start\}.*?```\{solution-end\}", text, re.S)]
            for m in re.finditer(r"```\{code-cell\}[^\n]*\n---\n(.*?)\n---\n", text, re.S):
                fig = (yaml.safe_load(m.group(1)) or {}).get("mystnb", {}).get("figure", {})
                if fig.get("caption"):
                    solution = any(a <= m.start() < b for a, b in solutions)
                    found.append((doc, fig.get("name", ""), fig["caption"], solution))
    return found


def figure_captions() -> list[str]:
    """Captions of the notebooks' printed figures (not those in worked solutions, which the
    printed editions leave out: edition/sphinx/classroom/teaching.py)."""
    return [caption for _, _, caption, solution in source_figures() if not solution]


# --- Exact text: what the data holds, character for character (issue 10, "Data is data"). ---

BIDI_CONTROLS = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def bibliography_entry(source: dict) -> str:
    """A source's entry as the bibliography must print it: each field of data/sources.csv as
    written (a run of spaces, tabs or newlines as one space), a period after each, the address."""
    def cell(column: str) -> str:
        return re.sub(r"[ \t\n\r\f\v]+", " ", source[column] or "").strip(" ")
    def repeats(part: str, *shown: str) -> bool:  # the book leaves out what the title already says
        part = re.sub(r"\s*\([^)]*\)", "", part).strip().casefold()
        return bool(part) and any(part in s.casefold() for s in shown)
    author, title, container, date = (cell(c) for c in ("author", "title", "container", "date_text"))
    container = "" if repeats(container, title) else container
    date = "" if repeats(date, title, container) else date
    parts = [author, title, container, date]
    text = " ".join(p if p.endswith((".", "?", "!")) else p + "." for p in parts if p)
    return text + (f" URL: {cell('url')}." if cell("url") else "")


def body_texts(pdf: Path = PDF) -> list[str]:
    """The text of every page's text block, as pdftotext reads it: the page numbers and running
    heads, in the margins above and below it (edition/sphinx/print/typst.py, preamble: 26 mm and 30 mm
    of the page, A4 or Letter), are cut off."""
    top, bottom = 26 / 25.4 * 72, 30 / 25.4 * 72
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-x", "0", "-y", str(round(top)), "-W", "1000",
                          "-H", str(round(page_size(pdf)[1] - top - bottom)), str(pdf), "-"],
                         check=True, capture_output=True, text=True).stdout
    return out.split("\f")


def page_size(pdf: Path = PDF) -> tuple[float, float]:
    """(width, height) in points of the PDF's first page, as pdfinfo reads it."""
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", out, re.M).groups()
    return float(width), float(height)


def prints(expected: str, text: str) -> bool:
    """Whether pdftotext's `text` holds `expected`, character for character, apart from what
    pdftotext itself cannot tell: spaces (poppler rebuilds them from the glyphs' positions, and
    moves them around a right-to-left run, which it marks with bidi controls that are not in the
    PDF), line ends (anywhere), and a hyphen at a line's end, which poppler drops whether it is
    a hyphenation's or the text's own (the-uncensored-wiki.com)."""
    flat = re.sub(r"[^\S\n]", "", BIDI_CONTROLS.sub("", text)).replace("\n", "\0")
    chars = [re.escape(c) + ("?" if c == "-" else "") for c in "".join(expected.split())]
    return re.search(r"(?:-?\0+)?".join(chars), flat) is not None
