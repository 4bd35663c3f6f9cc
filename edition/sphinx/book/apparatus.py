"""Sphinx plug-in: the essay's text and the dataset, linked both ways.

- Editor's notes on disputed facts: for every row of data/disputes.csv, a note at the paragraph
  where the essay makes the claim, saying what the essay says, what other sources say, and which
  sources, each cited (read time, so every edition has them; anchor `dispute-<id>`).
- "Data behind this paragraph": under each paragraph that dataset rows cite, a collapsed list of
  those rows (date as recorded, what, source) with links to the figures that draw them (HTML only),
  read from the figure record (edition/sphinx/book/figures.py: what each chart's marks carry), never guessed.
- The author's words are never interrupted (HTML and EPUB): every box that stands at a paragraph
  (editor's notes, data boxes) goes after the whole passage, never inside a block quotation nor
  between a lead-in ending in a colon and the quotation it introduces; the boxes after one passage
  stand together as one compact group, its data boxes merged into one.
- Chart marks to paragraphs: chart pages get an index from paragraph label to its URL, which
  `plotly-figures.js` uses when a reader clicks a mark that cites the essay.
- The `editorial-notes` directive lists every editor's note on disputes on one page.
"""
from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from edition.sphinx.book.labels import paragraph_labels
from edition.charts import source_names, when
from edition.data import load, references
from edition.essay import ESSAY, note_pages
from edition.paths import LABEL, NOTE_LABEL
from edition.sphinx.book.figures import main_figures
from edition.sphinx.book.folders import chapters_dir, data_dir
from edition.sphinx.book import register



def _blank(value) -> bool:
    return value is None or value != value  # None, NaN, NaT


def labels_of(value) -> list[str]:
    """The paragraph labels of a ';'-list cell (empty cells are NaN in pandas)."""
    return [label for label in value.split(";") if label] if isinstance(value, str) else []


@lru_cache(maxsize=1)
def _tables(stamp: tuple) -> dict:
    data = Path(stamp[0])
    found = {name: load(name, data) for name in
             ("events", "publications", "memberships", "size_estimates", "quotations", "disputes", "people", "groups",
              "happenings", "attestations")}
    return found | {"references": references(data)}


def tables(data: Path) -> dict:
    return _tables(_stamp(data))


def _stamp(data: Path) -> tuple:
    return (str(data),) + tuple((p.name, p.stat().st_mtime_ns) for p in sorted(data.glob("*")))


def rows_by_paragraph(data: Path) -> dict[str, list[dict]]:
    """label -> the dataset rows citing it: table, id, date, what, source, dispute."""
    return _rows_by_paragraph(_stamp(data))


@lru_cache(maxsize=1)  # once per state of data/, as tables(): every essay page asks for it
def _rows_by_paragraph(stamp: tuple) -> dict[str, list[dict]]:
    t = _tables(stamp)
    cited = t["references"]
    people = t["people"].set_index("person_id")["name"]
    groups = t["groups"].set_index("group_id")["short_name"]
    what = {
        "events": lambda r: r["summary"],
        "publications": lambda r: r["title"],
        "memberships": lambda r: f"{people.get(r['person_id'], r['person_id'])}: {r['role']} "
                                 f"({groups.get(r['group_id'], r['group_id'])})",
        "size_estimates": lambda r: f"{groups.get(r['group_id'])}: {r['measure']} "
                                    f"{'' if _blank(r['low']) else r['low']}–{'' if _blank(r['high']) else r['high']}"
                                    f" (estimated by {r['estimated_by']})",
    }
    agreed = _agreed(t["attestations"])
    found = defaultdict(list)
    for table, describe in what.items():
        frame = t[table]
        key = frame.columns[0]
        for r in frame.astype(object).where(frame.notna(), None).to_dict("records"):
            if not r.get("paragraph"):
                continue
            own = when(r.get("date_start"), r.get("date_end")) if r.get("date_start") is not None else "undated"
            when_agreed, sources = agreed.get(r[key], (own, [r["source_id"]]))
            row = dict(table=table, id=r[key], date=r.get("date_text") or "undated", what=describe(r),
                       source=cited[r["source_id"]], dispute=r.get("dispute_id"), when=when_agreed,
                       sources=sources)
            for label in r["paragraph"].split(";"):
                found[label].append(row)
    # a block quotation: the text it comes from, at the quotation's own paragraph
    titles = t["publications"].set_index("publication_id")
    for r in t["quotations"].astype(object).where(t["quotations"].notna(), None).to_dict("records"):
        text = titles.loc[r["publication_id"]] if r["publication_id"] in titles.index else None
        when_agreed = agreed.get(r["publication_id"], ("undated", []))[0]
        found[r["quote_paragraph"]].append(dict(
            when=when_agreed, sources=[r["source_id"]],
            table="quotations", id=r["quote_id"], date="undated" if text is None else text["date_text"] or "undated",
            what="The quotation comes from " + ("an unidentified text" if text is None else text["title"])
                 + (" (the editors' attribution)" if r["uncertain"] else ""),
            source=cited[r["source_id"]], dispute=None))
    return found


