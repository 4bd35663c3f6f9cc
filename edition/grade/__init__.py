"""Grade a folder of hand-ins, offline: every verdict decided by the teacher's code, not the student's.

    python -m edition.grade SUBMISSIONS [--roster roster.csv] [--marks marks.csv] [--checks FOLDER]
    make grade SUBMISSIONS=folder [ROSTER=roster.csv]

How a hand-in is graded (edition/grade/sandbox.py, runner.py):

1. Its cells' source text is read (handins.py); everything else in the file is ignored. Each
   "Check your answer" cell is replaced by a cell that hands over the exercise's answer values as
   data (edition/checks/answers.py); an exercise whose check cell is gone hands them over at the end.
2. It runs alone, in a fresh scratch copy, under bubblewrap where the machine has it: no network,
   nothing of the teacher's or of the other hand-ins in reach, killed whole at its time limit.
3. The checks (public, hidden, and any in --checks) run here, in the grader's own process, on
   those values and on the tables the unanswered notebook makes (a reference run): nothing the
   student's code did in its kernel can change them.

Written to SUBMISSIONS (or --out):

    grades.csv          one row per student: points per exercise, the total out of the maximum,
                        the exercises still to mark by hand, notes (flags and problems)
    canvas.csv          the totals per notebook as Canvas's gradebook import reads them
    moodle.csv          the same for Moodle's "Import grades from CSV"
    feedback/FILE.txt   one per hand-in: what each check said, which cells raised errors
    marking.html        the marking sheet: every student's written answers and charts, with a box
                        for each hand-marked exercise; its "Save marks" button writes marks.csv,
                        which the next run adds to grades.csv

A file that is not a sound notebook, a notebook that hangs or dies, prints without end or reaches
for the network is a row with a reason: the class's grading always finishes.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from edition.checks.exercises import EXERCISES, NOTEBOOKS, of
from edition.grade import handins, identity, report, sandbox
from edition.grade.handins import CHECK_CELL, HandIn
from edition.grade.sandbox import Limits, lay_out

__all__ = ["main", "grade_folder", "lay_out", "NOTEBOOKS"]

EXPORT = "import edition.checks.answers as _answers\n_answers.{function}({label!r}, globals())"


@dataclass
class Graded:
    """What the grader found for one hand-in."""
    hand_in: HandIn
    results: dict[str, list[dict]] = field(default_factory=dict)   # exercise -> what each check said
    points: dict[str, float | None] = field(default_factory=dict)   # exercise -> points (None: to mark)
    feedback: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)           # exercise -> the student's chart (plotly JSON)
    seconds: float = 0.0


def prepared(h: HandIn) -> tuple[dict, list[int], dict[int, str]]:
    """The notebook to run: the hand-in's cells as text, each check cell replaced by an export."""
    import nbformat
    cells, where = [], {}
    labels = {e.label for e in of(h.notebook) if e.checked}
    for cell in h.cells:
        if cell.kind != "code":
            continue  # Markdown and raw cells do not run
        m = CHECK_CELL.fullmatch(cell.source.strip())
        if m and m.group(1) in labels and m.group(1) not in where.values():
            where[len(cells)] = m.group(1)
            cells.append(nbformat.v4.new_code_cell(EXPORT.format(function="export", label=m.group(1))))
            continue
        source = "\n".join(line for line in cell.source.splitlines() if "hand_in(" not in line)  # no hand-in while grading
        cells.append(nbformat.v4.new_code_cell(source))
    for label in sorted(labels - set(where.values()), key=list(EXERCISES).index):
        where[len(cells)] = label
        cells.append(nbformat.v4.new_code_cell(EXPORT.format(function="export", label=label)))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}
    return nb, sorted(where), where


def given_values(notebook: str, template: Path, limits: Limits, how: str, cache: "Cache") -> dict[str, dict]:
    """exercise -> the encoded tables and values the unanswered notebook holds at its check."""
    h = handins.reference(notebook)
    nb, exports, where = prepared(h)
    for index, label in where.items():
        nb.cells[index].source = EXPORT.format(function="export_given", label=label)
    events = cache.run(nb, exports, template, limits, how).events
    found = {}
    for event in events:
        if event.get("event") == "answers" and event.get("cell") in where and isinstance(event.get("payload"), dict):
            found[where[event["cell"]]] = event["payload"].get("values", {})
    missing = [EXERCISES[label].name for label in where.values() if label not in found]
    if missing:
        raise SystemExit(f"The unanswered {notebook} notebook did not run to its checks ({', '.join(missing)}): "
                         f"run `make test` or open {notebook}.ipynb and Run All to see why. Nothing was graded.")
    return found


