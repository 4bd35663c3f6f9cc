"""The classroom loop, for real: a notebook page's download unzipped into an empty folder and run
by a kernel that can see neither the repository nor the network; its "Check your answer" cells
on the worked solutions and on empty answers; the hand-in; the teacher's zip grading on its own.
(The grader against a hostile class: test_grading.py.)"""
import csv
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
    assert {k: v for k, v in got.metadata["edition"].items() if k != "handed_in"} == \
        {"notebook": "chronology", "student": "Ana Lima"}
    assert [c.source for c in got.cells] == [c.source for c in nb.cells]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chronology-ana-lima.ipynb", "chronology.ipynb"]


@pytest.mark.check  # fast: no kernel
def test_hidden_checks_only_in_the_teachers_zip(tmp_path):
    classroom.build(tmp_path)
    with zipfile.ZipFile(tmp_path / f"{classroom.NAME}.zip") as z:
        assert not [n for n in z.namelist() if n.endswith("hidden.py") or "/grade/" in n]
    with zipfile.ZipFile(tmp_path / f"{classroom.TEACHER}.zip") as z:
        names = z.namelist()
    for required in ["edition/checks/hidden.py", "edition/grade/__init__.py", "edition/grade/runner.py", "GRADING.md",
                     "chronology.ipynb"]:
        assert f"{classroom.TEACHER}/{required}" in names


@pytest.mark.check  # fast: no kernel
def test_downloads_are_a_pure_function_of_their_inputs(tmp_path):
    first = classroom.notebook_zip("membership", tmp_path / "a").read_bytes()
    assert classroom.notebook_zip("membership", tmp_path / "b").read_bytes() == first


EXTRA_CHECK = """
from edition.checks import Wrong, hidden_check

@hidden_check("repression-ex-1")
def kept_outside_the_repository(ns):
    raise Wrong("This check comes from the teacher's own folder.")
"""


def test_the_teachers_zip_grades_on_its_own(tmp_path):
    """Unzipped, the teacher's zip grades a folder with its own grader and hidden checks, and with
    hidden checks from a folder of the teacher's outside it (--checks)."""
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
    assert which.stdout.strip() == str(folder / "edition" / "grade" / "__init__.py")
    (tmp_path / "my-checks").mkdir()
    (tmp_path / "my-checks" / "extra.py").write_text(EXTRA_CHECK, encoding="utf-8")
    for extra, total in (([], "8"), (["--checks", str(tmp_path / "my-checks")], "7.5")):
        run = subprocess.run([sys.executable, "-m", "edition.grade", "hand-ins", *extra], cwd=folder, env=env,
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        with open(folder / "hand-ins" / "grades.csv", encoding="utf-8") as f:
            row = next(csv.DictReader(f))
        assert (row["student"], row["total (of 14)"]) == ("Ana Lima", total), row
    feedback = (folder / "hand-ins" / "feedback" / "repression-ana-lima.txt").read_text(encoding="utf-8")
    assert "(hidden check): right" in feedback and "from the teacher's own folder" in feedback, feedback
