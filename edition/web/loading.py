"""When a page's scripts run: the theme's and extensions' small scripts deferred (issue 29).

Sphinx, sphinx-book-theme, sphinx-copybutton, sphinx-togglebutton and sphinx-design put their
scripts in <head> as blocking scripts. On a phone over 4G the browser then stops reading the page
until the last of them has arrived (each a round trip), and the page's charts wait behind them.
Each of these scripts waits for the page itself before it does anything (DOMContentLoaded or
document.readyState), so `defer` changes only when they are fetched and run, not what they do:
they still run, in this order, before DOMContentLoaded. documentation_options.js stays as it is:
the inline script after it sets DOCUMENTATION_OPTIONS.pagename while the page is read (and, as a
blocking script after the style sheets, it keeps the charts from starting before the styles have
loaded: _static/plotly-figures.js).
"""
from __future__ import annotations

from pathlib import PurePosixPath

from sphinx.application import Sphinx

from edition.book import register

DEFERRED = {"doctools.js", "sphinx_highlight.js", "clipboard.min.js", "copybutton.js", "sphinx-book-theme.js",
            "togglebutton.js", "design-tabs.js"}


def deferred(script):
    """The script with `defer` if it is one of DEFERRED and has no loading attribute of its own."""
    filename = getattr(script, "filename", None)
    attributes = dict(getattr(script, "attributes", None) or {})
    if not filename or PurePosixPath(str(filename).split("?")[0]).name not in DEFERRED \
            or {"async", "defer"} & set(attributes):
        return script
    return type(script)(filename, priority=script.priority, **attributes, defer="defer")


def _defer(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # the search page's template loads Sphinx's searchtools.js as a blocking script, which calls
    # doctools.js's _ready() as it runs: that page keeps them all as they are
    if "script_files" in context and pagename != "search":
        context["script_files"] = [deferred(script) for script in context["script_files"]]


def setup(app: Sphinx) -> dict:
    return register(app, events=[("html-page-context", _defer, 990)])  # after every script is added
