"""Pure functions of the build, tested alone (fast tier: no book build)."""

import pytest

from edition import readlog
from edition.sphinx.book.freshness import failed_cell, is_fresh, last_error_line
from edition.sphinx.book.plotly_outputs import plain_text

pytestmark = pytest.mark.check


def test_chart_data_is_shown_as_text_but_templates_keep_their_markup():
    trace = {"x": ["<b>bold</b> & co", 1923], "customdata": [["wg-4", "<a href='javascript:x'>"]],
             "hovertemplate": "<b>%{x}</b><br>%{customdata[0]}", "marker": {"color": "<red>"}}
    shown = plain_text(trace)
    assert shown["x"] == ["&lt;b&gt;bold&lt;/b&gt; &amp; co", 1923]
    assert shown["customdata"] == [["wg-4", "&lt;a href='javascript:x'&gt;"]]
    assert shown["hovertemplate"] == trace["hovertemplate"]  # written by the notebook, not the data
    assert shown["marker"] == trace["marker"]


def test_read_log_keeps_the_first_hash_of_each_file(tmp_path):
    log = tmp_path / "reads.txt"
    log.write_text("# reads\nabc data/events.csv\ndef chapters/x.md\nzzz data/events.csv\n", encoding="utf-8")
    assert readlog.read_log(log) == {"data/events.csv": "abc", "chapters/x.md": "def"}
    assert readlog.read_log(tmp_path / "none.txt") is None


def test_only_the_books_own_inputs_are_recorded():
    assert readlog.inside_book(readlog.ROOT / "data" / "events.csv") == "data/events.csv"
    for ignored in ("_build/html/index.html", ".venv/bin/python", "edition/data/__init__.py"):
        assert readlog.inside_book(readlog.ROOT / ignored) is None
    assert readlog.inside_book(readlog.ROOT.parent / "elsewhere.csv") is None


def test_a_record_is_fresh_only_while_every_input_and_the_package_are_unchanged():
    events = "data/events.csv"
    now = readlog.digest(readlog.ROOT / events)
    assert is_fresh({"package": "p1", "reads": {events: now}}, "p1")
    assert not is_fresh({"package": "p1", "reads": {events: now}}, "p2")
    assert not is_fresh({"package": "p1", "reads": {events: "old"}}, "p1")
    assert not is_fresh({"package": "p1", "reads": {"data/gone.csv": "x"}}, "p1")
    assert not is_fresh(None, "p1")


def test_a_failed_cell_is_named_by_number_and_first_line(tmp_path):
    notebook = tmp_path / "nb.md"
    notebook.write_text("---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
                        "    format_version: 0.13\nkernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n# T\n\n```{code-cell} ipython3\nx = 1\n```\n\n"
                        "```{code-cell} ipython3\ny = x[\"a\"]\nprint(y)\n```\n", encoding="utf-8")
    traceback = ("An error occurred while executing the following cell:\n------------------\ny = x[\"a\"]\nprint(y)\n"
                 "------------------\n\n\x1b[0;31mTypeError\x1b[0m: 'int' object is not subscriptable\n")
    assert failed_cell(notebook, traceback) == "code cell 2 ('y = x[\"a\"]')"
    assert last_error_line(traceback) == "TypeError: 'int' object is not subscriptable"
    assert failed_cell(notebook, "something else") == "a code cell"


def test_a_chapter_caught_mid_save_counts_as_changed_and_stops_nothing(tmp_path, monkeypatch):
    """An editor's save truncates the file before writing it: a build (or `make watch`) that reads
    the essay's digest in that moment once raised StopIteration out of the freshness check and
    failed; it must count as changed instead."""
    from edition import essay

    key = "python:edition.essay:paragraphs_digest"
    before = readlog.current(key)
    for chapter in essay.ESSAY:
        (tmp_path / f"{chapter}.md").write_text("", encoding="utf-8")
    monkeypatch.setattr(essay, "CHAPTERS", tmp_path)
    assert essay.paragraphs_digest() != before  # an empty chapter reads as no paragraphs, no error
    (tmp_path / "closing.md").unlink()
    assert readlog.current(key) == "unknown"
    assert not is_fresh({"package": "p1", "reads": {key: before}}, "p1")


