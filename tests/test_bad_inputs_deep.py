"""Bad input, the deep tier (make test): random bytes and random edits (hypothesis) of a copy of
data/, after which validate() never raises and every problem is one line; and a notebook cell in
a real kernel that shows the problems without a traceback; the CLI as a process on more bad
inputs than make check runs it on. The table of bad inputs, one kind at
a time, is test_bad_inputs.py (make check)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bad_inputs import BREAK, cli_prints_the_line_and_no_traceback, copy, put, raw, read  # noqa: F401  (copy: the fixture)

from edition.data import DATA_DIR, FIX_LINE
from edition.data.validate import Problem, validate


@pytest.mark.parametrize("name", ["empty_file", "byte_order_mark", "quote_left_open", "resource_path_outside_data",
                                  "descriptor_not_json", "quote_paragraph_unknown"])
def test_cli_prints_the_line_and_no_traceback(copy, name):
    cli_prints_the_line_and_no_traceback(copy, name)


# ---- fuzzing: whatever the bytes, a list of one-line problems and never an exception ------------

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
NASTY = list(',;"\n\r \t\x00\x1b\x85\u00a0\u00ad\u200b\u200d\u2028\u202e\u2066\ufeff\ufffd{}%#`$<>&[]()=:.-~/\\')


def assert_total(data: Path) -> None:
    found = validate(data)
    assert isinstance(found, list)
    for problem in found:
        assert isinstance(problem, Problem)
        line = str(problem)
        assert len(line.splitlines()) == 1 and "\n" not in line, line
        assert "could not be checked" not in line, line  # the last-resort catch-all was needed: a check is missing


@FUZZ
@given(content=st.binary(max_size=3000))
def test_random_bytes_in_a_table(copy, content):
    put(copy, "groups", content)
    assert_total(copy)


@FUZZ
@given(head=st.sampled_from([b"", b"\xef\xbb\xbf"]),
       text=st.text(alphabet=st.one_of(st.sampled_from(NASTY), st.characters()), max_size=400))
def test_random_csv_text_after_the_real_header(copy, head, text):
    header = raw(DATA_DIR, "groups").split(b"\n")[0]
    put(copy, "groups", head + header + b"\n" + text.encode("utf-8", errors="surrogatepass"))
    assert_total(copy)


REAL = {name: read(DATA_DIR, name) for name in ("happenings", "attestations", "people", "sources", "quotations")}


@FUZZ
@given(data=st.data())
def test_random_edits_of_real_rows(copy, data):
    name = data.draw(st.sampled_from(sorted(REAL)))
    records = [list(r) for r in REAL[name]]
    for _ in range(data.draw(st.integers(1, 3))):
        row = data.draw(st.integers(0, len(records) - 1))
        if not records[row]:
            continue
        column = data.draw(st.integers(0, len(records[row]) - 1))
        value = records[row][column]
        edit = data.draw(st.sampled_from(["replace", "insert", "truncate", "drop-cell"]))
        if edit == "replace":
            records[row][column] = data.draw(st.text(st.one_of(st.sampled_from(NASTY), st.characters()), max_size=60))
        elif edit == "insert":
            at = data.draw(st.integers(0, len(value)))
            records[row][column] = value[:at] + data.draw(st.text(st.sampled_from(NASTY), min_size=1, max_size=4)) + value[at:]
        elif edit == "truncate":
            records[row][column] = value[: data.draw(st.integers(0, len(value)))]
        else:
            del records[row][column]
    with open(copy / f"{name}.csv", "w", encoding="utf-8", errors="surrogatepass", newline="") as fh:
        csv.writer(fh, lineterminator=data.draw(st.sampled_from(["\n", "\r\n"]))).writerows(records)
    assert_total(copy)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(st.sampled_from(NASTY + list("abc")), max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
                        ["name", "path", "schema", "fields", "type", "constraints", "pattern", "enum", "reference",
                         "resource", "primaryKey", "foreignKeys", "missingValues", "format"]), inner, max_size=3),
                    max_leaves=8)


@FUZZ
@given(data=st.data())
def test_random_edits_of_the_descriptor(copy, data):
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    target = data.draw(st.sampled_from(descriptor["resources"]))
    where = data.draw(st.sampled_from(["resource", "schema", "field"]))
    node = target if where == "resource" else target["schema"] if where == "schema" else \
        data.draw(st.sampled_from(target["schema"]["fields"]))
    key = data.draw(st.sampled_from(sorted(node) + ["constraints", "foreignKeys", "primaryKey"]))
    node[key] = data.draw(JSON)
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert_total(copy)


# ---- a notebook cell in a real kernel: the problems, no traceback -------------------------------

def test_notebook_shows_the_problems_without_a_traceback(copy):
    import nbformat
    from nbclient import NotebookClient

    expected = BREAK["nul_byte"](copy)
    code = f"from edition.data import load\nevents = load('events', data_dir={str(copy)!r})"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(notebook, kernel_name="python3", timeout=120, allow_errors=True,
                   resources={"metadata": {"path": str(copy.parent)}}).execute()
    [output] = notebook.cells[0].outputs
    assert output.output_type == "error" and output.ename == "DataError"
    shown = "\n".join(output.traceback)
    assert "Traceback" not in shown and 'File "' not in shown and "---" not in shown
    assert output.traceback == [expected, FIX_LINE]


# ---- bounded: whatever the descriptor, the validator answers within seconds ----------------------

# Pieces of patterns that make a backtracking engine take exponential time on a cell they fail on.
PATTERN_PIECES = ["(a+)+", "([a-z ]+)+", "(.*)*", "(a|aa)+", "(a|a)*", "([^!]+)+", "(\\w+\\s?)+", "x", "!", "$", "^", "a{1,30}"]


def within(seconds: float, fn, *args):
    """fn(*args) in a forked child that must answer within `seconds` (a hung check fails the test,
    and does not hang it: a regular expression engine cannot be interrupted in the same process)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    child = context.Process(target=lambda: answers.put(fn(*args)))
    child.start()
    try:
        return answers.get(timeout=seconds)
    except Exception:
        pytest.fail(f"no answer within {seconds} s")
    finally:
        child.kill()
        child.join()


