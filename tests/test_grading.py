"""The classroom loop, for real: a notebook page's download unzipped into an empty folder and run
by a kernel that can see neither the repository nor the network; its "Check your answer" cells
on the worked solutions and on empty answers; the hand-in; and the grader on a folder of
correct, wrong and broken hand-ins."""
import csv
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest

import edition.classroom.zip as classroom
from edition.checks import EXERCISES, load_checks, hand_in
from edition.classroom.student_notebook import solutions, student_notebook
from fidelity import ROOT

NOTEBOOKS = classroom.NOTEBOOKS


def answered(nb, answers: dict[str, str]):
    """The student notebook with these answers in its answer cells (by exercise label)."""
    for cell in nb.cells:
        label = cell.metadata.get("edition", {}).get("answer")
        if label in answers:
            cell.source = answers[label]
    return nb


def worked(notebook: str):
    path = ROOT / "chapters" / f"{notebook}.md"
    return answered(student_notebook(path), solutions(path))


# The kernel: the venv's site-packages, but no .pth files (so not the editable install of this
# repository), and the notebook's folder first on its path, as any Jupyter has it.
RUNNER = """
import json, sys, nbformat
from pathlib import Path
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
launch = ("import sys; sys.path.append({site!r}); "
          "from ipykernel import kernelapp; kernelapp.launch_new_instance()")
spec = Path(sys.argv[2]) / "kernels" / "isolated"
spec.mkdir(parents=True)
(spec / "kernel.json").write_text(json.dumps({{"argv": [sys.executable, "-S", "-c", launch, "-f", "{{connection_file}}"],
                                              "display_name": "isolated", "language": "python"}}))
ksm = KernelSpecManager(kernel_dirs=[str(spec.parent)])
from jupyter_client.manager import KernelManager
km = KernelManager(kernel_name="isolated", kernel_spec_manager=ksm)
NotebookClient(nb, km=km, timeout=120, allow_errors=True,
               resources={{"metadata": {{"path": str(Path(sys.argv[1]).parent)}}}}).execute()
nbformat.write(nb, sys.argv[1])
"""

PROBE = """import socket, sys, edition
print("edition from", edition.__file__)
# the venv lives inside the repository: its site-packages may be on the path, nothing else of it
print("repository on path:", any(p.startswith({root!r}) and not p.startswith({venv!r}) for p in sys.path if p)
      or "editable" in repr(sys.meta_path))
try:
    socket.create_connection(("pypi.org", 443), timeout=3)
    print("network: yes")
except OSError:
    print("network: no")
"""


