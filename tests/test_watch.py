"""The build's processes, without building the book (issue 26, items 4 and 5): `make watch`
publishes the last save, always (its loop driven by a stand-in build that takes saves while it
builds), and a build's Sphinx child dies with its parent, even when the parent is killed with
SIGKILL (the child forked as `make watch` forks it, its Sphinx a stand-in that would build for two
minutes). With the real book: tests/test_fast_builds.py (ten saves in 2 s under `make watch`) and
tests/test_reliability.py (kill -9 of `make book`)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from edition import build as front_door
from edition.sphinx.book import freshness

pytestmark = pytest.mark.check
ROOT = Path(__file__).resolve().parent.parent


class Stop(Exception):
    pass


class Editor:
    """A book of one file, its saves numbered; a build reads the number, then builds for a while."""

    def __init__(self, seconds_per_build: float):
        self.saved, self.published, self.builds, self.seconds = 0, [], 0, seconds_per_build

    def state(self) -> str:
        return str(self.saved)

    def build_once(self, save_while_building=lambda: None) -> str:
        read = self.saved  # what the build reads, before it builds
        self.builds += 1
        save_while_building()
        time.sleep(self.seconds)
        self.published.append(read)
        return str(read)

    def run(self, build_once, done) -> None:
        def before_each():
            if done():
                raise Stop

        with pytest.raises(Stop):
            front_door.watch_loop(self.state, build_once, before_each, poll=0.01)


def test_watch_builds_again_after_a_save_made_during_each_build():
    """Every one of ten saves lands while a build runs (after it read the files): each starts
    another build, and the tenth is published."""
    editor = Editor(0.02)

    def save_while_building():
        if editor.saved < 10:
            editor.saved += 1

    idle = []  # loop turns after the tenth save was published
    editor.run(lambda: editor.build_once(save_while_building),
               lambda: editor.published[-1:] == [10] and len(idle.append(1) or idle) > 20)
    assert editor.published == list(range(11)), editor.published
    assert editor.builds == 11  # and none while nothing changed


def test_watch_publishes_the_last_of_ten_saves_in_two_seconds():
    editor = Editor(0.15)

    def save() -> None:
        for _ in range(10):
            time.sleep(0.2)
            editor.saved += 1

    saver = threading.Thread(target=save)
    saver.start()
    finished = []
    editor.run(editor.build_once, lambda: not saver.is_alive() and len(finished.append(1) or finished) > 50)
    assert editor.published[-1] == 10, editor.published


def test_a_build_that_cannot_say_what_it_read_counts_as_reading_what_was_there_before_it():
    editor = Editor(0.01)

    def silent_build():
        editor.build_once(lambda: setattr(editor, "saved", min(editor.saved + 1, 3)))
        return None

    turns = []
    editor.run(silent_build, lambda: editor.published[-1:] == [3] and len(turns.append(1) or turns) > 20)
    assert editor.published == [0, 1, 2, 3]


def test_sphinx_counts_a_page_as_read_when_reading_began():
    """A page saved while Sphinx read it (after it opened the file) has a time before the end of
    its reading: the page's recorded time is moved back to when reading began, so the next build
    reads it again."""
    import os
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        src, build = Path(tmp) / "src", Path(tmp) / "build"
        for name in ("closing", "index", "whos-who"):
            (src / "chapters").mkdir(parents=True, exist_ok=True)
            (src / "chapters" / f"{name}.md").write_text(name)
        build.mkdir()
        (build / "words.json").write_text("{}")  # a file the build writes while it reads

        class App:
            outdir = str(build / "html")

        class Env:
            srcdir, doctreedir = str(src), str(build)
            all_docs = {"chapters/closing": 5_000_000, "chapters/index": 4_000_000, "chapters/whos-who": 5_000_000}
            dependencies = {"chapters/whos-who": {str(build / "words.json")}}

            def doc2path(self, docname):
                return str(src / f"{docname}.md")

        for name, seconds in (("closing", 4), ("index", 1), ("whos-who", 1)):  # closing saved during reading
            os.utime(src / "chapters" / f"{name}.md", ns=(seconds * 1_000_000_000, seconds * 1_000_000_000))
        os.utime(build / "words.json", ns=(4_500_000_000, 4_500_000_000))
        app, env = App(), Env()
        app.edition_reading_began = 3_000_000
        freshness._reading(app, env, ["chapters/closing", "chapters/index", "chapters/whos-who"])
        freshness._as_read(app, env)
        assert env.all_docs == {"chapters/closing": 3_000_000, "chapters/index": 4_000_000,
                                "chapters/whos-who": 5_000_000}


PARENT = """
import sys, time
from pathlib import Path
import edition.build as b

b.STAGE = Path(sys.argv[1])
b.warm_up = lambda: None


def building(*args, **kwargs):
    print("building", flush=True)
    time.sleep(120)
    return 0


b.run_sphinx = building
child = b.SphinxChild("html", "html", False, fork=True)
print(child.pid, flush=True)
child.go("no-data-state")
"""


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting for its new parent to collect it does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux's")
def test_the_sphinx_child_dies_when_its_parent_is_killed(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(tmp_path / "stage")], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        child = int(parent.stdout.readline())
        assert parent.stdout.readline().strip() == "building"
        assert alive(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(child), "the Sphinx child goes on building after its parent was killed"
    finally:  # whatever is left of the test's processes (the child shares the parent's group)
        try:
            os.killpg(parent.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
