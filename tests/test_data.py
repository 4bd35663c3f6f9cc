"""The companion dataset in data/: it validates, it loads with the right types, and every table
passes the same checks (primary key, sources, dates within the period)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import frictionless
import pandas as pd
import pytest

from edition.data import DATA_DIR, DataError, load, package, tables
from edition.data.validate import validate

REPO = Path(__file__).resolve().parent.parent
DESCRIPTOR = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}
NAMES = list(RESOURCES)
PERIOD = (pd.Timestamp("1917-01-01"), pd.Timestamp("1946-12-31"))


def fields(name):
    return RESOURCES[name]["schema"]["fields"]


def test_frictionless_alone_finds_the_package_valid():
    report = frictionless.validate(str(DATA_DIR / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_edition_validator_finds_no_problem():
    assert [str(p) for p in validate(DATA_DIR)] == []


def test_cli_prints_ok_summary_with_row_counts():
    run = subprocess.run([sys.executable, "-m", "edition.data"], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("OK:")
    for name in NAMES:
        assert f"{name} {len(load(name))}" in run.stdout


def test_descriptor_metadata():
    for key in ("title", "description", "licenses", "version", "created", "contributors", "sources"):
        assert DESCRIPTOR.get(key), key
    assert DESCRIPTOR["licenses"][0]["name"] == "CC-BY-4.0"
    assert "International Communist Current" in DESCRIPTOR["licenses"][0]["title"]
    assert package() == DESCRIPTOR
    assert tables() == NAMES
    assert NAMES == ["sources", "groups", "people", "happenings", "attestations", "size_estimates", "disputes", "distinctions", "repression_kinds",
                     "quotations", "names", "places"]


def test_loader_works_from_any_working_directory(tmp_path):
    code = "from edition.data import load; print(len(load('events')))"
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) == len(load("events"))


def test_unknown_table_is_a_data_error():
    with pytest.raises(DataError, match="no_such_table"):
        load("no_such_table")


def test_every_table_and_view_loads():
    assert list(tables()) == NAMES
    for name in [*NAMES, "consensus", "events", "memberships", "publications"]:
        assert len(load(name)), name


# ---- the same checks over every table ---------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_every_field_is_described_and_typed(name):
    for field in fields(name):
        assert field.get("type") and field.get("description"), (name, field["name"])
    schema = RESOURCES[name]["schema"]
    assert schema["primaryKey"] == [fields(name)[0]["name"]]
    assert fields(name)[0]["constraints"]["required"] is True


@pytest.mark.parametrize("name", NAMES)
def test_table_loads_with_schema_dtypes(name):
    frame = load(name)
    # people also carry the consensus dates of their births and deaths (born_*, died_*)
    assert list(frame.columns)[: len(fields(name))] == [f["name"] for f in fields(name)]
    for field in fields(name):
        column, kind = frame[field["name"]], field["type"]
        enum = field.get("constraints", {}).get("enum")
        if kind == "date":
            assert pd.api.types.is_datetime64_any_dtype(column), field["name"]
        elif kind == "boolean":
            assert column.dtype == bool, field["name"]
        elif kind == "integer":
            assert column.dtype == "Int64", field["name"]
        elif kind == "number":
            assert column.dtype == "Float64", field["name"]
        elif enum:
            assert isinstance(column.dtype, pd.CategoricalDtype), field["name"]
            assert list(column.cat.categories) == enum
        else:
            assert pd.api.types.is_string_dtype(column), field["name"]


@pytest.mark.parametrize("name", NAMES)
def test_primary_key_unique_and_present(name):
    key = load(name)[fields(name)[0]["name"]]
    assert key.notna().all()
    assert key.is_unique


@pytest.mark.parametrize("name", [n for n in NAMES if "source_id" in [f["name"] for f in fields(n)]])
def test_every_row_has_a_known_source(name):
    frame = load(name)
    known = set(load("sources")["source_id"])
    assert frame["source_id"].notna().all()
    assert set(frame["source_id"]) <= known
    from_essay = frame[frame["source_id"] == "essay"]
    if name != "sources" and "paragraph" in frame:  # names and places cite outside sources only
        assert from_essay["paragraph"].notna().all(), "a row from the essay must name its paragraph"


@pytest.mark.parametrize("name", [n for n in NAMES if any(f["type"] == "date" for f in fields(n))])
def test_dates_within_period_and_forwards(name):
    frame = load(name)
    date_cols = [f["name"] for f in fields(name) if f["type"] == "date"]
    for start in [c for c in date_cols if c.endswith("_start")]:
        end = start[: -len("_start")] + "_end"
        both = frame[start].notna() & frame[end].notna()
        assert (frame.loc[both, start] <= frame.loc[both, end]).all(), start
        assert (frame[start].isna() == frame[end].isna()).all(), start
    if "outside_period" in frame:
        inside = frame[~frame["outside_period"]]
        for col in date_cols:
            dated = inside[col].dropna()
            assert dated.between(*PERIOD).all(), (col, dated[~dated.between(*PERIOD)].index.tolist())


@pytest.mark.parametrize("name", [n for n in NAMES if "low" in [f["name"] for f in fields(n)] or "people_low" in [f["name"] for f in fields(n)]])
def test_low_not_above_high(name):
    frame = load(name)
    low, high = ("low", "high") if "low" in frame else ("people_low", "people_high")
    both = frame[low].notna() & frame[high].notna()
    assert (frame.loc[both, low] <= frame.loc[both, high]).all()


# ---- content -----------------------------------------------------------------------------------

def test_essay_and_every_cited_work_are_sources():
    sources = load("sources").set_index("source_id")
    assert sources.loc["essay", "kind"] == "essay"
    cited = set(sources.index[sources["kind"] == "cited-in-essay"])
    for needed in ("carr-interregnum", "deutscher-prophet-outcast", "ciliga-grand-mensonge", "daniels-documentary-history",
                   "invariance-ii-6", "ouvrier-communiste-6", "ouvrier-communiste-1929", "socialist-herald-1923-01-31",
                   "workers-voice-14", "revolutionary-politics-stalins-prisons", "luxemburg-russian-revolution",
                   "wd-1922-06-03", "wd-1922-06-17", "wd-1923-12-01", "wd-1924-01-05", "wd-1924-05-31"):
        assert needed in cited, needed
    outside = sources[~sources["kind"].isin(["essay", "cited-in-essay", "editorial"])]  # the editors read no copy: their reasoning is in each row
    assert outside["url"].notna().all(), "an outside source needs the address of the copy that was read"


def test_essay_spellings_are_kept():
    people = load("people").set_index("person_id")
    assert people.loc["miasnikov", "essay_spellings"] == "Miasnikov;Gabriel Miasnikov"
    assert people.loc["sapronov", "essay_spellings"] == "Sapranov"
    assert people.loc["osinsky", "essay_spellings"] == "Ossinski"
    assert people.loc["kuznetsov", "essay_spellings"] == "Kuznetzov"


def test_people_dates_have_their_own_source():
    people = load("people")
    assert people.loc[people["born_start"].notna(), "born_source_ids"].notna().all()
    assert people.loc[people["died_start"].notna(), "died_source_ids"].notna().all()


def test_every_dispute_has_at_least_two_versions_with_their_own_sources():
    """A disagreement is never settled by silently choosing one version: the happenings a dispute
    is about keep every source's statement (or, for size estimates, every estimate)."""
    happenings, attestations = load("happenings"), load("attestations")
    estimates = load("size_estimates")
    for dispute in load("disputes")["dispute_id"]:
        about = happenings.loc[happenings["dispute_id"] == dispute, "happening_id"]
        said = pd.concat([attestations.loc[attestations["happening_id"].isin(about), ["source_id"]],
                          estimates.loc[estimates["dispute_id"] == dispute, ["source_id"]]])
        assert len(said) >= 2, dispute
        assert said["source_id"].nunique() >= 2, dispute


def test_required_disputes_are_recorded():
    ids = set(load("disputes")["dispute_id"])
    for needed in ("miasnikov-escape", "miasnikov-return", "miasnikov-death", "oc6-dating", "wg-founding", "wt-first-issue",
                   "wt-appeal-publication", "kapd-manifesto", "exile-1928-figures", "sapronov-rearrest",
                   "trotsky-alma-ata"):
        assert needed in ids


def test_issues_point_at_their_periodical():
    pubs = load("publications").set_index("publication_id")
    issues = pubs[pubs["kind"] == "periodical-issue"]
    assert issues["periodical_id"].notna().all()
    assert (pubs.loc[issues["periodical_id"], "kind"] == "periodical").all()
