"""Load the companion dataset as typed pandas DataFrames.

    from edition.data import load
    events = load("events")

The data follow the factoid model: `load("happenings")` (one row per thing that happened) and
`load("attestations")` (one row per source statement about it) are the tables in data/. The views
`events`, `memberships` and `publications` (and the birth and death dates on `people`) show one row
per happening, with the range of attested dates: date_start is the earliest any source allows,
date_end the latest; `attestations` counts the statements, `source_ids` lists their sources,
`disputed` says whether they disagree (see the factoid rules in edition/data/claims.py) and `uncertain` whether they
disagree or a source hedges. `load("consensus")` is the same view for every happening at once.

The package in data/ is checked first (see edition/data/validate.py); if anything is wrong, a DataError
says what, and no table is returned. Types come from data/datapackage.json:

    date      -> datetime64 (NaT when empty)
    boolean   -> bool
    integer   -> nullable Int64 (<NA> when empty)
    enum      -> pandas Categorical whose categories are the enum, in order
    string    -> str (';'-separated lists stay as they are)
"""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from edition import readlog
from edition.data.claims import disagreements, uncertain
from edition.data.validate import state_digest as _digest_of, table_path, validate, validation_state
from edition.paths import DATA_DIR

if TYPE_CHECKING:  # pandas is imported where a table is made: `make validate` needs none of it
    import pandas as pd


_checked: dict[tuple, list] = {}  # validation results, per data directory and file state


FIX_LINE = "Fix these in data/ and run the cell again (make validate lists them all)."
SHOWN = 20  # problems listed in the message; `make validate` lists every one


class DataError(Exception):
    """The data package is missing or invalid.

    `problems` holds one line per problem. In a notebook the error shows as those lines and no
    traceback (IPython calls _render_traceback_): the student's own code is not at fault.
    """

    def __init__(self, message: str, problems: list[str] | tuple[str, ...] = ()):
        super().__init__(message)
        self.problems = list(problems)

    def _render_traceback_(self) -> list[str]:
        if not self.problems:
            return [f"DataError: {line}" if i == 0 else line for i, line in enumerate(str(self).splitlines())]
        lines = self.problems[:SHOWN]
        if len(self.problems) > SHOWN:
            lines.append(f"... and {len(self.problems) - SHOWN} more")
        return lines + [FIX_LINE]


_state = validation_state  # what the validation result depends on (edition/data/validate.py)


def problems(data_dir: Path | str | None = None) -> list:
    """The validator's problems with the package (none: it is valid), checked once per process
    and again only if a file changed."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    with readlog.paused():  # validation reads every file; a notebook's own inputs are what it loads
        key = _state(data_dir)
        if key not in _checked:
            # The book's build validates before Sphinx starts and passes on what it checked.
            trusted = os.environ.get("EDITION_DATA_CHECKED") == _digest_of(key)
            _checked[key] = [] if trusted else validate(data_dir)
    return _checked[key]


def state_digest(data_dir: Path | str | None = None) -> str:
    """A digest of the files validation depends on, as they are now (names, times, sizes)."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    with readlog.paused():
        return _digest_of(_state(data_dir))


def check(data_dir: Path | str | None = None) -> Path:
    """Validate the package (see problems()); raise DataError if invalid."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    if not (data_dir / "datapackage.json").is_file():
        raise DataError(f"No data package at {data_dir} (datapackage.json not found).")
    found = [str(p) for p in problems(data_dir)]
    if found:
        shown = "\n".join(f"  {p}" for p in found[:SHOWN])
        more = f"\n  ... and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
        raise DataError(f"The data package at {data_dir} has {len(found)} problem(s):\n{shown}{more}\n"
                        f"Run `python -m edition.data {data_dir}` for the full list.", found)
    return data_dir


def package(data_dir: Path | str | None = None) -> dict:
    """The descriptor (datapackage.json) as a dict."""
    data_dir = check(data_dir)
    return json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))


# The views: one row per happening of a type, under the column names the tables had before the
# factoid model (the notebooks and exercises read these).
VIEWS = {
    "events": ("event", {"happening_id": "event_id", "title": "summary", "low": "people_low", "high": "people_high"},
               ["event_id", "date_start", "date_end", "date_precision", "date_text", "uncertain", "disputed", "kind",
                "category", "summary", "group_id", "person_ids", "people_low", "people_high", "place"]),
    "memberships": ("membership", {"happening_id": "membership_id", "person_ids": "person_id", "date_start": "from_start",
                                   "date_end": "from_end", "date_precision": "from_precision", "until_start": "to_start",
                                   "until_end": "to_end", "until_precision": "to_precision"},
                    ["membership_id", "person_id", "group_id", "role", "from_start", "from_end", "from_precision",
                     "to_start", "to_end", "to_precision", "uncertain", "disputed"]),
    "publications": ("publication", {"happening_id": "publication_id"},
                     ["publication_id", "title", "kind", "group_id", "author_id", "periodical_id", "issue", "date_start",
                      "date_end", "date_precision", "date_text", "uncertain", "disputed", "place", "language"]),
}
SOURCED = ["source_id", "source_ids", "attestations", "paragraph", "locator", "dispute_id", "disagreement",
           "outside_period", "note"]


def tables(data_dir: Path | str | None = None) -> list[str]:
    """Names of the tables, in the descriptor's order (the views are `consensus` and VIEWS)."""
    return [r["name"] for r in package(data_dir)["resources"]]


