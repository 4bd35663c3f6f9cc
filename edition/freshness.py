"""Sphinx plug-in: a notebook re-executes when the data it reads, or the edition code it
imports, changes.

jupyter-cache matches notebooks on their own code alone, so editing a CSV in data/ (or the chart
style in edition/charts.py) would otherwise leave charts stale. For each notebook we fingerprint
the tables it loads (from its `load("name")` calls; all of data/ if it reads data another way)
and the edition modules it imports; when the fingerprint differs from the one recorded beside
the cache, we drop that notebook's cache records and have Sphinx read it again. A build with
nothing changed re-executes nothing.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from jupyter_cache import get_cache
from sphinx.application import Sphinx
from sphinx.util import logging

from edition.data import DATA_DIR
from edition.plotly_html import edition_of

LOG = logging.getLogger(__name__)
LOADS = re.compile(r"""\bload\(\s*["'](\w+)["']""")
IMPORTS = re.compile(r"^from edition(?:\.(\w+))? import ([\w, ]+)", re.M)
PACKAGE = Path(__file__).resolve().parent
STATE = "edition-data-fingerprints.json"


def tables_read(source: str) -> list[str] | None:
    """The tables a notebook loads by name; None if it reads data some other way (take all)."""
    names = sorted(set(LOADS.findall(source)))
    other = "load_all(" in source or "DATA_DIR" in source or "data/" in source
    return None if other or not names else names


def modules_imported(source: str) -> list[Path]:
    """The edition modules a notebook imports (and the validator, which every data load runs)."""
    names = set()
    for module, imported in IMPORTS.findall(source):
        names.update([module] if module else [n.strip() for n in imported.split(",")])
    if "data" in names:
        names.add("validate")
    files = sorted(PACKAGE / f"{n}.py" for n in names if (PACKAGE / f"{n}.py").exists())
    if "essay" in names:  # it reads the essay's own chapter files
        from edition.essay import CHAPTERS, ESSAY
        files += [CHAPTERS / f"{name}.md" for name in ESSAY]
    return files


def fingerprint(tables: list[str] | None, modules: list[Path] = (), data_dir: Path = DATA_DIR) -> str:
    files = list(modules) + [data_dir / "datapackage.json"]
    files += sorted(data_dir.glob("*.csv")) if tables is None else [data_dir / f"{t}.csv" for t in tables]
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode() + b"\0" + (f.read_bytes() if f.exists() else b"(missing)"))
    return digest.hexdigest()


def is_notebook(text: str) -> bool:
    return text.startswith("---") and "kernelspec:" in text.split("\n---", 1)[0]


def _text(env, docname: str) -> str:
    path = Path(env.doc2path(docname))
    return path.read_text(encoding="utf-8") if path.suffix == ".md" else ""


def _outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    # All builders share one environment (_build/.doctrees): after an HTML build its notebook
    # pages hold the HTML outputs, so a print build must read them again from its own cache
    # (with PNGs), and the other way round. Reading is cheap; nothing is executed for it.
    edition = edition_of(app)
    reread = set()
    if getattr(env, "edition_outputs", None) != edition:
        reread = {d for d in env.found_docs if is_notebook(_text(env, d))}
    env.edition_outputs = edition
    cache_dir = Path(env.mystnb_config.execution_cache_path)
    state_file = cache_dir / STATE
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    stale = []
    for docname in sorted(env.found_docs):
        path = Path(env.doc2path(docname))
        text = _text(env, docname)
        if not is_notebook(text):
            continue
        now = fingerprint(tables_read(text), modules_imported(text))
        if state.get(str(path)) != now:
            if cache_dir.exists():
                cache = get_cache(cache_dir)
                for record in cache.list_cache_records():
                    if record.uri == str(path):
                        cache.remove_cache(record.pk)
            state[str(path)] = now
            stale.append(docname)
    if stale:
        LOG.info("data or edition code changed for: %s (will execute again)", ", ".join(stale))
        cache_dir.mkdir(parents=True, exist_ok=True)
        state_file.write_text(json.dumps(state, indent=1, sort_keys=True))
    return [d for d in sorted(set(stale) | reread) if d not in added and d not in changed]


def setup(app: Sphinx) -> dict:
    app.connect("env-get-outdated", _outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
