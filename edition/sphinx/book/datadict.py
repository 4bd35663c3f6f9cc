"""Sphinx directive `data-dictionary`: the tables and fields of data/datapackage.json, with row
counts and download links, so the "About the data" page can never drift from the descriptor.

The descriptor is edited like the tables, so its text is data: the directive builds the page's
nodes itself and never parses a title or description as MyST (see edition/sphinx/book/datanodes.py). Only
`backticked` names in a description are kept, as code. Download links go only to files that it
finds inside data/ itself.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from docutils import nodes

from edition.sphinx.book.datanodes import DataDirective, para, strong, text, with_code
from edition.sphinx.book.folders import data_dir
from edition.sphinx.book import register

HEADER = ("Field", "Type", "Required", "Description")
WIDTHS = (18, 10, 8, 64)


def _cell(value) -> list[nodes.Node]:
    return with_code(value) if value not in (None, "") else [nodes.Text("—")]


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def table_cell(*parts) -> nodes.entry:
    """A table cell: a paragraph of the parts, or an empty cell."""
    cell = nodes.entry()
    parts = [p for p in parts if not (isinstance(p, str) and not p)]
    if parts:
        cell += para(*parts)
    return cell


def table_row(*cells: nodes.entry) -> nodes.row:
    row = nodes.row()
    row.extend(cells)
    return row


class DataDictionary(DataDirective):
    def run(self):
        self.data = data_dir(self.env)
        descriptor = self.data / "datapackage.json"
        package = json.loads(descriptor.read_text(encoding="utf-8"))
        self.env.note_dependency(str(descriptor))
        box = nodes.container(classes=["data-dictionary"])
        box += para("The descriptor: ", self.download(self.data, "datapackage.json"), ".")
        for res in package["resources"]:
            box += self.resource(res)
        return [box]

    def resource(self, res: dict) -> list[nodes.Node]:
        name = text(res["name"])
        out = [self.labelled(nodes.rubric("", "", nodes.Text(text(res.get("title", name)))), f"table-{name}"),
               para(*_cell(res.get("description", "")))]
        path = (self.data / str(res["path"])).resolve()
        inside = path.is_file() and path.is_relative_to(self.data.resolve())
        if inside:
            self.env.note_dependency(str(path))
        schema = res["schema"]
        keys = schema.get("primaryKey", [])
        keys = [keys] if isinstance(keys, str) else keys
        out.append(para(strong("File:"), " ", self.download(self.data, str(res["path"]), text(res["path"])),
                        " · ", strong("rows:"), f" {_rows(path) if inside else '—'} · ", strong("primary key:"), " ",
                        nodes.literal("", ", ".join(map(text, keys)) or "—")))
        links = nodes.bullet_list(bullet="-")
        for fk in schema.get("foreignKeys", []):
            fields = fk["fields"] if isinstance(fk["fields"], str) else ", ".join(fk["fields"])
            target = fk["reference"].get("resource") or res["name"]
            links += nodes.list_item("", para(nodes.literal("", text(fields)), " refers to the ",
                                              nodes.literal("", text(target)), " table"))
        if len(links):
            out.append(links)
        out.append(self.fields(name, schema["fields"]))
        return out

    def fields(self, name: str, fields: list[dict]) -> nodes.table:
        """The fields as a table, as {list-table} with :widths: 18 10 8 64 and a header row made it."""
        group = nodes.tgroup(cols=len(WIDTHS))
        group.extend(nodes.colspec(colwidth=w) for w in WIDTHS)
        group += nodes.thead("", table_row(*(table_cell(h) for h in HEADER)))
        body = nodes.tbody()
        for field in fields:
            cons = field.get("constraints", {})
            desc = _cell(field.get("description", ""))
            if "enum" in cons:
                desc.append(nodes.Text(" Allowed values: "))
                for i, value in enumerate(cons["enum"]):
                    desc += ([nodes.Text(", ")] if i else []) + [nodes.literal("", text(value))]
                desc.append(nodes.Text("."))
            body += table_row(table_cell(nodes.literal("", text(field["name"]))), table_cell(text(field.get("type", "string"))),
                         table_cell("yes" if cons.get("required") else ""), table_cell(*desc))
        group += body
        table = nodes.table("", group, classes=["colwidths-given", "data-fields"])
        self.set_source_info(table)
        return self.labelled(table, f"fields-{name}")


def setup(app):
    return register(app, directives={"data-dictionary": DataDictionary})
