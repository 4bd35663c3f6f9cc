"""Check the companion dataset in data/ and say, one line per problem, what to fix.

Usage: python -m edition.validate [data_dir]

Two layers of checks:

1. Frictionless validation of the whole package against datapackage.json: column types, required
   values, allowed values (enums), unique primary keys, foreign keys, missing or extra columns.
2. The edition's own rules: every date range runs forwards; dates fall within 1917-1946 unless
   outside_period is true; low <= high; every ';'-listed person id exists; every paragraph label
   exists in chapters/ (found beside data/); a row from the essay names its paragraph; no HTML or
   script in any field; every file is UTF-8.

Row numbers count the header as row 1, as a spreadsheet does.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

PERIOD = (dt.date(1917, 1, 1), dt.date(1946, 12, 31))
PERIOD_TABLES = {"events", "publications", "memberships", "size_estimates"}
RANGE_PAIRS = [("low", "high"), ("people_low", "people_high")]
LABEL_LINE = re.compile(r"^[>\s]*\(((?:cr|wt|wg|lo|end)-\d+)\)=\s*$", re.MULTILINE)
NOTE_LINE = re.compile(r"^\[\^(\d+)\]:", re.MULTILINE)
HTML = re.compile(r"<[A-Za-z/!?]|javascript\s*:", re.IGNORECASE)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Problem:
    """One thing to fix: where it is (file, row, column), the bad value, and what was expected."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        what = self.message if self.value is None else f"{quote(self.value)} {self.message}"
        return f"{', '.join(where)}: {what}"


def quote(value: str) -> str:
    """A value as the reader should look for it: in single quotes, shortened if long."""
    value = str(value)
    if len(value) > 80:
        value = value[:77] + "..."
    return "'" + value.replace("\n", "\\n") + "'"


