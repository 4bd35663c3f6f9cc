"""A real browser on the built book: Debian's Chromium driven by Playwright, served on 127.0.0.1."""
from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path

# Debian's Chromium and the flags that keep it quiet on a closed network (no background calls
# home): the same browser the build draws the charts' stills with, defined once there.
from edition.sphinx.web.stills import CHROMIUM, FLAGS  # re-exported for the tests

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a folder on a free port of 127.0.0.1; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield b
        finally:
            b.close()