def _agreed(attestations) -> dict[str, tuple[str, list[str]]]:
    """happening id -> (when, in words, as its sources agree: "March 1923"; or where they do not, each
    version: "1927 or 7 November 1928"; its sources)."""
    from edition.charts import agreed_dates, when

    found = {}
    for happening, own in attestations.groupby("happening_id"):
        found[happening] = ("undated", list(dict.fromkeys(own["source_id"])))
    versions = agreed_dates(attestations[["happening_id"]].drop_duplicates().rename(columns={"happening_id": "id"}),
                            "id", attestations)
    for happening, rows in versions.groupby("id"):
        told = list(dict.fromkeys(when(r.start, r.end) for r in rows.itertuples()))
        said = (told[0] if len(told) == 1 else "sources disagree: " + " or ".join(told) if len(told) == 2 else
                f"sources disagree: {len(told)} versions, {when(rows['start'].min(), rows['end'].max())}")
        found[happening] = (said, found[happening][1])
    return found


def _xref(target: str, text: str, reftype: str = "ref") -> addnodes.pending_xref:
    ref = addnodes.pending_xref("", nodes.inline("", text), refdomain="std", reftype=reftype,
                                reftarget=target, refexplicit=True, refwarn=True)
    return ref


def _anchor_paragraph(doctree, label: str, labelled: dict) -> nodes.Element | None:
    """The node after which a note about `label` goes: the paragraph, or for note-N the
    paragraph that holds note N's marker."""
    if label in labelled:
        return labelled[label]
    m = NOTE_LABEL.match(label)
    if m:
        for ref in doctree.findall(nodes.footnote_reference):
            if ref.astext() == m.group(1):
                node = ref.parent
                while node.parent is not None and not isinstance(node.parent, nodes.section):
                    node = node.parent
                return node
    return None


def _after(node: nodes.Element, new: nodes.Node) -> None:
    """Insert `new` after `node`, and after any editor's notes already there (not after a
    teaching box such as "Discussion questions", which is not about this paragraph)."""
    parent = node.parent
    index = parent.index(node) + 1
    while index < len(parent.children) and _is_box(parent[index]):
        index += 1
    parent.insert(index, new)


def dispute_block(d: dict, with_topic: bool, t: dict) -> list[nodes.Node]:
    """What the editors say of one dispute: the essay's version, the others, the sources of each
    (`t`: the tables, as tables() gives them)."""
    # every source that attests a happening of this dispute, and the size estimates it concerns
    happenings, attestations, sizes = t["happenings"], t["attestations"], t["size_estimates"]
    concerned = happenings.loc[happenings["dispute_id"] == d["dispute_id"], "happening_id"]
    versions = attestations.loc[attestations["happening_id"].isin(concerned), "source_id"].tolist()
    versions += sizes.loc[sizes["dispute_id"] == d["dispute_id"], "source_id"].tolist()
    out = []
    rows = [("The essay says", d["essay_says"]), ("Other sources say", d["others_say"]),
            ("The editors' view", d["editors_view"]),
            ("Sources", "; ".join(t["references"][s] for s in dict.fromkeys(versions)) + ".")]
    for head, text in ([(d["topic"], None)] if with_topic else []) + rows:
        para = nodes.paragraph()
        para += nodes.strong("", head if text is None else f"{head}: ")
        if text is not None:
            para += nodes.Text(text)
        out.append(para)
    return out


