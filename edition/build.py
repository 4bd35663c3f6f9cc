"""The one way the book is built: `make book`, `make pdf` and `make epub` run this.

    python -m edition.build html|pdf|epub|reading|handouts [-v]
    python -m edition.build html --watch      (make watch: build again at every change)

1. One build at a time in a folder: a second waits for the first (a lock on _build/.lock).
2. The data is checked first; bad data stops the build with the validator's one-line messages.
3. references.bib is brought up to date with data/sources.csv.
4. Sphinx (through Jupyter Book's configuration) builds into a staging folder, _build/.stage/,
   which keeps the caches that make the next build fast.
5. Only a build that succeeded completely (no warning, no failed notebook cell, a PDF with every
   character printed, an EPUB that epubcheck accepts) replaces the published _build/html,
   _build/pdf or _build/epub. A failed or interrupted build leaves the last good one in place,
   and the next build reads again every page that warned (every page, after a failure it cannot
   place on pages), so nothing of it can slip through later.
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import NoReturn

from edition.sphinx.book.internals import run_exit_handlers  # imported now: nothing is imported while a build ends
from edition.derived import fingerprint, write_atomic
from edition.paths import BUILD, ROOT

STAGE = BUILD / ".stage"
WARNED = "edition-warned.json"  # edition.sphinx.book.warned.RECORD (not imported: this process imports no Sphinx)
EDITIONS = {"html": ("html", "html"), "epub": ("epub", "epub"),  # name: (builder, folder)
            "pdf": ("typst", "pdf"), "reading": ("typst", "reading"), "handouts": ("typst", "handouts")}  # edition/sphinx/print/typst.py
EXECUTED = re.compile(r"([\w./-]+)\.md: Executed notebook")


def say(text: str = "") -> None:
    print(text, flush=True)


@contextlib.contextmanager
def build_lock():
    """Hold _build/.lock for the whole build; wait (saying so) while another build holds it."""
    BUILD.mkdir(exist_ok=True)
    with open(BUILD / ".lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            other = lock.read().strip() or "another process"
            say(f"Another build is running in this folder ({other}); waiting for it to finish (Ctrl-C to stop waiting).")
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write(f"pid {os.getpid()}, started {time.strftime('%H:%M:%S')}")
        lock.flush()
        yield


def check_data() -> bool:
    from edition.data import problems as data_problems

    problems = data_problems(ROOT / "data")  # cached for the plug-ins that load data in this process
    for problem in problems:
        say(str(problem))
    if problems:
        say(f"\nStopped: {len(problems)} problem(s) in data/ (each line says where and what to do). "
            "Fix them and build again; `make validate` checks the data alone.")
    return not problems


def refresh_bibliography() -> None:
    """references.bib is made from data/sources.csv; rewritten (atomically) only when it differs."""
    from edition.sphinx.book.bibliography import BIB, render

    if write_atomic(ROOT / BIB, render(ROOT / "data").encode("utf-8")):
        say(f"{BIB} updated from data/sources.csv.")


CHECKED = STAGE / "data-checked"  # the inputs' fingerprint when they were last found valid


def checked_sources() -> str:
    """One hash of what check_data() and refresh_bibliography() read."""
    # the whole package's code: a hand-kept list of the validator's modules went stale once, when they moved
    return fingerprint(sorted((ROOT / "data").glob("*")), sorted((ROOT / "chapters").glob("*.md")),
                       sorted((ROOT / "edition").rglob("*.py")))


def checked_inputs(sources: str | None = None) -> str:
    """One hash of what check_data() and refresh_bibliography() read (`sources`: checked_sources()
    as it was before they read it) and write: when it is the one recorded after the last check,
    both would find nothing to do (and importing pandas and the validator to find that out is most
    of a no-op build's front-door time)."""
    return fingerprint(sources or checked_sources(), ROOT / "references.bib")


def data_checked_before() -> bool:
    try:
        return CHECKED.read_text(encoding="utf-8") == checked_inputs()
    except OSError:
        return False


# Not inputs of any edition: build state, packages, version control, the tests and the tools.
NOT_INPUTS = {"_build", ".venv", ".git", "tests", "tools", ".ci", "__pycache__", ".ipynb_checkpoints", ".pytest_cache"}
SETTINGS = ("EDITION_SOLUTIONS", "EDITION_PAPER")  # what make passes to the build (SOLUTIONS=, PAPER=)


def book_inputs(edition: str) -> str:
    """One hash of everything a build of `edition` can read: every file of the book but those
    above (by path and content), make's settings, and the Python (and so the packages) that runs it."""
    files = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = sorted(d for d in subfolders if d not in NOT_INPUTS and not d.endswith(".egg-info"))
        files += [Path(folder, name) for name in sorted(names)]
    return fingerprint([f.relative_to(ROOT).as_posix() for f in files], files, edition, sys.executable,
                       sys.version, [f"{key}={os.environ.get(key, '')}" for key in SETTINGS])


def up_to_date(edition: str, folder: str, inputs: str) -> bool:
    """True when the published edition was built from exactly these inputs (its record, written
    after it was published) and no build of it has failed since: then a build would change nothing."""
    try:
        recorded = (STAGE / f"{folder}.inputs").read_text(encoding="utf-8")
    except OSError:
        return False
    return recorded == inputs and (BUILD / folder).is_dir() and not (STAGE / f"{folder}.unfinished").exists()


class SphinxChild:
    """Sphinx in a child process, started before the data is checked: it imports Sphinx, Jupyter
    Book, myst-nb and the plug-ins (2.5 s) while this process checks the data, then builds when
    told to (`go`) or leaves (`stop`). `make watch` forks it from a process that has imported all
    that already (fork=True), so a rebuild starts at once.

    The child gets Ctrl-C like every process of the terminal (the kernels too); this process only
    notes it, waits for the child, and reports it plainly instead of the noise of what broke.
    """

    def __init__(self, builder: str, folder: str, verbose: bool, fork: bool = False):
        self.folder, self.log = folder, STAGE / f"{folder}.log"
        STAGE.mkdir(parents=True, exist_ok=True)
        args = [builder, folder, str(self.log)] + (["--verbose"] if verbose else [])
        if fork:
            self.pid, self.stdin, self.stdout = _fork(args)
        else:
            self.process = subprocess.Popen([sys.executable, "-m", "edition.build", "--sphinx", *args,
                                             f"--parent={os.getpid()}"], cwd=ROOT,
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                            text=True)
            self.pid, self.stdin, self.stdout = self.process.pid, self.process.stdin, self.process.stdout
        self.returncode = None

    def _tell(self, order: str) -> None:
        try:
            self.stdin.write(order + "\n")
            self.stdin.close()
        except OSError:  # it has gone already (Ctrl-C)
            pass

    def _wait(self) -> int:
        if self.returncode is None:
            self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
            if getattr(self, "process", None):
                self.process.returncode = self.returncode  # so Popen does not wait for it again
        return self.returncode

    def stop(self) -> None:
        """End it without building (bad data, nothing to do, or Ctrl-C): it has only imported."""
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                self.stdin.close()
            self.stdout.close()
            self._wait()

    def go(self, validated: str) -> tuple[bool, str]:
        """Build into the staging folder; (succeeded, its status log). `validated`: data_state() as
        it was before the data was validated (or found validated): if the data's state differs
        from it when the child loads it, the child validates it again."""
        dirty = STAGE / f"{self.folder}.unfinished"  # there until this edition's build succeeds
        # The last build of it failed or was stopped: read every page again, unless it failed on
        # warnings that each name their page (edition/sphinx/book/warned.py reads those again).
        fresh = dirty.exists() and not (STAGE / f".doctrees-{self.folder}" / WARNED).is_file()
        dirty.touch()
        interrupted = []
        previous = signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
        try:
            self._tell(f"go {int(fresh)} {validated}")
            for line in self.stdout:
                if not interrupted and not NOISE.search(line):
                    sys.stdout.write(line)
                    sys.stdout.flush()
            self._wait()
        finally:
            signal.signal(signal.SIGINT, previous)
        if interrupted:
            raise KeyboardInterrupt
        return self.returncode == 0, self.log.read_text(encoding="utf-8") if self.log.is_file() else ""


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """In a process just started by `parent`: be killed (SIGKILL) when the parent dies, however it
    dies (kill -9 too), so that no build goes on writing into _build/.stage after its parent has
    gone and the lock with it (Linux: prctl(PR_SET_PDEATHSIG)); and leave at once if the parent
    has died already, between the fork and this call."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _fork(args: list[str]) -> tuple[int, io.TextIOBase, io.TextIOBase]:
    """A child forked from this process, running sphinx_child(args) with pipes for its orders and
    its output; (pid, its orders, its output)."""
    orders_r, orders_w = os.pipe()
    out_r, out_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child
        die_with_parent(parent)
        code = 1
        try:
            os.close(orders_w)
            os.close(out_r)
            os.dup2(out_w, 1)
            os.dup2(out_w, 2)
            os.close(out_w)
            code = sphinx_child(args[0], args[1], args[2], verbose="--verbose" in args, orders=os.fdopen(orders_r))
        except KeyboardInterrupt:
            code = 130
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            finish(code)
    os.close(orders_r)
    os.close(out_w)
    return pid, os.fdopen(orders_w, "w"), os.fdopen(out_r, encoding="utf-8", errors="replace")


# What a build imports, imported by the child while the data is checked, and once by `make watch`.
# A module missing here is only imported later, when the build needs it.
WARM = ["jupyter_book.sphinx", "jupyter_book.config", "sphinx.application", "sphinx.builders.html",
        "myst_nb.sphinx_ext", "sphinx_book_theme", "sphinxcontrib.bibtex", "sphinx_exercise", "edition.data"]


IMPORTED = STAGE / "imported"  # the modules the last build's Sphinx process had imported


def warm_up(everything: bool = False) -> None:
    """Import what a build imports. `everything` (make watch): also every module the last build had
    imported (the theme's, the other extensions', pybtex's styles: 0.6 s of each build otherwise),
    so that a build forked from this process imports nothing."""
    import importlib

    from edition.sphinx import PLUG_INS

    for name in WARM + PLUG_INS:
        importlib.import_module(name)
    if everything and IMPORTED.is_file():
        for name in IMPORTED.read_text(encoding="utf-8").split():
            if name not in sys.modules and not name.startswith("__"):
                with contextlib.suppress(Exception):  # a module of a removed package, a script's own
                    importlib.import_module(name)


def warm_caches() -> None:
    """In make watch's process, between builds: what the plug-ins compute from data/ alone, in their
    own caches keyed by the files' state (so a stale entry is never used), ready for every build
    forked from here. Editing a chapter leaves data/ as it was, and each build saves 0.4 s."""
    from edition.sphinx.book.apparatus import rows_by_paragraph

    with contextlib.suppress(Exception):  # bad data: the build says so, in its own words
        rows_by_paragraph(ROOT / "data")


def sphinx_child(builder: str, folder: str, log_path: str, verbose: bool, orders) -> int:
    """In the child: import, then wait for `go <fresh> <data state>` (or `stop`) and build."""
    warm_up()
    order = orders.readline().split()
    if len(order) != 3 or order[0] != "go":
        return 0
    os.environ["EDITION_DATA_CHECKED"] = order[2]  # the data as this build's parent validated it (kernels too)
    code = run_sphinx(builder, folder, log_path, fresh=order[1] == "1", verbose=verbose)
    with contextlib.suppress(OSError):  # for make watch to import before the next build (warm_up)
        write_atomic(IMPORTED, "\n".join(sorted(sys.modules)).encode())
    return code


EXIT_SECONDS = 10  # what the exit handlers get before the child ends without them


def finish(code: int) -> None:
    """End the child: every file is written and closed; run the exit handlers (no kernel outlives
    the build), then skip tearing down a build's 300,000 objects one by one (half a second).

    A handler can wait forever: after Ctrl-C, nbclient's clean-up of a kernel that had already
    gone hung in zmq's Context.term (a fresh-clone CI run), and the build it served waited on it
    with the lock held. After EXIT_SECONDS the child kills its own processes and ends anyway."""
    import threading

    watchdog = threading.Timer(EXIT_SECONDS, _end_now, (code,))
    watchdog.daemon = True
    watchdog.start()
    run_exit_handlers()
    watchdog.cancel()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _end_now(code: int) -> NoReturn:
    say("The build's clean-up did not finish; ending it (its kernels are stopped).")
    for task in Path("/proc/self/task").glob("*"):  # Linux; elsewhere the kernels' own clean-up stands
        with contextlib.suppress(OSError, ValueError):
            for child in (task / "children").read_text().split():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(child), signal.SIGKILL)
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    os._exit(code)


NOISE = re.compile(r"Kernel is running over TCP without encryption")  # ipykernel's, on every start


def data_state() -> str:
    """The data's state now (names, times, sizes), for the child to trust as validated by this
    process instead of validating again, if it is what the child finds."""
    from edition.data.validate import state_digest, validation_state

    return state_digest(validation_state(ROOT / "data"))


def run_sphinx(builder: str, folder: str, log_path: str, fresh: bool, verbose: bool) -> int:
    """In the child: Sphinx, configured from _config.yml by Jupyter Book, into the staging folder."""
    from jupyter_book.sphinx import build_sphinx

    # (Jupyter Book's build_sphinx requires latex_individualpages, though the book has no LaTeX route)
    overrides = {"external_toc_path": (ROOT / "_toc.yml").as_posix(), "latex_individualpages": False, "nitpicky": True}
    overrides.update(paper_overrides(os.environ.get("EDITION_PAPER", "")))
    if builder == "typst":
        overrides["edition_typst"] = folder  # which Typst edition: pdf, reading or handouts
    with open(log_path, "w", encoding="utf-8") as log:
        status = _Tee(log, sys.stdout if verbose else _Progress(sys.stdout))
        warnings = _Tee(log, sys.stdout)
        with contextlib.redirect_stdout(status), contextlib.redirect_stderr(warnings):
            result = build_sphinx(ROOT, STAGE / folder, noconfig=True, path_config=str(ROOT / "_config.yml"),
                                  confoverrides=overrides, builder=builder, doctreedir=STAGE / f".doctrees-{folder}",
                                  warningiserror=True, keep_going=True, freshenv=fresh)
    return 0 if result == 0 else 1


PAPERS = ("a4", "letter")  # PAPER=... of make


def paper_overrides(paper: str) -> dict:
    """The paper size of every printed edition (A4 unless PAPER=letter); edition.sphinx.print.typst reads
    `edition_paper`. main() has checked the name."""
    return {"edition_paper": paper.lower() or "a4"}


class _Tee(io.TextIOBase):
    """Write to several streams (the build's log, and the terminal unless quiet)."""

    def __init__(self, *streams):
        self.streams = [s for s in streams if s is not None]

    def write(self, text):
        for s in self.streams:
            s.write(text)
        return len(text)

    def flush(self):
        for s in self.streams:
            s.flush()


class _Progress(io.TextIOBase):
    """What a quiet build shows of Sphinx's status: one line per notebook it executes."""

    STARTED = re.compile(r"(\S+\.md): Executing notebook")
    DONE = re.compile(r"(\S+\.md): Executed notebook in ([\d.]+) seconds")

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        for line in text.splitlines():
            if m := self.DONE.search(line):
                self.stream.write(f"  executed {Path(m.group(1)).relative_to(ROOT)} in {float(m.group(2)):.0f} s\n")
            elif m := self.STARTED.search(line):
                self.stream.write(f"  executing {Path(m.group(1)).relative_to(ROOT)} ...\n")
        return len(text)

    def flush(self):
        self.stream.flush()


def check_epub(outdir: Path) -> bool:
    epub = outdir / "book.epub"
    run = subprocess.run(["java", "-jar", "/usr/share/java/epubcheck.jar", "--quiet", str(epub)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        say(f"epubcheck rejects the EPUB:\n{run.stdout}{run.stderr}")
        return False
    return True


def publish(folder: str, in_place: bool = False) -> Path:
    """Replace _build/<folder> with the staged one: lay it out beside it, then swap by renaming.

    A file the last published book already has (same size, same modification time: the staged
    file it was copied from has not been written since) is hard-linked from there instead of
    copied, so a build that changed little copies little. Published files are never written in
    place (only new files are made, then the folder is renamed), so sharing them is safe.

    `in_place` (make watch): only the files that changed are replaced, each by a rename, and the
    files the build no longer makes removed; no folder is made or removed for the others (making
    and removing the book's 120 folders took 0.5-1 s of each edit here). A reader may see the
    book half published for those milliseconds; an interrupted publication is finished by the next
    build, since the record that the book is up to date is written only after it.
    Either way _build/.<folder>.published is rewritten last: `make watch`'s server reloads the open
    page when it changes.
    """
    target, new, old = BUILD / folder, BUILD / f".{folder}.new", BUILD / f".{folder}.old"
    if in_place and target.is_dir():
        with _no_ctrl_c():
            _update(STAGE / folder, target)
    else:
        for leftover in (new, old):
            shutil.rmtree(leftover, ignore_errors=True)
        _lay_out(STAGE / folder, new, target)
        if target.exists():
            os.rename(target, old)
        os.rename(new, target)
        shutil.rmtree(old, ignore_errors=True)
    write_atomic(BUILD / f".{folder}.published", f"{time.time_ns()}".encode())
    return target


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    """The same file content: a published file keeps the size and time of the staged one it was copied from."""
    return (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns)


def _lay_out(source: Path, new: Path, published: Path) -> None:
    """`new` as a copy of `source`, its unchanged files linked from `published`."""
    new.mkdir()
    for entry in os.scandir(source):
        here, there = new / entry.name, published / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(entry.path), here)
        elif entry.is_dir():
            _lay_out(Path(entry.path), here, there)
        else:
            try:
                same = _same(there.lstat(), entry.stat()) and there.is_file()
            except OSError:
                same = False
            try:
                if not same:
                    raise OSError
                os.link(there, here)
            except OSError:  # changed, new, or a file system without hard links
                shutil.copy2(entry.path, here)
    shutil.copystat(source, new)


def _update(source: Path, published: Path) -> None:
    """`published` made a copy of `source` by replacing (copy, then rename) only what differs."""
    staged = {entry.name: entry for entry in os.scandir(source)}
    for entry in os.scandir(published):
        if entry.name not in staged or entry.is_dir(follow_symlinks=False) != staged[entry.name].is_dir(follow_symlinks=False) \
                or entry.is_symlink() != staged[entry.name].is_symlink():
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
    for name, entry in staged.items():
        there = published / name
        if entry.is_symlink():
            if not there.is_symlink() or os.readlink(there) != os.readlink(entry.path):
                temporary = published / f".{name}.new"
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)
                os.symlink(os.readlink(entry.path), temporary)
                os.replace(temporary, there)
        elif entry.is_dir():
            if not there.is_dir():
                there.mkdir()
            _update(Path(entry.path), there)
        else:
            try:
                if _same(there.lstat(), entry.stat()):
                    continue
            except OSError:
                pass
            temporary = published / f".{name}.new"
            shutil.copy2(entry.path, temporary)
            os.replace(temporary, there)


@contextlib.contextmanager
def _no_ctrl_c():
    """Ctrl-C waits until the block is done (then raises as usual)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--sphinx"]:  # the child process of SphinxChild above
        die_with_parent(int(next(a for a in argv if a.startswith("--parent=")).partition("=")[2]))
        finish(sphinx_child(argv[1], argv[2], argv[3], verbose="--verbose" in argv, orders=sys.stdin))
    parser.add_argument("edition", choices=sorted(EDITIONS))
    parser.add_argument("-v", "--verbose", action="store_true", help="show everything Sphinx says")
    parser.add_argument("--watch", action="store_true", help="build again whenever a file of the book changes")
    args = parser.parse_args(argv)
    paper = os.environ.get("EDITION_PAPER", "").lower() or "a4"
    if paper not in PAPERS:
        say(f"PAPER={paper}: the paper sizes are {' and '.join(PAPERS)} (make pdf PAPER=letter).")
        return 2
    if args.edition != "html":
        os.environ.setdefault("BROWSER_PATH", "/usr/bin/chromium")  # kaleido draws the print charts
    if args.watch:
        return watch(args.edition, args.verbose)
    return build(args.edition, args.verbose)


def build(edition: str, verbose: bool, fork: bool = False, report=lambda inputs: None) -> int:
    """One build of an edition, published only if it all succeeded; the exit code.

    `report(inputs)` is told the book's inputs (book_inputs()) as this build read them: taken
    before anything is read, so that a file saved while it builds differs from them (make watch
    then builds again). The last call is the one that counts."""
    builder, folder = EDITIONS[edition]
    started = time.monotonic()
    if edition == "html":
        from edition.sphinx.web.vendored import problem

        if missing := problem():  # plotly.js and the icons, from npm: one line, not Sphinx's traceback
            say(f"Stopped: {missing}")
            return 1
    child = None
    try:
        with build_lock():
            inputs = book_inputs(edition)
            report(inputs)
            checked = data_checked_before()
            if checked and up_to_date(edition, folder, inputs):
                return say_up_to_date(edition, folder)
            child = SphinxChild(builder, folder, verbose, fork)  # it imports while the data is checked
            # The data as it is before it is checked, or found checked (again, after this snapshot):
            # a file saved from now on differs from it, and the child validates it itself.
            validated = data_state()
            checked = checked and data_checked_before()
            if not checked:
                sources = checked_sources()  # before they are read: a file saved during the check differs
                if not check_data():
                    return 1
                try:
                    refresh_bibliography()
                except ValueError as err:  # a row that cannot be a BibTeX entry: one line (file, row, column)
                    say(f"{err}\n\nStopped: fix it in data/ and build again.")
                    return 1
                write_atomic(CHECKED, checked_inputs(sources).encode("utf-8"))
            inputs = book_inputs(edition)  # after references.bib is brought up to date, before Sphinx reads
            report(inputs)
            if up_to_date(edition, folder, inputs):  # an edit undone
                return say_up_to_date(edition, folder)
            (STAGE / f"{folder}.inputs").unlink(missing_ok=True)
            ok, log = child.go(validated)
            if ok and edition == "epub":
                ok = check_epub(STAGE / folder)
            if not ok:
                say(f"\nThe {edition.upper()} build failed (see the lines above; the full log is "
                    f"{(STAGE / f'{folder}.log').relative_to(ROOT)}). Nothing was published: "
                    f"the last good {edition.upper()} is still in _build/{folder}.")
                return 1
            (STAGE / f"{folder}.unfinished").unlink(missing_ok=True)
            (STAGE / f".doctrees-{folder}" / WARNED).unlink(missing_ok=True)  # what warned failed nothing
            target = publish(folder, in_place=fork)  # fork: make watch's builds
            write_atomic(STAGE / f"{folder}.inputs", inputs.encode("utf-8"))
    except KeyboardInterrupt:
        say(f"\nInterrupted: nothing was published; the last good book is still in _build/{folder}. "
            "The next build picks up where this one stopped.")
        return 130
    finally:
        if child is not None:
            child.stop()
    executed = sorted({Path(m).name for m in EXECUTED.findall(log)})
    read, written = (len(set(re.findall(rf"{step}\.\.\. \S*\s*\[\s*\d+%\] \S*?([\w/.-]+)", log)))
                     for step in ("reading sources", "writing output"))
    pages = f"{read} page(s) read, {written} written" if edition == "html" else f"{read} page(s) read"
    say(f"Built in {time.monotonic() - started:.0f} s: {pages}; notebooks executed: {', '.join(executed) or 'none'}.")
    say(f"Open {opened(edition, target)}" + (" (or run `make serve`)." if edition == "html" else "."))
    return 0


def say_up_to_date(edition: str, folder: str) -> int:
    say(f"Up to date: nothing has changed since _build/{folder} was built; notebooks executed: none.")
    say(f"Open {opened(edition, BUILD / folder)}" + (" (or run `make serve`)." if edition == "html" else "."))
    return 0


def code_state() -> str:
    """The code a warm process has imported: the edition package and the pinned packages."""
    return fingerprint(sorted((ROOT / "edition").rglob("*.py")), ROOT / "requirements.txt", ROOT / "pyproject.toml")


def watch(edition: str, verbose: bool) -> int:
    """`make watch`: build, then build again each time a file of the book changes, until Ctrl-C.

    This process imports what a build imports once, and forks each build from itself: a fresh
    process, as `make book` starts, without the 2.5 s of imports. When the edition's own code
    or the pinned packages change, it starts itself again, so a build never runs old code.
    A build dies with this process (die_with_parent), and its Sphinx child with the build.
    """
    warm_up(everything=True)
    imported, running = code_state(), []
    say(f"Watching the book: each change is built and published to _build/{EDITIONS[edition][1]} (Ctrl-C stops).")
    server = live_server(edition)

    def restart_if_the_code_changed() -> None:
        if code_state() != imported:
            say("The edition's code or the pinned packages changed: starting again.")
            if server:
                server.terminate()
                server.wait()
            os.execv(sys.executable, [sys.executable, "-m", "edition.build", edition, "--watch"]
                     + (["--verbose"] if verbose else []))

    inputs = changes(edition)

    def build_once() -> str | None:
        """One build in a process forked from this one; the inputs as it read them (None if it
        could not say). It says first what it builds: a build that reads every page prints
        nothing else for a while, and the editor (and a test) knows it is not idle."""
        say(f"Building: {inputs.news()}")
        told_r, told_w = os.pipe()
        sys.stdout.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # a build of its own, from this process's imports and nothing else
            die_with_parent(parent)
            os.close(told_r)
            code = 1
            try:
                code = build(edition, verbose, fork=True, report=lambda inputs: os.write(told_w, f"{inputs}\n".encode()))
            finally:
                finish(code)
        os.close(told_w)
        running.append(pid)
        with os.fdopen(told_r, encoding="ascii") as told:
            said = told.read().split()  # until the build ends (it holds the pipe's other end)
        os.waitpid(pid, 0)
        running.remove(pid)
        warm_up(everything=True)  # what this build imported first, if anything
        warm_caches()
        say("Watching for the next change (Ctrl-C stops).")
        return said[-1] if said else None

    try:
        watch_loop(inputs, build_once, restart_if_the_code_changed, poll=0.05)
    except KeyboardInterrupt:
        if running:  # the build got Ctrl-C too: let it say what it left
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            os.waitpid(running[0], 0)
        if server:  # it got Ctrl-C too; no process of make watch outlives it
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        say("Stopped watching.")
        return 130


def changes(edition: str):
    """book_inputs(edition) as a function cheap enough to ask 20 times a second: the files' names,
    times and sizes (3 ms), their content read again only when one of those differs.
    `state.news()` names the files changed since it was last asked (at each build's start)."""
    seen: list = [None, None]
    built: list[dict] = [{}]

    def state() -> str:
        quick = []
        for folder, subfolders, names in os.walk(ROOT):
            subfolders[:] = sorted(d for d in subfolders if d not in NOT_INPUTS and not d.endswith(".egg-info"))
            for name in sorted(names):
                with contextlib.suppress(OSError):
                    s = os.stat(os.path.join(folder, name))
                    quick.append((folder, name, s.st_ino, s.st_size, s.st_mtime_ns))
        if quick != seen[0]:
            seen[:] = [quick, book_inputs(edition)]
        return seen[1]

    def news() -> str:
        now = {os.path.relpath(os.path.join(folder, name), ROOT): rest for folder, name, *rest in seen[0] or []}
        before, built[0] = built[0], now
        if not before:
            return "the book."
        names = sorted(name for name in now.keys() | before.keys() if now.get(name) != before.get(name))
        more = f" and {len(names) - 3} more" if len(names) > 3 else ""
        return f"{', '.join(names[:3])}{more} changed." if names else "the book again."

    state.news = news  # type: ignore[attr-defined]
    return state


def live_server(edition: str) -> subprocess.Popen | None:
    """The HTML book served on PORT (8000) as `make serve` serves it, with the open page reloaded
    when a build is published (edition/serve.py --live). It says its address or why not."""
    if edition != "html":
        return None
    port = os.environ.get("PORT") or "8000"
    parent = os.getpid()
    return subprocess.Popen([sys.executable, "-m", "edition.serve", port, str(BUILD / "html"), "--live"], cwd=ROOT,
                            preexec_fn=lambda: die_with_parent(parent))


def watch_loop(state, build_once, before_each=lambda: None, poll: float = 0.2) -> NoReturn:
    """Build whenever the inputs (`state()`) differ from those the last build read, forever.

    `build_once()` builds and returns the inputs as that build read them: a file saved while it
    built differs from them, so another build follows and the last save is always published.
    (Recording the inputs as they were after the build would take in that save unbuilt.) When
    a build cannot say, the inputs taken just before it started stand in: at worst one build more."""
    last = None
    while True:
        before_each()
        now = state()
        if now != last:
            read = build_once()
            last = now if read is None else read
        time.sleep(poll)


def opened(edition: str, target: Path) -> Path:
    """What a reader opens of a published edition."""
    return {"html": target / "index.html", "pdf": target / "book.pdf", "epub": target / "book.epub",
            "reading": target / "reading.pdf", "handouts": target}[edition]


if __name__ == "__main__":
    sys.exit(main())
