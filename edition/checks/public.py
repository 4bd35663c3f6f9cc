"""The public checks: what a student's "Check your answer" cell runs.

Each check reads the notebook's own tables (`early`, `period`, `dated`, `texts`, `counts`, ...),
computes the right answer from them, and compares. A check returns a sentence saying what is
right, or raises Wrong with a sentence saying what to look at next (never the answer itself).
"""
from __future__ import annotations

import pandas as pd

from edition.checks import Wrong, exercise, public_check, shared_check

exercise("chronology-ex-1", "Read the chart")
exercise("chronology-ex-2", "Change a filter")
exercise("chronology-ex-3", "Make a new chart")
exercise("membership-ex-1", "Read the chart")
exercise("membership-ex-2", "Change a filter")
exercise("membership-ex-3", "Make a new chart")
exercise("publications-ex-1", "Read the chart")
exercise("publications-ex-2", "Change a filter")
exercise("publications-ex-3", "Make a new chart")
exercise("repression-ex-1", "Read the chart")
exercise("repression-ex-2", "Change a filter")
exercise("repression-ex-3", "Make a new chart")


# --- helpers, shared with the hidden checks -------------------------------------------------

def given(ns: dict, name: str, what: str):
    """The notebook's variable `name`, or Wrong saying it is not there yet."""
    if name not in ns:
        raise Wrong(f"There is no `{name}` yet: put {what} in a variable called `{name}` and run your cell.")
    return ns[name]


def table(ns: dict, name: str, what: str) -> pd.DataFrame:
    value = given(ns, name, what)
    if not isinstance(value, pd.DataFrame):
        raise Wrong(f"`{name}` should be a table (a DataFrame) of {what}, but it is a {type(value).__name__}.")
    return value


def value(ns: dict, name: str, what: str):
    found = given(ns, name, what)
    if isinstance(found, (pd.DataFrame, pd.Series)):
        raise Wrong(f"`{name}` is a whole {type(found).__name__}; it should be one value: {what}.")
    return found


def one_of(answer, right) -> bool:
    """Whether `answer` is one of `right`, ignoring case, spaces and int/str differences."""
    norm = lambda v: str(v).strip().casefold()
    return norm(answer) in {norm(r) for r in right}


def same_rows(got: pd.DataFrame, expected: pd.DataFrame, name: str, key: str, what: str) -> str:
    """Compare the rows of a student's table with the right ones, by their id column."""
    if key not in got.columns:
        raise Wrong(f"`{name}` has no `{key}` column: filter the notebook's table rather than picking columns, "
                    f"so that every row keeps its `{key}`.")
    have, want = set(got[key].astype(str)), set(expected[key].astype(str))
    if have == want and len(got) == len(expected):
        return f"`{name}` holds the {len(expected)} {what}."
    if have == want:
        return_hint = "some rows appear twice"
    else:
        missing, extra = sorted(want - have), sorted(have - want)
        parts = []
        if missing:
            parts.append(f"{len(missing)} are missing (for example `{missing[0]}`)")
        if extra:
            parts.append(f"{len(extra)} should not be there (for example `{extra[0]}`)")
        return_hint = " and ".join(parts)
    raise Wrong(f"`{name}` has {len(got)} rows, but the data has {len(expected)} {what}: {return_hint}. "
                "Look at the dates or values in your filter.")


def count_column(frame: pd.DataFrame, name: str, exclude: tuple[str, ...]) -> str:
    numeric = [c for c in frame.columns if c not in exclude and pd.api.types.is_numeric_dtype(frame[c])]
    if not numeric:
        raise Wrong(f"`{name}` has no column of counts: `.size().reset_index(name=...)` makes one.")
    return numeric[-1]


