"""Could Frictionless do the schema, type and key checks of edition/data/validate.py? (issue 27, item 4)

Usage: .venv/bin/python tools/frictionless_compare.py [--cases] [--remit] [--strict] [--time N]

--cases: every bad input of tests/test_bad_inputs.py (the contract: one line each, naming file, row,
  column and what to do) breaks a fresh copy of data/; `frictionless validate data/datapackage.json`
  then reads it, and TABLE below turns each of its errors into one of today's plain lines. The script
  counts the cases where that gives exactly the contract's line, and says what it gave otherwise.
  Each Frictionless run is a forked child with a time limit: its patterns run on Python's re.
--remit: the same, for the cases about what Frictionless checks (REMIT) only.
--strict: what Frictionless accepts as a date, an integer, a number or a boolean that the loader
  and the factoid rules would misread (validate.py refuses each).
--time N: `python -m edition.data data` (make validate) against `frictionless validate` with TABLE,
  each as a fresh process, N runs each (median), with the load average.

The answer is printed; nothing is written. Frictionless is not imported by the validator itself.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edition.data.validate import PATTERN_HELP, REQUIRED_MESSAGE, Problem, display, validate  # noqa: E402

LIMIT = 60  # seconds for one Frictionless run

# The cases about what Frictionless checks (reading a table, its header and row shape, types,
# constraints, keys, the descriptor): the rest (characters, markup, formulas, links, paragraph labels,
# the factoid and claim rules) are the edition's own rules, which no schema can state.
REMIT = """empty_file only_blank_lines header_only byte_order_mark byte_order_mark_and_crlf utf16 latin1_byte
quote_left_open missing_file text_after_closing_quote blank_row_between_rows row_of_commas row_with_a_cell_too_many
row_with_a_cell_too_few renamed_column stray_comma_after_the_header missing_column duplicate_header_name columns_swapped
paragraph_label_malformed boolean_written_true number_too_large number_with_decimals unknown_foreign_key
duplicate_primary_key url_not_an_address url_javascript url_file url_data url_with_a_quote descriptor_not_json
descriptor_empty descriptor_not_an_object descriptor_without_resources resource_path_outside_data resource_path_absolute
foreign_key_to_an_unknown_table unknown_field_type pattern_that_backtracks pattern_with_a_backreference pattern_too_long
descriptor_with_100000_fields descriptor_with_10000_foreign_keys enum_of_100000_values descriptor_with_1000_resources
descriptor_with_byte_order_mark count_in_words_with_the_descriptor_saying_text
source_id_not_a_key_with_the_descriptor_saying_any_text""".split()

# ---- the table: a Frictionless error type -> today's plain line ---------------------------------

TYPE_HELP = {
    "date": "is not a valid date (expected YYYY-MM-DD)",
    "integer": "is not a whole number (expected digits only, e.g. 200)",
    "number": "is not a number (expected digits, with a '.' before any decimals, e.g. 2.5)",
    "boolean": "is not true or false (expected exactly 'true' or 'false')",
}


def _field(schema: dict, name: str) -> dict:
    return next((f for f in schema.get("fields", []) if f.get("name") == name), {})


def _constraint(error, schema: dict) -> str:
    which = re.match(r'constraint "(\w+)"', error.note)
    rules = _field(schema, error.field_name).get("constraints", {})
    name = which.group(1) if which else ""
    if name == "required":
        return REQUIRED_MESSAGE
    if name == "enum":
        return f"is not one of the allowed values ({', '.join(rules['enum'][:20])})"
    if name == "pattern":
        return PATTERN_HELP.get(rules["pattern"], f"has the wrong form (expected to match {rules['pattern']})")
    if name == "minimum":
        return f"is below the allowed minimum (expected {rules['minimum']} or more)"
    if name == "maximum":
        return f"is above the allowed maximum (expected {rules['maximum']} or less)"
    if name == "minLength":
        return f"is too short (expected at least {rules['minLength']} characters)"
    return error.note


def _duplicate(error, schema: dict) -> tuple[str, str, str] | None:
    first = re.search(r"row at position (\d+)", error.note)
    if not first:  # "cells composing the primary keys are all None": an empty key, reported as required
        return None
    key = schema.get("primaryKey") or [error.field_name]
    key = [key] if isinstance(key, str) else key
    names = [f["name"] for f in schema["fields"]]
    value = ", ".join(error.cells[names.index(k)] for k in key) if error.type == "primary-key" else error.cell
    column = ", ".join(key)
    return column, value, f"is a duplicate: {column} must be unique (first used in row {first.group(1)})"


def _foreign(error, schema: dict, files: dict) -> tuple[str, str, str]:
    found = re.match(r'for "([^"]+)": values "([^"]*)" not found in the lookup table "([^"]*)" as "([^"]+)"', error.note)
    if not found:
        return "", "", error.note
    columns, values, table, theirs = found.groups()
    return columns, values, f"does not match any {theirs} in {files.get(table, table)}"


def lines(data_dir: Path) -> list[str]:
    """`frictionless validate` on the package, each error turned into today's line by the table."""
    import frictionless

    shown = display(data_dir / "datapackage.json")
    try:
        descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
        schemas = {r["name"]: r["schema"] for r in descriptor["resources"]}
        files = {r["name"]: r["path"] for r in descriptor["resources"]}
    except Exception as err:  # what Frictionless says of a descriptor it cannot read, as it says it
        schemas, files = {}, {}
        first = f"{type(err).__name__}: {err}"
    else:
        first = None
    try:
        report = frictionless.validate(str(data_dir / "datapackage.json"))
    except Exception as err:
        return [str(Problem(shown, None, None, None, f"could not be checked: {type(err).__name__}: {err}"))]
    out: list[Problem] = []
    if report.errors:  # the package itself
        return [str(Problem(shown, None, None, None, e.note or e.message)) for e in report.errors] or [first or ""]
    for task in report.tasks:
        file = display(data_dir / files.get(task.name, task.name + ".csv"))
        schema = schemas.get(task.name, {})
        width = len(schema.get("fields", []))
        widths: dict[int, int] = {}  # cells in a row that is too long or too short
        for e in task.errors:
            kind, row = e.type, getattr(e, "row_number", None)
            if kind == "type-error":
                out.append(Problem(file, row, e.field_name, e.cell, TYPE_HELP.get(_field(schema, e.field_name).get("type"), e.note)))
            elif kind == "constraint-error":
                out.append(Problem(file, row, e.field_name, e.cell or None, _constraint(e, schema)))
            elif kind in ("primary-key", "unique-error"):
                found = _duplicate(e, schema)
                if found:
                    out.append(Problem(file, row, found[0], found[1], found[2]))
            elif kind == "foreign-key":
                column, value, says = _foreign(e, schema, files)
                out.append(Problem(file, row, column, value, says))
            elif kind == "blank-row":
                out.append(Problem(file, row, None, None, "is a blank row (delete it)"))
            elif kind in ("extra-cell", "missing-cell"):
                widths[row] = widths.get(row, width) + (1 if kind == "extra-cell" else -1)
            elif kind == "missing-label":
                out.append(Problem(file, 1, e.field_name, None, "column is missing from the header (datapackage.json expects it)"))
            elif kind == "extra-label":
                out.append(Problem(file, 1, None, e.label, "is an extra column not described in datapackage.json"))
            elif kind == "duplicate-label":
                out.append(Problem(file, 1, None, e.label, f"is in the header twice ({e.note})"))
            elif kind == "blank-label":
                out.append(Problem(file, 1, None, None, f"column {e.field_number} has no name in the header (a stray comma?): "
                                   "delete it, or give each the name datapackage.json expects"))
            elif kind == "incorrect-label":
                out.append(Problem(file, 1, None, e.label, f"is column {e.field_number} of the header, where datapackage.json "
                                   f"expects '{e.field_name}' (rename it)"))
            else:  # encoding, scheme, source, hash, byte-count ... errors: Frictionless's own words
                out.append(Problem(file, row, getattr(e, "field_name", None), None, f"{kind}: {e.note}"))
        out += [Problem(file, r, None, None, f"has {n} cell{'s' * (n != 1)}, but the header has {width} columns "
                        "(check the commas and quotes in this row)") for r, n in widths.items()]
    return list(dict.fromkeys(str(p) for p in out))


