"""`make serve`: the built book on http://127.0.0.1:PORT, compressed, and a plain answer when the
port is taken. `make watch` runs it with --live: the open page reloads when a build is published.

    python -m edition.serve [port] [folder] [--live]

- HTTP/1.1 (kept-alive connections): a chart page's plotly.js is not queued behind new
  connections for each of the theme's small files.
- Compressed: text (pages, scripts, styles, JSON) goes gzip-compressed to a browser that accepts
  it, compressed once per file version and kept in memory: plotly.js travels as 0.4 MB, not 1.2.
- --live (make watch): every page served gets a few lines of script that listen on
  /_edition/live (server-sent events); the server says "reload" when a build is published
  (edition/build.py rewrites _build/.html.published last, whether it replaced the folder or, in
  make watch, the changed files in it), and the page reloads itself. The published book itself
  has no such script.
"""
from __future__ import annotations

import functools
import gzip
import http.server
import io
import sys
import time
from pathlib import Path

COMPRESSED = {".html", ".js", ".css", ".json", ".svg", ".txt", ".xml", ".map", ".ipynb", ".md", ".csv", ".bib"}
LIVE = "/_edition/live"
LIVE_SCRIPT = (b'<script>new EventSource("' + LIVE.encode() + b'").onmessage = () => location.reload();</script>')
POLL = 0.02  # s between looks at the published folder (--live): two stat calls


@functools.lru_cache(maxsize=256)
def _gzipped(path: str, version: tuple) -> bytes:
    """The file's bytes gzip-compressed; `version` (its inode, size and time) keys the cache."""
    with open(path, "rb") as f:
        return gzip.compress(f.read(), compresslevel=9, mtime=0)


def folder_version(folder: Path) -> tuple | None:
    """Changes when a build publishes: the mark it rewrites once all is in place
    (_build/.html.published); without a mark, when the folder is a new one or was written in."""
    for path in (folder.parent / f".{folder.name}.published", folder):
        try:
            s = path.stat()
            return s.st_ino, s.st_mtime_ns
        except OSError:
            pass
    return None


class Handler(http.server.SimpleHTTPRequestHandler):
    # HTTP/1.1: a browser keeps its few connections open and asks for the page's thirty-odd files
    # over them, instead of one new connection per file (HTTP/1.0); every answer says its length
    # (the event stream, which has none, closes its connection when it ends)
    protocol_version = "HTTP/1.1"
    live = False
    root = Path("_build/html")

    def log_message(self, *args):  # a reader's terminal stays quiet; errors still show
        pass

    def do_GET(self):
        if self.live and self.path == LIVE:
            return self.live_events()
        return super().do_GET()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "")
        if not path.is_file() or path.suffix not in COMPRESSED or not (gzip_ok or self.live):
            return super().send_head()  # a folder's redirect, a 404, images and fonts as they are
        try:
            s = path.stat()
            if self.live and path.suffix == ".html":
                body = path.read_bytes().replace(b"</body>", LIVE_SCRIPT + b"</body>", 1)
                body = gzip.compress(body, compresslevel=1, mtime=0) if gzip_ok else body
            else:
                body = _gzipped(str(path), (s.st_ino, s.st_size, s.st_mtime_ns))
        except OSError:
            return super().send_head()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        if gzip_ok:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(s.st_mtime)))
        if self.live and path.suffix == ".html":
            self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(body)

    def live_events(self) -> None:
        """Server-sent events: "reload" once the folder is published again; a comment now and then
        keeps the connection open."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        seen, quiet = folder_version(self.root), time.monotonic()
        try:
            self.wfile.write(b": listening\n\n")
            self.wfile.flush()
            while True:
                time.sleep(POLL)
                now = folder_version(self.root)
                if now is not None and now != seen:
                    self.wfile.write(b"data: reload\n\n")
                    self.wfile.flush()
                    seen = now
                elif time.monotonic() - quiet > 15:
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
                    quiet = time.monotonic()
        except OSError:  # the page went away
            pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a reader who left mid-page is no error
            super().handle_error(request, client_address)


def main(argv: list[str]) -> int:
    live = "--live" in argv
    argv = [a for a in argv if a != "--live"]
    port = int(argv[0]) if argv else 8000
    folder = argv[1] if len(argv) > 1 else "_build/html"
    handler = type("Handler", (Handler,), {"live": live, "root": Path(folder).resolve()})
    handler = functools.partial(handler, directory=folder)
    try:
        server = Server(("127.0.0.1", port), handler)
    except OSError as err:
        print(f"Port {port} is in use ({err.strerror}): stop what uses it, or choose another port, "
              f"e.g. make {'watch' if live else 'serve'} PORT={port + 1}", flush=True)
        return 1
    print(f"Serving the book at http://127.0.0.1:{server.server_address[1]}/ "
          f"{'(the open page reloads after each build) ' if live else ''}(Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
