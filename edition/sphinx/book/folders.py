"""Sphinx plug-in: where the book's parts are, as settings of the build, not globals.

The folders are read from the book being built (`app.srcdir`, where _config.yml is), so the same
plug-ins build this book or a small one in tests/roots/ (edition_data_dir: data, edition_chapters_dir:
chapters; a relative folder is taken from the book's). Every plug-in asks here; the plain package
(edition.data, essay, charts ...) takes the folder as an argument.
"""
from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from edition.sphinx.book import register

# The edition package itself (its code, static files and print assets), wherever it is installed:
# not a folder of the book.
PACKAGE = Path(__file__).resolve().parents[2]

Build = Sphinx | BuildEnvironment  # both carry srcdir and config: a directive or transform passes self.env


def book_dir(app: Build) -> Path:
    """The book's own folder: _config.yml, CITATION.cff, references.bib."""
    return Path(app.srcdir)


def data_dir(app: Build) -> Path:
    """The data package: datapackage.json and its tables."""
    return Path(app.srcdir) / app.config.edition_data_dir


def chapters_dir(app: Build) -> Path:
    """The pages, the essay's chapters among them."""
    return Path(app.srcdir) / app.config.edition_chapters_dir


def setup(app: Sphinx) -> dict:
    return register(app, config={"edition_data_dir": ("data", "env", [str]),
                                 "edition_chapters_dir": ("chapters", "env", [str])})
