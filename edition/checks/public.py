"""The public checks: what a student's "Check your answer" cell runs.

Each check reads the notebook's own tables (`early`, `period`, `dated`, `texts`, `counts`, ...),
computes the right answer from them, and compares. A check returns a sentence saying what is
right, or raises Wrong with a sentence saying what to look at next (never the answer itself).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from numbers import Integral, Real

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
    norm = lambda v: str(v).strip().casefold()  # noqa: E731
    return norm(answer) in {norm(r) for r in right}


# --- years: 1923, 1923.0, "1923" and numpy's 1923 are one year; 1923.5 is not a year ----------

def as_year(answer) -> int | None:
    """The year an answer means, or None if it is not a whole number (True and 1923.5 are not years)."""
    if isinstance(answer, bool) or answer is None:
        return None
    if isinstance(answer, str):
        try:
            answer = float(answer.strip())
        except ValueError:
            return None
    if isinstance(answer, Integral):
        return int(answer)
    if isinstance(answer, Real) and float(answer).is_integer():
        return int(float(answer))
    return None


def year_in(answer, years) -> bool:
    """Whether `answer` is one of `years`, as a year."""
    year = as_year(answer)
    return year is not None and year in {as_year(y) for y in years}


# --- names: "Miasnikov", "g.i. miasnikov" and "Myasnikov" name the table's "G. I. Miasnikov" --------

def name_words(text) -> list[str]:
    """A name's words, without accents, case or punctuation; "Surname, Given" as "Given Surname",
    and initials written after the surname ("Miasnikov G. I.") put before it."""
    text = unicodedata.normalize("NFKC", str(text))
    surname, comma, given = text.partition(",")
    if comma:
        text = f"{given} {surname}"
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    words = re.findall(r"[^\W\d_]+", plain)
    while len(words) > 1 and len(words[-1]) == 1 and len(words[0]) > 1:  # Miasnikov G I -> G I Miasnikov
        words.insert(0, words.pop())
    return words


def who(written: str) -> str:
    """The name an estimator's entry starts with: "Ian Hebbes, citing Kuznetsov" -> "Ian Hebbes",
    "attributed to Dzerzhinsky by a blog ..." -> "Dzerzhinsky"."""
    text = re.sub(r"^\s*(attributed to|according to)\s+", "", str(written), flags=re.I)
    return re.split(r",|\(|\b(?:citing|by|as|quoted)\b", text, maxsplit=1)[0]


@lru_cache(maxsize=1)
def people_forms() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Each person's name forms in the dataset (people.csv's spellings, names.csv's sourced forms), as words."""
    try:
        from edition.data import load
        people, names = load("people"), load("names")
    except Exception:  # the checks still work, by the table's own spelling, without these tables
        return ()
    found = []
    for p in people.itertuples():
        forms = [p.name] + [f for column in ("essay_spellings", "other_spellings")
                            for f in str(getattr(p, column) or "").split(";") if isinstance(getattr(p, column), str)]
        forms += list(names.loc[names["person_id"] == p.person_id, "name_form"])
        found.append(tuple(tuple(w) for w in map(name_words, forms) if w))
    return tuple(found)


def name_forms(written: str) -> list[tuple[str, ...]]:
    """Every form of the name an entry starts with: the dataset's forms of that person, or the entry's own."""
    own = tuple(name_words(who(written)))
    for forms in people_forms():
        surnames, initials = {f[-1] for f in forms}, {w[0] for f in forms for w in f[:-1]}
        if own in forms or (own and own[-1] in surnames and {w[0] for w in own[:-1]} <= initials):
            return [own, *forms] if own else list(forms)
    return [own] if own else []


def names_match(answer, written) -> bool:
    """Whether `answer` names the one who wrote `written`: the whole entry, or the person's surname
    in any of its forms, with or without given names or initials, which must be the person's."""
    words = name_words(answer)
    if not words or not isinstance(answer, str):
        return False
    if words == name_words(written):
        return True
    forms = name_forms(written)
    surnames = {f[-1] for f in forms if len(f[-1]) > 1}
    initials = {w[0] for f in forms for w in f[:-1]}
    given = {w[0] for w in words[:-1]}
    return words[-1] in surnames and (not initials or given <= initials)


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


