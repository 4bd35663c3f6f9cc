"""Sphinx plug-in: a notebook re-executes when anything it read, or the edition package, changes.

jupyter-cache matches notebooks on their own code alone, so editing a CSV in data/ (or the chart
style in edition/charts.py) would otherwise leave charts stale. Each notebook's kernel records
what it read (edition/readlog.py: every file inside the book, with its hash at that moment). The
record is kept only once the notebook has executed successfully; a notebook with no record, or
whose recorded inputs or edition package differ from today's, loses its cache entry and is read
and executed again. An interrupted or failed build therefore leaves the old record (or none), and
the next build does the work again; it can never mistake a half-done build for a done one.

A page is read as it was when reading began, not when its reading ended: Sphinx records the time a
page's reading ended and, at the next build, reads again only the pages saved after that, so a page
saved while it was being read (its notebook executing, for instance) would never be read again.
The times of the pages read are set back to when this build began reading (`_as_read`).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path

from jupyter_cache import get_cache
from sphinx.application import Sphinx
from sphinx.util import logging

from edition.derived import write_atomic
from edition.sphinx.book.editions import edition_of
from edition.sphinx.book.folders import PACKAGE, book_dir
from edition.readlog import current, read_log
from edition.sphinx.book import internals, parallel, register

LOG = logging.getLogger(__name__)
STATE = "edition-notebook-inputs.json"
STARTUP = "import edition.readlog\nedition.readlog.install()\n"


def package_digest() -> str:
    """One hash of every file of the edition package (code, templates, static files)."""
    h = hashlib.sha256()
    for f in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(f.relative_to(PACKAGE).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def build_package(env) -> str:
    """The package digest this build's pages and kernels were made with (set when Sphinx asks
    what is outdated); the package as it is now for a build that never asked."""
    return getattr(env, "edition_package", None) or package_digest()


def is_notebook(text: str) -> bool:
    return text.startswith("---") and "kernelspec:" in text.split("\n---", 1)[0]


def notebook_pages(app: Sphinx) -> list[str]:
    """The pages myst-nb reads as notebooks (front matter with a kernelspec), in name order: the
    book's one list of them, found once per build (plug-ins ask for every page written)."""
    cached = getattr(app, "_edition_notebook_pages", None)
    if cached is not None and cached[0] == app.env.found_docs:
        return cached[1]
    found = [d for d in sorted(app.env.found_docs) if is_notebook(_text(app.env, d))]
    app._edition_notebook_pages = (set(app.env.found_docs), found)
    return found


def _text(env, docname: str) -> str:
    path = Path(env.doc2path(docname))
    return path.read_text(encoding="utf-8") if path.suffix == ".md" else ""


def _cache_dir(env) -> Path:
    return Path(env.mystnb_config.execution_cache_path)


def _load_state(env) -> dict:
    path = _cache_dir(env) / STATE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_state(env, state: dict) -> None:
    # atomic: a reader sees the old record or the new, never half
    write_atomic(_cache_dir(env) / STATE, json.dumps(state, indent=1, sort_keys=True).encode("utf-8"))


def is_fresh(record: dict | None, package: str) -> bool:
    """Does a notebook's record still describe today's inputs?"""
    if not record or record.get("package") != package:
        return False
    return all(current(rel) == value for rel, value in record.get("reads", {}).items())


def _log_file(env, docname: str) -> Path:
    return _cache_dir(env) / "reads" / (docname.replace("/", "--") + ".txt")


# File times come from the kernel's coarse clock, which may lag behind time.time_ns() by a tick (a
# few milliseconds): a page saved just after reading began may carry a time a little before it.
CLOCK_SLACK_US = 100_000


def _outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    app.edition_reading_began = time.time_ns() // 1_000 - CLOCK_SLACK_US  # before any page is read
    # All builders share one environment per edition: after an HTML build its notebook pages hold
    # the HTML outputs, so a print build must read them again from its own cache (with PNGs), and
    # the other way round. Reading is cheap; nothing is executed for it.
    edition = edition_of(app)
    reread = set()
    if getattr(env, "edition_outputs", None) != edition:
        reread = {d for d in env.found_docs if is_notebook(_text(env, d))}
    env.edition_outputs = edition
    state = _load_state(env)
    package = package_digest()  # as the kernels of this build will see it
    if getattr(env, "edition_package", package) != package:
        reread |= set(env.found_docs)  # the plug-ins changed: every page may come out differently
    env.edition_package = package
    stale = []
    for docname in sorted(env.found_docs):
        if not is_notebook(_text(env, docname)):
            continue
        path = str(Path(env.doc2path(docname)))
        if not is_fresh(state.get(path), package):
            stale.append(docname)
            _forget(_cache_dir(env), Path(path))
    if stale:
        LOG.info("inputs changed (or never recorded) for: %s (will execute again)", ", ".join(stale))
    outdated = [d for d in sorted(set(stale) | reread) if d not in added and d not in changed]
    to_read = set(added) | set(changed) | set(outdated)
    parallel.start(app, [d for d in to_read if is_notebook(_text(env, d))], lambda d: _kernel_env(env, d))
    return outdated


def _reading(app: Sphinx, env, docnames: list[str]) -> None:
    app.edition_pages_read = list(docnames)


