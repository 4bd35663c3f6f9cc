"""The grader's parts, without a kernel (make check): reading untrusted hand-ins, names, answers as
data, the CSV files, the Makefile's front door. (The exercise table: test_exercises.py.)"""
import json
from pathlib import Path
import subprocess

import pandas as pd
import plotly.express as px
import pytest

from edition.checks.answers import MAX_VALUE, Opaque, decode, decode_all, encode
from edition.grade import handins, identity, report
from fidelity import ROOT

pytestmark = pytest.mark.check


@pytest.mark.parametrize("value", [
    3, 1923.0, "arrest", None, True, float("nan"), ["arrest", "exile"], ("a", 1),
    pd.DataFrame({"year": [1921, 1922], "kind": pd.Categorical(["arrest", "exile"]),
                  "date_start": pd.to_datetime(["1921-03-01", "1922-01-01"])}),
    pd.Series([1, 2], name="events"),
])
def test_answers_travel_as_data(value):
    back = decode(json.loads(json.dumps(encode(value))))
    if isinstance(value, pd.DataFrame):
        pd.testing.assert_frame_equal(back, value, check_categorical=False, check_dtype=False)
    elif isinstance(value, pd.Series):
        assert back.tolist() == value.tolist() and back.name == "events"
    elif isinstance(value, float) and value != value:
        assert back != back
    elif isinstance(value, tuple):
        assert back == value
    else:
        assert back == value


def test_a_chart_travels_with_its_marks():
    frame = pd.DataFrame({"year": [1921, 1922, 1923], "events": [2, 5, 1]})
    back = decode(json.loads(json.dumps(encode(px.bar(frame, x="year", y="events")))))
    assert list(back.data[0].y) == [2, 5, 1] and back.data[0].type == "bar"


def test_what_is_not_data_stays_outside():
    class Sneaky:
        def __reduce__(self):
            return (print, ("unpickled!",))
    encoded = encode(Sneaky())
    assert encoded == {"type": "opaque", "class": "Sneaky"}
    back = decode(encoded)
    assert isinstance(back, Opaque) and type(back).__name__ == "Sneaky"
    # hostile payloads: wrong shapes, huge strings, a missing variable
    assert isinstance(decode({"type": "frame", "json": "x" * (MAX_VALUE + 1)}), Opaque)
    assert isinstance(decode({"type": "figure", "json": "{not json"}), Opaque)
    assert isinstance(decode("a string"), Opaque) and isinstance(decode({"type": "scalar", "value": {"a": 1}}), Opaque)
    assert decode_all({"fig": {"type": "missing"}, "x": {"type": "scalar", "value": 1}}) == {"x": 1}
    assert decode_all(["not", "a", "dict"]) == {}


BAD = {  # file name, its bytes -> the reason grades.csv gives
    "chronology-a.ipynb": (b'{"cells": [{"cell_type": "code", "sour', "not a notebook (not a notebook's JSON text"),
    "chronology-b.ipynb": (b"PK\x03\x04rest", "a zip file, not a notebook"),
    "chronology-c.py": (b"print(1)", "a Python file (not a notebook's JSON text"),
    "chronology-d.ipynb": (b"[1, 2]", "not a Jupyter notebook (it has no list of cells)"),
    "chronology-e.ipynb": (b"\xff\xfe\x00", "not a notebook (not a notebook's JSON text: UnicodeDecodeError)"),
    "chronology-f.ipynb": (b'{"cells": "no"}', "not a Jupyter notebook"),
    "essay-g.ipynb": (b'{"cells": []}', "not one of the book's notebooks"),
}


@pytest.mark.parametrize("name", BAD)
def test_a_broken_hand_in_is_a_reason(name, tmp_path):
    data, reason = BAD[name]
    (tmp_path / name).write_bytes(data)
    h = handins.read(tmp_path / name, tmp_path)
    assert h.problem and reason in h.problem, h.problem


