"""The figure record: what each chart of the book draws, read from the drawn figure itself.

A notebook draws a chart whose marks carry their rows in `custom_data` (the contract, written once
here and in chapters/about-data.md): the first column is the id of the row a mark draws (ids joined
with ";" for a mark that stands for several rows, e.g. a bar of a count), the second the essay
paragraph labels that row cites (joined with ";", "" for none). For example:

    px.scatter(events, x="date_start", y="kind", custom_data=["event_id", "paragraph"], ...)

While a page is read, edition/sphinx/book/plotly_outputs.py turns each chart output into its nodes and attaches
the marks (`Marks`); `RecordFigures` then files every named figure into the Sphinx environment
(figure name -> page, whether it is a worked solution's chart, its marks and the table of its
marks), merged across parallel readers. Everything that links charts and text reads this record
and nothing else: the "Data behind" boxes under paragraphs, the chart -> paragraph clicks, the
who's who, the table under each chart and its CSV download. There is no hand-kept list of which
figure shows which row.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform

from edition.derived import write_atomic
from edition.sphinx.book import ancestor, register
from edition.sphinx.book.editions import is_print
from edition.sphinx.book.folders import chapters_dir
from edition.charts import values_of
from edition.data.validate import spreadsheet_safe

ID_COLUMN, PARAGRAPH_COLUMN = 0, 1  # the contract's two custom_data columns
FIELD = re.compile(r"%\{([^}:|]+)(?:[:|][^}]*)?\}")  # a hovertemplate field: %{x}, %{customdata[2]|%Y}
TAG = re.compile(r"</?[a-z]+>")  # the template's own <b>, <i> (the data is never read as markup)
LINE = re.compile(r"^(?:(?P<label>[^=%<]*)=)?(?P<value>.*)$")


@dataclass
class Figure:
    """One named chart of the book, as drawn."""

    doc: str
    solution: bool = False  # a worked solution's chart (unnumbered, left out of print)
    marks: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)  # (ids, labels)
    header: list[str] = field(default_factory=list)  # the table of the marks, as the chart shows them
    rows: list[list[str]] = field(default_factory=list)

    @property
    def ids(self) -> set[str]:
        return {i for ids, _ in self.marks for i in ids}

    def labels_of(self, row_id: str) -> set[str]:
        return {label for ids, labels in self.marks if row_id in ids for label in labels}

    @property
    def labels(self) -> set[str]:
        return {label for _, labels in self.marks for label in labels}


def _split(value) -> tuple[str, ...]:
    if value is None or value != value:  # None, NaN
        return ()
    return tuple(part.strip() for part in str(value).split(";") if part.strip())


def _template(trace: dict) -> str:
    template = trace.get("hovertemplate")
    return (template[0] if isinstance(template, list) and template else template) or ""


def _follows_contract(trace: dict) -> bool:
    """px puts custom_data first in customdata and never shows it in the hover: a trace whose
    hover shows customdata[0] is one of a chart drawn without the contract (hover_data only)."""
    data = trace.get("customdata")
    return (isinstance(data, list) and bool(data) and "%{customdata[0]" not in _template(trace)
            and all(isinstance(r, list) and len(r) > PARAGRAPH_COLUMN for r in data))


def marks(figure: dict) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(row ids, paragraph labels) of every mark the figure draws, trace by trace. Traces without
    the contract's custom_data (the pale date ranges, the "date disputed" rings) draw no rows."""
    found = []
    for trace in figure.get("data", []):
        if _follows_contract(trace):
            found += [(_split(row[ID_COLUMN]), _split(row[PARAGRAPH_COLUMN])) for row in trace["customdata"]]
    return found


def _point_value(trace: dict, key: str, index: int):
    """The value a hovertemplate field shows for point `index` of a trace."""
    m = re.fullmatch(r"customdata\[(\d+)\]", key)
    if m:
        row = trace["customdata"][index]
        return row[int(m.group(1))] if int(m.group(1)) < len(row) else ""
    values = values_of(trace.get({"hovertext": "hovertext", "text": "text"}.get(key, key)))
    if isinstance(values, list):
        return values[index] if index < len(values) else ""
    return values if values is not None else ""


