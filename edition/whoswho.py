"""Sphinx directive `whos-who`: the people of the companion dataset, generated at every build.

For each row of the `people` table: the name and other spellings, birth and death as the source
records them (with the source cited), who the person was, the groups and roles from
`memberships` (each with its source), and the essay's paragraphs that name the person, found by
the exact spellings in `people.essay_spellings` (edition.essay.paragraphs, plus the author's
notes). Like edition/datadict.py, it writes MyST and parses it in place, so the page cannot drift
from the data.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

from edition.data import DATA_DIR, load
from edition.essay import CHAPTERS, ESSAY, _plain, paragraphs

NOTE = re.compile(r"^\[\^(\d+)\]:\s*(.*)$")


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


def mentions(spellings: list[str], chapters: Path = CHAPTERS) -> list[tuple[str, str]]:
    """(chapter, paragraph label or "note-N") for each place of the essay that uses a spelling."""
    if not spellings:
        return []
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(s) for s in spellings) + r")(?![\w-])")
    found = [(r.chapter, r.label) for r in paragraphs(chapters).itertuples() if pattern.search(r.text)]
    for chapter in ESSAY:
        for line in (chapters / f"{chapter}.md").read_text(encoding="utf-8").splitlines():
            m = NOTE.match(line)
            if m and pattern.search(_plain(m.group(2))):
                found.append((chapter, f"note-{m.group(1)}"))
    return found


def _split(text) -> list[str]:
    return [s.strip() for s in str(text).split(";") if s.strip()] if pd.notna(text) else []


class WhosWho(SphinxDirective):
    def run(self):
        for table in ("people", "memberships", "groups", "sources", "datapackage"):
            self.env.note_dependency(str(DATA_DIR / (f"{table}.json" if table == "datapackage" else f"{table}.csv")))
        for chapter in ESSAY:
            self.env.note_dependency(str(CHAPTERS / f"{chapter}.md"))
        surname = lambda names: names.str.replace(r"\s*\(.*\)", "", regex=True).str.split().str[-1].str.lower()  # noqa: E731
        people = load("people").sort_values("name", key=surname)
        memberships = load("memberships").merge(load("groups")[["group_id", "name"]].rename(columns={"name": "group"}),
                                                on="group_id")
        lines = []
        for p in people.itertuples():
            lines += [f"({'person-' + p.person_id})=", f"## {p.name}", ""]
            spellings = _split(p.essay_spellings)
            if spellings:
                lines += ["**The essay writes:** " + "; ".join(f"“{s}”" for s in spellings)
                          + (" · **also:** " + "; ".join(_split(p.other_spellings)) if _split(p.other_spellings) else ""), ""]
            elif _split(p.other_spellings):
                lines += ["**Also written:** " + "; ".join(_split(p.other_spellings)), ""]
            born = when(p.born_start, p.born_end, p.born_precision)
            died = when(p.died_start, p.died_end, p.died_precision)
            if born or died:
                dates = "; ".join(x for x in (f"born {born}" if born else "", f"died {died}" if died else "") if x)
                quoted = f" (the source: “{p.dates_locator}”)" if pd.notna(p.dates_locator) else ""
                lines += [f"**Dates, as recorded:** {dates}{quoted} {{cite:p}}`{p.dates_source_id}`.", ""]
            else:
                lines += ["**Dates:** not recorded in the dataset.", ""]
            if pd.notna(p.description):
                lines += [f"{p.description} {{cite:p}}`{p.source_id}`", ""]
            rows = memberships[memberships["person_id"] == p.person_id]
            if len(rows):
                lines += ["**Groups and roles:**", ""]
                for m in rows.itertuples():
                    span = " to ".join(x for x in (when(m.from_start, m.from_end, m.from_precision),
                                                   when(m.to_start, m.to_end, m.to_precision)) if x)
                    span = f", {span}" if span else ""
                    lines += [f"- {m.group}: {m.role}{span} {{cite:p}}`{m.source_id}`"]
                lines += [""]
            places = mentions(spellings)
            if places:
                by_chapter = {}
                for chapter, label in places:
                    by_chapter.setdefault(chapter, []).append(label)
                refs = []
                for chapter, labels in by_chapter.items():
                    cited = ", ".join(f"{{ref}}`{l} <{l}>`" if not l.startswith("note") else l.replace("-", " ")
                                      for l in dict.fromkeys(labels))
                    refs.append(f"{{doc}}`{chapter}` ({cited})")
                lines += ["**Named in the essay:** " + "; ".join(refs) + ".", ""]
            else:
                lines += ["**Named in the essay:** no (the person appears in the dataset's other sources).", ""]
        container = nodes.container(classes=["whos-who"])
        self.state.nested_parse(StringList(lines, source=str(DATA_DIR / "people.csv")), self.content_offset, container,
                                match_titles=True)
        return container.children


def setup(app):
    app.add_directive("whos-who", WhosWho)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