def run_offline(notebook_path: Path, scratch: Path) -> nbformat.NotebookNode:
    """Run a notebook in its folder, in a network namespace with no network (unshare -n), in a
    kernel whose sys.path cannot see the repository."""
    site = sysconfig.get_paths()["purelib"]
    script = scratch / "runner.py"
    script.write_text(RUNNER.format(site=site))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "EDITION_GRADE_LOG")}
    command = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"',
               sys.executable, str(script), str(notebook_path), str(scratch / "spec")]
    done = subprocess.run(command, cwd=scratch, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return nbformat.read(str(notebook_path), as_version=4)


def text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def check_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip().startswith("check(")]


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_download_runs_where_it_lands_offline_and_checks_the_worked_solution(notebook, tmp_path):
    target = classroom.notebook_zip(notebook, tmp_path / "site")
    with zipfile.ZipFile(target) as z:
        names = z.namelist()
        assert not [n for n in names if "hidden" in n or "grade" in n], "hidden checks in a student download"
        z.extractall(tmp_path / "unzipped")
    folder = tmp_path / "unzipped" / notebook
    path = folder / f"{notebook}.ipynb"
    nb = answered(nbformat.read(str(path), as_version=4), solutions(ROOT / "chapters" / f"{notebook}.md"))
    nb.cells.append(nbformat.v4.new_code_cell(PROBE.format(root=str(ROOT), venv=str(ROOT / ".venv"))))
    nbformat.write(nb, str(path))
    nb = run_offline(path, tmp_path)
    errors = [(i, o["ename"], o["evalue"]) for i, c in enumerate(nb.cells) for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, errors
    probe = text(nb.cells[-1])
    assert f"edition from {folder}" in probe and "repository on path: False" in probe and "network: no" in probe, probe
    checks = check_cells(nb)
    assert len(checks) == 3
    for cell in checks:
        assert "right." in text(cell) and "not yet" not in text(cell), (cell.source, text(cell))


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_public_checks_fail_on_empty_answers_with_a_helpful_message(notebook, tmp_path):
    folder = classroom.assemble(tmp_path / notebook, [notebook])
    nb = run_offline(folder / f"{notebook}.ipynb", tmp_path)
    for cell in check_cells(nb):
        said = text(cell)
        assert "not yet (checks passed: 0 of" in said, (cell.source, said)
        for line in said.splitlines()[1:]:  # each names a variable to make, in plain words
            assert line.startswith("  Look again: ") and "`" in line and "Traceback" not in line, line


@pytest.mark.check  # fast: no kernel
def test_every_exercise_with_a_check_is_in_the_notebooks():
    load_checks(True)
    labels = {c.source.strip()[7:-2] for nb in NOTEBOOKS for c in check_cells(student_notebook(ROOT / "chapters" / f"{nb}.md"))}
    assert labels == set(EXERCISES)
    assert len(EXERCISES) == 12


@pytest.mark.check  # fast: no kernel
def test_hand_in_writes_one_file_named_by_the_student(tmp_path, capsys):
    nb = worked("chronology")
    nbformat.write(nb, str(tmp_path / "chronology.ipynb"))
    answer = next(c.source for c in nb.cells if c.metadata.get("edition", {}).get("answer") == "chronology-ex-2")
    cell = 'hand_in("chronology", "Ana Lima", folder=%r)' % str(tmp_path)
    ns = {"hand_in": hand_in, "In": ["", answer, "print('not saved')", cell]}
    exec(cell, ns)
    assert "Save the notebook first" in capsys.readouterr().out
    assert not (tmp_path / "chronology-ana-lima.ipynb").exists()
    ns["In"] = ["", answer, cell]
    exec('hand_in("chronology", "", folder=%r)' % str(tmp_path), ns)
    assert "Write your name" in capsys.readouterr().out
    exec(cell, ns)
    handed = tmp_path / "chronology-ana-lima.ipynb"
    assert "Handed in" in capsys.readouterr().out
    got = nbformat.read(str(handed), as_version=4)
    assert got.metadata["edition"] == {"notebook": "chronology", "student": "Ana Lima"}
    assert [c.source for c in got.cells] == [c.source for c in nb.cells]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chronology-ana-lima.ipynb", "chronology.ipynb"]


WRONG = {  # computed from the data, so they stay wrong when it is corrected
    "chronology-ex-1": 'most_common = early["kind"].value_counts().idxmin()\n'
                       'arrest_year = early[early["kind"] == "arrest"]["date_start"].dt.year.value_counts().idxmax()',
    "chronology-ex-2": 'later = period[period["date_start"].between("1921-01-01", "1924-12-31")]\n'
                       'fig = px.scatter(later, x="middle", y="kind")',
    "chronology-ex-3": "per_year = counted_by_year  # a name that does not exist",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hand-ins")
    for nb in NOTEBOOKS:
        done = worked(nb)
        done.metadata["edition"] = {"notebook": nb, "student": "Right Answers"}
        nbformat.write(done, str(folder / f"{nb}-right-answers.ipynb"))
        nbformat.write(student_notebook(ROOT / "chapters" / f"{nb}.md"), str(folder / f"{nb}-empty-answers.ipynb"))
    wrong = answered(student_notebook(ROOT / "chapters" / "chronology.md"), WRONG)
    wrong.cells = [c for c in wrong.cells if c.source.strip() != 'check("chronology-ex-3")']  # deleted check cell
    nbformat.write(wrong, str(folder / "chronology-wrong-answers.ipynb"))
    dies = answered(worked("chronology"), {"chronology-ex-2": "import os\nos._exit(1)"})
    nbformat.write(dies, str(folder / "chronology-kernel-dies.ipynb"))
    (folder / "chronology-broken-file.ipynb").write_text('{"cells": [{"cell_type": "code", "sour', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "edition.grade", str(folder)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    with open(folder / "grades.csv", encoding="utf-8") as f:
        return folder, {row["student"]: row for row in csv.DictReader(f)}


def test_grades_one_row_per_student_one_column_per_exercise(graded):
    folder, rows = graded
    load_checks(True)
    assert set(rows) == {"Right Answers", "Empty Answers", "Wrong Answers", "Kernel Dies", "Broken File"}
    assert list(next(iter(rows.values())))[2:-2] == list(EXERCISES)
    assert {p.name for p in (folder / "feedback").iterdir()} == \
           {"right-answers.txt", "empty-answers.txt", "wrong-answers.txt", "kernel-dies.txt", "broken-file.txt"}


def test_worked_solutions_pass_every_check_and_empty_answers_none(graded):
    folder, rows = graded
    assert all(rows["Right Answers"][label] == "1.0" for label in EXERCISES), rows["Right Answers"]
    assert rows["Right Answers"]["total"] == "12.0" and rows["Right Answers"]["notes"] == ""
    assert all(rows["Empty Answers"][label] == "0.0" for label in EXERCISES), rows["Empty Answers"]
    feedback = (folder / "feedback" / "empty-answers.txt").read_text(encoding="utf-8")
    lines = [l for l in feedback.splitlines() if "-ex-" in l]
    assert len(lines) == 27 and all(": not yet: " in l and "`" in l for l in lines), lines  # 15 public, 12 hidden


def test_wrong_and_broken_hand_ins_get_the_expected_scores(graded):
    folder, rows = graded
    wrong = rows["Wrong Answers"]
    # ex-1: the kind is wrong, the year right, both single values: 2 of 3 checks; ex-2: the rows
    # are wrong but the chart draws them: 1 of 2; ex-3: the cell fails and its check cell is gone
    assert (wrong["chronology-ex-1"], wrong["chronology-ex-2"], wrong["chronology-ex-3"]) == ("0.67", "0.5", "0.0")
    assert wrong["membership-ex-1"] == ""  # handed in chronology only
    feedback = (folder / "feedback" / "wrong-answers.txt").read_text(encoding="utf-8")
    assert "raised NameError" in feedback and "its check cell did not run" in feedback
    assert "another kind has more" in feedback and "Look at the dates or values in your filter" in feedback
    dies = rows["Kernel Dies"]
    assert (dies["chronology-ex-1"], dies["chronology-ex-2"], dies["chronology-ex-3"]) == ("1.0", "0.0", "0.0")
    assert "kernel died" in dies["notes"]
    broken = rows["Broken File"]
    assert (broken["chronology-ex-1"], broken["total"]) == ("0.0", "0.0")
    assert "could not be read as a notebook" in broken["notes"]


@pytest.mark.check  # fast: no kernel
def test_hidden_checks_only_in_the_teachers_zip(tmp_path):
    classroom.build(tmp_path)
    with zipfile.ZipFile(tmp_path / f"{classroom.NAME}.zip") as z:
        assert not [n for n in z.namelist() if n.endswith(("hidden.py", "grade.py"))]
    with zipfile.ZipFile(tmp_path / f"{classroom.TEACHER}.zip") as z:
        names = z.namelist()
    for required in ["edition/checks/hidden.py", "edition/grade.py", "GRADING.md", "chronology.ipynb"]:
        assert f"{classroom.TEACHER}/{required}" in names


@pytest.mark.check  # fast: no kernel
def test_downloads_are_a_pure_function_of_their_inputs(tmp_path):
    first = classroom.notebook_zip("membership", tmp_path / "a").read_bytes()
    assert classroom.notebook_zip("membership", tmp_path / "b").read_bytes() == first


def test_the_teachers_zip_grades_on_its_own(tmp_path):
    """Unzipped, the teacher's zip grades a folder with its own grader and hidden checks."""
    classroom.build(tmp_path / "zips")
    with zipfile.ZipFile(tmp_path / "zips" / f"{classroom.TEACHER}.zip") as z:
        z.extractall(tmp_path)
    folder = tmp_path / classroom.TEACHER
    (folder / "hand-ins").mkdir()
    done = worked("repression")
    done.metadata["edition"] = {"notebook": "repression", "student": "Ana Lima"}
    nbformat.write(done, str(folder / "hand-ins" / "repression-ana-lima.ipynb"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    which = subprocess.run([sys.executable, "-c", "import edition.grade as g; print(g.__file__)"], cwd=folder,
                           env=env, capture_output=True, text=True)
    assert which.stdout.strip() == str(folder / "edition" / "grade.py")
    run = subprocess.run([sys.executable, "-m", "edition.grade", "hand-ins"], cwd=folder, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    with open(folder / "hand-ins" / "grades.csv", encoding="utf-8") as f:
        row = next(csv.DictReader(f))
    assert (row["student"], row["total"]) == ("Ana Lima", "3.0"), row
    assert "(hidden check): right" in (folder / "hand-ins" / "feedback" / "ana-lima.txt").read_text(encoding="utf-8")
