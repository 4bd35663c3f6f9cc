"""The PDF edition: the editor's notes on the essay's pages become endnotes (LaTeX builder only).

On the web an editor's note is a box at its paragraph. In print the boxes would break up the
essay, so here every one of them (the dispute notes of edition.book.apparatus, and the chapters'
hand-written "Editor's note: ..." boxes; not "Before you read" or "Discussion questions") leaves
a marker E1, E2, ... in the margin, beside the line it concerns, and is printed in an "Editor's
notes" chapter at the end of the essay's part: numbered in reading order, grouped under the essay's
sections, each with its paragraph label and a page reference back. A reader finds every note in
one place, after the text as in a printed scholarly edition, and cites it as "editor's note E7";
the author's own notes 1-5 stay footnotes. The markers and the endnotes are set in the editors'
grey sans serif (edition/print/assets/latex/edition.sty), as everything the editors add.

Where the marker goes: a hand-written note quotes its word in its title ("Editor's note:
"Kuznetzov" (the essay's spelling)", "Editor's note: "offical" [sic]"), so its marker stands at
that word's line, or at the author's note that holds it ("Democraric" is in note 5); a note on
disputes about one author's note stands at that note's mark; any other note at the end of its
paragraph, where the box stood.

The page "Editorial notes" repeats the notes on disputed facts; in print each of those that is an
endnote is only pointed to there ("editor's note E7, p. 60"), so that every note is printed once.
"""
from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from edition.paths import LABEL, NOTE_LABEL
from edition.essay import ESSAY

logger = logging.getLogger(__name__)

TITLE = "Editor's notes"  # the chapter's title; tests/printed.py ends the essay's text there
PREFIX = re.compile(r"^Editor['’]s note:\s*")
QUOTED = re.compile(r'^"([^"]+)"')  # the essay's word, quoted at the start of a note's title
INTRO = ("The editors' notes to the essay, numbered in the order of the text. Each number (E1, "
         "E2, ...) stands in the essay's margin beside the line the note concerns; here each note "
         "gives its paragraph label and page. The author's own notes, numbered 1 to 5, are "
         "footnotes on the essay's pages. The page \"Editorial notes\" lists the notes on disputed "
         "facts by these numbers.")
# The page "Editorial notes" in print: each note printed here is only pointed to there.
POINTER_INTRO = ("In print, each note on a fact that the essay states is printed once, among the "
                 "editor's notes after the essay; here it is listed with its number and page. The "
                 "notes on facts that the essay does not state are printed here in full.")


def _raw(latex: str) -> nodes.raw:
    return nodes.raw("", latex, format="latex")


def is_editors_note(node: nodes.Node) -> bool:
    """An editor's note box: class "editorial" and either a dispute note or titled "Editor's note"."""
    if not isinstance(node, nodes.admonition) or "editorial" not in node["classes"]:
        return False
    title = node.next_node(nodes.title)
    return "editor-note" in node["classes"] or (title is not None and bool(PREFIX.match(title.astext())))


def _anchor(note: nodes.admonition) -> nodes.Element | None:
    """The paragraph (or block quotation) the note stands after."""
    parent = note.parent
    for node in reversed(parent.children[: parent.index(note)]):
        if isinstance(node, (nodes.paragraph, nodes.block_quote)):
            return node
        if isinstance(node, (nodes.title, nodes.section)):
            return None
    return None


def _label(anchor: nodes.Element) -> str:
    return next((i for i in anchor["ids"] if LABEL.match(i)), "")


def _text_paragraphs(anchor: nodes.Element) -> list[nodes.paragraph]:
    """The paragraphs of the author's text in the anchor (a quotation's source line left out)."""
    if isinstance(anchor, nodes.paragraph):
        return [anchor]
    return [p for p in anchor.findall(nodes.paragraph)
            if "attribution" not in p["classes"] + p.parent.get("classes", [])]


def _after_word(paragraphs: list[nodes.paragraph], lemma: str):
    """(parent, index) just after the first word of the paragraphs' own text that holds the lemma."""
    for para in paragraphs:
        for text in [c for c in para.children if isinstance(c, nodes.Text)]:
            at = str(text).find(lemma)
            if at < 0:
                continue
            end = at + len(lemma)
            while end < len(text) and not text[end].isspace():
                end += 1  # after the whole word and its punctuation ("Miasnikov,")
            index = para.index(text)
            para.replace(text, [nodes.Text(part) for part in (text[:end], text[end:]) if part])
            return para, index + 1
    return None


