"""`make serve` (edition/serve.py) on a small folder: text is sent gzip-compressed to a browser
that asks for it and as it is otherwise; --live (make watch) adds the reload script to pages and
says "reload" when the folder is replaced, as a build publishes it. The browser side is tested
with the real book in tests/test_fast_builds.py."""
from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.check
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def site(tmp_path):
    folder = tmp_path / "html"
    folder.mkdir()
    (folder / "page.html").write_text("<html><body><p>Words.</p></body></html>", encoding="utf-8")
    (folder / "big.js").write_text("var a = 1;\n" * 5000, encoding="utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG not text")
    return folder


def start(folder: Path, *flags: str):
    server = subprocess.Popen([sys.executable, "-m", "edition.serve", "0", str(folder), *flags], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = server.stdout.readline()
    return server, line.split("at ")[1].split()[0]


def get(url: str, gzip_ok: bool = True):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers, response.read()


def test_text_goes_compressed_to_a_browser_that_accepts_it(site):
    server, base = start(site)
    try:
        headers, body = get(f"{base}big.js")
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == (site / "big.js").read_bytes()
        assert len(body) < (site / "big.js").stat().st_size / 10
        headers, body = get(f"{base}big.js", gzip_ok=False)
        assert headers["Content-Encoding"] is None and body == (site / "big.js").read_bytes()
        headers, body = get(f"{base}image.png")  # already compressed formats go as they are
        assert headers["Content-Encoding"] is None and body == (site / "image.png").read_bytes()
        (site / "big.js").write_text("var b = 2;\n", encoding="utf-8")  # a new build: never the old file
        assert gzip.decompress(get(f"{base}big.js")[1]) == b"var b = 2;\n"
        headers, body = get(f"{base}page.html")
        assert b"EventSource" not in gzip.decompress(body)  # no live reload for readers
        with pytest.raises(urllib.error.HTTPError):
            get(f"{base}missing.html")
    finally:
        server.terminate()
        server.wait()


def test_live_pages_reload_when_the_folder_is_published_again(site, tmp_path):
    server, base = start(site, "--live")
    try:
        page = gzip.decompress(get(f"{base}page.html")[1])
        assert b"new EventSource(\"/_edition/live\")" in page and page.endswith(b"</script></body></html>")
        events = urllib.request.urlopen(f"{base}_edition/live", timeout=10)
        assert events.readline() == b": listening\n"
        events.readline()
        # a build publishes: a new folder renamed into place (edition/build.py, publish())
        new = tmp_path / "new"
        new.mkdir()
        (new / "page.html").write_text("<html><body><p>New words.</p></body></html>", encoding="utf-8")
        os.rename(site, tmp_path / "old")
        os.rename(new, site)
        start_wait = time.monotonic()
        assert events.readline() == b"data: reload\n"
        assert time.monotonic() - start_wait < 5
        assert b"New words." in gzip.decompress(get(f"{base}page.html")[1])
        events.close()
    finally:
        server.terminate()
        server.wait()
