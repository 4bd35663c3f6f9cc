"""Sphinx directive `whos-who`: the people of the companion dataset, generated at every build.

For each row of the `people` table: the name and other spellings, birth and death as the source
records them (with the source cited), who the person was, the groups and roles from
`memberships` (each with its source), and the essay's paragraphs that name the person, found by
the exact spellings in `people.essay_spellings` (edition.essay.paragraphs, plus the author's
notes). Generated at every build, so the page cannot drift from the data. Like
edition/sphinx/book/datadict.py it builds the page's nodes itself: no field is ever parsed as MyST (see
edition/sphinx/book/datanodes.py).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from docutils import nodes

from edition.data import load, table_path
from edition.sphinx.book.datanodes import DataDirective, para, strong, text
from edition.sphinx.book.folders import chapters_dir, data_dir
from edition.derived import fingerprint, write_atomic
from edition.essay import paragraphs_digest, read
from edition.sphinx.book import register



def when(start, end, precision) -> str:
    """A recorded date range in words, no more exact than its precision."""
    if pd.isna(start):
        return ""
    if precision == "day":
        if start == end:
            return f"{start.day} {start:%B %Y}"
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}-{end.day} {start:%B %Y}"
        return f"between {start.day} {start:%B %Y} and {end.day} {end:%B %Y}"
    if precision == "month" and (start.year, start.month) == (end.year, end.month):
        return f"{start:%B %Y}"
    if precision == "year" and start.year == end.year:
        return f"{start.year}"
    if start.year == end.year:
        return f"between {start:%B} and {end:%B %Y}"
    return f"between {start.year} and {end.year}"


def mentions(spellings: list[str], chapters: Path) -> list[tuple[str, str]]:
    """(chapter, paragraph label or "note-N") for each place of the essay that uses a spelling."""
    if not spellings:
        return []
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(s) for s in spellings) + r")(?![\w-])")
    essay = read(chapters)
    found = [(c.name, p.label) for c in essay for p in c.paragraphs if pattern.search(p.text)]
    return found + [(c.name, f"note-{n.number}") for c in essay for n in c.notes if pattern.search(n.text)]


def _split(value) -> list[str]:
    return [text(s) for s in str(value).split(";") if s.strip()] if pd.notna(value) else []


class WhosWho(DataDirective):
    """The people, one section each (returned to the page, so its contents and numbering list
    them). Every field becomes text or a node attribute, never markup (edition/sphinx/book/datanodes.py)."""

    def run(self):
        data = data_dir(self.env)
        self.env.note_dependency(str(data / "datapackage.json"))
        for table in ("people", "happenings", "attestations", "groups", "sources"):
            self.env.note_dependency(str(table_path(data, table)))
        self.env.note_dependency(str(Path(self.env.doctreedir) / WORDS))  # the essay's words, not every line
        surname = lambda names: names.str.replace(r"\s*\(.*\)", "", regex=True).str.split().str[-1].str.lower()  # noqa: E731
        people = load("people", data).sort_values("name", key=surname)
        memberships = load("memberships", data).merge(load("groups", data)[["group_id", "name"]].rename(columns={"name": "group"}),
                                                on="group_id")
        out = []
        for p in people.itertuples():
            out.append(self.target(f"person-{p.person_id}"))
            out.append(self.person(p, memberships[memberships["person_id"] == p.person_id]))
        return out

    def person(self, p, rows) -> nodes.section:
        section = self.section(text(p.name))
        spellings = _split(p.essay_spellings)
        also = _split(p.other_spellings)
        if spellings:
            line = para(strong("The essay writes:"), " " + "; ".join(f"“{s}”" for s in spellings))
            if also:
                line += [nodes.Text(" · "), strong("also:"), nodes.Text(" " + "; ".join(also))]
            section += line
        elif also:
            section += para(strong("Also written:"), " " + "; ".join(also))
        life = [(word, when(start, end, precision), locator, sources, disputed) for word, start, end, precision, locator, sources, disputed
                in (("born", p.born_start, p.born_end, p.born_precision, p.born_locator, p.born_source_ids, p.born_disputed),
                    ("died", p.died_start, p.died_end, p.died_precision, p.died_locator, p.died_source_ids, p.died_disputed))]
        if any(date for _, date, *_ in life):
            line = para(strong("Dates, as recorded:"))
            for word, date, locator, sources, disputed in (x for x in life if x[1]):
                line += nodes.Text(f" {word} {date}" + (" (sources disagree)" if pd.notna(disputed) and disputed else "")
                                   + (f" (the source: “{text(locator)}”)" if pd.notna(locator) else "") + " ")
                for i, source in enumerate(sources.split(";") if pd.notna(sources) else []):
                    line += [nodes.Text(", ")] if i else []
                    line += self.cite(source)
                line += nodes.Text(";" if word == "born" and life[1][1] else ".")
            section += line
        else:
            section += para(strong("Dates:"), " not recorded in the dataset.")
        if pd.notna(p.description):
            section += para(f"{text(p.description)} ", self.cite(p.source_id))
        if len(rows):
            section += para(strong("Groups and roles:"))
            roles = nodes.bullet_list(bullet="-")
            for m in rows.itertuples():
                span = " to ".join(x for x in (when(m.from_start, m.from_end, m.from_precision),
                                               when(m.to_start, m.to_end, m.to_precision)) if x)
                span = f", {span}" if span else ""
                roles += nodes.list_item("", para(f"{text(m.group)}: {text(m.role)}{span} ", self.cite(m.source_id)))
            section += roles
        places = mentions(spellings, chapters_dir(self.env))
        if places:
            by_chapter = {}
            for chapter, label in places:
                by_chapter.setdefault(chapter, []).append(label)
            line = para(strong("Named in the essay:"), " ")
            for i, (chapter, labels) in enumerate(by_chapter.items()):
                line += [nodes.Text("; ")] if i else []
                line += [self.xref("doc", chapter), nodes.Text(" (")]
                for j, label in enumerate(dict.fromkeys(labels)):
                    line += [nodes.Text(", ")] if j else []
                    line += (nodes.Text(label.replace("-", " ")) if label.startswith("note")
                             else self.xref("ref", label, label))
                line += nodes.Text(")")
            line += nodes.Text(".")
            section += line
        else:
            section += para(strong("Named in the essay:"), " no (the person appears in the dataset's other sources).")
        return section


WORDS = "edition-essay-words.digest"  # beside the doctrees


def essay_words(app) -> None:
    """Keep a file that changes exactly when what the who's who reads of the essay changes (its
    labelled paragraphs, section titles and notes). The page depends on it rather than on the
    chapter files, so an editors' objective or note edited in a chapter does not make Sphinx read
    and write the who's who again."""
    path, chapters = Path(app.env.doctreedir) / WORDS, chapters_dir(app)
    notes = [" ".join((c.name, n.number, n.text)) for c in read(chapters) for n in c.notes]
    write_atomic(path, fingerprint(paragraphs_digest(chapters), notes).encode())  # only if it differs


def setup(app):
    return register(app, directives={"whos-who": WhosWho}, events=[("builder-inited", essay_words)])