def dispute_note(disputes: list[dict], t: dict, anchored: bool = False) -> nodes.admonition:
    """One editor's note for the disputes about one paragraph; with `anchored`, each dispute
    gets its anchor `dispute-<id>` (registered by DisputeNotes, so {ref} can link to it)."""
    title = (f"Editor's note: {disputes[0]['topic']}" if len(disputes) == 1
             else f"Editor's note: {len(disputes)} disputed facts")
    note = nodes.admonition(classes=["editorial", "editor-note", "dispute", "dropdown"])
    note += nodes.title("", title)
    for d in disputes:
        block = nodes.container(classes=["dispute-entry"])
        block += dispute_block(d, len(disputes) > 1, t)
        if anchored:
            block["dispute_target"] = f"dispute-{d['dispute_id']}"
        note += block
    return note


class DisputeNotes(SphinxTransform):
    """Editor's notes on the dataset's disputes, at their paragraphs (every edition)."""

    default_priority = 840  # before Sphinx collects the targets (SphinxDomains, 850)

    def apply(self) -> None:
        if self.env.docname.removeprefix("chapters/") in ESSAY:
            self.place_notes()
        for block in self.document.findall(nodes.container):
            if block.get("dispute_target"):  # a target for {ref}, id and all
                block["names"] = [block["dispute_target"]]
                self.document.note_explicit_target(block, block)

    def place_notes(self) -> None:
        data = data_dir(self.env)
        for path in sorted(data.glob("*")):
            self.env.note_dependency(str(path))  # data changes refresh the essay's pages
        labelled = dict(paragraph_labels(self.document))
        at = defaultdict(list)  # the paragraph each dispute's note stands at (its first label)
        t = tables(data)
        for d in t["disputes"].to_dict("records"):
            labels = labels_of(d["paragraph"])
            anchor = _anchor_paragraph(self.document, labels[0], labelled) if labels else None
            if anchor is not None:
                at[id(anchor)].append((anchor, d))
        for pairs in at.values():
            _after(pairs[0][0], dispute_note([d for _, d in pairs], t, anchored=True))


