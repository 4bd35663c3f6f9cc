"""Sphinx directive `data-dictionary`: the tables and fields of data/datapackage.json, with row
counts and download links, so the "About the data" page can never drift from the descriptor."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

from edition.data import DATA_DIR


def _cell(text) -> str:
    return " ".join(str(text).split()).replace("|", "\\|") if text not in (None, "") else "—"


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


class DataDictionary(SphinxDirective):
    def run(self):
        descriptor = DATA_DIR / "datapackage.json"
        package = json.loads(descriptor.read_text(encoding="utf-8"))
        here = Path(self.env.doc2path(self.env.docname)).parent
        rel = lambda p: Path(p).relative_to(here.parent).as_posix()  # noqa: E731
        self.env.note_dependency(str(descriptor))
        # The directive writes MyST (the page's own syntax) and parses it in place.
        lines = [f"The descriptor: {{download}}`datapackage.json <../{rel(descriptor)}>`.", ""]
        for res in package["resources"]:
            path = DATA_DIR / res["path"]
            self.env.note_dependency(str(path))
            schema = res["schema"]
            keys = schema.get("primaryKey", [])
            keys = [keys] if isinstance(keys, str) else keys
            lines += [f"```{{rubric}} {res.get('title', res['name'])}", f":name: table-{res['name']}", "```", "",
                      _cell(res.get("description", "")), "",
                      f"**File:** {{download}}`{res['path']} <../{rel(path)}>` · **rows:** {_rows(path)} · "
                      f"**primary key:** `{', '.join(keys) or '—'}`", ""]
            for fk in schema.get("foreignKeys", []):
                fields = fk["fields"] if isinstance(fk["fields"], str) else ", ".join(fk["fields"])
                target = fk["reference"].get("resource") or res["name"]
                lines += [f"- `{fields}` refers to the `{target}` table"]
            lines += ["", "````{list-table}", ":header-rows: 1", ":widths: 18 10 8 64",
                      f":name: fields-{res['name']}", "",
                      "* - Field", "  - Type", "  - Required", "  - Description"]
            for field in schema["fields"]:
                cons = field.get("constraints", {})
                desc = _cell(field.get("description", ""))
                if "enum" in cons:
                    desc += " Allowed values: " + ", ".join(f"`{v}`" for v in cons["enum"]) + "."
                lines += [f"* - `{field['name']}`", f"  - {field.get('type', 'string')}",
                          f"  - {'yes' if cons.get('required') else ''}", f"  - {desc}"]
            lines += ["````", ""]
        container = nodes.container(classes=["data-dictionary"])
        self.state.nested_parse(StringList(lines, source=str(descriptor)), self.content_offset, container)
        return [container]


def setup(app):
    app.add_directive("data-dictionary", DataDictionary)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
