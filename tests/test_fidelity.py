"""Every word of the essay and its five notes reaches the reader, in the seed's order."""
import shutil

import pytest

from fidelity import essay_pages, first_difference, rendered_parts, seed_parts


def test_seed_copy_is_unchanged():
    from fidelity import ROOT
    shared = ROOT.parent / "shared" / "seeds" / "000_567e60ce91505345.txt"
    if not shared.exists():
        pytest.skip("shared/seeds is not beside this checkout")
    assert (ROOT / "seeds" / shared.name).read_bytes() == shared.read_bytes()


def test_body_and_notes_in_html(html_dir):
    seed_body, seed_notes = seed_parts()
    body, notes = rendered_parts(html_dir)
    assert len(seed_body) > 6000 and len(seed_notes) > 450  # the whole essay, not a fragment
    problem = first_difference(seed_body, body, "essay body") or first_difference(seed_notes, notes, "notes")
    assert problem is None, problem


@pytest.mark.parametrize("mutation", ["drop", "change", "swap"])
def test_check_catches_one_word_mutated(html_dir, tmp_path, mutation):
    """The check is not vacuous: one word dropped, changed or moved in a copy of a page fails it."""
    copy = tmp_path / "html"
    shutil.copytree(html_dir / "chapters", copy / "chapters")
    page = copy / "chapters" / "workers-truth.html"
    html = page.read_text(encoding="utf-8")
    target = "The working class is leading a miserable existence"
    assert target in html
    new = {"drop": "The working class is leading a existence",
           "change": "The working class is leading a miserabel existence",
           "swap": "The working class is leading miserable a existence"}[mutation]
    page.write_text(html.replace(target, new), encoding="utf-8")
    seed_body, _ = seed_parts()
    body, _ = rendered_parts(copy)
    problem = first_difference(seed_body, body, "essay body")
    assert problem is not None
    assert "miserable" in problem and "leading" in problem  # names the word and its seed context


def test_debris_is_not_essay_text(html_dir):
    body, _ = rendered_parts(html_dir, essay_pages() + ["chapters/index"])
    text = " ".join(body)
    assert "Printer-friendly" not in text
    assert "History of the workers' movement:" not in text
