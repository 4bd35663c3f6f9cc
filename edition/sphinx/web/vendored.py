"""The web book's scripts from the npm registry, smaller than what the packages ship.

`make book` fetches them, exact versions checked against pinned checksums (Makefile: VENDORED,
tools/vendor-npm.sh), into .venv/vendor/; each HTML build copies them into _static/:

- plotly.js, the basic bundle (bar, pie and scatter traces: every chart of the book; tests/
  test_bundle.py draws them all and fails on a trace type the bundle lacks): 1.2 MB of script
  where plotly's full plotly.min.js is 4.8 MB. It must be the plotly.js version the pinned plotly
  (Python) writes its figures for: problem() says so before a build starts.
- Font Awesome: pydata-sphinx-theme's scripts/fontawesome.js holds every icon (1.5 MB of script
  on every page). The same Font Awesome (6.5.2, its own svg-core, which replaces each
  <i class="fa-..."> with an <svg> as the theme's does) with only the icons the pages and scripts
  name takes its place: about 70 KB.
"""
from __future__ import annotations

import json
import re
import sys
from importlib.util import find_spec
from pathlib import Path

from edition.derived import write_atomic

# Scripts fetched from the npm registry by `make book` (Makefile: VENDORED), beside the venv's
# packages: a folder of the installation, not of the book.
VENDOR = Path(sys.prefix) / "vendor"
PLOTLY = VENDOR / "plotly.js-basic-dist-min"
PLOTLY_JS = PLOTLY / "plotly-basic.min.js"
FONTAWESOME = VENDOR / "fortawesome-fontawesome-free"
FONTAWESOME_VERSION = "6.5.2"  # the theme's own (its fontawesome.js.LICENSE.txt), so the icons look the same
PACKS = ("solid", "regular", "brands")


def _version(folder: Path) -> str | None:
    try:
        return json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


def plotly_js_version() -> str:
    """The plotly.js version the installed plotly (Python) ships and writes figures for (read from
    its plotly.min.js's header, without importing plotly: the front door stays quick)."""
    shipped = Path(find_spec("plotly").origin).parent / "package_data" / "plotly.min.js"
    with shipped.open(encoding="utf-8") as f:
        return re.search(r"plotly\.js v(\d+\.\d+\.\d+)", f.read(400))[1]


def problem() -> str | None:
    """One line if a vendored script is missing or the wrong version, else None."""
    fetch = "`make book` fetches it (Makefile: VENDORED)"
    plotly = _version(PLOTLY)
    if plotly is None or not PLOTLY_JS.is_file():
        return f"plotly.js is not in {PLOTLY}: {fetch}."
    if plotly != plotly_js_version():
        return (f"{PLOTLY.name} is plotly.js {plotly}, but the installed plotly writes figures for plotly.js "
                f"{plotly_js_version()}: pin that version in the Makefile (PLOTLY_JS_NPM).")
    if _version(FONTAWESOME) != FONTAWESOME_VERSION:
        return f"Font Awesome {FONTAWESOME_VERSION} is not in {FONTAWESOME}: {fetch}."
    return None


ICON = re.compile(r'^    "([a-z0-9-]+)": \[\d+, \d+, \[([^\]]*)\]')
NAME = re.compile(rb"fa-([a-z0-9-]+)")


def icon_names(folder: Path) -> set[str]:
    """Every "fa-name" the built pages and their scripts mention (over-counting costs a few bytes:
    class names such as fa-solid or fa-lg match no icon)."""
    names = set()
    for path in [*folder.rglob("*.html"), *(folder / "_static").rglob("*.js")]:
        if path.name not in ("fontawesome.js", "plotly.min.js") and path.is_file():
            names.update(name.decode().strip("-") for name in NAME.findall(path.read_bytes()))
    return names


def icons_script(names: set[str]) -> str:
    """Font Awesome's icon packs cut to the icons named (by name or alias), then its core, which
    draws them (and any named later: it watches the page), as its documentation loads them."""
    parts = []
    for pack in PACKS:
        text = (FONTAWESOME / "js" / f"{pack}.js").read_text(encoding="utf-8")
        head, rest = text.split("  var icons = {\n", 1)
        body, tail = rest.split("\n  };\n", 1)
        kept = []
        for line in body.split("\n"):
            icon = ICON.match(line)
            if icon and ({icon[1]} | set(re.findall(r'"([a-z0-9-]+)"', icon[2]))) & names:
                kept.append(line.rstrip(","))
        if kept:
            parts.append(head + "  var icons = {\n" + ",\n".join(kept) + "\n  };\n" + tail)
    parts.append((FONTAWESOME / "js" / "fontawesome.min.js").read_text(encoding="utf-8"))
    return "\n".join(parts)


def _copy(app, exception) -> None:
    if exception is not None or app.builder.format != "html" or app.builder.name == "epub":
        return
    static = Path(app.outdir) / "_static"
    version = _version(PLOTLY)
    write_atomic(static / "plotly.min.js", PLOTLY_JS.read_bytes())
    notice = (f"{PLOTLY.name} {version} from the npm registry: plotly.js {version}, its basic bundle "
              f"(bar, pie and scatter traces)\n\n" + (PLOTLY / "LICENSE").read_text(encoding="utf-8"))
    write_atomic(static / "plotly.min.js.LICENSE.txt", notice.encode())
    # over the theme's copy (Sphinx copied the theme's static files just before this event)
    write_atomic(static / "scripts" / "fontawesome.js", icons_script(icon_names(Path(app.outdir))).encode())
    (static / "scripts" / "fontawesome.js.map").unlink(missing_ok=True)  # the theme's file's map


def setup(app) -> dict:
    from edition.sphinx.book import register

    return register(app, events=[("build-finished", _copy)])
