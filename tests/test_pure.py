"""Unit tests of the edition's pure functions: each answer written out by hand, no book build."""
import pandas as pd
import pytest
from docutils import nodes

from edition.sphinx.book import figures
from edition.classroom.student_notebook import LEFT_OUT, SECTION_LEFT_OUT, plain_markdown
from edition.sphinx.classroom.teaching import without_solutions
from edition.sphinx.book.whoswho import when

pytestmark = pytest.mark.check
day = pd.Timestamp


# --- dates in words, never more exact than their precision ---------------------------------------
@pytest.mark.parametrize("start, end, precision, words", [
    (day("1923-05-25"), day("1923-05-25"), "day", "25 May 1923"),
    (day("1923-05-25"), day("1923-05-27"), "day", "25-27 May 1923"),
    (day("1923-05-25"), day("1923-06-02"), "day", "between 25 May 1923 and 2 June 1923"),
    (day("1923-05-01"), day("1923-05-31"), "month", "May 1923"),
    (day("1923-01-01"), day("1923-12-31"), "year", "1923"),
    (day("1923-03-01"), day("1923-09-30"), "month", "between March and September 1923"),
    (day("1922-01-01"), day("1923-12-31"), "years", "between 1922 and 1923"),
    (pd.NaT, pd.NaT, "day", ""),
])
def test_when(start, end, precision, words):
    assert when(start, end, precision) == words


# --- what a chart draws (edition/sphinx/book/figures.py) ----------------------------------------------------
def scatter(customdata, hovertemplate="kind=%{customdata[2]}<br>date=%{x}<extra></extra>", **more):
    return {"type": "scatter", "x": ["1923-05-25T00:00:00", "1927-01-01"], "customdata": customdata,
            "hovertemplate": hovertemplate, **more}


def test_marks_are_the_rows_and_paragraphs_each_mark_carries():
    fig = {"data": [scatter([["ev-a", "wg-4;note-3", "arrest"], ["ev-b;ev-c", None, "exile"]]),
                    {"type": "bar", "x": [1], "hoverinfo": "skip"}]}  # a pale date range: no rows
    assert figures.marks(fig) == [(("ev-a",), ("wg-4", "note-3")), (("ev-b", "ev-c"), ())]


def test_a_chart_drawn_without_the_contract_records_no_rows():
    # hover_data alone puts columns in customdata, and the hover shows customdata[0]
    fig = {"data": [scatter([["May 1923", "x"]], hovertemplate="from=%{customdata[0]}<br>to=%{customdata[1]}")]}
    assert figures.marks(fig) == []


def test_the_table_of_marks_shows_what_the_hover_shows():
    fig = {"data": [scatter([["ev-a", "wg-4", "arrest"], ["ev-b", "", "exile"]],
                            hovertemplate="<b>%{hovertext}</b><br>kind=%{customdata[2]}<br>date=%{x}<extra></extra>",
                            hovertext=["Arrest <i>of</i> M.", "Exile"])]}
    header, rows = figures.table(fig)
    # headings as a reader writes them; the paragraphs (links on the page) and last the row ids (CSV only)
    assert header == ["What", "Kind", "Date", "Essay paragraph", "Data rows"]
    assert rows == [["Arrest <i>of</i> M.", "arrest", "1923-05-25", "wg-4", "ev-a"],  # data stays as typed
                    ["Exile", "exile", "1927-01-01", "", "ev-b"]]


def test_the_table_leaves_out_a_line_repeating_the_paragraphs_and_names_the_sentence():
    fig = {"data": [scatter([["ev-a", "wg-4", "Recorded as “1923” by the essay (wg-4)", "wg-4"]],
                            hovertemplate="<b>%{hovertext}</b><br>=%{customdata[2]}<br>essay paragraph=%{customdata[3]}",
                            hovertext=["Arrest"])]}
    header, rows = figures.table(fig)
    assert header == ["What", "In the sources", "Essay paragraph", "Data rows"]
    assert rows == [["Arrest", "Recorded as “1923” by the essay (wg-4)", "wg-4", "ev-a"]]
    assert figures.picks(fig) == {"0": [[["What", "Arrest"], ["In the sources", "Recorded as “1923” by the essay (wg-4)"]]]}


def test_the_table_shows_numbers_plotly_wrote_as_typed_arrays():
    # plotly 6 writes a numeric column as {"dtype": "i2", "bdata": ...} in the page's JSON
    import json

    import plotly.express as px

    sizes = pd.DataFrame({"id": ["se-a", "se-b", "se-c"], "paragraph": ["wt-1", "", "wg-2"],
                          "people": [20, 400, 1_000_000], "share": [0.5, 2.0, 12.25], "what": ["core"] * 3})
    fig = px.scatter(sizes, x="share", y="people", custom_data=["id", "paragraph"], hover_data=["what"])
    drawn = json.loads(fig.to_json())
    assert isinstance(drawn["data"][0]["y"], dict), "plotly no longer writes typed arrays: drop figures.values_of?"
    header, rows = figures.table(drawn)
    assert header == ["Share", "People", "What", "Essay paragraph", "Data rows"]
    assert rows == [["0.5", "20", "core", "wt-1", "se-a"], ["2", "400", "core", "", "se-b"],
                    ["12.25", "1000000", "core", "wg-2", "se-c"]]
    assert figures.values_of({"dtype": "i1", "bdata": "AQIDBAUG", "shape": "3, 2"}) == [[1, 2], [3, 4], [5, 6]]


