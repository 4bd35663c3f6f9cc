"""Load the companion dataset as typed pandas DataFrames.

    from edition.data import load
    events = load("events")

The package in data/ is checked first (see edition/validate.py); if anything is wrong, a DataError
says what, and no table is returned. Types come from data/datapackage.json:

    date      -> datetime64 (NaT when empty)
    boolean   -> bool
    integer   -> nullable Int64 (<NA> when empty)
    enum      -> pandas Categorical whose categories are the enum, in order
    string    -> str (';'-separated lists stay as they are)
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from edition import readlog
from edition.validate import validate

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

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


def _state(data_dir: Path) -> tuple:
    """What the validation result depends on: the data files and the chapter files, as they are now."""
    files = sorted(data_dir.glob("*")) + sorted((data_dir.parent / "chapters").glob("*.md"))
    return (str(data_dir),) + tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files if f.is_file())


def problems(data_dir: Path | str | None = None) -> list:
    """The validator's problems with the package (none: it is valid), checked once per process
    and again only if a file changed."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    with readlog.paused():  # validation reads every file; a notebook's own inputs are what it loads
        key = _state(data_dir)
        if key not in _checked:
            # The book's build validates before Sphinx starts and passes on what it checked.
            trusted = os.environ.get("EDITION_DATA_CHECKED") == _digest(key)
            _checked[key] = [] if trusted else validate(data_dir)
    return _checked[key]


def _digest(key: tuple) -> str:
    return hashlib.sha256(repr(key).encode()).hexdigest()


def state_digest(data_dir: Path | str | None = None) -> str:
    """A digest of the files validation depends on, as they are now (names, times, sizes)."""
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    with readlog.paused():
        return _digest(_state(data_dir))


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
                        f"Run `python -m edition.validate {data_dir}` for the full list.", found)
    return data_dir


def package(data_dir: Path | str | None = None) -> dict:
    """The descriptor (datapackage.json) as a dict."""
    data_dir = check(data_dir)
    return json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))


def tables(data_dir: Path | str | None = None) -> list[str]:
    """Names of the tables, in the descriptor's order."""
    return [r["name"] for r in package(data_dir)["resources"]]


def load(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """One table as a typed DataFrame."""
    descriptor = package(data_dir)
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    resources = {r["name"]: r for r in descriptor["resources"]}
    if name not in resources:
        raise DataError(f"No table named {name!r}; the tables are: {', '.join(resources)}.")
    resource = resources[name]
    frame = pd.read_csv(data_dir / resource["path"], dtype=str, keep_default_na=False, encoding="utf-8")
    for field in resource["schema"]["fields"]:
        frame[field["name"]] = _typed(frame[field["name"]], field)
    return frame


def load_all(data_dir: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """Every table, by name."""
    return {name: load(name, data_dir) for name in tables(data_dir)}


def _typed(column: pd.Series, field: dict) -> pd.Series:
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
    sources = load("sources", data_dir)
    text = (sources["author"].fillna("") + ", " + sources["title"]).str.strip(", ")
    text = text.mask(sources["source_id"] == "essay", "the essay")
    return pd.Series(text.values, index=sources["source_id"], name="reference")