def test_a_link_is_not_followed(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text('{"cells": []}')
    (tmp_path / "hand-ins").mkdir()
    (tmp_path / "hand-ins" / "chronology-link.ipynb").symlink_to(secret)
    h = handins.read(tmp_path / "hand-ins" / "chronology-link.ipynb", tmp_path / "hand-ins")
    assert "a link or special file" in h.problem


@pytest.mark.parametrize("meta, note", [
    ({"edition": "chronology"}, "its metadata.edition is not a record"),
    ({"edition": {"notebook": "chronology", "student": 42}}, "the student's name in the notebook is not text"),
    ({"edition": {"notebook": "chronology", "student": ["a"]}}, "the student's name in the notebook is not text"),
    ({"edition": {"notebook": "chronology", "student": "A", "handed_in": "yesterday"}}, "its hand-in time is not a date"),
])
def test_odd_metadata_is_a_note_not_a_stop(meta, note, tmp_path):
    path = tmp_path / "chronology-odd.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "code"}, {"cell_type": "code", "source": ["a = 1\n", 2]},
                                          {"cell_type": "markdown", "source": "words"}], "metadata": meta}))
    h = handins.read(path, tmp_path)
    assert h.problem is None and h.notebook == "chronology" and note in " ".join(h.notes), h.notes
    assert [c.kind for c in h.cells] == ["markdown"] and "2 cell(s) had no readable" in " ".join(h.notes)


def test_names_in_any_script_and_spelling():
    assert identity.key("Ana Lima") == identity.key("ana  lima") == identity.key("ana-lima") == identity.key("Aná Lima")
    assert identity.key("Анна Лима") == "анна лима" and identity.key("李华") == "李华"
    assert handins.clean_name("Ana\u200b\u034f Lima\u3164\n") == "Ana Lima"
    assert identity.key("Ana Lima") != identity.key("Ana Lim")


def test_roster_problems_are_one_line(tmp_path):
    bad = tmp_path / "roster.csv"
    bad.write_text("id,email\n1,a@b\n")
    with pytest.raises(identity.RosterError, match=r"line 1: no 'name' column"):
        identity.Roster.read(bad)
    bad.write_text("id,name\n1,\n")
    with pytest.raises(identity.RosterError, match=r"line 2, column name: empty"):
        identity.Roster.read(bad)


def test_csv_cells_never_run_as_formulas():
    text = report.csv_text([["=HYPERLINK(\"x\")", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "Ana", "1.5"]])
    assert text.strip() == "'=HYPERLINK(\"\"x\"\")\",'+cmd|' /C calc'!A0,'@SUM(1),'-2+3,Ana,1.5".replace(
        "'=HYPERLINK(\"\"x\"\")\"", "\"'=HYPERLINK(\"\"x\"\")\"")


def test_a_folder_name_is_never_a_command(tmp_path):
    """make grade passes SUBMISSIONS to the grader as an argument, never inside a shell string."""
    marker = tmp_path / "ran"
    done = subprocess.run(["make", "-s", "grade", f"SUBMISSIONS=x`touch {marker}`$(touch {marker})"], cwd=ROOT,
                          capture_output=True, text=True)
    assert not marker.exists()
    assert "is not a folder" in done.stdout, done.stdout + done.stderr


def test_marks_that_cannot_be_used_are_said(tmp_path):
    from edition.grade import Graded
    from edition.grade.handins import HandIn
    g = Graded(HandIn(tmp_path / "a.ipynb", "chronology-a.ipynb", notebook="chronology"))
    marks = tmp_path / "marks.csv"
    marks.write_text("file,exercise,points,comment\nchronology-a.ipynb,chronology-ex-4,5,too many\n"
                     "chronology-a.ipynb,chronology-ex-1,1,checked\nnobody.ipynb,chronology-ex-4,1,\n"
                     "chronology-a.ipynb,chronology-ex-4,3.5,good\n")
    found, problems = report.read_marks(marks, [g])
    assert found == {("chronology-a.ipynb", "chronology-ex-4"): (3.5, "good")}
    assert problems == ["marks.csv, line 2, column points: '5' is not a number from 0 to 4; the mark was not used",
                        "marks.csv, line 3, column exercise: 'chronology-ex-1' is not an exercise marked by hand; the mark was not used",
                        "marks.csv, line 4, column file: 'nobody.ipynb' is not a hand-in in this folder; the mark was not used"]