def test_the_chapter_parser_finds_what_the_files_say():
    """edition.essay is the one reader of the chapter files (labels, quotations, notes, titles).
    This test reads the files its own way (a plain scan of the lines) and compares."""
    import re

    from edition import essay

    for chapter in essay.read():
        lines = (readlog.ROOT / "chapters" / f"{chapter.name}.md").read_text(encoding="utf-8").splitlines()
        at = {i: m.group(1) for i, ln in enumerate(lines) if (m := re.match(r"^>? ?\(((?:cr|wt|wg|lo|end)-\d+)\)=$", ln))}
        assert [p.label for p in chapter.paragraphs] == list(at.values()) and at, chapter.name
        quoted = [label for i, label in at.items() if lines[i + 1].startswith("> ")]
        assert [p.label for p in chapter.paragraphs if p.quotation] == quoted, chapter.name
        assert [n.number for n in chapter.notes] == [ln[2:ln.index("]")] for ln in lines if ln.startswith("[^")
                                                       and "]:" in ln], chapter.name
        assert chapter.title == next(ln[2:] for ln in lines if ln.startswith("# "))
    words = essay.texts()
    assert words["wt-4"].endswith("(Quoted in E.H. Carr, The Interregnum.)")  # a quotation keeps its attribution
    assert "{term}" not in " ".join(words.values()) and "Miasnikov had this to say" in words["note-5"]


@pytest.mark.parametrize("cut", ["empty", "after a label line", "inside a character", "half"])
def test_every_reader_of_a_chapter_caught_mid_save_goes_on(tmp_path, cut):
    """A chapter read while an editor saves it (truncated, then written) gives what it holds to
    every reader (the notebooks' table, the validator, the who's who, the figures' note links),
    never an exception; only a chapter that is not there raises, and the validator skips it."""
    from importlib import import_module

    from edition import essay
    from edition.sphinx.book import figures, whoswho

    validate = import_module("edition.data.validate")
    source = (readlog.ROOT / "chapters" / "workers-group.md").read_bytes()
    for chapter in essay.ESSAY:
        (tmp_path / f"{chapter}.md").write_bytes((readlog.ROOT / "chapters" / f"{chapter}.md").read_bytes())
    at = {"empty": 0, "after a label line": source.index(b"(wg-3)=\n") + 8,
          "inside a character": source.index("’".encode()) + 1, "half": len(source) // 2}[cut]
    (tmp_path / "workers-group.md").write_bytes(source[:at])
    whole = essay.texts(readlog.ROOT / "chapters")
    found = essay.texts(tmp_path)
    assert set(found) <= set(whole) and "cr-1" in found and "note-5" not in found
    assert essay.paragraphs(tmp_path)["label"].is_unique and essay.paragraphs_digest(tmp_path)
    assert validate.paragraph_labels(tmp_path) == set(found)
    assert all(label in found for _, label in whoswho.mentions(["Miasnikov", "Lenin"], tmp_path))
    assert "note-5" not in figures.note_docs(tmp_path)
    (tmp_path / "workers-group.md").unlink()
    with pytest.raises(OSError):
        essay.texts(tmp_path)
    assert validate.paragraph_labels(tmp_path) == {k for k in whole if not k.startswith(("wg-", "note-2", "note-3", "note-4", "note-5"))}


def test_the_essays_facts_come_from_its_row_in_the_data(tmp_path):
    """Title pages, the EPUB's cover, the notebooks' introduction and the citations name the essay's
    author, publisher and French edition as data/sources.csv's row `essay` gives them."""
    import shutil

    from edition.data import essay_facts

    facts = essay_facts(readlog.ROOT / "data")
    assert (facts["author"], facts["publisher"], facts["periodical"]) == ("C. D. Ward", "International Communist Current",
                                                                        "International Review")
    assert facts["first_published"] == ("first published by the International Communist Current in its International "
                                        "Review (in French in Revue Internationale no. 9; the copy this edition follows "
                                        "gives no date)")
    shutil.copytree(readlog.ROOT / "data", tmp_path / "data")
    shutil.copytree(readlog.ROOT / "chapters", tmp_path / "chapters")
    sources = tmp_path / "data" / "sources.csv"
    sources.write_text(sources.read_text(encoding="utf-8").replace(
        "essay,essay,C. D. Ward,The Communist Left in Russia 1918-1930 Part 2,International Communist Current; French "
        "edition in Revue Internationale no. 9,,", "essay,essay,A. N. Other,Another Title,Some Publisher,1977,"), encoding="utf-8")
    other = essay_facts(tmp_path / "data")
    assert (other["author"], other["title"], other["publisher"]) == ("A. N. Other", "Another Title", "Some Publisher")
    assert other["first_published"] == "first published by the Some Publisher in its International Review (1977)"