def per(frame: pd.DataFrame, name: str, by: str, colour: str) -> pd.Series:
    """The counts in a student's table of counts, summed per `by` (checking its columns)."""
    for column in (by, colour):
        if column not in frame.columns:
            raise Wrong(f"`{name}` has no `{column}` column: group by [\"{by}\", \"{colour}\"] and keep them "
                        "as columns with `.reset_index(...)`.")
    counts = count_column(frame, name, (by, colour))
    return frame.groupby(by)[counts].sum().astype(int)


def compare_counts(got: pd.Series, expected: pd.Series, name: str, what: str) -> str | None:
    """None if equal, else a sentence about the first year (or group) that differs."""
    got = got[got != 0]
    expected = expected[expected != 0]
    if got.to_dict() == expected.astype(int).to_dict():
        return None
    for key in sorted(set(got.index) | set(expected.index), key=str):
        if got.get(key, 0) != expected.get(key, 0):
            return (f"for {key}, `{name}` counts {got.get(key, 0)}, but the data has {expected.get(key, 0)} {what}")
    return f"`{name}` does not count the same {what}"


# --- chronology -----------------------------------------------------------------------------

@public_check("chronology-ex-1")
def kind_recorded_most_often(ns):
    early = table(ns, "early", "the events of 1921-1924")
    answer = value(ns, "most_common", 'the kind of event recorded most often, in quotes (like "arrest")')
    counts = early["kind"].astype(str).value_counts()
    top = counts[counts == counts.max()]
    if one_of(answer, top.index):
        return f"\"{answer}\" is recorded most often in 1921-1924 ({counts.max()} events)."
    if not one_of(answer, counts.index):
        raise Wrong(f"\"{answer}\" is not a kind of event in `early`: write one of the names on the chart's "
                    "rows, in quotes.")
    mine = next(n for k, n in counts.items() if one_of(answer, [k]))
    raise Wrong(f"\"{answer}\" has {mine} events in 1921-1924, but another kind has more: count "
                "`early[\"kind\"]` with `.value_counts()`.")


@public_check("chronology-ex-1")
def year_of_most_arrests(ns):
    early = table(ns, "early", "the events of 1921-1924")
    answer = value(ns, "arrest_year", "the year in which the arrests cluster, as a number (like 1922)")
    years = early[early["kind"].astype(str) == "arrest"]["date_start"].dt.year.value_counts()
    if years.empty:
        return "There are no arrests in the notebook's data for 1921-1924, so any year will do."
    top = years[years == years.max()]
    if one_of(answer, top.index):
        return f"{answer} is the year with most arrests in 1921-1924 ({years.max()})."
    raise Wrong(f"In {answer} the data records {years.get(int(answer), 0) if str(answer).isdigit() else 'no'} "
                "arrests; another year has more. Count the years of the arrests: "
                "`early[early[\"kind\"] == \"arrest\"][\"date_start\"].dt.year.value_counts()`.")


def rows_kept(ns: dict, given_table: tuple[str, str], made: tuple[str, str], keep, key: str, what: str) -> str:
    """A filter's check: the table the student made (name, what it holds) has the rows of the
    notebook's table (name, what it holds) that `keep` keeps, by their `key` column."""
    source = table(ns, *given_table)
    got = table(ns, *made)
    return same_rows(got, keep(source), made[0], key, what)


shared_check("chronology-ex-2", "events_of_1927_to_1930", False, rows_kept, ("period", "the dated events"),
             ("later", "the events of 1927-1930"),
             lambda period: period[period["date_start"].between("1927-01-01", "1930-12-31")],
             "event_id", "events that begin in 1927-1930")


def single_year(period: pd.DataFrame) -> pd.DataFrame:
    return period[period["date_start"].dt.year == period["date_end"].dt.year]


