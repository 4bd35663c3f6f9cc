"""Sphinx plug-in: after a build that failed on warnings, the next reads again only the pages that warned.

The build (edition/build.py) publishes nothing that warned, and a warning must not slip through
the next build because Sphinx finds that page's doctree up to date. It used to read every page
again after any failure. Here every warning of a build is placed on its page as it is emitted
(its location, or the page being read); when the build ends with warnings all placed, they are
recorded (RECORD, in the doctree folder), and the next build reads those pages again, with the
pages edited since, and so warns again until they are fixed. A warning with no page, an error
that stopped Sphinx, Ctrl-C or a kill leaves no record, and the next build reads every page.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

from docutils import nodes
from docutils.utils import get_source_line
from sphinx.application import Sphinx

from edition.derived import write_atomic
from edition.sphinx.book import register

RECORD = "edition-warned.json"  # {"pages": [docname, ...]}: edition/build.py reads whether it is there
# (and removes it once a build has succeeded: a warning an editor suppressed is no failure)


class _Placer(logging.Handler):
    """Notes the page of every warning (and error) Sphinx logs, as it is logged."""

    def __init__(self, app: Sphinx):
        super().__init__(logging.WARNING)
        self.app, self.pages, self.unplaced = app, set(), 0

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "edition_placed", False):  # logged again: Sphinx holds back warnings, then flushes them
            return
        record.edition_placed = True
        page = _page(self.app, getattr(record, "location", None))
        if page:
            self.pages.add(page)
        else:
            self.unplaced += 1


def _page(app: Sphinx, location) -> str | None:
    env = getattr(app, "env", None)
    if env is None:
        return None
    if isinstance(location, tuple):
        location = location[0]
    elif isinstance(location, nodes.Node):
        location = get_source_line(location)[0]
    if not location:  # no location: the page being read, if any
        return env.temp_data.get("docname")
    location = str(location)
    if location in env.found_docs:
        return location
    path, colon, line = location.rpartition(":")  # "path:line" or "path:" as Sphinx writes them
    return env.path2doc(path if colon and (line.isdigit() or not line) else location)


def _started(app: Sphinx) -> None:
    record = Path(app.doctreedir) / RECORD
    try:
        app.edition_reread = set(json.loads(record.read_text(encoding="utf-8"))["pages"])
    except (OSError, ValueError, KeyError, TypeError):
        app.edition_reread = set()
    record.unlink(missing_ok=True)  # a build stopped from now on leaves none: the next reads every page
    app.edition_placer = _Placer(app)
    logging.getLogger("sphinx").addHandler(app.edition_placer)


def _outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    return sorted(d for d in app.edition_reread if d in env.found_docs and d not in added and d not in changed)


def _finished(app: Sphinx, error) -> None:
    placer = getattr(app, "edition_placer", None)
    if placer is None:
        return
    logging.getLogger("sphinx").removeHandler(placer)
    if error is None and placer.pages and not placer.unplaced:
        write_atomic(Path(app.doctreedir) / RECORD, json.dumps({"pages": sorted(placer.pages)}).encode("utf-8"))


def setup(app: Sphinx) -> dict:
    # build-finished last: a warning of another plug-in's build-finished is still placed
    return register(app, events=[("builder-inited", _started), ("env-get-outdated", _outdated),
                                 ("build-finished", _finished, 900)])