def _after_footnote_mark(page: nodes.Element, anchor: nodes.Element, test):
    """(parent, index) just after the first author's note mark in the anchor whose note passes
    `test`, and the note's number."""
    notes = {i: fn for fn in page.findall(nodes.footnote) for i in fn["ids"]}
    for ref in anchor.findall(nodes.footnote_reference):
        note = notes.get(ref.get("refid", ""))
        if note is not None and test(ref, note):
            return (ref.parent, ref.parent.index(ref) + 1), ref.astext()
    return None, ""


def _first_labels() -> dict[str, str]:
    """dispute-<id> -> the first paragraph label the dispute cites (note-3: about note 3)."""
    from edition.book.apparatus import labels_of, tables
    return {f"dispute-{d['dispute_id']}": (labels_of(d["paragraph"]) or [""])[0]
            for d in tables()["disputes"].to_dict("records")}


def lemma(title: str) -> str:
    """The essay's word that a hand-written note's title quotes: "offical" in
    'Editor's note: "offical" [sic]'; an unquoted title is the word itself."""
    title = PREFIX.sub("", title)
    quoted = QUOTED.match(title)
    return quoted.group(1) if quoted else title


def marker_position(page: nodes.Element, note: nodes.admonition, anchor: nodes.Element):
    """(parent, index) where the note's marker goes, and the author's note it concerns ("3"), if any."""
    paragraphs = _text_paragraphs(anchor)
    if "dispute" in note["classes"]:
        first = _first_labels()
        labels = {first.get(e["dispute_target"], "") for e in note.findall(nodes.container)
                  if e.get("dispute_target")}
        about = NOTE_LABEL.match(labels.pop()) if len(labels) == 1 else None
        if about:
            at, number = _after_footnote_mark(page, anchor, lambda ref, _: ref.astext() == about.group(1))
            if at:
                return at, number
    else:
        word = lemma(note.next_node(nodes.title).astext())
        at = _after_word(paragraphs, word) if word else None
        if at:
            return at, ""
        at, number = _after_footnote_mark(page, anchor, lambda _, fn: word in fn.astext())
        if at:
            return at, number
    return (paragraphs[-1], len(paragraphs[-1])), ""


def put_marker(parent: nodes.Element, index: int, number: int) -> None:
    """A marker node at parent[index]; beside another one, the two share it ("E10, E11")."""
    for near in parent.children[max(0, index - 1): index + 1]:
        if isinstance(near, nodes.raw) and "edition_marks" in near:
            near["edition_marks"].append(number)
            return
    parent.insert(index, nodes.raw("", "", format="latex", edition_marks=[number]))


def marker_latex(numbers: list[int]) -> str:
    labels = "".join(rf"\label{{edition-mark-{n}}}" for n in numbers)
    refs = ", ".join(rf"\editionnoteref{{{n}}}" for n in numbers)
    return rf"\editionnotemark{{{labels}}}{{{refs}}}"


def endnote(number: int, label: str, note: nodes.admonition, docname: str) -> nodes.container:
    """The note as printed among the endnotes: number, label and page, title, the note's text."""
    title = PREFIX.sub("", note.next_node(nodes.title).astext())
    head = nodes.paragraph()
    head += _raw(rf"\editionendnote{{{number}}}{{{label}}}")
    head += nodes.strong("", title)
    out = nodes.container("", head, classes=["edition-endnote"])
    for child in list(note.children):
        if isinstance(child, nodes.title):
            continue
        note.remove(child)
        if isinstance(child, nodes.container) and "dispute-entry" in child["classes"]:
            # LaTeX writes no anchor for a container's id: give "dispute-<id>" one here, so the
            # page "Editorial notes" links to the note where it now stands.
            child["classes"] = ["edition-endnote-part"]
            for ident in child["ids"]:
                child.insert(0, _raw(rf"\phantomsection\label{{\detokenize{{{docname}:{ident}}}}}"))
        out += child
    return out