def test_csv_download_never_runs_a_formula():
    text = figures.csv_text(["what", "n"], [["=HYPERLINK(\"x\")", "-5"], ["@SUM(A1)", "+3"], ["plain", "4"]])
    assert text.splitlines() == ["what,n", "\"'=HYPERLINK(\"\"x\"\")\",-5", "'@SUM(A1),+3", "plain,4"]


def test_spreadsheet_safe_is_one_helper_for_every_csv():
    """edition.data.validate.spreadsheet_safe: the chart CSVs use it (their header too), and so can
    any CSV the book writes with text from elsewhere (grades.csv)."""
    from edition.data.validate import spreadsheet_safe

    assert [spreadsheet_safe(v) for v in ["=1+1", "+cmd|x", "-x", "@SUM(A1)", "\tx", "\uff1d1", "-5", "+3.5", "plain", ""]] == \
        ["'=1+1", "'+cmd|x", "'-x", "'@SUM(A1)", "'\tx", "'\uff1d1", "-5", "+3.5", "plain", ""]
    assert figures.csv_text(["=name", "n"], [["x", "1"]]).splitlines()[0] == "'=name,n"


# --- A DataFrame in print: pandas' HTML table as a real table ---------------------------------------
def test_a_dataframe_prints_as_a_table_with_its_cells():
    import pandas as pd

    from edition.sphinx.print.typst import DataFrameTables, _DataFrameHTML

    frame = pd.DataFrame({"kind": ["arrest", "<b>exile</b>"], "n": [3, 12]})
    parsed = _DataFrameHTML()
    parsed.feed(frame.to_html() + "<p>2 rows × 2 columns</p>")
    box = DataFrameTables._table(parsed)
    table = box.next_node(nodes.table)
    rows = [[entry.astext() for entry in row.children] for row in table.findall(nodes.row)]
    assert rows == [["", "kind", "n"], ["0", "arrest", "3"], ["1", "<b>exile</b>", "12"]]  # a cell's markup is text
    assert isinstance(next(table.findall(nodes.row)).parent, nodes.thead)
    assert box.astext().endswith("2 rows × 2 columns")


# --- MyST to the Markdown that plain Jupyter renders -----------------------------------------------
def test_plain_markdown_turns_directives_into_markdown_and_drops_solutions():
    text = "```{exercise} Change a filter\n:label: chronology-ex-2\n\nDo it.\n```\n\n```{solution} chronology-ex-2\nDone.\n```\n"
    assert plain_markdown(text) == "**Exercise 2 (Change a filter)**\n\nDo it."  # named as the book names it
    assert plain_markdown(text.replace("chronology-ex-2", "ex-1")) == "**Exercise (Change a filter)**\n\nDo it."


def test_without_solutions_leaves_the_exercise_and_its_check_and_says_where_the_solution_is():
    """The students' edition's copy of a page's source (make book SOLUTIONS=omit)."""
    exercise = "```{exercise} Read\n:label: ex-1\n\nDo it.\n```\n\n```{code-cell} ipython3\n:tags: [check-answer]\n\ncheck(\"ex-1\")\n```\n\n"
    gated = ("```{solution-start} ex-1\n```\n\nCount them:\n\n```{code-cell} ipython3\nanswer = 42\n```\n\n"
             "Marking notes.\n\n```{solution-end}\n```\n")
    after = "\n## Next\n"
    assert without_solutions(exercise + gated + after) == exercise + LEFT_OUT + after
    assert without_solutions(exercise + "````{solution} ex-1\nanswer = 42\n````\n" + after) == exercise + LEFT_OUT + after
    assert "teacher's edition" in LEFT_OUT


@pytest.mark.parametrize("page, kept", [
    ("# A\n\n{.teachers-only}\n## Answers\nsecret\n```\n# a comment, no heading\n```\n### Sub\nsecret\n## Next\nx\n",
     "# A\n\nSAID\n## Next\nx\n"),
    ("{.teachers-only}\n## Answers\n:::{note}\n# inside a colon fence\n:::\nsecret\n", "SAID"),
    ("a\r\n\r\n{.teachers-only}\r\n## Answers\r\nsecret\r\n# Top\r\n", "a\r\n\r\nSAID\n# Top\r\n"),
    ("a\n{.teachers-only}\n## Answers\nshown\n", None),  # a paragraph's last line, no mark: MyST shows the section, so do we
])
def test_without_solutions_leaves_out_a_teachers_only_section_as_myst_reads_it(page, kept):
    said = f"**{SECTION_LEFT_OUT[0]}**{SECTION_LEFT_OUT[1]}\n"
    assert without_solutions(page) == (page if kept is None else kept.replace("SAID", said))


def test_the_solutions_modes(monkeypatch):
    from edition.sphinx.classroom import teaching

    monkeypatch.delenv("EDITION_SOLUTIONS", raising=False)
    config = type("C", (), {"edition_solutions": "omit"})()
    teaching._solutions_mode(None, config)
    assert config.edition_solutions == "omit"
    with pytest.raises(ValueError, match="omit"):
        teaching._solutions_mode(None, type("C", (), {"edition_solutions": "none"})())


def test_plain_markdown_keeps_the_words_of_roles():
    assert plain_markdown("See {term}`NEP` and {ref}`the note <note-3>`.") == "See NEP and the note."


def test_a_blank_label_for_the_colour_group_is_called_group():
    fig = {"data": [scatter([["ev-a", "wg-4"]], hovertemplate="=arrest<br>date=%{x}", name="arrest", x=["1923-05-25"])]}
    header, rows = figures.table(fig)
    assert header == ["Group", "Date", "Essay paragraph", "Data rows"] and rows == [["arrest", "1923-05-25", "wg-4", "ev-a"]]
