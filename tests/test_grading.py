"""The grader, tried as a hostile class would: `make grade` on one folder of honest and hostile hand-ins.

Every hostile hand-in (a forger, saboteurs of the scratch folder, of the teacher's folders and of a
classmate, an impersonator, loops that end and loops that ignore Ctrl-C, 50 MB of output, 8 GB of
memory, every malformed kind, duplicates, Unicode names, a copied notebook) must be flagged, and the
honest students beside them must get exactly the points and feedback files they get when graded alone.
"""
import csv
import hashlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

import edition.classroom.zip as classroom
from edition.checks.exercises import EXERCISES, of
from edition.classroom.student_notebook import solutions, student_notebook
from fidelity import ROOT

pytestmark = pytest.mark.book  # make grade on a class of real hand-ins

NOTEBOOKS = classroom.NOTEBOOKS
LIMIT = 40  # seconds for a whole notebook in these tests (the default is 180)
CELL = 10  # seconds for a cell (the default is 30): the endless loop burns a core this long
# A sleep of this many seconds is a process a hostile hand-in left behind, if found; one per test
# process (its pid, fixed width), so that two test runs at once never see each other's hand-ins.
MARKER = f"9876{os.getpid():07d}"


def answered(nb, answers: dict[str, str]):
    """The student notebook with these answers in its answer cells (by exercise label)."""
    for cell in nb.cells:
        label = cell.metadata.get("edition", {}).get("answer")
        if label in answers and cell.cell_type == "code":
            cell.source = answers[label]
    return nb


def worked(notebook: str):
    path = ROOT / "chapters" / f"{notebook}.md"
    return answered(student_notebook(path), solutions(path))


def empty(notebook: str):
    return student_notebook(ROOT / "chapters" / f"{notebook}.md")


def handed(nb, notebook: str, student, when: str = "2026-12-01T10:00:00+00:00"):
    nb.metadata["edition"] = {"notebook": notebook, "student": student, "handed_in": when}
    return nb


def first_code(nb, source: str, after: str = "from edition.checks import check"):
    """The notebook with a code cell of `source` put after the first code cell holding `after`."""
    where = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and after in c.source)
    nb.cells.insert(where + 1, nbformat.v4.new_code_cell(source))
    return nb


# Every check passed, in its own kernel: the checks patched, and the export that the grader puts in
# place of each check cell made to hand over a verdict of "passed" instead of the answers. (It does
# not patch builtins: a kernel with isinstance always true hangs, and then scores nothing for that.)
FORGER = """
import edition.checks as checks, edition.checks.answers as answers
from IPython.display import display
forged = [{"exercise": "any", "check": "forged", "hidden": False, "passed": True, "message": "forged"}]
checks.results = lambda label, ns, with_hidden=False: forged
checks.Wrong = Exception
answers.export = lambda label, ns: display({answers.MIME: {"exercise": label, "passed": True, "points": 99,
                                                           "results": forged, "values": {}}}, raw=True)
"""

# Reports what it could reach in its answer variable (the feedback quotes the answer back).
SABOTEUR = """
import glob, json, os, pathlib, socket, subprocess
found = {{}}
pathlib.Path("edition/checks/__init__.py").write_text("raise SystemExit('sabotaged')\\n")
pathlib.Path("edition/checks/public.py").write_text("raise SystemExit('sabotaged')\\n")
found["hidden"] = [p for root in ("/home", "/tmp", "/work", {repo!r}) for p in glob.glob(root + "/**/hidden.py", recursive=True)]
try:
    found["parent cwd"] = os.readlink(f"/proc/{{os.getppid()}}/cwd")
except OSError as e:
    found["parent cwd"] = type(e).__name__
for target in [{repo!r} + "/PWNED", {folder!r} + "/PWNED", "/tmp/PWNED-{marker}"]:
    try:
        pathlib.Path(target).write_text("x")
        found.setdefault("wrote", []).append(target)
    except OSError:
        pass
try:
    open({classmate!r}, "w").write("{{}}")
    found["classmate"] = "cut"
except OSError:
    pass
for pid in pathlib.Path("/proc").glob("[0-9]*"):
    try:
        os.kill(int(pid.name), 9) if int(pid.name) not in (os.getpid(), os.getppid(), 1) else None
    except (OSError, ValueError):
        pass
subprocess.Popen(["sleep", "{marker}"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        import time
        time.sleep(40)
        pathlib.Path("/tmp/ESCAPED-{marker}").write_text("x")
    os._exit(0)
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=3).sendall(b"leak")
    found["network"] = "yes"
except OSError:
    found["network"] = "no"
most_common = json.dumps(found)
"""

