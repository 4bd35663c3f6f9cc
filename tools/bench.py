"""Build-time and page-weight figures for this machine (run by `make bench`).

Works on a scratch copy of the repository, so nothing in the work tree is touched. The machine is
shared and noisy, so it prints medians over --repeat runs, beside the floor (what Sphinx alone
takes, measured in the same run) and the previous run's figures, kept in _build/bench.json:

    no change        a build with nothing changed (the front door that `make book` runs)
    floor            a bare `sphinx-build` no-op of the same pages with the same theme (Jupyter
                     Book's configuration without the edition's plug-ins, no notebook execution)
    chapter edit     one paragraph of the editors' in an essay chapter edited (no notebook reads it)
    watch edit       the same edit under `make watch`: from saving the file to "Built in"
    edit to browser  the same, to the page open in Chromium reloaded by `make watch` with the edit
    essay edit       one of the author's paragraphs edited: only the notebooks that read the essay run
    CSV edit         one cell of data/happenings.csv edited: only the notebooks that read it run
    after a failure  the build after one that failed on a broken link, the link mended: it reads
                     again the page that warned, not every page (edition/sphinx/book/warned.py)
    cold             a first build (venv ready, nothing built)
    fresh clone      `make book` in a new clone of the committed tree (venv, pinned packages and
                     build), the packages' install time apart; once per run (--fresh 0 leaves it out)
    pdf              `make pdf` (Typst, tagged) right after the HTML book: it draws the charts
                     from the HTML build's outputs, executing no notebook (--pdf 0 leaves it out)
    check            the tests of `make check`, in the work tree (--check 0 leaves it out)
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import re
import resource
import signal
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from scratch import append_to_cell, copy_tree  # tools/scratch.py, shared with the tests

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "_build" / "bench.json"
FRONT_DOOR = [sys.executable, "-m", "edition.build"]  # what `make book` and `make pdf` run
TARGETS = {"no change": "<= 2 s, floor + 1.5 s", "chapter edit": "<= 4 s, 0 notebooks", "watch edit": "<= 4 s, 0 notebooks",
           "edit to browser": "<= 1 s (issue 29)", "essay edit": "its readers only",
           "CSV edit": "its readers only", "fresh clone": "<= 60 s", "pdf": "0 notebooks, <= 40 s", "check": "< 30 s"}


CPU = {}  # figure: CPU seconds (user + system) of its runs, the processes it started included


def cpu_seconds() -> float:
    """CPU time of every finished child process so far: steadier than wall time on a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(copy: Path, edition: str = "html") -> tuple[float, list[str]]:
    """(wall seconds, notebooks executed) for one build of the copy."""
    start = time.perf_counter()
    # the copy's own edition package (and so its own data/) comes first on the path
    out = subprocess.run([*FRONT_DOOR, edition, "--verbose"], cwd=copy, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(copy)})
    took = time.perf_counter() - start
    if out.returncode:
        sys.exit(f"build failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    executed = re.search(r"notebooks executed: (.*)\.$", out.stdout, re.M)
    return took, [] if not executed or executed[1] == "none" else executed[1].split(", ")


def watch_edits(copy: Path, runs: int) -> list[tuple[float, float, list[str]]]:
    """(seconds from saving to "Built in", seconds from saving to the open page reloaded with the
    edit in the browser, notebooks executed) for `runs` edits under one `make watch`, whose live
    server (edition/serve.py --live) reloads the page open in Chromium."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import browser

    watcher = subprocess.Popen([*FRONT_DOOR, "html", "--watch"], cwd=copy, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True,
                               env={**os.environ, "PYTHONPATH": str(copy), "PYTHONUNBUFFERED": "1", "PORT": "0"})
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put((time.perf_counter(), line)) for line in watcher.stdout], daemon=True).start()
    said = []

    def until(words: str) -> tuple[float, str]:
        while True:
            when, line = lines.get(timeout=600)
            said.append(line)
            if words in line:
                return when, line

    found = []
    try:
        until("Watching for the next change")
        if "Serving the book at" not in "".join(said):  # the server says so on its own time
            until("Serving the book at")
        address = re.search(r"Serving the book at (http://127\.0\.0\.1:\d+/)", "".join(said))[1]
        with browser() as b:
            page = b.new_page()
            with page.expect_request(f"{address}_edition/live"):
                page.goto(f"{address}chapters/workers-truth.html")
            for run in range(runs):
                words = f"edited{100 + run}"
                with page.expect_navigation(timeout=600_000):
                    start = time.perf_counter()
                    edit_paragraph(copy / "chapters" / "workers-truth.md", 100 + run, essay=False)
                page.wait_for_function(f"document.body && document.body.innerText.includes({words!r})", polling=20, timeout=600_000)
                shown = time.perf_counter()
                when, line = until("Built in")
                executed = re.search(r"notebooks executed: (.*)\.$", line)
                found.append((when - start, shown - start, [] if not executed or executed[1] == "none" else executed[1].split(", ")))
                until("Watching for the next change")
    finally:
        os.killpg(watcher.pid, signal.SIGINT)
        watcher.wait(timeout=120)
    return found


def run_check() -> float:
    start = time.perf_counter()
    out = subprocess.run(["make", "-s", "check"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"make check failed:\n{out.stdout[-3000:]}")
    return time.perf_counter() - start


def floor_conf(copy: Path) -> str:
    """conf.py of the floor: Jupyter Book's Sphinx configuration of this book, without the
    edition's plug-ins and their settings, notebooks not executed."""
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(user_yaml=copy / "_config.yml", cli_config={"latex_individualpages": False},
                                 sourcedir=copy)
    config["extensions"] = [e for e in config["extensions"] if not e.startswith("edition")]
    config = {k: v for k, v in config.items() if not k.startswith("edition") and k != "bibtex_default_style"}
    config.update(nb_execution_mode="off", external_toc_path=str(copy / "_toc.yml"))
    config.get("html_theme_options", {}).pop("launch_buttons", None)  # as edition.sphinx.classroom.teaching does with no repository
    return "".join(f"{key} = {value!r}\n" for key, value in sorted(config.items()))


def floor(copy: Path) -> float:
    """Seconds of a bare sphinx-build with nothing changed (built once first, untimed, if needed)."""
    conf = copy / "_build" / "floor-conf"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "conf.py").write_text(floor_conf(copy), encoding="utf-8")
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-c", str(conf), "-d", str(copy / "_build" / "floor-doctrees"),
               str(copy), str(copy / "_build" / "floor-html")]
    env = {**os.environ, "PYTHONPATH": str(copy)}
    if not (copy / "_build" / "floor-html" / "index.html").exists():
        subprocess.run(command, cwd=copy, capture_output=True, text=True, env=env)
    start, cpu = time.perf_counter(), cpu_seconds()
    subprocess.run(command, cwd=copy, capture_output=True, text=True, env=env)
    CPU.setdefault("floor", []).append(cpu_seconds() - cpu)  # the timed run's alone
    return time.perf_counter() - start


