"""Fast builds do no work without a change (issue 16), on one scratch copy of the book (warm:
tests/notebooks.py), each test starting from a book built with nothing left to do: a build with
nothing changed executes no notebook, rewrites no derived file and copies no published file; an
edit of an editors' paragraph in an essay chapter executes no notebook and rewrites no download,
one of the author's paragraphs re-executes only the notebook that reads the essay; a CSV edit
re-executes exactly the notebooks whose kernels read that CSV, and their charts show the edit (the
stale-chart guard); a failed build keeps the last good book, and the next good one publishes.
Timings are in tools/bench.py, never here."""
from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from edition.sphinx.book.freshness import is_notebook
from notebooks import append_to_cell, as_from_a_terminal, build, built_copy, front_door

pytestmark = pytest.mark.book


def derived(book: Path) -> dict[str, tuple[int, int]]:
    """(inode, modification time) of every file the build derives from others."""
    files = [book / "references.bib", *sorted((book / "_build/.stage/html/_sources").rglob("*.ipynb")),
             *sorted((book / "_build/html/_sources").rglob("*.ipynb"))]
    assert len(files) == 9, files
    return {str(f.relative_to(book)): (f.stat().st_ino, f.stat().st_mtime_ns) for f in files}


def published(book: Path) -> dict[str, int]:
    """The inode of every published file: a file copied again gets a new one."""
    html = book / "_build/html"
    return {str(f.relative_to(html)): f.stat().st_ino for f in html.rglob("*") if f.is_file()}


def readers(book: Path, rel: str) -> list[str]:
    """The notebooks whose kernels recorded reading `rel` in their last run."""
    state = json.loads((book / "_build/.stage/.jupyter_cache/edition-notebook-inputs.json").read_text(encoding="utf-8"))
    return sorted(Path(path).stem for path, record in state.items() if rel in record["reads"])


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    return built_copy(tmp_path_factory, "fast")


@pytest.fixture
def book(copy):
    """The copy, built after whatever the test before left (so no test depends on another's edits)."""
    build(copy)
    return copy


def test_nothing_changed_means_no_work(book):
    files, pages = derived(book), published(book)
    assert build(book) == []
    assert derived(book) == files
    after = published(book)
    assert after.keys() == pages.keys()
    unchanged = [name for name in pages if after[name] == pages[name]]
    # plotly.js (4.8 MB), every page and every download are the very same files (linked, not copied)
    assert "_static/plotly.min.js" in unchanged and "chapters/workers-truth.html" in unchanged
    assert "_sources/chapters/chronology.ipynb" in unchanged
    assert len(unchanged) >= 0.9 * len(pages), sorted(set(pages) - set(unchanged))