MALFORMED = {  # file name: its bytes
    "chronology-no-source.ipynb": json.dumps({"cells": [{"cell_type": "code", "metadata": {}}], "metadata": {},
                                              "nbformat": 4, "nbformat_minor": 5}),
    "chronology-edition-string.ipynb": json.dumps({"cells": [], "metadata": {"edition": "chronology"}}),
    "chronology-student-number.ipynb": json.dumps({"cells": [], "metadata": {"edition": {"notebook": "chronology", "student": 42}}}),
    "chronology-student-list.ipynb": json.dumps({"cells": [], "metadata": {"edition": {"notebook": "chronology", "student": ["a"]}}}),
    "chronology-not-json.ipynb": '{"cells": [{"cell_type": "code", "sour',
    "chronology-a-list.ipynb": "[1, 2, 3]",
    "chronology-empty-file.ipynb": "",
    "chronology-script.py": "print('hello')\n",
    "random-bytes.bin": "\udcff\udcfe",
}


@pytest.fixture(scope="module")
def listener():
    """A TCP server on this machine: a hand-in that reaches it has the network."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    got, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                got.append(conn.recv(100))
                conn.close()
            except OSError:
                pass
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], got
    stop.set()
    thread.join()
    server.close()


# Graded alone as well as in the class: the honest hand-ins of the notebook every hostile one is
# (chronology: graded before the saboteur and after it, in the same pool, from the same reference
# run) and the saboteur's target classmate. The class's other honest notebooks are checked on
# their own (test_worked_solutions_earn_every_point_and_empty_answers_none).
ALONE = ["chronology", "membership"]


def honest(folder: Path, notebooks=NOTEBOOKS) -> dict[str, bytes]:
    """The honest hand-ins: worked solutions of the notebooks, an empty one, some wrong answers."""
    files = {}
    for nb in notebooks:
        files[f"{nb}-right-answers.ipynb"] = handed(worked(nb), nb, "Right Answers")
    files["chronology-empty-answers.ipynb"] = handed(empty("chronology"), "chronology", "Empty Answers")
    wrong = answered(empty("chronology"), {
        "chronology-ex-1": 'most_common = early["kind"].value_counts().idxmin()\n'
                           'arrest_year = early[early["kind"] == "arrest"]["date_start"].dt.year.value_counts().idxmax()',
        "chronology-ex-3": "per_year = counted_by_year  # a name that does not exist"})
    wrong.cells = [c for c in wrong.cells if c.source.strip() != 'check("chronology-ex-3")']  # a deleted check cell
    files["chronology-wrong-answers.ipynb"] = handed(wrong, "chronology", "Wrong Answers")
    written = {}
    for name, nb in files.items():
        nbformat.write(nb, str(folder / name))
        written[name] = (folder / name).read_bytes()
    return written


@pytest.fixture(scope="module")
def graded(tmp_path_factory, listener):
    port, _ = listener
    alone, folder = tmp_path_factory.mktemp("alone"), tmp_path_factory.mktemp("class")
    honest(alone, ALONE)
    files = honest(folder)
    classmate = folder / "membership-right-answers.ipynb"
    hostile = {
        "chronology-forger.ipynb": handed(first_code(empty("chronology"), FORGER), "chronology", "Forger"),
        "chronology-saboteur.ipynb": handed(first_code(empty("chronology"), SABOTEUR.format(
            repo=str(ROOT), folder=str(folder), classmate=str(classmate), marker=MARKER, port=port)),
            "chronology", "Saboteur"),
        # names a classmate in its metadata, handed in later than the classmate's own
        "chronology-mallory.ipynb": handed(empty("chronology"), "chronology", "Right Answers", "2026-12-02T10:00:00+00:00"),
        "chronology-endless-loop.ipynb": handed(first_code(worked("chronology"), "while True:\n    pass"),
                                                "chronology", "Endless Loop"),
        "chronology-ignores-interrupt.ipynb": handed(first_code(worked("chronology"),
            "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(10**6)"), "chronology", "Deaf Loop"),
        "chronology-prints-50-mb.ipynb": handed(first_code(worked("chronology"), "print('x' * 50_000_000)"),
                                                "chronology", "Loud Printer"),
        "chronology-memory-hog.ipynb": handed(first_code(worked("chronology"), "hog = bytearray(8 * 2**30)"),
                                              "chronology", "Memory Hog"),
        # two hand-ins by one student: the newer (empty) one counts
        "publications-twice-old.ipynb": handed(worked("publications"), "publications", "Twice Over", "2026-12-01T09:00:00+00:00"),
        "publications-twice-new.ipynb": handed(empty("publications"), "publications", "twice  over", "2026-12-01T11:00:00+00:00"),
        "repression-cyrillic.ipynb": handed(worked("repression"), "repression", "Анна Лима"),
        "repression-chinese.ipynb": handed(empty("repression"), "repression", "李华"),
    }
    for name, nb in hostile.items():
        nbformat.write(nb, str(folder / name))
    # a byte-for-byte copy of a classmate's file under another name
    (folder / "repression-copy-cat.ipynb").write_bytes(files["repression-right-answers.ipynb"])
    with zipfile.ZipFile(folder / "chronology-zipped.ipynb", "w") as z:
        z.writestr("chronology.ipynb", files["chronology-right-answers.ipynb"])
    for name, text in MALFORMED.items():
        (folder / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    roster = folder.parent / "roster.csv"
    roster.write_text("id,name,email\n1,Right Answers,right@example.edu\n2,Absent Student,absent@example.edu\n"
                      "3,Анна Лима,anna@example.edu\n", encoding="utf-8")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS")}
    # The honest students alone are graded side by side with the class (two folders, two runs of
    # make grade that share nothing): the class's waits on its loops leave a core idle for them.
    alone_run = subprocess.Popen(["make", "-s", "grade", f"SUBMISSIONS={alone}"], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        started = time.monotonic()
        done = subprocess.run(["make", "-s", "grade", f"SUBMISSIONS={folder}", f"ROSTER={roster}", f"LIMIT={LIMIT}", f"CELL={CELL}"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
        seconds = time.monotonic() - started
        alone_out, alone_err = alone_run.communicate(timeout=1200)
    finally:
        if alone_run.returncode is None:
            alone_run.kill()
            alone_run.communicate()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Traceback" not in done.stdout + done.stderr, done.stdout[-3000:] + done.stderr[-3000:]
    assert alone_run.returncode == 0, alone_out[-3000:] + alone_err[-3000:]
    return {"folder": folder, "alone": alone, "rows": rows(folder), "alone rows": rows(alone), "before": before,
            "seconds": seconds, "output": done.stdout}


def rows(folder: Path) -> dict[str, dict]:
    with open(folder / "grades.csv", encoding="utf-8") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def points(row: dict) -> dict[str, str]:
    return {k: v for k, v in row.items() if k.startswith("Exercise") or k.startswith("total")}


def test_honest_students_get_what_they_get_alone(graded):
    for student in ("Right Answers", "Empty Answers", "Wrong Answers"):
        alone = {k: v for k, v in points(graded["alone rows"][student]).items() if k.startswith("Exercise")}
        assert {k: graded["rows"][student][k] for k in alone} == alone, student
    for student in ("Empty Answers", "Wrong Answers"):  # one notebook each: the same total too
        assert [v for k, v in points(graded["rows"][student]).items() if k.startswith("total")] == \
               [v for k, v in points(graded["alone rows"][student]).items() if k.startswith("total")], student
    feedback = [f"{nb}-right-answers" for nb in ALONE] + ["chronology-empty-answers", "chronology-wrong-answers"]
    for name in feedback:
        assert (graded["folder"] / "feedback" / f"{name}.txt").read_text(encoding="utf-8") == \
               (graded["alone"] / "feedback" / f"{name}.txt").read_text(encoding="utf-8"), name


def test_worked_solutions_earn_every_point_and_empty_answers_none(graded):
    right = graded["rows"]["Right Answers"]  # in the class, beside the hostile hand-ins
    checked = [e for e in EXERCISES.values() if e.checked]
    assert all(right[f"{e.name} (of {e.points})"] == str(e.points) for e in checked), right
    assert right["total (of 50)"] == str(sum(e.points for e in checked)) and right["to mark"] == "5", right
    for nb in NOTEBOOKS:  # every check said right, and nothing else was said
        said = (graded["folder"] / "feedback" / f"{nb}-right-answers.txt").read_text(encoding="utf-8")
        lines = [line for line in said.splitlines() if line.startswith("- ")]
        assert len(lines) >= 3 and all(": right: " in line for line in lines), said
    empty_row = graded["alone rows"]["Empty Answers"]
    assert all(empty_row[f"{e.name} (of {e.points})"] == "0" for e in of("chronology") if e.checked), empty_row
    wrong = graded["alone rows"]["Wrong Answers"]
    assert [wrong[f"{e.name} (of {e.points})"] for e in of("chronology")] == ["1.33", "0", "0", ""], wrong
    feedback = (graded["alone"] / "feedback" / "chronology-wrong-answers.txt").read_text(encoding="utf-8")
    assert "raised NameError" in feedback and "another kind has more" in feedback


def test_a_forger_scores_nothing(graded):
    row = graded["rows"]["Forger"]
    assert row["total (of 50)"] == "0", row
    said = (graded["folder"] / "feedback" / "chronology-forger.txt").read_text(encoding="utf-8")
    assert "forged" not in said
    # its kernel ran to the end: every exercise was checked, by the grader, on what it handed over
    assert "stopped" not in row["notes"] and "not checked" not in said and said.count(": not yet: ") >= 3, said


def test_a_saboteur_reaches_nothing_and_leaves_nothing(graded, listener):
    folder = graded["folder"]
    said = (folder / "feedback" / "chronology-saboteur.txt").read_text(encoding="utf-8")
    # what it wrote went to its own read-only or private file system: nothing of the repository,
    # the hand-ins folder or a classmate's file; /proc showed it nothing but its own processes
    assert '"hidden": []' in said and '"parent cwd": "/home/student"' in said and "classmate" not in said, said
    # (a repository under /tmp shows inside as a folder of the sandbox's own /tmp, which holds the
    # bound Python install: a write there lands in that private tmpfs, as the next check proves)
    assert all(f"{path}/PWNED" not in said for path in (ROOT, folder) if not str(path).startswith("/tmp/")), said
    assert '"network": "no"' in said and listener[1] == [], said
    assert not (ROOT / "PWNED").exists() and not (folder / "PWNED").exists() and not Path(f"/tmp/PWNED-{MARKER}").exists()
    for path, digest in graded["before"].items():  # no hand-in was changed
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, path
    left = [p for p in Path("/proc").glob("[0-9]*") if MARKER in _cmdline(p)]
    assert not left, "a hand-in left a process running"
    time.sleep(max(0, 45 - graded["seconds"]))
    assert not Path(f"/tmp/ESCAPED-{MARKER}").exists(), "a hand-in's daemon outlived the grader"
    # it spoiled its own copy of the public checks only: the hand-ins graded after it are unharmed
    # (test_honest_students_get_what_they_get_alone)


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def test_an_impersonator_is_flagged_and_displaces_no_one(graded):
    row = graded["rows"]["Right Answers"]
    assert row["total (of 50)"] == "32", row  # the classmate's own (undisputed) hand-in counts
    assert "chronology-mallory.ipynb: check who made it: the file name gives 'Mallory', the notebook says 'Right Answers'" \
        in row["notes"], row["notes"]
    assert "not counted" in row["notes"]


def test_loops_and_floods_are_stopped_and_said(graded):
    rows_ = graded["rows"]
    assert f"ran longer than {CELL} s and were interrupted" in rows_["Endless Loop"]["notes"]
    assert rows_["Endless Loop"]["total (of 50)"] == "8"  # every other cell ran: the worked answers count
    assert f"ran longer than {LIMIT} s in all" in rows_["Deaf Loop"]["notes"]
    assert "printed more than 20 million characters" in rows_["Loud Printer"]["notes"]
    assert rows_["Memory Hog"]["total (of 50)"] == "8"  # refused its 8 GB; every other cell ran
    assert "raised MemoryError" in (graded["folder"] / "feedback" / "chronology-memory-hog.txt").read_text(encoding="utf-8")
    # (no bound on the class's wall time: the kill is what the notes above say; a bound on a shared
    # 2-core machine failed a run at 311 s for load alone; make's timeout catches a hang)


def test_every_malformed_file_is_a_row_with_a_reason(graded):
    notes = " | ".join(r["notes"] for r in graded["rows"].values())
    for reason in ("a zip file, not a notebook: unzip it", "not a notebook (not a notebook's JSON text",
                   "a Python file (not a notebook's JSON text", "not a Jupyter notebook (it has no list of cells)",
                   "its metadata.edition is not a record", "the student's name in the notebook is not text",
                   "1 cell(s) had no readable type or source"):
        assert reason in notes, reason
    files = " ".join(r["files"] for r in graded["rows"].values())
    for name in MALFORMED:
        assert name in files, name


def test_duplicates_copies_names_and_the_roster(graded):
    rows_ = graded["rows"]
    twice = rows_["Twice Over"]
    assert twice["Exercise 9 (Read the chart) (of 2)"] == "0" and "publications-twice-new.ipynb: 2 hand-ins" in twice["notes"]
    assert set(rows_) >= {"Анна Лима", "李华", "Absent Student"}
    assert rows_["Анна Лима"]["student id"] == "3" and rows_["Анна Лима"]["total (of 50)"] == "8"
    assert rows_["Absent Student"]["notes"] == "no hand-in"
    assert "the same file, byte for byte, as repression-right-answers.ipynb" in rows_["Right Answers"]["notes"]
    assert "'李华' is not on the roster" in rows_["李华"]["notes"]
    feedback = sorted(p.name for p in (graded["folder"] / "feedback").iterdir())
    assert len(feedback) == len(set(f.casefold() for f in feedback)) >= 20


def test_exports_for_canvas_and_moodle(graded):
    with open(graded["folder"] / "canvas.csv", encoding="utf-8") as f:
        canvas = list(csv.reader(f))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Chronology notebook",
                         "Membership notebook", "Publications notebook", "Repression notebook"]
    assert canvas[1] == ["Points Possible", "", "", "", "", "12", "12", "12", "14"]
    right = next(r for r in canvas if r[0] == "Right Answers")
    assert right[2:4] == ["1", "right@example.edu"] and right[5:] == ["8", "8", "8", "8"]
    with open(graded["folder"] / "moodle.csv", encoding="utf-8") as f:
        moodle = list(csv.reader(f))
    assert moodle[0][:3] == ["Full name", "ID number", "Email address"]
    assert any(r[0] == "Right Answers" and r[3:] == ["8", "8", "8", "8"] for r in moodle)


def test_marking_sheet_round_trip(graded, tmp_path):
    """Read and score the written answers in a real browser; the saved marks go back into grades.csv
    (in a copy of the graded folder, its results kept: the other tests read the folder as graded)."""
    from browser import browser
    folder = tmp_path / "class"
    shutil.copytree(graded["folder"], folder)
    sheet = (folder / "marking.html").read_text(encoding="utf-8")
    assert "<script>" not in sheet.split("<body", 1)[1].split('<script src="marking/plotly.min.js">')[0]
    with browser() as b:
        page = b.new_page(viewport={"width": 390, "height": 800}, accept_downloads=True)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((folder / "marking.html").as_uri())
        section = page.locator("section.hand-in", has=page.locator("h2", has_text="Right Answers: chronology"))
        assert section.locator("div.chart .main-svg").count() >= 2, "the student's charts are not drawn"
        mark = page.locator('.mark[data-file="chronology-right-answers.ipynb"][data-exercise="chronology-ex-4"]')
        mark.locator("input.points").fill("3.5")
        mark.locator("input.comment").fill('=HYPERLINK("x") fair, "quoted"')
        page.screenshot(path=str(tmp_path / "marking-390.png"), full_page=False)
        with page.expect_download() as download:
            page.click("#save")
        download.value.save_as(str(folder / "marks.csv"))
        assert not errors, errors
    saved = (folder / "marks.csv").read_text(encoding="utf-8")
    assert '"chronology-right-answers.ipynb","chronology-ex-4","3.5","\'=HYPERLINK(""x"") fair, ""quoted"""' in saved, saved
    started = time.monotonic()
    again = subprocess.run(["make", "-s", "grade", f"SUBMISSIONS={folder}", f"LIMIT={LIMIT}", f"CELL={CELL}"], cwd=ROOT,
                           capture_output=True, text=True)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    assert time.monotonic() - started < graded["seconds"] / 2, "the notebooks were run again"
    row = rows(folder)["Right Answers"]
    assert row["Exercise 4 (Criticise a source) (of 4)"] == "3.5" and row["total (of 50)"] == "35.5", row
    assert row["to mark"] == "4"
    feedback = (folder / "feedback" / "chronology-right-answers.txt").read_text(encoding="utf-8")
    assert "Exercise 4 (Criticise a source): 3.5 of 4 points, marked by your teacher: '=HYPERLINK" in feedback