def edit_paragraph(path: Path, run: int, essay: bool) -> None:
    """A one-paragraph edit: one more word in the chapter's first labelled paragraph (the author's
    text, which the publications notebook reads) or in the editors' objectives box (which none reads)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    if essay:
        line = next(i for i, line in enumerate(lines) if re.match(r"^(> )?\([a-z]+-\d+\)=$", line)) + 1
    else:
        line = next(i for i, line in enumerate(lines) if line.startswith("**After this section"))
    lines[line] += f" edited{run}"
    path.write_text("\n".join(lines), encoding="utf-8")


def readers(copy: Path, rel: str) -> list[str]:
    """The notebooks whose last run read `rel` (their kernels' own record, edition/sphinx/book/freshness.py)."""
    state = json.loads((copy / "_build/.stage/.jupyter_cache/edition-notebook-inputs.json").read_text(encoding="utf-8"))
    return sorted(Path(path).stem for path, record in state.items() if rel in record.get("reads", {}))


def fresh_clone(tmp: Path) -> dict:
    """`make book` in a new clone of the committed tree: total and pip's own seconds."""
    clone = tmp / "clone"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    start = time.perf_counter()
    run = subprocess.run(["make", "-s", "book"], cwd=clone, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")})
    took = time.perf_counter() - start
    if run.returncode:
        sys.exit(f"fresh-clone make book failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    pip = clone / ".venv" / "pip-seconds"
    return {"seconds": took, "pip": float(pip.read_text()) if pip.is_file() else None}


def fail_then_fix(copy: Path, run: int) -> None:
    """A broken link in a chapter: the build fails and publishes nothing; then the link is mended
    (with a new sentence), ready for the build that follows a failure (edition/sphinx/book/warned.py)."""
    chapter = copy / "chapters" / "closing.md"
    source = chapter.read_text(encoding="utf-8")
    chapter.write_text(source + "\nA broken link: {doc}`no-such-page`.\n", encoding="utf-8")
    out = subprocess.run([*FRONT_DOOR, "html"], cwd=copy, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(copy)})
    if out.returncode != 1:
        sys.exit(f"the broken link did not fail the build:\n{out.stdout[-3000:]}")
    chapter.write_text(source + f"\nMended {run}.\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fresh", type=int, default=1, help="fresh-clone runs (0: none)")
    parser.add_argument("--pdf", type=int, default=1, help="PDF builds right after the HTML book (0: none)")
    parser.add_argument("--check", type=int, default=1, help="runs of make check's tests (0: none)")
    parser.add_argument("--pages", type=int, default=5, help="phone runs of tools/bench_pages.py on the built book (0: none)")
    parser.add_argument("--watch", type=int, default=5, help="edits under one make watch (its medians: watch edit, edit to browser)")
    args = parser.parse_args()
    times = {k: [] for k in ("cold", "no change", "floor", "chapter edit", "watch edit", "edit to browser", "essay edit", "CSV edit",
                             "after a failure", "pdf", "check")}
    executed, fresh = {}, []

    def timed(name, run):
        before = cpu_seconds()
        seconds, nbs = run()
        if name != "floor":  # floor() counts its timed run only, not the first build it may need
            CPU.setdefault(name, []).append(cpu_seconds() - before)
        times[name].append(seconds)
        if nbs is not None:
            executed[name] = nbs
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "book"
        copy_tree(copy)
        for run in range(args.repeat):
            shutil.rmtree(copy / "_build", ignore_errors=True)
            timed("cold", lambda: build(copy))
            timed("no change", lambda: build(copy))
            timed("floor", lambda: (floor(copy), None))
            edit_paragraph(copy / "chapters" / "workers-truth.md", run, essay=False)
            timed("chapter edit", lambda: build(copy))
            executed["essay readers"] = readers(copy, "python:edition.essay:paragraphs_digest")
            edit_paragraph(copy / "chapters" / "workers-truth.md", run, essay=True)
            timed("essay edit", lambda: build(copy))
            expected = readers(copy, "data/happenings.csv")
            append_to_cell(copy / "data" / "happenings.csv", "title", " (edited)")  # one more word in the first title
            timed("CSV edit", lambda: build(copy))
            executed["CSV readers"] = expected
            fail_then_fix(copy, run)
            timed("after a failure", lambda: build(copy))
        for seconds, shown, nbs in watch_edits(copy, args.watch):  # make watch: the editors' loop
            times["watch edit"].append(seconds)
            times["edit to browser"].append(shown)
            executed["watch edit"] = nbs
        for _ in range(args.pdf):  # the PDF draws its charts from the HTML build's outputs
            shutil.rmtree(copy / "_build" / "pdf", ignore_errors=True)
            shutil.rmtree(copy / "_build" / ".stage" / "pdf", ignore_errors=True)
            timed("pdf", lambda: build(copy, "pdf"))
        for _ in range(args.check):  # the fast tier, as `make check` runs it, in the work tree
            timed("check", lambda: (run_check(), None))
        html = copy / "_build" / "html"
        pages = [p for p in html.rglob("*.html") if "_static" not in p.parts]
        sizes = sorted(p.stat().st_size for p in pages)
        total = sum(p.stat().st_size for p in html.rglob("*") if p.is_file())
        pages_table = ""
        if args.pages:  # what a reader's phone loads and draws (issue 29), the copy's book served by make serve
            pages_table = subprocess.run([sys.executable, str(ROOT / "tools" / "bench_pages.py"), "--html", str(html),
                                          "--runs", str(args.pages)], cwd=ROOT, capture_output=True, text=True).stdout
        for _ in range(args.fresh):
            shutil.rmtree(Path(tmp) / "clone", ignore_errors=True)
            before = cpu_seconds()
            fresh.append(fresh_clone(Path(tmp)))
            CPU.setdefault("fresh clone", []).append(cpu_seconds() - before)

    med = statistics.median
    now = {name: round(med(values), 2) for name, values in times.items() if values}
    if fresh:
        now["fresh clone"] = round(med(f["seconds"] for f in fresh), 1)
        pips = [f["pip"] for f in fresh if f["pip"] is not None]
        if pips:
            now["fresh clone: pip"] = round(med(pips), 1)
    now["no change - floor"] = round(now["no change"] - now["floor"], 2)
    try:
        before = json.loads(RESULTS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = {}
    previous = before.get("figures", {})

    def notebooks(key: str) -> str:
        return str(len(executed[key])) if key in executed else ""

    rows = [("cold build (venv ready)", "cold", notebooks("cold")),
            ("no change", "no change", notebooks("no change")),
            ("floor: bare sphinx-build no-op", "floor", ""),
            ("no change minus floor", "no change - floor", ""),
            ("editors' paragraph edited", "chapter edit", notebooks("chapter edit")),
            ("  the same under make watch", "watch edit", notebooks("watch edit")),
            ("  saved to reloaded in the browser", "edit to browser", ""),
            ("essay paragraph edited", "essay edit", notebooks("essay edit")),
            ("happenings.csv edited", "CSV edit", notebooks("CSV edit")),
            ("mended after a failed build", "after a failure", notebooks("after a failure")),
            ("fresh clone make book", "fresh clone", ""),
            ("  of which installing packages", "fresh clone: pip", ""),
            ("make pdf after make book", "pdf", notebooks("pdf")),
            ("make check (tests)", "check", "")]
    print(f"medians of {args.repeat} runs (make watch: {args.watch} edits; fresh clone: {args.fresh}), seconds; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; previous run: {before.get('when', 'none')}")
    cpu = {name: round(med(values), 2) for name, values in CPU.items()}
    cpu_before = before.get("cpu", {})
    print(f"{'figure':32} {'now':>7} {'before':>7} {'cpu now':>8} {'before':>7} {'notebooks run':>14}  target")
    for label, key, nbs in rows:
        if key not in now:
            continue
        old = f"{previous[key]:7.2f}" if key in previous else f"{'-':>7}"
        c = f"{cpu[key]:8.2f}" if key in cpu else f"{'':8}"
        c_old = f"{cpu_before[key]:7.2f}" if key in cpu_before else f"{'':7}"
        print(f"{label:32} {now[key]:7.2f} {old} {c} {c_old} {nbs:>14}  {TARGETS.get(key, '')}")
    print("(wall seconds; cpu: user + system seconds of every process the step started, steadier on a busy machine)")
    print(f"notebooks run on the essay paragraph edit: {', '.join(executed['essay edit']) or 'none'}; "
          f"the notebooks that read the essay's paragraphs: {', '.join(executed['essay readers']) or 'none'}")
    print(f"notebooks run on the CSV edit: {', '.join(executed['CSV edit']) or 'none'}; "
          f"the notebooks that read happenings.csv: {', '.join(executed['CSV readers']) or 'none'}")
    print(f"HTML pages: {len(pages)}; median {med(sizes) / 1024:.0f} KB, largest {sizes[-1] / 1024:.0f} KB; "
          f"total _build/html {total / 1024 / 1024:.1f} MB")
    if pages_table:
        print(f"\nWhat a reader's browser loads (tools/bench_pages.py):\n{pages_table}", end="")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"when": time.strftime("%Y-%m-%d %H:%M"), "repeat": args.repeat,
                                   "figures": now, "cpu": cpu, "runs": times, "cpu_runs": CPU, "executed": executed,
                                   "fresh": fresh}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
