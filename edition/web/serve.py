"""`make serve`: the built book on http://127.0.0.1:PORT, and a plain answer when the port is taken.

    python -m edition.web.serve [port] [folder]
"""
from __future__ import annotations

import functools
import http.server
import sys


def main(argv: list[str]) -> int:
    port = int(argv[0]) if argv else 8000
    folder = argv[1] if len(argv) > 1 else "_build/html"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=folder)
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as err:
        print(f"Port {port} is in use ({err.strerror}): stop what uses it, or choose another port, "
              f"e.g. make serve PORT={port + 1}")
        return 1
    print(f"Serving the book at http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
