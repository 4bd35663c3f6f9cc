"""Make edition/coastline-110m.json, the maps' outlines, from Natural Earth's 1:110m land.

The source is `land-110m.json` of the npm package world-atlas 2.0.2 (Mike Bostock, ISC licence;
Natural Earth's land, public domain), a TopoJSON file. Run once by an editor, never at reading
time; the output is committed:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python tools/coastline.py package/land-110m.json

Every arc is decoded (TopoJSON stores quantised, delta-encoded points) and kept where it lies in
BOUNDS, cut where it leaves them; the map's axes crop what lies beyond. The earlier file stopped at
about 55 E (issue 25): the whole of every arc that crosses the box is now kept.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

BOUNDS = (-12.0, 22.0, 130.0, 78.0)  # west, south, east, north: Europe, North Africa, all of Russia to the Pacific
OUT = Path(__file__).resolve().parent.parent / "edition" / "coastline-110m.json"
SOURCE = ("Natural Earth 1:110m land (public domain), as TopoJSON in the npm package world-atlas 2.0.2 "
          "(ISC licence, Mike Bostock); its arcs decoded and cut to {w}W-{e}E, {s}N-{n}N by tools/coastline.py")


def arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute longitude/latitude points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, 2), round(y * sy + ty, 2)))
        out.append(points)
    return out


def inside(point, margin: float = 2.0) -> bool:
    west, south, east, north = BOUNDS
    return west - margin <= point[0] <= east + margin and south - margin <= point[1] <= north + margin


def cut(line: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """The runs of a line that lie in the box (with a margin, so the axes crop them at the edge)."""
    runs, run = [], []
    for point in line:
        if inside(point):
            run.append(point)
        else:
            if len(run) > 1:
                runs.append(run)
            run = []
    if len(run) > 1:
        runs.append(run)
    return runs


def main(path: str) -> None:
    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    lines = [[list(p) for p in run] for arc in arcs(topology) for run in cut(arc)]
    west, south, east, north = BOUNDS
    data = {"source": SOURCE.format(w=-west, e=east, s=south, n=north),
            "licence": "Natural Earth: public domain (naturalearthdata.com/about/terms-of-use). world-atlas: ISC.",
            "bounds": list(BOUNDS), "lines": lines}
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines)} lines, {sum(map(len, lines))} points")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "package/land-110m.json")
