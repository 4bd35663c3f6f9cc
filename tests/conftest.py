import pytest

from fidelity import HTML

# The tiers (pyproject.toml's markers): `check` needs no build (make check); `built` reads the main
# build in _build/ (make test builds it first); `book` is end to end: it builds scratch copies of the
# book or runs a make target on real hand-ins. A test marked with neither of the others is `built`.
TIERS = ("check", "built", "book")

# The modules that take longest, longest first (each module runs on one worker: make test's
# --dist loadfile), so that the workers end together instead of one waiting for another's last long
# module. Measured in a full fresh-clone run (its --junitxml: each module's tests added up). The
# check tier is not here: make test runs it beside the set-up builds.
SLOW_FIRST = ("test_fast_builds.py", "test_reliability.py", "test_grading.py", "test_reading.py",
              "test_student_matrix.py", "test_injection.py", "test_student_edition.py", "test_print_text.py",
              "test_classroom_loop.py", "test_publish.py", "test_classroom.py", "test_chart_touch.py",
              "test_notebooks.py", "test_apparatus.py", "test_stills.py", "test_anchors.py", "test_bundle.py",
              "test_reader_pages.py", "test_pdf.py", "test_epub.py", "test_claims.py", "test_structure.py",
              "test_print_editions.py")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if not any(item.get_closest_marker(tier) for tier in TIERS):
            item.add_marker(pytest.mark.built)
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each module keeps its order


@pytest.fixture(scope="session")
def html_dir():
    if not (HTML / "chapters" / "index.html").exists():
        pytest.fail("The book is not built: run `make book` (make test does it for you).")
    return HTML