def load(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """One table or view as a typed DataFrame."""
    if name == "consensus":
        return consensus(data_dir)
    if name in VIEWS:
        kind, names, columns = VIEWS[name]
        view = consensus(data_dir)
        view = view[view["type"] == kind].rename(columns=names).reset_index(drop=True)
        for column in ("kind", "category"):
            view[column] = view[column].cat.remove_unused_categories()
        return view[columns + SOURCED]
    if name == "people":
        return _with_life_dates(_table("people", data_dir), data_dir)
    return _table(name, data_dir)


def _joined(values) -> str | None:
    """The distinct non-empty values, in order, ';'-joined (None if there are none)."""
    found = list(dict.fromkeys(v for value in values if value for v in value.split(";") if v))
    return ";".join(found) or None


_consensus: dict[tuple, pd.DataFrame] = {}  # per data directory and file state


def consensus(data_dir: Path | str | None = None) -> pd.DataFrame:
    """One row per happening: what it is (happenings.csv) and what its sources say (attestations.csv),
    dates as the range of every attested date, disputed and uncertain derived from the attestations."""
    folder = Path(check(data_dir))
    with readlog.paused():
        key = _state(folder)
    if key not in _consensus:  # (a kernel's first load reads the files, so its read log has them)
        _consensus[key] = _derive(folder)
    return _consensus[key].copy()


def _derive(data_dir: Path) -> pd.DataFrame:
    import pandas as pd
    happenings = _table("happenings", data_dir)
    with open(table_path(data_dir, "attestations"), encoding="utf-8", newline="") as f:
        statements: dict[str, list[dict]] = {}
        for row in csv.DictReader(f):  # validated: every happening_id is a happening
            statements.setdefault(row["happening_id"], []).append(row)
    types = dict(zip(happenings["happening_id"], happenings["kind"].astype(object).fillna(happenings["type"])))  # an execution is a death
    rows = []
    for happening_id, said in statements.items():
        essay_first = sorted(said, key=lambda a: a["source_id"] != "essay")  # the essay's words, if it has any
        kind = types[happening_id]
        differ = disagreements(said, kind)
        dated = [a for a in said if a["date_start"]]
        ended = [a for a in said if a["until_start"]]
        rows.append(dict(
            happening_id=happening_id,
            date_start=min((a["date_start"] for a in dated), default=None),
            date_end=max((a["date_end"] for a in dated), default=None),
            date_precision=_joined(a["date_precision"] for a in dated),
            date_text=" / ".join(dict.fromkeys(a["date_text"] for a in dated if a["date_text"])) or None,
            until_start=min((a["until_start"] for a in ended), default=None),
            until_end=max((a["until_end"] for a in ended), default=None),
            until_precision=_joined(a["until_precision"] for a in ended),
            place="; ".join(dict.fromkeys(p.strip() for a in said for p in a["place"].split(";") if p.strip())) or None,
            low=min((int(a["low"]) for a in said if a["low"]), default=None),
            high=max((int(a["high"]) for a in said if a["high"]), default=None),
            disputed=bool(differ), disagreement="; ".join(differ) or None,
            uncertain=uncertain(said, kind),
            source_id=essay_first[0]["source_id"], source_ids=_joined(a["source_id"] for a in said),
            attestations=len(said), paragraph=_joined(a["paragraph"] for a in essay_first),
            locator=next((a["locator"] for a in essay_first if a["locator"]), None),
            note=" ".join(dict.fromkeys(a["note"] for a in said if a["note"])) or None,
        ))
    found = pd.DataFrame(rows)
    for column in ("date_start", "date_end", "until_start", "until_end"):
        found[column] = pd.to_datetime(found[column], format="%Y-%m-%d")
    for column in ("low", "high"):
        found[column] = found[column].astype("Int64")
    return happenings.merge(found, on="happening_id", how="left", validate="one_to_one")


def _with_life_dates(people: pd.DataFrame, data_dir) -> pd.DataFrame:
    """People with the consensus dates of their birth and death: born_start, born_end, born_precision,
    born_place, born_disputed, born_source_ids, born_locator, and the same for died_."""
    lives = consensus(data_dir)
    # A person dies once (edition/data/claims.py): an execution, or a death drawn among the events,
    # is that person's death, and no separate death row repeats it.
    one_person = lives["person_ids"].notna() & ~lives["person_ids"].fillna("").str.contains(";")
    lives.loc[(lives["type"] == "event") & lives["kind"].isin(["death", "execution"]) & one_person, "type"] = "death"
    for kind, prefix in (("birth", "born"), ("death", "died")):
        dates = lives[lives["type"] == kind].rename(columns={
            "person_ids": "person_id", "date_start": f"{prefix}_start", "date_end": f"{prefix}_end",
            "date_precision": f"{prefix}_precision", "place": f"{prefix}_place", "disputed": f"{prefix}_disputed",
            "source_ids": f"{prefix}_source_ids", "locator": f"{prefix}_locator"})
        people = people.merge(dates[["person_id", f"{prefix}_start", f"{prefix}_end", f"{prefix}_precision",
                                     f"{prefix}_place", f"{prefix}_disputed", f"{prefix}_source_ids",
                                     f"{prefix}_locator"]],
                              on="person_id", how="left")
    return people


_tables: dict[tuple, pd.DataFrame] = {}  # per data directory, file state and table


def _table(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """One table of the package as a typed DataFrame (read once per state of the files: a build
    asks for the same tables twenty times)."""
    folder = Path(check(data_dir))
    with readlog.paused():
        key = (_state(folder), name)
    if key not in _tables:  # (a kernel's first load reads the file, so its read log has it)
        _tables[key] = _read_table(name, folder)
    return _tables[key].copy()


def _read_table(name: str, data_dir: Path) -> pd.DataFrame:
    import pandas as pd
    descriptor = package(data_dir)
    resources = {r["name"]: r for r in descriptor["resources"]}
    if name not in resources:
        raise DataError(f"No table named {name!r}; the tables are: {', '.join(resources)}.")
    resource = resources[name]
    frame = pd.read_csv(table_path(data_dir, name), dtype=str, keep_default_na=False, encoding="utf-8")
    for field in resource["schema"]["fields"]:
        frame[field["name"]] = _typed(frame[field["name"]], field)
    return frame


def _typed(column: pd.Series, field: dict) -> pd.Series:
    import pandas as pd
    empty = column == ""
    kind = field["type"]
    if kind == "date":
        return pd.to_datetime(column.where(~empty), format="%Y-%m-%d")
    if kind == "boolean":
        return column == "true"  # validated: every value is exactly 'true' or 'false'
    if kind == "integer":
        return pd.to_numeric(column.where(~empty)).astype("Int64")
    if kind == "number":  # the gazetteer's coordinates
        return pd.to_numeric(column.where(~empty)).astype("Float64")
    enum = field.get("constraints", {}).get("enum")
    if enum:
        return pd.Series(pd.Categorical(column.where(~empty), categories=enum), index=column.index, name=column.name)
    return column.mask(empty)  # empty text becomes missing


def references(data_dir: Path | str | None = None) -> pd.Series:
    """A short reference ("Author, Title"; the essay is "the essay") for every source, indexed
    by source_id: `events["source"] = events["source_id"].map(references())`."""
    import pandas as pd
    sources = load("sources", data_dir)
    text = (sources["author"].fillna("") + ", " + sources["title"]).str.strip(", ")
    text = text.mask(sources["source_id"] == "essay", "the essay")
    return pd.Series(text.values, index=sources["source_id"], name="reference")


# The one fact about the essay that no data file gives: the name of the ICC's English periodical in
# which it first appeared (chapters/index.md; no source seen gives its issue number or year).
PERIODICAL = "International Review"


def essay_facts(data_dir: Path | str | None = None) -> dict[str, str]:
    """The essay's author, title, publisher and first publication, from its row in the data
    (sources.csv, source_id `essay`: the container reads "<publisher>; French edition in <issue>"),
    for every title page, cover and citation. `first_published` is the words the title pages use."""
    row = load("sources", data_dir).set_index("source_id").loc["essay"]
    author, container = str(row["author"]), str(row["container"])
    publisher, _, french = (part.strip() for part in container.partition(";"))
    french = french.removeprefix("French edition in ")
    date = row["date_text"] if isinstance(row["date_text"], str) else "the copy this edition follows gives no date"
    given, _, family = author.rpartition(" ")
    return {"author": author, "given": given, "family": family, "title": str(row["title"]),
            "publisher": publisher, "periodical": PERIODICAL, "french_edition": french,
            "first_published": f"first published by the {publisher} in its {PERIODICAL} ("
                               + (f"in French in {french}; " if french else "") + f"{date})"}