def test_without_bubblewrap_the_same_grades_and_a_warning(graded, tmp_path, monkeypatch):
    """On a machine without bubblewrap (a teacher's Mac), the same run in a plain child process: the
    same points, limits still kept, and every row says the isolation was partial."""
    from edition.grade import grade_folder, sandbox
    from edition.grade.sandbox import Limits
    monkeypatch.setattr(sandbox, "isolation", lambda: "none (no bubblewrap in this test)")
    folder = tmp_path / "hand-ins"
    folder.mkdir()
    (folder / "chronology-right-answers.ipynb").write_bytes((graded["folder"] / "chronology-right-answers.ipynb").read_bytes())
    # an endless loop that waits rather than burns a core: the same cell limit ends it (the class
    # has the one that burns a core, in the sandbox: test_loops_and_floods_are_stopped_and_said)
    nbformat.write(handed(first_code(worked("chronology"), "import time\nwhile True:\n    time.sleep(1)"),
                          "chronology", "Endless Loop"), str(folder / "chronology-endless-loop.ipynb"))
    said = []
    # the loop waits: a third run beside the two that work
    grade_folder(folder, folder, limits=Limits(notebook_seconds=LIMIT, cell_seconds=CELL), jobs=3, say=said.append)
    got = rows(folder)
    exercises = {k: v for k, v in got["Right Answers"].items() if k.startswith("Exercise")}
    assert exercises == {k: v for k, v in graded["alone rows"]["Right Answers"].items() if k in exercises}
    assert f"ran longer than {CELL} s and were interrupted" in got["Endless Loop"]["notes"]
    assert all("run without isolation" in r["notes"] for r in got.values())
    assert any("the hand-ins run without isolation" in line for line in said)