def display(path: Path) -> str:
    """A path relative to the working directory when inside it, so messages stay short."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

def read_descriptor(data_dir: Path) -> tuple[dict | None, list[Problem]]:
    path = data_dir / "datapackage.json"
    if not path.is_file():
        return None, [Problem(display(path), None, None, None, "not found: the data directory needs a datapackage.json")]
    try:
        return json.loads(path.read_text(encoding="utf-8")), []
    except UnicodeDecodeError as err:
        return None, [Problem(display(path), None, None, None, f"is not valid UTF-8 (byte position {err.start})")]
    except json.JSONDecodeError as err:
        return None, [Problem(display(path), err.lineno, None, None, f"is not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})")]


def read_table(path: Path) -> tuple[list[list[str]] | None, list[Problem]]:
    """All records of a CSV file (header first), or the problems that stop it being read."""
    name = display(path)
    if not path.is_file():
        return None, [Problem(name, None, None, None, "not found: the file named in datapackage.json is missing")]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return None, [encoding_problem(path, raw, err)]
    try:
        return list(csv.reader(io.StringIO(text, newline=""))), []
    except csv.Error as err:
        return None, [Problem(name, None, None, None, f"cannot be read as CSV: {err}")]


def encoding_problem(path: Path, raw: bytes, err: UnicodeDecodeError) -> Problem:
    """Point at the first byte that is not UTF-8: its row, its column and the cell around it."""
    bad = raw[err.start:err.end]
    records = list(csv.reader(io.StringIO(raw.decode("utf-8", errors="surrogateescape"), newline="")))
    header = records[0] if records else []
    for number, record in enumerate(records, start=1):
        for i, cell in enumerate(record):
            if any("\udc80" <= ch <= "\udcff" for ch in cell):
                shown = cell.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")
                column = header[i] if i < len(header) and number > 1 else None
                return Problem(display(path), number, column, shown,
                               f"is not valid UTF-8: byte {bad!r} at byte position {err.start} "
                               "(re-save the file as UTF-8; it looks like Latin-1 or Windows-1252)")
    return Problem(display(path), None, None, None, f"is not valid UTF-8: byte {bad!r} at byte position {err.start}")


def paragraph_labels(chapters: Path) -> set[str] | None:
    """Every paragraph label `(wt-3)=` and note `[^3]:` (as note-3) in the chapter files."""
    if not chapters.is_dir():
        return None
    labels: set[str] = set()
    for page in sorted(chapters.glob("*.md")):
        text = page.read_text(encoding="utf-8", errors="replace")
        labels.update(LABEL_LINE.findall(text))
        labels.update(f"note-{n}" for n in NOTE_LINE.findall(text))
    return labels


# ---------------------------------------------------------------------------------------------
# Frictionless, translated into one-line problems
# ---------------------------------------------------------------------------------------------

def frictionless_problems(data_dir: Path, descriptor: dict, skip: set[str]) -> list[Problem]:
    """Validate the package with frictionless and translate each error into a Problem.

    Resources named in `skip` already have a problem (encoding, header) that would only produce noise.
    """
    try:
        from frictionless import Package

        report = Package(str(data_dir / "datapackage.json")).validate()
    except Exception as err:  # a broken descriptor: report it, never a traceback
        return [Problem(display(data_dir / "datapackage.json"), None, None, None, f"is not a valid data package: {err}")]

    fields = {r["name"]: r.get("schema", {}).get("fields", []) for r in descriptor.get("resources", [])}
    pkeys = {r["name"]: r.get("schema", {}).get("primaryKey", []) for r in descriptor.get("resources", [])}
    paths = {r["name"]: r.get("path", "") for r in descriptor.get("resources", [])}
    problems: list[Problem] = []
    for error in report.errors:
        problems.append(Problem(display(data_dir / "datapackage.json"), None, None, None, error.message))
    for task in report.tasks:
        name = task.name
        if name in skip:
            continue
        file = display(data_dir / paths.get(name, f"{name}.csv"))
        spec = {f["name"]: f for f in fields.get(name, [])}
        for error in task.errors:
            problems.append(translate(error, file, spec, pkeys.get(name, []), paths))
    return problems


def translate(error, file: str, spec: dict, pkey: list, paths: dict) -> Problem:
    kind = error.type
    row = getattr(error, "row_number", None)
    column = getattr(error, "field_name", None)
    cell = getattr(error, "cell", None)
    field = spec.get(column, {})
    if kind == "type-error":
        expected = {"date": "a valid date (expected YYYY-MM-DD)", "integer": "a whole number (expected digits only, e.g. 200)",
                    "boolean": "true or false (expected exactly 'true' or 'false')"}.get(field.get("type"), f"of type {field.get('type')}")
        return Problem(file, row, column, cell, f"is not {expected}")
    if kind == "constraint-error":
        note = error.note
        if "required" in note:
            return Problem(file, row, column, cell or "", "is empty, but this column is required (every row needs a value here)")
        if "enum" in note:
            allowed = ", ".join(field.get("constraints", {}).get("enum", []))
            return Problem(file, row, column, cell, f"is not one of the allowed values ({allowed})")
        if "pattern" in note:
            return Problem(file, row, column, cell, f"has the wrong form (expected to match {field.get('constraints', {}).get('pattern')})")
        if "minimum" in note:
            return Problem(file, row, column, cell, "is below the allowed minimum (expected 0 or more)")
        return Problem(file, row, column, cell, f"breaks a constraint: {note}")
    if kind == "primary-key":
        key = pkey[0] if pkey else None
        value = error.cells[0] if getattr(error, "cells", None) else None
        first = re.search(r"position (\d+)", error.note)
        where = f" (first used in row {first.group(1)})" if first else ""
        return Problem(file, row, key, value, f"is a duplicate: {key} must be unique{where}")
    if kind == "foreign-key":
        column = ", ".join(error.field_names)
        value = ", ".join(error.field_cells)
        target = paths.get(error.reference_name or "", "this file") if error.reference_name else file.rsplit("/", 1)[-1]
        ref = ", ".join(error.reference_field_names)
        return Problem(file, row, column, value, f"does not match any {ref} in {target}")
    if kind == "missing-label":
        return Problem(file, 1, column, None, "column is missing from the header (datapackage.json expects it)")
    if kind == "extra-label":
        return Problem(file, 1, None, getattr(error, "label", None), "is an extra column not described in datapackage.json")
    if kind in ("incorrect-label", "duplicate-label", "blank-label"):
        return Problem(file, 1, column, getattr(error, "label", None), f"is not the expected header label ({error.note or kind})")
    if kind in ("extra-cell", "missing-cell"):
        what = "has a cell too many" if kind == "extra-cell" else "has a cell too few"
        return Problem(file, row, column, cell if kind == "extra-cell" else None, f"{what} (check the commas and quotes in this row)")
    if kind == "blank-row":
        return Problem(file, row, None, None, "is a blank row (delete it)")
    if kind == "encoding-error":
        return Problem(file, None, None, None, f"is not valid UTF-8: {error.note}")
    return Problem(file, row, column, cell, f"{kind}: {error.note}")


# ---------------------------------------------------------------------------------------------
# The edition's own rules
# ---------------------------------------------------------------------------------------------

def header_problems(file: str, header: list[str], expected: list[str]) -> list[Problem]:
    problems = []
    for name in expected:
        if name not in header:
            problems.append(Problem(file, 1, name, None, f"column is missing from the header (found: {', '.join(header)})"))
    for name in header:
        if name not in expected:
            problems.append(Problem(file, 1, name, name, "is an extra column not described in datapackage.json"))
    if not problems and header != expected:
        problems.append(Problem(file, 1, None, ",".join(header), f"has the columns in the wrong order (expected: {','.join(expected)})"))
    return problems


def parse_date(text: str) -> dt.date | None:
    if not ISO_DATE.match(text or ""):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def row_problems(name: str, file: str, records: list[list[str]], ids: dict[str, set[str]],
                 labels: set[str] | None, chapters_shown: str, date_fields: set[str]) -> list[Problem]:
    header, problems = records[0], []
    col = {h: i for i, h in enumerate(header)}
    pairs = [(h[: -len("_start")], h, h[: -len("_start")] + "_end") for h in header
             if h.endswith("_start") and h[: -len("_start")] + "_end" in col]
    for number, record in enumerate(records[1:], start=2):
        if len(record) != len(header):
            continue  # frictionless reports the missing or extra cell
        cell = dict(zip(header, record))
        for column, value in cell.items():
            if HTML.search(value):
                problems.append(Problem(file, number, column, value, "contains HTML or script (plain text only: no '<' before a letter or '/', no 'javascript:')"))
        for column in date_fields:  # strict ISO: frictionless would also accept '1923-1-5'
            if cell.get(column) and parse_date(cell[column]) is None:
                problems.append(Problem(file, number, column, cell[column], "is not a valid date (expected YYYY-MM-DD)"))
        # date ranges
        dated = []
        for prefix, start_col, end_col in pairs:
            start, end = cell[start_col], cell[end_col]
            precision = cell.get(prefix + "_precision", "")
            given = [bool(start), bool(end)] + ([bool(precision)] if prefix + "_precision" in col else [])
            if any(given) and not all(given):
                missing = [c for c, g in zip([start_col, end_col, prefix + "_precision"], given) if not g]
                problems.append(Problem(file, number, missing[0], "", f"is empty, but {prefix} dates need a start, an end and a precision together"))
                continue
            a, b = parse_date(start), parse_date(end)
            if a and b:
                dated += [(start_col, a), (end_col, b)]
                if b < a:
                    problems.append(Problem(file, number, end_col, end, f"is before {start_col} {quote(start)} (a date range must run forwards)"))
        if name in PERIOD_TABLES and "outside_period" in cell:
            flagged = cell["outside_period"] == "true"
            outside = [(c, d) for c, d in dated if not PERIOD[0] <= d <= PERIOD[1]]
            if outside and not flagged:
                c, d = outside[0]
                problems.append(Problem(file, number, c, d.isoformat(), "is outside 1917-01-01..1946-12-31 (set outside_period to true if that is intended)"))
            if flagged and dated and not outside:
                problems.append(Problem(file, number, "outside_period", "true", "is set, but every date lies within 1917-1946 (set it to false)"))
        # numbers
        for low_col, high_col in RANGE_PAIRS:
            if low_col in cell and cell[low_col].isdigit() and cell[high_col].isdigit() and int(cell[low_col]) > int(cell[high_col]):
                problems.append(Problem(file, number, low_col, cell[low_col], f"is greater than {high_col} {quote(cell[high_col])}"))
        # references that frictionless cannot check
        for column, table in (("source_id", "sources"), ("dates_source_id", "sources")):
            if cell.get(column) and ids.get(table) is not None and cell[column] not in ids[table]:
                problems.append(Problem(file, number, column, cell[column], "does not match any source_id in sources.csv"))
        if "person_ids" in cell and cell["person_ids"] and ids.get("people") is not None:
            for person in cell["person_ids"].split(";"):
                if person not in ids["people"]:
                    problems.append(Problem(file, number, "person_ids", person, "does not match any person_id in people.csv"))
        if name == "people" and cell.get("born_start", "") + cell.get("died_start", "") and not cell.get("dates_source_id"):
            problems.append(Problem(file, number, "dates_source_id", "", "is empty, but the row gives a birth or death date (name the source of the dates)"))
        if "paragraph" in cell:
            if cell.get("source_id") == "essay" and not cell["paragraph"]:
                problems.append(Problem(file, number, "paragraph", "", "is empty, but source_id is 'essay' (name the essay paragraph, e.g. wt-3 or note-2)"))
            if cell["paragraph"] and labels is not None:
                for label in cell["paragraph"].split(";"):
                    if label not in labels:
                        problems.append(Problem(file, number, "paragraph", label, f"is not a paragraph label in {chapters_shown} (expected e.g. cr-1, wt-3, note-5)"))
    return problems


# ---------------------------------------------------------------------------------------------

def validate(data_dir: Path | str) -> list[Problem]:
    """Every problem in the data package at data_dir; an empty list means it is valid."""
    data_dir = Path(data_dir)
    try:
        return _validate(data_dir)
    except Exception as err:  # never a traceback for bad input
        return [Problem(display(data_dir), None, None, None, f"could not be checked: {type(err).__name__}: {err}")]


def _validate(data_dir: Path) -> list[Problem]:
    descriptor, problems = read_descriptor(data_dir)
    if descriptor is None:
        return problems
    resources = descriptor.get("resources", [])
    tables: dict[str, list[list[str]]] = {}
    skip: set[str] = set()
    for resource in resources:
        name = resource.get("name", "?")
        path = data_dir / resource.get("path", f"{name}.csv")
        records, found = read_table(path)
        problems += found
        if records is None or not records:
            skip.add(name)
            continue
        expected = [f["name"] for f in resource.get("schema", {}).get("fields", [])]
        found = header_problems(display(path), records[0], expected)
        problems += found
        if found:
            skip.add(name)
        else:
            tables[name] = records
    broken = {r.get("name") for r in resources if r.get("name") in skip}
    friction = frictionless_problems(data_dir, descriptor, skip)
    if broken:  # a table that cannot be read makes frictionless report it again, and its lookups fail
        friction = [p for p in friction if "UTF-8" not in p.message and not any(f"{b}.csv" in p.message for b in broken)]
    problems += friction

    ids = {name: {r[0] for r in records[1:] if r} for name, records in tables.items()}
    chapters = data_dir.parent / "chapters"
    labels = paragraph_labels(chapters)
    if labels is None:
        problems.append(Problem(display(chapters), None, None, None, "not found: paragraph labels cannot be checked (chapters/ must sit beside data/)"))
    for resource in resources:
        name = resource.get("name")
        if name in tables:
            path = data_dir / resource.get("path", f"{name}.csv")
            dates = {f["name"] for f in resource.get("schema", {}).get("fields", []) if f.get("type") == "date"}
            problems += row_problems(name, display(path), tables[name], ids, labels, display(chapters), dates)

    seen, unique = set(), []
    for p in problems:  # frictionless and the edition's rules may both report the same thing
        key = str(p)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def row_counts(data_dir: Path) -> dict[str, int]:
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    counts = {}
    for resource in descriptor["resources"]:
        with open(data_dir / resource["path"], encoding="utf-8", newline="") as fh:
            counts[resource["name"]] = sum(1 for _ in csv.reader(fh)) - 1
    return counts


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if len(argv) > 1:
        print("usage: python -m edition.validate [data_dir]", file=sys.stderr)
        return 2
    from edition.data import DATA_DIR

    data_dir = Path(argv[0]) if argv else DATA_DIR
    problems = validate(data_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found in {display(data_dir)}.", file=sys.stderr)
        return 1
    counts = row_counts(data_dir)
    print(f"OK: {display(data_dir)} is valid ({sum(counts.values())} rows: "
          + ", ".join(f"{name} {n}" for name, n in counts.items()) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
