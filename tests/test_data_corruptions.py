"""Break a copy of the data in one way at a time: the validator must say exactly where (file, row,
column, value) without a traceback, and the loader must refuse with a DataError."""
import contextlib
import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from edition.data import DATA_DIR, DataError, load
from edition.data.validate import main as validator_main

pytestmark = pytest.mark.check
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def copy(tmp_path):
    """data/ and chapters/ side by side in a temporary folder, so paragraph labels still resolve."""
    shutil.copytree(DATA_DIR, tmp_path / "data")
    shutil.copytree(REPO / "chapters", tmp_path / "chapters")
    return tmp_path / "data"


def read(data, table):
    with open(data / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write(data, table, records):
    with open(data / f"{table}.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(records)


def set_cell(data, table, row, column, value):
    """Set one cell; `row` counts the header as row 1, as the validator's messages do."""
    records = read(data, table)
    records[row - 1][records[0].index(column)] = value
    write(data, table, records)
    return records[row - 1]


def run_cli(data):
    """The validator's command (`python -m edition.data`) run in this process: the same main(),
    without an interpreter start per case (tests/test_bad_inputs.py runs the real command)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = validator_main([str(data)])
    return subprocess.CompletedProcess([], code, out.getvalue(), err.getvalue())


def assert_reported(data, *expected):
    """The CLI fails cleanly and one line names every expected piece; load() raises DataError."""
    run = run_cli(data)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Traceback" not in output
    lines = [line for line in run.stdout.splitlines() if all(piece in line for piece in expected)]
    assert lines, f"no line with {expected} in:\n{output}"
    with pytest.raises(DataError):
        load("events", data_dir=data)
    return lines[0]


# One cell set to a bad value: the line names the file, row, column and value (or the bad part of
# it, `shown`), and says what is wrong in the words given.
ONE_CELL = [
    pytest.param("attestations", 12, "date_start", bad, bad, ["not a valid date (expected YYYY-MM-DD)"],
                 id=f"malformed_date-{bad}") for bad in ["1923-13-01", "1923-1-5", "autumn 1923"]
] + [
    pytest.param("happenings", 7, "person_ids", "miasnikov;nobody-at-all", "nobody-at-all", [], id="unknown_person_in_list"),
    pytest.param("groups", 6, "name", "", "", ["required"], id="missing_required_value"),
    pytest.param("happenings", 9, "kind", "banana", "banana", ["allowed values", "arrest"], id="unknown_category"),
    pytest.param("attestations", 20, "source_id", "", "", ["required"], id="row_with_no_source"),
    pytest.param("groups", 2, "paragraph", "wt-99", "wt-99", ["chapters"], id="unknown_paragraph_label"),
    pytest.param("happenings", 15, "title", "<script>alert(1)</script>", "<script>alert(1)</script>", ["HTML or script"],
                 id="html_or_script_in_text"),
    pytest.param("sources", 3, "url", "javascript:alert(1)", "javascript:alert(1)", ["is not a web address"],
                 id="javascript_url"),
]


@pytest.mark.parametrize("table, row, column, value, shown, says", ONE_CELL)
def test_one_bad_cell(copy, table, row, column, value, shown, says):
    set_cell(copy, table, row, column, value)
    line = assert_reported(copy, f"{table}.csv", f"row {row}", f"column {column}", f"'{shown}'")
    assert all(words in line for words in says), line


def test_end_before_start(copy):
    set_cell(copy, "attestations", 5, "date_start", "1923-05-01")
    set_cell(copy, "attestations", 5, "date_end", "1923-04-01")
    line = assert_reported(copy, "attestations.csv", "row 5", "column date_end", "'1923-04-01'")
    assert "before date_start" in line


def test_duplicate_primary_key(copy):
    records = read(copy, "people")
    duplicate = records[2][0]
    set_cell(copy, "people", 4, "person_id", duplicate)
    line = assert_reported(copy, "people.csv", "row 4", "column person_id", f"'{duplicate}'")
    assert "duplicate" in line


def test_wrong_encoding(copy):
    path = copy / "people.csv"
    text = path.read_text(encoding="utf-8")
    records = list(csv.reader(io.StringIO(text)))
    row = next(i for i, r in enumerate(records, start=1) if r[0] == "bogdanov")
    path.write_bytes(text.replace("Alexander Bogdanov (A. A. Malinovsky)", "Alexandre Bogdanov (Malinovski\u00e9)").encode("latin-1", errors="replace"))
    line = assert_reported(copy, "people.csv", f"row {row}", "column name", "\\xe9")
    assert "not valid UTF-8" in line and "byte position" in line


def test_essay_row_without_paragraph(copy):
    records = read(copy, "attestations")
    row = next(i for i, r in enumerate(records, start=1) if i > 1 and r[records[0].index("source_id")] == "essay")
    set_cell(copy, "attestations", row, "paragraph", "")
    assert_reported(copy, "attestations.csv", f"row {row}", "column paragraph", "''")


def test_date_outside_period_needs_the_flag(copy):
    """An attested date before 1917 needs its happening's outside_period flag."""
    happenings = read(copy, "happenings")
    inside = {r[0] for r in happenings[1:] if r[happenings[0].index("outside_period")] == "false"}
    records = read(copy, "attestations")
    row = next(i for i, r in enumerate(records, start=1) if i > 1 and r[records[0].index("happening_id")] in inside
               and r[records[0].index("date_start")])
    set_cell(copy, "attestations", row, "date_start", "1905-01-22")
    line = assert_reported(copy, "attestations.csv", f"row {row}", "column date_start", "'1905-01-22'")
    assert "set outside_period to true" in line


def test_low_above_high(copy):
    records = read(copy, "size_estimates")
    row = next(i for i, r in enumerate(records, start=1) if i > 1 and r[records[0].index("low")] and r[records[0].index("high")])
    set_cell(copy, "size_estimates", row, "low", "999999")
    assert_reported(copy, "size_estimates.csv", f"row {row}", "column low", "'999999'")


def test_missing_descriptor_is_a_clean_error(tmp_path):
    (tmp_path / "data").mkdir()
    run = run_cli(tmp_path / "data")
    assert run.returncode == 1 and "Traceback" not in run.stdout + run.stderr
    assert "datapackage.json" in run.stdout
    with pytest.raises(DataError):
        load("events", data_dir=tmp_path / "data")
