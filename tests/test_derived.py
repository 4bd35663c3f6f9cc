"""The build's bookkeeping for speed: derived files rewritten only when their inputs changed and
atomically (edition/derived.py), and a publish that links the last book's unchanged files instead
of copying them, without ever letting a later build write into the published book."""
from __future__ import annotations

import os

import pytest

from edition.build import _lay_out
from edition.derived import Record, fingerprint, refresh, write_atomic

pytestmark = pytest.mark.check


def test_fingerprint_follows_content_not_time(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("x\n1\n")
    before = fingerprint(f, "v1")
    os.utime(f, (0, 0))
    assert fingerprint(f, "v1") == before
    f.write_text("x\n2\n")
    assert fingerprint(f, "v1") != before
    assert fingerprint(f, "v2") != fingerprint(f, "v1")
    assert fingerprint(tmp_path / "gone.csv") != fingerprint(f)


def test_refresh_makes_nothing_until_an_input_changes(tmp_path):
    target, record, made = tmp_path / "out" / "nb.ipynb", Record(tmp_path / "record.json"), []

    def make(text):
        return lambda: made.append(text) or text.encode()

    assert refresh(target, "in-1", make("one"), record) and target.read_text() == "one"
    record.save()
    stamp = target.stat().st_mtime_ns
    record = Record(tmp_path / "record.json")  # as the next build reads it
    assert not refresh(target, "in-1", make("one"), record)
    assert made == ["one"] and target.stat().st_mtime_ns == stamp
    assert refresh(target, "in-2", make("two"), record) and target.read_text() == "two"
    assert made == ["one", "two"]
    assert [p.name for p in target.parent.iterdir()] == ["nb.ipynb"]  # no temporary file left


def test_refresh_remakes_a_target_changed_or_removed_behind_its_back(tmp_path):
    target, record = tmp_path / "refs.bib", Record(tmp_path / "record.json")
    refresh(target, "in", lambda: b"made", record)
    target.write_text("edited by hand")
    assert refresh(target, "in", lambda: b"made", record) and target.read_bytes() == b"made"
    target.unlink()
    assert refresh(target, "in", lambda: b"made", record) and target.read_bytes() == b"made"


def test_same_content_is_not_written_again(tmp_path):
    target = tmp_path / "references.bib"
    assert write_atomic(target, b"@misc{a}\n")
    os.utime(target, ns=(1, 1))
    assert not write_atomic(target, b"@misc{a}\n") and target.stat().st_mtime_ns == 1
    assert write_atomic(target, b"@misc{b}\n") and target.read_bytes() == b"@misc{b}\n"


def test_publish_links_unchanged_files_and_never_shares_a_file_the_stage_rewrites(tmp_path):
    stage, published = tmp_path / "stage", tmp_path / "html"
    (stage / "_static").mkdir(parents=True)
    (stage / "_static" / "plotly.min.js").write_text("big library")
    (stage / "page.html").write_text("page 1")
    _lay_out(stage, published, tmp_path / "nothing-yet")
    assert (published / "page.html").read_text() == "page 1"
    assert (published / "page.html").stat().st_ino != (stage / "page.html").stat().st_ino  # a copy, never the stage's file

    # The next build rewrites one page in the stage (in place, as Sphinx does) and keeps the library.
    (stage / "page.html").write_text("page 2")
    assert (published / "page.html").read_text() == "page 1"
    new = tmp_path / "html.new"
    _lay_out(stage, new, published)
    assert (new / "page.html").read_text() == "page 2"
    library = new / "_static" / "plotly.min.js"
    assert library.stat().st_ino == (published / "_static" / "plotly.min.js").stat().st_ino  # linked, not copied
    assert (published / "page.html").read_text() == "page 1"  # the published book untouched meanwhile
