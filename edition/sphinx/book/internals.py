"""Every reach into another package's internals, in one place.

Each function below uses something its package does not promise to keep: a private name, or a
public attribute whose behaviour we rely on beyond what is documented. Each says why there is no
public way and what it relies on; tests/test_internals.py exercises exactly that against the
installed (exactly pinned) version and names the pin when it changes. Imports are local, so that
edition.build can use the first without importing Sphinx.

Elsewhere, on purpose: edition/grade/runner.py overrides nbclient's `_async_handle_timeout` (it
runs in the sandbox with nbclient alone, no edition package; tested in tests/test_internals.py),
and edition/sphinx/web/static/plotly-figures.js reads plotly.js's `gd._fullLayout`.
"""
from __future__ import annotations

import contextlib
from pathlib import Path


def run_exit_handlers() -> None:
    """Run the atexit handlers now (Python 3.11). A forked build child ends with os._exit to skip
    tearing down its objects, which skips atexit too; the handlers must still run (no kernel
    outlives the build). The atexit module has no public call for it: sys.exit would tear down."""
    import atexit

    atexit._run_exitfuncs()


def kill_kernel(client) -> None:
    """Kill the kernel of an nbclient NotebookClient that another thread is running (jupyter_client
    8.10.0). The manager's own shutdown and kill are coroutines bound to the executing thread's
    event loop; the local provisioner's `process` (a subprocess.Popen) can be killed from any
    thread. Nothing to do if the client has not started a kernel yet or it has ended."""
    process = getattr(getattr(getattr(client, "km", None), "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        process.kill()


def read_notebook(path: Path, text: str, env):
    """The notebook at `path` as myst-nb 1.4.0 reads the page (`myst_nb.core.read.create_nb_reader`,
    not in its documented API), so that the jupyter-cache key computed from it is the one myst-nb
    will look up; None if myst-nb does not read it as a notebook."""
    from myst_nb.core.read import create_nb_reader

    reader = create_nb_reader(str(path), env.myst_config, env.mystnb_config, text)
    return None if reader is None else reader.read(text)


def execution_record(env, docname: str) -> dict:
    """What myst-nb 1.4.0 recorded of the page's execution ({"succeeded", "traceback", ...}; {} if
    it executed nothing): kept on the environment by `myst_nb.sphinx_.NbMetadataCollector`, with
    no public accessor."""
    from myst_nb.sphinx_ import NbMetadataCollector

    return NbMetadataCollector.get_exec_data(env, docname) or {}


def exercises(env) -> dict:
    """sphinx-exercise 1.2.1's exercises and solutions, {label: {"docname", "type", "node"}}: the
    store it keeps on the environment (`env.sphinx_exercise_registry`), with no public accessor."""
    return getattr(env, "sphinx_exercise_registry", {})


@contextlib.contextmanager
def bibliographies_apart(env):
    """Within the block, resolving a page leaves sphinxcontrib-bibtex 2.7.0's bibliographies as they
    were. Its BibliographyTransform appends each formatted entry to the citation node it keeps in
    the domain (`BibliographyValue.citation_nodes`) rather than to a copy: resolving a page twice
    would print each entry twice. The block works on deep copies and puts the originals back."""
    kept = [(b.citation_nodes, dict(b.citation_nodes)) for b in env.get_domain("cite").bibliographies.values()]
    for nodes_of, originals in kept:
        nodes_of.update({key: node.deepcopy() for key, node in originals.items()})
    try:
        yield
    finally:
        for nodes_of, originals in kept:
            nodes_of.clear()
            nodes_of.update(originals)