@public_check("chronology-ex-3")
def events_per_year(ns):
    period = table(ns, "period", "the dated events")
    per_year = table(ns, "per_year", "the number of events per year and category")
    got = per(per_year, "per_year", "year", "category")
    one = single_year(period)["date_start"].dt.year.value_counts()
    every = period["date_start"].dt.year.value_counts()
    if compare_counts(got, one, "per_year", "events") is None:
        return "`per_year` counts the events dated within one year, per year and category."
    if compare_counts(got, every, "per_year", "events") is None:
        return ("`per_year` counts every event by the year it begins (events dated across several years "
                "count in their first year: say so under your chart).")
    raise Wrong(compare_counts(got, one, "per_year", "events dated within that year") +
                ". Count the rows of `period` (or of its events dated within one year) per year and category.")


# --- membership -----------------------------------------------------------------------------

def workers_group_estimates(ns) -> pd.DataFrame:
    est = table(ns, "est", "the size estimates")
    return est[est["group_id"] == "workers-group"]


def who_made_the(ns: dict, extreme: str, column: str) -> str:
    """Who made the largest (or smallest) estimate of the Workers' Group: the `column` (high or
    low) at its max (or min), named in the variable `largest_by` (or `smallest_by`)."""
    wg = workers_group_estimates(ns)
    answer = value(ns, f"{extreme}_by", f"who made the {extreme} estimate, in quotes")
    best = wg[column].max() if extreme == "largest" else wg[column].min()
    right = wg.loc[wg[column] == best, "estimated_by"]
    if one_of(answer, right):
        return f"{answer} made the {extreme} estimate for the Workers' Group ({best} people)."
    raise Wrong(f"\"{answer}\" did not make the {extreme} estimate for the Workers' Group: sort its rows "
                f"of `est` by `{column}` and read the `estimated_by` column.")


for extreme, column in (("largest", "high"), ("smallest", "low")):
    shared_check("membership-ex-1", f"who_made_the_{extreme}_estimate", False, who_made_the, extreme, column)


shared_check("membership-ex-2", "memberships_of_1921_to_1925", False, rows_kept, ("dated", "the dated memberships"),
             ("early", "the dated memberships that overlap 1921-1925"),
             lambda dated: dated[(dated["end"] >= "1921-01-01") & (dated["start"] <= "1925-12-31")],
             "membership_id", "dated memberships that overlap 1921-1925 (ending after it begins, starting before it ends)")


@public_check("membership-ex-3")
def memberships_per_group(ns):
    ms, dated = table(ns, "ms", "the memberships"), table(ns, "dated", "the dated memberships")
    per_group = table(ns, "per_group", "the number of memberships per group, dated and undated")
    got = per(per_group, "per_group", "group", "dated")
    wrong = compare_counts(got, ms.groupby("group").size(), "per_group", "memberships")
    if wrong:
        raise Wrong(wrong + ". Count the rows of `ms` per group and per dated/undated.")
    counts = count_column(per_group, "per_group", ("group", "dated"))
    is_dated = per_group["dated"].map(lambda v: v is True or str(v).strip().lower() in ("true", "dated"))
    got_dated = per_group[is_dated].groupby("group")[counts].sum().astype(int)
    want_dated = ms[ms.index.isin(dated.index)].groupby("group").size()
    wrong = compare_counts(got_dated, want_dated, "per_group", "dated memberships")
    if wrong:
        raise Wrong(wrong + ". A membership is dated when its row is in `dated`: `ms.index.isin(dated.index)`.")
    return "`per_group` counts every group's memberships, dated and undated."


# --- publications ---------------------------------------------------------------------------

shared_check("publications-ex-1", "the_dreadnoughts_texts", False, rows_kept, ("texts", "the dated texts"),
             ("dreadnought", "the Workers' Dreadnought's rows"), lambda texts: texts[texts["where"] == "Workers' Dreadnought"],
             "publication_id", "texts the Workers' Dreadnought printed")
shared_check("publications-ex-2", "programmes_and_appeals", False, rows_kept, ("texts", "the dated texts"),
             ("programmes", "the programmes and appeals"), lambda texts: texts[texts["family"] == "programmes and appeals"],
             "publication_id", "programmes and appeals")


