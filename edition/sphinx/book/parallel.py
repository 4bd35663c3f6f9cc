"""The notebooks a build must execute run side by side, while Sphinx reads the other pages.

Sphinx reads one page at a time, and myst-nb executes a notebook when it reads its page, so a cold
build ran its four notebooks one after another (20 s of its 48 s on two cores). Now, when Sphinx
has worked out what to read (freshness._outdated), every notebook the jupyter-cache cannot answer
starts at once, one kernel per core, each with its own read log. When Sphinx reaches a notebook's
page it waits for that execution and puts the notebook in the cache, where myst-nb finds it.

Nothing else changes: the cache key is myst-nb's (the notebook read by myst-nb's own reader), the
build still logs "Executing notebook" and "Executed notebook in N seconds" for each, and a notebook
whose execution failed is left out of the cache, so myst-nb executes it again in the usual way and
reports the failing cell as it always has. Ctrl-C (or any failure) kills the kernels still running.
"""
from __future__ import annotations

import atexit
import os
import re
import threading
import time
from pathlib import Path

from nbformat import NotebookNode
from sphinx.util import logging

from edition.sphinx.book import internals

LOG = logging.getLogger(__name__)


class Execution:
    """One notebook executing in a worker thread (its kernel is a process of its own)."""

    def __init__(self, notebook, path: Path, timeout: int | None, allow_errors: bool, env: dict):
        self.notebook, self.path = notebook, path
        self.timeout, self.allow_errors, self.env = timeout, allow_errors, env
        self.seconds, self.error, self.client = 0.0, None, None
        self.done = threading.Event()

    def run(self, slots: threading.Semaphore) -> None:
        from nbclient import NotebookClient

        with slots:
            if _cancelled.is_set():
                self.error = KeyboardInterrupt()
                self.done.set()
                return
            start = time.perf_counter()
            try:
                # record_timing=False and the cwd: as jupyter-cache's single_nb_execution, which myst-nb uses
                self.client = NotebookClient(self.notebook, timeout=self.timeout, allow_errors=self.allow_errors,
                                             record_timing=False, resources={"metadata": {"path": str(self.path.parent)}})
                self.client.execute(env=self.env)  # reaches the kernel's launch: its own read log
            except BaseException as err:  # a failing cell, a dead kernel, an interrupted build
                self.error = err
            finally:
                self.seconds = time.perf_counter() - start
                self.done.set()

    def kill(self) -> None:
        internals.kill_kernel(self.client)


_running: dict[str, Execution] = {}  # docname: its execution, until Sphinx reads the page
_cancelled = threading.Event()  # set by stop(): executions still waiting for a core never start


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def read_notebook(env, docname: str):
    """The notebook as myst-nb reads the page (so that the cache key is the one it will look up),
    with the configuration its own metadata gives it."""
    path = Path(env.doc2path(docname))
    nb_config = env.mystnb_config
    notebook = internals.read_notebook(path, path.read_text(encoding="utf-8"), env)
    if notebook is None:
        return None, nb_config
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    for pattern, alias in (nb_config.kernel_rgx_aliases or {}).items():  # as myst-nb's parser does
        if kernel is not None and re.fullmatch(pattern, kernel):
            notebook.metadata["kernelspec"]["name"] = alias
            break
    if nb_config.metadata_key in notebook.metadata:
        overrides = _plain(notebook.metadata[nb_config.metadata_key])
        overrides.pop("output_folder", None)
        try:
            nb_config = nb_config.copy(**overrides)
        except Exception:  # myst-nb warns about it when it reads the page
            pass
    return notebook, nb_config


def _plain(item):
    """A notebook node as plain dicts, all the way down (as myst-nb's nb_node_to_dict)."""
    return {key: _plain(value) for key, value in item.items()} if isinstance(item, NotebookNode) else item


def start(app, docnames: list[str], env_for) -> None:
    """Start executing the notebooks among `docnames` that the cache has no record of.
    `env_for(docname)` is the environment its kernel starts with (where it logs what it reads)."""
    from jupyter_cache import get_cache

    env = app.env
    config = env.mystnb_config
    if config.execution_mode != "cache" or config.execution_excludepatterns or config.execution_in_temp or cores() < 2:
        return  # myst-nb executes them one by one, as it would without this
    cache = get_cache(config.execution_cache_path)
    _cancelled.clear()
    atexit.register(stop)  # however the build ends, no kernel outlives it
    slots = threading.Semaphore(cores())
    for docname in sorted(docnames):  # Sphinx reads pages in this order: the first it needs starts first
        notebook, nb_config = read_notebook(env, docname)
        if notebook is None:
            continue
        try:
            cache.match_cache_notebook(notebook)
            continue  # cached: myst-nb merges the outputs, nothing to execute
        except KeyError:
            pass
        meta = notebook.metadata.get("execution", {})  # as single_nb_execution's meta_override
        job = Execution(notebook, Path(env.doc2path(docname)), meta.get("timeout", nb_config.execution_timeout),
                        meta.get("allow_errors", nb_config.execution_allow_errors), env_for(docname))
        _running[docname] = job
        LOG.info("Executing notebook (side by side with the others)", location=docname)
        threading.Thread(target=job.run, args=(slots,), name=f"execute {docname}", daemon=True).start()


def collect(app, docname: str) -> bool:
    """Wait for this page's notebook, if it was started; cache it if it succeeded. True if cached."""
    job = _running.pop(docname, None)
    if job is None:
        return False
    try:
        while not job.done.wait(0.5):  # a short wait at a time: Ctrl-C is seen at once
            pass
    except BaseException:
        stop()
        raise
    if job.error is not None:
        return False  # myst-nb executes it again and reports the failing cell
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(app.env.mystnb_config.execution_cache_path)
    cache.cache_notebook_bundle(CacheBundleIn(job.notebook, str(job.path), data={"execution_seconds": job.seconds}),
                                check_validity=False, overwrite=True)
    LOG.info("Executed notebook in %.2f seconds", job.seconds, location=docname)
    return True


def stop() -> None:
    """Kill every kernel still running (an interrupted or failed build)."""
    _cancelled.set()
    for job in list(_running.values()):
        job.kill()
    _running.clear()
