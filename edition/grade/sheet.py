"""The marking sheet: one page with every student's written answers and charts, to read and score.

    SUBMISSIONS/marking.html        open it in a browser (no server, no network)
    SUBMISSIONS/marking/            plotly.js and the page's script, beside it

Each hand-marked exercise has a box for points and a comment; "Save marks" downloads marks.csv
(file, exercise, points, comment), which the next `make grade` adds to grades.csv and the
exports. What a student wrote is shown as text, never as markup: names and answers are escaped,
and the charts are drawn by plotly.js from their JSON with every tag but plotly's own few
formatting tags (br, b, i, sub, sup) written as text and no external images.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

from edition.checks.exercises import of
from edition.grade.handins import answer_text

SAFE_TAG = re.compile(r"<(?!/?(?:br|b|i|em|sub|sup)\s*/?>)", re.I)

SCRIPT = r"""
"use strict";
// Charts: each <script type="application/json" class="chart"> before a <div> holds one figure.
document.querySelectorAll("script.chart").forEach(function (data) {
  var fig = JSON.parse(data.textContent), box = data.nextElementSibling;
  if (window.Plotly) { Plotly.newPlot(box, fig.data || [], fig.layout || {}, {displaylogo: false, responsive: true}); }
  else { box.textContent = "(plotly.js did not load: the chart cannot be drawn here)"; }
});
// Marks: kept in the browser while you work, saved as marks.csv by the button.
var KEY = "edition-marks:" + document.body.dataset.sheet;
var saved = JSON.parse(localStorage.getItem(KEY) || "{}");
document.querySelectorAll(".mark").forEach(function (mark) {
  var id = mark.dataset.file + "\u0000" + mark.dataset.exercise, points = mark.querySelector("input.points"),
      comment = mark.querySelector("input.comment");
  if (saved[id]) { points.value = saved[id][0]; comment.value = saved[id][1]; }
  [points, comment].forEach(function (input) { input.addEventListener("input", function () {
    saved[id] = [points.value, comment.value]; localStorage.setItem(KEY, JSON.stringify(saved)); }); });
});
function cell(text) { text = String(text); if (/^[=+\-@\t\r]/.test(text)) { text = "'" + text; }
  return '"' + text.replace(/"/g, '""') + '"'; }
document.getElementById("save").addEventListener("click", function () {
  var lines = ["file,exercise,points,comment"];
  document.querySelectorAll(".mark").forEach(function (mark) {
    var points = mark.querySelector("input.points").value.trim();
    if (points !== "") { lines.push([mark.dataset.file, mark.dataset.exercise, points,
                                    mark.querySelector("input.comment").value].map(cell).join(",")); }
  });
  var link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([lines.join("\n") + "\n"], {type: "text/csv"}));
  link.download = "marks.csv"; document.body.appendChild(link); link.click(); link.remove();
  document.getElementById("saved").textContent = (lines.length - 1) + " marks saved as marks.csv (in your downloads): " +
    "put it in the hand-ins folder and grade again.";
});
"""

STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem; color: #1b1b1b; background: #fff; }
@media (prefers-color-scheme: dark) { body { color: #e8e8e8; background: #161616; } input { background: #222; color: #e8e8e8; } }
header { padding: .5rem 0; border-bottom: 1px solid #888; }
#save { position: fixed; right: 1rem; bottom: 1rem; z-index: 2; box-shadow: 0 1px 4px #0006; }
section.hand-in { border-bottom: 2px solid #888; padding: 1rem 0; }
.answer { white-space: pre-wrap; overflow-wrap: anywhere; border-left: 3px solid #888; padding: .25rem .75rem; margin: .5rem 0; }
pre.code { white-space: pre-wrap; overflow-wrap: anywhere; font-size: .9rem; border-left: 3px solid #888; padding: .25rem .75rem; }
.mark { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.mark input.points { width: 5rem; } .mark input.comment { flex: 1 1 15rem; min-width: 0; }
.notes { font-size: .9rem; }
.chart { width: 100%; min-height: 320px; }
button { font-size: 1rem; padding: .4rem 1rem; }
"""


def _safe_figure(text: str) -> str:
    """The figure's JSON with tags written as text and no outside images, ready for a <script> element."""
    def clean(value):
        if isinstance(value, str):
            return SAFE_TAG.sub("&lt;", value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in ("images", "source")}
        return value
    try:
        figure = clean(json.loads(text))
    except ValueError:
        return ""
    return json.dumps(figure).replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def number(value: float | None) -> str:
    """Points as a teacher writes them: 3, 1.5, 1.33; nothing for none."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def marking_sheet(graded: list, assets: Path, marks: dict) -> str:
    """The page (its scripts written into `assets`, the folder beside it)."""
    import plotly
    from edition.derived import write_atomic
    write_atomic(assets / "plotly.min.js", (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes())
    write_atomic(assets / "sheet.js", SCRIPT.encode("utf-8"))
    e = html.escape
    parts = []
    counted = sorted((g for g in graded if g.hand_in.counted and g.hand_in.notebook),
                     key=lambda g: (g.hand_in.student.casefold(), g.hand_in.relative))
    for g in counted:
        h = g.hand_in
        parts.append(f'<section class="hand-in"><h2>{e(h.student)}: {e(h.notebook)}</h2>'
                     f'<p class="notes">{e(h.relative)}' + "".join(f"<br>{e(n)}" for n in h.notes + g.notes) + "</p>")
        for exercise in of(h.notebook):
            code, words = answer_text(h, exercise.label)
            parts.append(f"<h3>{e(exercise.name)}</h3>")
            if exercise.checked:
                got = g.points.get(exercise.label)
                parts.append(f"<p>Checked: {e(number(got) if got is not None else '0')} of {exercise.points} points.</p>")
            if words.strip():
                parts.append(f'<div class="answer">{e(words)}</div>')
            if code.strip() and not exercise.checked:
                parts.append(f'<pre class="code">{e(code)}</pre>')
            if not exercise.checked and not (words.strip() or code.strip()):
                parts.append("<p><em>No answer written.</em></p>")
            if exercise.label in g.charts and code.strip():  # an unanswered exercise's `fig` is the book's chart
                figure = _safe_figure(g.charts[exercise.label])
                if figure:
                    parts.append(f'<script type="application/json" class="chart">{figure}</script>'
                                 f'<div class="chart" role="img" aria-label="{e(h.student)}\'s chart for {e(exercise.name)}"></div>')
            if not exercise.checked:
                points, comment = marks.get((h.relative, exercise.label), (None, ""))
                ident = f"m-{len(parts)}"
                parts.append(f'<div class="mark" data-file="{e(h.relative)}" data-exercise="{e(exercise.label)}">'
                             f'<label for="{ident}">Points (0 to {exercise.points})</label>'
                             f'<input class="points" id="{ident}" type="number" min="0" max="{exercise.points}" step="0.5" '
                             f'value="{e(number(points)) if points is not None else ""}">'
                             f'<label for="{ident}-c">Comment</label>'
                             f'<input class="comment" id="{ident}-c" type="text" value="{e(comment)}"></div>')
        parts.append("</section>")
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>Marking sheet</title>'
            f'<style>{STYLE}</style></head><body data-sheet="{e(str(assets.parent.name))}">'
            f'<header><h1>Marking sheet: {len(counted)} hand-ins</h1>'
            f'<p>Score the exercises marked by hand, then press <button id="save" type="button">Save marks</button> '
            f'(bottom right) and put <code>marks.csv</code> in the hand-ins folder; the next grading adds the '
            f'marks to <code>grades.csv</code>. Your marks are kept in this browser until you save them. '
            f'<span id="saved" role="status"></span></p></header>'
            + "".join(parts) +
            '<script src="marking/plotly.min.js"></script><script src="marking/sheet.js"></script></body></html>')
    return page