@FUZZ
@given(data=st.data())
def test_the_validator_is_bounded_on_generated_descriptors(copy, data):
    """A real table, a pattern that backtracks on one of its columns and a long cell there that the
    pattern fails on; many columns (repeated or not), a long enum: an answer within seconds."""
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    table = data.draw(st.sampled_from(sorted(REAL)))
    fields = next(r for r in descriptor["resources"] if r["name"] == table)["schema"]["fields"]
    column = data.draw(st.integers(0, len(fields) - 1))
    pieces = data.draw(st.lists(st.sampled_from(PATTERN_PIECES), min_size=1, max_size=6))
    fields[column]["constraints"] = {"pattern": "^" + "".join(pieces) + "$"}
    records = [list(r) for r in REAL[table]]
    records[1][column] = data.draw(st.sampled_from(["a" * 40 + "!", "aaaa " * 30 + "!", "x" * 1_500]))
    with open(copy / f"{table}.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(records)
    extra = data.draw(st.sampled_from([0, 10, 999, 1_001, 100_000]))  # columns, with names repeated or not
    repeat = data.draw(st.booleans())
    fields += [{"name": "same" if repeat else f"c{i}"} for i in range(extra)]
    if data.draw(st.booleans()):
        fields[-1]["constraints"] = {"enum": [f"v{i}" for i in range(data.draw(st.sampled_from([5, 1_000, 50_000])))]}
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    lines = within(20, lambda: [str(p) for p in validate(copy)])
    assert lines and all("\n" not in line and "could not be checked" not in line for line in lines)
