import pytest

from fidelity import HTML

# The tiers (pyproject.toml's markers): `check` needs no build (make check); `built` reads the main
# build in _build/ (make test builds it first); `book` is end to end: it builds scratch copies of the
# book or runs a make target on real hand-ins. A test marked with neither of the others is `built`.
TIERS = ("check", "built", "book")

# The end-to-end modules that take longest, started first so that `pytest -n 2` (make test) ends them
# side by side instead of waiting for one at the end (measured: README, "Tests").
SLOW_FIRST = ("test_grading.py", "test_fast_builds.py", "test_reliability.py", "test_student_edition.py",
              "test_injection.py", "test_print_text.py", "test_reading.py", "test_classroom.py", "test_publish.py")


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
