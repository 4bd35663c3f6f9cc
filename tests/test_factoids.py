"""The factoid model: disputes and uncertainty derived from the attestations, the validator's
word-for-word rule, per-year counts that count happenings, and one colour per category in every
figure the notebooks draw (the notebooks' code cells run here, without a book build)."""
import re
import shutil

import plotly.graph_objects as go
import pytest

from edition import charts
from edition.data import DATA_DIR, load
from edition.data.claims import disagreements, uncertain
from edition.data.validate import validate

pytestmark = pytest.mark.check
CHAPTERS = DATA_DIR.parent / "chapters"
NOTEBOOKS = ["chronology", "repression", "membership", "publications"]


def said(start, end, **more):
    return dict(date_start=start, date_end=end, until_start="", until_end="", low="", high="", place="",
                hedge="") | more


def test_disagreeing_dates_make_a_dispute_overlapping_ranges_do_not():
    assert disagreements([said("1928-01-17", "1928-01-17"), said("1928-01-18", "1928-01-18")])
    assert not disagreements([said("1923-01-01", "1923-12-31"), said("1923-05-25", "1923-05-25")])
    assert not disagreements([said("1923-05-25", "1923-05-25")])


def test_numbers_and_places_of_death_disagree_places_of_events_may_not():
    assert disagreements([said("", "", low="30", high="30"), said("", "", low="52", high="52")])
    assert not disagreements([said("", "", high="200"), said("", "", low="150", high="150")])
    assert disagreements([said("", "", place="Moscow"), said("", "", place="Verkhneuralsk")], "death")
    assert not disagreements([said("", "", place="Russia"), said("", "", place="Moscow")], "event")


def test_a_hedge_makes_a_happening_uncertain():
    assert uncertain([said("1928-01-01", "1928-12-31", hedge="appeared")])
    assert not uncertain([said("1928-01-01", "1928-12-31")])


def test_views_derive_disputed_from_the_attestations():
    attestations = load("attestations")
    events = load("events").set_index("event_id")
    for event_id, row in events.iterrows():
        own = attestations[attestations["happening_id"] == event_id]
        assert row["attestations"] == len(own)
        assert row["date_start"] == own["date_start"].min() or own["date_start"].isna().all()
        assert row["date_end"] == own["date_end"].max() or own["date_end"].isna().all()
        disjoint = own["date_start"].max() > own["date_end"].min()
        if disjoint:
            assert row["disputed"], event_id
    # disagreements the audit found are disputed now: derived, with the editors' words
    for event_id, dispute in (("ev-trotsky-alma-ata", "trotsky-alma-ata"), ("ev-exile-1928", "exile-1928-figures"),
                              ("ev-wt-arrests-1923-09-08", "bogdanov-arrest")):
        assert events.loc[event_id, "disputed"] and events.loc[event_id, "dispute_id"] == dispute
    people = load("people").set_index("person_id")
    assert people.loc["sapronov", "died_disputed"] and "Verkhneuralsk" in people.loc["sapronov", "died_place"]
    assert not events.loc["ev-lo-ciliga-arrest", "disputed"]  # every source read says May 1930


def test_one_happening_per_thing_that_happened_in_1923():
    events = load("events")
    in_1923 = events[(events["date_start"].dt.year == 1923) & (events["date_end"].dt.year == 1923)]
    assert in_1923["event_id"].is_unique
    for merged in ("ev-12th-congress", "ev-curzon-ultimatum", "ev-miasnikov-arrest-1923-05", "ev-wg-arrests-1923-09"):
        assert merged in set(in_1923["event_id"])
        assert events.set_index("event_id").loc[merged, "attestations"] >= 2


