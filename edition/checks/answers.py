"""A student's answers as plain data: written by the notebook's kernel, read by the grader.

While grading (edition/grade/), each "Check your answer" cell of a hand-in is replaced by a cell
that calls `export(label, globals())`: it shows the values of the exercise's answer variables
(edition/checks/exercises.py) as one JSON output of its own type, and the grader runs the checks
on them in its own process. Only data crosses: tables as JSON tables, charts as plotly's JSON,
single values and lists as JSON. Nothing the student's kernel makes is ever unpickled or run by
the grader, so no object, patch or file of the student's can take part in a verdict; at most a
student can hand over values, which is what an answer is.

`decode` is the grader's side: every payload is size-checked and parsed into plain pandas and
plotly objects; anything else becomes a stand-in that only says what type it was ("`fig` should be
a plotly chart, but it is a list").
"""
from __future__ import annotations

import json
import math
import re
from io import StringIO

MIME = "application/vnd.edition.answers+json"
MAX_VALUE = 5_000_000   # characters of JSON for one variable; a bigger one is handed over as "too large"
MAX_ITEMS = 10_000      # items of a list
MISSING = {"type": "missing"}


def encode(value) -> dict:
    """One value as JSON-able data (in the student's kernel)."""
    import numpy as np
    import pandas as pd
    try:
        import plotly.basedatatypes
        import plotly.utils
        figure_types = (plotly.basedatatypes.BaseFigure,)
    except ImportError:  # pragma: no cover - the notebooks always have plotly
        figure_types = ()
    if value is None:
        return {"type": "none"}
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (bool, int, float, str)):
        if isinstance(value, float) and not math.isfinite(value):
            return {"type": "float", "value": repr(value)}
        if isinstance(value, str) and len(value) > MAX_VALUE:
            return {"type": "opaque", "class": "str", "why": "too large"}
        return {"type": "scalar", "value": value}
    if isinstance(value, pd.DataFrame):
        return _sized({"type": "frame", "json": _frame_json(value)}, "DataFrame")
    if isinstance(value, pd.Series):
        return _sized({"type": "series", "name": str(value.name) if value.name is not None else None,
                       "json": _frame_json(value.to_frame(name="__value__"))}, "Series")
    if figure_types and isinstance(value, figure_types):
        data = json.dumps(value.to_dict(), cls=plotly.utils.PlotlyJSONEncoder)
        return _sized({"type": "figure", "json": data}, "Figure")
    if isinstance(value, (list, tuple, set, frozenset)) and len(value) <= MAX_ITEMS:
        items = [encode(v) for v in (sorted(value, key=str) if isinstance(value, (set, frozenset)) else value)]
        return {"type": "list", "class": type(value).__name__, "items": items}
    return {"type": "opaque", "class": type(value).__name__}


def _frame_json(frame) -> str:
    try:
        return frame.to_json(orient="table", date_format="iso", default_handler=str)
    except Exception:  # duplicate or clashing names: the values still travel, without the schema
        return frame.reset_index(drop=True).to_json(orient="split", date_format="iso", default_handler=str)


def _sized(encoded: dict, name: str) -> dict:
    if len(encoded.get("json", "")) > MAX_VALUE:
        return {"type": "opaque", "class": name, "why": "too large"}
    return encoded


def export(label: str, namespace: dict) -> None:
    """Show the answers of exercise `label` as one output of type MIME (the grader's cell calls it)."""
    from IPython.display import display
    from edition.checks.exercises import EXERCISES
    values = {}
    for name in EXERCISES[label].answers:
        try:
            values[name] = encode(namespace[name]) if name in namespace else MISSING
        except Exception as error:  # an object that will not turn into data: say what it was
            values[name] = {"type": "opaque", "class": type(namespace[name]).__name__, "why": type(error).__name__}
    display({MIME: {"exercise": label, "values": values}}, raw=True)


def export_given(label: str, namespace: dict) -> None:
    """Show every table, chart and value the notebook holds at `label`'s check (the grader's
    reference run of the unanswered notebook: what the checks take as given)."""
    import types
    from IPython.display import display
    values = {}
    for name, value in list(namespace.items()):
        if name.startswith("_") or name in ("In", "Out", "exit", "quit") or callable(value) \
                or isinstance(value, types.ModuleType):
            continue
        encoded = encode(value)
        if encoded["type"] != "opaque":
            values[name] = encoded
    display({MIME: {"exercise": label, "values": values}}, raw=True)


# --- the grader's side ----------------------------------------------------------------------

class Opaque:
    """A stand-in for a value that did not travel as data: only its type's name."""


def _stand_in(class_name: str, why: str = ""):
    name = re.sub(r"\W", "", str(class_name))[:40] or "object"
    return type(name, (Opaque,), {"why": why})()


def decode(encoded) -> object:
    """A value from its JSON form (in the grader); raises KeyError for a missing variable."""
    import pandas as pd
    if not isinstance(encoded, dict):
        return _stand_in("object", "not an answer")
    kind = encoded.get("type")
    if kind == "missing":
        raise KeyError("missing")
    if kind == "none":
        return None
    if kind == "scalar" and isinstance(encoded.get("value"), (bool, int, float, str)):
        return encoded["value"]
    if kind == "float" and encoded.get("value") in ("nan", "inf", "-inf"):
        return float(encoded["value"])
    if kind in ("frame", "series") and isinstance(encoded.get("json"), str) and len(encoded["json"]) <= MAX_VALUE:
        try:
            text = encoded["json"]
            orient = "table" if '"schema"' in text[:200] else "split"
            frame = pd.read_json(StringIO(text), orient=orient)
        except Exception:
            return _stand_in("DataFrame" if kind == "frame" else "Series", "could not be read")
        if kind == "series":
            series = frame["__value__"] if "__value__" in frame.columns else frame.iloc[:, 0]
            series.name = encoded.get("name")
            return series
        return frame
    if kind == "figure" and isinstance(encoded.get("json"), str) and len(encoded["json"]) <= MAX_VALUE:
        import plotly.graph_objects as go
        from edition.charts import plain_arrays
        try:
            return go.Figure(plain_arrays(json.loads(encoded["json"])))
        except Exception:
            return _stand_in("Figure", "could not be read")
    if kind == "list" and isinstance(encoded.get("items"), list) and len(encoded["items"]) <= MAX_ITEMS:
        items = []
        for item in encoded["items"]:
            try:
                items.append(decode(item))
            except KeyError:
                items.append(None)
        return tuple(items) if encoded.get("class") == "tuple" else items
    return _stand_in(encoded.get("class", "object"), str(encoded.get("why", "")))


def decode_all(values: dict) -> dict:
    """{name: value} for every variable that was there (a missing one is left out)."""
    found = {}
    for name, encoded in values.items() if isinstance(values, dict) else ():
        try:
            found[str(name)] = decode(encoded)
        except KeyError:
            pass
    return found