def _text(value) -> str:
    if value is None or value != value:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a count decoded from a float array: 20, not 20.0
    text = str(value)
    return re.sub(r"T00:00:00(?:\.0+)?$", "", text)  # a date drawn at midnight is a date


PARAGRAPH_HEADING = "Essay paragraph"
ROWS_HEADING = "Data rows"  # the ids of the rows a mark draws: the CSV download's last column
SENTENCE_HEADING = "In the sources"  # a hover line without a label: the sentence of charts.recorded


def _heading(label: str) -> str:
    label = label.strip()
    return label[:1].upper() + label[1:]


def table(figure: dict) -> tuple[list[str], list[list[str]]]:
    """The marks as a table, in the chart's own words: a row per mark; first what the mark is (its
    bold hover name, "What"), then a column per line of its hover under the label the notebook gave it
    (px writes one "label=%{field}" line per column; the trace's colour group "label=value"; a line
    without a label is charts.recorded's sentence, "In the sources"), and last the essay paragraphs
    it cites. Row ids stay out (they are in the CSV download's last column), and so does any hover
    line repeating the paragraphs."""
    header: list[str] = []
    per_mark = [row for _, _, row in mark_rows(figure)]
    for row in per_mark:
        header += [label for label in row if label not in header and label not in (ROWS_HEADING, PARAGRAPH_HEADING)]
    header += [PARAGRAPH_HEADING, ROWS_HEADING]
    return header, [[row.get(column, "") for column in header] for row in per_mark]


def mark_rows(figure: dict):
    """(trace index, point index, {heading: text}) for every mark that draws rows."""
    for number, trace in enumerate(figure.get("data", [])):
        if not _follows_contract(trace):
            continue
        template = re.sub(r"<extra>.*?</extra>", "", _template(trace), flags=re.S)
        lines = [TAG.sub("", line) for line in template.split("<br>") if line.strip()]
        for index in range(len(trace["customdata"])):
            row = {}
            ids, labels = trace["customdata"][index][ID_COLUMN], trace["customdata"][index][PARAGRAPH_COLUMN]
            for line in lines:
                m = LINE.match(line)
                label, value = (m.group("label") or "").strip(), m.group("value")
                field = FIELD.fullmatch(value.strip())
                if field and field.group(1) == f"customdata[{PARAGRAPH_COLUMN}]":
                    continue
                if not label:
                    label = ("What" if field and field.group(1) in ("hovertext", "text")
                             else SENTENCE_HEADING if field else _label_of(value, trace))
                text = FIELD.sub(lambda f: _text(_point_value(trace, f.group(1), index)), value)
                if label in (ROWS_HEADING, PARAGRAPH_HEADING) or (text and text == "; ".join(_split(labels))):
                    continue
                row[_heading(label)] = text
            row[ROWS_HEADING], row[PARAGRAPH_HEADING] = "; ".join(_split(ids)), "; ".join(_split(labels))
            yield number, index, row


def picks(figure: dict) -> dict[str, list[list[list[str]]]]:
    """What a tapped mark's label says, trace by trace and point by point: its table row as
    [heading, text] pairs, without the ids and the paragraphs (the label links those)."""
    found: dict[str, list] = {}
    for number, _, row in mark_rows(figure):
        found.setdefault(str(number), []).append(
            [[h, v] for h, v in row.items() if v and h not in (ROWS_HEADING, PARAGRAPH_HEADING)])
    return found