class DataBehind(SphinxPostTransform):
    """Under each paragraph with data (and in each of the author's notes with data), a collapsed short
    list: one line per happening, "when (as the sources agree) · what · how many sources", then the
    figures that draw it in their order (Fig. 1 · 2 · 8), each link landing on the chart with the
    happening's mark picked out (?mark=<row id>#<figure>, read by plotly-figures.js)."""

    default_priority = 5  # before Sphinx resolves the references it adds (priority 10)
    builders = ("html", "dirhtml", "singlehtml")

    def run(self, **kwargs) -> None:
        if self.env.docname.removeprefix("chapters/") not in ESSAY:
            return
        rows = rows_by_paragraph(data_dir(self.env))
        drawn = main_figures(self.env)
        notes = [(fn["ids"][0], fn) for fn in self.document.findall(nodes.footnote)
                 if fn["ids"] and NOTE_LABEL.match(fn["ids"][0])]
        for label, node in paragraph_labels(self.document) + notes:
            charted = self.in_order([name for name, fig in drawn.items() if label in fig.labels])
            if label not in rows and not charted:
                continue
            count = len(rows.get(label, []))
            box = nodes.admonition(classes=["editorial", "data-behind", "dropdown"], data_label=label,
                                   data_rows=count)
            shown_label = label.replace("-", " ") if label.startswith("note-") else label
            box += nodes.title("", f"Data behind {shown_label} ({count} {'row' if count == 1 else 'rows'})")
            items = nodes.bullet_list(classes=["data-lines"])
            for r in rows.get(label, []):
                item = nodes.paragraph()
                item += nodes.strong("", r["when"])
                item += nodes.Text(f" · {r['what']} · ")
                item += nodes.Text(f"{len(r['sources'])} sources" if len(r["sources"]) > 1
                                   else source_names(";".join(r["sources"])))
                if r["dispute"]:
                    item += nodes.Text(" · ")
                    item += _xref(f"dispute-{r['dispute']}", "disputed")
                figures = self.in_order([n for n, fig in drawn.items() if r["id"] in fig.ids])
                for i, name in enumerate(figures):
                    item += nodes.Text(" · ")
                    item += self.figure_ref(name, r["id"], first=i == 0)
                items += nodes.list_item("", item)
            box += items
            # every chart whose marks cite this paragraph, whichever rows they draw
            if charted:
                shown = nodes.paragraph()
                shown += nodes.Text("Charts that cite it: ")
                for i, name in enumerate(charted):
                    shown += nodes.Text(" · " if i else "")
                    shown += self.figure_ref(name, first=i == 0)
                shown += nodes.Text(".")
                box += shown
            if isinstance(node, nodes.footnote):  # in the note itself, under its words, as a passage's group
                node += nodes.container("", box, classes=["apparatus", "editorial", "data-only"])
            else:
                _after(node, box)

    def number(self, name: str) -> tuple:
        std = self.env.get_domain("std")
        docname, labelid, _ = std.labels.get(name, ("", "", ""))
        return tuple(self.env.toc_fignumbers.get(docname, {}).get("figure", {}).get(labelid) or (999,))

    def in_order(self, names: list[str]) -> list[str]:
        return sorted(names, key=self.number)

    def figure_ref(self, name: str, mark: str | None = None, first: bool = True) -> nodes.Element:
        """A link to a chart, "Fig. 8" (or "8" after the first of a line), made here from the number
        Sphinx gave the figure: a numref reads the chart's whole page (a pickled doctree of plotly
        outputs) once per reference, and the boxes hold some 700 (15 s of a build). With `mark`, the
        link asks the chart to pick out that row's mark (?mark=<row id>)."""
        std = self.env.get_domain("std")
        docname, labelid, _ = std.labels.get(name, ("", "", ""))
        number = self.env.toc_fignumbers.get(docname, {}).get("figure", {}).get(labelid)
        if not number:  # Sphinx resolves it (or says what is wrong)
            return _xref(name, "Fig. {number}", reftype="numref")
        text = ("Fig. " if first else "") + ".".join(map(str, number))
        uri = self.app.builder.get_relative_uri(self.env.docname, docname)
        query = f"?mark={quote(mark, safe='')}" if mark else ""
        ref = nodes.reference("", text, refuri=f"{uri}{query}#{labelid}", classes=["figure-link"])
        ref["reftitle"] = f"Fig. {'.'.join(map(str, number))}" + (", this row's mark picked out" if mark else "")
        return ref


def _is_box(node: nodes.Node) -> bool:
    """A box that stands at a paragraph: an editor's note or a data box (collapsed, editorial)."""
    return (isinstance(node, nodes.admonition) and "editorial" in node["classes"]
            and "dropdown" in node["classes"])


def _own_text(node: nodes.Node) -> str:
    """A paragraph's text without its label and the marks of the author's notes."""
    if isinstance(node, nodes.Text):
        return node.astext()
    if isinstance(node, nodes.footnote_reference) or "para-label" in node.get("classes", []):
        return ""
    return "".join(_own_text(child) for child in node.children)


def leads_in(node: nodes.Node) -> bool:
    """A paragraph that introduces what follows it: it ends with a colon."""
    return isinstance(node, nodes.paragraph) and _own_text(node).rstrip().endswith(":")


def _is_text(node: nodes.Node) -> bool:
    return isinstance(node, (nodes.paragraph, nodes.block_quote)) and "editorial" not in node["classes"]


def _merged(boxes: list[nodes.admonition]) -> list[nodes.admonition]:
    """Editor's notes first, in order; then one data box for all the passage's paragraphs."""
    data = [b for b in boxes if "data-behind" in b["classes"]]
    notes = [b for b in boxes if "data-behind" not in b["classes"]]
    if len(data) > 1:
        labels = [b["data_label"] for b in data]
        merged = nodes.admonition(classes=list(data[0]["classes"]), data_label=labels[0])
        merged += nodes.title("", f"Data behind {', '.join(labels[:-1])} and {labels[-1]} "
                                  f"({sum(b['data_rows'] for b in data)} rows)")
        for box in data:
            merged += nodes.paragraph("", box["data_label"], classes=["data-behind-label"])
            for child in list(box.children[1:]):
                box.remove(child)
                merged += child
        data = [merged]
    return notes + data


