"""What the rows claim (edition/data/claims.py): one row per happening, over the real data and over
small broken copies, each of which gets exactly one line naming file, row, column and what to do."""
import csv
import datetime as dt
import functools
import shutil
from pathlib import Path

import pytest

from edition.data import DATA_DIR, load
from edition.data.claims import duplicates, interval
from edition.data.validate import read_descriptor, descriptor_resources, read_table, validate

pytestmark = pytest.mark.check
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def copy(tmp_path, monkeypatch):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    shutil.copytree(REPO / "chapters", tmp_path / "chapters")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


def rows(data, table):
    with open(data / f"{table}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write(data, table, records):
    with open(data / f"{table}.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=records[0].keys(), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def add_happening(data, like: str, new_id: str, **changes) -> int:
    """A copy of happening `like` (and of its first attestation, under a new id) as `new_id`; its row number."""
    happenings = rows(data, "happenings")
    happenings.append(dict(next(h for h in happenings if h["happening_id"] == like), happening_id=new_id, **changes))
    write(data, "happenings", happenings)
    attestations = rows(data, "attestations")
    first = next(a for a in attestations if a["happening_id"] == like)
    attestations.append(dict(first, attestation_id=f"at-{new_id}", happening_id=new_id,
                             locator=first["locator"] if first["source_id"] == "essay" else first["locator"] + " (copy)"))
    write(data, "attestations", attestations)
    return len(happenings) + 1


def tables_of(data):
    descriptor, _ = read_descriptor(data)
    resources, _ = descriptor_resources(descriptor, data)
    return {r.name: read_table(r, data)[0] for r in resources}


def test_the_real_data_has_one_row_per_happening_and_every_distinction_is_needed():
    assert not [p for p in validate(DATA_DIR) if "same happening" in str(p) or "same statement" in str(p)]
    tables = tables_of(DATA_DIR)
    found = {frozenset(pair[:2]) for pair in duplicates(tables["happenings"].rows, tables["attestations"].rows)}
    for distinction in load("distinctions").itertuples():
        assert frozenset((distinction.happening_id, distinction.distinct_from)) in found, distinction.distinction_id
        assert len(distinction.reason) > 40


def test_the_merged_happenings_are_gone_and_their_statements_kept():
    ids = set(load("happenings")["happening_id"])
    for gone in ("died-miasnikov", "died-sapronov", "ev-fate-piatakov-shot", "ev-lo-declaration-46", "ev-wt-repression",
                 "ev-wg-arrests", "ev-wg-foreign-bureau", "ev-wg-curzon-defence", "died-lenin"):
        assert gone not in ids
    attestations = load("attestations").set_index("attestation_id")
    assert attestations.loc["at-ev-essay-wt-repression", "happening_id"] == "ev-wt-arrests-1923-09-08"
    assert attestations.loc["at-wg-curzon-defence", "happening_id"] == "ev-wg-oath"
    people = load("people").set_index("person_id")  # a death drawn as an execution is still the person's death
    assert people.loc["miasnikov", "died_start"].year == 1945 and people.loc["miasnikov", "died_disputed"]
    assert people.loc["sapronov", "died_disputed"] and "Verkhneuralsk" in people.loc["sapronov", "died_place"]
    assert people.loc["lenin", "died_start"].isoformat().startswith("1924-01-21")


def test_a_death_and_an_execution_of_one_person(copy):
    row = add_happening(copy, "ev-miasnikov-shot", "died-miasnikov-again", type="death", kind="", category="")
    found = [str(p) for p in validate(copy)]
    assert found == [f"data/happenings.csv, row {row}, column happening_id: 'died-miasnikov-again' looks like the same "
                     "happening as 'ev-miasnikov-shot' (row 79): a person dies once: both are the death of miasnikov. "
                     "Merge them (point 'died-miasnikov-again''s attestations in attestations.csv at 'ev-miasnikov-shot', "
                     "then delete this row), or, if they are two happenings, add the row 'ev-miasnikov-shot-vs-died-miasnikov-"
                     "again,ev-miasnikov-shot,died-miasnikov-again,<why they are two>' to distinctions.csv"]


def test_same_kind_same_person_overlapping_dates(copy):
    row = add_happening(copy, "ev-lo-ciliga-arrest", "ev-ciliga-arrest-again")
    found = [str(p) for p in validate(copy)]
    assert len(found) == 1 and found[0].startswith(f"data/happenings.csv, row {row}, column happening_id: "
                                                   "'ev-ciliga-arrest-again' looks like the same happening as "
                                                   "'ev-lo-ciliga-arrest'")
    assert "both are events of kind 'arrest' about ciliga" in found[0]


def test_same_publication_twice(copy):
    row = add_happening(copy, "pub-wg-appeal-1924", "pub-wg-appeal-again", periodical_id="")
    found = [str(p) for p in validate(copy)]
    assert len(found) == 1 and f"row {row}, column happening_id: 'pub-wg-appeal-again'" in found[0]
    assert "both are the appeal 'An Appeal to the Communist International" in found[0]


def test_the_same_statement_twice(copy):
    attestations = rows(copy, "attestations")
    attestations.append(dict(attestations[5], attestation_id="at-twice"))
    write(copy, "attestations", attestations)
    found = [str(p) for p in validate(copy)]
    assert len(found) == 1, found
    assert found[0].startswith(f"data/attestations.csv, row {len(attestations) + 1}, column locator: ")
    assert found[0].endswith("is the same statement as row 7 (same happening, source and words): keep one row (move "
                             "what this row adds, a place, a note, into row 7) and delete this one")


def test_a_distinction_with_a_reason_answers_the_rule(copy):
    add_happening(copy, "ev-lo-ciliga-arrest", "ev-ciliga-arrest-again")
    distinctions = rows(copy, "distinctions")
    distinctions.append(dict(distinction_id="ev-lo-ciliga-arrest-vs-ev-ciliga-arrest-again",
                             happening_id="ev-lo-ciliga-arrest", distinct_from="ev-ciliga-arrest-again",
                             reason="A test: two arrests of the same month."))
    write(copy, "distinctions", distinctions)
    assert validate(copy) == []
    distinctions[-1]["reason"] = ""
    write(copy, "distinctions", distinctions)
    found = [str(p) for p in validate(copy)]
    assert len(found) == 1 and "distinctions.csv" in found[0] and "column reason" in found[0] and "required" in found[0]


def test_attested_interval():
    assert interval([{"date_start": "1923-01-01", "date_end": "1923-12-31"},
                     {"date_start": "1923-09-08", "date_end": "1923-09-18"}, {"date_start": "", "date_end": ""}]) \
        == (dt.date(1923, 1, 1), dt.date(1923, 12, 31))
    assert interval([{"date_start": "", "date_end": ""}]) is None


# ---- every drawn mark lies inside its happening's attested interval ------------------------------

def attested_intervals() -> dict[str, tuple[dt.date, dt.date]]:
    """From the CSVs alone (no loader): each happening's earliest date_start and latest date_end."""
    with open(DATA_DIR / "attestations.csv", encoding="utf-8", newline="") as f:
        said: dict[str, list[dict]] = {}
        for row in csv.DictReader(f):
            said.setdefault(row["happening_id"], []).append(row)
    with open(DATA_DIR / "happenings.csv", encoding="utf-8", newline="") as f:
        kinds = {row["happening_id"]: row["type"] for row in csv.DictReader(f)}
    # memberships are left out: a bar whose end no source dates runs, hatched, to the group's last doing
    return {h: span for h, rows in said.items() if kinds.get(h) != "membership" and (span := interval(rows))}


def _day(value) -> dt.date:
    import pandas as pd
    return pd.Timestamp(value).date()


@functools.cache
def drawn_figures() -> dict:
    """The figures the notebooks draw, by name (tests/test_factoids.py: the notebooks' code run as the
    build runs it); run once for the tests below, which only read them."""
    import os

    from test_factoids import CHAPTERS, NOTEBOOKS, figures

    here = os.getcwd()
    os.chdir(CHAPTERS)
    try:
        return {name: fig for notebook in NOTEBOOKS for name, fig in figures(notebook).items() if isinstance(name, str)}
    finally:
        os.chdir(here)


def drawn_marks():
    """(figure, happening id, first day, last day) of every mark of one happening on a date axis that the
    notebooks draw."""
    import numpy as np
    import pandas as pd

    for name, fig in drawn_figures().items():
        for trace in fig.data:
            if trace.customdata is None or trace.hoverinfo == "skip":
                continue
            ids = [str(row[0]) for row in trace.customdata]
            if trace.type == "bar" and trace.orientation == "h" and trace.base is not None:
                for i, base, length in zip(ids, trace.base, trace.x):
                    start = pd.Timestamp(base)
                    yield name, i, start.date(), (start + pd.Timedelta(milliseconds=float(length))).date()
            elif trace.type == "scatter" and trace.x is not None and len(trace.x) \
                    and isinstance(trace.x[0], (str, dt.date, pd.Timestamp, np.datetime64)):
                for i, x in zip(ids, trace.x):
                    if pd.notna(x):
                        yield name, i, _day(x), _day(x)


def test_every_drawn_mark_lies_inside_its_happenings_attested_interval():
    spans = attested_intervals()
    checked, outside = 0, []
    for figure, ids, first, last in drawn_marks():
        if ";" in ids or ids not in spans:
            continue  # a mark of several rows (a count, a lifespan) or of a membership
        low, high = spans[ids]
        checked += 1
        if not (low <= first <= last <= high):
            outside.append(f"{figure}: {ids} drawn {first}..{last}, attested {low}..{high}")
    assert checked > 150, checked
    assert not outside, "\n".join(outside)


# charts that draw a disputed date as one bar over every version, and say so: the solutions that draw one
# mark per row, and the lifespans' founding and end windows
ENVELOPES = {"fig-chronology-ex-1927-1930", "fig-publications-ex-programmes", "fig-lifespans"}


def test_every_mark_is_a_date_the_sources_give():
    """Sharper: a mark's first and last day are those of one source's statement, or of what all its
    sources agree on (never a point inside a range, such as its middle); the charts that draw one mark
    per row may draw a disputed happening as one bar over every version. (Memberships are left out: their
    bars run from a dated joining to a dated leaving or, hatched, to the group's last doing.)"""
    with open(DATA_DIR / "happenings.csv", encoding="utf-8", newline="") as f:
        memberships = {row["happening_id"] for row in csv.DictReader(f) if row["type"] == "membership"}
    with open(DATA_DIR / "attestations.csv", encoding="utf-8", newline="") as f:
        said: dict[str, list[tuple]] = {}
        for row in csv.DictReader(f):
            if row["date_start"] and row["date_end"] and row["happening_id"] not in memberships:
                said.setdefault(row["happening_id"], []).append((dt.date.fromisoformat(row["date_start"]),
                                                                 dt.date.fromisoformat(row["date_end"])))
    wrong, checked = [], 0
    for figure, ids, first, last in drawn_marks():
        if ";" in ids or ids not in said:
            continue
        ranges = said[ids]
        allowed = set(ranges) | {(max(a for a, _ in ranges), min(b for _, b in ranges))}
        if figure in ENVELOPES:
            allowed.add((min(a for a, _ in ranges), max(b for _, b in ranges)))
        checked += 1
        if (first, last) not in allowed:
            wrong.append(f"{figure}: {ids} drawn {first}..{last}; the sources give {sorted(set(ranges))}")
    assert checked > 150
    assert not wrong, "\n".join(wrong)


# ---- a row that cites the essay says only what its paragraphs say ---------------------------------

def set_cell(data, table, attestation_id, column, value, key="attestation_id") -> int:
    records = rows(data, table)
    index = next(i for i, r in enumerate(records) if r[key] == attestation_id)
    records[index][column] = value
    write(data, table, records)
    return index + 2


def test_a_place_the_paragraph_does_not_give(copy):
    row = set_cell(copy, "attestations", "at-ev-essay-wg-publishing-1929", "place", "Moscow;Leningrad")
    assert [str(p) for p in validate(copy)] == [
        f"data/attestations.csv, row {row}, column place: 'Leningrad' is not in the words of paragraph cr-9: the essay "
        "does not say it; move it to an attestation of the same happening whose source is the editors (source_id "
        "editors), with the reasoning in its note, or delete it"]


def test_a_count_the_paragraph_does_not_give(copy):
    row = set_cell(copy, "attestations", "at-ev-essay-wg-publishing-1929", "high", "46")
    found = [str(p) for p in validate(copy)]
    assert found == [f"data/attestations.csv, row {row}, column high: '46' is not a number paragraph cr-9 gives (in "
                     "figures or words): move it to an attestation of the same happening whose source is the editors "
                     "(source_id editors), with the reasoning in its note, or delete it"]


def test_a_date_text_that_is_not_the_essays(copy):
    row = set_cell(copy, "attestations", "at-ev-essay-wg-publishing-1929", "date_text", "1929")
    assert validate(copy) == []  # '1929' is in the paragraph's words
    set_cell(copy, "attestations", "at-ev-essay-wg-publishing-1929", "date_text", "after 1928")
    found = [str(p) for p in validate(copy)]
    assert len(found) == 1 and found[0].startswith(f"data/attestations.csv, row {row}, column date_text: 'after 1928' "
                                                   "is not in the words of paragraph cr-9: write the date as the essay words it")


def test_an_essay_hedge_makes_the_row_uncertain(copy):
    row = set_cell(copy, "attestations", "at-ev-essay-wg-oath", "hedge", "")
    assert [str(p) for p in validate(copy)] == [
        f"data/attestations.csv, row {row}, column hedge: '' does not mark the row uncertain, but the essay hedges "
        "('are reported' in the locator): copy the hedge word into hedge"]


def test_numbers_in_words_and_figures():
    from edition.data.claims import numbers_in
    assert {15, 46, 4000, 1923} <= numbers_in("signed by fifteen comrades; the Forty-Six; 4,000 votes in 1923")
    assert 20 not in numbers_in("the twenties")


def test_after_a_year_is_open_ended(copy):
    row = set_cell(copy, "attestations", "at-ev-essay-stalin-industrialisation", "date_start", "1928-01-01")
    assert [str(p) for p in validate(copy)] == [
        f"data/attestations.csv, row {row}, column date_start: '1928-01-01' is within 1928, but the essay says 'after "
        "1928': an open-ended date begins on 1929-01-01 (and runs to the latest date the essay allows)"]


def test_a_source_cannot_attest_what_happened_after_it(copy):
    row = set_cell(copy, "attestations", "at-ev-miasnikov-expelled-politburo", "source_id", "lenin-cw45-molotov-1921-12-05")
    assert [str(p) for p in validate(copy)] == [
        f"data/attestations.csv, row {row}, column date_start: '1922-02-20' is after its source was written "
        "(lenin-cw45-molotov-1921-12-05: '5 December 1921'): a source cannot attest what happened after it; if a later "
        "layer of the document (an editors' note, an introduction) says it, give that layer a row of its own in "
        "sources.csv and cite it"]


# ---- descriptions and roles, hedges, layers, disputes ---------------------------------------------

def test_what_a_description_claims_is_checked_against_the_cited_words():
    from edition.data.claims import unsaid
    said = "Gabriel Miasnikov, a worker from the Urals, was expelled from the party in early 1922 and joined others to found the group."
    assert unsaid("A worker from the Urals; expelled in 1922; founder of the group.", said, {"Moscow"}) == []
    assert unsaid("Leader of the group in Moscow, 1923; 'a true Bolshevik'.", said, {"Moscow"}) == [
        "the number 1923", "the quotation 'a true Bolshevik'", "the role 'leader'", "the place 'Moscow'"]
    assert unsaid("Expelled in 1922 (wg-4).", said, set()) == []  # a paragraph label is not a number the row gives
    assert unsaid("Old Bolshevik.", said, set()) == ["the role 'old bolshevik'"]


def test_the_real_descriptions_and_roles_say_only_what_their_words_say():
    tables = tables_of(DATA_DIR)
    people = [c for _, c in tables["people"].rows if c["source_id"] == "essay" and c["description"]]
    groups = [c for _, c in tables["groups"].rows if c["source_id"] == "essay" and c["description"]]
    assert len(people) >= 18 and len(groups) >= 17  # the rule reads every one of them
    assert not [p for p in validate(DATA_DIR) if p.column in ("description", "role", "hedge")]
    by_id = {c["person_id"]: c["description"] for c in people}
    for office in ("Historian", "Editor", "Leader", "head of", "Old Bolshevik"):
        assert not [i for i, d in by_id.items() if office in d], office
    wo = next(c for c in groups if c["group_id"] == "workers-opposition")["description"]
    assert "Russian CWP" in wo and "Workers' Group" not in wo  # wg-2: the Russian CWP pledged to support its demands


def test_a_documents_later_layers_are_sources_of_their_own():
    sources = load("sources").set_index("source_id")
    attestations = load("attestations").set_index("attestation_id")
    for attestation, layer in (("at-wg-miasnikov-arrest-1923-05-libcom", "libcom-appeal-1924-intro"),
                               ("at-wg-miasnikov-rearrest-libcom", "libcom-appeal-1924-intro"),
                               ("at-pub-wg-appeal-1924", "libcom-appeal-1924-intro"),
                               ("at-pub-miasnikov-vexed-questions", "lenin-cw45-note-1921-08-01-editors"),
                               ("at-ev-miasnikov-expelled-politburo", "lenin-cw45-editors-note"),
                               ("at-wg-miasnikov-death-1946", "wikirouge-fr-escape-footnote")):
        assert attestations.loc[attestation, "source_id"] == layer
    assert "2025" in sources.loc["libcom-appeal-1924-intro", "date_text"]
    assert attestations.loc["at-wg-founded-own-account", "source_id"] == "libcom-appeal-1924"  # the 1924 text itself
    for original in ("libcom-appeal-1924", "lenin-cw45-note-1921-08-01", "wikirouge-fr-escape"):
        assert "with" not in sources.loc[original, "author"], original  # no 'with the editors' note' in one row


def test_the_politburos_decision_and_the_arrests_are_two_happenings():
    happenings = load("happenings").set_index("happening_id")
    attestations = load("attestations").set_index("attestation_id")
    assert "150" not in happenings.loc["ev-ctx-trotsky-deportation-politburo", "title"]
    assert happenings.loc["ev-lo-arrests-1929-01", "kind"] == "arrest"
    decision, arrests = attestations.loc["at-ctx-trotsky-deportation-politburo"], attestations.loc["at-lo-arrests-1929-01-rudnik"]
    import pandas as pd
    assert pd.isna(decision["low"]) and pd.isna(decision["high"])  # the decision counts no one
    assert (arrests["low"], arrests["high"], arrests["hedge"]) == (150, 150, "about")


def test_every_disagreement_has_a_dispute_that_states_its_versions():
    from edition.data.claims import dispute_problems
    from edition.data.claims import disagreements
    tables = tables_of(DATA_DIR)
    told: dict[str, list[dict]] = {}
    for _, row in tables["attestations"].rows:
        told.setdefault(row["happening_id"], []).append(row)
    disputed = [c for _, c in tables["happenings"].rows if disagreements(told.get(c["happening_id"], []), c["kind"] or c["type"])]
    assert len(disputed) >= 15 and all(c["dispute_id"] for c in disputed)
    assert dispute_problems(tables) == []
    disputes = load("disputes").set_index("dispute_id")
    assert "7 January" not in disputes.loc["trotsky-deportation-order", "others_say"]  # another happening, not a version
    for added in ("wg-oath", "kuznetsov-initial", "maslow-expulsion"):
        assert added in disputes.index