def _as_read(app: Sphinx, env) -> None:
    """A page read in this build whose file (or a dependency outside the build's own folders) was
    saved after reading began counts as read when reading began, so the next build reads it again
    (see the module's words). The others keep Sphinx's time: a dependency the build itself writes
    while reading (the essay's words for the who's who) must not make its page look stale."""
    began = getattr(app, "edition_reading_began", None)
    if began is None:
        return
    build = [Path(getattr(env, "doctreedir", "/nonexistent")).resolve(), Path(getattr(app, "outdir", "/nonexistent")).resolve()]
    for docname in getattr(app, "edition_pages_read", []):
        if docname in env.all_docs and _saved_since(env, docname, began, build):
            env.all_docs[docname] = min(env.all_docs[docname], began)


def _saved_since(env, docname: str, began: int, build: list[Path]) -> bool:
    srcdir = Path(getattr(env, "srcdir", "."))
    files = [Path(env.doc2path(docname))] if hasattr(env, "doc2path") else []
    files += [srcdir / d for d in getattr(env, "dependencies", {}).get(docname, ())]
    for path in files:
        try:
            resolved = path.resolve()
            if any(resolved.is_relative_to(b) for b in build):
                continue
            if resolved.stat().st_mtime_ns // 1_000 >= began:
                return True
        except OSError:
            return True  # gone or unreadable: read it again
    return not files  # nothing known of it: the safe side


def _forget(cache_dir: Path, path: Path) -> None:
    """Drop every cached execution of this notebook: its own records, and any record that
    jupyter-cache would match to its code (a copy of the book, a renamed file), so it must run."""
    if not cache_dir.exists():
        return
    cache = get_cache(cache_dir)
    for record in cache.list_cache_records():
        if record.uri == str(path):
            cache.remove_cache(record.pk)
    try:
        import jupytext

        while (match := cache.match_cache_notebook(jupytext.read(path))) is not None:
            cache.remove_cache(match.pk)
    except KeyError:  # no record matches its code
        pass


def _kernel_env(env, docname: str) -> dict:
    """The environment of a kernel that executes this page: a fresh read log, and the startup
    file that makes the kernel write it."""
    log = _log_file(env, docname)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    startup = _cache_dir(env) / "ipython" / "profile_default" / "startup" / "00-edition-reads.py"
    startup.parent.mkdir(parents=True, exist_ok=True)
    if not startup.is_file() or startup.read_text() != STARTUP:
        startup.write_text(STARTUP)
    return {**os.environ, "IPYTHONDIR": str(startup.parent.parent.parent), "EDITION_READS": str(log)}


def _before_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """Wait for the page's notebook if it is executing side by side (edition/sphinx/book/parallel.py);
    otherwise point the kernel myst-nb may start for it at a fresh read log."""
    if not is_notebook(source[0]) or parallel.collect(app, docname):
        return
    os.environ.update(_kernel_env(app.env, docname))


CELL = re.compile(r"executing the following cell:\n-+\n(.*?)\n-+\n", re.S)


def failed_cell(notebook: Path, traceback: str) -> str:
    """ "code cell N (first line)" for the cell a CellExecutionError names, as best it can."""
    match = CELL.search(traceback or "")
    if not match:
        return "a code cell"
    source = match.group(1).strip()
    first = source.splitlines()[0] if source else ""
    try:
        import jupytext

        cells = [c for c in jupytext.read(notebook).cells if c.cell_type == "code"]
        number = next(i for i, c in enumerate(cells, 1) if c.source.strip() == source)
        return f"code cell {number} ({first!r})"
    except Exception:
        return f"the code cell starting {first!r}"


def last_error_line(traceback: str) -> str:
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in (traceback or "").splitlines()]
    lines = [line for line in lines if line and not line.startswith(("-", "File ", "Cell "))]
    return lines[-1] if lines else "an error"


def _after_read(app: Sphinx, doctree) -> None:
    """Keep a notebook's record of inputs only if it executed successfully in this build."""
    env, docname = app.env, app.env.docname
    if not is_notebook(_text(env, docname)):
        return
    exec_data = internals.execution_record(env, docname)
    path = Path(env.doc2path(docname))
    state = _load_state(env)
    reads = read_log(_log_file(env, docname))
    if exec_data and not exec_data.get("succeeded", True):
        state.pop(str(path), None)
        _save_state(env, state)
        where = failed_cell(path, exec_data.get("traceback") or "")
        root = book_dir(app)
        LOG.warning("%s: %s failed: %s. Fix it and build again; nothing of this build is published.",
                    path.relative_to(root) if path.is_relative_to(root) else path, where,
                    last_error_line(exec_data.get("traceback") or ""), type="edition", subtype="notebook")
    elif reads is not None:  # executed in this build (a cached notebook starts no kernel)
        state[str(path)] = {"package": env.edition_package, "reads": reads}
        _save_state(env, state)


def setup(app: Sphinx) -> dict:
    return register(app, events=[("env-get-outdated", _outdated), ("source-read", _before_read),
                                 ("doctree-read", _after_read), ("env-before-read-docs", _reading),
                                 ("env-updated", _as_read)], parallel_read_safe=False)
