"""The stale-chart guard: after a CSV in data/ changes, the next build re-executes exactly the
notebooks that read it, and their charts show the change; a build with nothing changed executes
no notebook."""
import json
import re

import pytest
from bs4 import BeautifulSoup

from edition.book.freshness import is_notebook
from notebooks import append_to_cell, build, built_copy

MARK = "Edited in a test copy"


def chart_text(page) -> str:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return " ".join(json.dumps(json.loads(s.get_text())) for s in soup.select("script.plotly-json"))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return built_copy(tmp_path_factory, "stale")


def test_nothing_changed_executes_nothing(book):
    assert build(book) == []


def test_editing_a_csv_reexecutes_its_readers_and_updates_the_chart(book):
    assert MARK not in chart_text(book / "_build/html/chapters/chronology.html")
    append_to_cell(book / "data" / "happenings.csv", "title", f" ({MARK})",
                   pick=lambda row: row["happening_id"] == "ev-wt-founded")
    readers = sorted(p.stem for p in (book / "chapters").glob("*.md")  # every view of a happening reads the file
                     if is_notebook(p.read_text()) and re.search(r'load\("(events|memberships|publications)"\)', p.read_text()))
    assert build(book) == readers
    assert MARK in chart_text(book / "_build/html/chapters/chronology.html")