class Cache:
    """Runs by what they ran: the same notebook, data and package give the same events, so marking
    by hand and grading again does not run every notebook again. Kept in SUBMISSIONS/.grading/."""

    def __init__(self, folder: Path | None, template: Path):
        self.folder = folder
        digest = hashlib.sha256()
        for path in sorted(template.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(template).as_posix().encode() + path.read_bytes())
        digest.update(sandbox.RUNNER.read_bytes())
        self.salt = digest.hexdigest()

    def key(self, nb: dict, exports: list[int], limits: Limits, how: str) -> str:
        sources = [c["source"] for c in nb["cells"]]  # not the cells' ids: nbformat makes new ones each time
        return hashlib.sha256((self.salt + json.dumps([sources, exports]) + repr(limits) + how).encode()).hexdigest()

    def run(self, nb: dict, exports: list[int], template: Path, limits: Limits, how: str) -> sandbox.Run:
        key = self.key(nb, exports, limits, how)
        path = self.folder / f"{key}.json" if self.folder else None
        if path and path.is_file():
            saved = json.loads(path.read_text(encoding="utf-8"))
            return sandbox.Run(saved["events"], saved["seconds"], saved["killed"], how)
        done = sandbox.run(nb, exports, template, limits, how)
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            report.write_atomic(path, json.dumps({"events": done.events, "seconds": done.seconds, "killed": done.killed}))
        return done


