"""What a notebook read, recorded by its own kernel while the book builds it.

The build (edition/sphinx/book/freshness.py) starts every notebook kernel with `EDITION_READS` naming a log
file and an IPython startup file that calls `install()`. From then on, Python's audit hook sees
every file the kernel opens and every folder it lists: each one inside the book (data/,
chapters/, ...) is written to the log with a hash of its content at that moment. The next build
re-executes the notebook exactly when one of those files (or the edition package) has changed,
however the notebook read it: `load("events")`, `pd.read_csv("../data/events.csv")`, a glob.

Reads made while validating the whole package (edition.data.check) are not the notebook's own
inputs (the build validates the data before it starts), so they are left out with `paused()`.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from pathlib import Path

from edition.paths import ROOT

IGNORED = ("_build", ".venv", ".git", "edition")  # build state, packages, and the package itself (hashed whole)

_state: dict = {"log": None, "busy": False, "paused": 0, "seen": set()}


def digest(path: Path) -> str:
    """A file's content hash, or of a folder its sorted list of names; "missing" if neither."""
    if path.is_dir():
        return hashlib.sha256("\0".join(sorted(os.listdir(path))).encode()).hexdigest()
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def inside_book(path: Path) -> str | None:
    """The path relative to the book, if it is a book input worth recording."""
    try:
        rel = path.resolve().relative_to(ROOT)
    except (ValueError, OSError):
        return None
    if not rel.parts or rel.parts[0] in IGNORED:
        return None
    return rel.as_posix()


@contextlib.contextmanager
def paused():
    _state["paused"] += 1
    try:
        yield
    finally:
        _state["paused"] -= 1


def _hook(event: str, args: tuple) -> None:
    if event not in ("open", "os.listdir", "os.scandir") or _state["busy"] or _state["paused"]:
        return
    target = args[0] if args else None
    if event == "open" and len(args) > 1 and isinstance(args[1], str) and any(c in args[1] for c in "wax+"):
        return  # a write is not an input
    if isinstance(target, int) or target is None:
        target = "." if event != "open" else None  # os.listdir() with no argument lists the cwd
        if target is None:
            return
    _state["busy"] = True
    try:
        path = Path(os.fsdecode(target))
        rel = inside_book(path)
        if rel is not None and rel not in _state["seen"]:
            _state["seen"].add(rel)
            with open(_state["log"], "a", encoding="utf-8") as log:
                log.write(f"{digest(ROOT / rel)} {rel}\n")
    except Exception:  # never break a student's cell because of the build's bookkeeping
        pass
    finally:
        _state["busy"] = False


def install() -> None:
    """Start recording (once per process) if the build asked for it."""
    log = os.environ.get("EDITION_READS")
    if not log or _state["log"]:
        return
    _state["log"] = log
    Path(log).write_text("# reads of one notebook run\n", encoding="utf-8")
    sys.addaudithook(_hook)


def note(key: str, value: str) -> None:
    """Record an input that is not a file but what a function made of files (read meanwhile under
    `paused()`), so that an edit those files' readers never see runs nothing again. `key` is
    "python:module:function", a function that gives the input's digest as it is now."""
    if _state["log"] and not _state["paused"] and key not in _state["seen"]:
        _state["seen"].add(key)
        with paused(), open(_state["log"], "a", encoding="utf-8") as log:
            log.write(f"{value} {key}\n")


def current(rel: str) -> str:
    """What the record of an input (a path in the book, or a note's key) would say today."""
    if rel.startswith("python:"):
        import importlib

        module, _, function = rel.removeprefix("python:").partition(":")
        if not module.startswith("edition."):  # only the edition's own notes; anything else counts as changed
            return "unknown"
        try:
            return getattr(importlib.import_module(module), function)()
        except OSError:  # a chapter gone (or renamed) mid-save: changed, read again (essay.read reads a cut file as it is)
            return "unknown"
    return digest(ROOT / rel)


def read_log(path: Path) -> dict[str, str] | None:
    """{relative path: hash at the time it was read} from a log; None if there is no log."""
    if not path.is_file():
        return None
    reads = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            value, _, rel = line.partition(" ")
            reads.setdefault(rel, value)
    return reads