def count_columns(frame: pd.DataFrame, name: str, exclude: tuple[str, ...]) -> list[str]:
    """The columns that may hold a table's counts: numeric ones (not true/false), whole numbers
    first, the last column first; an extra numeric column (a share, a mean) is not taken for them."""
    numeric = [c for c in frame.columns if c not in exclude and pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    if not numeric:
        raise Wrong(f"`{name}` has no column of counts: `.size().reset_index(name=...)` makes one.")
    whole = {c: bool(frame[c].dropna().map(lambda v: float(v).is_integer()).all()) for c in numeric}
    return sorted(reversed(numeric), key=lambda c: not whole[c])


def per(frame: pd.DataFrame, name: str, by: str, colour: str) -> dict[str, pd.Series]:
    """The counts in a student's table of counts, summed per `by` (checking its columns), for each
    column that may hold them; years written 1923.0 or "1923" are the year 1923."""
    for column in (by, colour):
        if column not in frame.columns:
            raise Wrong(f"`{name}` has no `{column}` column: group by [\"{by}\", \"{colour}\"] and keep them "
                        "as columns with `.reset_index(...)`.")
    keys = frame[by].map(lambda v: v if as_year(v) is None else as_year(v)) if by == "year" else frame[by]
    return {c: frame.groupby(keys)[c].sum().round().astype(int) for c in count_columns(frame, name, (by, colour))}


def counted(frame: pd.DataFrame, name: str, by: str, colour: str, expected: pd.Series, what: str) -> tuple[str, str | None]:
    """(the column whose sums per `by` are `expected`, None), or else (the likeliest column of
    counts, a sentence about what differs)."""
    found = per(frame, name, by, colour)
    for column, got in found.items():
        if compare_counts(got, expected, name, what) is None:
            return column, None
    column = next(iter(found))
    return column, compare_counts(found[column], expected, name, what)


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
    if year_in(answer, top.index):
        return f"{as_year(answer)} is the year with most arrests in 1921-1924 ({years.max()})."
    if as_year(answer) is None:
        raise Wrong(f"`arrest_year` is {answer!r}, which is not a year: write the year as a number, like 1922.")
    raise Wrong(f"In {as_year(answer)} the data records {years.get(as_year(answer), 0)} "
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
    one = single_year(period)["date_start"].dt.year.value_counts()
    every = period["date_start"].dt.year.value_counts()
    _, wrong = counted(per_year, "per_year", "year", "category", one, "events dated within that year")
    if wrong is None:
        return "`per_year` counts the events dated within one year, per year and category."
    if counted(per_year, "per_year", "year", "category", every, "events")[1] is None:
        return ("`per_year` counts every event by the year it begins (events dated across several years "
                "count in their first year: say so under your chart).")
    raise Wrong(wrong + ". Count the rows of `period` (or of its events dated within one year) per year and category.")


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
    written = next((r for r in right if names_match(answer, r)), None)
    if written is not None:
        as_written = "" if one_of(answer, [written]) else f" (the table writes \"{written}\")"
        return f"{answer}{as_written} made the {extreme} estimate for the Workers' Group ({best} people)."
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
    counts, wrong = counted(per_group, "per_group", "group", "dated", ms.groupby("group").size(), "memberships")
    if wrong:
        raise Wrong(wrong + ". Count the rows of `ms` per group and per dated/undated.")
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
    _, wrong = counted(per_year, "per_year", "year", "family", texts["date_start"].dt.year.value_counts(), "texts")
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
    if year_in(answer, top.index):
        return f"{as_year(answer)} has the most recorded repression events ({top.max()})."
    raise Wrong(f"{answer} is not the year with most recorded repression events: add up `counts` per year "
                "(`counts.groupby(\"year\")[\"events\"].sum()`) and find the largest.")


@public_check("repression-ex-1")
def kinds_in_the_busiest_year(ns):
    counts = repression_counts(ns)
    year = busiest_answer(ns)
    kinds = given(ns, "busiest_kinds", "a list of the kinds of event in that year")
    if isinstance(kinds, str) or not hasattr(kinds, "__iter__"):
        raise Wrong("`busiest_kinds` should be a list of kinds, like [\"arrest\", \"exile\"].")
    year = as_year(year) if as_year(year) is not None else year
    want = {str(k) for k in counts.loc[(counts["year"].map(as_year) == year) & (counts["events"] > 0), "what"]}
    have = {next((w for w in want if one_of(k, [w])), str(k).strip()) for k in kinds}
    if have == want:
        return f"In {year} the data records {len(want)} kinds: {', '.join(sorted(want))}."
    missing, extra = sorted(want - have), sorted(have - want)
    raise Wrong("`busiest_kinds` " + (f"lacks {len(missing)} kind(s) recorded in {year}" if missing else "") +
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