class EditorsNotesAsEndnotes(SphinxPostTransform):
    """Move the editor's notes of the essay's pages to an "Editor's notes" chapter (see above)."""

    # On the assembled book, before Sphinx's LaTeXFootnoteTransform (600) moves the author's
    # notes to their marks.
    default_priority = 590
    builders = ("latex",)

    def run(self, **kwargs) -> None:
        pages = [f for f in self.document.findall(addnodes.start_of_file)
                 if f["docname"].removeprefix("chapters/") in ESSAY]
        if not pages:
            return  # not the assembled book
        number, groups, numbered = 0, [], {}
        for page in pages:
            notes = [(n, _anchor(n)) for n in page.findall(is_editors_note)]
            entries = []
            for note, anchor in notes:
                if anchor is None:
                    logger.warning("an editor's note stands after no paragraph: not printed", location=note)
                    continue
                number += 1
                numbered.update({e["dispute_target"]: number for e in note.findall(nodes.container)
                                 if e.get("dispute_target")})
                (parent, index), footnote = marker_position(page, note, anchor)
                put_marker(parent, index, number)
                where = ", ".join(filter(None, [_label(anchor), footnote and f"note {footnote}"]))
                note.parent.remove(note)
                entries.append(endnote(number, where, note, page["docname"]))
            if entries:
                groups.append((page, entries))
        for mark in list(self.document.findall(nodes.raw)):
            if "edition_marks" in mark:
                mark.replace_self(_raw(marker_latex(mark["edition_marks"])))
        if groups:
            last = pages[-1]
            last.parent.insert(last.parent.index(last) + 1, self._chapter(groups))
        self._point_to_endnotes(numbered)

    def _point_to_endnotes(self, numbered: dict[str, int]) -> None:
        """The page "Editorial notes" repeats every note on a disputed fact that the essay states
        (edition.book.apparatus.EditorialNotes: a line "The essay, at wg-4: read the note in place.",
        then the note). In print such a note is an endnote already: its line here becomes a
        pointer to it ("E7, p. 60") and the note itself is left out. A note on a fact the essay
        does not state is printed here only, in full."""
        from edition.book.apparatus import tables
        by_topic = {f"Editor's note: {d['topic']}": f"dispute-{d['dispute_id']}"
                    for d in tables()["disputes"].to_dict("records")}
        first = None
        for note in list(self.document.findall(is_editors_note)):
            target = by_topic.get(note.next_node(nodes.title).astext())
            parent = note.parent
            at = parent.index(note)
            line = parent[at - 1] if at else None
            if target not in numbered or not isinstance(line, nodes.paragraph) \
                    or not line.astext().startswith("The essay, at "):
                continue
            n = numbered[target]
            pointer = nodes.paragraph()
            pointer += nodes.strong("", note.next_node(nodes.title).astext().removeprefix("Editor's note: ") + ". ")
            pointer += nodes.Text(line.astext().split(":")[0] + ": editor's note ")
            pointer += _raw(rf"\editionnoteref{{{n}}}, p.\,\pageref{{edition-note-{n}}}.")
            parent.remove(note)
            parent.replace(line, pointer)
            first = first or pointer
        if first is not None:
            first.parent.insert(first.parent.index(first), nodes.container(
                "", nodes.paragraph("", POINTER_INTRO), classes=["editorial-heading-note"]))

    @staticmethod
    def _chapter(groups) -> nodes.section:
        """The chapter: a short note on how to read it, then the notes under each essay section's
        title. Each group stays in its page's scope (start_of_file), so its anchors keep their names."""
        chapter = nodes.section("", nodes.title("", TITLE), ids=["edition-editors-notes"])
        chapter += nodes.container("", nodes.paragraph("", INTRO), classes=["editorial-heading-note"])
        for page, entries in groups:
            scope = addnodes.start_of_file(docname=page["docname"])
            heading = page.next_node(nodes.title)
            name = page["docname"].removeprefix("chapters/")
            section = nodes.section("", nodes.title("", heading.astext() if heading else name),
                                    ids=[f"edition-editors-notes-{name}"])
            section += entries
            scope += section
            chapter += scope
        return chapter
