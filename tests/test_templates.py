"""The one theme block the edition overrides (edition/sphinx/web/templates/layout.html) is the pinned
pydata theme's, less Sphinx's search tools: when a new theme version changes the block, this fails
and says so, instead of the pages silently losing what the theme added."""
import re
from pathlib import Path

import pydata_sphinx_theme
import pytest

pytestmark = pytest.mark.check

OURS = Path(__file__).resolve().parents[1] / "edition" / "sphinx" / "web" / "templates" / "layout.html"
THEIRS = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "layout.html"
SEARCH_TOOLS = ("searchtools.js", "language_data.js", "searchindex.js")


def _block(text: str) -> str:
    found = re.search(r"\{%-? block extrahead %\}(.*?)\{%-? endblock extrahead %\}", text, re.S)
    assert found, "no extrahead block"
    return found.group(1)


def _lines(block: str) -> list[str]:
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_the_override_is_the_themes_block_without_the_search_tools():
    theirs = _lines(_block(THEIRS.read_text(encoding="utf-8")))
    start = next(i for i, line in enumerate(theirs) if "pagename == 'search'" in line)
    end = next(i for i, line in enumerate(theirs) if line.startswith("{% endif %}") and i > start)
    dropped = theirs[start:end + 1]
    assert all(any(tool in line for tool in SEARCH_TOOLS) or line.startswith(("{%", "{#", "experience"))
               for line in dropped), dropped
    assert sum(any(tool in line for tool in SEARCH_TOOLS) for line in dropped) == 3
    assert _lines(_block(OURS.read_text(encoding="utf-8"))) == theirs[:start] + theirs[end + 1:]


def test_the_block_mentions_no_search_tool():
    assert not any(tool in _block(OURS.read_text(encoding="utf-8")) for tool in SEARCH_TOOLS)
