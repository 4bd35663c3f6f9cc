"""The hand-in cell (edition/checks/handin.py) and the answer cells of the students' notebooks:
a normal fix-and-rerun is handed in, a run after the last save is not; any name, in any script,
makes one safe file; written answers are Markdown cells, so prose never stops Run All."""
from __future__ import annotations

import json
import os
import time
from datetime import datetime

import nbformat
import pytest

from edition.checks import handin
from edition.checks.exercises import EXERCISES, WRITTEN, of
from edition.classroom.student_notebook import CHECK_TAG, student_notebook
from fidelity import ROOT

pytestmark = pytest.mark.check


def saved(folder, cells: dict[str, str], when: float):
    """chronology.ipynb in `folder` with these cells (id: source), saved at `when`."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s, id=i) for i, s in cells.items()])
    path = folder / "chronology.ipynb"
    nbformat.write(nb, str(path))
    os.utime(path, (when, when))
    return path


def hand_in(folder, name="Ana Lima", runs=(), history=()):
    """Run the hand-in cell as the notebook would, with these runs recorded by the hook."""
    handin.RUNS[:] = list(runs)
    ns = {"hand_in": handin.hand_in, "In": list(history)}
    try:
        return eval(f"hand_in('chronology', {name!r}, folder={str(folder)!r})", ns)
    finally:
        handin.RUNS.clear()


def test_a_fixed_and_rerun_cell_then_saved_is_handed_in(tmp_path, capsys):
    t = time.time() - 100
    runs = [(t, "a", "x = 1"), (t + 1, "b", "y = x +"), (t + 2, "b", "y = x + 1")]  # an error, fixed, run again
    saved(tmp_path, {"a": "x = 1", "b": "y = x + 1", "c": "hand_in('chronology', 'Ana Lima')"}, t + 3)
    runs += [(t + 4, "a", "x = 1"), (t + 5, "c", "hand_in('chronology', 'Ana Lima')")]  # run again after saving
    assert hand_in(tmp_path, runs=runs) == tmp_path / "chronology-ana-lima.ipynb", capsys.readouterr().out


def test_a_cell_edited_and_run_after_the_last_save_asks_for_a_save(tmp_path, capsys):
    t = time.time() - 100
    saved(tmp_path, {"a": "x = 1", "b": "y = x + 1"}, t)
    assert hand_in(tmp_path, runs=[(t + 1, "b", "y = x + 2")]) is None
    said = capsys.readouterr().out
    assert "Save the notebook first" in said and "begins: y = x + 2" in said
    assert hand_in(tmp_path, runs=[(t + 1, "new", "z = 3")]) is None  # a new cell, not saved
    assert hand_in(tmp_path, runs=[(t + 1, None, "z = 3")]) is None   # no cell id: no saved cell has it
    assert hand_in(tmp_path, runs=[(t + 1, None, "y = x + 1")]) is not None
    assert [p.name for p in tmp_path.glob("chronology-*.ipynb")] == ["chronology-ana-lima.ipynb"]  # the last only


def test_without_the_hook_the_cell_run_before_the_hand_in_must_be_saved(tmp_path):
    saved(tmp_path, {"a": "x = 1"}, time.time() - 100)
    cell = "hand_in('chronology', 'Ana Lima')"
    assert hand_in(tmp_path, history=["", "x = 2", "x = 1", "print('not saved')", cell]) is None
    assert hand_in(tmp_path, history=["", "x = 2", "x = 1", cell]) is not None  # a stale run before: no matter


def test_the_hook_records_each_run_with_its_cell_id():
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    try:
        assert handin.listen() and handin.listen()  # registered once, however often imported
        handin.RUNS.clear()
        shell.run_cell("x = 41 + 1", cell_id="cell-1")
        assert [(cell_id, source) for _, cell_id, source in handin.RUNS] == [("cell-1", "x = 41 + 1")]
    finally:
        handin.RUNS.clear()
        InteractiveShell.clear_instance()


@pytest.mark.parametrize("name, part", [("Ana Lima", "ana-lima"), ("Анна Каренина", "анна-каренина"),
                                        ("李小龙", "李小龙"), ("محمد علي", "محمد-علي"), ("José Ñúñez", "josé-ñúñez"),
                                        ("../../x", "x"), ("a/b", "a-b"), ("C:\\x\\..\\y", "c-x-y"),
                                        ("x" * 10_000, "x" * handin.NAME_BYTES)])
def test_any_name_makes_one_safe_file_beside_the_notebook(tmp_path, name, part):
    saved(tmp_path, {"a": "x = 1"}, time.time() - 100)
    target = hand_in(tmp_path, name=name)
    assert target == tmp_path / f"chronology-{part}.ipynb"
    assert len(target.name.encode("utf-8")) < 255 and sorted(p.name for p in tmp_path.iterdir()) == \
        sorted(["chronology.ipynb", target.name])
    meta = json.loads(target.read_text(encoding="utf-8"))["metadata"]["edition"]
    assert meta["notebook"] == "chronology" and meta["student"] == " ".join(name.split())[:handin.STUDENT_CHARS]
    stamp = datetime.fromisoformat(meta["handed_in"])
    assert stamp.utcoffset().total_seconds() == 0 and abs(stamp.timestamp() - time.time()) < 60


@pytest.mark.parametrize("name", ["", "   ", "\u200b\u200d\u2060", "\u202e\u0000", "---", "../"])
def test_a_name_with_no_letter_is_refused(tmp_path, capsys, name):
    saved(tmp_path, {"a": "x = 1"}, time.time() - 100)
    assert hand_in(tmp_path, name=name) is None and "Write your name" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["chronology.ipynb"]


@pytest.mark.parametrize("notebook", ["chronology", "membership", "publications", "repression"])
def test_every_exercise_has_its_answer_cells_and_prose_does_not_stop_run_all(notebook, capsys):
    nb = student_notebook(ROOT / "chapters" / f"{notebook}.md")
    code = [c.metadata["edition"]["answer"] for c in nb.cells
            if c.cell_type == "code" and "edition" in c.metadata]
    written = [c for c in nb.cells if c.metadata.get("edition", {}).get("written")]
    assert code == [e.label for e in of(notebook)]
    assert [c.metadata["edition"]["answer"] for c in written] == [e.label for e in of(notebook) if e.label in WRITTEN]
    assert all(c.cell_type == "markdown" and c.source.startswith("*Your answer:*") for c in written)
    assert {e.label for e in EXERCISES.values() if not e.checked} <= WRITTEN  # marked by hand: a written answer
    for cell in written:
        cell.source = "*Your answer:* The essay's date can't be right: it's 1928, not 1927 (see note 3)."
    import plotly.graph_objects as go
    show, go.Figure.show = go.Figure.show, lambda *args, **kwargs: None
    try:  # Run All, in-process: every code cell, the check cells and the hand-in cell included
        ns = {"__name__": "__main__"}
        for cell in nb.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, f"{notebook}.ipynb", "exec"), ns)
    finally:
        go.Figure.show = show
    said = capsys.readouterr().out
    assert "Write your name between the quotes" in said  # the hand-in cell ran last, and said so
    assert said.count("not yet (checks passed: 0 of") == sum(CHECK_TAG in c.metadata.get("tags", []) and "check(" in c.source
                                                             for c in nb.cells)
