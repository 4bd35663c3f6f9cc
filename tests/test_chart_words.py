"""The charts' words and the map's outlines, without a build (issue 25, items 1 and 8)."""
import csv
import json

import pandas as pd
import pytest

from edition import charts, maps
from fidelity import ROOT

pytestmark = pytest.mark.check
T = pd.Timestamp


@pytest.mark.parametrize("start, end, words", [
    ("1928-11-07", "1928-11-07", "7 November 1928"),
    ("1923-03-01", "1923-03-31", "March 1923"),
    ("1927-01-01", "1927-12-31", "1927"),
    ("1918-01-01", "1921-12-31", "1918 to 1921"),
    ("1921-09-01", "1921-11-30", "September to November 1921"),
    ("1927-12-01", "1928-02-29", "December 1927 to February 1928"),
    ("1923-09-08", "1923-10-03", "8 September to 3 October 1923"),
    ("1921-03-08", "1921-03-16", "8 to 16 March 1921"),
    ("1944-12-18", "1945-01-05", "18 December 1944 to 5 January 1945"),
])
def test_when_says_a_range_no_more_exactly_than_it_is(start, end, words):
    assert charts.when(T(start), T(end)) == words


def test_when_and_how_many_never_say_nan():
    assert charts.when(pd.NaT, T("1923-01-01")) == "undated"
    assert [charts.how_many(*p) for p in [(28, 28), (400, 500), (pd.NA, 200), (40, None), (None, None)]] == \
        ["28", "400 to 500", "up to 200", "at least 40", ""]


def test_recorded_is_a_sentence_with_the_dispute_named():
    disputes = {r["dispute_id"]: r["topic"] for r in csv.DictReader((ROOT / "data" / "disputes.csv").open(encoding="utf-8"))}
    dispute = next(iter(disputes))
    frame = pd.DataFrame([
        {"date_text": "March 1923", "source_ids": "essay", "paragraph": "wg-4", "dispute_id": dispute},
        {"date_text": None, "source_ids": "editors", "paragraph": "", "dispute_id": None},
        {"date_text": "1927 / 7 November 1928", "source_ids": "essay", "paragraph": "note-3", "dispute_id": None,
         "version": "editors", "version_text": "7 November 1928"},
    ])
    said = charts.recorded(frame).tolist()
    assert said[0] == f"Recorded as “March 1923” by the essay (wg-4); the sources disagree, see the editor's note “{disputes[dispute]}”"
    assert said[1] == "Recorded undated by the editors"
    assert said[2] == "Recorded as “7 November 1928” by the editors; in the essay at note-3"  # the version's own words
    assert not any("nan" in s.lower().split() or "None" in s for s in said)


def test_every_drawn_row_of_the_data_gets_a_sentence_without_nan():
    from edition.data import load

    drawn = charts.agreed_dates(load("events"), "event_id")
    said = charts.recorded(drawn)
    assert len(said) == len(drawn) and said.str.startswith("Recorded").all()
    assert not said.str.contains(r"\bnan\b|\bNaT\b|<NA>|None", regex=True).any()


def test_the_map_outlines_cover_every_place_the_map_can_draw():
    """The coastlines reach past every place of data/places.csv with coordinates (the old file stopped
    at about 55 E), and the file names its source and the tool that made it."""
    outline = json.loads(maps.COASTLINE.read_text(encoding="utf-8"))
    assert "world-atlas" in outline["source"] and "tools/coastline.py" in outline["source"]
    lons = [p[0] for line in outline["lines"] for p in line]
    places = [r for r in csv.DictReader((ROOT / "data" / "places.csv").open(encoding="utf-8")) if r["longitude"]]
    assert places
    assert max(lons) >= max(float(r["longitude"]) for r in places) + 5
    assert min(lons) <= min(float(r["longitude"]) for r in places) - 5
    # every degree of longitude from the westernmost place to the easternmost has some outline near it
    east = int(max(float(r["longitude"]) for r in places)) + 1
    covered = {int(x) for x in lons}
    assert not [x for x in range(0, east) if not covered & {x - 2, x - 1, x, x + 1, x + 2}]


def test_place_names_never_share_a_spot():
    import plotly.express as px

    frame = pd.DataFrame({"place": ["Moscow", "Moscow", "Gorki", "Perm", "Erivan (Yerevan)", "Yerevan"],
                          "longitude": [37.6, 37.6, 37.77, 56.2, 44.5, 44.5],
                          "latitude": [55.75, 55.75, 55.5, 58.0, 40.2, 40.2]})
    fig = maps.name_places(px.scatter(frame, x="longitude", y="latitude"), frame)
    names = list(fig.data[-1].text)
    assert names[0] == "Moscow" and "Gorki" not in names and "Perm" in names
    assert len({"Erivan (Yerevan)", "Yerevan"} & set(names)) == 1
