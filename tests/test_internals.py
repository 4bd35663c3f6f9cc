"""What edition/sphinx/book/internals.py (and grade/runner.py's nbclient hook) rely on in other packages,
exercised against the installed versions. requirements.txt pins each exactly; when an upgrade
changes one of these behaviours, its test fails with a message naming the pin to look at, instead
of the build failing somewhere far away (or, worse, quietly doing the wrong thing)."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import threading
import time
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from edition.sphinx.book import internals

pytestmark = pytest.mark.check


def pin(package: str, relies: str) -> str:
    from importlib.metadata import version

    return (f"{package} {version(package)} no longer {relies}: see edition/sphinx/book/internals.py, "
            f"and pin {package} back in requirements.txt or change the code that relies on it.")


def test_exit_handlers_run_before_os_exit(tmp_path):
    mark = tmp_path / "ran"
    code = textwrap.dedent(f"""
        import atexit, os
        atexit.register(lambda: open({str(mark)!r}, "w").close())
        from edition.sphinx.book.internals import run_exit_handlers
        run_exit_handlers()
        os._exit(0)
    """)
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parent.parent)
    assert mark.is_file(), f"Python {sys.version.split()[0]}'s atexit._run_exitfuncs no longer runs the exit handlers: see edition/sphinx/book/internals.py."


def test_a_hung_exit_handler_does_not_keep_the_build(tmp_path):
    """A build's Sphinx child ends within EXIT_SECONDS even if an exit handler never returns (as
    zmq's Context.term did after Ctrl-C), and a process it started (a kernel) goes with it."""
    code = textwrap.dedent("""
        import atexit, subprocess, sys, time
        from edition import build
        build.EXIT_SECONDS = 1
        kernel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        print(kernel.pid, flush=True)
        atexit.register(lambda: time.sleep(600))
        build.finish(3)
    """)
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parent.parent)
    assert run.returncode == 3 and time.monotonic() - started < 30, run.stdout + run.stderr
    assert "The build's clean-up did not finish" in run.stdout
    kernel = int(run.stdout.split()[0])

    def alive() -> bool:
        try:  # gone, or a zombie waiting to be reaped (its state Z or X)
            return Path(f"/proc/{kernel}/stat").read_text().rpartition(")")[2].split()[0] not in ("Z", "X")
        except OSError:
            return False

    deadline = time.monotonic() + 10
    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(), "the process the build started outlived it"


def _client(source: str, **settings):
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    return NotebookClient(notebook, kernel_name="python3", **settings)


def test_a_running_kernel_can_be_killed_from_another_thread():
    started, outcome = threading.Event(), []
    client = _client("import time; time.sleep(60)", timeout=120, on_cell_start=lambda **_: started.set())
    internals.kill_kernel(client)  # no kernel yet: nothing to do

    def run():
        try:
            client.execute()
            outcome.append(None)
        except Exception as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(60), "the kernel did not start in 60 s"
    process = client.km.provisioner.process
    internals.kill_kernel(client)
    thread.join(30)
    assert not thread.is_alive() and process.poll() is not None, pin(
        "jupyter_client", "gives a kernel's process as km.provisioner.process (a Popen that ends the run when killed)")
    from nbclient.exceptions import DeadKernelError

    assert isinstance(outcome[0], DeadKernelError), outcome


def test_myst_nb_reads_notebooks_with_the_reader_it_exposes(tmp_path):
    import myst_nb.sphinx_
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import create_nb_reader
    from myst_parser.config.main import MdParserConfig

    assert myst_nb.sphinx_.create_nb_reader is create_nb_reader, pin(
        "myst-nb", "reads a page with myst_nb.core.read.create_nb_reader")
    env = SimpleNamespace(myst_config=MdParserConfig(), mystnb_config=NbParserConfig())
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")],
                                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    path = tmp_path / "lesson.ipynb"
    text = nbformat.writes(notebook)
    read = internals.read_notebook(path, text, env)
    assert read is not None and read.cells[0].source == "1 + 1", pin("myst-nb", "reads an .ipynb with create_nb_reader")
    assert read.metadata.kernelspec.name == "python3"
    assert internals.read_notebook(tmp_path / "page.md", "# Just a page\n", env) is None, pin(
        "myst-nb", "returns None from create_nb_reader for a page that is not a notebook")