def inline(data_dir: Path) -> int:
    """The hybrid: validate.py reads the files (encoding, quotes, header, row shape) and Frictionless
    checks the rows it read against the schema without its patterns (which run on Python's re);
    the number of errors it finds."""
    import copy

    from frictionless import Package, Resource, Schema

    from edition.data.validate import descriptor_resources, read_descriptor, read_table

    descriptor, _ = read_descriptor(data_dir)
    resources, _ = descriptor_resources(descriptor, data_dir)
    found = []
    for entry, resource in zip(descriptor["resources"], resources):
        table, _ = read_table(resource, data_dir)
        schema = copy.deepcopy(entry["schema"])
        for spec in schema["fields"]:
            spec.get("constraints", {}).pop("pattern", None)
        rows = [[cells[n] for n in resource.names] for _, cells in table.rows]
        found.append(Resource(name=resource.name, data=[resource.names] + rows, schema=Schema.from_descriptor(schema)))
    report = Package(resources=found).validate()  # (frictionless.validate() of inline data: "scheme None is not supported")
    return sum(len(task.errors) for task in report.tasks)


# ---- the comparison ---------------------------------------------------------------------------------

def _child(data_dir: Path, conn) -> None:
    os.chdir(data_dir.parent)
    try:
        conn.send(lines(Path("data")))
    except BaseException as err:  # reported, in the parent, as the case's answer
        conn.send([f"raised {type(err).__name__}: {err}"])