class PassageApparatus(SphinxPostTransform):
    """Boxes after the whole passage: not inside a quotation, not between a lead-in and its quotation.

    A passage is a paragraph or quotation, with the quotation(s) that a paragraph ending in a colon
    introduces. The boxes found inside or between its parts go after it, in one group
    (class "apparatus"), data boxes merged into one. HTML and EPUB; the Typst PDF prints each
    box where it stands.
    """

    default_priority = 6  # after DataBehind (5), before references are resolved (10)
    builders = ("html", "dirhtml", "singlehtml", "epub")

    def run(self, **kwargs) -> None:
        if self.env.docname.removeprefix("chapters/") not in ESSAY:
            return
        for block in list(self.document.findall(nodes.block_quote)):
            inside = [n for n in block.findall(_is_box)]
            parent = block.parent
            at = parent.index(block) + 1
            while at < len(parent.children) and _is_box(parent[at]):
                at += 1
            for box in inside:
                box.parent.remove(box)
                parent.insert(at, box)
                at += 1
        for parent in list(self.document.findall(lambda n: isinstance(n, (nodes.section, nodes.document)))):
            self.regroup(parent)

    @staticmethod
    def regroup(parent: nodes.Element) -> None:
        i = 0
        while i < len(parent.children):
            start = parent[i]
            if not _is_text(start):
                i += 1
                continue
            end, boxes, j = start, [], i + 1
            while j < len(parent.children):
                node = parent[j]
                if _is_box(node):
                    boxes.append(node)
                elif isinstance(node, (nodes.target, nodes.comment)):  # a label's target: invisible
                    pass
                elif isinstance(node, nodes.block_quote) and (leads_in(end) or isinstance(end, nodes.block_quote)):
                    end = node
                else:
                    break
                j += 1
            if boxes:
                for box in boxes:
                    parent.remove(box)
                kept = _merged(boxes)
                only_data = all("data-behind" in b["classes"] for b in kept)
                group = nodes.container(classes=["apparatus", "editorial"] + (["data-only"] if only_data else []))
                group.extend(kept)
                parent.insert(parent.index(end) + 1, group)
            i = parent.index(end) + 1


class EditorialNotes(SphinxDirective):
    """All the editor's notes on disputed facts, with links to their paragraphs."""

    def run(self):
        out, data = [], data_dir(self.env)
        t = tables(data)
        for d in t["disputes"].to_dict("records"):
            para = nodes.paragraph()
            labels = labels_of(d["paragraph"])
            if labels:  # the note stands at its paragraph too (DisputeNotes)
                para += nodes.Text("The essay, at " + ", ".join(labels) + ": ")
                para += _xref(f"dispute-{d['dispute_id']}", "read the note in place")
                para += nodes.Text(".")
                note = dispute_note([d], t)
            else:  # the essay is silent: this page is the note's only place
                para += nodes.Text("Not stated by the essay; the dataset records the disagreement.")
                note = dispute_note([d], t, anchored=True)
            out.append(para)
            note["classes"] = [c for c in note["classes"] if c != "dropdown"]
            out.append(note)
        for path in sorted(data.glob("*")):
            self.env.note_dependency(str(path))
        return out


def _paragraph_index(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """On pages with charts: label -> URL of the paragraph, for clicks on chart marks."""
    if doctree is None or "plotly-figure" not in str(context.get("body", "")):
        return
    labels = app.env.get_domain("std").anonlabels  # paragraph targets are anonymous labels
    index = {label: f"{context['pathto'](doc)}#{anchor}" for label, (doc, anchor) in labels.items()
             if LABEL.match(label)}
    for note, page in note_pages(chapters_dir(app)).items():  # anchors note-N (edition.sphinx.book.labels.NoteAnchors)
        index[note] = f"{context['pathto'](f'chapters/{page}')}#{note}"
    app.add_js_file(None, body=json.dumps(index, sort_keys=True), type="application/json",
                    id="paragraph-index")


def setup(app: Sphinx) -> dict:
    return register(app, transforms=[DisputeNotes], post_transforms=[DataBehind, PassageApparatus],
                    directives={"editorial-notes": EditorialNotes}, events=[("html-page-context", _paragraph_index)])