def copy_of_data(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    shutil.copytree(CHAPTERS, tmp_path / "chapters")
    return tmp_path / "data"


def problems_after(tmp_path, table: str, old: str, new: str, count: int = -1) -> list[str]:
    """The validator's lines for a copy of the data in which `old`, which must be in `table`.csv,
    became `new` (`count` times, or everywhere)."""
    data = copy_of_data(tmp_path)
    path = data / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return [str(p) for p in validate(data)]


def test_validator_refuses_an_essay_locator_not_in_its_paragraph(tmp_path):
    found = problems_after(tmp_path, "attestations", "after-shocks like Germany and Bulgaria in 1923",
                           "after-shocks like Germany and Hungary in 1923", 1)
    assert len(found) == 1
    assert re.search(r"data/attestations\.csv, row \d+, column locator: .* is not word for word in paragraph cr-1", found[0])


def test_validator_refuses_a_description_locator_not_in_its_paragraph(tmp_path):
    found = problems_after(tmp_path, "people", "(Ciliga himself was one)", "(Ciliga was one)")
    assert len(found) == 1 and "people.csv, row " in found[0] and "column locator" in found[0]
    assert "is not word for word in paragraph lo-6;lo-10" in found[0]


def test_an_essay_hedge_must_be_the_essays_word(tmp_path):
    found = problems_after(tmp_path, "attestations", ",season,summer 1923,,,,,,,seems,",
                           ",season,summer 1923,,,,,,,probably,")
    assert len(found) == 1 and "column hedge: 'probably' is not in the locator" in found[0]


def test_validator_asks_for_the_editors_words_on_a_derived_dispute(tmp_path):
    found = problems_after(tmp_path, "happenings", ",trotsky-alma-ata,false", ",,false")
    assert len(found) == 1
    assert "column dispute_id" in found[0] and "disagree on dates (1928-01-17, 1928-01-18)" in found[0]


def test_validator_refuses_a_happening_no_source_attests(tmp_path):
    data = copy_of_data(tmp_path)
    path = data / "happenings.csv"
    path.write_text(path.read_text(encoding="utf-8") + "ev-unsourced,event,other,context,Nothing,,,,,,,,,false\n",
                    encoding="utf-8")
    found = [str(p) for p in validate(data)]
    assert [f.split("data/", 1)[1] for f in found] == [f"happenings.csv, row {len(load('happenings')) + 2}, column happening_id: 'ev-unsourced' has no "
                     "attestation (add a row to attestations.csv naming a source that states it, or delete this row)"]


# ---- the figures the notebooks draw ---------------------------------------------------------------

def figures(name):
    """Run a notebook's code cells (as the build would) and return its figures by name."""
    text = (CHAPTERS / f"{name}.md").read_text(encoding="utf-8")
    drawn, namespace = {}, {}
    show = go.Figure.show
    try:
        for cell in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, re.S):
            figure = re.search(r"^\s+name: (fig-[\w-]+)", cell, re.M)
            if re.match(r"\A:tags:.*skip-execution", cell):
                continue  # as the build: a "Check your answer" cell runs only in a student's notebook
            code = re.sub(r"\A---\n.*?\n---\n", "", cell, flags=re.S)
            code = re.sub(r"\A(?::[\w-]+:[^\n]*\n)+", "", code)  # short-form cell options (:tags:)
            go.Figure.show = lambda fig, *a, **k: drawn.__setitem__(figure.group(1) if figure else len(drawn), fig)
            exec(compile(code, f"{name}.md", "exec"), namespace)
    finally:
        go.Figure.show = show
    return {k: v for k, v in drawn.items() if isinstance(k, str)}


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    import os
    here = os.getcwd()
    os.chdir(CHAPTERS)
    try:
        return {name: fig for notebook in NOTEBOOKS for name, fig in figures(notebook).items()}
    finally:
        os.chdir(here)


def legend(fig):
    """(category, colour, pattern) of each coloured trace (the date bars and rings carry no legend).
    A trace that is also patterned is named "category, pattern" by plotly: the category is the
    longest start of the name that the book's mapping knows."""
    known = sorted(charts.colours(), key=len, reverse=True)
    found = []
    for trace in fig.data:
        if not trace.showlegend and trace.showlegend is not None:
            continue
        colour = trace.marker.color if isinstance(trace.marker.color, str) else None
        pattern = getattr(getattr(trace.marker, "pattern", None), "shape", None) or ""
        if colour and trace.name:
            name = next((k for k in known if trace.name == k or trace.name.startswith(k + ", ")), trace.name)
            found.append((name, colour.upper(), pattern))
    return found


def test_every_category_has_one_colour_in_every_chart(drawn):
    assert len(drawn) >= 15
    seen = {}
    for figure, fig in drawn.items():
        for name, colour, _ in legend(fig):
            seen.setdefault(name, {})[colour] = figure
    two = {name: colours for name, colours in seen.items() if len(colours) > 1 and name != "date disputed"}
    assert not two, two
    book = {k: v.upper() for k, v in charts.colours().items()}
    for name, colours in seen.items():
        if name in book:
            assert set(colours) == {book[name]}, name


def test_no_colour_has_two_meanings_in_one_chart(drawn):
    for figure, fig in drawn.items():
        meanings = {}
        for name, colour, pattern in legend(fig):
            meanings.setdefault((colour, pattern), set()).add(name)
        assert all(len(names) == 1 for names in meanings.values()), (figure, meanings)


def test_every_figure_carries_row_ids_and_paragraphs(drawn):
    ids = set(load("consensus")["happening_id"]) | set(load("size_estimates")["estimate_id"]) | set(load("quotations")["quote_id"])
    for figure, fig in drawn.items():
        marks = [t for t in fig.data if t.customdata is not None]
        assert marks, figure
        for trace in marks:
            for row in trace.customdata:
                assert set(str(row[0]).split(";")) <= ids, (figure, row[0])
                assert isinstance(row[1], str), (figure, row[1])


def test_a_years_bar_counts_the_happenings_of_that_year(drawn):
    events = load("events")
    period = events.dropna(subset=["date_start"])
    period = period[~period["outside_period"]]
    single = period[period["date_start"].dt.year == period["date_end"].dt.year]
    fig = drawn["fig-chronology-ex-per-year"]
    for year in (1921, 1923, 1928):
        bars = sum(int(y) for t in fig.data for x, y in zip(t.x, t.y) if int(x) == year)
        assert bars == (single["date_start"].dt.year == year).sum(), year
        ids = {i for t in fig.data for x, row in zip(t.x, t.customdata) if int(x) == year for i in row[0].split(";")}
        assert ids == set(single.loc[single["date_start"].dt.year == year, "event_id"])
