import pytest

from fidelity import HTML


@pytest.fixture(scope="session")
def html_dir():
    if not (HTML / "chapters" / "index.html").exists():
        pytest.fail("The book is not built: run `make book` (make test does it for you).")
    return HTML
