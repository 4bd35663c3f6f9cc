"""Issue 28, item 3: the students' kit installs and runs on Python 3.10 to 3.13 with the ends of
its tested ranges (tools/student_matrix.py; `make student-matrix` runs all eight). Here the two
ends of the matrix: Python 3.10 with the lowest versions the ranges allow (pandas 2.2.3, plotly
6.0.0, ipykernel 6.29), and Python 3.13 with the book's own pins. A Python that pyenv does not
have here is skipped. Needs the package index (as test_classroom.py's fresh venv does); slow
(a few minutes): in the full `make test` only."""
from __future__ import annotations

import subprocess
import sys

import pytest

from fidelity import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import student_matrix


@pytest.mark.parametrize("python, which", [("3.10", "lowest"), ("3.13", "pinned")])
def test_the_kit_runs_every_notebook(python, which):
    if student_matrix.find_python(python) is None:
        pytest.skip(f"Python {python} is not here (pyenv install {python})")
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "student_matrix.py"), "--python", python,
                          "--set", which], capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert f"Python {python}, {which}: ok" in run.stdout and "all four notebooks ran" in run.stdout


@pytest.mark.check
def test_lowest_and_pinned_sets_are_the_ends_of_the_ranges():
    kit = student_matrix.ranges()
    low = student_matrix.lowest(kit)
    assert low["pandas"] == "2.2.3" and low["plotly"] == "6.0.0"
    pins = {n: s for p in student_matrix.BOOK_PINS for n, s in student_matrix.ranges(p).items()}
    pinned = student_matrix.pinned(kit, pins)
    assert set(pinned) == set(kit)  # every package has a pin to test, the book's or Binder's
    assert pinned["pandas"] == pins["pandas"][2:]
    with pytest.raises(ValueError):
        student_matrix.lowest({"pandas": "<3"})
