"""The EPUB edition (`make epub`, which `make test` runs first) is valid EPUB 3."""
import subprocess
import zipfile

import pytest

from fidelity import ROOT

EPUB = ROOT / "_build" / "epub" / "book.epub"


@pytest.fixture(scope="session")
def epub():
    if not EPUB.exists():
        pytest.fail("The EPUB is not built: run `make epub` (make test does it for you).")
    return EPUB


def test_epubcheck_finds_no_errors(epub):
    result = subprocess.run(["java", "-jar", "/usr/share/java/epubcheck.jar", str(epub)],
                            capture_output=True, text=True)
    report = result.stdout + result.stderr
    assert result.returncode == 0 and "0 errors" in report, report[-3000:]


def test_epub_has_no_scripts(epub):
    with zipfile.ZipFile(epub) as z:
        names = z.namelist()
        assert not [n for n in names if n.endswith(".js")]
        pages = [z.read(n).decode("utf-8") for n in names if n.endswith(".xhtml")]
    assert pages and not [p for p in pages if "<script" in p]
