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


@pytest.mark.parametrize("bad", ["1923-13-01", "1923-1-5", "autumn 1923"])
def test_malformed_date(copy, bad):
    set_cell(copy, "attestations", 12, "date_start", bad)
    line = assert_reported(copy, "attestations.csv", "row 12", "column date_start", f"'{bad}'")
    assert "not a valid date (expected YYYY-MM-DD)" in line


def test_end_before_start(copy):
    set_cell(copy, "attestations", 5, "date_start", "1923-05-01")
    set_cell(copy, "attestations", 5, "date_end", "1923-04-01")
    line = assert_reported(copy, "attestations.csv", "row 5", "column date_end", "'1923-04-01'")
    assert "before date_start" in line


def test_unknown_person_in_list(copy):
    set_cell(copy, "happenings", 7, "person_ids", "miasnikov;nobody-at-all")
    assert_reported(copy, "happenings.csv", "row 7", "column person_ids", "'nobody-at-all'")


def test_duplicate_primary_key(copy):
    records = read(copy, "people")
    duplicate = records[2][0]
    set_cell(copy, "people", 4, "person_id", duplicate)
    line = assert_reported(copy, "people.csv", "row 4", "column person_id", f"'{duplicate}'")
    assert "duplicate" in line


def test_missing_required_value(copy):
    set_cell(copy, "groups", 6, "name", "")
    line = assert_reported(copy, "groups.csv", "row 6", "column name", "''")
    assert "required" in line


def test_unknown_category(copy):
    set_cell(copy, "happenings", 9, "kind", "banana")
    line = assert_reported(copy, "happenings.csv", "row 9", "column kind", "'banana'")
    assert "allowed values" in line and "arrest" in line


def test_wrong_encoding(copy):
    path = copy / "people.csv"
    text = path.read_text(encoding="utf-8")
    records = list(csv.reader(io.StringIO(text)))
    row = next(i for i, r in enumerate(records, start=1) if r[0] == "bogdanov")
    path.write_bytes(text.replace("Alexander Bogdanov (A. A. Malinovsky)", "Alexandre Bogdanov (Malinovski\u00e9)").encode("latin-1", errors="replace"))
    line = assert_reported(copy, "people.csv", f"row {row}", "column name", "\\xe9")
    assert "not valid UTF-8" in line and "byte position" in line


def test_row_with_no_source(copy):
    set_cell(copy, "attestations", 20, "source_id", "")
    line = assert_reported(copy, "attestations.csv", "row 20", "column source_id", "''")
    assert "required" in line


def test_essay_row_without_paragraph(copy):
    records = read(copy, "attestations")
    row = next(i for i, r in enumerate(records, start=1) if i > 1 and r[records[0].index("source_id")] == "essay")
    set_cell(copy, "attestations", row, "paragraph", "")
    assert_reported(copy, "attestations.csv", f"row {row}", "column paragraph", "''")


def test_unknown_paragraph_label(copy):
    set_cell(copy, "groups", 2, "paragraph", "wt-99")
    line = assert_reported(copy, "groups.csv", "row 2", "column paragraph", "'wt-99'")
    assert "chapters" in line


def test_html_or_script_in_text(copy):
    set_cell(copy, "happenings", 15, "title", "<script>alert(1)</script>")
    line = assert_reported(copy, "happenings.csv", "row 15", "column title", "'<script>alert(1)</script>'")
    assert "HTML or script" in line


def test_javascript_url(copy):
    set_cell(copy, "sources", 3, "url", "javascript:alert(1)")
    line = assert_reported(copy, "sources.csv", "row 3", "column url", "'javascript:alert(1)'")
    assert "is not a web address" in line


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
