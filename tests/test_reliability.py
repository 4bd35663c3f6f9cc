"""The build never publishes a stale or broken book, whatever happens to it.

On one scratch copy of the book (warm: tests/notebooks.py), each test starting from a built book:
bad data stops the build before Sphinx with the validator's line and no traceback; a notebook cell that fails stops publication and names the
notebook and the cell; Ctrl-C in the middle of executing leaves the last good book published and
the next build finishes the job; two builds started together take turns; editing a source's title
reaches the chart hovers and the bibliography. Each step checks the published page against the
data, never against the code under test.

The edits that a notebook must execute again to show (Ctrl-C, kill -9, two builds) are of a
column only the membership notebook reads (who made a size estimate, in its chart's hover), so
each build executes that one notebook, not the four that read data/happenings.csv.
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from notebooks import as_from_a_terminal, build, copy_book, front_door

pytestmark = pytest.mark.book


def chart_json(book, page="chronology") -> str:
    soup = BeautifulSoup((book / f"_build/html/chapters/{page}.html").read_text(encoding="utf-8"), "html.parser")
    return " ".join(json.dumps(json.loads(s.get_text()), ensure_ascii=False) for s in soup.select("script.plotly-json"))


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def edit_row(book, table, key, column, change):
    path = book / "data" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    row = next(r for r in rows if next(iter(r.values())) == key)
    before = row[column]
    row[column] = change(before)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=rows[0].keys(), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return before, row[column]


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    return copy_book(tmp_path_factory.mktemp("reliable") / "book")


@pytest.fixture
def book(copy):
    """The copy, built after whatever the test before left (so no test depends on another's edits)."""
    build(copy)
    return copy


def test_bad_data_stops_the_build_with_one_line_and_keeps_the_book(book):
    page = book / "_build/html/chapters/chronology.html"
    published = digest(page)
    before, _ = edit_row(book, "attestations", "at-ev-essay-wt-founded", "date_start", lambda v: "1923-13-45")
    try:
        run = front_door(book, "html")
        output = run.stdout + run.stderr
        assert run.returncode == 1
        assert "Traceback" not in output and "please report" not in output
        assert "data/attestations.csv, row " in output and "column date_start: '1923-13-45' is not a valid date" in output
        assert digest(page) == published
    finally:
        edit_row(book, "attestations", "at-ev-essay-wt-founded", "date_start", lambda v: before)


def test_a_failing_cell_is_named_and_nothing_is_published(book):
    notebook = book / "chapters" / "repression.md"
    source = notebook.read_text(encoding="utf-8")
    page = book / "_build/html/chapters/repression.html"
    published, charts = digest(page), chart_json(book, "repression").count('"data"')
    # The failing cell second, right after the one that loads `events`: execution stops at it, so
    # each failing build runs one cell of the notebook, not all of them.
    first = source.index("\n```\n", source.index("```{code-cell}")) + len("\n```\n")
    notebook.write_text(source[:first] + '\n```{code-cell} ipython3\nmissing_column = events["no such column"]\n```\n'
                        + source[first:], encoding="utf-8")
    try:
        run = front_door(book, "html")
        output = run.stdout + run.stderr
        assert run.returncode == 1, output[-2000:]
        assert ("chapters/repression.md: code cell 2 ('missing_column = events[\"no such column\"]') "
                "failed: KeyError: 'no such column'") in output, output[-3000:]
        assert "Nothing was published" in output
        assert digest(page) == published
        assert chart_json(book, "repression").count('"data"') == charts
        # Running again without a fix must not publish the broken page either.
        again = front_door(book, "html")
        assert again.returncode == 1 and digest(page) == published
    finally:
        notebook.write_text(source, encoding="utf-8")
    build(book)
    assert "no such column" not in page.read_text(encoding="utf-8")


def _start(book, *args):
    env = {**os.environ, "PYTHONPATH": str(book)}
    return subprocess.Popen([sys.executable, "-m", "edition.build", "html", *args], cwd=book, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            preexec_fn=as_from_a_terminal)


# A size estimate: data/size_estimates.csv is read by the membership notebook alone (its kernel's
# read log, edition/sphinx/book/freshness.py), and its chart's hover names who made the estimate.
ESTIMATE = ("size_estimates", "se-wt-core-hebbes", "estimated_by")


def test_ctrl_c_while_executing_then_the_next_build_catches_up(book):
    edit_row(book, *ESTIMATE, lambda v: v + " (interrupted edit)")
    assert "interrupted edit" not in chart_json(book, "membership")
    published = digest(book / "_build/html/chapters/membership.html")
    run = _start(book, "--verbose")
    seen = []
    for line in run.stdout:
        seen.append(line)
        if "Executing notebook" in line:
            time.sleep(2)  # inside the first notebook's kernel
            os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
            break
    rest = run.communicate(timeout=120)[0]
    assert run.returncode == 130, "".join(seen)[-2000:] + rest[-2000:]
    assert "Interrupted: nothing was published" in rest
    assert digest(book / "_build/html/chapters/membership.html") == published
    executed = build(book)
    assert executed == ["membership"]
    assert "interrupted edit" in chart_json(book, "membership")


def descendants(pid: int) -> list[tuple[int, str]]:
    """Every process below `pid`, as (pid, start time), so that a reused number is not taken for it."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found += [(child, started(child))] + descendants(child)
    return found


def started(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19]
    except (OSError, IndexError):
        return ""


def running(pid: int, start: str) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return False
    return fields[19] == start and fields[0] not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux's")
def test_kill_9_of_the_build_leaves_no_process_building(book):
    """`kill -9` of the build (make book's process) while its Sphinx child executes a notebook:
    the child and its kernels go too, nothing goes on writing into _build/.stage, and the next
    build publishes the edit."""
    edit_row(book, *ESTIMATE, lambda v: v + " (killed edit)")
    run = _start(book, "--verbose")
    below = []
    try:
        for line in run.stdout:
            if "Executing notebook" in line:
                time.sleep(2)  # inside the first notebook's kernel
                below = descendants(run.pid)
                os.kill(run.pid, signal.SIGKILL)
                break
        run.wait(timeout=30)
        assert below, "the build had no child process"
        deadline = time.monotonic() + 15
        while any(running(*p) for p in below) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [p for p in below if running(*p)], "a process of the killed build is still running"
        log = book / "_build/.stage/html.log"
        size = log.stat().st_size
        time.sleep(2)
        assert log.stat().st_size == size  # nobody is building into the stage
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
        run.stdout.close()
    assert build(book) == ["membership"]
    assert "killed edit" in chart_json(book, "membership")


def test_two_builds_at_once_take_turns_and_both_see_the_change(book):
    edit_row(book, *ESTIMATE, lambda v: v + " (concurrent edit)")
    first = _start(book)
    time.sleep(1)
    second = _start(book)
    out1, out2 = first.communicate(timeout=600)[0], second.communicate(timeout=600)[0]
    assert first.returncode == 0 and second.returncode == 0, out1[-2000:] + out2[-2000:]
    assert "Another build is running in this folder" in out2
    assert "notebooks executed: membership." in out1
    assert "notebooks executed: none" in out2  # the first recorded its work; nothing left to redo
    assert "concurrent edit" in chart_json(book, "membership")


def test_a_source_edit_reaches_hovers_and_bibliography(book):
    """The hovers name a source by its author (charts.source_names), the bibliography by its
    title too: an edit of either reaches the pages that show it."""
    events = list(csv.DictReader((book / "data/attestations.csv").open(encoding="utf-8")))
    sources = {s["source_id"]: s for s in csv.DictReader((book / "data/sources.csv").open(encoding="utf-8"))}
    cited = next(e["source_id"] for e in events if e["source_id"] not in ("essay", "editors")
                 and sources[e["source_id"]]["author"])
    edit_row(book, "sources", cited, "title", lambda v: v + " (retitled in a test)")
    edit_row(book, "sources", cited, "author", lambda v: v + " Renamed-in-a-test")
    build(book)
    assert "retitled in a test" in (book / "references.bib").read_text(encoding="utf-8")
    assert "Renamed-in-a-test" in chart_json(book) + chart_json(book, "repression") + chart_json(book, "membership")
    bibliography = BeautifulSoup((book / "_build/html/chapters/bibliography.html").read_text(encoding="utf-8"),
                                 "html.parser").get_text()
    assert "retitled in a test" in bibliography and "Renamed-in-a-test" in bibliography