def edit_line(path: Path, pick, words: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    i = next(i for i, line in enumerate(lines) if pick(line))
    lines[i] += words
    path.write_text("\n".join(lines), encoding="utf-8")


def test_an_editors_paragraph_edit_runs_no_notebook_and_rewrites_no_download(book):
    chapter = book / "chapters" / "workers-truth.md"
    edit_line(chapter, lambda line: line.startswith("**After this section"), " Edited in a test copy.")
    files = derived(book)
    run = front_door(book, "html")
    # the chapter alone is read: the who's who depends on the essay's words, not on editors' lines
    assert run.returncode == 0 and "1 page(s) read" in run.stdout and "notebooks executed: none" in run.stdout, run.stdout[-2000:]
    assert derived(book) == files
    assert "Edited in a test copy." in (book / "_build/html/chapters/workers-truth.html").read_text(encoding="utf-8")


def test_an_essay_paragraph_edit_reruns_exactly_the_notebooks_that_read_the_essay(book):
    expected = readers(book, "python:edition.essay:paragraphs_digest")
    assert expected == ["publications"]  # the notebook that ties quotations to their paragraphs
    chapter = book / "chapters" / "workers-truth.md"
    lines = chapter.read_text(encoding="utf-8").split("\n")
    label = next(i for i, line in enumerate(lines) if re.match(r"^\(wt-\d+\)=$", line))
    edit_line(chapter, lambda line: line == lines[label + 1], " Edited in a test copy.")
    assert build(book) == expected
    assert build(book) == []


def test_a_csv_edit_reruns_exactly_the_notebooks_that_read_it(book):
    expected = readers(book, "data/size_estimates.csv")
    assert expected and len(expected) < 4  # some notebook does not read size_estimates.csv
    append_to_cell(book / "data" / "size_estimates.csv", "note", " (edited in a test copy)")
    bib = (book / "references.bib").stat().st_mtime_ns
    assert build(book) == expected
    # each ran once, side by side (edition/sphinx/book/parallel.py), and myst-nb took it from the cache:
    # a cache key of ours unlike myst-nb's would make myst-nb execute it a second time
    log = (book / "_build/.stage/html.log").read_text(encoding="utf-8")
    for name in expected:
        assert log.count(f"chapters/{name}.md: Executed notebook") == 1, log[-3000:]
        assert f"chapters/{name}.md: Using cached notebook" in log, log[-3000:]
    assert (book / "references.bib").stat().st_mtime_ns == bib  # sources.csv did not change
    assert build(book) == []


def chart_text(page: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return " ".join(json.dumps(json.loads(s.get_text())) for s in soup.select("script.plotly-json"))


def test_editing_a_csv_reexecutes_its_readers_and_updates_the_chart(book):
    """The stale-chart guard, against the notebooks' own code (not the read log): every notebook
    that loads a view of the happenings runs again, and the chart shows the edit."""
    mark = "Edited in a test copy"
    page = book / "_build/html/chapters/chronology.html"
    assert mark not in chart_text(page)
    append_to_cell(book / "data" / "happenings.csv", "title", f" ({mark})",
                   pick=lambda row: row["happening_id"] == "ev-wt-founded")
    readers = sorted(p.stem for p in (book / "chapters").glob("*.md")  # every view of a happening reads the file
                     if is_notebook(p.read_text()) and re.search(r'load\("(events|memberships|publications)"\)', p.read_text()))
    assert build(book) == readers
    assert mark in chart_text(page)


def previews(book: Path) -> dict[str, str]:
    """Each published page's embedded previews (edition/sphinx/web/previews.py), as written."""
    html = book / "_build/html"
    found = {}
    for page in sorted(html.rglob("*.html")):
        m = re.search(r'<script type="application/json" id="edition-previews">(.*?)</script>', page.read_text(encoding="utf-8"), re.S)
        if m:
            found[str(page.relative_to(html))] = m.group(1)
    return found


def test_previews_and_search_kept_between_builds_are_those_a_fresh_build_makes(book):
    """After an edit built with previews and search entries kept from earlier builds, every page's
    previews and the search index are those of a build that reads every page and makes them anew."""
    edit_line(book / "chapters" / "counter-revolution.md", lambda line: line.startswith("**After this section"),
              " Kept between builds.")
    assert build(book) == []
    kept, index = previews(book), (book / "_build/html/_static/edition-search-index.js").read_bytes()
    assert len(kept) >= 10 and b"Kept between builds." in index  # the edit is in the index
    for store in ("edition-previews.json", "edition-search-entries.json"):
        (book / "_build/.stage/.doctrees-html" / store).unlink()
    (book / "_build/.stage/html.unfinished").touch()  # as after a failed build: every page read again
    assert build(book) == []
    assert previews(book) == kept
    assert (book / "_build/html/_static/edition-search-index.js").read_bytes() == index


def test_nothing_changed_means_no_sphinx_run(book):
    run = front_door(book, "html")
    assert run.returncode == 0
    assert "Up to date: nothing has changed since _build/html was built" in run.stdout
    chapter = book / "chapters" / "glossary.md"
    chapter.write_text(chapter.read_text(encoding="utf-8"), encoding="utf-8")  # written, not changed
    assert "Up to date" in front_door(book, "html").stdout
    (book / "_config.yml").write_text((book / "_config.yml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "Up to date" not in front_door(book, "html").stdout


def test_a_failed_build_keeps_the_last_good_book(book):
    page = book / "_build/html/chapters/workers-truth.html"
    good, pages = page.read_text(encoding="utf-8"), published(book)
    chapter = book / "chapters" / "workers-truth.md"
    source = chapter.read_text(encoding="utf-8")
    chapter.write_text(source + "\nA broken link: {doc}`no-such-page`.\n", encoding="utf-8")
    run = front_door(book, "html")
    assert run.returncode == 1, run.stdout[-2000:]
    assert "Nothing was published" in run.stdout
    assert page.read_text(encoding="utf-8") == good and published(book) == pages
    # Built again unfixed: the page that warned is read again (edition/sphinx/book/warned.py), and warns again
    again = front_door(book, "html")
    assert again.returncode == 1 and "no-such-page" in again.stdout, again.stdout[-2000:]
    assert page.read_text(encoding="utf-8") == good and published(book) == pages
    chapter.write_text(source + "\nA sentence added in a test copy.\n", encoding="utf-8")
    fixed = front_door(book, "html")
    # the page that warned, not every page: the others were read well by the failed build
    assert fixed.returncode == 0 and "1 page(s) read" in fixed.stdout, fixed.stdout[-2000:]
    assert not (book / "_build/.stage/.doctrees-html/edition-warned.json").exists()  # a success leaves no record
    assert "A sentence added in a test copy." in page.read_text(encoding="utf-8")


class Watcher:
    """`make watch` on the copy (python -m edition.build html --watch), its output line by line."""

    def __init__(self, book: Path):
        # PORT=0: its live server (edition/serve.py --live) on a free port, said in its output
        self.process = subprocess.Popen([sys.executable, "-u", "-m", "edition.build", "html", "--watch"], cwd=book,
                                        env={**os.environ, "PYTHONPATH": str(book), "PORT": "0"}, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, start_new_session=True,
                                        preexec_fn=as_from_a_terminal)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.process.stdout], daemon=True).start()
        self.seen: list[str] = []

    def until(self, words: str, seconds: float = 300) -> str:
        deadline = time.monotonic() + seconds
        while True:
            self.seen.append(self.lines.get(timeout=max(1, deadline - time.monotonic())))
            if words in self.seen[-1]:
                return self.seen[-1]

    def stop(self) -> None:
        """Ctrl-C, as a terminal sends it; it stops, and no process of it is left."""
        stopped = False
        try:
            os.killpg(self.process.pid, signal.SIGINT)
            assert self.process.wait(timeout=60) == 130, "".join(self.seen)
            self.until("Stopped watching")
            time.sleep(0.5)
            try:
                os.killpg(self.process.pid, 0)
                raise AssertionError("a process of make watch is still running")
            except ProcessLookupError:
                stopped = True
        finally:  # the test fails, and no process of the watcher builds on for the rest of the run
            if not stopped:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)


def test_make_watch_publishes_each_save_and_stops_on_ctrl_c(book):
    """`make watch`: a saved edit is published with no other command, by a build forked from the
    watching process (one page read, no notebook); Ctrl-C stops it and leaves no process behind."""
    watcher = Watcher(book)
    try:
        watcher.until("Watching for the next change")
        chapter = book / "chapters" / "closing.md"
        edit_line(chapter, lambda line: line.startswith("**After this section"), " Saved while watching.")
        assert watcher.until("Building:").strip() == "Building: chapters/closing.md changed."
        assert "1 page(s) read" in watcher.until("Built in") and "notebooks executed: none" in watcher.seen[-1]
        watcher.until("Watching for the next change")
        assert "Saved while watching." in (book / "_build/html/chapters/closing.html").read_text(encoding="utf-8")
    finally:
        watcher.stop()


def test_make_watch_publishes_the_last_of_ten_saves_in_two_seconds(book):
    """Ten saves of a page 0.2 s apart, most of them while a build runs: once the watcher is idle
    again, the published page is the tenth save's (issue 26: it was the ninth)."""
    chapter = book / "chapters" / "closing.md"
    source = chapter.read_text(encoding="utf-8")
    page = book / "_build/html/chapters/closing.html"
    watcher = Watcher(book)
    try:
        watcher.until("Watching for the next change")
        lines = source.split("\n")
        at = next(i for i, line in enumerate(lines) if line.startswith("**After this section"))
        for save in range(1, 11):  # each save one write, as an editor's
            chapter.write_text("\n".join(lines[:at] + [f"{lines[at]} Save {save} of ten."] + lines[at + 1:]),
                               encoding="utf-8")
            time.sleep(0.2)
        # until it is idle: "Watching for the next change", then nothing for 5 s (a build says
        # "Building: ..." as it starts: one after a failed build reads every page, silent for longer)
        while True:
            watcher.until("Watching for the next change", seconds=600)
            try:
                watcher.seen.append(watcher.lines.get(timeout=5))
            except queue.Empty:
                break
        text = page.read_text(encoding="utf-8")
        assert "Save 10 of ten." in text and "Save 9 of ten." not in text, "".join(watcher.seen)[-3000:]
    finally:
        watcher.stop()
        chapter.write_text(source, encoding="utf-8")


def test_make_watch_reloads_the_open_page_with_the_edit(book):
    """`make watch` serves the book (edition/serve.py --live): a page open in the browser
    reloads by itself once an edit of it is published, and shows the new words. How long that
    takes is measured by tools/bench.py (edit to browser), never here."""
    from browser import browser

    watcher = Watcher(book)
    try:
        watcher.until("Watching for the next change")
        if "Serving the book at" not in "".join(watcher.seen):  # the server says so on its own time
            watcher.until("Serving the book at")
        address = re.search(r"Serving the book at (http://127\.0\.0\.1:\d+/)", "".join(watcher.seen))[1]
        with browser() as b:
            page = b.new_page()
            with page.expect_request(f"{address}_edition/live"):  # it listens for the next build
                page.goto(f"{address}chapters/closing.html")
            assert "Reloaded in the open browser." not in page.inner_text("body")
            chapter = book / "chapters" / "closing.md"
            with page.expect_navigation(timeout=300_000):  # the page reloads itself: the test never navigates
                edit_line(chapter, lambda line: line.startswith("**After this section"), " Reloaded in the open browser.")
            page.wait_for_load_state("load")
            assert "Reloaded in the open browser." in page.inner_text("body")
            # the published book has no live-reload script: only the watching server adds it
            assert "_edition/live" in page.content()
            assert "_edition/live" not in (book / "_build/html/chapters/closing.html").read_text(encoding="utf-8")
    finally:
        watcher.stop()


def book_as_published(book: Path) -> dict[str, bytes]:
    """Every published file (and link) of the HTML book, by its path."""
    html = book / "_build/html"
    return {str(f.relative_to(html)): os.readlink(f).encode() if f.is_symlink() else f.read_bytes()
            for f in sorted(html.rglob("*")) if f.is_symlink() or f.is_file()}


def test_the_book_make_watch_publishes_after_an_edit_is_the_one_a_full_build_makes(book):
    """`make watch` builds only what an edit changes and replaces only the files that differ in
    _build/html (edition/build.py publish(in_place=True)): the book a reader then has, every file
    of it, is the one a build that reads every page and makes the previews and the search entries
    anew publishes from the same sources."""
    chapter = book / "chapters" / "closing.md"
    source = chapter.read_text(encoding="utf-8")
    # Every page written once by a build after the first: a cold build writes its pages before the
    # extensions copy their styles and scripts, so Sphinx gives those no checksum (?v=) there.
    (book / "_build/.stage/html.unfinished").touch()
    assert build(book) == []
    watcher = Watcher(book)
    try:
        watcher.until("Watching for the next change")
        edit_line(chapter, lambda line: line.startswith("**After this section"), " Compared with a full build.")
        assert "1 page(s) read" in watcher.until("Built in"), "".join(watcher.seen)[-3000:]
        watcher.until("Watching for the next change")
    finally:
        watcher.stop()
    watched = book_as_published(book)
    assert "Compared with a full build." in watched["chapters/closing.html"].decode()
    assert not [name for name in watched if name.endswith(".new")]  # no temporary file left in the book
    for store in ("edition-previews.json", "edition-search-entries.json"):
        (book / "_build/.stage/.doctrees-html" / store).unlink()
    (book / "_build/.stage/html.unfinished").touch()  # as after a failed build: every page read again
    assert build(book) == []
    full = book_as_published(book)
    assert sorted(watched) == sorted(full)
    # One file differs after any build that reads one page, `make book`'s as well as make watch's
    # (seen at a7f83aa, before make watch published in place): Sphinx 7.4's own searchindex.js
    # loses the glossary's index entries (the edition's search does not read it). Every other file,
    # the edited page, the search page (which names the edition's index with its checksum) and the
    # edition's search index and previews among them, must be the same.
    known = {"searchindex.js"}
    assert [name for name in full if watched[name] != full[name] and name not in known] == []
    chapter.write_text(source, encoding="utf-8")