def _label_of(value: str, trace: dict) -> str:
    """A column name for a hover line without one: for a constant (px writes the trace's colour
    group so, when its label is blank) "group", else "note"."""
    return "group" if value.strip() == str(trace.get("legendgroup") or trace.get("name") or "") else "note"


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    """A chart's rows as CSV; text a spreadsheet would run as a formula is quoted (spreadsheet_safe)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in [header, *rows]:
        writer.writerow([spreadsheet_safe(v) for v in row])
    return out.getvalue()


class Marks(nodes.General, nodes.Element):
    """Invisible: the marks of one drawn chart, attached where the chart stands (read by
    RecordFigures, then removed)."""


def marks_node(figure: dict) -> Marks:
    header, rows = table(figure)
    return Marks("", marks=marks(figure), header=header, rows=rows)


def _in_solution(node: nodes.Node) -> bool:
    from sphinx_exercise.nodes import solution_node

    return ancestor(node, solution_node) is not None


def record(env: BuildEnvironment) -> dict[str, Figure]:
    if not hasattr(env, "edition_figures"):
        env.edition_figures = {}
    return env.edition_figures


class RecordFigures(SphinxTransform):
    """File every named chart's marks into the environment's figure record."""

    default_priority = 21  # after sphinx-exercise gathers solutions (10) and their charts lose numbers (20)

    def apply(self) -> None:
        figures = record(self.env)
        for drawn in list(self.document.findall(Marks)):
            figure = ancestor(drawn.parent, nodes.figure)
            names = figure["names"] if figure is not None else []
            if names:
                figures[names[0]] = Figure(doc=self.env.docname, solution=_in_solution(figure),
                                           marks=[(tuple(i), tuple(l)) for i, l in drawn["marks"]],
                                           header=list(drawn["header"]), rows=[list(r) for r in drawn["rows"]])
            drawn.parent.remove(drawn)


def main_figures(env: BuildEnvironment) -> dict[str, Figure]:
    """The charts a reader of every edition sees (not the worked solutions')."""
    return {name: fig for name, fig in sorted(record(env).items()) if not fig.solution}


CSV_FOLDER = "chart-data"  # in the web book: chart-data/<figure name>.csv


def _cell(text: str, heading: str | None = None, link=None) -> nodes.entry:
    """A cell; in the body, with its heading before it, which the style sheet shows only where the
    table is set as one card per row (a phone, the EPUB), the table's head hidden."""
    para = nodes.paragraph()
    if heading is not None:
        para += nodes.inline("", f"{heading}: ", classes=["cell-heading"])
    if link is not None and text:
        for i, label in enumerate(_split(text.replace("; ", ";"))):
            para += nodes.Text(", " if i else "")
            para += link(label)
    else:
        para += nodes.Text(text)
    classes = ["cell-what"] if heading == "What" else ["cell-empty"] if heading is not None and not text else []
    return nodes.entry("", para, classes=classes)  # (an empty cell is left out of a card)


def shown_columns(fig: Figure) -> list[int]:
    """The table's columns: every column but the row ids, and none that is empty in every row."""
    return [i for i, h in enumerate(fig.header) if h != ROWS_HEADING and any(row[i] for row in fig.rows)]


def marks_table(fig: Figure, link=None) -> nodes.table:
    """The chart's marks as a table of document nodes (data never becomes markup); `link(label)`
    makes the node of a paragraph label's link."""
    keep = shown_columns(fig)
    heads = [fig.header[i] for i in keep]
    table = nodes.table(classes=["chart-data-table"])
    group = nodes.tgroup(cols=len(keep))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in keep)
    group += nodes.thead("", nodes.row("", *[_cell(h) for h in heads]))
    group += nodes.tbody("", *[nodes.row("", *[_cell(row[i], h, link if h == PARAGRAPH_HEADING else None)
                                                for i, h in zip(keep, heads)]) for row in fig.rows])
    return table


