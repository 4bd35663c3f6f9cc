"""Every notebook runs top to bottom in a fresh kernel, as a student would run it: from its own
folder and from the repository root, with plotly's default renderer (how long they take is
tools/bench.py's business, not a test's)."""

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from fidelity import ROOT
from notebooks import notebooks


@pytest.mark.parametrize("where", ["chapters", "root"])
@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.stem)
def test_notebook_runs_in_a_fresh_kernel(path, where, monkeypatch):
    monkeypatch.delenv("PLOTLY_RENDERER", raising=False)  # the default a student has
    nb = jupytext.read(path)
    cwd = path.parent if where == "chapters" else ROOT
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    nbformat.validate(nb)
    figures = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if "application/vnd.plotly.v1+json" in o.get("data", {})]
    captions = [c for c in nb.cells if c.cell_type == "code" and "figure" in c.metadata.get("mystnb", {})]
    assert len(figures) == len(captions) > 0, "every chart is a captioned figure, and there is one"


def test_notebooks_are_in_the_book():
    assert [p.stem for p in notebooks()] == ["chronology", "membership", "publications", "repression"]