@public_check("publications-ex-3")
def texts_per_year(ns):
    texts = table(ns, "texts", "the dated texts")
    per_year = table(ns, "per_year", "the number of texts per year and family")
    got = per(per_year, "per_year", "year", "family")
    wrong = compare_counts(got, texts["date_start"].dt.year.value_counts(), "per_year", "texts")
    if wrong:
        raise Wrong(wrong + ". Count the rows of `texts` per year (of `date_start`) and family.")
    return "`per_year` counts the texts per year and family."


# --- repression -----------------------------------------------------------------------------

def repression_counts(ns) -> pd.DataFrame:
    return table(ns, "counts", "the repression events per year and kind")


def busiest_answer(ns):
    return value(ns, "busiest", "the year with most recorded repression events, as a number")


def busiest_years(ns) -> pd.Series:
    counts = repression_counts(ns)
    totals = counts.groupby("year")["events"].sum()
    return totals[totals == totals.max()]


@public_check("repression-ex-1")
def the_busiest_year(ns):
    answer = busiest_answer(ns)
    top = busiest_years(ns)
    if one_of(answer, top.index):
        return f"{answer} has the most recorded repression events ({top.max()})."
    raise Wrong(f"{answer} is not the year with most recorded repression events: add up `counts` per year "
                "(`counts.groupby(\"year\")[\"events\"].sum()`) and find the largest.")


@public_check("repression-ex-1")
def kinds_in_the_busiest_year(ns):
    counts = repression_counts(ns)
    year = busiest_answer(ns)
    kinds = given(ns, "busiest_kinds", "a list of the kinds of event in that year")
    if isinstance(kinds, str) or not hasattr(kinds, "__iter__"):
        raise Wrong("`busiest_kinds` should be a list of kinds, like [\"arrest\", \"exile\"].")
    want = {str(k) for k in counts.loc[(counts["year"].astype(str) == str(year).strip()) & (counts["events"] > 0), "what"]}
    have = {str(k).strip() for k in kinds}
    if have == want:
        return f"In {year} the data records {len(want)} kinds: {', '.join(sorted(want))}."
    missing, extra = sorted(want - have), sorted(have - want)
    raise Wrong(f"`busiest_kinds` " + (f"lacks {len(missing)} kind(s) recorded in {year}" if missing else "") +
                (" and " if missing and extra else "") + (f"has {', '.join(extra)}, not recorded in {year}" if extra else "") +
                f": look at the rows of `counts` for {year}.")


@public_check("repression-ex-2")
def sapronovs_events(ns):
    events = table(ns, "events", "the events")
    sapronov = table(ns, "sapronov", "Sapronov's dated events")
    his = events[events["person_ids"].str.contains("sapronov", na=False) & ~events["outside_period"]]
    if "attestation_id" in sapronov.columns:  # one row per source's statement: who records what
        attestations = table(ns, "attestations", "the sources' statements (load(\"attestations\"))")
        expected = attestations[attestations["happening_id"].isin(his["event_id"])].dropna(subset=["date_start"])
        return same_rows(sapronov, expected, "sapronov", "attestation_id",
                         "dated statements of sources about his events of 1917-1946")
    return same_rows(sapronov, his.dropna(subset=["date_start"]), "sapronov", "event_id",
                     "dated events of 1917-1946 whose `person_ids` name sapronov")


def numbered_rows(repression: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows with a high figure, and the rows with any figure (both are fair readings)."""
    return (repression.dropna(subset=["people_high"]),
            repression[repression["people_low"].notna() | repression["people_high"].notna()])


@public_check("repression-ex-3")
def events_with_a_number_of_people(ns):
    repression = table(ns, "repression", "the repression events")
    numbered = table(ns, "numbered", "the repression events that give a number of people")
    with_high, with_any = numbered_rows(repression)
    try:
        return same_rows(numbered, with_high, "numbered", "event_id", "repression events that give a number of people")
    except Wrong:
        return same_rows(numbered, with_any, "numbered", "event_id", "repression events that give a number of people")