class ChartTables(SphinxPostTransform):
    """Under each main chart, a collapsed table of exactly the marks it draws (from the figure
    record), in the chart's own words (`table`), its paragraph labels as links, and in the web book
    a link to the same rows as CSV (with the row ids). Screen readers and keyboards reach the table,
    and through its links the paragraphs, where they cannot reach plotly's marks; the EPUB and the
    PDFs have it too, open (print points a reader to it: edition/sphinx/book/print_wording.py). On a phone
    and in the EPUB the style sheets set it as one card per row."""

    default_priority = 5
    builders = ("html", "dirhtml", "singlehtml", "epub", "typst")

    def run(self, **kwargs) -> None:
        if getattr(self.config, "edition_typst", "") == "handouts" and self.app.builder.name == "typst":
            return  # a handout stays a handout (8 pages, not 37): print_wording points to the PDF edition's tables
        drawn = main_figures(self.env)
        for figure in list(self.document.findall(nodes.figure)):
            name = figure["names"][0] if figure["names"] else None
            if name not in drawn or not drawn[name].rows:
                continue
            fig = drawn[name]
            count = len(fig.rows)
            box = nodes.admonition(classes=["editorial", "chart-data", "dropdown"])
            box += nodes.title("", f"The data this chart draws ({count} {'mark' if count == 1 else 'marks'})")
            box += marks_table(fig, link=lambda label: paragraph_link(self.app, self.env.docname, label))
            if not is_print(self.app):  # the CSV is a file of the web book
                depth = self.env.docname.count("/")
                link = nodes.paragraph()
                link += nodes.reference("", "Download these rows (CSV)",
                                        refuri="../" * depth + f"{CSV_FOLDER}/{name}.csv", classes=["download"])
                box += link
            figure.parent.insert(figure.parent.index(figure) + 1, box)


def note_docs(chapters: Path) -> dict[str, str]:
    """note-N -> the essay page that holds the author's note N."""
    from edition.essay import note_pages

    return {note: f"chapters/{page}" for note, page in note_pages(chapters).items()}


def paragraph_link(app: Sphinx, docname: str, label: str) -> nodes.Node:
    """A link to an essay paragraph by its label (wg-4), or to an author's note (note-3, "note 3")."""
    from sphinx import addnodes

    if label.startswith("note-"):
        doc = note_docs(chapters_dir(app)).get(label)
        if doc is None or app.builder.format != "html":
            return nodes.Text(label.replace("-", " "))
        return nodes.reference("", label.replace("-", " "),
                               refuri=app.builder.get_relative_uri(docname, doc) + f"#{label}")
    return addnodes.pending_xref("", nodes.inline("", label), refdomain="std", reftype="ref", reftarget=label,
                                 refexplicit=True, refwarn=True)


def _write_csv(app: Sphinx, exception: Exception | None) -> None:
    """chart-data/<name>.csv for each main chart; rewritten only when its rows changed."""
    if exception is not None or app.builder.format != "html" or app.builder.name == "epub":
        return
    folder = Path(app.outdir) / CSV_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name, fig in main_figures(app.env).items():
        if not fig.rows:
            continue
        write_atomic(folder / f"{name}.csv", csv_text(fig.header, fig.rows).encode("utf-8"))


def digest(env: BuildEnvironment) -> str:
    return hashlib.sha256(repr(sorted((n, asdict(f)) for n, f in record(env).items())).encode()).hexdigest()


def _pages_that_link_charts(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """When what a chart draws changed, the pages that link to charts (the essay's data boxes, the
    who's who) are written again, though their own sources did not change."""
    now = digest(env)
    if getattr(env, "edition_figures_digest", None) == now:
        return []
    env.edition_figures_digest = now
    return sorted(env.found_docs)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    figures = record(env)
    for name in [n for n, fig in figures.items() if fig.doc == docname]:
        del figures[name]


def _merge(app: Sphinx, env: BuildEnvironment, docnames, other: BuildEnvironment) -> None:
    record(env).update({n: f for n, f in record(other).items() if f.doc in docnames})


def setup(app: Sphinx) -> dict:
    app.add_node(Marks)
    return register(app, transforms=[RecordFigures], post_transforms=[ChartTables],
                    events=[("env-get-updated", _pages_that_link_charts), ("build-finished", _write_csv),
                            ("env-purge-doc", _purge), ("env-merge-info", _merge)], env_version=1)
