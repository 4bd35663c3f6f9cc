"""A real browser on the built book: Debian's Chromium driven by Playwright, served on 127.0.0.1."""
from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import struct
import threading
import zlib
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


# The document's full size as Playwright's page.screenshot(full_page=True) measures it.
_FULL_SIZE = """() => { const b = document.body, d = document.documentElement;
  return [Math.max(b.scrollWidth, d.scrollWidth, b.offsetWidth, d.offsetWidth, b.clientWidth, d.clientWidth),
          Math.max(b.scrollHeight, d.scrollHeight, b.offsetHeight, d.offsetHeight, b.clientHeight, d.clientHeight)]; }"""


def png(page, path: Path, full: bool = True) -> bytes:
    """A PNG of the whole page, as page.screenshot(full_page=True) takes it (the same pixels), with
    Chromium's PNG encoder set for speed (CDP's optimizeForSpeed, which Playwright does not offer):
    on the book's tall pages (up to 55,000 px) about 40 % less CPU for files about 30 % bigger.
    `full=False`: the first screen only (the page scrolled to its top), as a reader opens it."""
    if full:
        width, height = page.evaluate(_FULL_SIZE)
    else:
        page.evaluate("window.scrollTo(0, 0)")
        width, height = page.viewport_size["width"], page.viewport_size["height"]
    cdp = page.context.new_cdp_session(page)
    try:
        data = cdp.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": full, "optimizeForSpeed": True,
                                                   "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})["data"]
    finally:
        cdp.detach()
    picture = base64.b64decode(data)
    Path(path).write_bytes(picture)
    return picture


def png_top(picture: bytes, rows: int) -> bytes:
    """The top `rows` rows of a PNG, as a PNG: only the start of its pixel data is unpacked (a
    second capture of the top costs Chromium nearly what the whole page did: it lays out and
    draws the whole page again). A PNG's rows are filtered against the row above only, so the
    first rows alone are a whole picture."""
    chunks, at = [], 8
    while at < len(picture):
        size, kind = struct.unpack(">I4s", picture[at:at + 8])
        chunks.append((kind, picture[at + 8:at + 8 + size]))
        at += 12 + size
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert not interlace, "an interlaced PNG"
    rows = min(rows, height)
    row_bytes = 1 + (width * {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour] * depth + 7) // 8  # the filter byte first
    unpack, pixels = zlib.decompressobj(), b""
    for data in (data for kind, data in chunks if kind == b"IDAT"):
        pixels += unpack.decompress(data, rows * row_bytes - len(pixels))
        if len(pixels) >= rows * row_bytes:
            break
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))  # noqa: E731
    head = struct.pack(">IIBBBBB", width, rows, depth, colour, 0, 0, 0)
    others = b"".join(chunk(kind, data) for kind, data in chunks[1:] if kind not in (b"IDAT", b"IEND"))
    return picture[:8] + chunk(b"IHDR", head) + others + chunk(b"IDAT", zlib.compress(pixels, 1)) + chunk(b"IEND", b"")