def load_checks(extra: Path | None) -> None:
    """The public and hidden checks of the teacher's copy, and every .py file in `extra`."""
    from edition.checks import load_checks as load
    load(True)
    if extra is not None:
        for path in sorted(extra.glob("*.py")):
            spec = importlib.util.spec_from_file_location(f"edition_extra_checks.{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)


def check(h: HandIn, run: sandbox.Run, where: dict[int, str], given: dict[str, dict], limits: Limits) -> Graded:
    """Run every check of the hand-in's notebook on what its run handed over."""
    from edition.checks import results
    from edition.checks.answers import decode_all
    g = Graded(h, seconds=run.seconds)
    answers, errors, cell_now, timeouts, stopped = {}, [], None, set(), None
    for event in run.events:
        kind = event.get("event")
        if kind == "cell":
            cell_now = event.get("cell")
        elif kind == "answers" and event.get("cell") in where and isinstance(event.get("payload"), dict):
            answers[where[event["cell"]]] = event["payload"].get("values", {})
        elif kind == "error" and event.get("cell") not in where:
            errors.append((event.get("cell"), str(event.get("ename", ""))[:100], str(event.get("evalue", ""))[:300]))
        elif kind == "timeout":  # nbclient interrupts a cell that ignores it again and again: count it once
            timeouts.add(event.get("cell"))
        elif kind == "stopped":
            stopped = event
    code_cells = [c for c in h.cells if c.kind == "code"]
    if timeouts:
        g.notes.append(f"{len(timeouts)} cell(s) ran longer than {limits.cell_seconds} s and were interrupted")
    if run.killed:
        g.notes.append(f"stopped: the notebook ran longer than {limits.notebook_seconds} s in all "
                       f"(the cell running then: {_cell_name(cell_now, where, code_cells)}); it was ended")
    elif stopped and stopped.get("why") == "output":
        g.notes.append(f"stopped: it printed more than {limits.output_chars // 1_000_000} million characters")
    elif stopped and stopped.get("why") == "kernel died":
        g.notes.append("stopped: the notebook's kernel died (a cell ended Python or used all its memory)")
    elif stopped and stopped.get("why") not in (None, "timeout"):
        g.notes.append(f"stopped: the notebook could not be run ({str(stopped.get('why'))[:200]})")
    elif not any(e.get("event") == "done" for e in run.events) and not run.killed:
        g.notes.append("stopped: the notebook ended before its last cell")
    for index, ename, evalue in errors:
        g.feedback.append(f"{_cell_name(index, where, code_cells)} raised {ename}: {evalue}")
    for exercise in of(h.notebook):
        if not exercise.checked:
            g.points[exercise.label] = None
            continue
        if exercise.label not in answers:
            g.results[exercise.label] = []
            g.points[exercise.label] = 0.0
            g.feedback.append(f"{exercise.name}: not checked (the notebook stopped before it)")
            continue
        mine = decode_all(answers[exercise.label])
        namespace = decode_all(given.get(exercise.label, {}))
        for name in exercise.answers:
            namespace.pop(name, None)
            if name in mine:
                namespace[name] = mine[name]
        found = results(exercise.label, namespace, with_hidden=True)
        g.results[exercise.label] = found
        g.points[exercise.label] = round(exercise.points * sum(r["passed"] for r in found) / len(found), 2) if found else 0.0
        fig = answers[exercise.label].get("fig")
        if "fig" in exercise.answers and isinstance(fig, dict) and fig.get("type") == "figure":
            g.charts[exercise.label] = fig["json"]
        for r in found:
            g.feedback.append(f"{exercise.name}{' (hidden check)' if r['hidden'] else ''}: "
                              f"{'right' if r['passed'] else 'not yet'}: {r['message']}")
    return g


def _cell_name(index, where: dict[int, str], code_cells: list) -> str:
    """'code cell 7 (beginning "later = ...")' for the index of a cell of the prepared notebook."""
    if not isinstance(index, int):
        return "a cell"
    if index in where:
        return f"the check of {EXERCISES[where[index]].name}"
    shift = sum(1 for i in where if i < index)
    position = index - shift
    first = code_cells[position].source.strip().splitlines()[0][:60] if 0 <= position < len(code_cells) and code_cells[position].source.strip() else ""
    return f"code cell {position + 1} (beginning '{first}')"


def grade_folder(folder: Path, out: Path, roster: Path | None = None, marks: Path | None = None,
                 checks: Path | None = None, limits: Limits | None = None, jobs: int | None = None,
                 say=lambda line: print(line, flush=True)) -> Path:
    limits = limits or Limits()
    load_checks(checks)
    how = sandbox.isolation()
    if how != "bubblewrap":
        say(f"Warning: the hand-ins run without isolation: {how}. Their time and size are limited, but a "
            "hostile notebook could read or change the teacher's files. Grade on Linux with bubblewrap to be safe.")
    hand_ins = [handins.read(path, folder) for path in handins.found(folder)]
    people = identity.Roster.read(roster) if roster else None
    flags = identity.resolve(hand_ins, people)
    graded: list[Graded] = []
    with tempfile.TemporaryDirectory(prefix="grading-", ignore_cleanup_errors=True) as tmp:
        template = lay_out(Path(tmp) / "template")
        cache = Cache(out / ".grading", template)
        notebooks = sorted({h.notebook for h in hand_ins if h.problem is None}, key=NOTEBOOKS.index)
        runnable = [h for h in hand_ins if h.problem is None]
        # Every run goes to the pool at once, the reference runs first (the hand-ins run while they
        # do; only the checks wait for them), and a run asked for twice (a copied file, notebooks
        # handed in untouched) runs once: the same cells give the same events, as with the Cache.
        with ThreadPoolExecutor(max_workers=jobs or min(4, os.cpu_count() or 1)) as pool:
            references = {nb: pool.submit(given_values, nb, template, limits, how, cache) for nb in notebooks}
            runs, plans = {}, []
            for h in runnable:
                nb, exports, where = prepared(h)
                key = cache.key(nb, exports, limits, how)
                if key not in runs:
                    runs[key] = pool.submit(cache.run, nb, exports, template, limits, how)
                plans.append((h, where, key))
            try:
                given = {nb: future.result() for nb, future in references.items()}
                for number, (h, where, key) in enumerate(plans, start=1):
                    run = runs[key].result()
                    graded.append(check(h, run, where, given[h.notebook], limits))
                    say(f"Graded {number} of {len(plans)}: {h.relative} ({run.seconds:.0f} s)")
            except BaseException:  # a notebook that does not run unanswered: nothing more is started
                pool.shutdown(cancel_futures=True)
                raise
    for h in hand_ins:
        if h.problem is not None:
            g = Graded(h)
            g.notes.append(f"not graded: {h.problem}")
            for exercise in of(h.notebook) if h.notebook else []:
                g.points[exercise.label] = 0.0 if exercise.checked else None
            graded.append(g)
    if how != "bubblewrap":
        for g in graded:
            g.notes.append("run without isolation (no bubblewrap)")
    scores = report.read_marks(marks, graded) if marks and marks.is_file() else ({}, [])
    return report.write(graded, out, people, flags, scores)


def _seconds(text: str) -> int:
    """A time limit as make passes it (LIMIT=, CELL=): a whole number of seconds, at least 1."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds (a whole number, 1 or more)")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("submissions", type=Path, help="the folder of hand-ins")
    parser.add_argument("--out", type=Path, help="where grades.csv and the rest go (default: the same folder)")
    parser.add_argument("--roster", type=Path, help="a CSV of the class: id, name, email")
    parser.add_argument("--marks", type=Path, help="the hand marks saved from marking.html (default: SUBMISSIONS/marks.csv)")
    parser.add_argument("--checks", type=Path, help="a folder of further hidden checks (*.py), kept outside the repository")
    parser.add_argument("--seconds", type=_seconds, default=Limits.notebook_seconds, help="time limit for one notebook")
    parser.add_argument("--cell-seconds", type=_seconds, default=Limits.cell_seconds,
                        help="time limit for one cell; then it is interrupted and the next cell runs")
    parser.add_argument("--jobs", type=int, help="hand-ins run side by side (default: the cores, at most 4)")
    args = parser.parse_args(argv)
    folder = args.submissions
    if not folder.is_dir():
        print(f"{folder} is not a folder: put the students' .ipynb files in one folder and name it.")
        return 1
    for option, path in (("--roster", args.roster), ("--marks", args.marks)):
        if path is not None and not path.is_file():
            print(f"{option} {path}: there is no such file.")
            return 1
    if args.checks is not None and not args.checks.is_dir():
        print(f"--checks {args.checks}: there is no such folder.")
        return 1
    if not handins.found(folder):
        print(f"No hand-ins in {folder}.")
        return 1
    marks = args.marks or (folder / "marks.csv")
    out = args.out or folder
    try:
        target = grade_folder(folder, out, args.roster, marks, args.checks,
                              Limits(notebook_seconds=args.seconds, cell_seconds=args.cell_seconds), args.jobs)
    except identity.RosterError as error:
        print(error)
        return 1
    print(f"Graded: {target}, {out / 'canvas.csv'}, {out / 'moodle.csv'}, {out / 'feedback'}/ and the "
          f"marking sheet {out / 'marking.html'}")
    return 0