def frictionless_lines(data_dir: Path) -> tuple[list[str] | None, float]:
    """Frictionless's lines in a forked child (None: still running after LIMIT seconds)."""
    here, there = multiprocessing.get_context("fork").Pipe()
    child = multiprocessing.get_context("fork").Process(target=_child, args=(data_dir, there))
    start = time.perf_counter()
    child.start()
    got = here.recv() if here.poll(LIMIT) else None
    child.kill()
    child.join()
    return got, time.perf_counter() - start


def compare_cases(only: list[str] | None = None) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    import frictionless  # noqa: F401 -- imported once, before the forks
    import test_bad_inputs as t

    same, differ, hung = [], [], []
    cases = [p for p in t.CASES if only is None or p.id in only]
    for param in cases:
        name, fn = param.id, param.values[0]
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp)
            shutil.copytree(ROOT / "data", base / "data")
            shutil.copytree(ROOT / "chapters", base / "chapters")
            cwd = os.getcwd()
            os.chdir(base)
            try:
                expected = fn(base / "data")
                ours = [str(p) for p in validate(Path("data"))]
            finally:
                os.chdir(cwd)
            theirs, _ = frictionless_lines(base / "data")
        assert ours == [expected], (name, ours)
        if theirs is None:
            hung.append(name)
        elif theirs == [expected]:
            same.append(name)
        else:
            differ.append((name, expected, theirs))
    print(f"{len(cases)} cases of tests/test_bad_inputs.py{' (those in REMIT)' if only else ''}; validate.py gives the "
          "contract's line in every one.")
    print(f"Frictionless + the table gives the same single line in {len(same)}: {', '.join(same)}")
    print(f"still running after {LIMIT} s in {len(hung)}: {', '.join(hung)}")
    print(f"other lines in {len(differ)}:")
    for name, expected, theirs in differ:
        print(f"- {name}\n    contract: {expected}\n    frictionless ({len(theirs)} lines): "
              + (theirs[0][:300] if theirs else "(no error: the bad input passes)"))


def strict() -> None:
    """Values Frictionless's types accept that validate.py refuses (with what the loader would make of them)."""
    from frictionless import Resource, Schema

    values = {"date": ["1923-1-5", "0923-01-05"], "integer": ["\u0663", "+5", "1_000", " 7", "9" * 30],
              "number": ["NaN", "1e5", "Infinity", "1_0.5"], "boolean": ["True", "1", "TRUE"]}
    for kind, found in values.items():
        resource = Resource(data=[["x"]] + [[v] for v in found],
                            schema=Schema.from_descriptor({"fields": [{"name": "x", "type": kind}]}))
        refused = {e.row_number for task in resource.validate().tasks for e in task.errors}
        accepted = [v for i, v in enumerate(found, start=2) if i not in refused]
        print(f"{kind}: Frictionless accepts {', '.join(repr(v) for v in accepted) or 'none of them'}")


def timing(runs: int) -> None:
    py = str(ROOT / ".venv" / "bin" / "python")
    commands = {
        "make validate (python -m edition.data)": [py, "-m", "edition.data", "data"],
        "frictionless validate + the table": [py, "-c", "import sys; sys.path.insert(0, 'tools'); "
                                              "import frictionless_compare as f; from pathlib import Path; "
                                              "print(*f.lines(Path('data')), sep='\\n')"],
        "validate.py's reading + Frictionless on the rows (no patterns)": [
            py, "-c", "import sys; sys.path.insert(0, 'tools'); import frictionless_compare as f; "
            "from pathlib import Path; assert f.inline(Path('data')) == 0"],
        "import frictionless alone": [py, "-c", "import frictionless"],
    }
    for words, command in commands.items():
        took = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
            took.append(time.perf_counter() - start)
        print(f"{words}: median {statistics.median(took):.2f} s of {runs} "
              f"(min {min(took):.2f}, max {max(took):.2f}); load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--strict" in args:
        strict()
    if "--time" in args:
        timing(int(args[args.index("--time") + 1]))
    if "--remit" in args:
        compare_cases(REMIT)
    if "--cases" in args or not args:
        compare_cases()
