"""Check your answer: plain-words feedback on the notebooks' exercises, offline.

    from edition.checks import check
    check("chronology-ex-2")          # in the notebook, after the student's answer

Each exercise whose answer is code or a value has checks: small functions that read the
notebook's own variables (the tables the student's notebook loaded and made) and either pass
with a sentence saying what is right, or raise `Wrong` with a sentence saying what to look at
next. Nothing is hard-coded: every expected count is computed from the notebook's data, so the
checks stay right when the dataset is corrected.

Public checks (edition/checks/public.py) ship with every notebook; hidden checks
(edition/checks/hidden.py) ship only in the teacher's zip and run when the teacher grades
(edition/grade/), in the grader's own process, on the answer values each hand-in's kernel hands
over as data (edition/checks/answers.py).

Why not otter-grader (the UC Berkeley tool this follows: public checks, hidden checks, a grade
CSV), evaluated again at 7.0.0: it installs 92 packages (552 MB) beside the four the notebooks
need. `otter grade` runs only in Docker containers, which lab machines and this project's
machines do not have. Its one runner without Docker, `otter run`, appends the tests to the
student's notebook, runs them in the student's own kernel and hands the verdicts back as a pickle
that the grader unpickles (otter/execute/__init__.py; its log server unpickles what the kernel
sends too): a student's code can write that file, so it can forge any grade, or run code in the
grader's process. Its Canvas export is an upload through Canvas's web API. So the edition keeps its
own: the checks are plain functions that speak plain words, run by edition/grade/ in its own
process on answers handed over as JSON, in a sandbox that needs bubblewrap rather than Docker.
"""
from __future__ import annotations

from importlib import import_module
import inspect
from dataclasses import dataclass
from typing import Callable

__all__ = ["check", "hand_in", "Wrong", "EXERCISES"]


class Wrong(Exception):
    """An answer that is not right yet; the message says, in plain words, what to look at."""


@dataclass
class Check:
    exercise: str
    hidden: bool
    run: Callable[[dict], str]   # the notebook's namespace -> what is right (or raises Wrong)

    @property
    def name(self) -> str:
        return self.run.__name__.replace("_", " ")


CHECKS: list[Check] = []
# exercise label -> (notebook, title): the exercises that have checks, in the book's order
EXERCISES: dict[str, tuple[str, str]] = {}


def exercise(label: str, title: str) -> None:
    EXERCISES[label] = (label.split("-ex-")[0], title)


def public_check(label: str):
    def register(run):
        CHECKS.append(Check(label, False, run))
        return run
    return register


def hidden_check(label: str):
    def register(run):
        CHECKS.append(Check(label, True, run))
        return run
    return register


def shared_check(label: str, name: str, hidden: bool, run: Callable[..., str], *args) -> None:
    """A check made from a function that several checks share: `run(ns, *args)`, registered under
    `name` (a function's name: grades and feedback show it with spaces)."""
    def check(ns: dict) -> str:
        return run(ns, *args)
    check.__name__ = name
    CHECKS.append(Check(label, hidden, check))


def load_checks(with_hidden: bool) -> None:
    import_module("edition.checks.public")  # registers the public checks
    if with_hidden:
        try:
            import_module("edition.checks.hidden")  # only in the teacher's copy
        except ImportError:
            pass


def results(label: str, namespace: dict, with_hidden: bool = False) -> list[dict]:
    """Run an exercise's checks on a namespace: one dict per check (passed, message)."""
    load_checks(with_hidden)
    if label not in EXERCISES:
        raise KeyError(f"no checks for {label!r}; the exercises with checks are {', '.join(EXERCISES)}")
    found = []
    for c in CHECKS:
        if c.exercise != label or (c.hidden and not with_hidden):
            continue
        try:
            passed, message = True, c.run(namespace)
        except Wrong as wrong:
            passed, message = False, str(wrong)
        except Exception as error:  # the student's objects can be anything: never a traceback
            passed, message = False, (f"Your answer could not be checked ({type(error).__name__}: {error}). "
                                      "Run your answer cell again and look at what it made.")
        found.append({"exercise": label, "check": c.name, "hidden": c.hidden, "passed": passed, "message": message})
    return found


def check(label: str) -> None:
    """Check the answer to one exercise in the calling notebook and say what is right or what is not.
    (The teacher's grader does not use this: it runs the same checks in its own process.)"""
    namespace = inspect.currentframe().f_back.f_globals  # the calling notebook's variables
    load_checks(False)
    if label not in EXERCISES:
        print(f"There is no check called \"{label}\": the check cells are check(\"chronology-ex-1\") to "
              f"check(\"repression-ex-3\"); undo your change to this cell (Edit > Undo).")
        return
    shown = results(label, namespace)
    from edition.checks.exercises import name
    title = name(label)  # 'Exercise 13 (Read the chart)', as the book and the notebook call it
    passed = sum(r["passed"] for r in shown)
    if passed == len(shown):
        print(f"{title}: right. " + " ".join(r["message"] for r in shown))
    else:
        print(f"{title}: not yet (checks passed: {passed} of {len(shown)}).")
        for r in shown:
            print(("  Right: " if r["passed"] else "  Look again: ") + r["message"])


from edition.checks.handin import hand_in  # noqa: E402
