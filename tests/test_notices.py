"""Third-party files carry their notices (issue 26, item 10): THIRD-PARTY.md names every file the
repository vendors and every file of others that a build copies into the web book, and every zip
(each notebook page's download, the classroom and the teacher's zips) carries it."""
from __future__ import annotations

import fnmatch
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

import edition.classroom.zip as classroom
from edition.paths import ROOT

NOTICE = ROOT / "THIRD-PARTY.md"
# Files of others kept in the repository, beyond the folder that holds nothing else (tests/vendor/)
VENDORED_ELSEWHERE = ["edition/coastline-110m.json"]
# What the edition writes into _build/html/_static itself (its own files, under LICENSE)
OWN_STATIC = ["edition.css", "edition.js", "plotly-figures.js", "previews.css", "previews.js", "search.js",
              "edition-search-index.js", "citations/*"]


def named() -> list[str]:
    """Every path or pattern the notice names (in backticks)."""
    return re.findall(r"`([^`\s]+)`", NOTICE.read_text(encoding="utf-8"))


def vendored() -> list[str]:
    tracked = subprocess.run(["git", "ls-files", "tests/vendor"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    return sorted(tracked) + VENDORED_ELSEWHERE


@pytest.mark.check
def test_every_vendored_file_is_named_in_the_notice():
    assert "tests/vendor/axe.min.js" in vendored()
    missing = [path for path in vendored() if path not in named()]
    assert not missing, f"THIRD-PARTY.md does not name {missing}"


@pytest.mark.check
def test_the_notice_gives_the_pinned_plotly_and_its_plotly_js():
    import plotly

    shipped = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")[:300]
    js = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", shipped)[1]
    pinned = re.search(r"^plotly==(\S+)$", (ROOT / "requirements.txt").read_text(encoding="utf-8"), re.M)[1]
    text = NOTICE.read_text(encoding="utf-8")
    # the web book's bundle (Makefile: PLOTLY_JS_NPM) is of that version too
    bundle = re.search(r"^PLOTLY_JS_NPM := plotly\.js-basic-dist-min (\S+) ", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)[1]
    assert bundle == js
    assert f"plotly.js {js}, its basic bundle (`plotly.js-basic-dist-min` {bundle} from the npm registry" in text
    assert f"the plotly.js that the pinned plotly (Python) {pinned} writes its figures for" in text


@pytest.mark.check
def test_every_zip_carries_the_notice(tmp_path):
    notice = NOTICE.read_bytes()
    assert classroom.kit_files()[classroom.NOTICE] == NOTICE
    assert classroom.kit_files(teacher=True)[classroom.NOTICE] == NOTICE
    zips = [classroom.notebook_zip("chronology", tmp_path / "page"), classroom.build(tmp_path / "class"),
            tmp_path / "class" / f"{classroom.TEACHER}.zip"]
    for path in zips:
        with zipfile.ZipFile(path) as z:
            top = z.namelist()[0].split("/")[0]
            assert z.read(f"{top}/THIRD-PARTY.md") == notice, path.name


@pytest.mark.book
def test_every_file_of_others_in_the_web_book_is_named_in_the_notice(html_dir):
    static = html_dir / "_static"
    shipped = sorted(p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file())
    assert "plotly.min.js" in shipped and "vendor/fontawesome/webfonts/fa-solid-900.woff2" in shipped
    patterns = named() + OWN_STATIC
    missing = [f for f in shipped if not any(fnmatch.fnmatchcase(f, p) for p in patterns)]
    assert not missing, f"THIRD-PARTY.md does not name {missing}"
