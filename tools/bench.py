"""Build-time and page-weight figures for this machine (run by `make bench`).

Works on a scratch copy of the repository, so nothing in the work tree is touched. Prints
medians over --repeat runs: the machine is shared and noisy, so single timings mean little.
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = [sys.executable, "-m", "edition.build", "html", "--verbose"]  # what `make book` runs


def build(copy: Path) -> tuple[float, list[float]]:
    """(wall seconds, seconds of each notebook executed) for one build of the copy."""
    start = time.perf_counter()
    # the copy's own edition package (and so its own data/) comes first on the path
    out = subprocess.run(BUILD, cwd=copy, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(copy)})
    took = time.perf_counter() - start
    if out.returncode:
        sys.exit(f"build failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return took, [float(s) for s in re.findall(r"Executed notebook in ([\d.]+) seconds", out.stdout + out.stderr)]


def edit(path: Path) -> None:
    """A real edit that changes no meaning: one more trailing newline."""
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")


def edit_csv(path: Path) -> None:
    """A real, valid data edit: one more word in the first happening's title."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0]["title"] += " (edited)"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=rows[0].keys(), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cold, nochange, chapter, csv, per_nb, executed = [], [], [], [], [], {}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "book"
        files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.split()
        for f in files:
            (copy / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, copy / f)
        for _ in range(args.repeat):
            shutil.rmtree(copy / "_build", ignore_errors=True)
            t, nbs = build(copy); cold.append(t); per_nb += nbs; executed["cold"] = len(nbs)
            t, nbs = build(copy); nochange.append(t); executed["no change"] = len(nbs)
            edit(copy / "chapters" / "workers-truth.md")
            t, nbs = build(copy); chapter.append(t); executed["one chapter edited"] = len(nbs)
            edit_csv(copy / "data" / "happenings.csv")
            t, nbs = build(copy); csv.append(t); executed["happenings.csv edited"] = len(nbs)
        html = copy / "_build" / "html"
        pages = [p for p in html.rglob("*.html") if "_static" not in p.parts]
        sizes = sorted(p.stat().st_size for p in pages)
        largest = max(pages, key=lambda p: p.stat().st_size)
        total = sum(p.stat().st_size for p in html.rglob("*") if p.is_file())
        plotly_pages = sum("plotly.min.js" in p.read_text(encoding="utf-8") for p in pages)

    med = statistics.median
    print(f"runs: {args.repeat} (medians)")
    print(f"cold build (venv ready):        {med(cold):6.1f} s   notebooks executed: {executed['cold']}")
    print(f"no-change rebuild:              {med(nochange):6.1f} s   notebooks executed: {executed['no change']}"
          f"   ratio to cold: {med(nochange) / med(cold):.2f}")
    print(f"rebuild, one chapter edited:    {med(chapter):6.1f} s   notebooks executed: {executed['one chapter edited']}")
    print(f"rebuild, happenings.csv edited: {med(csv):6.1f} s   notebooks executed: {executed['happenings.csv edited']}")
    if per_nb:
        print(f"notebook execution:             {med(per_nb):6.1f} s median, {max(per_nb):.1f} s slowest")
    print(f"HTML pages: {len(pages)}; bytes per page: median {med(sizes) / 1024:.0f} KB, "
          f"largest {sizes[-1] / 1024:.0f} KB ({largest.relative_to(html)})")
    print(f"pages that use plotly.js: {plotly_pages} (one shared _static/plotly.min.js)")
    print(f"total _build/html: {total / 1024 / 1024:.1f} MB")


if __name__ == "__main__":
    main()