def test_copied_answers_are_flagged_once_each():
    from edition.grade.handins import Cell, HandIn
    from edition.classroom.student_notebook import solutions
    from fidelity import ROOT as root
    shared = ("Both sources are encyclopedias written long after the events; neither names who wrote it, "
              "so I cannot tell what they rest on.")
    def hand_in(name, answer):
        h = HandIn(Path(name), f"chronology-{name}.ipynb", notebook="chronology", student=name, key=name)
        h.cells = [Cell("markdown", answer, "chronology-ex-4", True)]
        return h
    worked = solutions(root / "chapters" / "chronology.md")["chronology-ex-2"]
    a, b, c = hand_in("ana", shared), hand_in("bo", "  " + shared.replace(" ", "  ")), hand_in("cy", "My own words.")
    d = hand_in("di", "")
    d.cells = [Cell("code", worked, "chronology-ex-2")]
    identity._same_answers([a, b, c, d])
    assert a.notes == ["Exercise 4 (Criticise a source): nearly the same answer as bo (chronology-bo.ipynb)"]
    assert b.notes == ["Exercise 4 (Criticise a source): nearly the same answer as ana (chronology-ana.ipynb)"]
    assert c.notes == [] and d.notes == ["Exercise 2 (Change a filter): the answer is the book's worked solution, nearly word for word"]


def test_no_value_from_the_command_line_is_pasted_into_a_shell_string():
    """Every variable a user sets (make grade SUBMISSIONS=..., make pdf EDITION=..., ...) reaches a
    recipe as an environment variable ("$$NAME"), never as $(NAME) text that the shell would parse."""
    import re
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipes = "\n".join(line for line in makefile.splitlines() if line.startswith("\t"))
    for name in ("SUBMISSIONS", "ROSTER", "CHECKS", "LIMIT", "SOLUTIONS", "PAPER", "EDITION", "PORT"):
        assert not re.search(rf"\$[({{]{name}[)}}]", recipes), f"$({name}) inside a recipe"


def test_the_marking_sheet_shows_what_students_wrote_as_text(tmp_path):
    """A name, an answer and a chart title are the students' text: escaped, never markup or script."""
    import json as json_
    from edition.grade import Graded
    from edition.grade.handins import Cell, HandIn
    from edition.grade.sheet import marking_sheet
    h = HandIn(Path("x"), "chronology-x.ipynb", notebook="chronology", student="<img src=x onerror=alert(1)>", key="x")
    h.cells = [Cell("markdown", "</div><script>alert(2)</script>", "chronology-ex-4", True),
               Cell("code", "fig = 1", "chronology-ex-2")]
    g = Graded(h, points={"chronology-ex-2": 3.0, "chronology-ex-4": None})
    g.charts["chronology-ex-2"] = json_.dumps({"data": [], "layout": {"title": {"text": "</script><script>alert(3)</script>"},
                                                                      "images": [{"source": "http://example.com/x.png"}]}})
    page = marking_sheet([g], tmp_path / "marking", {})
    body = page.split("<body", 1)[1]
    assert "<img" not in body and "<script>alert" not in body and "alert(2)" in body
    assert "</script><script>" not in body and "example.com" not in body
    assert body.count("<script") == 3  # the chart's data and the two files beside the page


@pytest.mark.parametrize("option, value", [("--seconds", "0"), ("--cell-seconds", "-5"), ("--cell-seconds", "ten"),
                                           ("--seconds", "1e9")])
def test_a_limit_that_is_not_seconds_is_refused_in_one_line(tmp_path, capsys, option, value):
    """make grade LIMIT=0 or CELL=ten: one line naming the value, no traceback, nothing graded."""
    from edition.grade import main

    with pytest.raises(SystemExit) as stopped:
        main([str(tmp_path), option, value])
    assert stopped.value.code == 2
    said = capsys.readouterr().err.strip().splitlines()[-1]
    assert option in said and repr(value) in said and "number of seconds" in said and "Traceback" not in said