def test_myst_nb_keeps_the_execution_record_on_the_environment():
    import inspect

    from myst_nb.sphinx_ import NbMetadataCollector, Parser

    env = SimpleNamespace()
    NbMetadataCollector.set_doc_data(env, "plain", "other", 1)
    NbMetadataCollector.set_exec_data(env, "lesson", {"succeeded": False, "traceback": "boom"})
    assert internals.execution_record(env, "lesson") == {"succeeded": False, "traceback": "boom"}, pin(
        "myst-nb", "gives back NbMetadataCollector.set_exec_data's record through get_exec_data")
    assert internals.execution_record(env, "plain") == {}
    assert "NbMetadataCollector.set_exec_data" in inspect.getsource(Parser.parse), pin(
        "myst-nb", "records a page's execution with NbMetadataCollector.set_exec_data when it parses it")


def test_bibtex_fills_its_own_citation_nodes_and_the_block_keeps_them(tmp_path):
    from sphinx.testing.util import SphinxTestApp

    (tmp_path / "conf.py").write_text('extensions = ["sphinxcontrib.bibtex"]\nbibtex_bibfiles = ["refs.bib"]\n')
    (tmp_path / "refs.bib").write_text("@book{ward, author = {C. D. Ward}, title = {The Communist Left}, publisher = {ICC}, year = {2003}}\n")
    (tmp_path / "index.rst").write_text("Title\n=====\n\nSee :cite:p:`ward`.\n\n.. bibliography::\n")
    app = SphinxTestApp("html", srcdir=tmp_path, status=StringIO(), warning=StringIO())
    try:
        app.build()
        [bibliography] = app.env.get_domain("cite").bibliographies.values()

        def sizes():
            return [len(node.children) for node in bibliography.citation_nodes.values()]

        built = sizes()
        assert built and all(built), "the bibliography has no entries"
        with internals.bibliographies_apart(app.env):
            app.env.get_and_resolve_doctree("index", app.builder)
        assert sizes() == built
        app.env.get_and_resolve_doctree("index", app.builder)
        assert sizes() != built, pin(
            "sphinxcontrib-bibtex", "fills the citation nodes of its domain's bibliographies in place when it resolves a page "
            "(internals.bibliographies_apart may no longer be needed)")
    finally:
        app.cleanup()


def test_sphinx_exercise_keeps_its_exercises_on_the_environment(tmp_path):
    from sphinx.testing.util import SphinxTestApp

    (tmp_path / "conf.py").write_text('extensions = ["sphinx_exercise"]\n')
    (tmp_path / "index.rst").write_text("Title\n=====\n\n.. exercise:: Read the chart\n   :label: ex-1\n\n   Which year?\n")
    app = SphinxTestApp("html", srcdir=tmp_path, status=StringIO(), warning=StringIO())
    try:
        app.build()
        entry = internals.exercises(app.env).get("ex-1", {})
        assert (entry.get("docname"), entry.get("type")) == ("index", "exercise") and "Which year?" in entry["node"].astext(), pin(
            "sphinx-exercise", 'keeps each exercise as env.sphinx_exercise_registry[label] = {"docname", "type", "node"}')
    finally:
        app.cleanup()


def test_smarten_matches_sphinx_epub_toc_text():
    from sphinx.builders._epub_base import ssp

    from edition.sphinx.print.epub import smarten

    for text in ['&quot;Left&quot; -- and "right"', "Sapranov's 1918--1930 group", "it's --- done"]:
        assert smarten(text) == ssp(text), pin("Sphinx", f"writes EPUB toc text {text!r} as edition.sphinx.print.epub.smarten does")


def test_nbclient_calls_the_graders_timeout_hook():
    from nbclient.exceptions import CellTimeoutError

    from edition.grade.runner import Runner

    events = io.StringIO()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time; time.sleep(60)")])
    runner = Runner(notebook, events, set(), 10_000, timeout=2, kernel_name="python3", allow_errors=True)
    with pytest.raises(CellTimeoutError):  # not interrupted, as the grader's are: the hook is the same, the test quicker
        runner.execute()
    seen = [json.loads(line)["event"] for line in events.getvalue().splitlines()]
    assert "timeout" in seen, pin("nbclient", "calls NotebookClient._async_handle_timeout(timeout, cell) when a cell runs out of time "
                                  "(edition/grade/runner.py overrides it)")
