"""Could jupyter-cache's own parallel executor run the book's notebooks instead of
edition/sphinx/book/parallel.py? (issue 27, item 4). Times both on the book's notebooks, cold, each into
a fresh cache, and prints the medians:

- jupyter-cache: the notebooks added to a cache's project (myst-nb's reader plugin, so the key is
  the one myst-nb looks up) and `load_executor("local-parallel").run_and_cache()`;
- ours: parallel.Execution, one thread per notebook and a kernel per core, as a build starts them.

    .venv/bin/python tools/bench_executors.py [RUNS]
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NOTEBOOKS = [ROOT / "chapters" / f"{n}.md" for n in ("chronology", "membership", "publications", "repression")]


def jupyter_cache_run() -> float:
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    with tempfile.TemporaryDirectory() as folder:
        cache = get_cache(folder)
        for path in NOTEBOOKS:
            cache.add_nb_to_project(str(path), read_data={"name": "myst_nb_md", "type": "plugin"})
        start = time.perf_counter()
        result = load_executor("local-parallel", cache).run_and_cache(timeout=300)
        seconds = time.perf_counter() - start
        assert len(result.succeeded) == len(NOTEBOOKS), result
        return seconds


def ours_run() -> float:
    from edition.sphinx.book.parallel import Execution, cores

    slots = threading.Semaphore(cores())
    jobs = [Execution(jupytext.read(path), path, 300, False, dict(os.environ)) for path in NOTEBOOKS]
    start = time.perf_counter()
    threads = [threading.Thread(target=job.run, args=(slots,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    assert not [job.error for job in jobs if job.error], [job.error for job in jobs]
    return seconds


def main(runs: int) -> None:
    times: dict[str, list[float]] = {"jupyter-cache local-parallel": [], "edition/sphinx/book/parallel.py": []}
    for _ in range(runs):  # alternated, so a change of load falls on both
        times["jupyter-cache local-parallel"].append(jupyter_cache_run())
        times["edition/sphinx/book/parallel.py"].append(ours_run())
    for name, found in times.items():
        print(f"{name:30} median {statistics.median(found):5.1f} s  (runs: {', '.join(f'{t:.1f}' for t in found)})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
